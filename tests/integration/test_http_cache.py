"""Anonymous pages are cacheable by a front cache; publishing purges it (issue 8, item 3).

The first half reads the headers the site sends: public pages served to a
visitor without a session are ``public, max-age=PUBLIC_CACHE_SECONDS`` with
``Vary: Cookie`` and set no cookie; members' pages, previews, POSTs, pages
with a message, 404s and every non-page view are never cached. The second
half runs a real HTTP server in a thread as Wagtail's ``HTTPBackend`` front
cache and records the PURGE requests that publishing, unpublishing, expiry,
deletion and moves send.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from alumni_partner import frontend_cache, news_lifecycle
from alumni_partner.models import NewsPage
from alumni_partner.schedules import publish_scheduled
from tests.conftest import PASSWORD
from tests.integration.test_isolation_matrix import publish_partner_page

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
LANGUAGES = ("en", "es", "pt", "ar")


def directives(response) -> dict[str, str | bool]:
    """``Cache-Control`` as a dict: ``{"public": True, "max-age": "300"}``."""
    found: dict[str, str | bool] = {}
    for part in response.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value or True
    return found


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v}


def assert_public(response, max_age: int = 300, what: str = "") -> None:
    assert response.status_code == 200, (what, response.status_code)
    assert directives(response) == {"public": True, "max-age": str(max_age)}, what
    assert "cookie" in vary(response), what
    assert not response.cookies, (what, response.cookies)
    assert b"csrfmiddlewaretoken" not in response.content, what


def assert_never_cached(response) -> None:
    found = directives(response)
    assert "public" not in found, found
    assert found.get("private") and found.get("no-store"), found


@pytest.fixture
def browser():
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def world(partner, make_news, make_offer):
    """A live partner with a news and an offer."""
    publish_partner_page(partner)
    return {
        "partner": Page.objects.get(pk=partner.page.pk),
        "news": make_news(partner, title="Forum emploi"),
        "offer": make_offer(partner, title="Ingénieur logiciel"),
    }


def alias(page, language: str) -> Page:
    return Page.objects.get(
        translation_key=page.translation_key, locale__language_code=language
    )


# --- Which responses are public --------------------------------------------------


PUBLIC_URLS = {
    "home": lambda w: "/",
    "home-en": lambda w: "/en/",
    "partner-index": lambda w: "/partners/",
    "partner-page": lambda w: w["partner"].url,
    "news-page": lambda w: w["news"].url,
    "news-page-en": lambda w: alias(w["news"], "en").url,
    "offer-page": lambda w: w["offer"].url,
    "news-feed": lambda w: "/news/",
    "news-feed-filtered": lambda w: "/news/?type=1&page=2",
    "news-rss": lambda w: "/news/feed/rss/",
    "job-board": lambda w: "/offres/",
    "job-board-search": lambda w: "/offres/?q=python&country=FR",
    "job-board-ar": lambda w: "/ar/offres/",
}


def test_a_visitor_without_a_session_gets_cacheable_pages(browser, world):
    """Every kind of public page, filtered and paginated listings included."""
    for name, url_of in PUBLIC_URLS.items():
        url = url_of(world)
        response = browser.get(url)
        assert_public(response, what=name)
        # The same URL gives the same page: a second visitor, a second time.
        again = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/140.0").get(url)
        assert_public(again, what=name)


def test_head_is_public_like_get(browser, world):
    assert_public(browser.head(world["news"].url))


def test_vary_follows_how_the_language_is_chosen(browser, world):
    """Each URL's language is fixed by its path; only unprefixed URLs vary on it.

    Django's LocaleMiddleware adds ``Accept-Language`` where the language could
    come from it (no prefix). With ``prefix_default_language=False`` it does
    not: the French page answers whatever the browser prefers.
    """
    french = browser.get("/partners/", HTTP_ACCEPT_LANGUAGE="en")
    assert vary(french) >= {"cookie", "accept-language"}
    assert french["Content-Language"] == "fr"
    english = browser.get("/en/partners/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "cookie" in vary(english) and "accept-language" not in vary(english)
    assert english["Content-Language"] == "en"


def test_the_max_age_is_a_setting(browser, world, settings):
    settings.ALUMNI_PARTNER_PUBLIC_CACHE_SECONDS = 60
    assert_public(browser.get(world["news"].url), max_age=60)
    settings.ALUMNI_PARTNER_PUBLIC_CACHE_SECONDS = 0
    assert_never_cached(browser.get(world["news"].url))


def test_a_logged_in_members_pages_are_never_cached(browser, world, alumnus):
    browser.force_login(alumnus)
    for url in ("/", world["news"].url, world["partner"].url, "/offres/?q=python"):
        response = browser.get(url)
        assert response.status_code == 200
        assert_never_cached(response)
    # The news page holds the member's like form and its CSRF token.
    assert b"csrfmiddlewaretoken" in browser.get(world["news"].url).content


def test_a_partner_users_pages_are_never_cached(client, world, partner_user):
    client.force_login(partner_user)
    assert_never_cached(client.get(world["partner"].url))


def test_a_visitor_with_a_session_is_not_served_a_shared_page(browser, world):
    """A session may hold what the page shows (a password, a message)."""
    session = browser.session
    session["anything"] = "kept"
    session.save()
    assert_never_cached(browser.get(world["news"].url))


def test_a_page_that_shows_a_message_is_never_cached(browser, world):
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    encoded = storage._encode([Message(constants.SUCCESS, "Au revoir, Amina.")])
    browser.cookies[CookieStorage.cookie_name] = encoded
    response = browser.get("/")
    assert "Au revoir, Amina." in response.content.decode()
    assert response.cookies  # the messages cookie is cleared
    assert_never_cached(response)
    # Once read, the next page is public again.
    assert_public(browser.get("/"))


def test_posts_404s_and_previews_are_never_cached(browser, world, editor):
    assert_never_cached(browser.post(world["news"].url, {"x": "1"}))
    missing = Client(raise_request_exception=False).get("/partners/nobody/")
    assert missing.status_code == 404
    assert_never_cached(missing)
    browser.force_login(editor)
    preview = browser.get(
        reverse("wagtailadmin_pages:view_draft", args=[world["news"].pk])
    )
    assert preview.status_code == 200
    assert "public" not in directives(preview)


def test_restricted_pages_are_never_cached(browser, world, alumnus):
    news = world["news"]
    PageViewRestriction.objects.create(
        page=news, restriction_type=PageViewRestriction.LOGIN
    )
    assert_never_cached(browser.get(news.url))  # the redirect to log in
    browser.force_login(alumnus)
    response = browser.get(news.url)
    assert response.status_code == 200
    assert_never_cached(response)

    password = PageViewRestriction.objects.create(
        page=world["offer"],
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret",
    )
    visitor = Client(HTTP_USER_AGENT=BROWSER)
    assert_never_cached(visitor.get(world["offer"].url))  # the password form
    visitor.post(
        reverse(
            "wagtailcore_authenticate_with_password",
            args=[password.pk, world["offer"].pk],
        ),
        {"password": "s3cret", "return_url": world["offer"].url},
    )
    response = visitor.get(world["offer"].url)
    assert response.status_code == 200 and "Ingénieur logiciel" in (
        response.content.decode()
    )
    assert_never_cached(response)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/annuaire/",
        "/messages/",
        "/accounts/profile/",
        "/admin/login/",
    ],
)
def test_other_views_are_never_cached(browser, site_tree, url):
    response = browser.get(url)
    assert response.status_code in (200, 302), response.status_code
    assert_never_cached(response)


def test_the_directory_and_messages_of_a_member_are_never_cached(browser, amina):
    browser.force_login(amina.user)
    for url in ("/annuaire/", "/messages/", "/accounts/profile/"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert_never_cached(response)


def test_the_middleware_sits_above_those_that_set_cookies():
    order = django_settings.MIDDLEWARE
    mine = order.index("alumni_partner.http_cache.HttpCacheMiddleware")
    for later in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ):
        assert mine < order.index(later), later


# --- Purging the front cache -----------------------------------------------------


class _PurgeRecorder(BaseHTTPRequestHandler):
    """A front cache that only records what it is asked to purge."""

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.server.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def front_cache(settings):
    """A real HTTP server on a free port, configured as Wagtail's HTTPBackend."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PurgeRecorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}/",
        }
    }
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def purged_paths(front_cache) -> set[str]:
    assert all(host == "localhost" for host, _ in front_cache.purged)
    return {path for _, path in front_cache.purged}


