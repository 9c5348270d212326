"""Demo mailings (guide 6): one sent, one awaiting validation, one draft.

The sent one has a believable history (sent three days ago, opens over the
following days, one unsubscription) written straight into its recipient rows:
the demo's worker must not e-mail thousands of synthetic alumni to the
console. The one awaiting validation goes to the three demo members only, so
an editor can approve it in the demo and watch it leave.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from .mailing import lifecycle, recipients
from .models import (
    AlumniProfile,
    Mailing,
    MailingRecipient,
    MailingStatus,
    MailingUnsubscribe,
    Partner,
    RecipientStatus,
)

SENT_SUBJECT = "Forum des métiers de l'énergie : inscrivez-vous"
PENDING_SUBJECT = "Visite de notre centrale solaire de Ouarzazate"
DRAFT_SUBJECT = "Nos offres de stage pour l'été"
MEMBERS = "amina@alumni.test, lucas@alumni.test, thao@alumni.test"

BODY = (
    "<p>Bonjour {first_name},</p>"
    "<p>{partner} vous invite à son <b>forum des métiers de l'énergie</b>, le "
    "12 décembre à Casablanca : rencontres avec nos ingénieurs, ateliers CV et "
    "visites de sites.</p>"
    "<ul><li>Inscription gratuite</li><li>Places limitées</li></ul>"
    '<p><a href="https://example.org/forum">Programme et inscription</a></p>'
    "<p>À bientôt,<br>L'équipe {partner}</p>"
)


def seed_mailings(partner: Partner, author, editor, *, seed: int = 2026) -> int:
    """Give ``partner`` its demo mailings; idempotent. Returns how many were made."""
    if partner.mailings.exists():
        return 0
    rng = random.Random(seed)
    _consent_to_open_tracking(rng)
    with transaction.atomic():
        _sent_mailing(partner, author, editor, rng)
        pending = _mailing(partner, author, PENDING_SUBJECT, followers=False)
        pending.extra_addresses = MEMBERS
        pending.save()
        recipients.resolve(pending)
        lifecycle.submit(pending, author)
        draft = _mailing(partner, author, DRAFT_SUBJECT, followers=True)
        recipients.resolve(draft)
    return 3


def _consent_to_open_tracking(rng: random.Random) -> None:
    """Half of the consenting alumni also accept open tracking."""
    consenting = AlumniProfile.objects.filter(accepts_partner_mailings=True)
    ids = consenting.values_list("pk", flat=True)
    chosen = [pk for pk in ids if rng.random() < 0.5]
    AlumniProfile.objects.filter(pk__in=chosen).update(accepts_open_tracking=True)


def _mailing(partner: Partner, author, subject: str, *, followers: bool) -> Mailing:
    mailing = Mailing.objects.create(
        partner=partner,
        created_by=author,
        sender_name=partner.name,
        sender_email=author.email,
        subject=subject,
        body=BODY.replace("{partner}", partner.name),
        include_followers=followers,
    )
    lifecycle.record(mailing, "created", author)
    return mailing


def _sent_mailing(partner: Partner, author, editor, rng: random.Random) -> None:
    mailing = _mailing(partner, author, SENT_SUBJECT, followers=True)
    recipients.resolve(mailing)
    started = timezone.now() - datetime.timedelta(days=3, hours=2)
    lifecycle.record(mailing, "submitted", author)
    lifecycle.record(mailing, "approved", editor, comment="")
    lifecycle.record(mailing, "started")
    rows = list(mailing.recipients.order_by("pk"))
    for index, row in enumerate(rows):
        row.sent_at = started + datetime.timedelta(seconds=index // 20)
        # A few addresses the relay refused for good.
        if rng.random() < 0.01:
            row.status, row.last_error = RecipientStatus.FAILED, "550 mailbox unknown"
            row.sent_at = None
            continue
        row.status = RecipientStatus.SENT
        if row.track_opens and rng.random() < 0.45:
            row.first_opened_at = row.sent_at + datetime.timedelta(
                hours=rng.expovariate(1 / 14)
            )
            row.open_count = 1 + int(rng.expovariate(1.5))
    MailingRecipient.objects.bulk_update(
        rows,
        ["status", "sent_at", "last_error", "first_opened_at", "open_count"],
        batch_size=500,
    )
    if rows:
        MailingUnsubscribe.objects.get_or_create(
            partner=partner, email=rows[-1].email, defaults={"mailing": mailing}
        )
    Mailing.objects.filter(pk=mailing.pk).update(
        status=MailingStatus.SENT,
        submitted_at=started - datetime.timedelta(hours=20),
        reviewed_by=editor,
        reviewed_at=started - datetime.timedelta(hours=1),
        started_at=started,
        finished_at=started + datetime.timedelta(seconds=len(rows) // 20 + 1),
    )
    mailing.refresh_from_db()
    lifecycle.record(mailing, "finished", **lifecycle.sending_summary(mailing))
