"""Addresses as a partner gives them: typed in a box, or in a recipient file.

No database here. :func:`parse_addresses` reads the "Destinataires
supplémentaires" box, :func:`read_recipient_file` the "Destinataires en
fichier" upload; both return :class:`ParsedAddresses`: the addresses kept
(lower-cased, each once, in the order given), the names given with them, and
what could not be read as an address (a sample, and how many).

**One address.** ``jean@example.org``, ``Jean Dupont <jean@example.org>``,
``"Dupont, Jean" <jean@example.org>`` or ``mailto:jean@example.org``; checked
by Django's ``EmailValidator``, at most 254 characters (what SMTP carries).
Refused: anything holding a control character (CR, LF, NUL…), a zero-width or
bidirectional formatting character, a quoted local part, an IP address or
``localhost`` as the domain (the platform's own mail server would be told to
deliver inside its network). An address never reaches a mail header unless it
passed all of this, so ``a@b.c\\r\\nBcc: x@y.z`` cannot add a header.

**Typed text.** Addresses are separated by line ends, commas, semicolons,
tabs or spaces. A line that looks like a mail header (``Bcc: x@y.z``,
``To: …``) is refused whole: whoever typed it was not listing recipients.

**Files.** CSV or one address a line; UTF-8 (with or without BOM), UTF-16
with BOM, else Windows-1252 / Latin-1; cells separated by semicolons, commas
or tabs; blank lines ignored. A first line without any ``@`` is a header row:
a column named e-mail / email / courriel / adresse gives the addresses, and
prénom / first name and nom / last name columns give the names. Without a
header (or without an e-mail column), every cell holding an ``@`` is read as an
address, so a line listing several addresses loses none. A line with no
address at all is reported as invalid. Binary files (images, PDF, workbooks,
anything with NUL bytes or many control characters), files over
``MAILING_RECIPIENT_FILE_MAX_BYTES``, empty files and files without any
address raise :class:`RecipientFileError`, whose text is the form's error.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..conf import partner_settings
from ..models.alumni import normalize
from ..uploads import read_upload

#: What SMTP carries (RFC 5321 path limit); ``MailingRecipient.email`` too.
MAX_ADDRESS_LENGTH = 254
#: ``MailingRecipient.first_name`` / ``last_name``.
MAX_NAME_LENGTH = 150
#: How many refused entries are kept to show; ``invalid_count`` has them all.
INVALID_SAMPLES = 100
#: A refused entry is shown cut to this many characters.
SAMPLE_CHARS = 80
#: How much of a file is looked at to tell text from binary.
SNIFF_CHARS = 64 * 1024
#: Lines looked at to choose the delimiter.
SNIFF_LINES = 50

# C0 and C1 controls (CR and LF included), DEL, zero-width and bidirectional
# formatting characters, line and paragraph separators, the BOM: none belongs
# in an address or a name, and each has been used to hide or inject something.
_INVISIBLE = (
    "\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb"
)
FORBIDDEN = re.compile(f"[\x00-\x1f{_INVISIBLE}]")
# What separates typed addresses on one line: tabs, commas, semicolons and
# every kind of space (a list pasted from a word processor has no-break ones).
_SEPARATORS = " \t,;\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ANGLED = re.compile(r"<[^<>]*>")
#: A longer entry is refused without a look (an address holds at most 254).
MAX_ENTRY_LENGTH = 1000
# "Bcc:", "To :", "Content-Type:" at the start of an entry; "mailto:" is not one.
_HEADER_LIKE = re.compile(
    rf"(?:^|[{_SEPARATORS}])(?!mailto:)[A-Za-z][A-Za-z0-9-]*[ \t]*:", re.IGNORECASE
)
_BARE = re.compile(rf"[^{_SEPARATORS}]+")
_SEPARATOR = re.compile(rf"[{_SEPARATORS}]")
# Tabs separate entries: only they may stand on a line among the controls.
_LINE_FORBIDDEN = re.compile(f"[\x00-\x08\x0a-\x1f{_INVISIBLE}]")
_LINE_ENDS = re.compile(r"\r\n|\r|\n")
_NOT_WORD = re.compile(r"[\W_]+")


class _EmailValidator(EmailValidator):
    """Django's check with its own patterns, compiled once.

    Django wraps them in lazy objects whose every use costs a proxy call: a
    third of the time spent reading 100,000 addresses.
    """

    user_regex = re.compile(
        EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags
    )
    domain_regex = re.compile(
        EmailValidator.domain_regex.pattern, EmailValidator.domain_regex.flags
    )
    literal_regex = re.compile(
        EmailValidator.literal_regex.pattern, EmailValidator.literal_regex.flags
    )


# No "localhost" either (Django allows it by default).
_validate = _EmailValidator(allowlist=[])

#: Header names (compared without case, accents, spaces or punctuation).
EMAIL_HEADERS = (
    "email",
    "e-mail",
    "mail",
    "courriel",
    "adresse",
    "adresse e-mail",
    "adresse mail",
    "adresse électronique",
    "adresse courriel",
    "email address",
    "e-mail address",
)
FIRST_NAME_HEADERS = ("prénom", "first name", "firstname", "given name")
LAST_NAME_HEADERS = ("nom", "last name", "lastname", "surname", "family name")
LAST_NAME_HEADERS += ("nom de famille",)
FULL_NAME_HEADERS = ("name", "full name", "nom complet", "prénom nom", "nom prénom")


def header_key(name: str) -> str:
    """A header as compared: no case, accents, spaces or punctuation."""
    return _NOT_WORD.sub("", normalize(name))


def _keys(names: Iterable[str]) -> frozenset[str]:
    return frozenset(header_key(name) for name in names)


_HEADER_FIELDS = {
    "email": _keys(EMAIL_HEADERS),
    "first_name": _keys(FIRST_NAME_HEADERS),
    "last_name": _keys(LAST_NAME_HEADERS),
    "full_name": _keys(FULL_NAME_HEADERS),
}


class RecipientFileError(ValueError):
    """A recipient file that cannot be read at all; ``str()`` is the form error."""


# ---------------------------------------------------------------------------
# What was read
# ---------------------------------------------------------------------------


@dataclass
class ParsedAddresses:
    """Addresses read from a text box or a file: kept, and refused as typed.

    ``valid`` holds each address once, lower-cased, in the order given;
    ``names`` the (first name, last name) given with some of them; ``invalid``
    at most :data:`INVALID_SAMPLES` refused entries, cut short and with
    control characters shown as "�" (safe to store and show), and
    ``invalid_count`` how many different entries were refused in all.
    """

    valid: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    invalid_count: int = 0
    _seen: set[str] = field(default_factory=set, init=False, repr=False, compare=False)
    _refused: set[str] = field(
        default_factory=set, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._seen.update(self.valid)
        self._refused.update(self.invalid)
        self.invalid_count = max(self.invalid_count, len(self.invalid))

    def add(self, address: str, first_name: str = "", last_name: str = "") -> None:
        """Keep ``address`` (already checked); the first names given for it win."""
        if address not in self._seen:
            self._seen.add(address)
            self.valid.append(address)
        if (first_name or last_name) and address not in self.names:
            self.names[address] = (first_name, last_name)

    def refuse(self, text: str) -> None:
        """Count ``text`` as not an address (each different text once)."""
        shown = sample(text)
        if not shown or shown in self._refused:
            return
        self._refused.add(shown)
        self.invalid_count += 1
        if len(self.invalid) < INVALID_SAMPLES:
            self.invalid.append(shown)

    # --- Mailing.file_addresses ---------------------------------------------

    def to_json(self) -> list:
        """What ``Mailing.file_addresses`` stores.

        One entry per address: the address itself (a string), or
        ``{"email", "first_name", "last_name"}`` when names came with it; then,
        if entries were refused, one ``{"invalid": [sample], "invalid_count": n}``.
        """
        entries: list[Any] = []
        for address in self.valid:
            names = self.names.get(address)
            if names:
                entries.append(
                    {"email": address, "first_name": names[0], "last_name": names[1]}
                )
            else:
                entries.append(address)
        if self.invalid_count:
            entries.append(
                {"invalid": list(self.invalid), "invalid_count": self.invalid_count}
            )
        return entries

    @classmethod
    def from_json(cls, entries) -> ParsedAddresses:
        """Read back :meth:`to_json`, checking every address again.

        Whatever wrote the JSON, an entry that is not a valid address is
        refused here, never passed on.
        """
        parsed = cls()
        refused_beyond_sample = 0
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, str):
                address = clean_address(entry)
                if address is None:
                    parsed.refuse(entry)
                else:
                    parsed.add(address)
                continue
            if not isinstance(entry, dict):
                continue
            if "invalid" in entry:
                samples = entry.get("invalid") or []
                for text in samples if isinstance(samples, list) else ():
                    parsed.refuse(str(text))
                count = entry.get("invalid_count")
                if isinstance(count, int) and count > len(samples):
                    refused_beyond_sample += count - len(samples)
                continue
            text = str(entry.get("email") or "")
            address = clean_address(text)
            if address is None:
                parsed.refuse(text)
                continue
            parsed.add(
                address,
                clean_name(str(entry.get("first_name") or "")),
                clean_name(str(entry.get("last_name") or "")),
            )
        parsed.invalid_count += refused_beyond_sample
        return parsed


def sample(text: str) -> str:
    """``text`` as a refused entry is shown: controls visible, cut short."""
    text = FORBIDDEN.sub("\ufffd", text.strip(" \t"))
    if len(text) > SAMPLE_CHARS:
        text = text[: SAMPLE_CHARS - 1] + "…"
    return text


# ---------------------------------------------------------------------------
# One address
# ---------------------------------------------------------------------------


def clean_address(text: str) -> str | None:
    """``text`` as a lower-cased address, or None if it is not a safe one."""
    address = text.strip(" \t")
    if address[:7].lower() == "mailto:":
        address = address[7:]
    if (
        not address
        or len(address) > MAX_ADDRESS_LENGTH
        or FORBIDDEN.search(address)
        or '"' in address
        # "[10.0.0.1]": no delivery inside the platform's network.
        or address.endswith("]")
    ):
        return None
    try:
        _validate(address)
    except ValidationError:
        return None
    return address.lower()


def clean_name(text: str) -> str:
    """A name as stored: no control characters, spaces collapsed, cut to fit."""
    return " ".join(FORBIDDEN.sub("", text).split())[:MAX_NAME_LENGTH]


def split_name(display: str) -> tuple[str, str]:
    """(first name, last name) of ``Jean Dupont`` or ``Dupont, Jean``."""
    display = display.strip().strip('"').strip()
    if "," in display:
        last, _comma, first = display.partition(",")
    else:
        first, _space, last = display.partition(" ")
    return clean_name(first), clean_name(last)


def _name_start(text: str) -> int:
    """Where, in the ``text`` before a ``<``, the display name starts.

    The name is what follows the last comma, semicolon or address, or a
    quoted string just before the ``<`` (``"Dupont, Jean" <…>``). Found with
    ``rfind`` and ``find``: linear, whatever the length of the line.
    """
    end = len(text.rstrip(" \t"))
    if end and text[end - 1] == '"':
        opening = text.rfind('"', 0, end - 1)
        if opening != -1:
            return opening
    last = max(text.rfind(","), text.rfind(";"), text.rfind("@"))
    if last == -1:
        return 0
    if text[last] != "@":
        return last + 1
    # The word holding "@" is an address of its own; the name comes after it.
    separator = _SEPARATOR.search(text, last)
    return separator.start() if separator else len(text)


def _entries(line: str) -> Iterator[tuple[str, str | None]]:
    """(address as written, display name or None) of each entry of ``line``."""
    position = 0
    for angled in _ANGLED.finditer(line):
        before = line[position : angled.start()]
        name_start = _name_start(before)
        for word in _BARE.findall(before, 0, name_start):
            yield word, None
        yield angled.group()[1:-1], before[name_start:]
        position = angled.end()
    for word in _BARE.findall(line, position):
        yield word, None


def _read_entry(text: str, name: str | None, parsed: ParsedAddresses) -> str | None:
    """Add one entry (an address, with its display name or None); the address."""
    address = None
    if len(text) <= MAX_ENTRY_LENGTH and not (name and ("<" in name or ">" in name)):
        address = clean_address(text)
    if address is None:
        parsed.refuse(text if name is None else f"{name.strip()} <{text}>")
        return None
    parsed.add(address, *split_name(name or ""))
    return address


def _read_line(line: str, parsed: ParsedAddresses) -> list[str]:
    """Add the addresses of one line of text; returns those it held."""
    if _LINE_FORBIDDEN.search(line):
        # Control characters have no business on a line (line ends were
        # split before): the whole line is refused, never cut into parts.
        parsed.refuse(line)
        return []
    if ":" in line and _HEADER_LIKE.search(_ANGLED.sub("", line)):
        parsed.refuse(line)
        return []
    found = []
    for text, name in _entries(line):
        address = _read_entry(text, name, parsed)
        if address is not None:
            found.append(address)
    return found


def parse_addresses(text: str) -> ParsedAddresses:
    """The addresses typed in ``text`` (see the module's docstring)."""
    parsed = ParsedAddresses()
    for line in _LINE_ENDS.split(text or ""):
        _read_line(line, parsed)
    return parsed


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0")
_IMAGE_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x01\x00",
)
_ARCHIVE_SIGNATURES = (b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh")


def _format_hint() -> str:
    return _(
        "Send a text or CSV file (UTF-8 or Latin-1) with one address a line, or a "
        "column named “email”."
    )


def _refuse_binary(head: bytes) -> None:
    """Refuse what plainly is not text, saying what it looks like."""
    if head.startswith(_WORKBOOK_SIGNATURES):
        raise RecipientFileError(
            _(
                "This is a spreadsheet workbook (Excel or LibreOffice) or an archive, "
                "not a list of addresses. Open it and save it as “CSV UTF-8”."
            )
        )
    if head.startswith(b"%PDF"):
        raise RecipientFileError(
            _("This is a PDF document, not a list of addresses. %(hint)s")
            % {"hint": _format_hint()}
        )
    if head.startswith(_IMAGE_SIGNATURES) or head[8:12] == b"WEBP":
        raise RecipientFileError(
            _("This is an image, not a list of addresses. %(hint)s")
            % {"hint": _format_hint()}
        )
    if head.startswith(_ARCHIVE_SIGNATURES):
        raise RecipientFileError(
            _("This is a compressed archive, not a list of addresses. %(hint)s")
            % {"hint": _format_hint()}
        )


def _not_text() -> RecipientFileError:
    return RecipientFileError(
        _("This file is not text: it holds binary data. %(hint)s")
        % {"hint": _format_hint()}
    )


def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not) or UTF-16 with its BOM, else Windows-1252 / Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text() from None
    if b"\x00" in data:
        raise _not_text()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes are unassigned in Windows-1252; Latin-1 reads them all.
        return data.decode("latin-1")


