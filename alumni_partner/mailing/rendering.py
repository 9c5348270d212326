"""What a recipient receives: a mailing rendered once, then one copy per recipient.

:class:`MailingRenderer` does the costly work once per mailing: the message
sanitised with its plain-text twin (:mod:`.body`), the footer templates, the
attachments' MIME parts (encoded once and shared by every copy: DESIGN.md
§10, see :mod:`.mime`) and the headers every copy shares.
:meth:`MailingRenderer.message_for` then only fills each recipient's slots
(names, signed links, the pixel) and sets its own headers, so the engine can
build hundreds of messages a second.

Every copy goes ``From: "<sender> via <platform>" <platform address>`` (the
platform's address from ``DEFAULT_FROM_EMAIL``, never the partner's) with the
partner's address in ``Reply-To``, and carries the one-click unsubscribe
headers of RFC 8058 and a ``List-Id`` (DESIGN.md §10, "Bulk-mail rules").

Merge fields: ``{first_name}`` and ``{last_name}`` in the subject and the
message become the recipient's names (escaped in HTML, empty when unknown).
Nothing else is interpreted: ``{x}`` stays as typed, and user text never goes
through ``str.format``.

Public API: :class:`MailingRenderer`, :func:`preview_html`, :func:`send_test`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import int_to_base36
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models.mailings import Mailing, MailingRecipient, RecipientSource
from .body import message_body
from .mime import MailingMessage, PreparedPart, attachment_part, one_line
from .tracking import Links

__all__ = ["MailingRenderer", "preview_html", "send_test"]

HTML_TEMPLATE = "alumni_partner/mailing/email.html"
TEXT_TEMPLATE = "alumni_partner/mailing/email.txt"

#: The names a preview shows when no recipient is given.
SAMPLE_FIRST_NAME = "Camille"
SAMPLE_LAST_NAME = "Martin"
TEST_SUBJECT_PREFIX = "[TEST] "
#: Where the unsubscribe link points in previews and tests: nowhere.
INERT_LINK = "#"

# Each recipient's slots in a rendered mailing, marked with NUL characters:
# sanitised text can never contain one (sanitize strips control characters),
# so a partner cannot forge a slot.
FIRST_NAME, LAST_NAME, UNSUBSCRIBE, PIXEL = (
    "first_name",
    "last_name",
    "unsubscribe",
    "pixel",
)
_SLOT_RE = re.compile("\x00(first_name|last_name|unsubscribe|pixel)\x00")
_MERGE_FIELD_RE = re.compile(r"\{(first_name|last_name)\}")

_PIXEL_HTML = (
    '<img src="{}" width="1" height="1" alt="" '
    'style="display:block;width:1px;height:1px;border:0;">'
)


def _slot(name: str) -> str:
    return f"\x00{name}\x00"


def _merge_slots(text: str) -> str:
    return _MERGE_FIELD_RE.sub(lambda match: _slot(match[1]), text)


class _Slotted:
    """A text cut at its slots; filling it for one recipient is one join."""

    __slots__ = ("parts",)

    def __init__(self, text: str) -> None:
        self.parts = _SLOT_RE.split(text)

    def fill(self, values: dict[str, str]) -> str:
        parts = self.parts.copy()
        for index in range(1, len(parts), 2):
            parts[index] = values[parts[index]]
        return "".join(parts)


@dataclass(frozen=True)
class Platform:
    """Who sends for every partner: name, address and domain from the settings."""

    name: str
    address: str
    domain: str
    base_url: str

    @classmethod
    def from_settings(cls) -> Platform:
        base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        domain = address.rpartition("@")[2] or urlsplit(base_url).hostname or ""
        name = one_line(name or getattr(settings, "WAGTAIL_SITE_NAME", "") or domain)
        return cls(name=name, address=address, domain=domain, base_url=base_url)


def _reason(recipient) -> str:
    """Why a recipient gets the mailing, for the footer's sentence."""
    source = getattr(recipient, "source", None)
    if source == RecipientSource.FOLLOWER:
        return "follower"
    if source == RecipientSource.LIST:
        return "list"
    return "address"


