"""The public partner index: filters by sector, category, country, and search."""

import pytest
from wagtail.models import Locale

from alumni_partner.models import PartnerCategory, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_partner):
    fr = Locale.get_default()
    energy = Sector.objects.create(name="Énergie", locale=fr)
    health = Sector.objects.create(name="Santé", locale=fr)
    school = PartnerCategory.objects.create(name="École", locale=fr)
    partners = {
        "Acme": make_partner("Acme", sector=energy, country="FR"),
        "Globex": make_partner("Globex", sector=health, country="MA"),
        "Initech": make_partner("Initech", sector=energy, category=school),
    }
    for partner in partners.values():
        page = partner.page
        page.city = {"Acme": "Lyon", "Globex": "Rabat", "Initech": "Paris"}[
            partner.name
        ]
        page.save_revision().publish()
    return {"energy": energy, "health": health, "school": school}


def names(response) -> set[str]:
    body = response.content.decode()
    return {name for name in ("Acme", "Globex", "Initech") if name in body}


def test_partner_index_filters_by_sector(client, published):
    response = client.get("/partners/", {"sector": published["energy"].pk})
    assert names(response) == {"Acme", "Initech"}


def test_partner_index_filters_by_category_and_country(client, published):
    assert names(client.get("/partners/", {"category": published["school"].pk})) == {
        "Initech"
    }
    assert names(client.get("/partners/", {"country": "MA"})) == {"Globex"}


def test_partner_index_searches_names_and_cities(client, published):
    assert names(client.get("/partners/", {"q": "rabat"})) == {"Globex"}
    assert names(client.get("/partners/", {"q": "acme"})) == {"Acme"}


def test_partner_index_says_when_nothing_matches(client, published):
    response = client.get("/partners/", {"q": "nothing-like-this"})
    assert names(response) == set()
    assert "No partner matches your criteria." in response.content.decode() or (
        "Aucun partenaire" in response.content.decode()
    )


def test_partner_index_ignores_bad_filter_values(client, published):
    response = client.get(
        "/partners/", {"sector": "not-a-number", "country": "ZZ", "page": "999"}
    )
    assert response.status_code == 200


def test_partner_index_is_served_in_every_locale(client, published):
    for prefix in ("", "/en", "/es", "/pt", "/ar"):
        response = client.get(f"{prefix}/partners/")
        assert response.status_code == 200, prefix
        assert names(response) == {"Acme", "Globex", "Initech"}


def test_partner_index_names_sectors_in_the_visitors_language(client, published):
    energy = published["energy"]
    english = energy.copy_for_translation(Locale.objects.get(language_code="en"))
    english.name = "Energy"
    english.save()
    assert "Energy" in client.get("/en/partners/").content.decode()
    french = client.get("/partners/").content.decode()
    assert "Énergie" in french
    assert "Energy" not in french
