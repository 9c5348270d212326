"""The offers statistics panel (see :mod:`..page_admin.statistics`)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..page_admin.statistics import Series, StatisticsPanel


class OfferStatisticsPanel(StatisticsPanel):
    """Validated / closed / views / apply clicks, and views and clicks per day."""

    name = "offer_statistics"
    order = 21
    series = (
        Series("views", gettext_lazy("Views")),
        Series("clicks", gettext_lazy("Apply clicks")),
    )
    chart_title = gettext_lazy("Views and apply clicks per day")
    link_label = gettext_lazy("Manage my offers")

    def __init__(self, statistics, heading: str, **kwargs):
        kwargs.setdefault("id_prefix", "offer-stats")
        super().__init__(statistics, heading, **kwargs)

    def figures(self):
        stats = self.statistics
        days = len(stats.days)
        return [
            (_("Validated offers"), stats.validated),
            (_("Offers taken off the board"), stats.closed),
            (_("Views, all time"), stats.total_views),
            (_("Apply clicks, all time"), stats.total_clicks),
            (
                ngettext("Views, last %(days)s day", "Views, last %(days)s days", days)
                % {"days": days},
                stats.period_views,
            ),
            (
                ngettext(
                    "Apply clicks, last %(days)s day",
                    "Apply clicks, last %(days)s days",
                    days,
                )
                % {"days": days},
                stats.period_clicks,
            ),
        ]

    def chart_description(self, chart):
        return _(
            "From %(first)s to %(last)s: %(views)s views and %(clicks)s clicks "
            "on “Apply”. The table below gives the figures of each day."
        ) % {
            "first": date_format(chart["first"], "SHORT_DATE_FORMAT"),
            "last": date_format(chart["last"], "SHORT_DATE_FORMAT"),
            "views": self.statistics.period_views,
            "clicks": self.statistics.period_clicks,
        }
