"""Addresses typed in "Destinataires supplémentaires" and read from recipient files.

Issue 6, "Bad input": wrong encoding, semicolons, header rows, blank lines,
100,000 lines, binary junk, an address with a newline or a header injection —
each either cleaned or refused with a clear message, and never passed on.
Every file is built in memory.
"""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alumni_partner.mailing.address_files import (
    INVALID_SAMPLES,
    clean_address,
    read_recipient_bytes,
)
from alumni_partner.mailing.recipients import (
    ParsedAddresses,
    RecipientFileError,
    file_rows,
    parse_addresses,
    read_recipient_file,
)

#: The refusal of binary content, in English or French.
BINARY = "binary|binaire"


def upload(content: bytes, name: str = "destinataires.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def refused(content: bytes) -> str:
    with pytest.raises(RecipientFileError) as error:
        read_recipient_file(upload(content))
    return str(error.value)


# --- one address ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "jean@example.org",
        "Jean.Dupont+news@Example.ORG",
        "mailto:jean@example.org",
        "  jean@example.org  ",
        "jean@exämple.fr",
    ],
)
def test_good_addresses_are_kept_lower_cased(text):
    address = clean_address(text)
    assert address == address.lower() and "@" in address


@pytest.mark.parametrize(
    "text",
    [
        "",
        "jean",
        "jean@",
        "@example.org",
        "jean@example",  # no top-level domain
        "jean@@example.org",
        "jean dupont@example.org",
        "jean@example.org\r\nBcc: spy@evil.test",
        "jean@example.org\nBcc: spy@evil.test",
        "jean@example.org\x00",
        "je\u200ban@example.org",  # zero-width space
        "jean@exa\u202emple.org",  # right-to-left override
        '"jean dupont"@example.org',  # quoted local part
        "root@localhost",
        "jean@[127.0.0.1]",
        "a" * 250 + "@example.org",  # longer than SMTP carries
        "x" * 100_000,
    ],
)
def test_bad_addresses_are_refused(text):
    assert clean_address(text) is None


# --- typed addresses -------------------------------------------------------------


def test_every_separator_splits_and_duplicates_count_once():
    parsed = parse_addresses(
        "Ana@Example.org, bruno@example.org; carla@example.org\n"
        "dan@example.org\tella@example.org  fred@example.org\r\n"
        "gus@example.org\u00a0hana@example.org\r"
        "ANA@example.org,,;;\n\n"
    )
    assert parsed.valid == [
        "ana@example.org",
        "bruno@example.org",
        "carla@example.org",
        "dan@example.org",
        "ella@example.org",
        "fred@example.org",
        "gus@example.org",
        "hana@example.org",
    ]
    assert parsed.invalid == [] and parsed.invalid_count == 0


def test_names_given_with_addresses_are_kept():
    parsed = parse_addresses(
        'Jean Dupont <Jean@Example.org>, "Curie, Marie" <marie@example.org>; '
        "<paul@example.org> zoe@example.org Zoé Ba <zoe.ba@example.org>"
    )
    assert parsed.valid == [
        "jean@example.org",
        "marie@example.org",
        "paul@example.org",
        "zoe@example.org",
        "zoe.ba@example.org",
    ]
    assert parsed.names == {
        "jean@example.org": ("Jean", "Dupont"),
        "marie@example.org": ("Marie", "Curie"),
        "zoe.ba@example.org": ("Zoé", "Ba"),
    }


def test_invalid_entries_are_listed_and_left_out():
    parsed = parse_addresses("jean@example.org, not-an-address, jean@, @x.org")
    assert parsed.valid == ["jean@example.org"]
    assert parsed.invalid == ["not-an-address", "jean@", "@x.org"]
    assert parsed.invalid_count == 3


def test_a_header_injection_is_never_passed_on():
    parsed = parse_addresses("jean@example.org\r\nBcc: spy@evil.test")
    assert parsed.valid == ["jean@example.org"]
    assert "spy@evil.test" not in parsed.valid
    assert parsed.invalid == ["Bcc: spy@evil.test"]
    # On one line, the whole line goes.
    parsed = parse_addresses("jean@example.org Bcc: spy@evil.test, To:x@evil.test")
    assert parsed.valid == []
    assert parsed.invalid_count == 1


def test_control_characters_refuse_the_whole_line_and_are_shown_safely():
    parsed = parse_addresses(
        "ok@example.org\njean@example.org\x00, spy@evil.test\nzw\u200b@example.org"
    )
    assert parsed.valid == ["ok@example.org"]
    assert parsed.invalid_count == 2
    for text in parsed.invalid:
        # Storable in PostgreSQL's jsonb (no NUL) and visible to the partner.
        assert "\x00" not in text and "\u200b" not in text and "\ufffd" in text


