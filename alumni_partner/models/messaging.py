"""Messages between members (guide 7, "Mes messages").

A :class:`Mailbox` is where messages arrive: one per member (an alumnus's own)
and one per partner organisation, shared by the partner's users, so that an
alumnus writes to "Helios Énergie" rather than guessing which of its users
reads. A :class:`Thread` is a conversation between two mailboxes; each side's
view of it (unread, archived, deleted for itself) is its
:class:`ThreadParticipant` row, which also carries a copy of the thread's
last activity so that an inbox page is one index range scan, however many
threads the mailbox holds.

The rules (who may write to whom, blocks, suspensions, rate limits) live in
:mod:`alumni_partner.messaging`, not here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The longest message accepted (characters): a letter, not a file.
MESSAGE_MAX_CHARS = 10_000
SUBJECT_MAX_CHARS = 200


class MailboxQuerySet(models.QuerySet):
    def active(self) -> MailboxQuerySet:
        """Mailboxes whose owner can still read: active user or existing partner."""
        return self.filter(Q(user__is_active=True) | Q(partner__isnull=False))


class Mailbox(models.Model):
    """A member's or a partner organisation's messages (exactly one owner)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mailbox",
    )
    partner = models.OneToOneField(
        "alumni_partner.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mailbox",
    )
    email_notices = models.BooleanField(
        _("tell me by e-mail about new messages"),
        default=True,
        help_text=_(
            "One e-mail for a burst of messages; it names the sender and links "
            "to your messages, never their content."
        ),
    )
    # Batching of e-mail notices: set by the first unread message since the
    # last notice, cleared by the notice that reports it.
    notice_pending_since = models.DateTimeField(null=True, blank=True)
    last_notice_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suspended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suspension_reason = models.TextField(_("reason for the suspension"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MailboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, partner__isnull=True)
                    | Q(user__isnull=True, partner__isnull=False)
                ),
                name="mailbox_one_owner",
            )
        ]
        indexes = [
            models.Index(
                fields=["notice_pending_since"],
                name="mailbox_notice_pending",
                condition=Q(notice_pending_since__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name others see: the partner's, or the member's full name."""
        if self.partner_id:
            return self.partner.name
        from ..alumni_accounts import user_display

        return user_display(self.user)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_partner(self) -> bool:
        return self.partner_id is not None

    def notice_addresses(self) -> list[str]:
        """Where e-mail notices go: the member, or the partner's active users."""
        if self.partner_id:
            return sorted(
                {
                    u.email
                    for u in self.partner.members.filter(is_active=True)
                    if u.email
                }
            )
        if self.user.is_active and self.user.email:
            return [self.user.email]
        return []


class Thread(models.Model):
    """A conversation between two mailboxes, named by its subject."""

    # What URLs carry: a guessed number must not open someone's conversation.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_CHARS)
    # SET_NULL: a member who deletes their account takes their mailbox and
    # their messages with them, not the other side's replies.
    started_by = models.ForeignKey(
        Mailbox,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="started_threads",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            # The new-conversations-per-hour limit counts these.
            models.Index(fields=["started_by", "created_at"], name="thread_started")
        ]

    def __str__(self) -> str:
        return self.subject


class ThreadParticipantQuerySet(models.QuerySet):
    def listed(self) -> ThreadParticipantQuerySet:
        """Conversations the mailbox has not deleted for itself."""
        return self.filter(hidden=False)

    def inbox(self) -> ThreadParticipantQuerySet:
        return self.listed().filter(archived=False)

    def archive(self) -> ThreadParticipantQuerySet:
        return self.listed().filter(archived=True)

    def unread(self) -> ThreadParticipantQuerySet:
        return self.listed().filter(unread_count__gt=0)


class ThreadParticipant(models.Model):
    """One mailbox's side of a thread: what it has read, archived or deleted."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="participants"
    )
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.CASCADE, related_name="participations"
    )
    # A copy of the thread's, so that listing a mailbox needs no join to sort.
    last_message_at = models.DateTimeField(default=timezone.now)
    unread_count = models.PositiveIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    archived = models.BooleanField(default=False)
    # "Delete" is for oneself: the thread leaves this mailbox's lists and its
    # messages up to ``cleared_at`` are gone for it; a new message brings the
    # thread back with only what came after.
    hidden = models.BooleanField(default=False)
    cleared_at = models.DateTimeField(null=True, blank=True)

    objects = ThreadParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "mailbox"], name="thread_participant_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["mailbox", "hidden", "archived", "-last_message_at"],
                name="participant_listing",
            ),
            models.Index(
                fields=["mailbox"],
                name="participant_unread",
                condition=Q(unread_count__gt=0, hidden=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} — {self.thread}"

    def visible_messages(self) -> models.QuerySet:
        """The thread's messages this mailbox still has, oldest first."""
        messages = self.thread.messages.all()
        if self.cleared_at is not None:
            messages = messages.filter(created_at__gt=self.cleared_at)
        return messages.order_by("created_at", "pk")


class Message(models.Model):
    """One message of a thread: plain text, shown with links made clickable."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    thread = models.ForeignKey(
        Thread,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    sender = models.ForeignKey(
        Mailbox,
        verbose_name=_("sender"),
        on_delete=models.CASCADE,
        related_name="sent_messages",
    )
    # Who wrote it: the member, or which of the partner's users.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=MESSAGE_MAX_CHARS)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["thread", "created_at"], name="message_thread"),
            models.Index(fields=["sender", "-created_at"], name="message_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} — {self.created_at:%Y-%m-%d %H:%M}"


class MessageBlock(models.Model):
    """``blocker`` refuses any further message from ``blocked``."""

    blocker = models.ForeignKey(
        Mailbox, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("blocked on"), default=timezone.now)

    class Meta:
        verbose_name = _("blocked member")
        verbose_name_plural = _("blocked members")
        constraints = [
            models.UniqueConstraint(
                fields=["blocker", "blocked"], name="message_block_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.blocker} ⊘ {self.blocked}"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DISMISSED = "dismissed", _("Dismissed")
    SUSPENDED = "suspended", _("Sender suspended")


class MessageReport(models.Model):
    """A message a recipient reported to the editors."""

    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reporter = models.ForeignKey(
        Mailbox,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="reports_made",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReportStatus.choices,
        default=ReportStatus.OPEN,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"], name="message_report_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="report_status")]

    def __str__(self) -> str:
        return f"{self.message} ({self.get_status_display()})"
