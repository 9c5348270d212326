"""An offer's life: references, publication for 60 days, renewal, closing, copies.

The rules live here so that the admin views, the schedule and the tests share
them. Publishing goes through Wagtail's own actions (revisions, workflows, the
audit log); closing an offer unpublishes it and records why.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from . import page_lifetime
from .conf import partner_settings
from .models import OfferPage, Partner
from .models.offers import ClosedReason
from .page_lifetime import source_of
from .permissions import is_editor, may_manage


class OfferActionRefused(Exception):
    """The user may not do this to this offer; the message says why."""


# References: suggested from the partner's name, editable by the partner.


def _reference_prefix(partner: Partner) -> str:
    letters = re.sub(r"[^A-Z0-9]", "", slugify(partner.name).upper())
    return letters[:6] or "OFFRE"


def suggest_reference(partner: Partner) -> str:
    """A free reference for a new offer of ``partner``: ``ACME-2026-007``."""
    prefix = f"{_reference_prefix(partner)}-{timezone.localdate().year}-"
    taken = {
        reference.upper()
        for reference in OfferPage.objects.filter(
            partner=partner, reference__istartswith=prefix
        ).values_list("reference", flat=True)
    }
    number = len(taken) + 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


def company_description_of(partner_page: Page) -> str:
    """The partner's presentation text, to prefill a new offer (guide 4.1)."""
    presentation = getattr(partner_page, "presentation", None) or []
    paragraphs = [
        block.value.source
        for block in presentation
        if block.block_type == "paragraph" and strip_tags(block.value.source).strip()
    ]
    return "".join(paragraphs)


# Who may act on an offer.


def can_manage(user, offer: OfferPage) -> bool:
    """Editors manage every offer; a partner's users manage their partner's."""
    return may_manage(user, Partner.for_page(offer))


def _check(user, offer: OfferPage) -> Partner | None:
    partner = Partner.for_page(offer)
    if not may_manage(user, partner):
        raise OfferActionRefused(_("This offer belongs to another partner."))
    return partner


# Publication and its end.


def reopen_on_publish(offer: OfferPage) -> None:
    """``page_published``: a published offer is on the board, whatever it was."""
    OfferPage.objects.filter(translation_key=offer.translation_key).update(
        closed_reason="", closed_at=None, reminder_sent_for=None
    )
    offer.closed_reason = ""
    offer.closed_at = None
    offer.reminder_sent_for = None


@transaction.atomic
def close(offer: OfferPage, user, reason: str) -> int:
    """Take the offer off the board in every locale, recording ``reason``.

    ``reason`` is ``"deleted"`` (guide 4.2 "supprimer": kept for the record)
    or ``"filled"``. A submission waiting for the editors is cancelled.
    Returns how many pages were unpublished.
    """
    if reason not in ClosedReason.values:
        raise ValueError(reason)
    _check(user, offer)
    if reason == ClosedReason.FILLED and not source_of(offer).live:
        raise OfferActionRefused(_("Only an offer on the job board can be filled."))
    count = 0
    for page in page_lifetime.translations_of(offer):
        if page.live:
            page.unpublish(user=user)
            count += 1
        workflow_state = page.current_workflow_state
        if workflow_state is not None:
            workflow_state.cancel(user=user)
    OfferPage.objects.filter(translation_key=offer.translation_key).update(
        closed_reason=reason, closed_at=timezone.now(), expire_at=None
    )
    return count


def delete(offer: OfferPage, user) -> int:
    """Guide 4.2 "supprimer": off the board, listed as deleted."""
    return close(offer, user, ClosedReason.DELETED)


def mark_filled(offer: OfferPage, user) -> int:
    """The position is filled: the offer leaves the board with that reason."""
    return close(offer, user, ClosedReason.FILLED)


