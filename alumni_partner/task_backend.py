"""A django-tasks backend that runs Wagtail's own jobs on the django-q2 cluster.

Wagtail 8 enqueues small jobs (reference index, search index, file deletion)
through django-tasks; routing them to django-q2 keeps one queue to operate.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

logger = logging.getLogger(__name__)


def run_task(module_path: str, args: list, kwargs: dict) -> None:
    """Entry point executed by a django-q2 worker."""
    from django.core.exceptions import ObjectDoesNotExist
    from django.utils.module_loading import import_string

    task = import_string(module_path)
    try:
        task.call(*args, **kwargs)
    except ObjectDoesNotExist:
        # Wagtail enqueues per-object jobs (reference index) for rows that a
        # later save in the same request may replace: nothing left to do.
        logger.info("%s: object gone before the job ran", module_path)


class DjangoQ2Backend(BaseTaskBackend):
    """Enqueues django-tasks tasks as django-q2 tasks, once the transaction commits.

    ``on_commit`` matters: Wagtail enqueues from ``post_save``, and a worker must
    not look for a row that is not committed yet.
    """

    supports_defer = False
    supports_async_task = False
    supports_get_result = False

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        module_path = task.module_path
        transaction.on_commit(
            lambda: async_task(
                "alumni_partner.task_backend.run_task",
                module_path,
                list(args),
                dict(kwargs),
                task_name=module_path,
            )
        )
        now = timezone.now()
        return TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=now,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
