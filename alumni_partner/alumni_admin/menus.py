"""The "Annuaire" and "Mailing" menus of the admin, and their viewsets.

- "Annuaire" (editors): the editors' directory and "Alumni imports". A
  partner's users get a plain "Annuaire" entry instead, to the public
  directory (DESIGN.md §6: "link from the admin menu"), where they search and
  save lists.
- "Mailing" (partners and editors): "Recipient lists" for now. The mailings of
  guide 6 join it through the ``register_mailing_menu_item`` hook (or as an
  item of :class:`MailingViewSetGroup`), for example::

      @hooks.register("register_mailing_menu_item")
      def register_pending_mailings():
          return MenuItem(_("Pending"), reverse("..."), icon_name="time")
"""

from __future__ import annotations

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from ..models import Partner
from ..permissions import is_editor
from . import directory
from .imports import AlumniImportViewSet
from .recipients import RecipientListViewSet

DIRECTORY_SUBMENU_HOOK = "register_directory_menu_item"
MAILING_SUBMENU_HOOK = "register_mailing_menu_item"


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_editor(request.user)


class PartnerDirectoryMenuItem(MenuItem):
    """Partner users (not editors, who have the admin's directory)."""

    def is_shown(self, request):
        user = request.user
        return not is_editor(user) and Partner.objects.for_user(user).exists()


class AdminDirectoryViewSet(ViewSet):
    """``/admin/alumni-directory/``: the editors' search and its export."""

    name = "alumni-directory"
    url_namespace = directory.NAMESPACE
    icon = "group"
    menu_label = _("Search the directory")
    menu_name = "admin-directory"
    menu_item_class = EditorsMenuItem

    def get_urlpatterns(self):
        return [
            path("", directory.AdminDirectoryView.as_view(), name="index"),
            path("export/", directory.export, name="export"),
        ]


class DirectoryViewSetGroup(ViewSetGroup):
    """ "Annuaire": search the directory, import alumni (editors)."""

    items = (AdminDirectoryViewSet, AlumniImportViewSet)
    menu_label = _("Directory")
    menu_name = "directory"
    menu_icon = "group"
    menu_order = 4
    submenu_hook = DIRECTORY_SUBMENU_HOOK


class MailingViewSetGroup(ViewSetGroup):
    """ "Mailing" (guide 6): recipient lists now, the mailings with issue 6."""

    items = (RecipientListViewSet,)
    menu_label = _("Mailing")
    menu_name = "mailing"
    menu_icon = "mail"
    menu_order = 5
    submenu_hook = MAILING_SUBMENU_HOOK


def public_directory_menu_item() -> MenuItem:
    """ "Annuaire" for partner users: the public directory, in their language."""
    return PartnerDirectoryMenuItem(
        _("Directory"),
        reverse_lazy("alumni_partner:directory"),
        name="public-directory",
        icon_name="group",
        order=4,
    )
