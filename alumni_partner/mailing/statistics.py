"""A mailing's figures and their course over time, from its recipient rows.

The figures (sent, failed, opened...) come from :meth:`Mailing.statistics`;
the series count, per hour during the first 48 hours after sending started
and per day after that, the messages sent and the recipients who opened the
mailing for the first time (unique opens). What the admin draws of them is
:mod:`alumni_partner.mailing_admin.statistics`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from ..conf import partner_settings
from ..models.mailings import Mailing, RecipientStatus

#: How long after the start the series goes hour by hour.
HOURLY_SPAN = datetime.timedelta(hours=48)
#: The fewest days a day-by-day series shows (for a readable chart).
MIN_DAYS = 14


@dataclass
class Slot:
    """One hour (an aware datetime) or one day (a date) of the series.

    ``day`` is the slot's start, named so for the statistics panel.
    """

    day: datetime.datetime | datetime.date
    sent: int = 0
    opened: int = 0


@dataclass
class MailingStatistics:
    """What the mailing's page shows once sending started."""

    total: int = 0
    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    #: Sent to recipients who consented to open tracking (their mail has a pixel).
    trackable: int = 0
    opened: int = 0
    opens: int = 0
    unsubscribed: int = 0
    hourly: bool = True
    days: list[Slot] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        """Rows not sent yet (waiting or in a worker's batch)."""
        return self.pending + self.sending

    @property
    def peak(self) -> int:
        """The highest figure of one slot, the chart's full height (at least 1)."""
        return max([1, *(max(slot.sent, slot.opened) for slot in self.days)])

    @property
    def period_sent(self) -> int:
        return sum(slot.sent for slot in self.days)

    @property
    def period_opened(self) -> int:
        return sum(slot.opened for slot in self.days)


def _hourly_slots(start: datetime.datetime) -> list[Slot]:
    """The 48 hours from the start's hour (the later ones empty for now).

    A fixed window keeps the chart's scale and its labels readable.
    """
    # Whole hours of UTC: they are whole local hours too wherever the offset
    # is a whole number of hours (the display converts to local time).
    first = start.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    hours = int(HOURLY_SPAN.total_seconds() // 3600)
    return [Slot(first + datetime.timedelta(hours=n)) for n in range(hours)]


def _daily_slots(start: datetime.date, end: datetime.date) -> list[Slot]:
    """Each day from ``start`` to ``end``: at least MIN_DAYS, at most STATS_DAYS."""
    days = min(max((end - start).days + 1, MIN_DAYS), partner_settings.STATS_DAYS)
    return [Slot(start + datetime.timedelta(days=n)) for n in range(days)]


def _counts(rows, column: str, trunc) -> dict:
    return {
        row["slot"]: row["n"]
        for row in rows.filter(**{f"{column}__isnull": False})
        .annotate(slot=trunc(column))
        .values("slot")
        .annotate(n=Count("id"))
        .order_by()
    }


def time_series(mailing: Mailing, now=None) -> tuple[bool, list[Slot]]:
    """``(hourly, slots)``: messages sent and first opens, hour by hour or day by day.

    Hour by hour while the mailing is less than 48 hours old (its first 48
    hours); day by day after that, from the day it started to the day of its
    last delivery or first open (at least two weeks, at most ``STATS_DAYS``
    days).
    """
    started = mailing.started_at
    if started is None:
        return True, []
    now = now or timezone.now()
    rows = mailing.recipients.all()
    sent_rows = rows.filter(status=RecipientStatus.SENT)
    if now - started <= HOURLY_SPAN:
        slots = _hourly_slots(started)

        def trunc(column):
            return TruncHour(column, tzinfo=datetime.UTC)

        def key(moment):
            return moment.astimezone(datetime.UTC)

        hourly = True
    else:
        zone = timezone.get_current_timezone()
        latest = rows.aggregate(
            sent=Max("sent_at", filter=Q(status=RecipientStatus.SENT)),
            opened=Max("first_opened_at"),
        )
        ends = (started, mailing.finished_at, latest["sent"], latest["opened"])
        last = max(value for value in ends if value is not None)
        slots = _daily_slots(
            timezone.localtime(started, zone).date(),
            timezone.localtime(last, zone).date(),
        )

        def trunc(column):
            return TruncDate(column, tzinfo=zone)

        def key(day):
            return day

        hourly = False
    by_slot = {slot.day: slot for slot in slots}
    for moment, count in _counts(sent_rows, "sent_at", trunc).items():
        if (slot := by_slot.get(key(moment))) is not None:
            slot.sent = count
    for moment, count in _counts(rows, "first_opened_at", trunc).items():
        if (slot := by_slot.get(key(moment))) is not None:
            slot.opened = count
    return hourly, slots


def mailing_statistics(mailing: Mailing, now=None) -> MailingStatistics:
    """The mailing's figures and its series over time."""
    figures = mailing.statistics()
    hourly, slots = time_series(mailing, now)
    return MailingStatistics(
        **{
            name: figures.get(name, 0) or 0
            for name in (
                "total",
                "pending",
                "sending",
                "sent",
                "failed",
                "unknown",
                "skipped",
                "trackable",
                "opened",
                "opens",
                "unsubscribed",
            )
        },
        hourly=hourly,
        days=slots,
    )
