"""A moderated partner cannot publish by any route; the editors approve.

DESIGN.md §7 and §10: switching a partner to "moderated" removes ``publish``
from its group on its page in every locale *and* puts a workflow approved by
the editors on those pages. Both are needed: Wagtail shows "Publish" to anyone
holding the permission, whatever the workflow.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import (
    GroupPagePermission,
    Locale,
    Page,
    Revision,
    WorkflowPage,
    WorkflowState,
)
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from alumni_partner.conf import partner_settings
from alumni_partner.models import Partner
from tests.integration.test_isolation_matrix import (
    partner_page_form,
    publish_partner_page,
)

pytestmark = pytest.mark.django_db

PUBLISH = "publish_page"


def switch_moderation(client, partner: Partner, moderated: bool):
    """What an editor does: the partners viewset's edit form."""
    data = {"name": partner.name}
    if moderated:
        data["moderated"] = "on"
    response = client.post(reverse("partners:edit", args=[partner.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    partner.refresh_from_db()
    assert partner.moderated is moderated
    return response


def locale_pages(partner: Partner) -> list[Page]:
    return list(partner.pages_in_every_locale().order_by("locale__language_code"))


def group_can_publish(partner: Partner, page: Page) -> bool:
    return GroupPagePermission.objects.filter(
        group=partner.group, page=page, permission__codename=PUBLISH
    ).exists()


def live_state(page: Page) -> tuple:
    page.refresh_from_db()
    return (page.live, page.live_revision_id, page.title)


@pytest.fixture
def live_partner(partner):
    """Acme with its page published (it was not moderated then)."""
    publish_partner_page(partner)
    return partner


@pytest.fixture
def moderated(live_partner, editor):
    """Acme, switched to moderated by an editor through the admin."""
    from django.test import Client

    editor_client = Client()
    editor_client.force_login(editor)
    switch_moderation(editor_client, live_partner, True)
    return live_partner


# ---------------------------------------------------------------------------


def test_editor_switches_a_partner_to_moderated_in_the_partners_admin(
    live_partner, editor_client
):
    pages = locale_pages(live_partner)
    assert len(pages) == len(Locale.objects.all()) == 5
    assert all(group_can_publish(live_partner, page) for page in pages)

    response = switch_moderation(editor_client, live_partner, True)

    assert response.url == reverse("partners:index")
    for page in pages:
        assert not group_can_publish(live_partner, page), page.locale
        # Still edits, adds, locks and unlocks: only publishing goes.
        kept = set(
            GroupPagePermission.objects.filter(
                group=live_partner.group, page=page
            ).values_list("permission__codename", flat=True)
        )
        assert kept == {"add_page", "change_page", "lock_page", "unlock_page"}
        workflow = WorkflowPage.objects.get(page=page).workflow
        assert workflow.name == partner_settings.MODERATION_WORKFLOW_NAME
        assert workflow.active
        task = workflow.tasks.get().specific
        assert [g.name for g in task.groups.all()] == [partner_settings.EDITORS_GROUP]
    assert not Permission.objects.filter(
        group=live_partner.group, codename=PUBLISH
    ).exists()


def test_moderated_partner_sees_submit_instead_of_publish(moderated, partner_client):
    page = moderated.page
    body = partner_client.get(
        reverse("wagtailadmin_pages:edit", args=[page.pk])
    ).content.decode()
    assert 'name="action-submit"' in body
    assert 'name="action-publish"' not in body


def test_moderated_partner_cannot_publish_from_the_edit_form(moderated, partner_client):
    page = moderated.page.specific
    before = live_state(page)
    data = partner_page_form(page, title="Acme (unapproved)")
    data["action-publish"] = "action-publish"

    response = partner_client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), data
    )

    assert response.status_code == 302  # saved as a draft, not published
    assert live_state(page) == before
    page.refresh_from_db()
    assert page.has_unpublished_changes
    assert page.draft_title == "Acme (unapproved)"
    from django.test import Client

    assert "Acme (unapproved)" not in Client().get("/partners/").content.decode()


def test_moderated_partner_cannot_publish_with_a_bulk_action(moderated, partner_client):
    page = moderated.page.specific
    page.title = "Acme (bulk)"
    page.save_revision()
    before = live_state(page)
    url = (
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        + f"?id={page.pk}"
    )

    partner_client.get(url)
    partner_client.post(url, {"include_descendants": "on"})

    assert live_state(page) == before
    page.refresh_from_db()
    assert page.has_unpublished_changes


def test_moderated_partner_cannot_publish_through_the_admin_api(
    moderated, partner_client
):
    page = moderated.page.specific
    page.title = "Acme (API)"
    page.save_revision()
    before = live_state(page)

    response = partner_client.post(
        f"/admin/api/main/pages/{page.pk}/action/publish/",
        content_type="application/json",
        data={},
    )

    assert response.status_code == 403
    assert live_state(page) == before


def test_moderated_partner_cannot_publish_a_translation(moderated, editor):
    """wagtail-localize's editor has no "submit" (wagtail-localize#676): refuse it."""
    from django.test import Client

    english = Locale.objects.get(language_code="en")
    TranslationCreator(editor, [english]).create_translations(moderated.page)
    translation = Translation.objects.get(
        source__object_id=moderated.page.translation_key, target_locale=english
    )
    translated = Page.objects.get(
        translation_key=moderated.page.translation_key, locale=english
    )
    assert translated.alias_of_id is None
    revisions = Revision.page_revisions.filter(object_id=str(translated.pk))
    published_before = set(
        revisions.filter(pk=translated.live_revision_id).values_list("pk", flat=True)
    )
    before = live_state(translated)

    client = Client()
    client.force_login(moderated.members.get())
    edit_url = reverse("wagtailadmin_pages:edit", args=[translated.pk])
    response = client.get(edit_url)
    assert response.status_code == 200
    assert translation.enabled  # the translation editor, not the page form
    response = client.post(edit_url, {"action": "publish"})

    # Refused: a 403, or Wagtail's "no permission" redirect to the dashboard.
    assert response.status_code == 403 or response.url == reverse("wagtailadmin_home")
    assert live_state(translated) == before
    translated.refresh_from_db()
    assert {translated.live_revision_id} - {None} == published_before


def test_moderated_partner_submits_and_an_editor_approves(
    moderated, partner_client, editor
):
    from django.test import Client

    page = moderated.page.specific
    before = live_state(page)
    data = partner_page_form(page, title="Acme (approved)")
    data["action-submit"] = "action-submit"

    response = partner_client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), data
    )

    assert response.status_code == 302
    assert live_state(page) == before  # waiting for the editors
    state = WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk)
    )
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.workflow_in_progress

    # The partner cannot approve its own submission.
    task_state = state.current_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", task_state.pk],
    )
    partner_client.post(approve, {"comment": ""})
    assert live_state(page) == before

    editor_client = Client()
    editor_client.force_login(editor)
    response = editor_client.post(approve, {"comment": "Bien"})
    assert response.status_code in (200, 302)

    page.refresh_from_db()
    assert page.live and page.title == "Acme (approved)"
    assert not page.has_unpublished_changes
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_switching_back_restores_direct_publishing(moderated, editor, partner_client):
    from django.test import Client

    editor_client = Client()
    editor_client.force_login(editor)
    switch_moderation(editor_client, moderated, False)

    pages = locale_pages(moderated)
    assert all(group_can_publish(moderated, page) for page in pages)
    assert not WorkflowPage.objects.filter(page__in=pages).exists()

    page = moderated.page.specific
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert 'name="action-publish"' in partner_client.get(edit_url).content.decode()
    data = partner_page_form(page, title="Acme (direct)")
    data["action-publish"] = "action-publish"
    assert partner_client.post(edit_url, data).status_code == 302
    page.refresh_from_db()
    assert page.live and page.title == "Acme (direct)"
    assert not page.has_unpublished_changes


def test_partner_created_as_moderated_is_moderated_from_the_start(editor_client):
    response = editor_client.post(
        reverse("partners:add"),
        {
            "name": "Initech",
            "moderated": "on",
            "email": "bill@initech.test",
            "first_name": "Bill",
            "last_name": "Lumbergh",
            "sector": "",
            "category": "",
            "country": "US",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    partner = Partner.objects.get(name="Initech")
    assert partner.moderated
    for page in locale_pages(partner):
        assert not group_can_publish(partner, page)
        assert WorkflowPage.objects.filter(page=page).exists()


def test_partner_cannot_switch_itself_to_unmoderated(moderated, partner_client):
    response = partner_client.post(
        reverse("partners:edit", args=[moderated.pk]), {"name": moderated.name}
    )
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")
    moderated.refresh_from_db()
    assert moderated.moderated
