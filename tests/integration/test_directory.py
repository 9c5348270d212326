"""The alumni directory (guide 5): who gets in, searching, results, profiles, photos.

A member opens the directory from the home page or the menu, searches
quickly or on several criteria, clicks "Afficher les profils", opens a
profile by its name and writes through the envelope.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from alumni_partner.models import Degree
from tests.directory_helpers import (
    compose_url,
    give_photo,
    names_found,
    photo_url,
    profile_url,
    search,
    sector,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(site_tree, make_alumnus):
    """The alumnus reading the directory (listed too)."""
    return make_alumnus("Vera", "Viewer", email="vera@alumni.test")


@pytest.fixture
def member_client(client, viewer):
    client.force_login(viewer.user)
    return client


@pytest.fixture
def people(site_tree, make_alumnus):
    """Three alumni with different studies, work and languages."""
    energy = sector("Énergie")
    return {
        "awa": make_alumnus(
            "Awa",
            "Ndiaye",
            employer="Orange",
            job_title="Ingénieure réseau",
            institution="École polytechnique",
            field_of_study="Télécommunications",
            degree=Degree.ENGINEER,
            graduation_year=2012,
            country="SN",
            city="Dakar",
            sector=energy,
            skills=["Python", "Réseaux"],
            languages=["fr", "wo"],
            accepts_partner_contact=True,
        ),
        "bruno": make_alumnus(
            "Bruno",
            "Souza",
            employer="Petrobras",
            institution="Sciences Po",
            field_of_study="Affaires publiques",
            degree=Degree.MASTER,
            graduation_year=2019,
            country="BR",
            city="São Paulo",
            skills=["Négociation"],
            languages=["pt", "fr"],
        ),
        "chen": make_alumnus(
            "Chen",
            "Li",
            employer="Huawei",
            institution="Université Paris-Saclay",
            degree=Degree.DOCTORATE,
            graduation_year=2005,
            country="CN",
            city="Shenzhen",
            skills=["Python", "Optique"],
            languages=["zh", "en"],
        ),
    }


# --- who gets in --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/annuaire/",
        "/annuaire/?q=ndiaye",
        "/en/annuaire/",
    ],
)
def test_anonymous_visitors_get_the_login_page(client, site_tree, url):
    response = client.get(url)
    assert response.status_code == 302
    login = reverse("account_login")
    assert response["Location"].split("?")[0].endswith(login.rstrip("/") + "/")
    assert "next=" in response["Location"]


def test_anonymous_visitors_cannot_open_a_profile_or_a_photo(client, people):
    awa = people["awa"]
    give_photo(awa)
    for url in (
        profile_url(awa),
        photo_url(awa),
        compose_url(awa),
        reverse("alumni_partner:directory_save_list"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


def test_a_signed_in_user_who_is_neither_alumnus_nor_partner_is_refused(
    client, site_tree, alumnus
):
    client.force_login(alumnus)  # a user without a profile
    response = client.get("/annuaire/")
    assert response.status_code == 403
    assert b'id="main"' in response.content
    assert reverse("alumni_partner:profile").encode() in response.content


def test_alumni_partners_and_editors_read_the_directory(
    client, viewer, partner_user, editor
):
    for user in (viewer.user, partner_user, editor):
        client.force_login(user)
        assert client.get("/annuaire/").status_code == 200, user


def test_the_home_page_and_the_menu_link_to_the_directory(client, site_tree):
    body = client.get("/").content.decode()
    assert body.count('href="/annuaire/"') >= 2  # the menu and the home page


# --- the search page ----------------------------------------------------------


def test_before_any_search_the_page_counts_the_directory_and_shows_no_one(
    member_client, people
):
    response = member_client.get("/annuaire/")
    assert response.status_code == 200
    assert not response.context["searched"]
    assert response.context["directory_size"] == 4  # the viewer is listed too
    assert "results" not in response.context
    body = response.content.decode()
    assert 'id="directory-search"' in body
    assert "Ndiaye" not in body
    # Facets of the whole directory start a search.
    assert 'href="/annuaire/?country=SN"' in body


def test_an_empty_search_shows_every_listed_profile_by_name(member_client, people):
    response = search(member_client, q="")
    assert response.context["count"] == 4
    assert names_found(response) == [
        "Chen Li",
        "Awa Ndiaye",
        "Bruno Souza",
        "Vera Viewer",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ndiaye", ["Awa Ndiaye"]),  # a name
        ("AWA", ["Awa Ndiaye"]),  # any case
        ("orange", ["Awa Ndiaye"]),  # an employer
        ("polytechnique", ["Awa Ndiaye"]),  # an institution
        ("ecole", ["Awa Ndiaye"]),  # without its accent
        ("python", ["Chen Li", "Awa Ndiaye"]),  # a skill
        ("python orange", ["Awa Ndiaye"]),  # every word must match
        ("ingenieure", ["Awa Ndiaye"]),  # a job title
        ("nobody-at-all", []),
    ],
)
def test_quick_search_reads_names_employers_institutions_and_skills(
    member_client, people, query, expected
):
    assert names_found(search(member_client, q=query)) == expected


def test_advanced_criteria_combine(member_client, people):
    def found(**params):
        return names_found(search(member_client, **params))

    assert found(country=["SN", "BR"]) == ["Awa Ndiaye", "Bruno Souza"]
    assert found(city="dakar") == ["Awa Ndiaye"]
    assert found(institution="sciences po") == ["Bruno Souza"]
    assert found(field_of_study="télécom") == ["Awa Ndiaye"]
    assert found(degree=["master", "doctorate"]) == ["Chen Li", "Bruno Souza"]
    assert found(year_from="2010", year_to="2015") == ["Awa Ndiaye"]
    assert found(year_from="2010") == ["Awa Ndiaye", "Bruno Souza"]
    assert found(year_to="2010") == ["Chen Li"]
    energy = people["awa"].sector
    assert found(sector=[str(energy.pk)]) == ["Awa Ndiaye"]
    assert found(skills="python") == ["Chen Li", "Awa Ndiaye"]
    assert found(skills="Python, optique") == ["Chen Li"]
    assert found(language=["wo", "zh"]) == ["Chen Li", "Awa Ndiaye"]
    # Three criteria at once, with the quick search.
    assert found(q="python", country=["SN", "CN"], language=["fr"]) == ["Awa Ndiaye"]


def test_results_sort_by_name_or_by_graduation_year(member_client, people):
    assert names_found(search(member_client, q="", sort="year_desc"))[:3] == [
        "Bruno Souza",
        "Awa Ndiaye",
        "Chen Li",
    ]
    assert names_found(search(member_client, q="", sort="year_asc"))[:3] == [
        "Chen Li",
        "Awa Ndiaye",
        "Bruno Souza",
    ]
    # The viewer has no year: last in both orders.
    assert (
        names_found(search(member_client, q="", sort="year_asc"))[-1] == "Vera Viewer"
    )


def test_a_result_links_to_the_profile_and_shows_visible_facts(member_client, people):
    awa = people["awa"]
    give_photo(awa)
    body = search(member_client, q="ndiaye").content.decode()
    assert f'href="{profile_url(awa)}"' in body
    assert f'src="{photo_url(awa)}"' in body
    assert "Orange" in body and "Dakar" in body and "Python" in body
    assert "<h2" in body and "1 profil" in body


def test_the_envelope_opens_a_message_to_the_alumnus(member_client, people, viewer):
    body = search(member_client, q="").content.decode()
    for person in people.values():
        assert f'href="{compose_url(person)}"' in body
    # Never to oneself.
    assert compose_url(viewer) not in body
    # Its accessible name says to whom.
    assert (
        "Envoyer un message à Awa Ndiaye" in body
        or "Send a message to Awa Ndiaye" in body
    )


def test_a_partner_sees_the_envelope_only_for_alumni_who_accept_partners(
    partner_client, people
):
    body = search(partner_client, q="").content.decode()
    assert compose_url(people["awa"]) in body
    assert compose_url(people["bruno"]) not in body
    assert compose_url(people["chen"]) not in body


def test_an_editor_reads_the_directory_without_envelopes(editor_client, people):
    body = search(editor_client, q="").content.decode()
    assert profile_url(people["awa"]) in body
    assert "/messages/new/" not in body


@override_settings(ALUMNI_PARTNER_DIRECTORY_PER_PAGE=2)
def test_results_are_paginated_and_links_keep_every_criterion(member_client, people):
    response = search(member_client, language=["fr", "zh"])
    assert response.context["count"] == 3
    assert len(names_found(response)) == 2
    body = response.content.decode()
    assert "language=fr&amp;language=zh&amp;page=2" in body
    second = search(member_client, language=["fr", "zh"], page="2")
    assert names_found(second) == ["Bruno Souza"]


def test_the_page_size_cannot_be_raised_from_the_query_string(
    member_client, site_tree, make_alumnus
):
    for n in range(25):
        make_alumnus("Person", f"Number{n:02d}")
    response = search(member_client, q="", per_page="1000", page_size="1000")
    assert response.context["count"] == 26
    assert len(names_found(response)) == 20


def test_facets_count_the_results_and_refine_the_search(member_client, people):
    response = search(member_client, q="python")
    facets = {facet.name: facet for facet in response.context["facets"]}
    countries = {item.label: item.count for item in facets["country"].items}
    assert countries == {"Sénégal": 1, "Chine": 1} or countries == {
        "Senegal": 1,
        "China": 1,
    }
    skills = {item.label: item.count for item in facets["skills"].items}
    assert skills["Python"] == 2
    decades = {item.params: item.count for item in facets["decade"].items}
    assert decades[(("year_from", "2010"), ("year_to", "2019"))] == 1
    senegal = next(
        i for i in facets["country"].items if i.params == (("country", "SN"),)
    )
    assert senegal.href.endswith("/annuaire/?q=python&country=SN")
    refined = member_client.get(senegal.href)
    assert names_found(refined) == ["Awa Ndiaye"]
    chosen = {facet.name: facet for facet in refined.context["facets"]}[
        "country"
    ].items[0]
    assert chosen.selected and chosen.href.endswith("/annuaire/?q=python")


def test_search_page_queries_do_not_grow_with_the_results(
    member_client, site_tree, make_alumnus, django_assert_max_num_queries
):
    energy = sector("Énergie")

    def add(n):
        for i in range(n):
            profile = make_alumnus(
                "Many",
                f"People{i:03d}",
                skills=["Python", f"Skill{i}"],
                languages=["fr", "en"],
                sector=energy,
                country="FR",
                degree=Degree.MASTER,
                graduation_year=2000 + i % 20,
            )
            give_photo(profile, f"p{i}.png")

    add(3)
    search(member_client, q="many")  # warm the session
    # Facets computed (not read from the cache) both times.
    cache.clear()
    with django_assert_max_num_queries(30) as few:
        search(member_client, q="many", sort="year_desc")
    add(30)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = search(member_client, q="many", sort="year_desc")
    assert len(names_found(response)) == 20


# --- profile pages and photos -----------------------------------------------


def test_a_profile_shows_its_visible_fields(member_client, people):
    awa = people["awa"]
    awa.bio = "<p>Je construis des <strong>réseaux</strong>.</p>"
    awa.save()
    response = member_client.get(profile_url(awa))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Awa Ndiaye", "Orange", "Dakar", "Python", "Wolof", "<strong>réseaux"):
        assert text in body, text
    assert compose_url(awa) in body


def test_unknown_unlisted_or_inactive_profiles_are_not_found(member_client, people):
    import uuid

    assert member_client.get(f"/annuaire/{uuid.uuid4()}/").status_code == 404
    bruno = people["bruno"]
    bruno.listed = False
    bruno.save()
    assert member_client.get(profile_url(bruno)).status_code == 404
    chen = people["chen"]
    get_user_model().objects.filter(pk=chen.user_id).update(is_active=False)
    assert member_client.get(profile_url(chen)).status_code == 404


def test_the_photo_is_served_privately_to_members(member_client, people):
    awa = people["awa"]
    give_photo(awa)
    response = member_client.get(photo_url(awa))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    assert "face" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_no_photo_means_404(member_client, people):
    assert member_client.get(photo_url(people["bruno"])).status_code == 404


# --- the envelope's page ------------------------------------------------------


def test_the_envelope_opens_the_compose_page_and_the_message_is_sent(
    member_client, people
):
    from alumni_partner.models import Thread

    awa = people["awa"]
    response = member_client.get(compose_url(awa))
    assert response.status_code == 200
    assert "Awa Ndiaye" in response.content.decode()
    response = member_client.post(
        compose_url(awa), {"subject": "Bonjour", "body": "Un message"}
    )
    assert response.status_code == 303
    thread = Thread.objects.get()
    assert thread.messages.get().body == "Un message"
    assert thread.participants.filter(mailbox__user=awa.user).exists()


def test_a_partner_cannot_write_to_an_alumnus_who_refuses_partners(
    partner_client, people
):
    assert partner_client.get(compose_url(people["awa"])).status_code == 200
    assert partner_client.get(compose_url(people["bruno"])).status_code == 403


def test_nobody_writes_to_themselves_or_to_an_unlisted_alumnus(
    member_client, viewer, people
):
    assert member_client.get(compose_url(viewer)).status_code == 403
    bruno = people["bruno"]
    bruno.listed = False
    bruno.save()
    assert member_client.get(compose_url(bruno)).status_code == 404


# --- rate limits --------------------------------------------------------------


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"directory_search": (2, 60)})
def test_too_many_searches_get_a_clear_429(member_client, people):
    assert search(member_client, q="a").status_code == 200
    assert search(member_client, q="b").status_code == 200
    response = search(member_client, q="c")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert 'id="main"' in body  # the site's page, not a bare error
    assert "Ndiaye" not in body


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"directory_profile": (1, 3600)})
def test_too_many_profile_views_get_a_429(member_client, people):
    assert member_client.get(profile_url(people["awa"])).status_code == 200
    response = member_client.get(profile_url(people["bruno"]))
    assert response.status_code == 429
    assert "Souza" not in response.content.decode()


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"directory_search": (1, 60)})
def test_limits_are_per_account(client, people, viewer, make_alumnus):
    other = make_alumnus("Other", "Member")
    client.force_login(viewer.user)
    assert search(client, q="a").status_code == 200
    assert search(client, q="a").status_code == 429
    client.force_login(other.user)
    assert search(client, q="a").status_code == 200


def test_the_directory_works_in_arabic(member_client, people):
    response = member_client.get("/ar/annuaire/", {"q": "ndiaye"})
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    assert names_found(response) == ["Awa Ndiaye"]


def test_postgresql_can_serve_quick_search_and_city_from_trigram_indexes(site_tree):
    """The lookups compile to the indexed expressions (migrations 0010 and 0011).

    Whether the planner picks an index depends on the table's size; with
    sequential scans off it must be able to, or the expressions do not match.
    """
    from django.db import connection, transaction
    from django.http import QueryDict

    from alumni_partner.directory import DirectorySearchForm
    from alumni_partner.models import AlumniProfile

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query, index in (
            ("q=ndiaye", "alumni_search_text_trgm"),
            ("institution=sorbonne", "alumni_search_text_trgm"),
            ("city=dakar", "alumni_city_trgm"),
        ):
            form = DirectorySearchForm(QueryDict(query))
            # The criteria alone: "listed" has an index of its own.
            plan = form.filter(AlumniProfile.objects.all()).explain()
            assert index in plan, (query, plan)
