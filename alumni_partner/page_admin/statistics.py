"""A statistics panel: figures and a server-rendered bar chart (DESIGN.md §7).

One implementation for the news (views, likes) and the offers (views, "apply"
clicks): a panel lists its figures and names its two daily series; the chart
draws both per day, scaled to the busiest day, with a table alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy
from wagtail.admin.ui.components import Component

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


@dataclass
class Series:
    """One daily series: the attribute of each day's figures and its label."""

    key: str
    label: str


def _bar(value: int, peak: int, x: float) -> Bar | None:
    if not value:
        return None
    height = max(1.0, round(value / peak * PLOT_HEIGHT, 1))
    return Bar(x=x, y=round(TOP + PLOT_HEIGHT - height, 1), height=height)


class StatisticsPanel(Component):
    """Figures, and two series per day as a bar chart and a table.

    ``statistics`` has ``days`` (objects with ``day`` and each series' key)
    and ``peak``. Subclasses give :meth:`figures`, :attr:`series` and the
    chart's texts. Used above the admin lists and, for partner users, on the
    dashboard (as a ``construct_homepage_panels`` panel: ``name``, ``order``).
    """

    name = "statistics"
    order = 20
    template_name = "alumni_partner/admin/statistics_panel.html"
    #: The two daily series, drawn side by side (the first is the "views").
    series: tuple[Series, Series] = ()
    chart_title = ""
    link_label = ""
    #: How a slot of the series shows (a ``date`` filter format) and is named:
    #: a day here; a mailing's first hours are slots of an hour.
    slot_format = "SHORT_DATE_FORMAT"
    slot_label = gettext_lazy("Day")
    table_summary = gettext_lazy("Figures of each day (table)")

    def __init__(
        self,
        statistics,
        heading: str,
        *,
        link_url: str | None = None,
        id_prefix: str = "stats",
        heading_level: int = 2,
    ):
        self.statistics = statistics
        self.heading = heading
        self.link_url = link_url
        self.id_prefix = id_prefix
        self.heading_level = heading_level

    def figures(self) -> list[tuple[str, int]]:
        """``(label, value)`` pairs shown above the chart."""
        raise NotImplementedError

    def chart_description(self, chart: dict) -> str:
        """The chart's text alternative (its figures are in the table too)."""
        raise NotImplementedError

    def chart(self) -> dict:
        stats = self.statistics
        peak = stats.peak
        days = []
        for index, day in enumerate(stats.days):
            x = LEFT + index * SLOT
            row = {"day": day.day, "values": [], "bars": []}
            for position, series in enumerate(self.series):
                value = getattr(day, series.key)
                bar = _bar(value, peak, x + 1 + position * BAR)
                row[series.key] = value
                row[f"{series.key}_bar"] = bar
                row["values"].append(value)
                if bar is not None:
                    row["bars"].append((series.key, bar))
            days.append(row)
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
        chart = self.chart()
        return {
            "stats": self.statistics,
            "figures": self.figures(),
            "series": self.series,
            "heading": self.heading,
            "heading_level": self.heading_level,
            "link_url": self.link_url,
            "link_label": self.link_label,
            "id_prefix": self.id_prefix,
            "chart": chart,
            "chart_title": self.chart_title,
            "slot_format": self.slot_format,
            "slot_label": self.slot_label,
            "table_summary": self.table_summary,
            "chart_description": (
                self.chart_description(chart) if chart["days"] else ""
            ),
        }
