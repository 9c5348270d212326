"""A moderated partner's "Envoyer" submits the news; an editor approves or rejects.

The clock of the two-month life starts at approval (issue 3, item 6).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time
from wagtail.models import TaskState, WorkflowState

from alumni_partner.models import NewsPage
from alumni_partner.news_lifecycle import expiry_from
from alumni_partner.permissions import apply_moderation
from tests.integration.test_news_form import _add_url, _data

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderated(partner):
    partner.moderated = True
    partner.save()
    apply_moderation(partner)
    return partner


def _submit(client, partner, news_type, audience_group):
    data = _data(news_type, audience_group)
    del data["action-publish"]
    data["action-submit"] = "action-submit"
    response = client.post(_add_url(partner), data)
    assert response.status_code == 302
    return NewsPage.objects.get(slug="forum-des-metiers", locale__language_code="fr")


def _task_action(news, action):
    state = WorkflowState.objects.get(
        base_content_type__model="page",
        object_id=str(news.pk),
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=[news.pk, action, state.current_task_state.pk],
    )


def test_a_moderated_partner_cannot_publish_a_news(
    moderated, partner_client, news_type, audience_group
):
    response = partner_client.post(
        _add_url(moderated), _data(news_type, audience_group)
    )
    news = NewsPage.objects.filter(slug="forum-des-metiers").first()
    # Wagtail refuses the publish action: nothing live, whatever the answer.
    assert response.status_code in (200, 302, 403)
    assert news is None or not news.live


def test_submitted_news_is_pending_then_approved_by_an_editor(
    moderated, partner_client, editor, news_type, audience_group
):
    news = _submit(partner_client, moderated, news_type, audience_group)
    assert not news.live
    assert news.expire_at is None
    assert news.workflow_in_progress
    with translation.override("en"):
        assert news.status_string == "in moderation"

    # The partner cannot approve its own news.
    partner_client.post(_task_action(news, "approve"), {"comment": ""})
    news.refresh_from_db()
    assert not news.live

    editor_client = Client()
    editor_client.force_login(editor)
    approval_time = timezone.now() + timedelta(days=3)
    with freeze_time(approval_time):
        response = editor_client.post(_task_action(news, "approve"), {"comment": "OK"})
        assert response.status_code in (200, 302)
        news.refresh_from_db()
        assert news.live
        assert news.expire_at == expiry_from(news.last_published_at)
    assert news.expire_at >= expiry_from(approval_time - timedelta(seconds=5))


def test_an_editor_rejects_with_a_comment(
    moderated, partner_client, editor, news_type, audience_group
):
    news = _submit(partner_client, moderated, news_type, audience_group)
    editor_client = Client()
    editor_client.force_login(editor)
    response = editor_client.post(
        _task_action(news, "reject"), {"comment": "Merci de préciser la date."}
    )
    assert response.status_code in (200, 302)
    news.refresh_from_db()
    assert not news.live
    task_state = TaskState.objects.filter(workflow_state__object_id=str(news.pk)).get()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.comment == "Merci de préciser la date."
