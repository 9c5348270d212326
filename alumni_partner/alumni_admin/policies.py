"""Who may use the alumni screens of the admin, as Wagtail permission policies.

Registered for their models before any viewset reads them (see
:func:`register`), so that every generic view, menu item and button asks the
same question. The rules themselves live elsewhere, in one place each:
:func:`alumni_partner.permissions.is_editor` and
``RecipientList.objects.for_user``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from ..conf import partner_settings
from ..models import AlumniImport, Partner, RecipientList
from ..permissions import is_editor


def cached_is_editor(user) -> bool:
    """``is_editor``, asked once per request: menus and buttons ask it often."""
    if not hasattr(user, "_alumni_admin_is_editor"):
        user._alumni_admin_is_editor = is_editor(user)
    return user._alumni_admin_is_editor


def cached_works_for_a_partner(user) -> bool:
    if not hasattr(user, "_alumni_admin_partner_user"):
        user._alumni_admin_partner_user = Partner.objects.for_user(user).exists()
    return user._alumni_admin_partner_user


def editors():
    User = get_user_model()
    return User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name=partner_settings.EDITORS_GROUP)
    )


class EditorsOnlyPolicy(BasePermissionPolicy):
    """Editors may do ``actions``; nobody else may do anything."""

    def __init__(self, model, actions: set[str]):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and cached_is_editor(user)

    def users_with_any_permission(self, actions):
        if self.actions.isdisjoint(actions):
            return get_user_model().objects.none()
        return editors().distinct()


class RecipientListPolicy(BasePermissionPolicy):
    """Editors, and users who work for a partner, on their partner's lists.

    Nobody adds a list here: lists are saved from the directory's results.
    """

    actions = frozenset({"view", "change", "delete"})

    def user_has_permission(self, user, action):
        if action not in self.actions or not user.is_authenticated:
            return False
        return cached_is_editor(user) or cached_works_for_a_partner(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and RecipientList.objects.for_user(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.actions.intersection(actions):
            return RecipientList.objects.none()
        return RecipientList.objects.for_user(user)

    def users_with_any_permission(self, actions):
        if self.actions.isdisjoint(actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(groups__name=partner_settings.EDITORS_GROUP)
                | Q(partners__isnull=False)
            )
            .distinct()
        )


import_policy = EditorsOnlyPolicy(AlumniImport, {"add", "view", "delete"})
recipient_list_policy = RecipientListPolicy(RecipientList)


def register() -> None:
    """Register the policies (once; before the viewsets ask for them)."""
    for model, policy in (
        (AlumniImport, import_policy),
        (RecipientList, recipient_list_policy),
    ):
        if policy_registry.get_by_type(model, fallback=False) is None:
            register_permission_policy(model, policy, exact_class=True)