def _looks_binary(text: str) -> bool:
    """Control characters (other than tab and line ends) in a text file."""
    head = text[:SNIFF_CHARS]
    controls = len(re.findall("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", head))
    return controls > max(4, len(head) // 100)


def _delimiter(text: str) -> str:
    """Semicolon, tab or comma: whichever the first lines use most."""
    lines = [line for line in text[:SNIFF_CHARS].splitlines() if line.strip()]
    head = "\n".join(lines[:SNIFF_LINES])
    counts = {delimiter: head.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _header_columns(row: list[str]) -> dict[str, int]:
    """Field → index of the columns a header row names."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = header_key(cell)
        for name, keys in _HEADER_FIELDS.items():
            if key in keys and name not in columns:
                columns[name] = index
    return columns


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


#: No cell of a recipient file is longer: an address and a name fit in far less.
MAX_CELL_CHARS = 10_000


class _FileReader:
    """Reads the rows of a decoded recipient file into :class:`ParsedAddresses`."""

    def __init__(self) -> None:
        self.parsed = ParsedAddresses()
        self.columns: dict[str, int] | None = None
        #: The line the last row read ended on.
        self.line = 0

    def read(self, reader) -> ParsedAddresses:
        """Read the rows of ``reader`` (a ``csv.reader``)."""
        for row in reader:
            # Not csv's own limit: it is process-wide, and the alumni import
            # raises it (alumni_csv.py). A runaway quote makes one huge cell.
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                raise csv.Error("a cell is far too long")
            self.line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank line
            if self.columns is None:
                self.columns = {}
                if not any("@" in cell for cell in row):
                    self.columns = _header_columns(row)
                    continue  # a header row
            if "email" in self.columns:
                self._read_named_columns(row)
            else:
                self._read_any_cells(row)
        return self.parsed

    def _read_named_columns(self, row: list[str]) -> None:
        columns = self.columns
        cell = _cell(row, columns["email"])
        if not cell.strip():
            self.parsed.refuse(" ".join(row))
            return
        found = _read_line(cell, self.parsed)
        first = clean_name(_cell(row, columns.get("first_name")))
        last = clean_name(_cell(row, columns.get("last_name")))
        if not (first or last):
            first, last = split_name(_cell(row, columns.get("full_name")))
        if len(found) == 1 and (first or last):
            # The columns name the person better than a "Name <address>" cell.
            self.parsed.names[found[0]] = (first, last)

    def _read_any_cells(self, row: list[str]) -> None:
        cells = [cell for cell in row if "@" in cell]
        if not cells:
            self.parsed.refuse(" ".join(row))
        for cell in cells:
            _read_line(cell, self.parsed)


def read_recipient_bytes(data: bytes) -> ParsedAddresses:
    """The addresses of a recipient file's content (see the module's docstring)."""
    if not data.strip(b" \t\r\n\x1a" + codecs.BOM_UTF8):
        raise RecipientFileError(
            _("The file is empty. %(hint)s") % {"hint": _format_hint()}
        )
    _refuse_binary(data[:16])
    # A DOS end-of-file mark (Ctrl-Z) is no line of the list.
    text = _decode(data).rstrip("\x1a")
    if _looks_binary(text):
        raise _not_text()
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=_delimiter(text),
        skipinitialspace=True,
    )
    file_reader = _FileReader()
    try:
        parsed = file_reader.read(reader)
    except csv.Error:
        raise RecipientFileError(
            _(
                "Line %(line)s cannot be read: a quote is never closed, or a cell "
                "is far too long. %(hint)s"
            )
            % {"line": file_reader.line + 1, "hint": _format_hint()}
        ) from None
    if not parsed.valid:
        raise RecipientFileError(
            _("No e-mail address was found in this file. %(hint)s")
            % {"hint": _format_hint()}
        )
    return parsed


def read_recipient_file(uploaded) -> ParsedAddresses:
    """The addresses of an uploaded recipient file, or :class:`RecipientFileError`.

    The size is checked before anything is read (and again on what was
    read, in case the upload lied about it).
    """
    limit = partner_settings.MAILING_RECIPIENT_FILE_MAX_BYTES
    size = getattr(uploaded, "size", None)
    if size is None or size <= limit:
        data = read_upload(uploaded, limit)
        size = len(data)
    if size > limit:
        raise RecipientFileError(
            _("The file is too large (%(size)s): at most %(max)s, please.")
            % {"size": filesizeformat(size), "max": filesizeformat(limit)}
        )
    return read_recipient_bytes(data)
