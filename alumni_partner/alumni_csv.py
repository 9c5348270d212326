"""What the alumni CSV says: its encoding, delimiter, columns and lines.

Reading only, no database write: :func:`inspect_file` recognises the file
(UTF-8 with or without BOM, else Windows-1252 / Latin-1; comma or semicolon;
a header row naming the columns in French or English) or raises
:class:`ImportFileError` with a message for the person who uploaded it;
:func:`read_lines` yields its lines; :class:`LineCleaner` turns one line into
profile values or into per-column errors.

Column names are compared without case, accents or punctuation, so that
``E-mail``, ``Courriel`` and ``email`` all name the e-mail. The values follow
the profile's own rules (lengths, degrees, languages, sectors, countries).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from wagtail.models import Locale

from .models import Sector
from .models.alumni import LANGUAGE_CODES, LANGUAGES, Degree, normalize

#: The ``csv`` module refuses longer fields; a longer cell ends the reading
#: with a clear message (shorter ones, up to this, are reported per line).
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
#: How much of the file is looked at to tell text from binary.
SNIFF_BYTES = 64 * 1024
#: Quoted in messages: never the whole value (a cell may hold a megabyte).
QUOTE_CHARS = 60

#: Separators of several skills or languages in one cell.
LIST_SEPARATORS = re.compile(r"[|;,]")
SKILL_SEPARATORS = ("|", ";", ",")
MAX_SKILLS = 50
MAX_LANGUAGES = 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """A column of the CSV: its field, the names it may go by, its length cap."""

    field: str
    label: object
    aliases: tuple[str, ...]
    max_length: int = 200


#: Every column the import understands, in the template's order.
COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "email",
        gettext_lazy("e-mail"),
        (
            "email",
            "e-mail",
            "courriel",
            "mail",
            "adresse e-mail",
            "adresse mail",
            "adresse electronique",
            "email address",
        ),
        254,
    ),
    ColumnSpec(
        "first_name",
        gettext_lazy("first name"),
        ("first_name", "prénom", "given name", "firstname"),
        150,
    ),
    ColumnSpec(
        "last_name",
        gettext_lazy("last name"),
        ("last_name", "nom", "nom de famille", "surname", "family name"),
        150,
    ),
    ColumnSpec("country", gettext_lazy("country"), ("country", "pays"), 100),
    ColumnSpec("city", gettext_lazy("city"), ("city", "ville"), 100),
    ColumnSpec(
        "institution",
        gettext_lazy("French institution"),
        ("institution", "établissement", "université", "école", "school"),
    ),
    ColumnSpec(
        "field_of_study",
        gettext_lazy("field of study"),
        ("field_of_study", "filière", "domaine", "discipline", "field"),
    ),
    ColumnSpec("degree", gettext_lazy("degree"), ("degree", "diplôme"), 100),
    ColumnSpec(
        "graduation_year",
        gettext_lazy("graduation year"),
        (
            "graduation_year",
            "année",
            "promotion",
            "année de diplôme",
            "année de promotion",
            "year",
        ),
        20,
    ),
    ColumnSpec(
        "employer",
        gettext_lazy("employer"),
        ("employer", "employeur", "entreprise", "company"),
    ),
    ColumnSpec(
        "job_title",
        gettext_lazy("job title"),
        ("job_title", "poste", "fonction", "job"),
    ),
    ColumnSpec(
        "sector",
        gettext_lazy("sector"),
        ("sector", "secteur", "secteur d'activité"),
        120,
    ),
    ColumnSpec(
        "skills", gettext_lazy("skills"), ("skills", "compétences"), 100 * MAX_SKILLS
    ),
    ColumnSpec("languages", gettext_lazy("languages"), ("languages", "langues"), 1000),
    ColumnSpec(
        "listed",
        gettext_lazy("listed in the directory"),
        ("listed", "annuaire", "visible dans l'annuaire", "dans l'annuaire"),
        20,
    ),
    ColumnSpec(
        "consent_mailings",
        gettext_lazy("consent to mailings"),
        (
            "consent_mailings",
            "consentement",
            "consentement mailings",
            "accepte les mailings",
            "mailings",
        ),
        20,
    ),
    ColumnSpec(
        "consent_date",
        gettext_lazy("date of consent"),
        ("consent_date", "date du consentement", "date de consentement"),
        40,
    ),
)
COLUMNS_BY_FIELD = {spec.field: spec for spec in COLUMNS}
#: The header of the downloadable template: the first name of each column.
TEMPLATE_HEADER = [spec.aliases[0] for spec in COLUMNS]


NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def column_key(name: str) -> str:
    """A header or value as compared: no case, accents, spaces or punctuation.

    Cached: the same countries, degrees and sectors come back line after line.
    """
    return NOT_WORD.sub("", normalize(name))


ALIASES = {column_key(alias): spec.field for spec in COLUMNS for alias in spec.aliases}


# ---------------------------------------------------------------------------
# The file: encoding, delimiter, header
# ---------------------------------------------------------------------------


@dataclass
class FileFormat:
    """How to read the file, found by :func:`inspect_file`."""

    encoding: str
    #: The encoding as people name it, for the import's message.
    encoding_label: str
    delimiter: str
    #: Column index → field, for the columns the import understands.
    columns: dict[int, str]
    #: Field → the column's name as the file spells it (for the report).
    headers: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    header_cells: int = 0

    def describe(self) -> str:
        """One sentence for the import's page: encoding, delimiter, columns."""
        delimiter = _("semicolon") if self.delimiter == ";" else _("comma")
        text = _("Read as %(encoding)s, columns separated by a %(delimiter)s.") % {
            "encoding": self.encoding_label,
            "delimiter": delimiter,
        }
        if self.ignored:
            text += " " + _("Columns ignored: %(columns)s.") % {
                "columns": ", ".join(quote(name) for name in self.ignored)
            }
        return text


