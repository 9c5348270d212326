"""A mailing's life (guide 6): save, submit, validate, send, stop, resume, copy.

Every change of state is one conditional UPDATE (``status IN (...)``), so a
double click on "Envoyer", two editors approving at once or a worker and a
partner racing each other change the state once; the loser gets ``False`` or
:class:`TransitionRefused`. Every step is written to Wagtail's audit log
(``ModelLogEntry``), which the mailing's page shows as its history.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..models.mailings import (
    EDITABLE_STATUSES,
    Mailing,
    MailingAttachment,
    MailingStatus,
    RecipientStatus,
)
from ..permissions import is_editor
from . import notifications

#: Audit-trail actions (registered with their labels in wagtail_hooks).
ACTIONS = {
    "created": _("Mailing saved"),
    "edited": _("Mailing edited"),
    "submitted": _("Submitted for validation"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "started": _("Sending started"),
    "stopped": _("Sending stopped"),
    "resumed": _("Sending resumed"),
    "finished": _("Sending finished"),
    "test_sent": _("Test sent"),
    "copied": _("Copied as a new mailing"),
}


def action_name(action: str) -> str:
    return f"alumni_partner.mailing.{action}"


class TransitionRefused(Exception):
    """A step the state or the role does not allow; ``str()`` says why."""


def record(mailing: Mailing, action: str, user=None, **data) -> None:
    """Write one step of the audit trail (``user`` is None for the engine)."""
    log(instance=mailing, action=action_name(action), user=user, data=data or None)


def _move(mailing: Mailing, from_statuses, to_status: str, **fields) -> bool:
    """Conditional UPDATE of the status; refreshes ``mailing`` and says if it moved."""
    moved = Mailing.objects.filter(pk=mailing.pk, status__in=from_statuses).update(
        status=to_status, updated_at=timezone.now(), **fields
    )
    mailing.refresh_from_db()
    return bool(moved)


# --- who may ----------------------------------------------------------------


def may_validate(user, mailing: Mailing) -> bool:
    """Editors validate; never a member of the mailing's own partner."""
    return is_editor(user) and not mailing.partner.members.filter(pk=user.pk).exists()


# --- the partner's steps ----------------------------------------------------


def saved(mailing: Mailing, user, *, created: bool) -> None:
    """After the form saved ``mailing`` (and its recipients were resolved).

    Editing a mailing that was waiting for validation or already approved
    sends it back to the editors: what they approved is no longer what goes.
    """
    if created:
        record(mailing, "created", user)
        return
    back_to_validation = _move(
        mailing,
        (MailingStatus.SUBMITTED, MailingStatus.APPROVED),
        MailingStatus.SUBMITTED,
        submitted_at=timezone.now(),
        reviewed_by=None,
        reviewed_at=None,
    )
    record(mailing, "edited", user, back_to_validation=back_to_validation)
    if back_to_validation:
        notifications.notify_submitted(mailing)


def submit(mailing: Mailing, user) -> bool:
    """ "Envoyer": hand the mailing to the editors. False if it already was."""
    if mailing.recipient_count == 0:
        raise TransitionRefused(_("This mailing has no recipients."))
    moved = _move(
        mailing,
        (MailingStatus.DRAFT, MailingStatus.REJECTED),
        MailingStatus.SUBMITTED,
        submitted_at=timezone.now(),
        review_comment="",
    )
    if moved:
        record(mailing, "submitted", user)
        notifications.notify_submitted(mailing)
    return moved


# --- the editors' steps -----------------------------------------------------


def _decide(mailing: Mailing, user, comment: str, status: str, action: str) -> bool:
    """An editor's decision on a submitted mailing; the author hears of it."""
    if not may_validate(user, mailing):
        raise TransitionRefused(_("Only the editors may validate a mailing."))
    moved = _move(
        mailing,
        (MailingStatus.SUBMITTED,),
        status,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        review_comment=comment,
    )
    if moved:
        record(mailing, action, user, comment=comment)
        notifications.notify_reviewed(mailing)
    return moved


def approve(mailing: Mailing, user, comment: str = "") -> bool:
    """Validate: the mailing goes at its date, or at once."""
    moved = _decide(mailing, user, comment, MailingStatus.APPROVED, "approved")
    if moved and mailing.is_due():
        transaction.on_commit(lambda: start(mailing))
    return moved


def reject(mailing: Mailing, user, comment: str) -> bool:
    """Send it back to the partner, who reads ``comment`` on the mailing."""
    if may_validate(user, mailing) and not comment.strip():
        raise TransitionRefused(_("Say why the mailing is rejected."))
    return _decide(mailing, user, comment, MailingStatus.REJECTED, "rejected")


