"""Bulk imports of alumni from a CSV file (run in the background)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..storage import private_storage_of


class AlumniImport(models.Model):
    """One upload of the alumni CSV and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the worker")
        VALIDATING = "validating", _("Checking the lines")
        IMPORTING = "importing", _("Saving the profiles")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed: nothing was imported")

    file = models.FileField(
        _("CSV file"), upload_to="imports/alumni/", storage=private_storage_of
    )
    original_name = models.CharField(_("file name"), max_length=255)
    skip_invalid = models.BooleanField(
        _("import the valid lines and skip the others"),
        default=False,
        help_text=_(
            "Unticked, a single invalid line stops the import and nothing is saved."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("lines"), default=0)
    processed_rows = models.PositiveIntegerField(_("lines checked"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("lines with errors"), default=0)
    #: A file-level failure (encoding, missing column...), in the user's words.
    message = models.TextField(_("message"), blank=True)
    report = models.FileField(
        _("error report"),
        upload_to="imports/reports/",
        storage=private_storage_of,
        blank=True,
    )

    class Meta:
        verbose_name = _("alumni import")
        verbose_name_plural = _("alumni imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.finished:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
