"""Hostile text in every field of an offer is shown inert wherever the offer shows.

Posted through Wagtail's create form, as a partner would; checked on the offer
page (its JSON-LD included), the job board in three languages, the partner
page and the feeds.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import nested_form_data, rich_text

from alumni_partner.models import OfferPage, Sector
from tests.integration.test_hostile_text import (
    HOSTILE,
    HOSTILE_CONTENTSTATE,
    HOSTILE_HTML,
    IMG_ONERROR,
    JS_URL,
    assert_inert,
)
from tests.integration.test_isolation_matrix import publish_partner_page
from tests.integration.test_offer_board import empty_cache, reindex  # noqa: F401

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def assert_offer_page_inert(html: str) -> None:
    """Inert, but for our JSON-LD: valid JSON in which no markup can open."""
    blocks = JSON_LD.findall(html)
    for block in blocks:
        json.loads(block)
        assert "<" not in block and ">" not in block
    assert_inert(JSON_LD.sub("", html))


@pytest.fixture
def hostile_offer(partner, partner_client, contract_type):
    publish_partner_page(partner)
    sector = Sector.objects.create(
        name=f"Secteur {HOSTILE}", locale=Locale.get_default()
    )
    data = nested_form_data(
        {
            "title": f"Poste {HOSTILE}",
            "slug": "poste",
            "reference": 'REF-"><script>',
            "company_description": json.dumps(HOSTILE_CONTENTSTATE),
            "mission": rich_text(HOSTILE_HTML),
            "contract_type": contract_type.pk,
            "sector": sector.pk,
            "skills": f'python, "{IMG_ONERROR}"',
            "city": f"Paris {IMG_ONERROR}",
            "country": "FR",
            "salary_currency": "EUR",
            "salary_period": "YEAR",
            "available_immediately": "on",
            "contact_name": f"Jane {HOSTILE}",
            "contact": "https://acme.example/apply?q=%22%3E%3Cscript%3E",
            "search_description": f'"><meta http-equiv="refresh" content="0;url={JS_URL}">',
            "seo_title": f"SEO {HOSTILE}",
            "action-publish": "action-publish",
        }
    )
    url = reverse(
        "wagtailadmin_pages:add", args=("alumni_partner", "offerpage", partner.page.pk)
    )
    response = partner_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    offer = OfferPage.objects.get(slug="poste", locale=Locale.get_default())
    assert offer.live and offer.title == f"Poste {HOSTILE}"
    reindex(offer)
    return offer


def test_the_offer_page_shows_hostile_text_inert(hostile_offer):
    html = Client().get(hostile_offer.url).content.decode()
    assert_offer_page_inert(html)
    assert "Poste &lt;script&gt;" in html
    assert "Secteur &lt;script&gt;" in html
    assert "Jane &lt;script&gt;" in html
    assert "REF-&quot;&gt;&lt;script&gt;" in html
    posting = json.loads(JSON_LD.search(html).group(1))
    assert posting["title"] == f"Poste {HOSTILE}"


@pytest.mark.parametrize("path", ["/offres/", "/en/offres/", "/ar/offres/"])
def test_the_board_shows_hostile_text_inert(hostile_offer, path):
    for query in ({}, {"q": "python"}, {"q": HOSTILE, "city": HOSTILE}):
        response = Client().get(path, query)
        assert response.status_code == 200
        html = response.content.decode()
        assert_inert(html)
    html = Client().get(path, {"q": "python"}).content.decode()
    assert "Poste &lt;script&gt;" in html


def test_the_partner_page_shows_hostile_offers_inert(hostile_offer, partner):
    html = Client().get(partner.page.url).content.decode()
    assert_inert(html)
    assert "Poste &lt;script&gt;" in html


def test_apply_never_leads_outside_the_contact(hostile_offer):
    response = Client(HTTP_USER_AGENT="Mozilla/5.0 Chrome").get(
        reverse("alumni_partner:offer_apply", args=[hostile_offer.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == "https://acme.example/apply?q=%22%3E%3Cscript%3E"
