"""Mailings a partner sends to alumni (guide 6), their recipients and files.

The lifecycle (save, submit, approve or reject, send, stop, resume, copy) lives
in :mod:`alumni_partner.mailing.lifecycle`; who receives a mailing in
:mod:`alumni_partner.mailing.recipients`; the sending engine in
:mod:`alumni_partner.mailing.engine`. The models hold the state those modules
move between, and the rules that read it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField

from ..storage import private_storage_of

#: Draftail features of a mailing's message: what renders the same in mail clients.
MAILING_FEATURES = ["bold", "italic", "link", "ul", "ol", "h2", "h3"]


class MailingStatus(models.TextChoices):
    """Where a mailing is in its life.

    draft → submitted → approved → sending → sent, with rejected (back to the
    partner, with the editor's comment) and stopped (halted by a partner or an
    editor; resuming goes back to sending) on the side. A draft, a submitted, a
    rejected and an approved mailing waiting for its date are "pending"
    (guide: "Mails en attente"); sending, stopped and sent ones are "sent".
    """

    DRAFT = "draft", _("Saved")
    SUBMITTED = "submitted", _("Awaiting validation")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    SENDING = "sending", _("Sending")
    STOPPED = "stopped", _("Stopped")
    SENT = "sent", _("Sent")


PENDING_STATUSES = (
    MailingStatus.DRAFT,
    MailingStatus.SUBMITTED,
    MailingStatus.REJECTED,
    MailingStatus.APPROVED,
)
SENT_STATUSES = (MailingStatus.SENDING, MailingStatus.STOPPED, MailingStatus.SENT)
#: A partner may edit (and delete) a mailing only before it starts.
EDITABLE_STATUSES = PENDING_STATUSES


class MailingQuerySet(models.QuerySet):
    def for_user(self, user) -> MailingQuerySet:
        """Mailings of the partners ``user`` works for; every mailing for an editor."""
        from ..permissions import is_editor

        if not user.is_authenticated:
            return self.none()
        shown = self.filter(deleted_at__isnull=True)
        if is_editor(user):
            return shown
        return shown.filter(partner__members=user)

    def pending(self) -> MailingQuerySet:
        return self.filter(status__in=PENDING_STATUSES)

    def sent(self) -> MailingQuerySet:
        return self.filter(status__in=SENT_STATUSES)

    def awaiting_validation(self) -> MailingQuerySet:
        return self.filter(status=MailingStatus.SUBMITTED, deleted_at__isnull=True)

    def due(self, now=None) -> MailingQuerySet:
        """Approved mailings whose time has come (no date: at once)."""
        now = now or timezone.now()
        return self.filter(status=MailingStatus.APPROVED).filter(
            Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now)
        )

    def with_statistics(self) -> MailingQuerySet:
        """Annotates the counts the lists show, in one query."""
        status = "recipients__status"
        return self.annotate(
            sent_count=Count("recipients", filter=Q(**{status: RecipientStatus.SENT})),
            failed_count=Count(
                "recipients", filter=Q(**{status: RecipientStatus.FAILED})
            ),
            opened_count=Count(
                "recipients", filter=Q(recipients__first_opened_at__isnull=False)
            ),
        )


class Mailing(models.Model):
    """A partner's e-mail to alumni, sent only once an editor validated it.

    ``From`` is always the platform's address (no partner can spoof another
    domain); ``sender_name`` and ``sender_email`` show as the display name and
    ``Reply-To``.
    """

    partner = models.ForeignKey(
        "alumni_partner.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="mailings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("prepared on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    sender_name = models.CharField(_("sender name"), max_length=100)
    sender_email = models.EmailField(
        _("sender e-mail"),
        help_text=_("Replies go to this address."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = RichTextField(
        _("message"),
        features=MAILING_FEATURES,
        help_text=_(
            "{first_name} and {last_name} are replaced by each recipient's names."
        ),
    )
    scheduled_at = models.DateTimeField(
        _("deferred send"),
        null=True,
        blank=True,
        help_text=_("Leave empty to send as soon as the mailing is validated."),
    )

    # --- recipients (guide 6: followers, extra addresses, a file, saved lists)
    include_followers = models.BooleanField(
        _("alumni following our page"),
        default=True,
        help_text=_("Those of them who accept partners' mailings."),
    )
    extra_addresses = models.TextField(
        _("additional recipients"),
        blank=True,
        help_text=_("One address a line, or separated by commas or semicolons."),
    )
    recipient_lists = models.ManyToManyField(
        "alumni_partner.RecipientList",
        verbose_name=_("saved lists"),
        blank=True,
        related_name="mailings",
    )
    #: The addresses read from the last recipient file; editing the mailing
    #: empties it (guide 6: the file must be imported again).
    file_name = models.CharField(_("recipient file"), max_length=255, blank=True)
    file_addresses = models.JSONField(default=list, blank=True, editable=False)

    # --- what resolving the recipients found (mailing.recipients) ------------
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    #: Addresses left out because they unsubscribed or did not consent.
    removed_count = models.PositiveIntegerField(_("removed"), default=0)
    #: Addresses that are not e-mail addresses, as typed or read (a sample).
    invalid_addresses = models.JSONField(default=list, blank=True, editable=False)

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MailingStatus.choices,
        default=MailingStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("validated on"), null=True, blank=True)
    review_comment = models.TextField(_("editor's comment"), blank=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    #: A mailing deleted after it started leaves the screens but keeps its
    #: recipient rows: the unsubscribe links it carried must keep working.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copy of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )

    objects = MailingQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    # --- rules ----------------------------------------------------------

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def may_submit(self) -> bool:
        return self.status in (MailingStatus.DRAFT, MailingStatus.REJECTED)

    @property
    def may_stop(self) -> bool:
        return self.status in (MailingStatus.SENDING, MailingStatus.APPROVED)

    @property
    def may_resume(self) -> bool:
        return self.status == MailingStatus.STOPPED

    def is_due(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == MailingStatus.APPROVED and (
            self.scheduled_at is None or self.scheduled_at <= now
        )

    def statistics(self) -> dict[str, int]:
        """Counts of the "sent" screen, from the recipient rows (one query)."""
        rows = self.recipients.aggregate(
            total=Count("id"),
            pending=Count("id", filter=Q(status=RecipientStatus.PENDING)),
            sending=Count("id", filter=Q(status=RecipientStatus.SENDING)),
            sent=Count("id", filter=Q(status=RecipientStatus.SENT)),
            failed=Count("id", filter=Q(status=RecipientStatus.FAILED)),
            unknown=Count("id", filter=Q(status=RecipientStatus.UNKNOWN)),
            skipped=Count("id", filter=Q(status=RecipientStatus.SKIPPED)),
            trackable=Count(
                "id", filter=Q(status=RecipientStatus.SENT, track_opens=True)
            ),
            opened=Count("id", filter=Q(first_opened_at__isnull=False)),
            opens=models.Sum("open_count", default=0),
        )
        rows["unsubscribed"] = self.unsubscribes.count()
        return rows


class RecipientSource(models.TextChoices):
    FOLLOWER = "follower", _("Follower")
    LIST = "list", _("Saved list")
    EXTRA = "extra", _("Additional recipient")
    FILE = "file", _("Recipient file")


class RecipientStatus(models.TextChoices):
    """One recipient's delivery state (DESIGN.md §10, "delivery is not once-only").

    pending → sending (claimed by a worker) → sent | failed; a temporary
    failure goes back to pending with a later ``next_attempt_at``. A row left in
    sending by a worker that died may have been sent: it becomes unknown and is
    never sent again. skipped: unsubscribed or consent withdrawn after the
    mailing was prepared.
    """

    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown (interrupted)")
    SKIPPED = "skipped", _("Skipped (unsubscribed)")


class MailingRecipient(models.Model):
    """One address of one mailing: the unit the engine claims, sends and marks."""

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="recipients"
    )
    #: Lower-cased; unique per mailing, so an address never gets a mailing twice.
    email = models.EmailField(_("e-mail"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    profile = models.ForeignKey(
        "alumni_partner.AlumniProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=RecipientSource.choices
    )
    #: Whether the recipient consented to open tracking: no consent, no pixel.
    track_opens = models.BooleanField(default=False)

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RecipientStatus.choices,
        default=RecipientStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: Set with status "sending": which claim holds the row, and since when
    #: (refreshed while the batch runs; an old one means its worker died).
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("error"), max_length=500, blank=True)

    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("opens"), default=0)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "email"], name="mailing_recipient_once"
            )
        ]
        indexes = [
            models.Index(fields=["mailing", "status"], name="mailing_rcpt_status"),
            models.Index(fields=["claim"], name="mailing_rcpt_claim"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def attachment_path(instance: MailingAttachment, filename: str) -> str:
    # A random folder: two mailings' "programme.pdf" never overwrite each other.
    return f"mailings/{uuid.uuid4().hex}/{filename}"


class MailingAttachment(models.Model):
    """A file sent with every copy of a mailing, kept outside MEDIA_ROOT."""

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage_of
    )
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MailingUnsubscribe(models.Model):
    """An address that left a partner's mailings, for good.

    Keyed by partner and address (not profile), so an address typed in by hand
    or read from a file is refused too.
    """

    partner = models.ForeignKey(
        "alumni_partner.Partner",
        on_delete=models.CASCADE,
        related_name="unsubscribes",
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    mailing = models.ForeignKey(
        Mailing,
        verbose_name=_("from the mailing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="unsubscribes",
    )
    created_at = models.DateTimeField(_("unsubscribed on"), auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "email"], name="mailing_unsubscribe_once"
            )
        ]

    def __str__(self) -> str:
        return self.email
