"""Offers are written in French and translated with wagtail-localize (issue 4, item 1).

Until translated, every other locale serves an alias of the French offer; a
translation keeps the offer's facts (reference, contract, place, salary) and
its French expiry.
"""

from __future__ import annotations

import pytest

from alumni_partner import offer_lifecycle
from alumni_partner.models import OfferPage, OfferState
from tests.translation import translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_offer(partner, make_offer):
    offer = make_offer(
        partner,
        "Ingénieur données",
        publish=False,
        salary_min=40000,
        salary_max=52000,
        remote_allowed=True,
    )
    offer.skills.add("Python", "SQL")
    user = partner.members.get()
    offer.save_revision(user=user).publish(user=user)
    offer.refresh_from_db()
    return offer


def test_every_locale_serves_the_french_offer_until_translated(french_offer, partner):
    others = OfferPage.objects.filter(
        translation_key=french_offer.translation_key
    ).exclude(pk=french_offer.pk)
    assert sorted(others.values_list("locale__language_code", flat=True)) == [
        "ar",
        "en",
        "es",
        "pt",
    ]
    assert all(page.alias_of_id == french_offer.pk and page.live for page in others)
    assert {page.partner_id for page in others} == {partner.pk}


def test_a_translation_keeps_the_facts_and_the_expiry(french_offer, partner_user):
    english = translate(
        french_offer, "en", {"Ingénieur données": "Data engineer"}, partner_user
    )
    assert english.alias_of_id is None
    assert english.title == "Data engineer"
    assert english.live and english.state == OfferState.VALIDATED
    for name in (
        "reference",
        "partner_id",
        "contract_type_id",
        "country",
        "city",
        "salary_min",
        "salary_max",
        "remote_allowed",
        "contact",
    ):
        assert getattr(english, name) == getattr(french_offer, name), name
    assert sorted(english.skills.names()) == ["Python", "SQL"]
    assert english.expire_at == french_offer.expire_at
    spanish = OfferPage.objects.get(
        translation_key=french_offer.translation_key, locale__language_code="es"
    )
    assert spanish.title == "Ingénieur données"


def test_deleting_the_offer_takes_every_translation_off_the_board(
    french_offer, partner_user
):
    translate(french_offer, "en", {"Ingénieur données": "Data engineer"}, partner_user)
    offer_lifecycle.delete(french_offer, partner_user)
    pages = OfferPage.objects.filter(translation_key=french_offer.translation_key)
    assert not pages.filter(live=True).exists()
    assert set(pages.values_list("closed_reason", flat=True)) == {"deleted"}
    # Renewing brings the translation back too.
    offer_lifecycle.renew(french_offer, partner_user)
    english = pages.get(locale__language_code="en")
    assert english.live and english.expire_at == pages.get(pk=french_offer.pk).expire_at
