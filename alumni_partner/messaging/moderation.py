"""What editors do with reports: dismiss them, suspend or reinstate a sender."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Mailbox, MessageReport, ReportStatus


@transaction.atomic
def suspend(mailbox: Mailbox, *, by, reason: str = "") -> None:
    """The mailbox may no longer write; its open reports are settled with it."""
    now = timezone.now()
    Mailbox.objects.filter(pk=mailbox.pk).update(
        suspended_at=now, suspended_by=by, suspension_reason=reason
    )
    mailbox.suspended_at, mailbox.suspended_by, mailbox.suspension_reason = (
        now,
        by,
        reason,
    )
    MessageReport.objects.filter(
        message__sender=mailbox, status=ReportStatus.OPEN
    ).update(status=ReportStatus.SUSPENDED, handled_by=by, handled_at=now)


def reinstate(mailbox: Mailbox) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(
        suspended_at=None, suspended_by=None, suspension_reason=""
    )
    mailbox.suspended_at = None


def dismiss(report: MessageReport, *, by) -> bool:
    """Close an open report without action; False if it was no longer open."""
    return bool(
        MessageReport.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
            status=ReportStatus.DISMISSED, handled_by=by, handled_at=timezone.now()
        )
    )
