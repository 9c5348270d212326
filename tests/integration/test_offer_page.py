"""The public offer page, its "Apply" button and a partner page's offers.

Issue 4 items 4 and 6: an offer page shows every field of guide 4.1, the
partner's logo and a link to its page; "Apply" leads to the offer's own
contact and counts the click once per visitor and day, never for robots;
views are counted as for news, never previews; the partner page lists its
live offers.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page

from alumni_partner import offer_lifecycle
from alumni_partner.models import OfferDailyStats, Sector, SeniorityLevel
from tests.benchmarks.content import make_image
from tests.integration.test_isolation_matrix import publish_partner_page
from tests.integration.test_offer_board import empty_cache, html_of  # noqa: F401
from tests.integration.test_view_beacon import read

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


@pytest.fixture
def browser():
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def live_partner(partner):
    publish_partner_page(partner, logo=make_image("Acme logo", size=(300, 150)))
    return partner


def full_offer(make_offer, partner, title="Ingénieur logiciel", **fields):
    """An offer with every field of guide 4.1 filled in."""
    start = timezone.localdate() + timedelta(days=30)
    values = {
        "reference": "ACME-ING-7",
        "company_description": "<p>Acme conçoit des <b>robots</b>.</p>",
        "mission": "<p>Vous développerez nos <i>capteurs</i>.</p>",
        "sector": Sector.objects.get_or_create(name="Robotique")[0],
        "seniority": SeniorityLevel.default_terms().get(name__startswith="Confirmé"),
        "city": "Toulouse",
        "country": "FR",
        "remote_allowed": True,
        "salary_min": 42000,
        "salary_max": 52000,
        "salary_currency": "EUR",
        "salary_period": "YEAR",
        "available_immediately": False,
        "available_from": start,
        "contact_name": "Claire Martin",
        "contact": "https://acme.example/jobs/7",
    }
    values.update(fields)
    offer = make_offer(partner, title=title, publish=False, **values)
    offer.skills.add("C++", "ROS")
    offer.save_revision().publish()
    offer.refresh_from_db()
    return offer


def totals(offer) -> dict:
    return OfferDailyStats.objects.filter(
        translation_key=offer.translation_key
    ).aggregate(views=Sum("views"), clicks=Sum("apply_clicks"))


# --- The offer page ----------------------------------------------------------------


def test_offer_page_shows_every_field(client, live_partner, make_offer):
    offer = full_offer(make_offer, live_partner)
    html = html_of(client.get(offer.url))
    assert "<h1>Ingénieur logiciel</h1>" in html
    assert "ACME-ING-7" in html
    assert "Acme conçoit des <b>robots</b>." in html
    assert "Vous développerez nos <i>capteurs</i>." in html
    for text in ("CDI", "Robotique", "Confirmé", "C++", "ROS", "Toulouse", "France"):
        assert text in html, text
    assert re.search(r"Remote work possible|Télétravail possible", html)
    assert re.search(r"42\W000 – 52\W000 EUR", html)
    start = offer.available_from.isoformat()
    assert f'<time datetime="{start}">' in html
    assert "Claire Martin" in html
    expiry = timezone.localtime(offer.expire_at).isoformat()
    assert f'datetime="{expiry}"' in html
    assert re.search("Online until|En ligne jusqu", html)


def test_offer_page_shows_the_partner_logo_and_links_to_its_page(
    client, live_partner, make_offer
):
    offer = full_offer(make_offer, live_partner)
    html = html_of(client.get(offer.url))
    partner_link = re.search(
        r'<p class="offer-partner">\s*<a href="([^"]+)"><img [^>]*src="([^"]+)"', html
    )
    assert partner_link, html
    assert partner_link.group(1) == live_partner.page.url
    assert "/images/" in partner_link.group(2) or "acme-logo" in partner_link.group(2)
    # The partner's name is the link's text: the logo is decorative.
    assert re.search(r'<img [^>]*alt=""', html)


def test_an_immediate_offer_says_so(client, live_partner, make_offer):
    offer = make_offer(live_partner, available_immediately=True)
    html = html_of(client.get(offer.url))
    assert re.search(r"<dd>(Immediately|Immédiatement)</dd>", html)


def test_offer_page_headings_are_in_order(client, live_partner, make_offer):
    offer = full_offer(make_offer, live_partner)
    html = html_of(client.get(offer.url))
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_english_alias_marks_its_french_words(client, live_partner, make_offer):
    offer = full_offer(make_offer, live_partner)
    alias = Page.objects.get(
        translation_key=offer.translation_key, locale__language_code="en"
    )
    html = html_of(client.get(alias.url))
    assert '<h1 lang="fr" dir="ltr">Ingénieur logiciel</h1>' in html
    assert "C++" in html  # the alias shows its skills


def test_arabic_offer_page_is_right_to_left(client, live_partner, make_offer):
    offer = full_offer(make_offer, live_partner)
    alias = Page.objects.get(
        translation_key=offer.translation_key, locale__language_code="ar"
    )
    html = html_of(client.get(alias.url))
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 lang="fr" dir="ltr">' in html


def test_closed_and_draft_offers_are_not_served(
    client, live_partner, make_offer, partner_user
):
    draft = make_offer(live_partner, title="Brouillon", publish=False)
    deleted = make_offer(live_partner, title="Supprimée")
    filled = make_offer(live_partner, title="Pourvue")
    offer_lifecycle.delete(deleted, partner_user)
    offer_lifecycle.mark_filled(filled, partner_user)
    for offer in (draft, deleted, filled):
        assert client.get(offer.url).status_code == 404


# --- "Apply" -------------------------------------------------------------------------


def apply_url(offer) -> str:
    return reverse("alumni_partner:offer_apply", args=[offer.pk])


def test_apply_button_links_to_the_counted_redirect(client, live_partner, make_offer):
    offer = full_offer(make_offer, live_partner)
    html = html_of(client.get(offer.url))
    assert re.search(
        rf'<a class="button apply-button" rel="nofollow" href="{apply_url(offer)}"',
        html,
    )
    assert "https://acme.example/jobs/7" not in html


def test_apply_redirects_to_the_application_page(browser, live_partner, make_offer):
    offer = full_offer(make_offer, live_partner)
    response = browser.get(apply_url(offer))
    assert response.status_code == 302
    assert response["Location"] == "https://acme.example/jobs/7"
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )


def test_apply_redirects_to_the_email_address(browser, live_partner, make_offer):
    offer = make_offer(live_partner, contact=" jobs@acme.test ")
    response = browser.get(apply_url(offer))
    assert response.status_code == 302
    assert response["Location"] == "mailto:jobs@acme.test"


def test_apply_ignores_any_target_in_the_request(browser, live_partner, make_offer):
    offer = make_offer(live_partner)
    for query in ("?next=https://evil.example", "?url=//evil.example"):
        response = browser.get(apply_url(offer) + query)
        assert response["Location"] == "mailto:jobs@acme.test"


def test_a_click_counts_once_per_visitor_and_day(browser, live_partner, make_offer):
    offer = make_offer(live_partner)
    for _ in range(3):
        browser.get(apply_url(offer))
    assert totals(offer)["clicks"] == 1
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.0.9").get(apply_url(offer))
    assert totals(offer)["clicks"] == 2


def test_clicks_on_an_alias_count_for_the_offer(browser, live_partner, make_offer):
    offer = make_offer(live_partner)
    alias = Page.objects.get(
        translation_key=offer.translation_key, locale__language_code="en"
    )
    assert browser.get(apply_url(alias))["Location"] == "mailto:jobs@acme.test"
    assert totals(offer)["clicks"] == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "curl/8.5.0",
        "Slackbot-LinkExpanding 1.0",
    ],
)
def test_robots_clicks_are_not_counted(live_partner, make_offer, user_agent):
    offer = make_offer(live_partner)
    response = Client(HTTP_USER_AGENT=user_agent).get(apply_url(offer))
    assert response.status_code == 302  # robots still get the redirect
    assert not totals(offer)["clicks"]


def test_apply_is_404_for_an_offer_off_the_board(
    browser, live_partner, make_offer, partner_user
):
    draft = make_offer(live_partner, title="Brouillon", publish=False)
    deleted = make_offer(live_partner, title="Supprimée")
    offer_lifecycle.delete(deleted, partner_user)
    expired = make_offer(live_partner, title="Expirée")
    expired.unpublish(set_expired=True)
    for offer in (draft, deleted, expired):
        assert browser.get(apply_url(offer)).status_code == 404
    assert browser.get(apply_url(live_partner.page)).status_code == 404  # not an offer
    assert browser.get("/offers/99999999999999999999999/apply/").status_code == 404
    assert browser.get("/offers/abc/apply/").status_code == 404
    assert not OfferDailyStats.objects.exists()


def test_apply_refuses_a_post(browser, live_partner, make_offer):
    offer = make_offer(live_partner)
    assert browser.post(apply_url(offer)).status_code == 405
    assert not OfferDailyStats.objects.exists()


# --- Views -------------------------------------------------------------------------


def test_a_view_counts_once_per_visitor_and_day(browser, live_partner, make_offer):
    offer = make_offer(live_partner)
    for _ in range(3):
        read(browser, offer.url)
    assert totals(offer)["views"] == 1


def test_robots_views_are_not_counted(live_partner, make_offer):
    offer = make_offer(live_partner)
    read(Client(HTTP_USER_AGENT="Googlebot/2.1"), offer.url)
    read(Client(), offer.url)
    assert not totals(offer)["views"]


def test_previews_render_the_offer_and_are_not_counted(
    browser, live_partner, make_offer, partner_user
):
    offer = full_offer(make_offer, live_partner)
    browser.force_login(partner_user)
    response = browser.get(reverse("wagtailadmin_pages:view_draft", args=[offer.pk]))
    html = html_of(response)
    assert "Ingénieur logiciel" in html and "Claire Martin" in html
    # In a preview, "Apply" leads to the contact directly: nothing is counted.
    assert 'href="https://acme.example/jobs/7"' in html
    response = offer.make_preview_request(original_request=None, preview_mode="")
    assert response.status_code == 200
    assert not OfferDailyStats.objects.exists()
    read(browser, offer.url)
    assert totals(offer)["views"] == 1


def test_preview_of_a_new_offer_from_the_create_form(
    partner_client, live_partner, contract_type
):
    """The partner's "Visualiser" before the first save (guide 4.1)."""
    from wagtail.test.utils.form_data import nested_form_data, rich_text

    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("alumni_partner", "offerpage", live_partner.page.pk),
    )
    data = nested_form_data(
        {
            "title": "Technicien preview",
            "slug": "technicien-preview",
            "reference": "ACME-PREV-1",
            "mission": rich_text("<p>Réparer les robots.</p>"),
            "company_description": rich_text("<p>Acme.</p>"),
            "contract_type": contract_type.pk,
            "skills": "soudure, électronique",
            "city": "Nantes",
            "country": "FR",
            "salary_currency": "EUR",
            "salary_period": "MONTH",
            "available_immediately": "on",
            "contact": "rh@acme.test",
        }
    )
    assert partner_client.post(url, data).json()["is_valid"]
    html = html_of(partner_client.get(url))
    assert "Technicien preview" in html and "soudure" in html and "Nantes" in html
    assert 'href="mailto:rh@acme.test"' in html
    assert not OfferDailyStats.objects.exists()