class MailingRenderer:
    """Renders one mailing once, then each recipient's copy cheaply.

    Works on an unsaved :class:`Mailing` too (a form being previewed): it then
    has no attachments, and its copies no stable Message-ID. Set ``partner``
    on it first (the footer and ``List-Id`` name the partner). ``language``
    is the footer's (the site's default language when not given).

    Example::

        renderer = MailingRenderer(mailing)
        for recipient in batch:
            connection.send_messages([renderer.message_for(recipient, connection)])
    """

    def __init__(self, mailing: Mailing, language: str | None = None) -> None:
        self.mailing = mailing
        self.language = language or settings.LANGUAGE_CODE
        self.platform = platform = Platform.from_settings()
        self.links = Links()
        partner = mailing.partner if mailing.partner_id else None
        self.partner_name = one_line(partner.name if partner else "")
        self.sender_name = one_line(mailing.sender_name) or self.partner_name

        with translation.override(self.language):
            display = (
                _("%(sender)s via %(platform)s")
                % {"sender": self.sender_name, "platform": platform.name}
                if self.sender_name
                else platform.name
            )
        #: The From header, encoded once (Django then passes ASCII through).
        self.from_header = self._address_header(display, platform.address)
        self.reply_to = self._reply_to(mailing.sender_email)
        self.headers: dict[str, str] = {}
        if mailing.partner_id:
            self.headers["List-Id"] = (
                f"<partner-{mailing.partner_id}.{platform.domain}>"
            )

        self.subject = _Slotted(_merge_slots(one_line(mailing.subject)))
        body_html, body_text = message_body(mailing.body, platform.base_url)
        self._body_html = _merge_slots(body_html)
        self._body_text = _merge_slots(body_text)
        self._documents: dict[tuple[str, bool], tuple[_Slotted, _Slotted]] = {}
        if mailing.pk and mailing.created_at:
            self._message_id_stamp = int_to_base36(int(mailing.created_at.timestamp()))
        else:
            self._message_id_stamp = ""

    # --- what is shared by every copy ---------------------------------------

    @staticmethod
    def _address_header(name: str, address: str) -> str:
        # sanitize_address quotes or RFC 2047-encodes the name; it may fold a
        # long encoded name over lines, which a header given to Django must
        # not contain, and encoded words may as well be on one line.
        return " ".join(sanitize_address((name, address), "utf-8").split())

    @staticmethod
    def _reply_to(address: str) -> str | None:
        address = one_line(address).replace(" ", "")
        if "@" not in address:
            return None
        try:
            return sanitize_address(address, "utf-8")
        except ValueError:
            return None

    @cached_property
    def attachment_parts(self) -> list[PreparedPart]:
        """The attachments' MIME parts, read and encoded once per mailing."""
        if not self.mailing.pk:
            return []
        parts = []
        for attachment in self.mailing.attachments.all():
            with attachment.file.open("rb") as file:
                content = file.read()
            parts.append(
                attachment_part(attachment.name, content, attachment.content_type)
            )
        return parts

    def _document(self, reason: str, live: bool) -> tuple[_Slotted, _Slotted]:
        """The HTML and text of every copy with this footer, rendered once."""
        key = (reason, live)
        if key not in self._documents:
            context = {
                "language": self.language,
                "subject": self.subject.fill(
                    {FIRST_NAME: _slot(FIRST_NAME), LAST_NAME: _slot(LAST_NAME)}
                ),
                "sender_name": self.sender_name,
                "partner_name": self.partner_name,
                "platform_name": self.platform.name,
                "reason": reason,
                "live": live,
                "unsubscribe_url": _slot(UNSUBSCRIBE) if live else INERT_LINK,
                "pixel": mark_safe(_slot(PIXEL)) if live else "",
            }
            with translation.override(self.language):
                page = render_to_string(
                    HTML_TEMPLATE, {**context, "body": mark_safe(self._body_html)}
                )
                text = render_to_string(
                    TEXT_TEMPLATE, {**context, "body": self._body_text}
                )
            self._documents[key] = (_Slotted(page), _Slotted(text))
        return self._documents[key]

    # --- one recipient's copy -----------------------------------------------

    def _values(self, person, live: bool) -> tuple[dict, dict]:
        first = one_line(getattr(person, "first_name", ""))
        last = one_line(getattr(person, "last_name", ""))
        unsubscribe = pixel = ""
        if live:
            unsubscribe = self.links.unsubscribe_url(person)
            if person.track_opens:
                pixel = _PIXEL_HTML.format(html.escape(self.links.open_url(person)))
        text_values = {
            FIRST_NAME: first,
            LAST_NAME: last,
            UNSUBSCRIBE: unsubscribe,
            PIXEL: "",
        }
        html_values = {
            FIRST_NAME: html.escape(first),
            LAST_NAME: html.escape(last),
            UNSUBSCRIBE: html.escape(unsubscribe),
            PIXEL: pixel,
        }
        return text_values, html_values

    def html_for(self, person=None, live: bool = False) -> str:
        """The HTML ``person`` sees; not ``live``: no pixel, an inert unsubscribe link.

        ``person`` is a :class:`MailingRecipient` or anything with
        ``first_name`` and ``last_name`` (the user previewing); None shows
        sample names.
        """
        if person is None:
            person = _Sample()
        page, _text = self._document(_reason(person), live)
        return page.fill(self._values(person, live)[1])

    def message_for(
        self, recipient: MailingRecipient, connection=None
    ) -> EmailMultiAlternatives:
        """``recipient``'s copy, ready to send over ``connection``."""
        text_values, html_values = self._values(recipient, live=True)
        page, text = self._document(_reason(recipient), live=True)
        url = text_values[UNSUBSCRIBE]
        headers = {
            **self.headers,
            "List-Unsubscribe": f"<{url}>",
            # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" there.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": self._message_id(recipient),
        }
        return self._email(
            subject=self._subject_for(text_values),
            text=text.fill(text_values),
            page=page.fill(html_values),
            to=recipient.email,
            headers=headers,
            connection=connection,
        )

    def test_message(self, user, connection=None) -> EmailMultiAlternatives:
        """The "[TEST]" copy for ``user``: their names, no pixel, inert unsubscribe."""
        text_values, html_values = self._values(user, live=False)
        page, text = self._document(_reason(None), live=False)
        return self._email(
            subject=TEST_SUBJECT_PREFIX + self._subject_for(text_values),
            text=text.fill(text_values),
            page=page.fill(html_values),
            to=user.email,
            headers={**self.headers, "Message-ID": self._message_id(None)},
            connection=connection,
        )

    def _subject_for(self, values: dict[str, str]) -> str:
        # "Bonjour {first_name}" for a recipient without a name: no dangling space.
        return " ".join(self.subject.fill(values).split())

    def _email(self, *, subject, text, page, to, headers, connection):
        message = MailingMessage(
            subject=subject,
            body=text,
            from_email=self.from_header,
            to=[one_line(to).replace(" ", "")],
            reply_to=[self.reply_to] if self.reply_to else None,
            headers=headers,
            attachments=self.attachment_parts,
            connection=connection,
        )
        message.attach_alternative(page, "text/html")
        return message

    def _message_id(self, recipient: MailingRecipient | None) -> str:
        # The same id for every attempt at one recipient's copy: a provider
        # that got it twice (a retry after a lost answer) may drop the second.
        if recipient is None or not self._message_id_stamp or not recipient.pk:
            return make_msgid(domain=self.platform.domain)
        return (
            f"<mailing.{self._message_id_stamp}.{self.mailing.pk}.{recipient.pk}"
            f"@{self.platform.domain}>"
        )


