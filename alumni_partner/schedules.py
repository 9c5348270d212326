"""The django-q2 schedules the plugin needs, created after every migrate."""

from __future__ import annotations

from django_q.models import Schedule

from .conf import partner_settings

PUBLISH_SCHEDULED = "alumni_partner: publish_scheduled"


def ensure_schedules(**kwargs) -> None:
    """Create or update the plugin's schedules; safe to run any number of times.

    ``publish_scheduled`` is idempotent, so a replayed run after downtime is
    harmless; ``catch_up`` is off in ``Q_CLUSTER`` all the same.
    """
    Schedule.objects.update_or_create(
        name=PUBLISH_SCHEDULED,
        defaults={
            "func": "django.core.management.call_command",
            "args": "'publish_scheduled'",
            "schedule_type": Schedule.MINUTES,
            "minutes": partner_settings.PUBLISH_SCHEDULED_MINUTES,
            "repeats": -1,
        },
    )
