"""schema.org ``JobPosting`` JSON-LD on offer pages (issue 4, item 5).

Parsed back from the rendered page, as a job search engine reads it: valid
JSON whatever the partner typed (quotes, ``</script>``), with the fields that
search engines require.
"""

# Fixtures imported from the board's and the page's tests are arguments here.
# ruff: noqa: F811

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from wagtail.models import Page

from alumni_partner.job_posting import employment_type
from tests.integration.test_offer_board import empty_cache, html_of  # noqa: F401
from tests.integration.test_offer_page import full_offer, live_partner  # noqa: F401

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(
    r'<script type="application/ld\+json">(?P<data>.*?)</script>', re.DOTALL
)


def json_ld(html: str) -> list[dict]:
    """Every JSON-LD block of the page, parsed."""
    return [json.loads(match.group("data")) for match in JSON_LD.finditer(html)]


def job_posting_of(client, url: str) -> dict:
    (posting,) = json_ld(html_of(client.get(url)))
    return posting


def test_offer_page_carries_a_complete_job_posting(client, live_partner, make_offer):
    offer = full_offer(make_offer, live_partner)
    posting = job_posting_of(client, offer.url)
    assert posting["@context"] == "https://schema.org/"
    assert posting["@type"] == "JobPosting"
    assert posting["title"] == "Ingénieur logiciel"
    assert "capteurs" in posting["description"]
    assert posting["identifier"] == {
        "@type": "PropertyValue",
        "name": "Acme",
        "value": "ACME-ING-7",
    }
    assert posting["datePosted"] == offer.last_published_at.isoformat()
    assert posting["validThrough"] == offer.expire_at.isoformat()
    assert posting["employmentType"] == "FULL_TIME"  # CDI
    organisation = posting["hiringOrganization"]
    assert organisation["@type"] == "Organization"
    assert organisation["name"] == "Acme"
    assert organisation["sameAs"] == "https://acme.example"
    assert organisation["logo"].startswith("http://testserver/")
    assert posting["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Toulouse",
            "addressCountry": "FR",
        },
    }
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 42000,
            "maxValue": 52000,
            "unitText": "YEAR",
        },
    }
    assert posting["directApply"] is False
    assert posting["url"] == f"http://testserver{offer.url}"
    assert posting["skills"] == "C++, ROS"


def test_minimal_offer_leaves_out_what_it_does_not_say(
    client, live_partner, make_offer
):
    offer = make_offer(live_partner, city="")
    posting = job_posting_of(client, offer.url)
    assert "baseSalary" not in posting
    assert "jobLocationType" not in posting
    assert posting["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "FR",
    }


def test_only_a_minimum_salary(client, live_partner, make_offer):
    offer = make_offer(live_partner, salary_min=2000, salary_period="MONTH")
    value = job_posting_of(client, offer.url)["baseSalary"]["value"]
    assert value == {
        "@type": "QuantitativeValue",
        "minValue": 2000,
        "unitText": "MONTH",
    }


def test_the_english_alias_carries_the_posting_too(client, live_partner, make_offer):
    offer = full_offer(make_offer, live_partner)
    alias = Page.objects.get(
        translation_key=offer.translation_key, locale__language_code="en"
    )
    posting = job_posting_of(client, alias.url)
    assert posting["title"] == "Ingénieur logiciel"
    assert posting["url"] == f"http://testserver{alias.url}"


HOSTILE_TITLE = (
    'Chef "senior" d\'équipe </script><script>alert(1)</script> '
    "& <!-- <b>gras</b> \\ \u2028"
)


def test_a_hostile_title_keeps_the_json_valid_and_inert(live_partner, make_offer):
    offer = make_offer(
        live_partner,
        title=HOSTILE_TITLE,
        city='Paris</script>"',
        contact_name="</script>",
    )
    html = html_of(Client().get(offer.url))
    posting = json_ld(html)[0]
    assert posting["title"] == HOSTILE_TITLE
    assert posting["jobLocation"]["address"]["addressLocality"] == 'Paris</script>"'
    block = JSON_LD.search(html).group("data")
    for raw in ("<", ">", "&"):
        assert raw not in block  # escaped as \\u003C, \\u003E, \\u0026
    # Nothing but our JSON-LD opens a script.
    assert html.count("<script") == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CDI", "FULL_TIME"),
        ("CDD", "TEMPORARY"),
        ("Stage", "INTERN"),
        ("Alternance", "OTHER"),
        ("VIE", "TEMPORARY"),
        ("Freelance", "CONTRACTOR"),
        ("Part-time", "PART_TIME"),
        ("Contrat de thèse", None),
    ],
)
def test_contract_types_map_to_schema_org_employment_types(name, expected):
    assert employment_type(name) == expected
