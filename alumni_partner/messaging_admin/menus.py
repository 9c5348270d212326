"""Menu items: "Mes messages" for partner users, "Message reports" for editors.

Wagtail's sidebar has no badge: the count goes into the label ("Mes messages
(3)") and into ``data-unread-count`` on the link, for styles and tests. The
account menu at the bottom of the sidebar (the guide's "block at the top
right") is built by Wagtail without a hook; ``static/alumni_partner/js/
account_menu.js`` copies the main menu's "Mes messages" item into it before
the sidebar starts (see :func:`.hooks.account_menu_script`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from wagtail.admin.menu import MenuItem

from ..models import MessageReport, ReportStatus
from ..permissions import is_editor
from . import partner_inbox

#: The ``name`` of the main menu's item, which the account menu script copies.
MY_MESSAGES = "my-messages"
#: ``id`` of the links (main menu, account menu), for tests and browser tests.
MY_MESSAGES_ID = "alumni-my-messages"
ACCOUNT_MY_MESSAGES_ID = "alumni-account-my-messages"


def my_messages_label(unread: int) -> str:
    """ "Mes messages", with the unread conversations in brackets if any."""
    if unread:
        return _("My messages (%(count)s)") % {"count": unread}
    return _("My messages")


class MyMessagesMenuItem(MenuItem):
    """Partner users: their partner's inbox on the public site."""

    def is_shown(self, request):
        return partner_inbox.for_request(request) is not None

    def render_component(self, request):
        # MenuItem instances are shared by every request: build the
        # component, never change ``self``.
        component = super().render_component(request)
        found = partner_inbox.for_request(request)
        component.url = found.url
        component.label = my_messages_label(found.unread)
        component.attrs = {
            **component.attrs,
            "id": MY_MESSAGES_ID,
            "data-unread-count": str(found.unread),
        }
        return component


def my_messages_menu_item() -> MenuItem:
    return MyMessagesMenuItem(
        _("My messages"),
        "#",  # replaced per request by the partner's inbox
        name=MY_MESSAGES,
        icon_name="mail",
        order=2,
    )


class AccountMenuItem:
    """An entry of Wagtail's account page ("More actions" tab)."""

    def __init__(self, label: str, url: str, help_text: str = ""):
        self.label = label
        self.url = url
        self.help_text = help_text


def account_menu_item(request) -> AccountMenuItem | None:
    """ "Mes messages" on the account page, for partner users."""
    found = partner_inbox.for_request(request)
    if found is None:
        return None
    return AccountMenuItem(
        my_messages_label(found.unread),
        found.url,
        _("Read and answer your organisation's messages."),
    )


def open_reports() -> int:
    return MessageReport.objects.filter(status=ReportStatus.OPEN).count()


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_editor(request.user)


class ReportsMenuItem(EditorsMenuItem):
    """Editors only; the label counts the reports waiting for them."""

    def render_component(self, request):
        component = super().render_component(request)
        waiting = open_reports()
        component.attrs = {**component.attrs, "data-open-reports": str(waiting)}
        if waiting:
            component.label = _("Reports (%(count)s)") % {"count": waiting}
        return component