@transaction.atomic
def renew(offer: OfferPage, user) -> str:
    """Put the offer (back) on the board for a fresh lifetime, in one click.

    Works on a live offer (extends it), an expired, filled or deleted one.
    A moderated partner's users submit it to the editors instead; returns
    ``"published"`` or ``"submitted"``.
    """
    partner = _check(user, offer)
    source = source_of(offer)
    if source.first_published_at is None and not source.live:
        raise OfferActionRefused(
            _("This offer was never published: edit it and send it instead.")
        )
    submit = partner is not None and partner.moderates(source)
    return page_lifetime.bring_back(offer, user, submit=submit and not is_editor(user))


@transaction.atomic
def duplicate(offer: OfferPage, user) -> OfferPage:
    """A new draft with the offer's content and a fresh reference."""
    partner = _check(user, offer)
    source = source_of(offer).get_latest_revision_as_object()
    parent = source.get_parent()
    title = _("%(title)s (copy)") % {"title": source.title}
    copy = source.copy(
        to=parent,
        update_attrs={
            "title": title,
            "draft_title": title,
            "slug": _free_slug(parent, source.slug),
            "reference": suggest_reference(partner) if partner else "",
            "created_at": timezone.now(),
            "closed_reason": "",
            "closed_at": None,
            "expire_at": None,
            "go_live_at": None,
            "custom_expiry": False,
            "reminder_sent_for": None,
            "expired": False,
            "first_published_at": None,
            "last_published_at": None,
        },
        keep_live=False,
        copy_revisions=False,
        user=user,
        log_action="wagtail.copy",
    )
    copy.save_revision(user=user, log_action=False)
    return copy


def _free_slug(parent: Page, slug: str) -> str:
    siblings = set(parent.get_children().values_list("slug", flat=True))
    base = f"{slug[:230]}-copie"
    candidate, number = base, 1
    while candidate in siblings:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def purge(offer: OfferPage, user) -> str:
    """Editors delete a deleted offer for ever; returns its title."""
    if not is_editor(user):
        raise OfferActionRefused(_("Only the editorial staff can purge offers."))
    return page_lifetime.delete_everywhere(offer, user)


# Reminders before expiry.


def offers_to_remind(now=None):
    """Live offers (default locale) expiring soon whose partner was not told."""
    now = now or timezone.now()
    horizon = now + timedelta(days=partner_settings.OFFER_REMINDER_DAYS)
    return (
        OfferPage.objects.live()
        .filter(
            locale_id=Locale.get_default().pk,
            expire_at__gt=now,
            expire_at__lte=horizon,
        )
        .exclude(reminder_sent_for=F("expire_at"))
        .select_related("partner")
        .order_by("expire_at")
    )


def send_expiry_reminders(now=None) -> int:
    """E-mail each partner's users about its offers that expire soon.

    One message per partner listing its offers, each with a link to renew it
    in "Mes offres". An offer is reminded once per publication; returns how
    many offers were reminded.
    """
    by_partner: dict[Partner, list[OfferPage]] = defaultdict(list)
    for offer in offers_to_remind(now):
        if offer.partner is not None:
            by_partner[offer.partner].append(offer)
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    reminded = 0
    for partner, offers in by_partner.items():
        recipients = [
            user.email for user in partner.members.filter(is_active=True) if user.email
        ]
        if recipients:
            with translation.override(settings.LANGUAGE_CODE):
                for offer in offers:
                    offer.renew_url = base_url + reverse(
                        "alumni_partner_offers:renew", args=[offer.pk]
                    )
                context = {
                    "partner": partner,
                    "offers": offers,
                    "list_url": base_url + reverse("alumni_partner_offers:index"),
                }
                subject = _("Your job offers expire soon")
                body = render_to_string(
                    "alumni_partner/emails/offer_expiry_reminder.txt", context
                )
            send_mail(subject, body, None, recipients)
        for offer in offers:
            OfferPage.objects.filter(translation_key=offer.translation_key).update(
                reminder_sent_for=offer.expire_at
            )
            reminded += 1
    return reminded