# --- sending ------------------------------------------------------------------


def start(mailing: Mailing, now=None) -> bool:
    """An approved mailing whose time has come starts sending."""
    from . import engine

    if not mailing.is_due(now):
        return False
    moved = _move(
        mailing,
        (MailingStatus.APPROVED,),
        MailingStatus.SENDING,
        started_at=timezone.now(),
    )
    if moved:
        record(mailing, "started")
        engine.wake(mailing.pk)
    return moved


def start_due_mailings(now=None) -> int:
    """Start every approved mailing whose date has passed; how many started."""
    return sum(start(mailing, now) for mailing in Mailing.objects.due(now))


def stop(mailing: Mailing, user) -> bool:
    """ "Stopper": workers halt before their next batch."""
    moved = _move(
        mailing, (MailingStatus.SENDING, MailingStatus.APPROVED), MailingStatus.STOPPED
    )
    if moved:
        record(mailing, "stopped", user)
    return moved


def resume(mailing: Mailing, user) -> bool:
    """Go on where it stopped: only rows still waiting are sent."""
    from . import engine

    if mailing.started_at is None:
        # Stopped before its date: it waits for that date again.
        moved = _move(mailing, (MailingStatus.STOPPED,), MailingStatus.APPROVED)
        if moved:
            record(mailing, "resumed", user)
            if mailing.is_due():
                start(mailing)
        return moved
    moved = _move(mailing, (MailingStatus.STOPPED,), MailingStatus.SENDING)
    if moved:
        record(mailing, "resumed", user)
        engine.wake(mailing.pk)
    return moved


def finish_if_done(mailing: Mailing) -> bool:
    """Mark a sending mailing sent once no row waits or is being sent."""
    if mailing.recipients.filter(
        status__in=(RecipientStatus.PENDING, RecipientStatus.SENDING)
    ).exists():
        return False
    moved = _move(
        mailing,
        (MailingStatus.SENDING,),
        MailingStatus.SENT,
        finished_at=timezone.now(),
    )
    if moved:
        record(mailing, "finished", **sending_summary(mailing))
    return moved


def sending_summary(mailing: Mailing) -> dict[str, int]:
    stats = mailing.statistics()
    return {key: stats[key] for key in ("sent", "failed", "unknown", "skipped")}


# --- copies and deletion -------------------------------------------------------


def copy(mailing: Mailing, user) -> Mailing:
    """ "Modifier et renvoyer": a new draft with the same content and sources.

    The recipient file is not copied (guide 6: it must be imported again);
    attachments are copied as new files, so deleting one mailing keeps the other's.
    """
    from . import recipients

    with transaction.atomic():
        duplicate = Mailing.objects.create(
            partner=mailing.partner,
            created_by=user,
            sender_name=mailing.sender_name,
            sender_email=mailing.sender_email,
            subject=mailing.subject,
            body=mailing.body,
            include_followers=mailing.include_followers,
            extra_addresses=mailing.extra_addresses,
            copied_from=mailing,
        )
        duplicate.recipient_lists.set(mailing.recipient_lists.all())
        for attachment in mailing.attachments.all():
            with attachment.file.open("rb") as handle:
                copied = MailingAttachment(
                    mailing=duplicate,
                    name=attachment.name,
                    content_type=attachment.content_type,
                    size=attachment.size,
                )
                copied.file.save(attachment.name, handle, save=True)
        recipients.resolve(duplicate)
        record(duplicate, "copied", user, source=mailing.pk)
    return duplicate


def delete(mailing: Mailing, user) -> bool:
    """Delete a mailing, unless it is being sent; False if nothing was deleted.

    One that started only leaves the screens and loses its attachments: its
    recipient rows stay, because the unsubscribe links of the mails already
    sent must keep working.
    """
    not_sending = Mailing.objects.filter(pk=mailing.pk).exclude(
        status=MailingStatus.SENDING
    )
    with transaction.atomic():
        # Conditional, like every step: the engine may start it meanwhile.
        deleted, _counts = not_sending.filter(started_at__isnull=True).delete()
        if not deleted:
            deleted = not_sending.filter(deleted_at__isnull=True).update(
                deleted_at=timezone.now()
            )
            for attachment in mailing.attachments.all() if deleted else ():
                attachment.delete()
        if deleted:
            # Wagtail's own action: the log keeps it after the row has gone.
            log(instance=mailing, action="wagtail.delete", user=user)
    return bool(deleted)


def may_delete(mailing: Mailing) -> bool:
    """Anything but a mailing being sent (stop it first)."""
    return mailing.status != MailingStatus.SENDING


def may_edit(mailing: Mailing) -> bool:
    return mailing.status in EDITABLE_STATUSES
