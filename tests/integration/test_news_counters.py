"""Views and likes: counted once, bots ignored, summed across locales."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from alumni_partner import counters
from alumni_partner.models import NewsDailyViews, NewsLike, NewsPage

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _get(user_agent=BROWSER, ip="203.0.113.7", user=None, method="get"):
    request = getattr(RequestFactory(), method)(
        "/", HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip
    )
    request.user = user or AnonymousUser()
    return request


def _views(news) -> int:
    return NewsPage.objects.with_counts().get(pk=news.pk).view_count


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "   ",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
        "Slackbot-LinkExpanding 1.0",
    ],
)
def test_bots_and_scripts_are_recognised(user_agent):
    assert counters.is_bot(user_agent)


@pytest.mark.parametrize(
    "user_agent",
    [
        BROWSER,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; rv:140.0) Gecko/20100101 Firefox/140.0",
    ],
)
def test_browsers_are_not_bots(user_agent):
    assert not counters.is_bot(user_agent)


def test_a_visitor_counts_once_a_day(news):
    assert counters.record_view(news, _get())
    assert not counters.record_view(news, _get())
    assert counters.record_view(news, _get(ip="198.51.100.1"))
    assert _views(news) == 2


def test_a_logged_in_member_counts_once_whatever_the_address(news, alumnus):
    assert counters.record_view(news, _get(user=alumnus))
    assert not counters.record_view(news, _get(user=alumnus, ip="198.51.100.9"))
    assert _views(news) == 1


def test_bots_previews_and_posts_do_not_count(news):
    assert not counters.record_view(news, _get(user_agent="Googlebot/2.1"))
    assert not counters.record_view(news, _get(method="post"))
    preview = _get()
    preview.is_preview = True
    assert not counters.record_view(news, preview)
    assert _views(news) == 0


def test_views_of_every_locale_add_up(news):
    alias = NewsPage.objects.get(
        translation_key=news.translation_key, locale__language_code="en"
    )
    counters.record_view(news, _get())
    counters.record_view(alias, _get(ip="198.51.100.2"))
    assert _views(news) == 2
    assert (
        NewsDailyViews.objects.filter(translation_key=news.translation_key).count() == 2
    )


def test_add_views_keeps_one_row_per_page_and_day(news):
    today = timezone.localdate()
    counters.add_views(news, today, 3)
    counters.add_views(news, today, 4)
    counters.add_views(news, today - timedelta(days=1), 1)
    rows = NewsDailyViews.objects.filter(page=news).order_by("day")
    assert [(row.day, row.views) for row in rows] == [
        (today - timedelta(days=1), 1),
        (today, 7),
    ]


def test_a_like_is_one_per_member_and_idempotent(news, alumnus, editor):
    assert counters.set_like(news, alumnus, True) == 1
    # A double click sends "like" twice: still one like.
    assert counters.set_like(news, alumnus, True) == 1
    assert counters.has_liked(news, alumnus)
    assert counters.set_like(news, editor, True) == 2
    assert counters.set_like(news, alumnus, False) == 1
    assert counters.set_like(news, alumnus, False) == 1
    assert not counters.has_liked(news, alumnus)
    assert not counters.has_liked(news, AnonymousUser())


def test_a_like_on_an_alias_is_a_like_on_the_news(news, alumnus):
    alias = NewsPage.objects.get(
        translation_key=news.translation_key, locale__language_code="ar"
    )
    counters.set_like(alias, alumnus, True)
    assert counters.has_liked(news, alumnus)
    assert counters.set_like(news, alumnus, True) == 1
    assert NewsPage.objects.with_counts().get(pk=news.pk).like_count == 1


def test_statistics_of_a_partner(partner, make_news, other_partner, alumnus, editor):
    first = make_news(partner, "Première")
    second = make_news(partner, "Seconde")
    archived = make_news(partner, "Ancienne")
    archived.unpublish()
    elsewhere = make_news(other_partner, "Ailleurs")
    today = timezone.localdate()
    counters.add_views(first, today, 5)
    counters.add_views(first, today - timedelta(days=10), 2)
    counters.add_views(second, today - timedelta(days=200), 100)  # before the chart
    counters.add_views(elsewhere, today, 1000)
    counters.set_like(first, alumnus, True)
    counters.set_like(second, editor, True)
    NewsLike.objects.filter(user=editor).update(
        created_at=timezone.now() - timedelta(days=120)
    )

    stats = counters.news_statistics(NewsPage.objects.child_of(partner.page), days=90)

    assert (stats.published, stats.archived) == (2, 1)
    assert (stats.total_views, stats.total_likes) == (107, 2)
    assert (stats.period_views, stats.period_likes) == (7, 1)
    assert len(stats.days) == 90
    assert stats.days[-1].day == today
    assert stats.days[-1].views == 5 and stats.days[-1].likes == 1
    assert stats.days[-11].views == 2
    assert stats.peak == 5


def test_statistics_with_nothing_yet(partner):
    stats = counters.news_statistics(NewsPage.objects.child_of(partner.page))
    assert (stats.published, stats.total_views, stats.total_likes) == (0, 0, 0)
    assert stats.peak == 1
    assert all(day.views == 0 for day in stats.days)