class _Sample:
    """The recipient a preview shows when none is given."""

    first_name = SAMPLE_FIRST_NAME
    last_name = SAMPLE_LAST_NAME
    source = None
    track_opens = False


def preview_html(mailing: Mailing, recipient=None) -> str:
    """The HTML document a recipient sees, for "Visualiser" and the sent mails.

    No pixel, and the unsubscribe link shown but inert (``#``). ``recipient``
    is a :class:`MailingRecipient`, the user previewing (their own names) or
    None (sample names). Works on an unsaved mailing whose ``partner`` is set.
    The body is sanitised, but show the document in a sandboxed ``<iframe>``
    (``srcdoc``) or as its own response, not inside an admin page.
    """
    return MailingRenderer(mailing).html_for(recipient, live=False)


def send_test(mailing: Mailing, user, connection=None) -> str:
    """Send ``mailing`` to ``user``'s own address, subject prefixed "[TEST] ".

    Through Django's e-mail backend; not a recipient row, so it counts in no
    statistics; no pixel, an inert unsubscribe link. Returns the address.
    Raises ``ValueError`` when the user has no address, and the backend's
    errors (``smtplib.SMTPException``, ``OSError``) when sending fails. The
    caller records the step (``lifecycle.record(mailing, "test_sent", user)``).
    """
    if not one_line(getattr(user, "email", "")):
        raise ValueError("The user has no e-mail address.")
    message = MailingRenderer(mailing).test_message(user, connection)
    message.send()
    return message.to[0]
