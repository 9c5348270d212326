"""Health checks for the load balancer: /health/web/ and /health/worker/.

Failures are real ones: a Redis cache on a port nothing listens to, a database
alias on such a port, a heartbeat row written minutes ago.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule, Success
from django_q.scheduler import scheduler

from alumni_partner.health import database_ok, heartbeat
from alumni_partner.models import WorkerHeartbeat
from alumni_partner.schedules import HEARTBEAT, ensure_schedules
from tests.unreachable import unreachable_caches, unreachable_database

pytestmark = pytest.mark.django_db


def assert_uncacheable_and_sessionless(response):
    assert "no-store" in response["Cache-Control"]
    assert response.cookies == {}
    assert response["Content-Type"] == "application/json"


def test_web_health_is_ok_when_database_and_cache_answer(client):
    response = client.get("/health/web/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert_uncacheable_and_sessionless(response)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_web_health_round_trips_through_the_real_redis(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    response = client.get("/health/web/")
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_web_health_is_not_under_a_language_prefix_and_takes_no_post(client):
    assert client.head("/health/web/").status_code == 200
    # No CSRF refusal (403): only GET and HEAD are answered.
    assert client.post("/health/web/").status_code == 405
    assert client.get("/en/health/web/").status_code == 404


def test_web_health_names_an_unreachable_cache(client, settings):
    settings.CACHES = unreachable_caches()
    response = client.get("/health/web/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}
    assert_uncacheable_and_sessionless(response)


def test_the_database_check_fails_on_an_unreachable_database(caplog):
    connection = unreachable_database()
    try:
        assert database_ok(connection) is False
    finally:
        connection.close()
    assert database_ok() is True
    assert "database 'unreachable' unreachable" in caplog.text


def test_worker_health_before_any_heartbeat(client):
    response = client.get("/health/worker/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "worker": "never",
        "max_age_seconds": 300,
    }


def test_the_heartbeat_schedule_makes_the_worker_healthy(client):
    ensure_schedules()
    schedule = Schedule.objects.get(name=HEARTBEAT)
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 1)
    # Only the heartbeat is due. django-q2's scheduler creates its task as in
    # a cluster; Q_CLUSTER is synchronous in the test settings, so it runs at once.
    Schedule.objects.exclude(pk=schedule.pk).update(
        next_run=timezone.now() + timedelta(hours=1)
    )
    Schedule.objects.filter(pk=schedule.pk).update(next_run=timezone.now())
    scheduler()
    assert WorkerHeartbeat.objects.count() == 1
    # One a minute would push every other task out of django-q2's results.
    assert not Success.objects.filter(func="alumni_partner.health.heartbeat").exists()
    response = client.get("/health/worker/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == body["worker"] == "ok"
    assert body["age_seconds"] <= 5
    assert_uncacheable_and_sessionless(response)


def test_a_second_heartbeat_updates_the_one_row():
    heartbeat()
    first = WorkerHeartbeat.objects.get().beat_at
    heartbeat()
    assert WorkerHeartbeat.objects.get().beat_at >= first


def test_a_stale_heartbeat_fails_with_its_age(client, settings):
    settings.ALUMNI_PARTNER_WORKER_HEARTBEAT_MAX_AGE = 180
    WorkerHeartbeat.objects.create(
        pk=WorkerHeartbeat.SINGLETON,
        beat_at=timezone.now() - timedelta(minutes=10),
        worker="worker-1:4242",
    )
    response = client.get("/health/worker/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["worker"] == "stale"
    assert 599 <= body["age_seconds"] <= 605
    assert body["max_age_seconds"] == 180
