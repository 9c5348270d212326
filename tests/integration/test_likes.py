"""The "J'aime" button: ``POST /news/<id>/like/`` (guide 3.3, DESIGN.md §7).

One like per member and news whatever the locale; the form says which state it
wants, so a double click likes once; CSRF and login are enforced; only a live
news can be liked. Without JavaScript the answer is a redirect with a message,
with ``like.js`` it is JSON.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from alumni_partner import news_lifecycle
from alumni_partner.counters import like_count
from alumni_partner.models import NewsLike
from tests.conftest import PASSWORD
from tests.integration.test_isolation_matrix import publish_partner_page
from tests.integration.test_news_public import BROWSER, empty_cache  # noqa: F401

pytestmark = pytest.mark.django_db


JSON = {"HTTP_ACCEPT": "application/json", "HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def news(partner, make_news):
    publish_partner_page(partner)
    return make_news(partner, title="Forum emploi")


@pytest.fixture
def member(client, alumnus):
    client.force_login(alumnus)
    return client


def like_url(page) -> str:
    return reverse("alumni_partner:news_like", args=[page.pk])


def alias_in(news, code: str) -> Page:
    return Page.objects.get(
        translation_key=news.translation_key, locale__language_code=code
    )


def test_member_likes_without_javascript(member, news, alumnus):
    response = member.post(like_url(news), {"liked": "1"})
    assert response.status_code == 303
    assert response.url == f"{news.url}#like"
    assert like_count(news) == 1
    assert NewsLike.objects.get().user == alumnus
    html = member.get(news.url).content.decode()
    assert "You like this news." in html or "Vous aimez" in html
    assert 'aria-pressed="true"' in html
    assert 'name="liked" value="0"' in html  # the next click unlikes
    assert "1 like" in html or "1 j" in html.lower()


def test_member_likes_with_javascript(member, news):
    response = member.post(like_url(news), {"liked": "1"}, **JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["liked"] is True and data["count"] == 1
    assert "1" in data["label"]


def test_a_double_click_likes_once(member, news):
    """Two clicks sent before the first answer both say "liked": one like."""
    answers = [member.post(like_url(news), {"liked": "1"}, **JSON).json() for _ in "ab"]
    assert [(a["liked"], a["count"]) for a in answers] == [(True, 1), (True, 1)]
    member.post(like_url(news), {"liked": "1"})
    assert NewsLike.objects.count() == 1


def test_unlike_is_idempotent_too(member, news):
    member.post(like_url(news), {"liked": "1"})
    for _ in range(2):
        data = member.post(like_url(news), {"liked": "0"}, **JSON).json()
        assert data["liked"] is False and data["count"] == 0
    response = member.post(like_url(news), {"liked": "0"})
    assert response.status_code == 303
    html = member.get(news.url).content.decode()
    assert "You no longer like this news." in html or "n&#x27;aimez plus" in html
    assert NewsLike.objects.count() == 0


def test_likes_of_several_members_add_up(client, news, alumnus):
    other = get_user_model().objects.create_user(
        username="b@alumni.test", email="b@alumni.test", password=PASSWORD
    )
    for user in (alumnus, other):
        client.force_login(user)
        client.post(like_url(news), {"liked": "1"})
    assert like_count(news) == 2
    client.force_login(alumnus)
    assert client.post(like_url(news), {"liked": "0"}, **JSON).json()["count"] == 1


def test_a_like_of_the_english_alias_counts_for_the_french_news(member, news):
    english = alias_in(news, "en")
    # The English page's form posts to the English like URL of the alias.
    html = member.get(english.url).content.decode()
    url = re.search(r'<form method="post" action="([^"]+)" class="like-form"', html)[1]
    assert url == f"/en/news/{english.pk}/like/"
    data = member.post(url, {"liked": "1"}, **JSON).json()
    assert data == {"liked": True, "count": 1, "label": "1 like"}
    # The same member on the French page: already liked, one like in all.
    assert like_count(news) == 1
    html = member.get(news.url).content.decode()
    assert 'aria-pressed="true"' in html
    assert member.post(like_url(news), {"liked": "1"}, **JSON).json()["count"] == 1
    assert NewsLike.objects.count() == 1


def test_invalid_wanted_state_is_refused(member, news):
    for value in ("", "2", "true", "toggle"):
        response = member.post(like_url(news), {"liked": value}, **JSON)
        assert response.status_code == 400
    response = member.post(like_url(news), {})
    assert response.status_code == 303 and response.url == news.url
    assert NewsLike.objects.count() == 0


# --- Who and how -----------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client, news):
    response = client.post(like_url(news), {"liked": "1"})
    assert response.status_code == 303
    login = reverse("account_login")
    assert response.url == f"{login}?next={news.url.replace('/', '%2F')}"
    assert NewsLike.objects.count() == 0


def test_anonymous_fetch_gets_json_forbidden(client, news):
    response = client.post(like_url(news), {"liked": "1"}, **JSON)
    assert response.status_code == 403
    data = response.json()
    assert data["login_url"].startswith(reverse("account_login"))
    assert NewsLike.objects.count() == 0


def test_login_then_like_after_the_redirect(client, news, alumnus):
    response = client.post(like_url(news), {"liked": "1"})
    login_page = client.get(response.url)
    assert login_page.status_code == 200
    response = client.post(
        reverse("account_login"),
        {"login": "alumnus@alumni.test", "password": PASSWORD, "next": news.url},
    )
    assert response.status_code == 302 and response.url == news.url
    client.post(like_url(news), {"liked": "1"})
    assert like_count(news) == 1


def test_get_is_not_allowed(member, news):
    assert member.get(like_url(news)).status_code == 405
    assert member.get(like_url(news), **JSON).status_code == 405


def test_csrf_is_enforced(news, alumnus):
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER)
    client.force_login(alumnus)
    response = client.post(like_url(news), {"liked": "1"})
    assert response.status_code == 403
    response = client.post(like_url(news), {"liked": "1"}, **JSON)
    assert response.status_code == 403
    assert NewsLike.objects.count() == 0

    # The page's form carries the token: the browser's own submission passes.
    client.get(news.url)
    token = client.cookies["csrftoken"].value
    response = client.post(like_url(news), {"liked": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    # like.js sends it in a header.
    response = client.post(
        like_url(news), {"liked": "0"}, HTTP_X_CSRFTOKEN=token, **JSON
    )
    assert response.status_code == 200 and response.json()["count"] == 0


def test_only_a_live_news_can_be_liked(member, partner, news, make_news, partner_user):
    draft = make_news(partner, title="Brouillon", publish=False)
    archived = make_news(partner, title="Archivée")
    news_lifecycle.archive(archived, partner_user)
    archived_alias = alias_in(archived, "en")
    for page in (draft, archived, archived_alias, partner.page, news.get_parent()):
        for extra in ({}, JSON):
            response = member.post(like_url(page), {"liked": "1"}, **extra)
            assert response.status_code == 404, page
    response = member.post(
        reverse("alumni_partner:news_like", args=[999999]), {"liked": "1"}
    )
    assert response.status_code == 404
    assert NewsLike.objects.count() == 0


def test_the_like_url_is_not_a_page_of_the_feed(member, news):
    """``/news/<id>/like/`` is the plugin's view, not a page under the news feed."""
    # The language another test left active on this thread must not matter.
    with translation.override("fr"):
        assert like_url(news) == f"/news/{news.pk}/like/"
    assert member.post(f"/news/{news.pk}/like/", {"liked": "1"}).status_code == 303
