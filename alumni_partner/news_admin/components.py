"""The news statistics panel: figures and a server-rendered bar chart (DESIGN.md §7)."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.admin.ui.components import Component

from ..counters import NewsStatistics

#: Chart geometry, in SVG user units: one slot per day holds two bars.
SLOT = 8
BAR = 3
PLOT_HEIGHT = 100
TOP = 10
LEFT = 36
BOTTOM = 22


@dataclass
class Bar:
    x: float
    y: float
    height: float


def _bar(value: int, peak: int, x: float) -> Bar | None:
    if not value:
        return None
    height = max(1.0, round(value / peak * PLOT_HEIGHT, 1))
    return Bar(x=x, y=round(TOP + PLOT_HEIGHT - height, 1), height=height)


class NewsStatisticsPanel(Component):
    """Published / archived / views / likes, and views and likes per day.

    Used above the News lists and, for partner users, on the dashboard (as a
    ``construct_homepage_panels`` panel: ``name`` and ``order``).
    """

    name = "news_statistics"
    order = 20
    template_name = "alumni_partner/admin/news/statistics_panel.html"

    def __init__(
        self,
        statistics: NewsStatistics,
        heading: str,
        *,
        link_url: str | None = None,
        id_prefix: str = "news-stats",
        heading_level: int = 2,
    ):
        self.statistics = statistics
        self.heading = heading
        self.link_url = link_url
        self.id_prefix = id_prefix
        self.heading_level = heading_level

    def chart(self) -> dict:
        stats = self.statistics
        peak = stats.peak
        days = []
        for index, day in enumerate(stats.days):
            x = LEFT + index * SLOT
            days.append(
                {
                    "day": day.day,
                    "views": day.views,
                    "likes": day.likes,
                    "views_bar": _bar(day.views, peak, x + 1),
                    "likes_bar": _bar(day.likes, peak, x + 1 + BAR),
                }
            )
        width = LEFT + SLOT * len(days) + 4
        return {
            "days": days,
            "width": width,
            "height": TOP + PLOT_HEIGHT + BOTTOM,
            "bar_width": BAR,
            "left": LEFT,
            "top": TOP,
            "baseline": TOP + PLOT_HEIGHT,
            "right": width - 4,
            "label_y": TOP + PLOT_HEIGHT + 16,
            "peak_y": TOP + 4,
            "peak": peak,
            "first": days[0]["day"] if days else None,
            "last": days[-1]["day"] if days else None,
        }

    def get_context_data(self, parent_context=None):
        return {
            "stats": self.statistics,
            "heading": self.heading,
            "heading_level": self.heading_level,
            "link_url": self.link_url,
            "id_prefix": self.id_prefix,
            "chart": self.chart(),
        }