def quote(value: str) -> str:
    """``value`` in quotes for a message, cut short."""
    value = " ".join(str(value).split())
    if len(value) > QUOTE_CHARS:
        value = value[: QUOTE_CHARS - 1] + "…"
    return f"“{value}”"


def expected_columns_text() -> str:
    return ", ".join(TEMPLATE_HEADER)


def _read_all(fileobj) -> Iterator[bytes]:
    fileobj.seek(0)
    while True:
        block = fileobj.read(1024 * 1024)
        if not block:
            return
        yield block


def _decodes(fileobj, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for block in _read_all(fileobj):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _refuse_binary(head: bytes) -> None:
    """Refuse what is plainly not a CSV text file, with a useful message."""
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            _(
                "This is a spreadsheet workbook (Excel or LibreOffice), not a CSV "
                "file. Open it and save it as “CSV UTF-8 (comma delimited)”."
            )
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        b"\x00" in head[:4096] and head[:4096].count(b"\x00") * 3 >= len(head[:4096])
    ):
        raise ImportFileError(
            _(
                "This file is in UTF-16, which the import does not read. Save it "
                "as “CSV UTF-8” (or as CSV in Windows-1252 / Latin-1)."
            )
        )
    if b"\x00" in head:
        raise ImportFileError(
            _("This is not a CSV text file (it holds binary data). %(hint)s")
            % {"hint": _save_as_csv_hint()}
        )


def _save_as_csv_hint() -> str:
    return _(
        "Save the list as CSV (UTF-8 or Latin-1, comma or semicolon) with a header "
        "row; its columns may be: %(columns)s."
    ) % {"columns": expected_columns_text()}


