"""A mailing's statistics panel (see :mod:`..page_admin.statistics`).

The figures of :mod:`alumni_partner.mailing.statistics` and, side by side,
the messages sent and the first opens per hour (the first 48 hours) or per
day, drawn by the same chart as the news and the offers.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..mailing.statistics import MailingStatistics
from ..page_admin.statistics import Series, StatisticsPanel


def _local(moment):
    # An hour slot is an aware datetime: shown in the reader's time zone.
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment)
    return moment


class MailingStatisticsPanel(StatisticsPanel):
    """Sent, failed, unknown, skipped, opened, opens, unsubscribed; and the chart."""

    name = "mailing_statistics"
    series = (
        Series("sent", gettext_lazy("Sent")),
        Series("opened", gettext_lazy("Opened (first time)")),
    )

    def __init__(self, statistics: MailingStatistics, heading: str, **kwargs):
        kwargs.setdefault("id_prefix", "mailing-stats")
        super().__init__(statistics, heading, **kwargs)
        if statistics.hourly:
            self.slot_format = "SHORT_DATETIME_FORMAT"
            self.slot_label = _("Hour")
            self.table_summary = _("Figures of each hour (table)")
            self.chart_title = _("Messages sent and first opens per hour")
        else:
            self.chart_title = _("Messages sent and first opens per day")

    def figures(self):
        stats = self.statistics
        figures = [
            (_("Recipients"), stats.total),
            (_("Sent"), stats.sent),
            (_("Failed"), stats.failed),
            (_("Unknown (interrupted)"), stats.unknown),
            (_("Skipped (unsubscribed since)"), stats.skipped),
            (_("Opened (unique)"), stats.opened),
            (_("Opens, in all"), stats.opens),
            (_("Unsubscribed"), stats.unsubscribed),
        ]
        if stats.waiting:
            figures.insert(1, (_("Not sent yet"), stats.waiting))
        return figures

    def chart_description(self, chart):
        fmt = self.slot_format
        return _(
            "From %(first)s to %(last)s: %(sent)s messages sent and %(opened)s "
            "first opens. The table below gives the figures of each slot."
        ) % {
            "first": date_format(_local(chart["first"]), fmt),
            "last": date_format(_local(chart["last"]), fmt),
            "sent": self.statistics.period_sent,
            "opened": self.statistics.period_opened,
        }
