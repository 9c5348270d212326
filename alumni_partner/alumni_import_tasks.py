"""The alumni import in the background (django-q2).

The upload view calls :func:`enqueue`; a worker runs :func:`run`. django-q2
may deliver a task twice (DESIGN.md §10): :func:`~.alumni_import.run_import`
claims the import (pending → checking) in one conditional update, so a
second delivery finds it taken and does nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .alumni_import import finish, run_import, short_error
from .conf import partner_settings
from .models import AlumniImport

logger = logging.getLogger(__name__)


def enqueue(alumni_import: AlumniImport, language: str | None = None) -> None:
    """Run the import in a worker once the upload is committed.

    ``language`` is the uploader's: messages and the error report use it.
    """
    from django_q.tasks import async_task

    pk = alumni_import.pk
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: async_task(
            "alumni_partner.alumni_import_tasks.run",
            pk,
            language,
            task_name=f"alumni-import-{pk}",
            group="alumni_import",
            # Longer than the cluster's default: 200,000 lines take minutes.
            timeout=partner_settings.IMPORT_TIMEOUT_SECONDS,
        )
    )


def run(import_id: int, language: str | None = None) -> str:
    """The task: run the import; a crash marks it failed (nothing partial)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        alumni_import = AlumniImport.objects.filter(pk=import_id).first()
        if alumni_import is None:
            return "missing"
        try:
            run_import(alumni_import)
        except Exception as error:
            logger.exception("Alumni import task %s crashed", import_id)
            alumni_import.refresh_from_db()
            if not alumni_import.finished:
                finish(
                    alumni_import,
                    AlumniImport.Status.FAILED,
                    _(
                        "The import stopped on an unexpected error (%(error)s): "
                        "nothing was saved."
                    )
                    % {"error": short_error(error)},
                )
        return alumni_import.status
