"""The worker heartbeat that the load balancer's worker health check reads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """When a django-q2 worker last ran the heartbeat schedule (a single row).

    It lives in the database because the web and the worker processes share
    it, on whichever machines they run: a web process can tell whether any
    worker is alive without talking to the broker.
    """

    #: The one row's primary key.
    SINGLETON = 1

    beat_at = models.DateTimeField(_("last heartbeat"))
    # Host name and process id of the worker that wrote it, for the operator.
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} {self.beat_at:%Y-%m-%d %H:%M:%S}"