def test_absurdly_long_entries_are_refused_and_shown_short():
    parsed = parse_addresses("x" * 1_000_000 + " jean@example.org")
    assert parsed.valid == ["jean@example.org"]
    assert parsed.invalid_count == 1 and len(parsed.invalid[0]) <= 80
    # A long line of words before a "<" is read in linear time.
    parsed = parse_addresses("mot " * 200_000 + "<jean@example.org>")
    assert parsed.valid == ["jean@example.org"]


def test_at_most_a_sample_of_invalid_entries_is_kept():
    parsed = parse_addresses("\n".join(f"wrong{i}" for i in range(500)))
    assert parsed.invalid_count == 500
    assert len(parsed.invalid) == INVALID_SAMPLES


# --- recipient files: what they may look like -------------------------------------------


def test_one_address_a_line_with_blank_lines():
    parsed = read_recipient_file(
        upload(b"\n\njean@example.org\r\n\r\n  Marie@Example.org  \n\n\n")
    )
    assert parsed.valid == ["jean@example.org", "marie@example.org"]
    assert parsed.invalid_count == 0


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_a_header_row_in_french_gives_addresses_and_names(delimiter):
    rows = [
        ["Nom", "Prénom", "Courriel", "Ville"],
        ["Dupont", "Jean", "jean@example.org", "Lyon"],
        ["", "", "", ""],
        ["Curie", "Marie", "MARIE@example.org", "Paris"],
    ]
    content = "\n".join(delimiter.join(row) for row in rows).encode()
    parsed = read_recipient_file(upload(content))
    assert parsed.valid == ["jean@example.org", "marie@example.org"]
    assert parsed.names == {
        "jean@example.org": ("Jean", "Dupont"),
        "marie@example.org": ("Marie", "Curie"),
    }


def test_a_header_row_in_english_and_quoted_cells():
    content = (
        b'"First name","Last name","E-mail address"\r\n'
        b'"Ana","Lima, da Silva","ana@example.org"\r\n'
        b'"Bo","Chen","bo@example.org"\r\n'
    )
    parsed = read_recipient_file(upload(content))
    assert parsed.valid == ["ana@example.org", "bo@example.org"]
    assert parsed.names["ana@example.org"] == ("Ana", "Lima, da Silva")


def test_a_full_name_column_is_split():
    parsed = read_recipient_file(upload(b"Name;Email\nJean Dupont;jean@example.org\n"))
    assert parsed.names == {"jean@example.org": ("Jean", "Dupont")}


def test_without_a_header_every_cell_holding_an_address_is_read():
    content = (
        b"Dupont;Jean;jean@example.org;Lyon\n"
        b"marie@example.org;paul@example.org\n"
        b"Jean Dupont;sans adresse\n"
        b'"Zo\xc3\xa9 Ba <zoe@example.org>"\n'
    )
    parsed = read_recipient_file(upload(content))
    assert parsed.valid == [
        "jean@example.org",
        "marie@example.org",
        "paul@example.org",
        "zoe@example.org",
    ]
    assert parsed.names == {"zoe@example.org": ("Zoé", "Ba")}
    # The line without an address is reported, not silently dropped.
    assert parsed.invalid == ["Jean Dupont sans adresse"]


def test_a_header_row_without_email_column_still_finds_the_addresses():
    parsed = read_recipient_file(upload(b"Contact;Notes\nx@example.org;VIP\n"))
    assert parsed.valid == ["x@example.org"]


def test_a_row_whose_email_cell_is_empty_is_reported():
    parsed = read_recipient_file(
        upload(b"email;nom\njean@example.org;Dupont\n;Martin\n")
    )
    assert parsed.valid == ["jean@example.org"]
    assert parsed.invalid == ["Martin"]


# --- encodings ---------------------------------------------------------------------------


FRENCH_ROWS = "prénom;nom;email\nHélène;Bérénice-Çava;helene@example.org\n"


@pytest.mark.parametrize(
    "encoded",
    [
        FRENCH_ROWS.encode("utf-8"),
        b"\xef\xbb\xbf" + FRENCH_ROWS.encode("utf-8"),
        FRENCH_ROWS.encode("cp1252"),
        FRENCH_ROWS.encode("latin-1"),
        FRENCH_ROWS.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "latin-1", "utf-16"],
)
def test_every_encoding_reads_the_accents_right(encoded):
    parsed = read_recipient_file(upload(encoded))
    assert parsed.valid == ["helene@example.org"]
    assert parsed.names["helene@example.org"] == ("Hélène", "Bérénice-Çava")


def test_latin1_bytes_that_windows_1252_leaves_undefined_still_read():
    content = "email;nom\nana@example.org;Ana\x81\n".encode("latin-1")
    assert read_recipient_file(upload(content)).valid == ["ana@example.org"]


# --- hostile files -------------------------------------------------------------------


