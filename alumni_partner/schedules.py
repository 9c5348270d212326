"""The django-q2 schedules the plugin needs, created after every migrate."""

from __future__ import annotations

from django.core.management import call_command
from django_q.models import Schedule

from .conf import partner_settings

PUBLISH_SCHEDULED = "alumni_partner: publish_scheduled"
MAILING_TICK = "alumni_partner: mailings"
MESSAGE_NOTICES = "alumni_partner: message notices"
HEARTBEAT = "alumni_partner: heartbeat"


def ensure_schedules(**kwargs) -> None:
    """Create or update the plugin's schedules; safe to run any number of times.

    ``publish_scheduled`` is idempotent, so a replayed run after downtime is
    harmless; ``catch_up`` is off in ``Q_CLUSTER`` all the same.
    """
    Schedule.objects.update_or_create(
        name=PUBLISH_SCHEDULED,
        defaults={
            "func": "alumni_partner.schedules.publish_scheduled",
            "schedule_type": Schedule.MINUTES,
            "minutes": partner_settings.PUBLISH_SCHEDULED_MINUTES,
            "repeats": -1,
        },
    )
    # Starts due mailings, settles dead workers' rows, re-wakes stalled ones.
    Schedule.objects.update_or_create(
        name=MAILING_TICK,
        defaults={
            "func": "alumni_partner.mailing.engine.tick",
            "schedule_type": Schedule.MINUTES,
            "minutes": partner_settings.MAILING_TICK_MINUTES,
            "repeats": -1,
        },
    )
    # Sends the message notices held back by MESSAGE_NOTICE_MINUTES (or whose
    # task was lost); each notice is claimed, so a replayed run sends none twice.
    Schedule.objects.update_or_create(
        name=MESSAGE_NOTICES,
        defaults={
            "func": "alumni_partner.messaging.notices.send_due_notices",
            "schedule_type": Schedule.MINUTES,
            "minutes": partner_settings.MESSAGE_NOTICE_TICK_MINUTES,
            "repeats": -1,
        },
    )
    # Proves to /health/worker/ that some worker takes tasks (alumni_partner.health).
    # Its successes are not kept: one a minute would push every other task out
    # of the results django-q2 keeps (save_limit).
    Schedule.objects.update_or_create(
        name=HEARTBEAT,
        defaults={
            "func": "alumni_partner.health.heartbeat",
            "kwargs": "q_options={'save': False}",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )


def publish_scheduled() -> None:
    """Wagtail's scheduled publishing, then forget the expiries it applied.

    News leave the public site here when their two months are over; they then
    show under "archived" in the news admin. Offers leave the job board the
    same way, and partners hear a few days before.
    """
    from .offer_lifecycle import send_expiry_reminders
    from .page_lifetime import clear_past_expiries

    call_command("publish_scheduled")
    clear_past_expiries()
    send_expiry_reminders()
