"""The public news page, its view counter, a partner's latest news and the home page.

Guide chapter 3 seen from the public side (DESIGN.md §6): a news page with all
its parts and a "J'aime" button, views counted once per visitor and never for
robots or previews, a partner page that shows a news as soon as it is
published, featured news on the home page, members' log in and log out.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

from alumni_partner import news_lifecycle
from alumni_partner.models import AudienceGroup, NewsDailyViews, NewsType
from tests.benchmarks.content import make_image, make_pdf
from tests.conftest import PASSWORD
from tests.integration.test_isolation_matrix import publish_partner_page
from tests.integration.test_view_beacon import read

pytestmark = pytest.mark.django_db


BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
SCRIPT = "<script>alert('xss')</script>"
IMG_ONERROR = '"><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def empty_cache():
    """Views are de-duplicated and fragments cached in the shared cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def browser():
    """A visitor's browser: views from clients without a User-Agent do not count."""
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def live_partner(partner):
    publish_partner_page(partner)
    return partner


def full_news(make_news, partner, title="Forum emploi 2026", **fields):
    """A news with every part of guide 3.2: type, date, groups, body, image, PDF."""
    group = AudienceGroup.objects.get_or_create(name="Ingénieurs")[0]
    fields.setdefault("image", make_image("Affiche du forum"))
    fields.setdefault("document", make_pdf("Programme du forum"))
    fields.setdefault(
        "body",
        [
            ("paragraph", RichText("<p>Rencontrez <b>vingt recruteurs</b>.</p>")),
            ("document", {"document": make_pdf("Plan d'accès"), "label": "Plan"}),
        ],
    )
    news = make_news(partner, title=title, **fields)
    news.audience_groups.add(group)
    news.keywords.add("emploi", "ingénierie")
    news.save_revision().publish()
    news.refresh_from_db()
    return news


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def total_views(news) -> int:
    return (
        NewsDailyViews.objects.filter(translation_key=news.translation_key).aggregate(
            n=Sum("views")
        )["n"]
        or 0
    )


# --- The news page ---------------------------------------------------------------


def test_news_page_shows_every_part(client, live_partner, make_news):
    news = full_news(make_news, live_partner)
    html = html_of(client.get(news.url))

    assert re.search(r"<h1[^>]*>Forum emploi 2026</h1>", html)
    assert "Événement" in html  # the type
    with translation.override("fr"):
        assert date_format(news.date, "DATE_FORMAT") in html
    assert f'datetime="{news.date.isoformat()}"' in html
    assert f'href="{live_partner.page.url}"' in html and "Acme" in html
    assert "Ingénieurs" in html  # the group
    assert "<b>vingt recruteurs</b>" in html  # the body's rich text
    assert ">Plan</a>" in html  # the body's document block
    assert "Programme du forum" in html and 'href="/documents/' in html
    assert re.search(r'<img [^>]*src="[^"]*affiche-du-forum', html)
    assert "emploi" in html and "ingénierie" in html  # keywords
    # An anonymous visitor sees the count and how to like.
    assert "0 like" in html or "0 j’aime" in html.lower() or "0 j'aime" in html
    login = reverse("account_login")
    assert f'href="{login}?next={news.url}"' in html
    assert "aria-pressed" not in html


def test_member_sees_a_like_button_with_its_state(
    client, live_partner, make_news, alumnus
):
    news = make_news(live_partner)
    client.force_login(alumnus)
    html = html_of(client.get(news.url))
    action = reverse("alumni_partner:news_like", args=[news.pk])
    assert f'action="{action}"' in html
    assert 'aria-pressed="false"' in html
    assert 'name="liked" value="1"' in html
    assert 'aria-live="polite"' in html
    assert "csrfmiddlewaretoken" in html
    assert "like.js" in html


def test_news_page_heading_order(client, live_partner, make_news):
    news = full_news(make_news, live_partner)
    html = html_of(client.get(news.url))
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_english_alias_marks_its_french_words(client, live_partner, make_news):
    news = make_news(live_partner, title="Forum emploi")
    alias = Page.objects.get(
        translation_key=news.translation_key, locale__language_code="en"
    )
    html = html_of(client.get(alias.url))
    assert '<html lang="en" dir="ltr">' in html
    assert re.search(r'<h1 lang="fr" dir="ltr">Forum emploi</h1>', html)


def test_arabic_news_page_is_right_to_left_with_french_words_left_to_right(
    client, live_partner, make_news
):
    news = make_news(live_partner, title="Forum emploi")
    alias = Page.objects.get(
        translation_key=news.translation_key, locale__language_code="ar"
    )
    assert alias.url.startswith("/ar/")
    html = html_of(client.get(alias.url))
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 lang="fr" dir="ltr">Forum emploi</h1>' in html
    html = html_of(client.get("/ar/news/"))
    assert '<html lang="ar" dir="rtl">' in html
    assert 'lang="fr" dir="ltr">Forum emploi</a>' in html


