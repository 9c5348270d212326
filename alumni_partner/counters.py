"""Counting views, likes and "apply" clicks, and the statistics built on them.

A view costs one UPDATE of a per-day row (an INSERT on the day's first view)
and one cache ``add`` that keeps a visitor's reloads from counting again. Bots
and previews are not counted (DESIGN.md §7).

Views are counted by the page's *view beacon* (``views/beacons.py``), an
image that news and offer pages load, not when the page is served: a front
cache serves public pages without Django (``http_cache.py``), while the
beacon is never cached, so every view reaches :func:`record_page_view`.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.models import Page

from .conf import partner_settings
from .models import NewsDailyViews, NewsLike, NewsPage, OfferDailyStats, OfferPage

# Self-declared robots, link previews and scripted clients. Browsers, headless
# ones included, are counted.
BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|"
    r"preview|monitor|curl/|wget/|python-|java/|go-http|httpclient|okhttp|"
    r"libwww|scrapy|feedfetcher|lighthouse",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    """Robots and scripts, and clients that do not say what they are."""
    return not user_agent.strip() or bool(BOT_USER_AGENT.search(user_agent))


def _visitor_fingerprint(request) -> str:
    """A salted, non-reversible id of the visitor for the de-duplication key."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if request.user.is_authenticated:
        raw = f"user:{request.user.pk}"
    elif session_key:
        raw = f"session:{session_key}"
    else:
        # Behind a front cache or proxy every visitor has its address: the
        # client's is in X-Forwarded-For. The header is not trusted for
        # anything but telling visitors apart, and a client that forges it
        # gains nothing it could not get by changing its User-Agent.
        raw = "{}|{}|{}".format(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            request.META.get("HTTP_USER_AGENT", ""),
        )
    return salted_hmac("alumni_partner.views", raw).hexdigest()[:24]


def should_count(request) -> bool:
    """Whether this request is a visitor reading the live page."""
    if request.method != "GET" or getattr(request, "is_preview", False):
        return False
    return not is_bot(request.META.get("HTTP_USER_AGENT", ""))


def _first_time_today(page, request, what: str) -> bool:
    """Whether this visitor's ``what`` on ``page`` counts (once per day)."""
    if not should_count(request):
        return False
    key = (
        f"alumni_partner:{what}:{page.translation_key}:{_visitor_fingerprint(request)}"
    )
    return cache.add(key, 1, partner_settings.VIEW_DEDUP_SECONDS)


def record_view(page, request) -> bool:
    """Count one view of a news or offer by this visitor today; ``True`` if counted."""
    if not _first_time_today(page, request, "view"):
        return False
    add_views(page, timezone.localdate())
    return True


@dataclass(frozen=True)
class CountedPage:
    """What counting needs of a news or offer, read without loading the page."""

    pk: int
    translation_key: uuid.UUID
    counter_model: type


def counted_page(page_id: int) -> CountedPage | None:
    """The live news or offer ``page_id``, or ``None`` (one query).

    View restrictions are not looked at: a visitor turned away by one never
    gets the page, hence never its beacon.
    """
    row = (
        Page.objects.filter(pk=page_id, live=True)
        .values_list("translation_key", "content_type_id")
        .first()
    )
    if row is None:
        return None
    model = ContentType.objects.get_for_id(row[1]).model_class()
    counter_model = getattr(model, "counter_model", None)
    if counter_model is None:  # not a page whose views are counted
        return None
    return CountedPage(page_id, row[0], counter_model)


def record_page_view(page_id: int, request) -> bool:
    """The view beacon's rule: count this visitor's view of page ``page_id``.

    Robots are turned away before any query; then the page must be a live
    news or offer, and the visitor's first view of it (in any language)
    within ``VIEW_DEDUP_SECONDS``.
    """
    if not should_count(request):
        return False
    page = counted_page(page_id)
    return page is not None and record_view(page, request)


def record_apply_click(offer: OfferPage, request) -> bool:
    """Count a visitor's click on an offer's "Apply" (once a day)."""
    if not _first_time_today(offer, request, "apply"):
        return False
    _increment(offer, timezone.localdate(), "apply_clicks", 1)
    return True


def add_views(page, day: date, views: int = 1) -> None:
    """Add ``views`` to the page's row for ``day``, creating it if needed."""
    _increment(page, day, "views", views)


def _increment(page, day: date, field_name: str, amount: int) -> None:
    """One UPDATE of the page's daily row; an INSERT on the day's first count."""
    model = page.counter_model
    rows = model.objects.filter(page_id=page.pk, day=day)
    if rows.update(**{field_name: F(field_name) + amount}):
        return
    try:
        with transaction.atomic():
            model.objects.create(
                page_id=page.pk,
                translation_key=page.translation_key,
                day=day,
                **{field_name: amount},
            )
    except IntegrityError:
        # Another request created the day's row first.
        rows.update(**{field_name: F(field_name) + amount})


