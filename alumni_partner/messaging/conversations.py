"""Writing and keeping messages: every change a member makes to a conversation.

Counters move with conditional UPDATEs (``F()`` expressions), so two messages
arriving at once both count, and a double click on "Envoyer" inside the same
second finds the first message and does not post a second one.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Mailbox,
    Message,
    MessageBlock,
    MessageReport,
    Thread,
    ThreadParticipant,
)
from ..models.messaging import MESSAGE_MAX_CHARS, SUBJECT_MAX_CHARS
from ..sanitize import strip_control_characters
from . import notices
from .rules import MessagingRefused, check_may_write, check_new_thread_rate

#: The same text from the same mailbox in the same thread within this delay is
#: a double submission, not a second message.
DOUBLE_SUBMIT_SECONDS = 10


def _checked(text: str, max_chars: int, empty: str, too_long: str) -> str:
    if not text:
        raise MessagingRefused(empty)
    if len(text) > max_chars:
        raise MessagingRefused(too_long % {"length": len(text), "max": max_chars})
    return text


def clean_body(text: str) -> str:
    """Control characters removed, ends trimmed; refuses empty or oversized text."""
    return _checked(
        strip_control_characters(text or "").strip(),
        MESSAGE_MAX_CHARS,
        _("The message is empty."),
        _("The message is too long: %(length)d characters, at most %(max)d."),
    )


def clean_subject(text: str) -> str:
    """One line (newlines and tabs become spaces); refuses empty or oversized."""
    return _checked(
        " ".join(strip_control_characters(text or "").split()),
        SUBJECT_MAX_CHARS,
        _("The subject is empty."),
        _("The subject is too long: %(length)d characters, at most %(max)d."),
    )


@transaction.atomic
def start_thread(
    sender: Mailbox, recipient: Mailbox, subject: str, body: str, *, author=None
) -> Thread:
    """A new conversation from ``sender`` to ``recipient``, with its first message."""
    subject = clean_subject(subject)
    body = clean_body(body)
    check_may_write(sender, recipient)
    duplicate = _recent_duplicate(sender, body, subject=subject, recipient=recipient)
    if duplicate is not None:
        return duplicate.thread
    check_new_thread_rate(sender)
    now = timezone.now()
    thread = Thread.objects.create(
        subject=subject, started_by=sender, created_at=now, last_message_at=now
    )
    ThreadParticipant.objects.bulk_create(
        [
            ThreadParticipant(
                thread=thread, mailbox=sender, last_message_at=now, last_read_at=now
            ),
            ThreadParticipant(thread=thread, mailbox=recipient, last_message_at=now),
        ]
    )
    _post(thread, sender, body, author, now)
    return thread


@transaction.atomic
def reply(thread: Thread, sender: Mailbox, body: str, *, author=None) -> Message:
    """``sender``'s answer in ``thread``; it must be one of its participants."""
    body = clean_body(body)
    # Lock the participant rows only: PostgreSQL refuses FOR UPDATE on the
    # nullable side of the outer joins to the mailbox's user and partner.
    participants = list(
        thread.participants.select_related(
            "mailbox__user", "mailbox__partner"
        ).select_for_update(of=("self",))
    )
    if not any(p.mailbox_id == sender.pk for p in participants):
        raise MessagingRefused(_("You are not part of this conversation."))
    if len(participants) < 2:
        # The other side deleted their account: a reply would reach nobody.
        raise MessagingRefused(
            _("The other member has left the network: this conversation is closed.")
        )
    for other in participants:
        if other.mailbox_id != sender.pk:
            check_may_write(sender, other.mailbox, thread)
    duplicate = _recent_duplicate(sender, body, thread=thread)
    if duplicate is not None:
        return duplicate
    return _post(thread, sender, body, author, timezone.now())


