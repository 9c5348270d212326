"""Who may write to whom (guide 7, and the issue's safety rules).

Every rule answers with a :class:`MessagingRefused` carrying the sentence the
member reads; the views show it and keep what was typed.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conf import partner_settings
from ..models import AlumniProfile, Mailbox, MessageBlock, Thread


class MessagingRefused(Exception):
    """A message that may not be sent, with the reason for the member."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def check_may_write(
    sender: Mailbox, recipient: Mailbox, thread: Thread | None = None
) -> None:
    """Raise :class:`MessagingRefused` unless ``sender`` may write to ``recipient``.

    ``thread`` is the conversation replied to (``None`` for a new one): an
    alumnus who wrote to a partner may get its answer even without accepting
    partners' messages in general.
    """
    if sender.pk == recipient.pk:
        raise MessagingRefused(_("You cannot write to yourself."))
    if sender.is_suspended:
        raise MessagingRefused(
            _(
                "Your messaging has been suspended by the editorial team. "
                "Please contact them if you think this is a mistake."
            )
        )
    if recipient.user_id and not recipient.user.is_active:
        raise MessagingRefused(_("This member's account is no longer active."))
    if MessageBlock.objects.filter(blocker=recipient, blocked=sender).exists():
        raise MessagingRefused(
            _("%(name)s does not accept messages from you.")
            % {"name": recipient.display_name}
        )
    if MessageBlock.objects.filter(blocker=sender, blocked=recipient).exists():
        raise MessagingRefused(
            _("You have blocked %(name)s: unblock them to write again.")
            % {"name": recipient.display_name}
        )
    if sender.partner_id and recipient.user_id:
        replying_to_them = thread is not None and thread.started_by_id == recipient.pk
        accepts = AlumniProfile.objects.filter(
            user_id=recipient.user_id, accepts_partner_contact=True
        ).exists()
        if not (accepts or replying_to_them):
            raise MessagingRefused(
                _("This alumnus does not accept messages from partner organisations.")
            )


def check_new_thread_rate(sender: Mailbox) -> None:
    """At most ``MESSAGE_THREADS_PER_HOUR`` new conversations an hour (spam)."""
    limit = partner_settings.MESSAGE_THREADS_PER_HOUR
    if limit is None:
        return
    since = timezone.now() - timedelta(hours=1)
    started = Thread.objects.filter(started_by=sender, created_at__gte=since)
    if started.count() >= limit:
        raise MessagingRefused(
            ngettext(
                "You have started %(n)d conversation in the last hour, the most "
                "allowed. Please wait before starting another one; replies are "
                "not limited.",
                "You have started %(n)d conversations in the last hour, the most "
                "allowed. Please wait before starting another one; replies are "
                "not limited.",
                limit,
            )
            % {"n": limit}
        )
