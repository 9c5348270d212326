"""Counters of the public side: views per news and day, and likes.

Counters live outside the page rows: a page's fields are rewritten from a
revision on every publish, which would roll a counter back. They are keyed by
``translation_key`` so that a news is counted once across its locales.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NewsDailyViews(models.Model):
    """How many visitors read a news page on one day (one row per page and day)."""

    page = models.ForeignKey(
        "alumni_partner.NewsPage", on_delete=models.CASCADE, related_name="+"
    )
    # Copied from the page at write time: the admin sums by news without a join.
    translation_key = models.UUIDField()
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily views of a news")
        verbose_name_plural = _("daily views of news")
        constraints = [
            models.UniqueConstraint(fields=["page", "day"], name="news_views_page_day")
        ]
        indexes = [models.Index(fields=["translation_key", "day"])]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views}"


class NewsLike(models.Model):
    """A member's "J'aime" on a news: one per member and news, whatever the locale."""

    page = models.ForeignKey(
        "alumni_partner.NewsPage", on_delete=models.CASCADE, related_name="+"
    )
    translation_key = models.UUIDField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_likes"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "user"], name="news_like_once_per_member"
            )
        ]
        indexes = [models.Index(fields=["translation_key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.translation_key}"


class OfferDailyStats(models.Model):
    """Views of an offer page and clicks on its "apply" link, per page and day."""

    page = models.ForeignKey(
        "alumni_partner.OfferPage", on_delete=models.CASCADE, related_name="+"
    )
    translation_key = models.UUIDField()
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    apply_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily figures of an offer")
        verbose_name_plural = _("daily figures of offers")
        constraints = [
            models.UniqueConstraint(fields=["page", "day"], name="offer_stats_page_day")
        ]
        indexes = [models.Index(fields=["translation_key", "day"])]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views}/{self.apply_clicks}"
