"""A member's messages under the GDPR: their copy, and their erasure.

:func:`export_messages` is the ``messages`` part of
:func:`alumni_partner.personal_data.export_personal_data`: the member's own
mailbox (a partner's shared mailbox belongs to the organisation), each
conversation they still keep with the messages they still see, the members
they blocked, the messages they reported, and their notice preference.

:func:`erase_messages` runs inside the account's deletion: the mailbox goes,
and the database cascades to its participations, the messages it sent, its
blocks and its reports; conversations left without a message go too, and
the other side's counters are recounted from what remains.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Max
from django.db.models.functions import Greatest

from ..models import (
    Mailbox,
    Message,
    MessageBlock,
    MessageReport,
    Thread,
    ThreadParticipant,
)


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _conversations(mailbox: Mailbox) -> list[dict[str, Any]]:
    parts = list(
        ThreadParticipant.objects.filter(mailbox=mailbox)
        .listed()
        .select_related("thread")
        .order_by("-last_message_at", "-pk")
    )
    thread_ids = [part.thread_id for part in parts]
    others: dict[int, list[str]] = {}
    for other in (
        ThreadParticipant.objects.filter(thread_id__in=thread_ids)
        .exclude(mailbox=mailbox)
        .select_related("mailbox__user", "mailbox__partner")
        .order_by("pk")
    ):
        others.setdefault(other.thread_id, []).append(other.mailbox.display_name)
    messages: dict[int, list[Message]] = {}
    for message in (
        Message.objects.filter(thread_id__in=thread_ids)
        .select_related("sender__user", "sender__partner")
        .order_by("created_at", "pk")
    ):
        messages.setdefault(message.thread_id, []).append(message)
    rows = []
    for part in parts:
        cleared = part.cleared_at
        rows.append(
            {
                "subject": part.thread.subject,
                "with": others.get(part.thread_id, []),
                "started_at": _when(part.thread.created_at),
                "archived": part.archived,
                "messages": [
                    {
                        "sent_at": _when(message.created_at),
                        "from": message.sender.display_name,
                        "by_me": message.sender_id == mailbox.pk,
                        "text": message.body,
                    }
                    for message in messages.get(part.thread_id, [])
                    if cleared is None or message.created_at > cleared
                ],
            }
        )
    return rows


def export_messages(user) -> dict[str, Any] | None:
    """The member's messages as JSON-ready data; ``None`` if they have no mailbox."""
    mailbox = Mailbox.objects.filter(user=user).first()
    if mailbox is None:
        return None
    return {
        "email_notices": mailbox.email_notices,
        "suspended_at": _when(mailbox.suspended_at),
        "conversations": _conversations(mailbox),
        "blocked": [
            {"member": block.blocked.display_name, "since": _when(block.created_at)}
            for block in MessageBlock.objects.filter(blocker=mailbox)
            .select_related("blocked__user", "blocked__partner")
            .order_by("created_at", "pk")
        ],
        "reports_made": [
            {
                "reported_at": _when(report.created_at),
                "message_from": report.message.sender.display_name,
                "message_sent_at": _when(report.message.created_at),
                "reason": report.reason,
                "status": report.status,
            }
            for report in MessageReport.objects.filter(reporter=mailbox)
            .select_related("message__sender__user", "message__sender__partner")
            .order_by("created_at", "pk")
        ],
    }


def _unread_from(mailbox: Mailbox, thread_ids) -> dict[int, int]:
    """Per other participant: how many of ``mailbox``'s messages they have not read."""
    counts: dict[int, int] = {}
    others = ThreadParticipant.objects.filter(thread_id__in=thread_ids).exclude(
        mailbox=mailbox
    )
    for part in others:
        sent = Message.objects.filter(thread_id=part.thread_id, sender=mailbox)
        for moment in (part.last_read_at, part.cleared_at):
            if moment is not None:
                sent = sent.filter(created_at__gt=moment)
        counts[part.pk] = sent.count()
    return counts


def erase_messages(user) -> None:
    """Delete the member's mailbox and what hangs on it; tidy the threads left.

    Call inside the transaction that deletes the account. The other side
    keeps its own messages of every conversation (``Thread.started_by``
    becomes empty), with the thread's counts and its own unread count
    lowered by what went; a conversation left with no message goes.
    """
    mailbox = Mailbox.objects.filter(user=user).first()
    if mailbox is None:
        return
    thread_ids = list(
        ThreadParticipant.objects.filter(mailbox=mailbox).values_list(
            "thread_id", flat=True
        )
    )
    unread_from = _unread_from(mailbox, thread_ids)
    mailbox.delete()
    remaining = Thread.objects.filter(pk__in=thread_ids)
    remaining.annotate(left=Count("messages")).filter(left=0).delete()
    for thread in remaining.annotate(
        left=Count("messages"), last=Max("messages__created_at")
    ):
        Thread.objects.filter(pk=thread.pk).update(
            message_count=thread.left, last_message_at=thread.last
        )
        ThreadParticipant.objects.filter(thread=thread).update(
            last_message_at=thread.last
        )
    for part_pk, gone in unread_from.items():
        if gone:
            ThreadParticipant.objects.filter(pk=part_pk).update(
                unread_count=Greatest(F("unread_count") - gone, 0)
            )
