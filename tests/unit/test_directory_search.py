"""The directory's search form, facets and member view, without HTTP."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import QueryDict

from alumni_partner.directory import (
    EXPORT_FIELDS,
    DirectorySearchForm,
    Viewer,
    directory_facets,
    directory_version,
    export_header,
    export_row,
    facets,
    member_view,
)
from alumni_partner.models import AlumniProfile, Degree
from tests.directory_helpers import sector

pytestmark = pytest.mark.django_db


def form(query: str = "", **kwargs) -> DirectorySearchForm:
    return DirectorySearchForm(QueryDict(query), **kwargs)


def names(profiles) -> list[str]:
    return [profile.display_name for profile in profiles]


@pytest.fixture
def awa(site_tree, make_alumnus):
    return make_alumnus(
        "Awa",
        "Ndiaye",
        employer="Orange",
        institution="École polytechnique",
        country="SN",
        city="Dakar",
        degree=Degree.ENGINEER,
        graduation_year=2012,
        skills=["Python"],
        languages=["fr", "wo"],
    )


def test_an_unbound_form_has_no_criteria_and_sorts_by_name(site_tree):
    search = DirectorySearchForm(None)
    assert not search.searched
    assert search.criteria() == {}
    assert search.order == "name"


def test_quick_search_words_are_normalised_and_deduplicated(site_tree):
    search = form("q=  Ébène  ÉBÈNE   Zoë ")
    assert search.criteria()["q"] == ["ebene", "zoe"]


def test_an_overlong_query_is_cut_with_a_notice(site_tree, settings):
    settings.ALUMNI_PARTNER_DIRECTORY_QUERY_MAX_CHARS = 10
    search = form("q=" + "a" * 50)
    assert search.criteria()["q"] == ["a" * 10]
    assert search.notices["q"]
    assert "q" not in search.errors


def test_only_the_first_words_are_searched(site_tree, settings):
    settings.ALUMNI_PARTNER_DIRECTORY_QUERY_MAX_WORDS = 3
    search = form("q=one two three four five")
    assert search.criteria()["q"] == ["one", "two", "three"]
    assert search.notices["q"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year_from=abc", "year_from"),
        ("year_to=20x5", "year_to"),
        ("year_from=1200", "year_from"),
        (f"year_to={date.today().year + 500}", "year_to"),
        ("year_from=99999999999999999999999", "year_from"),
        ("country=ZZ", "country"),
        ("country=<script>", "country"),
        ("degree=wizard", "degree"),
        ("language=klingon", "language"),
        ("sector=abc", "sector"),
        ("sector=99999999999999999999999", "sector"),
        ("sector=-1", "sector"),
        ("sort=random", "sort"),
        ("city=" + "x" * 300, "city"),
    ],
)
def test_bad_values_are_field_errors_and_are_left_out(site_tree, query, field):
    search = form(query)
    assert field in search.errors
    assert field not in search.criteria()
    assert search.errors[field][0]  # a sentence, not an empty message
    # The search still runs, on the other criteria.
    list(search.results())


def test_an_upside_down_range_is_reported_and_left_out(site_tree, awa):
    search = form("year_from=2020&year_to=2010")
    assert "year_to" in search.errors
    message = str(search.errors["year_to"][0]).lower()
    assert "upside down" in message or "inversé" in message
    assert "year_from" not in search.criteria()
    assert names(search.results()) == ["Awa Ndiaye"]


def test_every_criterion_reads_only_shown_fields(site_tree, awa, make_alumnus):
    """A profile matching on a hidden field is not found by that field."""
    hidden = make_alumnus(
        "Hidden",
        "Person",
        country="SN",
        show_country=False,
        city="Dakar",
        show_city=False,
        institution="École polytechnique",
        show_institution=False,
        degree=Degree.ENGINEER,
        show_degree=False,
        graduation_year=2012,
        show_graduation_year=False,
        skills=["Python"],
        show_skills=False,
        languages=["wo"],
        show_languages=False,
    )
    assert hidden.pk
    for query in (
        "country=SN",
        "city=dakar",
        "institution=polytechnique",
        "degree=engineer",
        "year_from=2012&year_to=2012",
        "skills=python",
        "language=wo",
        "q=python",
        "q=polytechnique",
    ):
        assert names(form(query).results()) == ["Awa Ndiaye"], query


def test_a_hidden_sector_is_not_searchable(site_tree, make_alumnus):
    energy = sector("Énergie")
    make_alumnus("Shown", "Sector", sector=energy)
    make_alumnus("Hidden", "Sector", sector=energy, show_sector=False)
    assert names(form(f"sector={energy.pk}").results()) == ["Shown Sector"]


def test_an_unknown_skill_finds_nobody_and_says_so(site_tree, awa):
    search = form("skills=python, cobol")
    assert list(search.results()) == []
    assert "cobol" in " ".join(search.notices["skills"])


def test_hidden_years_sort_last_in_both_orders(site_tree, make_alumnus):
    make_alumnus("Old", "Shown", graduation_year=1990)
    make_alumnus("New", "Shown", graduation_year=2020)
    make_alumnus("Secret", "Year", graduation_year=2024, show_graduation_year=False)
    make_alumnus("Another", "Secret", graduation_year=1950, show_graduation_year=False)
    newest = names(form("sort=year_desc").results())
    oldest = names(form("sort=year_asc").results())
    assert newest[:2] == ["New Shown", "Old Shown"]
    assert oldest[:2] == ["Old Shown", "New Shown"]
    # Hidden years are last, by name: their order says nothing of the year.
    assert newest[2:] == oldest[2:] == ["Another Secret", "Secret Year"]


def test_unlisted_and_inactive_profiles_are_never_results(site_tree, awa, make_alumnus):
    make_alumnus("Un", "Listed", employer="Orange", listed=False)
    inactive = make_alumnus("In", "Active", employer="Orange")
    inactive.user.is_active = False
    inactive.user.save()
    assert names(form("q=orange").results()) == ["Awa Ndiaye"]


def test_listed_and_mailable_keep_active_accounts_without_joining_users(
    site_tree, awa, make_alumnus
):
    """Active accounts are "not one of the inactive ones": no join on the users.

    A join on ``user.is_active`` made PostgreSQL scan the whole user table
    for every search and count; the inactive ids come from a partial index.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection

    inactive = make_alumnus("In", "Active", accepts_partner_mailings=True)
    get_user_model().objects.filter(pk=inactive.user_id).update(is_active=False)
    awa.accepts_partner_mailings = True
    awa.save()
    for queryset in (AlumniProfile.objects.listed(), AlumniProfile.objects.mailable()):
        assert list(queryset) == [awa]
        assert "JOIN" not in str(queryset.query).upper()
    if connection.features.supports_partial_indexes:
        table = get_user_model()._meta.db_table
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, table)
        assert "alumni_inactive_users" in indexes


