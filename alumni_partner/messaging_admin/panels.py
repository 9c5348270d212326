"""The dashboard's "Mes messages" panel: unread count and latest conversations.

It names who each conversation is with and when it last moved, never a
subject or a message: the admin's home is often on a shared screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from wagtail.admin.ui.components import Component

from ..models import ThreadParticipant
from . import partner_inbox

#: How many conversations the panel lists.
LATEST = 5


@dataclass
class Conversation:
    """One line of the panel."""

    with_name: str
    last_message_at: datetime
    unread: int
    url: str


def latest_conversations(found: partner_inbox.PartnerMessages) -> list[Conversation]:
    """The partners' latest conversations in their inboxes (three queries)."""
    if not found.mailbox_ids:
        return []
    parts = list(
        ThreadParticipant.objects.filter(mailbox_id__in=found.mailbox_ids)
        .inbox()
        .select_related("thread", "mailbox")
        .order_by("-last_message_at", "-pk")[:LATEST]
    )
    others = {}
    for other in (
        ThreadParticipant.objects.filter(thread_id__in=[p.thread_id for p in parts])
        .exclude(mailbox_id__in=found.mailbox_ids)
        .select_related("mailbox__user", "mailbox__partner")
    ):
        others[other.thread_id] = other.mailbox.display_name
    return [
        Conversation(
            with_name=others.get(part.thread_id, "—"),
            last_message_at=part.last_message_at,
            unread=part.unread_count,
            url=partner_inbox.thread_url(part.thread.public_id, part.mailbox.public_id),
        )
        for part in parts
    ]


class MessagesPanel(Component):
    """ "Mes messages" on the partner user's dashboard."""

    name = "my_messages"
    order = 20

    def __init__(self, found: partner_inbox.PartnerMessages):
        self.found = found

    def render_html(self, parent_context=None):
        return render_to_string(
            "alumni_partner/admin/messages/dashboard_panel.html",
            {
                "unread": self.found.unread,
                "inbox_url": self.found.url,
                "conversations": latest_conversations(self.found),
            },
        )


def add_messages_panel(request, panels) -> None:
    """``construct_homepage_panels``: after "Mon organisation", for partner users."""
    found = partner_inbox.for_request(request)
    if found is not None:
        panels.append(MessagesPanel(found))
