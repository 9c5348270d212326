"""Wagtail's scheduled publishing runs from a django-q2 schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from alumni_partner.schedules import PUBLISH_SCHEDULED, ensure_schedules

pytestmark = pytest.mark.django_db


def test_migrate_creates_the_publish_scheduled_schedule():
    schedule = Schedule.objects.get(name=PUBLISH_SCHEDULED)
    assert schedule.func == "alumni_partner.schedules.publish_scheduled"
    assert schedule.repeats == -1


def test_ensure_schedules_is_idempotent():
    ensure_schedules()
    ensure_schedules()
    assert Schedule.objects.filter(name=PUBLISH_SCHEDULED).count() == 1


def test_the_scheduled_function_unpublishes_an_expired_partner_page(partner):
    page = partner.page
    page.save_revision().publish()
    page.refresh_from_db()
    page.expire_at = timezone.now() - timedelta(minutes=1)
    page.save()
    schedule = Schedule.objects.get(name=PUBLISH_SCHEDULED)
    # Q_CLUSTER is synchronous in the test settings: the task runs at once,
    # through django-q2's own machinery, as the cluster would run it.
    async_task(schedule.func)
    page.refresh_from_db()
    assert page.live is False
    assert page.expired is True
    # Cleared, so that the page can be saved again (wagtail#13896).
    assert page.expire_at is None
