"""The news statistics panel (see :mod:`..page_admin.statistics`)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..page_admin.statistics import Series, StatisticsPanel


class NewsStatisticsPanel(StatisticsPanel):
    """Published / archived / views / likes, and views and likes per day."""

    name = "news_statistics"
    series = (
        Series("views", gettext_lazy("Views")),
        Series("likes", gettext_lazy("Likes")),
    )
    chart_title = gettext_lazy("Views and likes per day")
    link_label = gettext_lazy("Manage my news")

    def __init__(self, statistics, heading: str, **kwargs):
        kwargs.setdefault("id_prefix", "news-stats")
        super().__init__(statistics, heading, **kwargs)

    def figures(self):
        stats = self.statistics
        days = len(stats.days)
        return [
            (_("Published news"), stats.published),
            (_("Archived news"), stats.archived),
            (_("Views, all time"), stats.total_views),
            (_("Likes, all time"), stats.total_likes),
            (
                ngettext("Views, last %(days)s day", "Views, last %(days)s days", days)
                % {"days": days},
                stats.period_views,
            ),
            (
                ngettext("Likes, last %(days)s day", "Likes, last %(days)s days", days)
                % {"days": days},
                stats.period_likes,
            ),
        ]

    def chart_description(self, chart):
        return _(
            "From %(first)s to %(last)s: %(views)s views and %(likes)s likes. "
            "The table below gives the figures of each day."
        ) % {
            "first": date_format(chart["first"], "SHORT_DATE_FORMAT"),
            "last": date_format(chart["last"], "SHORT_DATE_FORMAT"),
            "views": self.statistics.period_views,
            "likes": self.statistics.period_likes,
        }