def test_a_newline_inside_a_quoted_cell_is_refused_whole():
    content = b'email\n"jean@example.org\r\nBcc: spy@evil.test"\nok@example.org\n'
    parsed = read_recipient_file(upload(content))
    assert parsed.valid == ["ok@example.org"]
    assert parsed.invalid_count == 1
    assert "\r" not in parsed.invalid[0] and "\n" not in parsed.invalid[0]


def test_a_header_injection_on_its_own_line_adds_nobody():
    content = b"jean@example.org\r\nBcc: spy@evil.test\r\nCc:spy2@evil.test\r\n"
    parsed = read_recipient_file(upload(content))
    assert parsed.valid == ["jean@example.org"]
    assert parsed.invalid_count == 2


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 59, 128)).save(out, "PNG")
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (png(), "image"),
        (b"%PDF-1.7\n1 0 obj\njean@example.org\n", "PDF"),
        (xlsx(), "CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "CSV"),
        (b"\x1f\x8b\x08\x00" + os.urandom(200), "archive"),
        (b"jean@example.org\n\x00\x01\x02binary", BINARY),
        (os.urandom(4096).replace(b"\x00", b"") + b"\x00", BINARY),
    ],
    ids=["png", "pdf", "xlsx", "xls", "gzip", "nul", "random"],
)
def test_binary_junk_is_refused_clearly(content, words):
    message = refused(content)
    assert re.search(words, message)
    assert re.search(r"CSV|text", message)


def test_text_full_of_control_characters_is_refused():
    content = ("jean@example.org\n" + "\x01\x02\x03\x04\x05abc" * 200).encode()
    assert re.search(BINARY, refused(content))


@pytest.mark.parametrize(
    "content", [b"", b"   \r\n\r\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n"]
)
def test_an_empty_file_is_refused(content):
    assert re.search("empty|vide", refused(content))


@pytest.mark.parametrize(
    "content",
    [
        b"email;nom;prenom\n",
        b"Liste des invites\nJean Dupont\nMarie Curie\n",
        b"not-an-address\njean@\n",
    ],
)
def test_a_file_without_any_address_is_refused(content):
    assert re.search("No e-mail address|[Aa]ucune adresse", refused(content))


def test_a_file_over_the_limit_is_refused_before_reading(settings):
    settings.ALUMNI_PARTNER_MAILING_RECIPIENT_FILE_MAX_BYTES = 1000
    message = refused(b"jean@example.org\n" * 100)
    assert re.search("too large|trop (gros|lourd|volumineux)", message)
    assert "1000" in re.sub(r"\s", "", message)


def test_an_unclosed_quote_swallowing_the_file_is_refused():
    content = b'email\n"jean@example.org\n' + b"x@example.org\n" * 20_000
    assert re.search("Line 2|[Ll]igne 2", refused(content))


def test_one_hundred_thousand_lines_are_read():
    content = ("email;prénom;nom\n").encode() + b"".join(
        b"user%d@example%d.org;Ana;Lima\r\n" % (i, i % 97) for i in range(100_000)
    )
    parsed = read_recipient_file(upload(content))
    assert len(parsed.valid) == 100_000
    assert parsed.valid[-1] == "user99999@example89.org"
    assert parsed.names["user5@example5.org"] == ("Ana", "Lima")


def test_read_recipient_bytes_counts_every_refused_line_beyond_the_sample():
    content = b"ok@example.org\n" + b"".join(b"bad%d\n" % i for i in range(1000))
    parsed = read_recipient_bytes(content)
    assert parsed.valid == ["ok@example.org"]
    assert parsed.invalid_count == 1000 and len(parsed.invalid) == INVALID_SAMPLES


# --- Mailing.file_addresses ---------------------------------------------------------


def test_file_rows_round_trip():
    parsed = read_recipient_bytes(
        b"email;first name;last name\n"
        b"ana@example.org;Ana;Lima\nbo@example.org;;\nnope;;\n"
    )
    rows = file_rows(parsed)
    assert rows == [
        {"email": "ana@example.org", "first_name": "Ana", "last_name": "Lima"},
        "bo@example.org",
        {"invalid": ["nope"], "invalid_count": 1},
    ]
    back = ParsedAddresses.from_json(rows)
    assert back.valid == parsed.valid
    assert back.names == parsed.names
    assert (back.invalid, back.invalid_count) == (["nope"], 1)


def test_stored_rows_are_checked_again_when_read_back():
    back = ParsedAddresses.from_json(
        [
            "ok@example.org",
            "spy@evil.test\r\nBcc: x@evil.test",
            {"email": "Jean@Example.org", "first_name": "Jean\r\nX-Evil: 1"},
            {"invalid": ["a", "b"], "invalid_count": 250},
            42,
            None,
        ]
    )
    assert back.valid == ["ok@example.org", "jean@example.org"]
    assert back.names["jean@example.org"] == ("JeanX-Evil: 1", "")
    assert back.invalid_count == 251
    assert ParsedAddresses.from_json({"not": "a list"}).valid == []
