"""What a mailbox lists: inbox, archive, sent messages, unread count, search.

Each listing is one range scan of an index led by the mailbox (see the
``participant_listing`` and ``message_sender`` indexes), so its first page
costs the same with 50 threads or 5,000.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from ..models import Mailbox, Message, ThreadParticipant

FOLDERS = ("inbox", "archive", "sent")


def unread_count(mailbox: Mailbox) -> int:
    """How many conversations hold messages the mailbox has not read."""
    return ThreadParticipant.objects.filter(mailbox=mailbox).unread().count()


def conversations(mailbox: Mailbox, folder: str = "inbox") -> QuerySet:
    """The mailbox's conversations in ``folder``, latest activity first."""
    parts = ThreadParticipant.objects.filter(mailbox=mailbox)
    parts = parts.archive() if folder == "archive" else parts.inbox()
    return parts.select_related("thread").order_by("-last_message_at", "-pk")


def _kept_by(mailbox: Mailbox) -> Q:
    """Messages of conversations ``mailbox`` has not deleted, after its last clear.

    One ``Q`` so that the conditions apply to the same participant row (separate
    ``filter()`` calls on a multi-valued relation would each join anew).
    """
    return Q(
        thread__participants__mailbox=mailbox,
        thread__participants__hidden=False,
    ) & (
        Q(thread__participants__cleared_at__isnull=True)
        | Q(created_at__gt=F("thread__participants__cleared_at"))
    )


def sent(mailbox: Mailbox) -> QuerySet:
    """Messages the mailbox wrote and still keeps, latest first."""
    return (
        Message.objects.filter(Q(sender=mailbox) & _kept_by(mailbox))
        .select_related("thread")
        .order_by("-created_at", "-pk")
    )


def search(mailbox: Mailbox, query: str) -> QuerySet:
    """The mailbox's messages whose text or conversation subject holds ``query``."""
    query = " ".join((query or "").split())[:200]
    if not query:
        return Message.objects.none()
    return (
        Message.objects.filter(
            _kept_by(mailbox)
            & (Q(body__icontains=query) | Q(thread__subject__icontains=query))
        )
        .select_related("thread", "sender__user", "sender__partner")
        .order_by("-created_at", "-pk")
    )
