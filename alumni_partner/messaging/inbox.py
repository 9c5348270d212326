"""What a mailbox lists: inbox, archive, sent messages, unread count, search.

Each listing is one range scan of an index led by the mailbox (see the
``participant_listing`` and ``message_sender`` indexes), so its first page
costs the same with 50 threads or 5,000.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from ..models import Mailbox, Message, Thread, ThreadParticipant

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
    """Messages the mailbox wrote and still keeps, latest first.

    An anti-join rather than :func:`_kept_by`'s join: PostgreSQL misjudges how
    many of the sender's messages survive the join and, for mid-sized
    mailboxes, hashes the whole thread table; this form keeps to the
    ``message_sender`` index at every size (bench_messages.py).
    """
    deleted_for_me = ThreadParticipant.objects.filter(
        thread=OuterRef("thread"), mailbox=mailbox
    ).filter(Q(hidden=True) | Q(cleared_at__gte=OuterRef("created_at")))
    return (
        Message.objects.filter(sender=mailbox)
        .exclude(Exists(deleted_for_me))
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


# --- What a page of a listing shows ------------------------------------------
#
# A listing page shows, for each row, the other party's name and a line of the
# last message. Both are read for the page's threads only, in one query each,
# so a page costs the same whatever its size or the mailbox's.

#: Characters of a message a listing shows (one line of plain text).
EXCERPT_CHARS = 160


def excerpt(text: str, around: str = "", length: int = EXCERPT_CHARS) -> str:
    """One line of ``text``: whitespace collapsed, cut to ``length`` with "…".

    With ``around``, the line is taken around its first occurrence (case
    ignored), so that a search result shows why it was found.
    """
    line = " ".join((text or "").split())
    start = 0
    if around:
        found = line.casefold().find(" ".join(around.split()).casefold())
        if found > length // 2:
            start = found - length // 3
    cut = line[start : start + length]
    if start:
        cut = "…" + cut.lstrip()
    if start + length < len(line):
        cut = cut.rstrip() + "…"
    return cut


def counterparts(mailbox: Mailbox, thread_ids) -> dict[int, Mailbox]:
    """``{thread id: the other mailbox}`` of the threads (one query)."""
    rows = (
        ThreadParticipant.objects.filter(thread_id__in=list(thread_ids))
        .exclude(mailbox=mailbox)
        .select_related("mailbox__user", "mailbox__partner")
    )
    return {row.thread_id: row.mailbox for row in rows}


def latest_messages(thread_ids, length: int = 2 * EXCERPT_CHARS) -> dict[int, Message]:
    """``{thread id: its last message}`` (one query).

    The body is not read: ``head`` holds its first ``length`` characters.
    """
    last = (
        Message.objects.filter(thread=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    latest = Thread.objects.filter(pk__in=list(thread_ids)).values(
        last_pk=Subquery(last)
    )
    rows = (
        Message.objects.filter(pk__in=latest)
        .defer("body")
        .annotate(head=Substr("body", 1, length))
    )
    return {row.thread_id: row for row in rows}


def describe_conversations(mailbox: Mailbox, parts) -> list[ThreadParticipant]:
    """A page of :func:`conversations`, each row given ``other``, ``excerpt``
    and ``last_from_me`` (two queries for the page)."""
    parts = list(parts)
    ids = [part.thread_id for part in parts]
    others = counterparts(mailbox, ids)
    latest = latest_messages(ids)
    for part in parts:
        part.other = others.get(part.thread_id)
        last = latest.get(part.thread_id)
        part.excerpt = excerpt(last.head) if last else ""
        part.last_from_me = last is not None and last.sender_id == mailbox.pk
    return parts


def describe_messages(mailbox: Mailbox, messages, around: str = "") -> list[Message]:
    """A page of :func:`sent` or :func:`search`, each message given ``other``
    (the conversation's other party), ``from_me`` and ``excerpt`` (one query)."""
    messages = list(messages)
    others = counterparts(mailbox, {message.thread_id for message in messages})
    for message in messages:
        message.other = others.get(message.thread_id)
        message.from_me = message.sender_id == mailbox.pk
        message.excerpt = excerpt(message.body, around=around)
    return messages


def unread_counts(mailboxes) -> dict[int, int]:
    """``{mailbox id: conversations with unread messages}`` (one query)."""
    rows = (
        ThreadParticipant.objects.filter(mailbox__in=list(mailboxes))
        .unread()
        .values("mailbox_id")
        .annotate(n=Count("pk"))
    )
    return {row["mailbox_id"]: row["n"] for row in rows}
