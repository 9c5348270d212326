"""Views of news and offers are counted by a beacon that no cache keeps (issue 8, item 3).

A front cache serves public pages without Django, so the pages no longer count
when they are served: each carries a 1×1 image whose request, never cached,
counts the view with the same rules as before (robots and repeats within
``VIEW_DEDUP_SECONDS`` left out, every language counted for one news, never
previews). :func:`read` is what a browser does: the page, then its images.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from alumni_partner.models import NewsDailyViews, NewsLike, OfferDailyStats
from alumni_partner.views.mailings import PIXEL_GIF
from tests.integration.test_isolation_matrix import publish_partner_page

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
BEACON = re.compile(r'<img class="view-beacon[^"]*" src="([^"]+)"[^>]*>')


def beacon_of(html: str) -> str | None:
    """The beacon's URL in a page, if it has one."""
    found = BEACON.search(html)
    return found.group(1) if found else None


def read(client: Client, url: str, **extra) -> str:
    """Read a page as a browser does: the HTML, then the beacon image it holds."""
    response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    beacon = beacon_of(html)
    if beacon:
        image = client.get(beacon, **extra)
        assert image.status_code == 200 and image.content == PIXEL_GIF
    return html


@pytest.fixture(autouse=True)
def empty_cache():
    """Repeated views are de-duplicated in the shared cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def browser():
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def live_partner(partner):
    publish_partner_page(partner)
    return partner


def news_views(news) -> int:
    rows = NewsDailyViews.objects.filter(translation_key=news.translation_key)
    return rows.aggregate(n=Sum("views"))["n"] or 0


def offer_views(offer) -> int:
    rows = OfferDailyStats.objects.filter(translation_key=offer.translation_key)
    return rows.aggregate(n=Sum("views"))["n"] or 0


def test_news_and_offer_pages_carry_a_decorative_beacon(
    browser, live_partner, make_news, make_offer
):
    for page in (make_news(live_partner), make_offer(live_partner)):
        html = browser.get(page.url).content.decode()
        tag = BEACON.search(html).group(0)
        assert beacon_of(html) == reverse("alumni_partner:page_view", args=[page.pk])
        # Ignored by screen readers, never focused, no room taken.
        assert 'alt=""' in tag and 'width="1"' in tag and 'height="1"' in tag
        assert "tabindex" not in tag and "visually-hidden" in tag
        assert "loading=" not in tag  # a lazy image below the fold would not load


def test_the_partner_page_has_no_beacon(browser, live_partner):
    assert beacon_of(browser.get(live_partner.page.url).content.decode()) is None


def test_serving_the_page_counts_nothing_the_beacon_counts(
    browser, live_partner, make_news
):
    news = make_news(live_partner)
    html = browser.get(news.url).content.decode()
    assert news_views(news) == 0  # a front cache may have served this
    response = browser.get(beacon_of(html))
    assert response["Content-Type"] == "image/gif"
    assert response["Cache-Control"] == "no-store, max-age=0"
    assert not response.cookies
    assert news_views(news) == 1


def test_a_visitor_counts_once_and_another_visitor_counts(
    browser, live_partner, make_news
):
    news = make_news(live_partner)
    for _ in range(3):
        read(browser, news.url)
    assert news_views(news) == 1
    read(browser, news.url, REMOTE_ADDR="10.0.0.2")
    assert news_views(news) == 2


def test_visitors_behind_one_proxy_are_told_apart(browser, live_partner, make_news):
    """Behind the front cache every request comes from its address."""
    news = make_news(live_partner)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    read(browser, news.url, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    read(browser, news.url, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    read(browser, news.url, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert news_views(news) == 2


def test_every_language_counts_for_one_news(browser, live_partner, make_news):
    news = make_news(live_partner)
    english = news.get_translation(Locale.objects.get(language_code="en"))
    read(browser, news.url)
    read(browser, english.url)  # the same visitor, in English: already counted
    assert news_views(news) == 1
    read(browser, english.url, REMOTE_ADDR="10.0.0.3")
    assert news_views(news) == 2
    # Counted on each language's own row, summed by translation key.
    assert NewsDailyViews.objects.filter(page=english).exists()


def test_robots_and_heads_are_not_counted(live_partner, make_news):
    news = make_news(live_partner)
    read(Client(HTTP_USER_AGENT="Googlebot/2.1"), news.url)
    read(Client(), news.url)  # no User-Agent
    beacon = reverse("alumni_partner:page_view", args=[news.pk])
    assert Client(HTTP_USER_AGENT=BROWSER).head(beacon).status_code == 200
    assert Client(HTTP_USER_AGENT=BROWSER).post(beacon).status_code == 405
    assert news_views(news) == 0


def test_previews_carry_no_beacon(browser, live_partner, make_news, editor):
    news = make_news(live_partner)
    browser.force_login(editor)
    preview = browser.get(reverse("wagtailadmin_pages:view_draft", args=[news.pk]))
    assert preview.status_code == 200
    assert beacon_of(preview.content.decode()) is None
    response = news.make_preview_request(original_request=None, preview_mode="")
    assert beacon_of(response.content.decode()) is None
    assert news_views(news) == 0


def test_an_offers_beacon_counts_its_views(browser, live_partner, make_offer):
    offer = make_offer(live_partner)
    read(browser, offer.url)
    read(browser, offer.url)
    assert offer_views(offer) == 1


@pytest.mark.parametrize("which", ["draft", "partner-page", "unknown", "huge"])
def test_a_beacon_for_anything_else_counts_nothing_and_says_nothing(
    browser, live_partner, make_news, which
):
    draft = make_news(live_partner, publish=False)
    page_id = {
        "draft": draft.pk,
        "partner-page": live_partner.page.pk,
        "unknown": 999_999,
        "huge": 2**64,
    }[which]
    response = browser.get(f"/views/{page_id}.gif")
    assert response.status_code == 200 and response.content == PIXEL_GIF
    assert not NewsDailyViews.objects.exists()


def test_a_member_is_counted_once_whatever_the_address(
    browser, live_partner, make_news, alumnus
):
    news = make_news(live_partner)
    browser.force_login(alumnus)
    read(browser, news.url, REMOTE_ADDR="10.0.0.4")
    read(browser, news.url, REMOTE_ADDR="10.0.0.5")
    assert news_views(news) == 1


def test_the_beacon_leaves_likes_alone(browser, live_partner, make_news, alumnus):
    news = make_news(live_partner)
    browser.force_login(alumnus)
    read(browser, news.url)
    assert not NewsLike.objects.exists()


def test_the_beacons_queries(
    browser, live_partner, make_news, django_assert_num_queries
):
    """A counted view: the page's id, type and key (1), the day's row (2 the
    first time: UPDATE finds none, INSERT in a savepoint); a repeat: 1; a
    robot: none."""
    news = make_news(live_partner)
    other = make_news(live_partner, title="Autre")
    beacon = reverse("alumni_partner:page_view", args=[news.pk])
    browser.get(reverse("alumni_partner:page_view", args=[other.pk]))  # content types
    # The page's lookup, the UPDATE, then SAVEPOINT, INSERT, RELEASE.
    with django_assert_num_queries(1 + 1 + 3):
        browser.get(beacon)
    with django_assert_num_queries(1):
        browser.get(beacon)  # the same visitor again
    with django_assert_num_queries(2):
        browser.get(beacon, REMOTE_ADDR="10.0.0.9")  # lookup, UPDATE
    with django_assert_num_queries(0):
        Client(HTTP_USER_AGENT="curl/8.5.0").get(beacon)
    assert news_views(news) == 2
