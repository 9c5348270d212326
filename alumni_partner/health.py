"""Health checks for the load balancer and the worker heartbeat behind them.

``/health/web/``
    200 ``{"status": "ok", "database": "ok", "cache": "ok"}`` once this web
    process has run ``SELECT 1`` and a set/get round trip on every configured
    cache; 503 naming the part that failed otherwise. Never a 500: a health
    check that raises tells the load balancer nothing it can act on.
``/health/worker/``
    200 while the last worker heartbeat is younger than
    ``ALUMNI_PARTNER_WORKER_HEARTBEAT_MAX_AGE`` seconds, 503 with its age
    otherwise. :func:`heartbeat` runs from a django-q2 schedule every minute
    (see :mod:`alumni_partner.schedules`) and writes the time in the database,
    which web and worker processes share wherever they run.

Both answer without a session, a CSRF token or a language prefix, and with
``Cache-Control: no-store`` so that no cache in front answers for them.
Include them outside ``i18n_patterns``::

    urlpatterns = [path("health/", include("alumni_partner.health")), ...]
"""

from __future__ import annotations

import logging
import os
import secrets
import socket

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .conf import partner_settings
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"


def database_ok(connection: BaseDatabaseWrapper | None = None) -> bool:
    """Whether ``SELECT 1`` runs (on the default database unless ``connection``).

    Failures are logged, not raised.
    """
    connection = connection or connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        # Any failure, not only DatabaseError: the check must answer, not raise.
        logger.warning(
            "Health check: database %r unreachable: %r", connection.alias, error
        )
        return False
    return True


def cache_ok(alias: str) -> bool:
    """Whether a value written to the cache ``alias`` reads back the same.

    The key is this process's own, so that concurrent checks from several
    workers never read each other's token.
    """
    key = f"alumni_partner:health:{socket.gethostname()}:{os.getpid()}"
    token = secrets.token_hex(8)
    try:
        cache = caches[alias]
        cache.set(key, token, timeout=60)
        if cache.get(key) == token:
            return True
        logger.warning("Health check: cache %r did not return the value set", alias)
    except Exception as error:
        logger.warning("Health check: cache %r unreachable: %r", alias, error)
    return False


def _answer(body: dict, healthy: bool) -> JsonResponse:
    return JsonResponse(body, status=200 if healthy else 503)


@csrf_exempt
@never_cache
@require_safe
def web(request: HttpRequest) -> JsonResponse:
    """The web process can serve: its database and every cache answer."""
    body = {
        "database": OK if database_ok() else ERROR,
        "cache": OK if all(cache_ok(alias) for alias in settings.CACHES) else ERROR,
    }
    healthy = all(value == OK for value in body.values())
    return _answer({"status": OK if healthy else ERROR, **body}, healthy)


@csrf_exempt
@never_cache
@require_safe
def worker(request: HttpRequest) -> JsonResponse:
    """Some django-q2 worker ran the heartbeat schedule recently."""
    max_age = int(partner_settings.WORKER_HEARTBEAT_MAX_AGE)
    try:
        beat = (
            WorkerHeartbeat.objects.filter(pk=WorkerHeartbeat.SINGLETON)
            .values_list("beat_at", flat=True)
            .first()
        )
    except Exception as error:
        logger.warning("Health check: no heartbeat read: %r", error)
        return _answer({"status": ERROR, "database": ERROR}, False)
    if beat is None:
        return _answer(
            {"status": ERROR, "worker": "never", "max_age_seconds": max_age}, False
        )
    age = max(0, round((timezone.now() - beat).total_seconds()))
    healthy = age <= max_age
    return _answer(
        {
            "status": OK if healthy else ERROR,
            "worker": OK if healthy else "stale",
            "age_seconds": age,
            "max_age_seconds": max_age,
        },
        healthy,
    )


def heartbeat() -> None:
    """Record that a worker is alive: run by the heartbeat schedule.

    One row, updated in place; the first run of two clusters at once may
    both find it missing, and ``get_or_create`` settles that race.
    """
    values = {
        "beat_at": timezone.now(),
        "worker": f"{socket.gethostname()}:{os.getpid()}"[:200],
    }
    updated = WorkerHeartbeat.objects.filter(pk=WorkerHeartbeat.SINGLETON).update(
        **values
    )
    if not updated:
        WorkerHeartbeat.objects.get_or_create(
            pk=WorkerHeartbeat.SINGLETON, defaults=values
        )


urlpatterns = [
    path("web/", web, name="health_web"),
    path("worker/", worker, name="health_worker"),
]
