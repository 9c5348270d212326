"""Signed links a mailing carries, and what comes back through them.

Each copy of a mailing holds two links of its own: the open pixel
(``/m/o/<token>.gif``) and the unsubscribe page (``/m/u/<token>/``). A token
is the mailing's and the recipient's ids signed with :mod:`django.core.signing`
under a salt per purpose, so a token cannot be forged, guessed from a
neighbour's, bent to another mailing or used for the other purpose. Tokens
never expire: an unsubscribe link must work years later, and an old open
counts nothing worth forging. Rotating ``SECRET_KEY`` keeps old links working
through ``SECRET_KEY_FALLBACKS``.

Public API: :func:`open_url`, :func:`unsubscribe_url`, :class:`Links` (the same,
reversing the URLs once for a whole mailing), :func:`recipient_for`,
:func:`record_open` and :func:`unsubscribe`.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import base36_to_int, int_to_base36

from ..models.mailings import MailingRecipient, MailingUnsubscribe

OPEN = "open"
UNSUBSCRIBE = "unsubscribe"

_SALTS = {
    OPEN: "alumni_partner.mailing.open",
    UNSUBSCRIBE: "alumni_partner.mailing.unsubscribe",
}
_URL_NAMES = {
    OPEN: "alumni_partner:mailing_open",
    UNSUBSCRIBE: "alumni_partner:mailing_unsubscribe",
}
# "." is outside the URL-safe base64 alphabet of the signature and needs no
# escaping in a path; the ids inside are separated by "-".
_SEP = "."
_PLACEHOLDER = "TOKEN"
# Longer tokens are not ours: refuse them before computing any HMAC.
_MAX_TOKEN_LENGTH = 100


def _signer(purpose: str) -> signing.Signer:
    return signing.Signer(salt=_SALTS[purpose], sep=_SEP)


def make_token(recipient: MailingRecipient, purpose: str) -> str:
    """The signed token of ``recipient``'s link for ``purpose`` (OPEN, UNSUBSCRIBE)."""
    value = f"{int_to_base36(recipient.mailing_id)}-{int_to_base36(recipient.pk)}"
    return _signer(purpose).sign(value)


def read_token(token: str, purpose: str) -> tuple[int, int] | None:
    """``(mailing_id, recipient_id)`` of a genuine token, else None (no query)."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    try:
        value = _signer(purpose).unsign(token)
        mailing_id, recipient_id = value.split("-")
        return base36_to_int(mailing_id), base36_to_int(recipient_id)
    except (signing.BadSignature, ValueError):
        return None


def recipient_for(token: str, purpose: str) -> MailingRecipient | None:
    """The recipient a genuine token names, with its mailing and partner; else None."""
    ids = read_token(token, purpose)
    if ids is None:
        return None
    mailing_id, recipient_id = ids
    return (
        MailingRecipient.objects.select_related("mailing__partner")
        .filter(pk=recipient_id, mailing_id=mailing_id)
        .first()
    )


class Links:
    """Absolute signed URLs for many recipients: URLs reversed once, tokens signed each.

    Links point at ``WAGTAILADMIN_BASE_URL`` in the site's default language
    (no language prefix); the unsubscribe page offers the other languages.
    """

    def __init__(self) -> None:
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        self._templates = {}
        with translation.override(settings.LANGUAGE_CODE):
            for purpose, name in _URL_NAMES.items():
                path = reverse(name, kwargs={"token": _PLACEHOLDER})
                self._templates[purpose] = (base + path).split(_PLACEHOLDER)

    def url(self, recipient: MailingRecipient, purpose: str) -> str:
        before, after = self._templates[purpose]
        return before + make_token(recipient, purpose) + after

    def open_url(self, recipient: MailingRecipient) -> str:
        return self.url(recipient, OPEN)

    def unsubscribe_url(self, recipient: MailingRecipient) -> str:
        return self.url(recipient, UNSUBSCRIBE)


def open_url(recipient: MailingRecipient) -> str:
    """The absolute URL of ``recipient``'s open pixel."""
    return Links().open_url(recipient)


def unsubscribe_url(recipient: MailingRecipient) -> str:
    """The absolute URL of ``recipient``'s unsubscribe page (also its one-click URL)."""
    return Links().unsubscribe_url(recipient)


def record_open(token: str) -> bool:
    """Count one opening for a genuine token of a recipient who consented.

    One UPDATE, no read: ``open_count`` grows by one and ``first_opened_at``
    keeps its first value. A bad token, or a recipient without consent (whose
    mail carried no pixel), counts nothing. Returns whether a row was counted.
    """
    ids = read_token(token, OPEN)
    if ids is None:
        return False
    mailing_id, recipient_id = ids
    counted = MailingRecipient.objects.filter(
        pk=recipient_id, mailing_id=mailing_id, track_opens=True
    ).update(
        open_count=F("open_count") + 1,
        first_opened_at=Coalesce(F("first_opened_at"), timezone.now()),
    )
    return bool(counted)


def unsubscribe(recipient: MailingRecipient) -> MailingUnsubscribe:
    """Stop the partner's mailings to ``recipient``'s address for good (idempotent).

    Recorded by partner and address, with the mailing the link came from;
    nothing else changes (recipient resolution and the engine read it).
    """
    record, _created = MailingUnsubscribe.objects.get_or_create(
        partner_id=recipient.mailing.partner_id,
        email=recipient.email.lower(),
        defaults={"mailing_id": recipient.mailing_id},
    )
    return record
