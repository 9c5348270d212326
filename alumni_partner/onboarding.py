"""Partner onboarding: one call makes a partner's whole space.

The admin action and ``manage.py create_partner`` both call :func:`onboard_partner`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.admin.utils import get_admin_base_url
from wagtail.models import Collection, Locale
from wagtail_localize.synctree import create_aliases_for_new_page

from . import permissions
from .models import Partner, PartnerIndexPage, PartnerPage, PersonalDetails


@dataclass
class NewPartner:
    """What the editor types to create a partner."""

    name: str
    email: str
    first_name: str = ""
    last_name: str = ""
    sector: object | None = None
    category: object | None = None
    country: str = ""


def partner_index() -> PartnerIndexPage:
    """The partner index of the default locale, under which partner pages go."""
    index = (
        PartnerIndexPage.objects.filter(locale=Locale.get_default())
        .order_by("path")
        .first()
    )
    if index is None:
        raise ValidationError(_("Create a partner index page before adding partners."))
    return index


def validate_new_partner(data: NewPartner) -> None:
    """Refuse a duplicate name or an e-mail already used by another account."""
    errors = {}
    if Partner.objects.filter(name__iexact=data.name.strip()).exists():
        errors["name"] = _("A partner with this name already exists.")
    email = data.email.strip()
    users = get_user_model().objects
    # The username is the address the account was created with: it stays the
    # login's fallback after the user changes its e-mail (and stays unique).
    if users.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        errors["email"] = _("An account with this e-mail address already exists.")
    if errors:
        raise ValidationError(errors)


def _unique_slug(parent, name: str) -> str:
    base = slugify(name)[:70] or "partner"
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def onboard_partner(data: NewPartner, *, send_invitation: bool = True) -> Partner:
    """Create the partner, its page in every locale, group, collection and first user.

    The page starts as a draft: the partner fills "Mon organisation" and publishes.
    """
    validate_new_partner(data)
    name, email = data.name.strip(), data.email.strip().lower()
    with transaction.atomic():
        index = partner_index()
        page = index.add_child(
            instance=PartnerPage(
                title=name,
                slug=_unique_slug(index, name),
                live=False,
                sector=data.sector,
                category=data.category,
                country=data.country,
            )
        )
        page.save_revision()
        group = Group.objects.create(name=f"Partner: {name}")
        collection = Collection.get_first_root_node().add_child(name=name)
        partner = Partner.objects.create(
            name=name, page=page, group=group, collection=collection
        )
        permissions.grant_admin_access(group)
        permissions.grant_editor_permissions()
        permissions.grant_collection_permissions(group, collection)
        # Aliases in the other locales get their permissions through the
        # page_published / post_save signal handler; grant on the source now.
        create_aliases_for_new_page(page)
        permissions.apply_moderation(partner)

        user = add_partner_user(
            partner, email=email, first_name=data.first_name, last_name=data.last_name
        )
        if send_invitation:
            transaction.on_commit(lambda: send_invitation_email(user, partner))
    return partner


def add_partner_user(partner: Partner, *, email: str, first_name="", last_name=""):
    """A user of ``partner``, without a password until they set one."""
    user = get_user_model().objects.create(
        username=email, email=email, first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(partner.group)
    partner.members.add(user)
    PersonalDetails.objects.get_or_create(user=user)
    return user


def password_setup_url(user) -> str:
    """A one-use link to Wagtail's "set your password" form."""
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return get_admin_base_url() + path


def send_invitation_email(user, partner: Partner, language: str = "fr") -> None:
    """Tell a new partner user how to set a password and log in."""
    with override(language):
        context = {
            "user": user,
            "partner": partner,
            "setup_url": password_setup_url(user),
            "login_url": get_admin_base_url() + reverse("wagtailadmin_login"),
        }
        send_mail(
            subject=_("Your partner space on %(site)s") % {"site": _site_name()},
            message=render_to_string("alumni_partner/emails/invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


def _site_name() -> str:
    from django.conf import settings

    return getattr(settings, "WAGTAIL_SITE_NAME", "Wagtail")