def _recent_duplicate(sender, body, *, thread=None, subject=None, recipient=None):
    since = timezone.now() - timedelta(seconds=DOUBLE_SUBMIT_SECONDS)
    messages = Message.objects.filter(sender=sender, body=body, created_at__gte=since)
    if thread is not None:
        messages = messages.filter(thread=thread)
    else:
        messages = messages.filter(
            thread__subject=subject,
            thread__started_by=sender,
            thread__message_count=1,
            thread__participants__mailbox=recipient,
        )
    return messages.select_related("thread").order_by("-created_at").first()


def _post(thread: Thread, sender: Mailbox, body: str, author, now) -> Message:
    message = Message.objects.create(
        thread=thread, sender=sender, author=author, body=body, created_at=now
    )
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=now, message_count=F("message_count") + 1
    )
    thread.last_message_at = now
    # The sender has read what they wrote; the others get one more unread, and
    # a conversation they archived or deleted comes back to their inbox.
    # Answering a conversation reads it.
    ThreadParticipant.objects.filter(thread=thread, mailbox=sender).update(
        last_message_at=now, last_read_at=now, hidden=False, unread_count=0
    )
    others = ThreadParticipant.objects.filter(thread=thread).exclude(mailbox=sender)
    others.update(
        last_message_at=now,
        unread_count=F("unread_count") + 1,
        archived=False,
        hidden=False,
    )
    notices.message_arrived(
        list(Mailbox.objects.filter(participations__in=others)), sender
    )
    return message


def participation(thread: Thread, mailbox: Mailbox) -> ThreadParticipant:
    """``mailbox``'s side of ``thread``; raises ``DoesNotExist`` for outsiders."""
    return ThreadParticipant.objects.select_related("thread").get(
        thread=thread, mailbox=mailbox, hidden=False
    )


def mark_read(part: ThreadParticipant) -> None:
    ThreadParticipant.objects.filter(pk=part.pk).update(
        unread_count=0, last_read_at=timezone.now()
    )
    part.unread_count = 0


def mark_unread(part: ThreadParticipant) -> None:
    ThreadParticipant.objects.filter(pk=part.pk, unread_count=0).update(unread_count=1)
    part.unread_count = max(part.unread_count, 1)


def set_archived(part: ThreadParticipant, archived: bool) -> None:
    ThreadParticipant.objects.filter(pk=part.pk).update(archived=archived)
    part.archived = archived


def delete_for(part: ThreadParticipant) -> None:
    """Delete the conversation for this mailbox only; the other side keeps it."""
    ThreadParticipant.objects.filter(pk=part.pk).update(
        hidden=True, unread_count=0, cleared_at=timezone.now()
    )
    part.hidden = True


def block(blocker: Mailbox, blocked: Mailbox) -> bool:
    """``blocker`` refuses ``blocked``'s messages from now on; False if already."""
    if blocker.pk == blocked.pk:
        raise MessagingRefused(_("You cannot block yourself."))
    _block, created = MessageBlock.objects.get_or_create(
        blocker=blocker, blocked=blocked
    )
    return created


def unblock(blocker: Mailbox, blocked: Mailbox) -> bool:
    return MessageBlock.objects.filter(blocker=blocker, blocked=blocked).delete()[0] > 0


def report(message: Message, reporter: Mailbox, reason: str, *, user=None):
    """Report ``message`` to the editors; a second report by the same mailbox
    updates the reason. Only a recipient may report (not its sender)."""
    if message.sender_id == reporter.pk:
        raise MessagingRefused(_("You cannot report your own message."))
    if not ThreadParticipant.objects.filter(
        thread_id=message.thread_id, mailbox=reporter
    ).exists():
        raise MessagingRefused(_("You are not part of this conversation."))
    reason = strip_control_characters(reason or "").strip()[:2000]
    found, created = MessageReport.objects.update_or_create(
        message=message,
        reporter=reporter,
        defaults={"reason": reason, "reported_by": user},
    )
    if created:
        notices.report_filed(found)
    return found
