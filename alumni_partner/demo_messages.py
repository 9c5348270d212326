"""Demo conversations (guide 7, "Mes messages"): the demo members and Helios Énergie.

After ``make demo``, ``partner@alumni.test`` finds unread messages behind
"Mes messages" (Thảo's application, Amina's answer), and the members find
conversations in their inbox, one of them between two alumni (Amina and
Lucas). The messages go through the messaging rules, then are dated over
the past days. No notice e-mail leaves for them: the marks that would wake
the notices are cleared in the same transaction, so the queued tasks find
nothing to send.

Idempotent: a conversation already started by the same mailbox under the
same subject is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import messaging
from .models import Mailbox, Message, Partner, Thread, ThreadParticipant

HELIOS = "helios"


@dataclass(frozen=True)
class Line:
    """One message: who writes (an e-mail or :data:`HELIOS`), when, what."""

    author: str
    hours_ago: float
    text: str


@dataclass(frozen=True)
class Conversation:
    subject: str
    lines: tuple[Line, ...]
    #: Who has read everything (the others keep their unread messages).
    read_by: tuple[str, ...] = ()


CONVERSATIONS = (
    Conversation(
        "Candidature spontanée : data et énergie",
        (
            Line(
                "thao@alumni.test",
                5,
                "Bonjour,\n\nDéveloppeuse à Hanoï (Université Paris-Saclay, "
                "promotion 2021), je m'intéresse à vos projets de suivi des "
                "centrales solaires. Recrutez-vous en data science ?\n\n"
                "Mon profil : https://www.example.org/thao\n\nBien cordialement,\nThảo",
            ),
        ),
    ),
    Conversation(
        "Forum des métiers de l'énergie",
        (
            Line(
                HELIOS,
                72,
                "Bonjour Amina,\n\nNous organisons un forum des métiers de "
                "l'énergie à Lyon le mois prochain. Votre expérience au Sénégal "
                "intéresserait beaucoup nos équipes : accepteriez-vous de "
                "témoigner lors d'une table ronde ?\n\nL'équipe Helios Énergie",
            ),
            Line(
                "amina@alumni.test",
                50,
                "Bonjour,\n\nAvec plaisir ! Pouvez-vous m'envoyer le programme ?",
            ),
            Line(
                HELIOS,
                48,
                "Merci Amina ! Le programme : https://example.org/forum "
                "— nous vous appelons cette semaine.",
            ),
            Line(
                "amina@alumni.test",
                2,
                "Parfait, je suis disponible jeudi après-midi.",
            ),
        ),
        read_by=("amina@alumni.test",),
    ),
    Conversation(
        "Retrouvailles de la promo 2019",
        (
            Line(
                "lucas@alumni.test",
                120,
                "Salut Amina !\n\nOn organise un dîner des anciens de Paris en "
                "visio le mois prochain, tu serais partante ?",
            ),
            Line(
                "amina@alumni.test",
                100,
                "Salut Lucas, oui bien sûr ! Envoie-moi la date.",
            ),
            Line(
                "lucas@alumni.test",
                26,
                "Ce sera le 14, à 19 h (heure de Paris). À bientôt !",
            ),
        ),
    ),
)


def _mailboxes(helios: Partner) -> dict[str, Mailbox]:
    boxes = {HELIOS: messaging.mailbox_of_partner(helios)}
    emails = {line.author for c in CONVERSATIONS for line in c.lines} - {HELIOS}
    for user in get_user_model().objects.filter(email__in=emails):
        boxes[user.email] = messaging.mailbox_of_user(user)
    return boxes


def _write(conversation: Conversation, boxes, authors) -> Thread:
    """The conversation through the messaging rules, then dated in the past."""
    first, *rest = conversation.lines
    others = [line.author for line in conversation.lines if line.author != first.author]
    recipient = boxes[others[0]] if others else None
    if recipient is None:  # a monologue: to Helios
        recipient = boxes[HELIOS]
    thread = messaging.start_thread(
        boxes[first.author],
        recipient,
        conversation.subject,
        first.text,
        author=authors.get(first.author),
    )
    for line in rest:
        messaging.reply(
            thread, boxes[line.author], line.text, author=authors.get(line.author)
        )
    now = timezone.now()
    messages = list(thread.messages.order_by("created_at", "pk"))
    for message, line in zip(messages, conversation.lines, strict=True):
        Message.objects.filter(pk=message.pk).update(
            created_at=now - timedelta(hours=line.hours_ago)
        )
    started = now - timedelta(hours=first.hours_ago)
    last = now - timedelta(hours=conversation.lines[-1].hours_ago)
    Thread.objects.filter(pk=thread.pk).update(created_at=started, last_message_at=last)
    parts = ThreadParticipant.objects.filter(thread=thread)
    parts.update(last_message_at=last)
    for who in {first.author, *others}:
        # One has read up to one's own last message (one answered it), or
        # everything if listed in ``read_by``; what came after is unread.
        own = [n for n, line in enumerate(conversation.lines) if line.author == who]
        read_up_to = (
            len(conversation.lines) - 1
            if who in conversation.read_by
            else (own[-1] if own else -1)
        )
        unread = len(conversation.lines) - 1 - read_up_to
        read_at = (
            now - timedelta(hours=conversation.lines[read_up_to].hours_ago)
            if read_up_to >= 0
            else None
        )
        parts.filter(mailbox=boxes[who]).update(
            unread_count=unread, last_read_at=read_at
        )
    return thread


def seed_messages(helios: Partner, partner_user) -> int:
    """The demo conversations; idempotent. Returns how many were started."""
    boxes = _mailboxes(helios)
    authors = {HELIOS: partner_user}
    authors.update({email: box.user for email, box in boxes.items() if box.user_id})
    started = 0
    with transaction.atomic():
        for conversation in CONVERSATIONS:
            needed = {line.author for line in conversation.lines}
            if not needed <= boxes.keys():
                continue  # a demo member is missing: seed_members makes them
            first = conversation.lines[0].author
            if Thread.objects.filter(
                started_by=boxes[first], subject=conversation.subject
            ).exists():
                continue
            _write(conversation, boxes, authors)
            started += 1
        # No notice for made-up messages: the queued tasks find nothing to do.
        Mailbox.objects.filter(pk__in=[box.pk for box in boxes.values()]).update(
            notice_pending_since=None
        )
    return started
