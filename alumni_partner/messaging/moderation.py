"""What editors do with reports: dismiss them, suspend or reinstate a sender.

Each decision is one conditional UPDATE (a double click, or two editors at
once, decide once) and leaves a line in Wagtail's audit log, under the
actions of :data:`ACTIONS` (labels registered by the admin's hooks).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..models import Mailbox, MessageReport, ReportStatus
from ..sanitize import strip_control_characters

#: The longest suspension reason kept (characters).
REASON_MAX_CHARS = 2000

ACTIONS = {
    "suspended": _("Messaging suspended"),
    "reinstated": _("Messaging reinstated"),
    "dismissed": _("Message report dismissed"),
}


def action_name(action: str) -> str:
    return f"alumni_partner.messaging.{action}"


def clean_reason(reason: str) -> str:
    return strip_control_characters(reason or "").strip()[:REASON_MAX_CHARS]


@transaction.atomic
def suspend(mailbox: Mailbox, *, by, reason: str = "") -> bool:
    """The mailbox may no longer write; its open reports are settled with it.

    Returns False if it was already suspended (nothing changes then).
    """
    now = timezone.now()
    reason = clean_reason(reason)
    suspended = Mailbox.objects.filter(pk=mailbox.pk, suspended_at__isnull=True).update(
        suspended_at=now, suspended_by=by, suspension_reason=reason
    )
    if not suspended:
        mailbox.refresh_from_db(
            fields=["suspended_at", "suspended_by", "suspension_reason"]
        )
        return False
    mailbox.suspended_at, mailbox.suspended_by, mailbox.suspension_reason = (
        now,
        by,
        reason,
    )
    MessageReport.objects.filter(
        message__sender=mailbox, status=ReportStatus.OPEN
    ).update(status=ReportStatus.SUSPENDED, handled_by=by, handled_at=now)
    log(
        instance=mailbox,
        action=action_name("suspended"),
        user=by,
        data={"reason": reason} if reason else None,
    )
    return True


def reinstate(mailbox: Mailbox, *, by=None) -> bool:
    """The mailbox may write again; False if it was not suspended."""
    reinstated = Mailbox.objects.filter(
        pk=mailbox.pk, suspended_at__isnull=False
    ).update(suspended_at=None, suspended_by=None, suspension_reason="")
    mailbox.suspended_at, mailbox.suspended_by, mailbox.suspension_reason = (
        None,
        None,
        "",
    )
    if reinstated:
        log(instance=mailbox, action=action_name("reinstated"), user=by)
    return bool(reinstated)


def dismiss(report: MessageReport, *, by) -> bool:
    """Close an open report without action; False if it was no longer open."""
    now = timezone.now()
    dismissed = MessageReport.objects.filter(
        pk=report.pk, status=ReportStatus.OPEN
    ).update(status=ReportStatus.DISMISSED, handled_by=by, handled_at=now)
    if dismissed:
        report.status, report.handled_by, report.handled_at = (
            ReportStatus.DISMISSED,
            by,
            now,
        )
        log(instance=report, action=action_name("dismissed"), user=by)
    return bool(dismissed)