def in_every_language(path: str) -> set[str]:
    return {path} | {f"/{code}{path}" for code in LANGUAGES}


def test_publishing_a_news_purges_it_and_the_pages_that_list_it(
    front_cache, partner, make_news
):
    publish_partner_page(partner)
    front_cache.purged.clear()

    news = make_news(partner, title="Forum emploi")

    purged = purged_paths(front_cache)
    partner_path = partner.page.url
    expected = (
        in_every_language(news.url)
        | in_every_language(partner_path)
        | in_every_language("/news/")
        | in_every_language("/news/feed/rss/")
        | in_every_language("/news/feed/atom/")
        | in_every_language("/")
    )
    assert expected <= purged, expected - purged
    assert not any(path.startswith("/fr/") for path in purged)  # no such URLs
    assert "/offres/" not in purged and "/partners/" not in purged


def test_publishing_an_offer_purges_the_job_board(front_cache, partner, make_offer):
    publish_partner_page(partner)
    front_cache.purged.clear()

    offer = make_offer(partner, title="Ingénieur logiciel")

    purged = purged_paths(front_cache)
    expected = (
        in_every_language(offer.url)
        | in_every_language(partner.page.url)
        | in_every_language("/offres/")
        | in_every_language("/offres/feed/rss/")
    )
    assert expected <= purged, expected - purged
    assert "/news/" not in purged