def test_news_type_shows_in_the_visitors_language(client, live_partner, make_news):
    french = NewsType.objects.get(name="Événement")
    english = french.copy_for_translation(Locale.objects.get(language_code="en"))
    english.name = "Event"
    english.save()
    news = make_news(live_partner)
    alias = Page.objects.get(
        translation_key=news.translation_key, locale__language_code="en"
    )
    assert "Event" in html_of(client.get(alias.url))
    assert "Événement" in html_of(client.get(news.url))


def test_hostile_title_and_keyword_render_inert(client, live_partner, make_news):
    news = make_news(live_partner, title=f"Forum {SCRIPT}{IMG_ONERROR}")
    news.keywords.add(f"tag{IMG_ONERROR}")
    news.featured_on_home = True
    news.save_revision().publish()
    for url in (news.url, "/news/", live_partner.page.url, "/"):
        html = html_of(client.get(url))
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html, url
    assert "tag&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html_of(
        client.get(news.url)
    )


def test_draft_and_archived_news_are_not_served(
    client, live_partner, make_news, partner_user
):
    draft = make_news(live_partner, title="Brouillon", publish=False)
    archived = make_news(live_partner, title="Archivée")
    news_lifecycle.archive(archived, partner_user)
    for page in (draft, archived):
        response = Client(raise_request_exception=False).get(
            f"{live_partner.page.url}{page.slug}/"
        )
        assert response.status_code == 404


# --- Views (counted by the page's beacon: tests/integration/test_view_beacon.py) ---


def test_a_view_counts_once_per_visitor_and_day(browser, live_partner, make_news):
    news = make_news(live_partner)
    for _ in range(3):
        read(browser, news.url)
    assert total_views(news) == 1
    read(browser, news.url, REMOTE_ADDR="10.0.0.2")
    assert total_views(news) == 2


def test_views_of_aliases_count_for_the_news(browser, live_partner, make_news):
    news = make_news(live_partner)
    alias = Page.objects.get(
        translation_key=news.translation_key, locale__language_code="en"
    )
    read(browser, news.url)
    read(browser, alias.url, REMOTE_ADDR="10.0.0.3")
    assert total_views(news) == 2


def test_a_members_views_count_once_whatever_the_address(
    browser, live_partner, make_news, alumnus
):
    news = make_news(live_partner)
    browser.force_login(alumnus)
    read(browser, news.url, REMOTE_ADDR="10.0.0.4")
    read(browser, news.url, REMOTE_ADDR="10.0.0.5")
    assert total_views(news) == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
    ],
    ids=["empty", "blank", "googlebot", "link-preview", "curl", "script"],
)
def test_robots_and_clients_without_user_agent_are_not_counted(
    live_partner, make_news, user_agent
):
    news = make_news(live_partner)
    read(Client(HTTP_USER_AGENT=user_agent), news.url)
    assert total_views(news) == 0


def test_a_post_to_the_news_page_is_not_a_view(browser, live_partner, make_news):
    news = make_news(live_partner)
    browser.post(news.url, {"x": "1"})
    browser.head(news.url)
    assert total_views(news) == 0


def test_previews_are_not_counted(browser, live_partner, make_news, editor):
    news = make_news(live_partner)
    browser.force_login(editor)
    # The editor's "Preview" of the draft (admin view_draft, through serve_preview).
    response = browser.get(reverse("wagtailadmin_pages:view_draft", args=[news.pk]))
    assert "Forum emploi" in html_of(response)
    # Wagtail's preview request itself.
    response = news.make_preview_request(original_request=None, preview_mode="")
    assert response.status_code == 200
    assert total_views(news) == 0
    # The same visitor reading the live page is counted.
    read(browser, news.url)
    assert total_views(news) == 1


# --- A partner's latest news -----------------------------------------------------


def test_partner_page_shows_a_news_as_soon_as_it_is_published(
    client, live_partner, make_news
):
    url = live_partner.page.url
    html = html_of(client.get(url))  # the body now sits in the fragment cache
    assert "Latest news" in html or "Dernières" in html
    assert "Forum emploi" not in html
    make_news(live_partner, title="Forum emploi")
    assert "Forum emploi" in html_of(client.get(url))


def test_partner_page_lists_its_three_latest_live_news(
    client, live_partner, other_partner, make_news, partner_user, settings
):
    today = timezone.localdate()
    for days in range(5):
        make_news(live_partner, title=f"Nouvelle {days}", date=today - timedelta(days))
    make_news(live_partner, title="Brouillon", publish=False)
    news_lifecycle.archive(make_news(live_partner, title="Archivée"), partner_user)
    make_news(other_partner, title="Chez Globex")
    html = html_of(client.get(live_partner.page.url))
    shown = re.findall(r"Nouvelle \d", html)
    assert shown == ["Nouvelle 0", "Nouvelle 1", "Nouvelle 2"]
    for absent in ("Brouillon", "Archivée", "Chez Globex"):
        assert absent not in html
    assert f'href="/news/?partner={live_partner.page.pk}"' in html

    settings.ALUMNI_PARTNER_PARTNER_PAGE_NEWS = 1
    cache.clear()
    assert re.findall(r"Nouvelle \d", html_of(client.get(live_partner.page.url))) == [
        "Nouvelle 0"
    ]


