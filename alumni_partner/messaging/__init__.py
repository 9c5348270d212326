"""Messages between members (guide 7, "Mes messages"): the rules, without HTTP.

::

    from alumni_partner import messaging

    box = messaging.mailbox_of_user(user)
    thread = messaging.start_thread(box, messaging.mailbox_of_partner(p),
                                    "Stage", "Bonjour…", author=user)
    messaging.reply(thread, other_box, "Merci", author=other_user)
    messaging.unread_count(box)

Modules: ``mailboxes`` (whose box is whose), ``rules`` (who may write to
whom), ``conversations`` (writing, reading, archiving, deleting, blocking,
reporting), ``inbox`` (listings and counts), ``moderation`` (editors'
decisions on reports), ``notices`` (e-mails).
"""

from .conversations import (
    block,
    clean_body,
    clean_subject,
    delete_for,
    mark_read,
    mark_unread,
    participation,
    reply,
    report,
    set_archived,
    start_thread,
    unblock,
)
from .inbox import FOLDERS, conversations, search, sent, unread_count
from .mailboxes import mailbox_of_partner, mailbox_of_user, mailboxes_for, may_read
from .moderation import dismiss, reinstate, suspend
from .rules import MessagingRefused, check_may_write, check_new_thread_rate

__all__ = [
    "FOLDERS",
    "MessagingRefused",
    "block",
    "check_may_write",
    "check_new_thread_rate",
    "clean_body",
    "clean_subject",
    "conversations",
    "delete_for",
    "dismiss",
    "mailbox_of_partner",
    "mailbox_of_user",
    "mailboxes_for",
    "mark_read",
    "mark_unread",
    "may_read",
    "participation",
    "reinstate",
    "reply",
    "report",
    "search",
    "sent",
    "set_archived",
    "start_thread",
    "suspend",
    "unblock",
    "unread_count",
]