def test_facets_count_only_shown_fields_of_listed_profiles(
    site_tree, awa, make_alumnus
):
    make_alumnus("Hides", "Country", country="SN", show_country=False)
    make_alumnus("Not", "Listed", country="SN", listed=False)
    make_alumnus(
        "Hides", "Skills", skills=["Python"], show_skills=False, languages=["wo"]
    )
    found = {
        facet.name: {item.params: item.count for item in facet.items}
        for facet in facets(AlumniProfile.objects.listed())
    }
    assert found["country"] == {(("country", "SN"),): 1}
    assert found["skills"] == {(("skills", "Python"),): 1}
    assert found["language"] == {(("language", "fr"),): 1, (("language", "wo"),): 2}
    assert found["degree"] == {(("degree", "engineer"),): 1}


def test_the_whole_directorys_facets_are_cached_until_a_profile_changes(
    site_tree, awa, django_assert_num_queries
):
    search = DirectorySearchForm(None)
    search.sector_rows  # noqa: B018 (looked up once per form)
    first = directory_facets(search)
    with django_assert_num_queries(0):
        assert directory_facets(search) == first
    version = directory_version()
    awa.show_country = False
    awa.save()
    assert directory_version() != version
    again = directory_facets(search)
    assert "country" not in {facet.name for facet in again}


def test_member_view_lists_only_shown_fields(site_tree, awa):
    awa.show_employer = False
    awa.show_city = False
    awa.save()
    view = dict(member_view(awa))
    values = " ".join(view.values())
    assert "Orange" not in values and "Dakar" not in values
    assert "École polytechnique" in values
    assert "Python" in values
    assert "2012" in values


def test_export_rows_follow_the_header_and_leave_hidden_fields_empty(site_tree, awa):
    awa.show_employer = False
    awa.save()
    header = export_header()
    row = export_row(awa)
    assert len(header) == len(row) == len(EXPORT_FIELDS)
    values = dict(zip(EXPORT_FIELDS, row, strict=True))
    assert values["name"] == "Awa Ndiaye"
    assert values["employer"] == ""
    assert values["country"] in ("Sénégal", "Senegal")