def test_partner_page_in_english_lists_the_alias_news(client, live_partner, make_news):
    news = make_news(live_partner, title="Forum emploi")
    alias = Page.objects.get(
        translation_key=news.translation_key, locale__language_code="en"
    )
    html = html_of(client.get(f"/en{live_partner.page.url}"))
    assert f'href="{alias.url}" lang="fr" dir="ltr">Forum emploi</a>' in html


def test_partner_page_link_filters_the_feed_by_partner(
    client, live_partner, other_partner, make_news
):
    make_news(live_partner, title="Chez Acme")
    make_news(other_partner, title="Chez Globex")
    html = html_of(client.get("/news/", {"partner": live_partner.page.pk}))
    assert "Chez Acme" in html and "Chez Globex" not in html


# --- The home page ---------------------------------------------------------------


def test_home_page_shows_featured_news_and_links_to_the_feed(
    client, live_partner, make_news, settings
):
    make_news(live_partner, title="À la une", featured_on_home=True)
    make_news(live_partner, title="Ordinaire")
    make_news(
        live_partner, title="Brouillon à la une", featured_on_home=True, publish=False
    )
    html = html_of(client.get("/"))
    assert "Featured news" in html or "À la une" in html
    assert "À la une</a>" in html
    assert "Ordinaire" not in html and "Brouillon à la une" not in html
    assert 'href="/news/"' in html

    html = html_of(client.get("/en/"))
    assert 'lang="fr" dir="ltr">À la une</a>' in html
    assert 'href="/en/news/"' in html


def test_home_page_shows_at_most_the_configured_number(
    client, live_partner, make_news, settings
):
    settings.ALUMNI_PARTNER_HOME_FEATURED_NEWS = 2
    today = timezone.localdate()
    for days in range(4):
        make_news(
            live_partner,
            title=f"Une {days}",
            date=today - timedelta(days),
            featured_on_home=True,
        )
    assert re.findall(r"Une \d", html_of(client.get("/"))) == ["Une 0", "Une 1"]


def test_home_page_without_featured_news_says_so(client, site_tree):
    html = html_of(client.get("/"))
    assert "No news is featured at the moment." in html or "Aucune" in html


# --- Header, log in and log out --------------------------------------------------


def test_header_links_to_the_news_feed_in_each_language(client, site_tree):
    assert 'href="/news/"' in html_of(client.get("/"))
    assert 'href="/en/news/"' in html_of(client.get("/en/"))
    assert 'href="/en/partners/"' in html_of(client.get("/en/"))


def test_member_logs_in_by_email_and_comes_back(
    client, live_partner, make_news, alumnus
):
    news = make_news(live_partner)
    login = reverse("account_login")
    html = html_of(client.get(login, {"next": news.url}))
    # django-allauth's form, every field labelled.
    assert re.search(r'<label for="id_login">', html)
    assert re.search(r'<label for="id_password">', html)
    assert 'autocomplete="current-password"' in html
    response = client.post(
        login,
        {"login": "Alumnus@Alumni.test", "password": PASSWORD, "next": news.url},
    )
    assert response.status_code == 302 and response.url == news.url
    html = html_of(client.get(news.url))
    assert "Amina Alumna" in html
    assert reverse("account_logout") in html


def test_login_refuses_a_wrong_password_with_a_message(client, site_tree, alumnus):
    response = client.post(
        reverse("account_login"),
        {"login": "alumnus@alumni.test", "password": "wrong"},
    )
    assert response.status_code == 200
    html = html_of(response)
    assert 'role="alert"' in html
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_login_ignores_a_next_url_elsewhere(client, site_tree, alumnus, next_url):
    response = client.post(
        reverse("account_login"),
        {"login": "alumnus@alumni.test", "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302 and response.url == "/"


def test_logout_is_a_post_and_returns_to_the_page(client, live_partner, alumnus):
    client.force_login(alumnus)
    logout = reverse("account_logout")
    # GET shows a confirmation form (django-allauth) and logs nobody out.
    confirm = client.get(logout)
    assert confirm.status_code == 200
    assert 'method="post"' in html_of(confirm)
    assert "_auth_user_id" in client.session
    response = client.post(logout, {"next": live_partner.page.url})
    assert response.status_code == 302 and response.url == live_partner.page.url
    assert "_auth_user_id" not in client.session
    assert reverse("account_login") in html_of(client.get("/"))


def test_login_page_in_english_is_in_english(client, site_tree):
    html = html_of(client.get("/en/accounts/login/"))
    assert '<html lang="en"' in html
    assert re.search(r"<h1>\s*Sign In\s*</h1>", html)
    assert 'action="/en/accounts/login/"' in html