# --- The partner page's offers -----------------------------------------------------


def offers_section(html: str) -> str:
    return html[html.index('class="partner-offers"') :]


def test_partner_page_lists_its_live_offers_only(
    client, live_partner, make_offer, partner_user, other_partner
):
    publish_partner_page(other_partner)
    make_offer(live_partner, title="Ouverte")
    closed = make_offer(live_partner, title="Pourvue")
    offer_lifecycle.mark_filled(closed, partner_user)
    deleted = make_offer(live_partner, title="Supprimée")
    offer_lifecycle.delete(deleted, partner_user)
    make_offer(live_partner, title="Brouillon", publish=False)
    make_offer(other_partner, title="Chez Globex")
    section = offers_section(html_of(client.get(live_partner.page.url)))
    assert "Ouverte" in section
    for absent in ("Pourvue", "Supprimée", "Brouillon", "Chez Globex"):
        assert absent not in section
    assert f'href="/offres/?partner={live_partner.page.pk}"' in section


def test_partner_page_shows_an_offer_as_soon_as_it_is_published_or_closed(
    client, live_partner, make_offer, partner_user
):
    url = live_partner.page.url
    assert "offer-card" not in offers_section(html_of(client.get(url)))
    offer = make_offer(live_partner, title="Nouvelle offre")
    assert "Nouvelle offre" in offers_section(html_of(client.get(url)))
    offer_lifecycle.mark_filled(offer, partner_user)
    assert "Nouvelle offre" not in offers_section(html_of(client.get(url)))


def test_partner_page_lists_at_most_the_configured_number(
    client, live_partner, make_offer, settings
):
    settings.ALUMNI_PARTNER_PARTNER_PAGE_OFFERS = 2
    for n in range(3):
        make_offer(live_partner, title=f"Offre {n}")
    section = offers_section(html_of(client.get(live_partner.page.url)))
    assert section.count('class="card offer-card"') == 2


def test_partner_page_in_english_lists_the_alias_offers(
    client, live_partner, make_offer
):
    offer = make_offer(live_partner, title="Chef de projet")
    english_page = Page.objects.get(
        translation_key=live_partner.page.translation_key, locale__language_code="en"
    )
    alias = Page.objects.get(
        translation_key=offer.translation_key,
        locale=Locale.objects.get(language_code="en"),
    )
    section = offers_section(html_of(client.get(english_page.url)))
    assert f'href="{alias.url}"' in section
    assert f'href="/en/offres/?partner={english_page.pk}"' in section