def test_viewers_rights(site_tree, awa, make_alumnus, partner_user, editor, alumnus):
    other = make_alumnus("Other", "Member")
    as_alumnus = Viewer.of(other.user)
    assert as_alumnus.may_browse and as_alumnus.may_contact(awa)
    assert not as_alumnus.may_contact(other)
    assert not as_alumnus.may_save_lists

    as_partner = Viewer.of(partner_user)
    assert as_partner.may_browse and as_partner.may_save_lists
    assert not as_partner.may_contact(awa)
    awa.accepts_partner_contact = True
    assert as_partner.may_contact(awa)

    as_editor = Viewer.of(editor)
    assert as_editor.may_browse and not as_editor.may_contact(awa)

    assert not Viewer.of(alumnus).may_browse


def test_small_and_large_results_come_in_the_same_order(site_tree, make_alumnus):
    """How the database sorts by name (index or not) never changes the order."""
    for first, last in (("Élodie", "Zola"), ("Ana", "Ábrego"), ("Bob", "abbott")):
        make_alumnus(first, last, employer="Acme")
    search = form("q=acme")
    walked = names(search.results())
    assert names(search.results(found=3)) == walked  # sorted apart from the index
    assert names(search.results(found=50_000)) == walked
    assert walked == ["Bob abbott", "Ana Ábrego", "Élodie Zola"]
    assert list(search.results(found=0)) == []


@pytest.fixture
def small_window(monkeypatch):
    """The bounded name walk of ``page_of_results`` at the scale of a test."""
    from alumni_partner.directory import search

    monkeypatch.setattr(search, "FEW_RESULTS", 4)
    monkeypatch.setattr(search, "NAME_WINDOW", 8)
    return search


def sorted_apart(queries) -> bool:
    """Whether the page was read by sorting every match (not the name walk)."""
    return any("ORDER BY LOWER(" in query["sql"].upper() for query in queries)


@pytest.mark.parametrize(
    "number, from_window", [("1", True), ("2", True), ("3", False), ("abc", True)]
)
def test_a_page_read_in_the_first_names_is_the_page_the_sort_gives(
    site_tree, make_alumnus, small_window, number, from_window
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Python-speaking alumni spread over the alphabet, others between them:
    # the first 8 names hold 4 of them, two pages of 2.
    for n, letter in enumerate("abcdefghijklmnopqrst"):
        make_alumnus(
            "Alex", f"{letter}mond", skills=["Python"] if n % 2 == 0 else ["Go"]
        )
    search = form("q=python")
    found = search.matching().count()
    assert found == 10
    with CaptureQueriesContext(connection) as queries:
        page = search.page_of_results(found, number, 2)
    assert sorted_apart(queries) is not from_window
    expected = names(search.results(found))
    start = page.start_index() - 1
    assert names(page.object_list) == expected[start : start + 2]


def test_the_first_names_hold_the_first_pages_only_when_matches_are_spread(
    site_tree, make_alumnus, small_window
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for letter in "abcdefghijklmnop":
        make_alumnus("Alex", f"{letter}mond", skills=["Go"])
    # A surname late in the alphabet: the window of 8 names holds none of them.
    for first in "abcdef":
        make_alumnus(first * 3, "Zulu", skills=["Go"])
    search = form("q=zulu")
    found = search.matching().count()
    assert found == 6
    with CaptureQueriesContext(connection) as queries:
        page = search.page_of_results(found, "1", 4)
    assert sorted_apart(queries)
    assert names(page.object_list) == names(search.results(found))[:4]
    assert all(name.endswith("Zulu") for name in names(page.object_list))


@pytest.mark.parametrize("value", [[], ["b"], ["a", "<c>"]])
def test_checkboxes_joined_in_python_are_djangos_markup(value):
    from django import forms
    from django.test.html import parse_html

    from alumni_partner.directory.search import ListCheckboxes

    choices = [("a", "Licence"), ("b", "Master & MBA"), ("<c>", '<b>"Doctorat"</b>')]
    attrs = {"id": "id_degree", "class": "boxes"}
    ours = ListCheckboxes(choices=choices).render("degree", value, attrs)
    django = forms.CheckboxSelectMultiple(choices=choices).render(
        "degree", value, attrs
    )

    # Same elements, attributes and text (attribute order and blanks aside).
    assert parse_html(ours) == parse_html(django)
    assert "<b>" not in ours