def test_publishing_a_partner_purges_the_index_home_and_filters(front_cache, partner):
    publish_partner_page(partner)
    purged = purged_paths(front_cache)
    expected = (
        in_every_language(partner.page.url)
        | in_every_language("/partners/")
        | in_every_language("/")
        | in_every_language("/news/")
        | in_every_language("/offres/")
    )
    assert expected <= purged, expected - purged


def test_archiving_deleting_and_expiry_purge_the_news(
    front_cache, partner, make_news, partner_user
):
    publish_partner_page(partner)
    archived = make_news(partner, title="Archivée")
    deleted = make_news(partner, title="Supprimée")
    expiring = make_news(partner, title="Expirée")

    front_cache.purged.clear()
    news_lifecycle.archive(archived, partner_user)
    assert in_every_language(archived.url) | {"/news/", "/"} <= purged_paths(
        front_cache
    )

    front_cache.purged.clear()
    deleted_url = deleted.url
    news_lifecycle.delete_forever(deleted, partner_user)
    assert in_every_language(deleted_url) | {"/news/"} <= purged_paths(front_cache)

    # The django-q2 schedule's job: Wagtail's publish_scheduled, then clean-up.
    front_cache.purged.clear()
    NewsPage.objects.filter(translation_key=expiring.translation_key).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    publish_scheduled()
    assert not NewsPage.objects.get(pk=expiring.pk).live
    assert in_every_language(expiring.url) | {"/news/", partner.page.url} <= (
        purged_paths(front_cache)
    )


def test_moving_a_news_purges_its_old_url_and_both_partners(
    front_cache, partner, other_partner, make_news
):
    publish_partner_page(partner)
    publish_partner_page(other_partner)
    news = make_news(partner, title="Forum emploi")
    old_url = news.url
    front_cache.purged.clear()

    news.move(other_partner.page, pos="last-child")

    news.refresh_from_db()
    assert news.url != old_url
    purged = purged_paths(front_cache)
    assert {old_url, partner.page.url, other_partner.page.url, "/news/"} <= purged


def test_a_new_slug_purges_the_old_url(
    front_cache, partner, make_news, django_capture_on_commit_callbacks
):
    publish_partner_page(partner)
    news = make_news(partner, title="Forum emploi")
    old_url = news.url
    front_cache.purged.clear()

    news.slug = "forum-emploi-2026"
    # Wagtail sends page_slug_changed once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        news.save_revision().publish()

    news.refresh_from_db()
    assert news.url.endswith("/forum-emploi-2026/")
    assert {old_url, news.url} <= purged_paths(front_cache)


def test_nothing_is_purged_without_a_backend(settings, partner, make_news):
    settings.WAGTAILFRONTENDCACHE = {}
    assert not frontend_cache.purging_enabled()
    publish_partner_page(partner)
    assert make_news(partner).live  # and no error without a front cache


def test_a_front_cache_that_is_down_does_not_stop_publishing(
    settings, partner, make_news, caplog
):
    """The purge is logged as failed; the page is published all the same."""
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            # A port nobody listens on (the test server's, once closed).
            "LOCATION": f"http://127.0.0.1:{_closed_port()}/",
        }
    }
    publish_partner_page(partner)
    news = make_news(partner)
    assert news.live
    assert "Couldn't purge" in caplog.text


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_login_link_of_a_cached_page_leads_back_to_it(browser, world):
    """The page a front cache keeps holds nothing of its first visitor."""
    html = browser.get(world["news"].url).content.decode()
    assert f"{reverse('account_login')}?next={world['news'].url}" in html
    assert PASSWORD not in html