def _looks_binary(text: str) -> bool:
    """Control characters (other than tab and line ends) in a text file."""
    controls = sum(
        1 for c in text if (ord(c) < 32 and c not in "\t\r\n") or 0x7F <= ord(c) < 0xA0
    )
    return controls > max(2, len(text) // 200)


def _encoding(fileobj) -> tuple[str, str]:
    """UTF-8 if every byte decodes strictly as UTF-8; else Windows-1252 or Latin-1."""
    fileobj.seek(0)
    if fileobj.read(3) == codecs.BOM_UTF8:
        if not _decodes(fileobj, "utf-8-sig"):
            raise ImportFileError(
                _(
                    "This file starts as UTF-8 but holds bytes that are not UTF-8. "
                    "Save it again as “CSV UTF-8”."
                )
            )
        return "utf-8-sig", _("UTF-8 (with BOM)")
    if _decodes(fileobj, "utf-8"):
        return "utf-8", "UTF-8"
    if _decodes(fileobj, "cp1252"):
        return "cp1252", _("Windows-1252 (Latin-1)")
    return "latin-1", "ISO-8859-1 (Latin-1)"


def text_reader(fileobj, encoding: str):
    fileobj.seek(0)
    return io.TextIOWrapper(fileobj, encoding=encoding, newline="")


def _delimiter(header_line: str) -> str:
    """Comma or semicolon, whichever the header line uses more."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def inspect_file(fileobj) -> FileFormat:
    """How to read ``fileobj`` (binary, seekable), or :class:`ImportFileError`.

    The file is left open; callers rewind it before reading.
    """
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
        raise ImportFileError(
            _("The file is empty. %(hint)s") % {"hint": _save_as_csv_hint()}
        )
    _refuse_binary(head)
    encoding, label = _encoding(fileobj)
    wrapper = text_reader(fileobj, encoding)
    try:
        sample = wrapper.read(SNIFF_BYTES)
    finally:
        wrapper.detach()
    if _looks_binary(sample):
        raise ImportFileError(
            _("This is not a CSV text file. %(hint)s") % {"hint": _save_as_csv_hint()}
        )
    lines = sample.lstrip("\r\n").splitlines()
    header_line = lines[0] if lines else ""
    delimiter = _delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    return _map_header(header, encoding, label, delimiter)


def _map_header(header: list[str], encoding, label, delimiter) -> FileFormat:
    columns: dict[int, str] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        name = name.strip()
        if len(name) > 200:
            raise ImportFileError(
                _(
                    "The first line must be a header row naming the columns: "
                    "%(columns)s."
                )
                % {"columns": expected_columns_text()}
            )
        wanted = ALIASES.get(column_key(name))
        if wanted is None:
            if name:
                ignored.append(name)
            continue
        if wanted in headers:
            raise ImportFileError(
                _("The columns %(first)s and %(second)s both give the %(field)s.")
                % {
                    "first": quote(headers[wanted]),
                    "second": quote(name),
                    "field": COLUMNS_BY_FIELD[wanted].label,
                }
            )
        columns[index] = wanted
        headers[wanted] = name
    if "email" not in headers:
        raise ImportFileError(
            _(
                "The file has no e-mail column. The first line must be a header row "
                "naming the columns, among: %(columns)s (in French or English; only "
                "“email” is required). Found: %(found)s."
            )
            % {
                "columns": expected_columns_text(),
                "found": ", ".join(quote(name) for name in header[:20] if name)
                or _("nothing"),
            }
        )
    return FileFormat(
        encoding=encoding,
        encoding_label=label,
        delimiter=delimiter,
        columns=columns,
        headers=headers,
        ignored=ignored,
        header_cells=len(header),
    )


# ---------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------


@dataclass
class RawLine:
    """One line of the file: where it starts, its cells by field, extra cells."""

    number: int
    cells: dict[str, str]
    extra: int = 0


def read_lines(fileobj, fmt: FileFormat) -> Iterator[RawLine]:
    """The data lines (after the header), skipping blank ones.

    ``number`` is the line a text editor or spreadsheet shows (the header is
    line 1). A line the ``csv`` module cannot read ends the reading with
    :class:`ImportFileError`.
    """
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    wrapper = text_reader(fileobj, fmt.encoding)
    reader = csv.reader(wrapper, delimiter=fmt.delimiter)
    last = 0
    try:
        header_seen = False
        while True:
            start = last + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ImportFileError(
                    _("Line %(line)s cannot be read (%(error)s): nothing was imported.")
                    % {"line": reader.line_num or start, "error": error}
                ) from error
            last = reader.line_num
            if not header_seen:
                if any(c.strip() for c in cells):
                    header_seen = True
                continue
            if not any(c.strip() for c in cells):
                continue
            values = {
                name: cells[index].strip() if index < len(cells) else ""
                for index, name in fmt.columns.items()
            }
            extra = sum(1 for c in cells[fmt.header_cells :] if c.strip())
            yield RawLine(start, values, extra)
    finally:
        wrapper.detach()


def count_lines(fileobj, fmt: FileFormat) -> int:
    """How many data lines :func:`read_lines` will yield (a quick first pass)."""
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    wrapper = text_reader(fileobj, fmt.encoding)
    try:
        reader = csv.reader(wrapper, delimiter=fmt.delimiter)
        count = -1  # the header
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    count += 1
        except csv.Error as error:
            raise ImportFileError(
                _("Line %(line)s cannot be read (%(error)s): nothing was imported.")
                % {"line": reader.line_num, "error": error}
            ) from error
        return max(count, 0)
    finally:
        wrapper.detach()


# ---------------------------------------------------------------------------
# Values: countries, sectors, languages, degrees, yes/no, dates
# ---------------------------------------------------------------------------

YES = {"oui", "o", "yes", "y", "1", "true", "vrai", "x"}
NO = {"non", "n", "no", "0", "false", "faux"}

#: Words of degree names and the kind they mean (checked in this order).
DEGREE_WORDS: tuple[tuple[str, str], ...] = (
    ("mba", Degree.MBA),
    ("doctorat", Degree.DOCTORATE),
    ("doctorate", Degree.DOCTORATE),
    ("phd", Degree.DOCTORATE),
    ("these", Degree.DOCTORATE),
    ("ingenieur", Degree.ENGINEER),
    ("ingenieure", Degree.ENGINEER),
    ("engineer", Degree.ENGINEER),
    ("engineering", Degree.ENGINEER),
    ("master", Degree.MASTER),
    ("mastere", Degree.MASTER),
    ("msc", Degree.MASTER),
    ("dea", Degree.MASTER),
    ("dess", Degree.MASTER),
    ("licence", Degree.LICENCE),
    ("license", Degree.LICENCE),
    ("bachelor", Degree.LICENCE),
    ("bsc", Degree.LICENCE),
    ("echange", Degree.EXCHANGE),
    ("exchange", Degree.EXCHANGE),
    ("erasmus", Degree.EXCHANGE),
    ("semestre", Degree.EXCHANGE),
    ("diplome", Degree.DIPLOMA),
    ("diploma", Degree.DIPLOMA),
    ("dut", Degree.DIPLOMA),
    ("bts", Degree.DIPLOMA),
    ("du", Degree.DIPLOMA),
    ("autre", Degree.DIPLOMA),
    ("other", Degree.DIPLOMA),
)
#: Language names Django's catalogue does not give (or gives otherwise).
LANGUAGE_EXTRA_NAMES = {"zh": ("chinois", "mandarin", "chinese"), "wo": ("wolof",)}


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """Country names (French, English), ISO codes → code."""
    found: dict[str, str] = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for country in countries:
                found.setdefault(column_key(country.name), country.code)
    for code in dict(countries):
        found[column_key(code)] = code
        alpha3 = countries.alpha3(code)
        if alpha3:
            found.setdefault(column_key(alpha3), code)
    return found


@lru_cache(maxsize=1)
def _language_codes() -> dict[str, str]:
    """Language codes and names (French, English, native) → code."""
    found: dict[str, str] = {}
    for code, label in LANGUAGES:
        names = {code, str(label)}
        for language in ("en", "fr"):
            with translation.override(language):
                names.add(str(label))
                info = LANG_INFO.get(code) or LANG_INFO.get(f"{code}-hans")
                if info and "name" in info:
                    names.add(info["name"])
                    names.add(info.get("name_local", ""))
                    names.add(str(translation.gettext(info["name"])))
        names.update(LANGUAGE_EXTRA_NAMES.get(code, ()))
        for name in names:
            if name:
                found.setdefault(column_key(name), code)
    return found


@lru_cache(maxsize=1)
def _degree_names() -> dict[str, str]:
    """Degree values and labels (French, English) → degree."""
    names: dict[str, str] = {}
    for choice, label in Degree.choices:
        names[column_key(choice)] = choice
        for language in ("en", "fr"):
            with translation.override(language):
                names.setdefault(column_key(str(label)), choice)
    return names


@lru_cache(maxsize=4096)
def degree_for(value: str) -> str | None:
    """The kind of degree ``value`` names ("Master 2 Finance" → master), or None."""
    found = _degree_names().get(column_key(value))
    if found:
        return found
    words = set(re.findall(r"[a-z0-9]+", normalize(value)))
    for word, choice in DEGREE_WORDS:
        if word in words:
            return choice
    return None


def yes_no(value: str) -> bool | None:
    key = normalize(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValidationError(
        _("Write oui or non (yes or no, 1 or 0), not %(value)s.")
        % {"value": quote(value)}
    )


DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y/%m/%d",
)


@lru_cache(maxsize=4096)
def parse_date(value: str) -> datetime:
    text = value.strip().removesuffix("Z")
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        moment = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        if moment.date() > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        if parsed.year < 1990:
            raise ValidationError(_("This date is too far in the past."))
        return moment
    raise ValidationError(
        _("Write the date as 2025-03-31 or 31/03/2025, not %(value)s.")
        % {"value": quote(value)}
    )


@dataclass
class Lookups:
    """The names the cleaner matches against, read once per import."""

    #: Sector name in any language → id of the sector in the default language.
    sectors: dict[str, int]

    @classmethod
    def load(cls) -> Lookups:
        default_locale = Locale.get_default().pk
        rows = list(
            Sector.objects.values_list("name", "translation_key", "locale_id", "pk")
        )
        default_ids = {
            key: pk for _n, key, locale, pk in rows if locale == default_locale
        }
        sectors: dict[str, int] = {}
        # Names in the default language first: they win a clash.
        for name, key, _locale, _pk in sorted(
            rows, key=lambda r: r[2] != default_locale
        ):
            if key in default_ids:
                sectors.setdefault(column_key(name), default_ids[key])
        return cls(sectors=sectors)


# ---------------------------------------------------------------------------
# One line → profile values, or errors
# ---------------------------------------------------------------------------


@dataclass
class CleanLine:
    """A valid line: the e-mail and the values of its non-empty cells.

    ``values`` holds profile fields and ``first_name`` / ``last_name``;
    ``skills`` and ``languages`` are lists; ``listed`` and ``consent`` are
    booleans; ``consent_at`` is the consent's date (only with ``consent``).
    Fields whose cell was empty are absent: the import leaves them alone.
    """

    number: int
    email: str
    values: dict


@dataclass
class LineError:
    """One problem of one line, as the report shows it."""

    number: int
    email: str
    column: str
    message: str


class LineCleaner:
    """Checks one line against the profile's rules.

    Each cell is checked on its own, so the report lists every problem of a
    line at once; the messages quote the bad value, cut short.
    """

    def __init__(self, fmt: FileFormat, lookups: Lookups):
        self.fmt = fmt
        self.lookups = lookups
        self.max_year = timezone.localdate().year + 10

    def clean(self, line: RawLine) -> tuple[CleanLine | None, list[LineError]]:
        raw_email = line.cells.get("email", "")
        errors: list[LineError] = []
        values: dict = {}

        def error(field_name: str, message: str) -> None:
            column = self.fmt.headers.get(field_name, "") if field_name else ""
            errors.append(LineError(line.number, raw_email, column, message))

        if line.extra:
            error(
                "",
                _(
                    "This line has more cells than the header (%(count)s extra): "
                    "is a value holding the separator without quotes?"
                )
                % {"count": line.extra},
            )
        for name, value in line.cells.items():
            if not value:
                continue
            spec = COLUMNS_BY_FIELD[name]
            if len(value) > spec.max_length:
                error(
                    name,
                    _(
                        "This value is %(length)s characters long; at most "
                        "%(max)s are allowed."
                    )
                    % {"length": f"{len(value):,}", "max": spec.max_length},
                )
                continue
            try:
                self.clean_cell(name, value, values)
            except ValidationError as problem:
                error(name, " ".join(problem.messages))
        email = values.get("email", "")
        if not raw_email:
            error("email", _("The e-mail address is missing."))
        if values.get("consent") and "consent_at" not in values:
            if not line.cells.get("consent_date"):
                # Consent is recorded with its date (GDPR): no date, no consent.
                error(
                    "consent_date"
                    if "consent_date" in self.fmt.headers
                    else "consent_mailings",
                    _("Consent to mailings counts only with its date: give the date."),
                )
        elif "consent" not in values:
            values.pop("consent_at", None)
        if errors:
            return None, errors
        return CleanLine(line.number, email, values), []

    def clean_cell(self, name: str, value: str, values: dict) -> None:
        method = getattr(self, f"clean_{name}", None)
        if method is None:
            values[name] = value
        else:
            method(value, values)

    def clean_email(self, value: str, values: dict) -> None:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("%(value)s is not a valid e-mail address.") % {"value": quote(value)}
            )
        values["email"] = value

    def clean_country(self, value: str, values: dict) -> None:
        code = _country_codes().get(column_key(value))
        if code is None:
            raise ValidationError(
                _(
                    "Unknown country %(value)s: write its name (French or English) or "
                    "its ISO code (e.g. SN)."
                )
                % {"value": quote(value)}
            )
        values["country"] = code

    def clean_degree(self, value: str, values: dict) -> None:
        degree = degree_for(value)
        if degree is None:
            raise ValidationError(
                _("Unknown degree %(value)s; write one of: %(choices)s.")
                % {
                    "value": quote(value),
                    "choices": ", ".join(
                        (
                            "licence",
                            "master",
                            "ingénieur",
                            "MBA",
                            "doctorat",
                            "diplôme",
                            "échange",
                        )
                    ),
                }
            )
        values["degree"] = degree

    def clean_graduation_year(self, value: str, values: dict) -> None:
        text = value.strip().removesuffix(".0")
        if not text.isdigit() or not (1900 <= int(text) <= self.max_year):
            raise ValidationError(
                _(
                    "The graduation year must be a year between 1900 and %(max)s, not "
                    "%(value)s."
                )
                % {"max": self.max_year, "value": quote(value)}
            )
        values["graduation_year"] = int(text)

    def clean_sector(self, value: str, values: dict) -> None:
        sector = self.lookups.sectors.get(column_key(value))
        if sector is None:
            raise ValidationError(
                _(
                    "Unknown sector %(value)s: use the name of one of the site's "
                    "sectors."
                )
                % {"value": quote(value)}
            )
        values["sector_id"] = sector

    def clean_skills(self, value: str, values: dict) -> None:
        separator = next((s for s in SKILL_SEPARATORS if s in value), "|")
        skills: dict[str, str] = {}
        for part in value.split(separator):
            skill = " ".join(part.split())
            if not skill:
                continue
            if len(skill) > 100:
                raise ValidationError(
                    _("The skill %(value)s is longer than 100 characters.")
                    % {"value": quote(skill)}
                )
            skills.setdefault(skill.casefold(), skill)
        if len(skills) > MAX_SKILLS:
            raise ValidationError(
                _("At most %(max)s skills per alumnus.") % {"max": MAX_SKILLS}
            )
        if skills:
            values["skills"] = list(skills.values())

    def clean_languages(self, value: str, values: dict) -> None:
        codes: list[str] = []
        unknown: list[str] = []
        for part in LIST_SEPARATORS.split(value):
            if not part.strip():
                continue
            code = _language_codes().get(column_key(part))
            if code is None:
                unknown.append(part.strip())
            elif code not in codes:
                codes.append(code)
        if unknown:
            raise ValidationError(
                _(
                    "Unknown language(s): %(values)s. Write codes (fr, en, ar...) or "
                    "names."
                )
                % {"values": ", ".join(quote(u) for u in unknown[:5])}
            )
        if len(codes) > MAX_LANGUAGES:
            raise ValidationError(_("Too many languages."))
        codes = [code for code in codes if code in LANGUAGE_CODES]
        if codes:
            values["languages"] = codes

    def clean_listed(self, value: str, values: dict) -> None:
        values["listed"] = yes_no(value)

    def clean_consent_mailings(self, value: str, values: dict) -> None:
        values["consent"] = yes_no(value)

    def clean_consent_date(self, value: str, values: dict) -> None:
        values["consent_at"] = parse_date(value)
