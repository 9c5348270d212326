"""The mailing items of the admin's "Mailing" menu (guide 6).

They join "Listes de destinataires" through the menu's submenu hook
(``register_mailing_menu_item``, see :mod:`alumni_partner.alumni_admin.menus`).
"""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from ..models import Mailing, Partner
from ..permissions import is_editor
from .viewsets import NAMESPACE


def works_with_mailings(user) -> bool:
    """Partner users and editors."""
    return is_editor(user) or Partner.objects.for_user(user).exists()


class MailingMenuItem(MenuItem):
    def is_shown(self, request):
        return works_with_mailings(request.user)


class ValidationMenuItem(MenuItem):
    """Editors only; the label counts the mailings waiting for them."""

    def is_shown(self, request):
        return is_editor(request.user)

    def render_component(self, request):
        # The sidebar is built from this component (MenuItem has no get_context).
        component = super().render_component(request)
        waiting = Mailing.objects.awaiting_validation().count()
        if waiting:
            component.label = _("To validate (%(count)s)") % {"count": waiting}
        return component


def _item(cls, label, url_name: str, icon: str, order: int):
    def factory() -> MenuItem:
        return cls(
            label,
            reverse_lazy(f"{NAMESPACE}:{url_name}"),
            name=f"mailing-{url_name}",
            icon_name=icon,
            order=order,
        )

    return factory


#: Factories for the submenu hook, in the guide's order.
MENU_ITEMS = (
    _item(MailingMenuItem, _("Create a mailing"), "create", "plus", 100),
    _item(MailingMenuItem, _("Pending mails"), "pending", "time", 200),
    _item(MailingMenuItem, _("Sent mails"), "sent", "mail", 300),
    _item(ValidationMenuItem, _("To validate"), "validation", "tasks", 400),
)
