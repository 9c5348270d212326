"""The MIME side of a mailing's copies: prepared attachments, a cheaper message.

A mailing goes to thousands of recipients in copies that differ only by a few
words and links, so what Django and Python's ``email`` package would redo for
each copy is done once here:

- :func:`attachment_part` encodes an attachment once; the :class:`PreparedPart`
  is shared by every copy and even turned into bytes once (DESIGN.md §10:
  encoding a 200 KB attachment per recipient divides throughput by 10);
- :class:`MailingMessage` is Django's ``EmailMultiAlternatives`` whose
  ``message()`` folds short headers without ``email.header.Header`` and sets
  its own multipart boundaries, about a third less work per copy.

The bytes are those Python's generator would write (tests compare them).
:func:`one_line` makes any text safe for a header.
"""

from __future__ import annotations

import re
import secrets
from email import encoders
from email.generator import BytesGenerator
from email.mime.base import MIMEBase
from email.policy import Compat32
from io import BytesIO

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart

from ..sanitize import strip_control_characters

_CONTENT_TYPE_RE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def one_line(text: str | None) -> str:
    """``text`` on one line: control characters gone, any whitespace run one space.

    What goes in a header must never hold a line break (header injection) nor
    make Django raise ``BadHeaderError`` while a mailing is being sent.
    """
    return " ".join(strip_control_characters(text or "").split())


class _QuickFolding(Compat32):
    """Django's policy (compat32), minus the folding work for headers that need none.

    compat32 runs every header through ``email.header.Header`` to fold it at
    78 characters: a third of the time spent turning a copy into bytes. A
    short ASCII value on one line folds to itself, so it is written as is;
    anything else is folded as before.
    """

    def _fold(self, name, value, sanitize):
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + len(value) + 2 <= 78
            and "\n" not in value
            and "\r" not in value
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_QUICK_FOLDING = _QuickFolding()


class PreparedPart(MIMEBase):
    """An attachment's MIME part, encoded and turned into bytes once per mailing.

    Python's generator writes a base64 body line by line (2,700 lines for
    200 KB), for every copy; :class:`_Generator` writes these bytes instead.
    """

    def serialised(self, linesep: str) -> bytes:
        cache = self.__dict__.setdefault("_serialised", {})
        if linesep not in cache:
            buffer = BytesIO()
            BytesGenerator(buffer, mangle_from_=False, policy=_QUICK_FOLDING).flatten(
                self, linesep=linesep
            )
            cache[linesep] = buffer.getvalue()
        return cache[linesep]


class _Generator(BytesGenerator):
    """Django's generator, writing prepared attachments as they are."""

    def flatten(self, msg, unixfrom=False, linesep=None):
        if isinstance(msg, PreparedPart) and not unixfrom:
            self._fp.write(msg.serialised(linesep or self.policy.linesep))
        else:
            super().flatten(msg, unixfrom=unixfrom, linesep=linesep)


class _Multipart(SafeMIMEMultipart):
    """A copy's outer part, turned into bytes by :class:`_Generator`."""

    def as_bytes(self, unixfrom=False, linesep="\n"):
        buffer = BytesIO()
        _Generator(buffer, mangle_from_=False).flatten(
            self, unixfrom=unixfrom, linesep=linesep
        )
        return buffer.getvalue()


class MailingMessage(EmailMultiAlternatives):
    """A copy of a mailing: Django's message, cheaper to turn into bytes.

    Besides the quicker header folding and the prepared attachments, each
    multipart gets a random boundary here: left without one, Python's
    generator draws one and compiles a regular expression per message to check
    the text does not contain it (a 128-bit random boundary cannot be in it).
    """

    def message(self):
        message = super().message()
        message.policy = _QUICK_FOLDING
        for part in message.walk():
            if part.is_multipart():
                part.set_boundary(f"=_alumni_{secrets.token_hex(16)}")
        if isinstance(message, SafeMIMEMultipart):
            # Same state, one method more (as_bytes): Django built the object.
            message.__class__ = _Multipart
        return message


def _content_type(value: str) -> tuple[str, str]:
    value = (value or "").strip().lower()
    if not _CONTENT_TYPE_RE.match(value):
        value = "application/octet-stream"
    maintype, subtype = value.split("/", 1)
    return maintype, subtype


def attachment_part(name: str, content: bytes, content_type: str) -> PreparedPart:
    """One attachment as a base64 MIME part, ready to be shared by every copy."""
    part = PreparedPart(*_content_type(content_type))
    part.set_payload(content)
    encoders.encode_base64(part)
    file_name = one_line(name).replace("/", "_").replace("\\", "_") or "attachment"
    try:
        file_name.encode("ascii")
    except UnicodeEncodeError:
        file_name = ("utf-8", "", file_name)  # RFC 2231
    part.add_header("Content-Disposition", "attachment", filename=file_name)
    return part
