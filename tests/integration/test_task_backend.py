"""Wagtail's own django-tasks jobs run on the django-q2 cluster (DESIGN.md §10).

``alumni_partner.task_backend.DjangoQ2Backend`` hands each job to django-q2's
``async_task`` once the transaction commits. With ``Q_CLUSTER['sync']`` the
"cluster" runs the job in-process, through django-q2's own code path (pickled
arguments, worker function, result saved as a django-q2 ``Success``).
"""

from __future__ import annotations

import io

import pytest
from django.db import transaction
from django.test import override_settings
from django_q.conf import Conf
from django_q.models import Failure, Success
from django_tasks import task_backends
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex

from alumni_partner.task_backend import DjangoQ2Backend

pytestmark = pytest.mark.django_db

Q2_TASKS = {"default": {"BACKEND": "alumni_partner.task_backend.DjangoQ2Backend"}}
REFERENCE_TASK = "wagtail.tasks.update_reference_index_task"


@pytest.fixture
def q2_tasks(settings):
    """Wagtail's jobs routed to django-q2, which runs them synchronously."""
    with override_settings(
        TASKS=Q2_TASKS, Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}
    ):
        # django-q2 reads Q_CLUSTER once, at import: the test settings set sync.
        assert Conf.SYNC, "the test settings must run django-q2 synchronously"
        assert isinstance(task_backends["default"], DjangoQ2Backend)
        yield


def logo(partner):
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", (20, 10), "navy").save(out, format="PNG")
    return get_image_model().objects.create(
        title="Acme logo",
        file=ImageFile(out, name="acme.png"),
        collection=partner.collection,
    )


def references_to(image) -> ReferenceIndex:
    return ReferenceIndex.get_references_to(image)


def test_saving_a_page_runs_wagtails_reference_index_job_through_django_q2(
    partner, q2_tasks, django_capture_on_commit_callbacks
):
    image = logo(partner)
    page = partner.page.specific
    page.logo = image
    before = Success.objects.filter(name=REFERENCE_TASK).count()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page.save()
        # Nothing runs before the transaction commits: a worker must not look
        # for rows that are not committed yet.
        assert Success.objects.filter(name=REFERENCE_TASK).count() == before
        assert not references_to(image).exists()
    assert callbacks, "the backend enqueues on commit"

    for callback in callbacks:
        callback()

    done = Success.objects.filter(name=REFERENCE_TASK)
    assert done.count() > before
    job = done.latest("stopped")
    assert job.func == "alumni_partner.task_backend.run_task"
    assert job.args[0] == REFERENCE_TASK
    assert tuple(job.args[1]) == ("alumni_partner", "partnerpage", str(page.pk))
    assert not Failure.objects.exists()
    # The job did its work: the page's reference to its logo is indexed.
    assert references_to(image).filter(object_id=str(page.pk)).exists()


def test_enqueue_returns_a_task_result_and_runs_once_per_commit(
    partner, q2_tasks, django_capture_on_commit_callbacks
):
    from wagtail.tasks import update_reference_index_task

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        result = update_reference_index_task.enqueue(
            "alumni_partner", "partnerpage", str(partner.page_id)
        )
        assert result.backend == "default"
        assert result.args == ["alumni_partner", "partnerpage", str(partner.page_id)]
    runs = Success.objects.filter(name=REFERENCE_TASK, args__isnull=False)
    assert [
        tuple(job.args[1])
        for job in runs
        if tuple(job.args[1])[-1] == str(partner.page_id)
    ] == [("alumni_partner", "partnerpage", str(partner.page_id))]


def test_a_rolled_back_transaction_enqueues_nothing(partner, q2_tasks):
    before = Success.objects.count()
    page = partner.page.specific
    with pytest.raises(RuntimeError), transaction.atomic():
        page.title = "Rolled back"
        page.save()
        raise RuntimeError
    assert Success.objects.count() == before
    assert not Failure.objects.exists()


def test_a_failing_job_surfaces_at_commit_in_synchronous_mode(
    q2_tasks, django_capture_on_commit_callbacks, site_tree
):
    """django-q2's sync mode re-raises (a real cluster records a Failure)."""
    from wagtail.tasks import update_reference_index_task

    with (
        pytest.raises(LookupError, match="nosuchmodel"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # An unknown model: LookupError inside Wagtail's job.
        update_reference_index_task.enqueue("alumni_partner", "nosuchmodel", "1")


def test_a_job_for_an_object_deleted_meanwhile_is_not_a_failure(
    q2_tasks, django_capture_on_commit_callbacks, site_tree
):
    from wagtail.tasks import update_reference_index_task

    with django_capture_on_commit_callbacks(execute=True):
        update_reference_index_task.enqueue("alumni_partner", "partnerpage", "999999")
    assert Success.objects.filter(name=REFERENCE_TASK).exists()
    assert not Failure.objects.exists()
