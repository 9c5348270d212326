"""Registers the messages' admin with Wagtail (called from ``wagtail_hooks``).

::

    from .messaging_admin import hooks as messaging_admin_hooks

    messaging_admin_hooks.register()
"""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from ..messaging import moderation
from . import menus, panels
from .viewsets import MessageModerationViewSetGroup


def account_menu_script() -> str:
    """``insert_global_admin_js``: copies "Mes messages" into the account menu.

    ``defer``: the script must run after the sidebar's props are parsed and
    before DOMContentLoaded, when the sidebar reads them.
    """
    return format_html(
        '<script defer src="{}"></script>',
        static("alumni_partner/js/account_menu.js"),
    )


def register_log_actions(actions) -> None:
    """Suspensions, reinstatements and dismissed reports in the audit log."""
    for action, label in moderation.ACTIONS.items():
        actions.register_action(moderation.action_name(action), label, label)


def moderation_viewsets() -> MessageModerationViewSetGroup:
    """ "Message moderation" (editors): reports and suspended senders."""
    return MessageModerationViewSetGroup()


def register() -> None:
    """Menus, dashboard panel, editors' screens and audit labels."""
    hooks.register("register_admin_menu_item", menus.my_messages_menu_item)
    hooks.register("register_account_menu_item", menus.account_menu_item)
    hooks.register("insert_global_admin_js", account_menu_script)
    hooks.register("construct_homepage_panels", panels.add_messages_panel)
    hooks.register("register_admin_viewset", moderation_viewsets)
    hooks.register("register_log_actions", register_log_actions)
