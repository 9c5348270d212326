"""An alumnus's rights over their data (GDPR): a copy of it, and erasure.

:func:`export_personal_data` gathers everything the site holds about a member
(the account, the whole profile with its hidden fields, the partners followed,
the partners whose recipient lists include them, their likes, the partners
whose mailings they left, the mailings sent to them, and their messages) as
plain JSON types. :func:`delete_account` erases the account at once: the
database cascades from the user to the profile, its follows, languages,
skills and list memberships, likes and e-mail addresses, and its mailbox with
the messages it sent (:mod:`alumni_partner.messaging.personal_data`), so the
alumnus leaves the directory, search, counts and every saved list in one
transaction; the photo file goes when that transaction commits.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .alumni_accounts import is_partner_user
from .messaging.personal_data import erase_messages, export_messages
from .models import AlumniProfile, NewsLike, NewsPage, PersonalDetails
from .models.alumni import LANGUAGES
from .models.mailings import MailingRecipient, MailingUnsubscribe, RecipientStatus
from .permissions import is_editor

#: Changes when the layout of the export changes, so a reader can tell.
EXPORT_FORMAT = "france-alumni/personal-data/1"


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _account(user) -> dict[str, Any]:
    return {
        "email": user.email,
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
    }


def _personal_details(user) -> dict[str, Any] | None:
    details = PersonalDetails.objects.filter(user=user).first()
    if details is None:
        return None
    return {"civility": details.civility, "phone": details.phone, "fax": details.fax}


def _profile(profile: AlumniProfile, request=None) -> dict[str, Any]:
    language_names = dict(LANGUAGES)
    photo = None
    if profile.photo:
        url = reverse("alumni_partner:profile_photo")
        photo = {
            "file": profile.photo.name.rpartition("/")[2],
            "url": request.build_absolute_uri(url) if request else url,
        }
    sector = profile.sector
    return {
        "public_id": str(profile.public_id),
        "photo": photo,
        "country": str(profile.country.code or ""),
        "country_name": str(profile.country.name or ""),
        "city": profile.city,
        "institution": profile.institution,
        "field_of_study": profile.field_of_study,
        "degree": profile.degree,
        "degree_name": str(profile.get_degree_display()) if profile.degree else "",
        "graduation_year": profile.graduation_year,
        "employer": profile.employer,
        "job_title": profile.job_title,
        "sector": sector.name if sector else "",
        "skills": sorted(tag.name for tag in profile.skills.all()),
        "languages": [
            {"code": code, "name": str(language_names.get(code, code))}
            for code in sorted(profile.language_codes())
        ],
        "bio": profile.bio,
        "listed_in_directory": profile.listed,
        # Every field, shown or hidden, with what members may see of it.
        "members_may_see": {
            field: profile.shows(field) for field in AlumniProfile.MEMBER_FIELDS
        },
        "partners_may_contact_me": profile.accepts_partner_contact,
        "partners_may_send_me_mailings": profile.accepts_partner_mailings,
        "mailing_consent_given_at": _when(profile.mailing_consent_at),
        "partners_may_see_when_i_open_their_mailings": profile.accepts_open_tracking,
        "created_at": _when(profile.created_at),
        "updated_at": _when(profile.updated_at),
    }


def _likes(user) -> list[dict[str, Any]]:
    likes = list(NewsLike.objects.filter(user=user).order_by("created_at"))
    pages = NewsPage.objects.in_bulk({like.page_id for like in likes})
    rows = []
    for like in likes:
        page = pages.get(like.page_id)
        rows.append(
            {
                "news": page.title if page else "",
                "url": (page.full_url or "") if page else "",
                "liked_at": _when(like.created_at),
            }
        )
    return rows


def _addresses(user) -> set[str]:
    """Every address of ``user`` (lower-cased): what mailings are keyed by."""
    addresses = {user.email} | set(
        EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return {address.lower() for address in addresses if address}


def _erase_from_mailings(profile, addresses: set[str]) -> None:
    """Mailings forget the member: waiting rows go, sent ones lose the address.

    A sent row stays, under an address that is nobody's, so the partner's
    statistics keep their totals. Unsubscriptions stay as they are: they are
    the member's own refusal, and keeping it is what honours it if the
    address comes back in a partner's file.
    """
    keyed = Q(email__in=addresses)
    if profile is not None:
        keyed |= Q(profile=profile)
    rows = MailingRecipient.objects.filter(keyed)
    rows.filter(status=RecipientStatus.PENDING).delete()
    for pk in rows.values_list("pk", flat=True):
        MailingRecipient.objects.filter(pk=pk).update(
            email=f"erased-{pk}@erased.invalid",
            first_name="",
            last_name="",
            profile=None,
        )


def _unsubscribed_from(addresses: set[str]) -> list[dict[str, Any]]:
    rows = (
        MailingUnsubscribe.objects.filter(email__in=addresses)
        .select_related("partner")
        .order_by("created_at")
    )
    return [
        {
            "partner": row.partner.name,
            "email": row.email,
            "since": _when(row.created_at),
        }
        for row in rows
    ]


def _mailings(profile, addresses: set[str]) -> list[dict[str, Any]]:
    """The mailings prepared for or sent to the member, and what they did with them.

    Whether a mail was opened is only known with the member's consent to
    open tracking; without it, ``opened`` is null.
    """
    keyed = Q(email__in=addresses)
    if profile is not None:
        keyed |= Q(profile=profile)
    rows = (
        MailingRecipient.objects.filter(keyed)
        .select_related("mailing__partner")
        .order_by("mailing__created_at", "pk")
    )
    return [
        {
            "partner": row.mailing.partner.name,
            "subject": row.mailing.subject,
            "email": row.email,
            "status": row.status,
            "sent_at": _when(row.sent_at),
            "opened": (row.first_opened_at is not None) if row.track_opens else None,
            "first_opened_at": _when(row.first_opened_at),
            "open_count": row.open_count,
        }
        for row in rows
    ]


def export_personal_data(user, request=None) -> dict[str, Any]:
    """Everything the site holds about ``user``, as JSON-ready data.

    Hidden profile fields are included (it is the alumnus's own copy). Of the
    recipient lists that include them, only the partners' names are given:
    the lists themselves are the partners' work.
    """
    profile = AlumniProfile.objects.filter(user=user).first()
    addresses = _addresses(user)
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": _when(timezone.now()),
        "account": _account(user),
        "personal_details": _personal_details(user),
        "profile": None,
        "partners_followed": [],
        "in_recipient_lists_of": [],
        "news_liked": _likes(user),
        "unsubscribed_from_mailings_of": _unsubscribed_from(addresses),
        "mailings": _mailings(profile, addresses),
        # Conversations, blocks, reports made, notice preference (guide 7).
        "messages": export_messages(user),
    }
    if profile is not None:
        data["profile"] = _profile(profile, request)
        data["partners_followed"] = [
            {"partner": follow.partner.name, "since": _when(follow.created_at)}
            for follow in profile.follows.select_related("partner").order_by(
                "partner__name"
            )
        ]
        data["in_recipient_lists_of"] = sorted(
            set(profile.recipient_lists.values_list("partner__name", flat=True))
        )
    return data


def may_delete_account(user) -> bool:
    """Whether ``user`` may erase their own account from the public site.

    Accounts that also open the partner space (partner users, editors, staff)
    are closed by the network's staff instead: erasing one could leave a
    partner or the site without anyone to run it.
    """
    if not user.is_authenticated:
        return False
    return not (
        user.is_staff or user.is_superuser or is_editor(user) or is_partner_user(user)
    )


def delete_account(user) -> None:
    """Erase ``user`` and everything that hangs on it, at once.

    The rows go in one transaction (database cascades); the photo file is
    deleted once it commits, so a failure leaves the profile whole.
    """
    profile = AlumniProfile.objects.filter(user=user).first()
    photo = profile.photo.name if profile is not None and profile.photo else ""
    storage = AlumniProfile._meta.get_field("photo").storage
    addresses = _addresses(user)
    with transaction.atomic():
        _erase_from_mailings(profile, addresses)
        erase_messages(user)
        user.delete()
        if photo:
            transaction.on_commit(lambda: storage.delete(photo))
