"""Who may touch what: the partner group's page and collection permissions.

A partner's group holds page permissions on its partner page in *every* locale
(page permissions cover one locale tree only) and media permissions on its own
collection only. Moderation removes ``publish`` and attaches a workflow approved
by the editors: both are needed, because Wagtail shows "Publish" to anyone who
holds ``publish`` whether or not a workflow applies.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .conf import partner_settings

PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
PUBLISH_PERMISSION = "publish_page"
COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}


def is_editor(user) -> bool:
    """Editorial staff: superusers and members of the editors group."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=partner_settings.EDITORS_GROUP).exists()


def may_manage(user, partner) -> bool:
    """Editors manage every partner's pages; a partner's users their partner's."""
    if is_editor(user):
        return True
    return partner is not None and partner.has_member(user)


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def page_permission_codenames(moderated: bool) -> tuple[str, ...]:
    """The page permissions a partner group holds, by moderation state."""
    if moderated:
        return PAGE_PERMISSIONS
    return (*PAGE_PERMISSIONS, PUBLISH_PERMISSION)


def grant_admin_access(group: Group) -> None:
    group.permissions.add(_permission("wagtailadmin", "access_admin"))


def grant_page_permissions(group: Group, pages, *, moderated: bool) -> None:
    """Give ``group`` exactly the partner permissions on each of ``pages``."""
    wanted = [
        _permission("wagtailcore", codename)
        for codename in page_permission_codenames(moderated)
    ]
    publish = _permission("wagtailcore", PUBLISH_PERMISSION)
    for page in pages:
        for permission in wanted:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=permission
            )
        if moderated:
            GroupPagePermission.objects.filter(
                group=group, page=page, permission=publish
            ).delete()


def grant_editor_permissions(pages=None) -> None:
    """Editors edit, publish and approve in every partner space (DESIGN.md §4).

    Wagtail's default "Editors" group holds add and change on the root page but
    not publish, so approving a moderated partner's page (which publishes it
    as the approving editor) was refused. Granted on the partner index of
    every locale, or on ``pages``.
    """
    from .models import PartnerIndexPage

    editors, _ = Group.objects.get_or_create(name=partner_settings.EDITORS_GROUP)
    if pages is None:
        pages = PartnerIndexPage.objects.all()
    grant_page_permissions(editors, pages, moderated=False)


def grant_collection_permissions(group: Group, collection) -> None:
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=_permission(app_label, codename),
            )


def moderation_workflow() -> Workflow:
    """The workflow that sends a moderated partner's pages to the editors.

    Its one step is a :class:`~alumni_partner.models.PartnerModerationTask`;
    a workflow made before offers existed (a plain group approval) is brought
    up to date here.
    """
    from .models import PartnerModerationTask

    workflow, _ = Workflow.objects.get_or_create(
        name=partner_settings.MODERATION_WORKFLOW_NAME, defaults={"active": True}
    )
    if not PartnerModerationTask.objects.filter(
        workflow_tasks__workflow=workflow
    ).exists():
        editors, _ = Group.objects.get_or_create(name=partner_settings.EDITORS_GROUP)
        task, _ = PartnerModerationTask.objects.get_or_create(
            name=str(partner_settings.MODERATION_WORKFLOW_NAME)
        )
        task.groups.add(editors)
        WorkflowTask.objects.filter(workflow=workflow).delete()
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def upgrade_moderation_workflow(**kwargs) -> None:
    """``post_migrate``: an existing moderation workflow gets the partner task."""
    if Workflow.objects.filter(name=partner_settings.MODERATION_WORKFLOW_NAME).exists():
        moderation_workflow()


def apply_moderation(partner, pages=None) -> None:
    """Bring the partner's permissions and workflow in line with ``moderated``."""
    if partner.group is None:
        return
    pages = list(pages if pages is not None else partner.pages_in_every_locale())
    with transaction.atomic():
        grant_page_permissions(partner.group, pages, moderated=partner.moderated)
        if partner.moderated:
            workflow = moderation_workflow()
            for page in pages:
                WorkflowPage.objects.update_or_create(
                    page=page, defaults={"workflow": workflow}
                )
        else:
            WorkflowPage.objects.filter(
                page__in=pages,
                workflow__name=partner_settings.MODERATION_WORKFLOW_NAME,
            ).delete()


def sync_page_permissions(page: Page) -> None:
    """Extend a partner's rights to a new translation or alias of its page."""
    from .models import Partner

    partner = (
        Partner.objects.filter(page__translation_key=page.translation_key)
        .select_related("group")
        .first()
    )
    if partner is not None:
        apply_moderation(partner, pages=[page])