def set_like(news: NewsPage, user, liked: bool) -> int:
    """Like or unlike; idempotent, so a double click likes once. Returns the count.

    The form says which state it wants rather than "toggle": two clicks on
    "J'aime" sent before the first answer must not cancel each other.
    """
    if liked:
        # get_or_create retries the get when another request of the same
        # member created the row first: liked once.
        NewsLike.objects.get_or_create(
            translation_key=news.translation_key, user=user, defaults={"page": news}
        )
    else:
        NewsLike.objects.filter(
            translation_key=news.translation_key, user=user
        ).delete()
    return like_count(news)


def like_count(news: NewsPage) -> int:
    return NewsLike.objects.filter(translation_key=news.translation_key).count()


def has_liked(news: NewsPage, user) -> bool:
    if not user.is_authenticated:
        return False
    return NewsLike.objects.filter(
        translation_key=news.translation_key, user=user
    ).exists()


@dataclass
class DayFigures:
    day: date
    views: int = 0
    likes: int = 0


@dataclass
class NewsStatistics:
    """A partner's (or the whole network's) figures for the statistics panel."""

    published: int
    archived: int
    total_views: int
    total_likes: int
    days: list[DayFigures] = field(default_factory=list)

    @property
    def period_views(self) -> int:
        return sum(d.views for d in self.days)

    @property
    def period_likes(self) -> int:
        return sum(d.likes for d in self.days)

    @property
    def peak(self) -> int:
        """The highest daily figure, the chart's full height (at least 1)."""
        return max([1, *(max(d.views, d.likes) for d in self.days)])


def news_statistics(news: QuerySet, days: int | None = None) -> NewsStatistics:
    """Figures over ``news`` (a queryset of news in one locale) for ``days`` days.

    Pass the partner's news in the default locale; views and likes of their
    translations are included through the translation key.
    """
    days = days or partner_settings.STATS_DAYS
    keys = news.values("translation_key")
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    series = {
        start + timedelta(days=i): DayFigures(start + timedelta(days=i))
        for i in range(days)
    }
    views = NewsDailyViews.objects.filter(translation_key__in=keys)
    likes = NewsLike.objects.filter(translation_key__in=keys)
    for row in (
        views.filter(day__gte=start).values("day").annotate(n=Sum("views")).order_by()
    ):
        series[row["day"]].views = row["n"]
    for row in (
        likes.filter(created_at__gte=timezone.now() - timedelta(days=days))
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if row["day"] in series:
            series[row["day"]].likes = row["n"]
    return NewsStatistics(
        published=news.filter(live=True).count(),
        archived=news.filter(live=False, first_published_at__isnull=False).count(),
        total_views=views.aggregate(n=Sum("views"))["n"] or 0,
        total_likes=likes.count(),
        days=list(series.values()),
    )


@dataclass
class OfferDayFigures:
    day: date
    views: int = 0
    clicks: int = 0


@dataclass
class OfferStatistics:
    """A partner's (or the network's) offer figures for the statistics panel."""

    validated: int
    closed: int
    total_views: int
    total_clicks: int
    days: list[OfferDayFigures] = field(default_factory=list)

    @property
    def period_views(self) -> int:
        return sum(d.views for d in self.days)

    @property
    def period_clicks(self) -> int:
        return sum(d.clicks for d in self.days)

    @property
    def peak(self) -> int:
        return max([1, *(max(d.views, d.clicks) for d in self.days)])


def offer_statistics(offers: QuerySet, days: int | None = None) -> OfferStatistics:
    """Figures over ``offers`` (one locale) for the last ``days`` days.

    Views and "apply" clicks of their translations count through the
    translation key.
    """
    days = days or partner_settings.STATS_DAYS
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    series = {
        start + timedelta(days=i): OfferDayFigures(start + timedelta(days=i))
        for i in range(days)
    }
    rows = OfferDailyStats.objects.filter(
        translation_key__in=offers.values("translation_key")
    )
    for row in (
        rows.filter(day__gte=start)
        .values("day")
        .annotate(views=Sum("views"), clicks=Sum("apply_clicks"))
        .order_by()
    ):
        series[row["day"]].views = row["views"]
        series[row["day"]].clicks = row["clicks"]
    totals = rows.aggregate(views=Sum("views"), clicks=Sum("apply_clicks"))
    return OfferStatistics(
        validated=offers.filter(live=True).count(),
        closed=offers.filter(live=False, first_published_at__isnull=False).count(),
        total_views=totals["views"] or 0,
        total_clicks=totals["clicks"] or 0,
        days=list(series.values()),
    )
