"""Malformed searches and attempts to read what alumni hide (issue 5, "Bad input").

Every malformed search gives a clear message or empty results, never a 500;
a hidden field never leaks through search, counts, sorting, the profile page
or the photo; unlisted alumni never appear, not even in counts.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from alumni_partner.models import AlumniProfile, Degree
from tests.directory_helpers import (
    give_photo,
    names_found,
    photo_url,
    profile_url,
    search,
    sector,
)

pytestmark = pytest.mark.django_db

#: Values only the hidden fields hold: none may show up anywhere.
SECRETS = {
    "employer": "Secretcorp",
    "job_title": "Hiddenjob",
    "city": "Hiddenville",
    "institution": "Secret Institute",
    "field_of_study": "Secretology",
    "bio": "Secretbio",
}


@pytest.fixture
def viewer(site_tree, make_alumnus):
    return make_alumnus("Vera", "Viewer")


@pytest.fixture
def member_client(client, viewer):
    client.force_login(viewer.user)
    return client


@pytest.fixture
def secretive(site_tree, make_alumnus):
    """An alumna who hides everything she can but her name."""
    energy = sector("Secretsector")
    profile = make_alumnus(
        "Sarah",
        "Secret",
        country="KZ",
        degree=Degree.MBA,
        graduation_year=2024,
        sector=energy,
        skills=["Secretskill"],
        languages=["ko"],
        **{name: value for name, value in SECRETS.items() if name != "bio"},
        bio=f"<p>{SECRETS['bio']}</p>",
        accepts_partner_contact=True,
        # Every flag of AlumniProfile.MEMBER_FIELDS, off.
        **dict.fromkeys(AlumniProfile.MEMBER_FIELDS.values(), False),
    )
    give_photo(profile)
    return profile


@pytest.fixture
def open_book(site_tree, make_alumnus):
    """An alumnus who shows everything, graduated in 2000."""
    return make_alumnus(
        "Omar",
        "Open",
        employer="Opencorp",
        country="MA",
        graduation_year=2000,
        skills=["Python"],
        languages=["ar"],
    )


def results_html(response) -> str:
    """The results and the facets: not the form, whose options list every sector."""
    body = response.content.decode()
    results = body[
        body.index('class="directory-results"') : body.index("directory-side")
    ]
    facets = (
        body[body.index("directory-facets") :] if "directory-facets" in body else ""
    )
    return results + facets


# --- malformed searches ---------------------------------------------------------


MALFORMED = [
    {"year_from": "abc"},
    {"year_to": "２０２０"},
    {"year_from": "2020", "year_to": "2010"},
    {"year_from": "-5"},
    {"year_from": "1e10"},
    {"year_to": str(date.today().year + 1000)},
    {"year_from": "99999999999999999999999999"},
    {"q": "x" * 10_000},
    {"q": "a " * 5_000},
    {"q": "%"},
    {"q": "_"},
    {"q": "'"},
    {"q": "\\"},
    {"q": ".*"},
    {"q": "["},
    {"q": "' OR 1=1 --"},
    {"q": "%' ; DROP TABLE auth_user; --"},
    {"q": "(?i).*(a|b)+$"},
    {"q": "\x00"},
    {"q": "🙂 ﷽ \u202e"},
    {"country": ["ZZ", "FR", "'; --"]},
    {"country": "x" * 5000},
    {"degree": ["wizard"]},
    {"sector": ["abc", "-1", "99999999999999999999999", "1.5"]},
    {"language": ["klingon", "<script>"]},
    {"skills": ",,, , ,"},
    {"skills": "%, _, \\"},
    {"skills": "s" * 10_000},
    {"city": "%"},
    {"institution": "_"},
    {"field_of_study": "\\"},
    {"sort": "'; DROP TABLE"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "99999"},
    {"page": "99999999999999999999999999"},
    {"page": "1e3"},
]


@pytest.mark.parametrize(
    "params", MALFORMED, ids=[str(i) for i in range(len(MALFORMED))]
)
def test_malformed_searches_never_fail(member_client, open_book, params):
    response = search(member_client, **params)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="directory-search"' in body


def test_bad_criteria_are_named_next_to_their_field(member_client, open_book):
    response = search(
        member_client,
        year_from="abc",
        country=["ZZ"],
        degree=["wizard"],
        sector=["abc"],
        language=["klingon"],
    )
    form = response.context["form"]
    assert set(form.errors) == {"year_from", "country", "degree", "sector", "language"}
    body = response.content.decode()
    assert 'role="alert"' in body
    assert 'aria-invalid="true"' in body
    assert 'id="id_year_from_error"' in body
    assert 'aria-describedby="id_year_from_error"' in body
    # The criteria left out, the others still apply: here, everybody.
    assert response.context["count"] == 2


def test_an_upside_down_range_says_so(member_client, open_book):
    response = search(member_client, year_from="2020", year_to="2010")
    message = str(response.context["form"].errors["year_to"][0]).lower()
    assert "upside down" in message or "inversé" in message
    assert "2020" in message


def test_a_10000_character_query_is_cut_with_a_notice(member_client, open_book):
    response = search(member_client, q="open " + "x" * 10_000)
    assert response.status_code == 200
    notices = response.context["form"].notices["q"]
    assert notices
    assert 'id="id_q_notice"' in response.content.decode()
    # What is left of the query still searches.
    assert response.context["count"] == 0


@pytest.mark.parametrize(
    "metacharacter", ["%", "_", "\\", ".*", "[", "[a-z]", "'", "*"]
)
def test_metacharacters_are_plain_text(
    member_client, open_book, make_alumnus, metacharacter
):
    """LIKE wildcards and regex syntax match themselves, not everything."""
    response = search(member_client, q=metacharacter)
    expected = []
    if metacharacter == "'":
        make_alumnus("Seán", "O'Brien")
        response = search(member_client, q=metacharacter)
        expected = ["Seán O'Brien"]
    assert names_found(response) == expected


def test_page_numbers_out_of_range_give_a_real_page(member_client, open_book):
    for page in ("-1", "0", "abc", "99999"):
        response = search(member_client, q="", page=page)
        assert response.status_code == 200
        assert names_found(response) == ["Omar Open", "Vera Viewer"], page


def test_posting_a_search_is_refused(member_client, open_book):
    assert member_client.post("/annuaire/", {"q": "open"}).status_code == 405


# --- what alumni hide ---------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "secretcorp"},
        {"q": "hiddenjob"},
        {"q": "secret institute"},
        {"q": "secretology"},
        {"q": "secretskill"},
        {"city": "Hiddenville"},
        {"institution": "Secret Institute"},
        {"field_of_study": "Secretology"},
        {"country": ["KZ"]},
        {"degree": ["mba"]},
        {"year_from": "2024", "year_to": "2024"},
        {"skills": "Secretskill"},
        {"language": ["ko"]},
    ],
)
def test_searching_a_hidden_value_does_not_find_its_owner(
    member_client, secretive, params
):
    response = search(member_client, **params)
    assert "Sarah Secret" not in names_found(response)
    assert response.context["count"] == 0


def test_searching_a_hidden_sector_does_not_find_its_owner(member_client, secretive):
    response = search(member_client, sector=[str(secretive.sector_id)])
    assert response.context["count"] == 0


def test_the_name_still_finds_her_but_her_card_shows_nothing_hidden(
    member_client, secretive
):
    response = search(member_client, q="sarah")
    assert names_found(response) == ["Sarah Secret"]
    body = results_html(response)
    for value in (*SECRETS.values(), "Secretskill", "Secretsector", "2024"):
        assert value not in body, value
    assert photo_url(secretive) not in body


def test_counts_and_facets_leave_out_hidden_values_and_unlisted_alumni(
    member_client, secretive, open_book, make_alumnus
):
    make_alumnus("Ulla", "Unlisted", country="KZ", employer="Opencorp", listed=False)
    for params in ({}, {"q": ""}, {"q": "open"}):
        response = search(member_client, **params)
        body = results_html(response)
        facets = {f.name: f for f in response.context["facets"]}
        countries = {item.params for item in facets["country"].items}
        assert (("country", "KZ"),) not in countries
        assert "Secretskill" not in body and "Secretsector" not in body
        assert "Ulla" not in body
        years = {item.params for item in facets["decade"].items}
        assert (("year_from", "2020"), ("year_to", "2029")) not in years
    # The directory's size counts listed profiles only.
    assert member_client.get("/annuaire/").context["directory_size"] == 3
    assert search(member_client, q="opencorp").context["count"] == 1


def test_sorting_by_year_does_not_reveal_a_hidden_year(
    member_client, secretive, open_book
):
    """Hidden 2024 would come first among the newest: it comes last, by name."""
    newest = names_found(search(member_client, q="", sort="year_desc"))
    oldest = names_found(search(member_client, q="", sort="year_asc"))
    assert newest[0] == oldest[0] == "Omar Open"
    assert newest[1:] == oldest[1:] == ["Sarah Secret", "Vera Viewer"]


def test_the_profile_page_shows_no_hidden_field(member_client, secretive):
    response = member_client.get(profile_url(secretive))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sarah Secret" in body
    for value in (
        *SECRETS.values(),
        "Secretskill",
        "Secretsector",
        "2024",
        "Kazakhstan",
        "MBA",
        "Coréen",
        "Korean",
    ):
        assert value not in body, value
    assert photo_url(secretive) not in body
    assert response.context["fields"] == []


def test_a_hidden_photo_is_not_served(member_client, secretive):
    assert member_client.get(photo_url(secretive)).status_code == 404
    secretive.show_photo = True
    secretive.save()
    assert member_client.get(photo_url(secretive)).status_code == 200
    secretive.listed = False
    secretive.save()
    assert member_client.get(photo_url(secretive)).status_code == 404


def test_a_partner_sees_exactly_what_alumni_see(partner_client, secretive):
    body = partner_client.get(profile_url(secretive)).content.decode()
    for value in SECRETS.values():
        assert value not in body
    response = search(partner_client, q="secretcorp")
    assert response.context["count"] == 0


def test_an_unlisted_alumnus_is_nowhere(member_client, open_book):
    open_book.listed = False
    open_book.save()
    assert names_found(search(member_client, q="")) == ["Vera Viewer"]
    assert member_client.get(profile_url(open_book)).status_code == 404
    assert (
        member_client.get(
            reverse("alumni_partner:message_compose", args=[open_book.public_id])
        ).status_code
        == 404
    )
    body = member_client.get("/annuaire/").content.decode()
    assert 'href="/annuaire/?country=MA"' not in body
