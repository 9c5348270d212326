"""E-mail notices of new messages, and the editors' notice of a report.

A notice names who wrote and how many conversations are unread, with a link
to the inbox and one to turn notices off: never a subject, never a word of a
message (issue 7: "no private content beyond the sender and a link").

Batching. :func:`message_arrived` runs inside the transaction that stores a
message. For each recipient mailbox that wants notices it sets
``notice_pending_since`` if it was empty (a conditional UPDATE), and only
then, once the transaction commits, enqueues :func:`send_notice` through
django-q2. The task sends when no notice left in the last
``MESSAGE_NOTICE_MINUTES``; otherwise the mailbox stays pending, and the
``MESSAGE_NOTICES`` schedule (:func:`send_due_notices`, every minute) sends
it once the interval is over. A burst of messages therefore gives one e-mail
at once and at most one more after the interval, covering the rest.

The database decides who gets mail, not the queue (django-q2 may deliver a
task twice, DESIGN.md §10): a notice is claimed by one UPDATE that empties
``notice_pending_since`` and stamps ``last_notice_at``, guarded by both, so a
task delivered twice or two workers at once send one e-mail. A worker dying
between the claim and the send loses that notice: a notice is at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.utils import get_admin_base_url

from ..conf import partner_settings
from ..models import Mailbox, Message, MessageReport, ReportStatus, ThreadParticipant

NOTICE_TASK = "alumni_partner.messaging.notices.send_notice"
REPORT_TASK = "alumni_partner.messaging.notices.send_report_notice"
#: A notice names at most this many senders, then "and N others".
NAMED_SENDERS = 3
#: The schedule settles at most this many mailboxes a run (the next run
#: takes the rest a minute later).
DUE_BATCH = 500

TEMPLATES = "alumni_partner/emails"


# --- when a message arrives ----------------------------------------------------


def message_arrived(mailboxes, sender: Mailbox) -> None:
    """``mailboxes`` have a new message from ``sender``: schedule their notice.

    Called inside the transaction that stores the message; nothing is
    enqueued unless it commits.
    """
    now = timezone.now()
    for mailbox in mailboxes:
        if mailbox.pk == sender.pk or not mailbox.email_notices:
            continue
        if not mailbox.notice_addresses():
            continue
        # Only the first message since the last notice enqueues a task: the
        # later ones are covered by it, or by the schedule if it is held back.
        marked = Mailbox.objects.filter(
            pk=mailbox.pk, email_notices=True, notice_pending_since__isnull=True
        ).update(notice_pending_since=now)
        if marked:
            transaction.on_commit(_enqueue_notice(mailbox.pk))


def _enqueue_notice(mailbox_id: int):
    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(
            NOTICE_TASK,
            mailbox_id,
            task_name=f"message-notice-{mailbox_id}",
            group="message_notices",
        )

    return enqueue


# --- the notice's content --------------------------------------------------------


@dataclass
class Notice:
    """What one notice tells: who wrote, and how many conversations are unread."""

    mailbox: Mailbox
    senders: list[str]
    new_messages: int
    unread_conversations: int

    @property
    def named(self) -> list[str]:
        return self.senders[:NAMED_SENDERS]

    @property
    def others(self) -> int:
        return max(0, len(self.senders) - NAMED_SENDERS)


def _new_since(mailbox: Mailbox, since: datetime | None) -> Notice | None:
    """The messages that came for ``mailbox`` after ``since`` and are still unread.

    ``since`` is the last notice (``None``: never told). ``None`` when there
    are none (read or deleted in the meantime): there is nothing to tell.
    """
    unread_threads = ThreadParticipant.objects.filter(mailbox=mailbox).unread()
    arrived = Message.objects.filter(
        thread__in=unread_threads.values("thread")
    ).exclude(sender=mailbox)
    if since is not None:
        arrived = arrived.filter(created_at__gt=since)
    firsts = (
        arrived.values("sender")
        .annotate(first=Min("created_at"))
        .order_by("first", "sender")
    )
    sender_ids = [row["sender"] for row in firsts]
    if not sender_ids:
        return None
    boxes = Mailbox.objects.select_related("user", "partner").in_bulk(sender_ids)
    return Notice(
        mailbox=mailbox,
        senders=[boxes[pk].display_name for pk in sender_ids if pk in boxes],
        new_messages=arrived.count(),
        unread_conversations=unread_threads.count(),
    )


def site_name() -> str:
    """The network's name as members know it (the default Site's)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and site.site_name:
        return site.site_name
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or "Wagtail"


def notice_subject(notice: Notice, site: str) -> str:
    """ "New message from Helios Énergie on France Alumni", or "... and 2 others"."""
    first = notice.senders[0]
    if len(notice.senders) == 1:
        text = ngettext(
            "New message from %(sender)s on %(site)s",
            "New messages from %(sender)s on %(site)s",
            notice.new_messages,
        )
        return text % {"sender": first, "site": site}
    others = len(notice.senders) - 1
    text = ngettext(
        "New messages from %(sender)s and %(others)d other on %(site)s",
        "New messages from %(sender)s and %(others)d others on %(site)s",
        others,
    )
    return text % {"sender": first, "others": others, "site": site}


def senders_text(notice: Notice) -> str:
    """ "Amina Diallo", "Amina Diallo and Lucas Martin", "A, B, C and 2 others"."""
    names = list(notice.named)
    if notice.others:
        names.append(
            ngettext("%(count)d other", "%(count)d others", notice.others)
            % {"count": notice.others}
        )
    return str(get_text_list(names, _("and")))


def notice_lines(notice: Notice) -> dict[str, str]:
    """The notice's two sentences, shared by its text and HTML versions."""
    senders = senders_text(notice)
    if notice.mailbox.is_partner:
        headline = ngettext(
            "%(mailbox)s has a new message from %(senders)s.",
            "%(mailbox)s has new messages from %(senders)s.",
            notice.new_messages,
        ) % {"mailbox": notice.mailbox.display_name, "senders": senders}
    else:
        headline = ngettext(
            "You have a new message from %(senders)s.",
            "You have new messages from %(senders)s.",
            notice.new_messages,
        ) % {"senders": senders}
    unread = ngettext(
        "%(count)d conversation is unread.",
        "%(count)d conversations are unread.",
        notice.unread_conversations,
    ) % {"count": notice.unread_conversations}
    return {"headline": headline, "unread_line": unread}


def _one_line(text: str) -> str:
    # A header never carries a line break (a display name could hold one).
    return " ".join(str(text).split())


def _absolute(path: str) -> str:
    return get_admin_base_url() + path


def notice_links(mailbox: Mailbox) -> dict[str, str]:
    """The inbox (this mailbox's) and the page that turns notices off, absolute.

    Reversed in the active language, so that each recipient lands on the
    site in the language of their e-mail.
    """
    inbox = reverse("alumni_partner:messages_inbox") + f"?box={mailbox.public_id}"
    settings_url = (
        reverse("alumni_partner:messages_settings") + f"?box={mailbox.public_id}"
    )
    return {"inbox_url": _absolute(inbox), "settings_url": _absolute(settings_url)}


def _recipients(mailbox: Mailbox) -> list:
    """The users a notice goes to: the member, or the partner's active users.

    The same people as :meth:`Mailbox.notice_addresses`, as users so that
    each gets the e-mail in their own language; one e-mail per address.
    """
    if mailbox.partner_id:
        users = mailbox.partner.members.filter(is_active=True).exclude(email="")
    else:
        users = (
            get_user_model()
            .objects.filter(pk=mailbox.user_id, is_active=True)
            .exclude(email="")
        )
    seen, result = set(), []
    for user in users.order_by("pk"):
        if user.email.lower() not in seen:
            seen.add(user.email.lower())
            result.append(user)
    return result


def _language(user) -> str:
    # The language the user chose (Wagtail's profile), else the site's: the
    # same rule as the other notifications.
    from ..mailing.notifications import preferred_language

    return preferred_language(user)


def build_notices(notice: Notice) -> list[EmailMultiAlternatives]:
    """One e-mail per recipient of ``notice.mailbox``, each in its language."""
    site = site_name()
    messages = []
    for user in _recipients(notice.mailbox):
        with translation.override(_language(user)):
            context = {
                "notice": notice,
                "mailbox": notice.mailbox,
                "site_name": site,
                "user": user,
                **notice_lines(notice),
                **notice_links(notice.mailbox),
            }
            message = EmailMultiAlternatives(
                subject=_one_line(notice_subject(notice, site)),
                body=render_to_string(f"{TEMPLATES}/message_notice.txt", context),
                to=[user.email],
            )
            message.attach_alternative(
                render_to_string(f"{TEMPLATES}/message_notice.html", context),
                "text/html",
            )
        messages.append(message)
    return messages


def _send(messages: list) -> int:
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


# --- the tasks -------------------------------------------------------------------


def _interval() -> timedelta:
    return timedelta(minutes=partner_settings.MESSAGE_NOTICE_MINUTES)


def _claim(mailbox: Mailbox, now: datetime) -> bool:
    """Take the pending notice for sending: true for one caller only."""
    return bool(
        Mailbox.objects.filter(pk=mailbox.pk, notice_pending_since__isnull=False)
        .filter(
            Q(last_notice_at__isnull=True) | Q(last_notice_at__lte=now - _interval())
        )
        .update(notice_pending_since=None, last_notice_at=now)
    )


def _forget(mailbox: Mailbox, pending: datetime) -> None:
    """Nothing to tell any more: clear the mark, unless a newer one replaced it."""
    Mailbox.objects.filter(pk=mailbox.pk, notice_pending_since=pending).update(
        notice_pending_since=None
    )


def send_notice(mailbox_id: int, now: datetime | None = None) -> int:
    """The task: e-mail ``mailbox``'s pending notice if the interval allows.

    Returns how many e-mails left (0: nothing pending, nothing unread any
    more, notices turned off, held back by the interval, or another worker
    sent it).
    """
    now = now or timezone.now()
    mailbox = (
        Mailbox.objects.select_related("user", "partner").filter(pk=mailbox_id).first()
    )
    if mailbox is None or mailbox.notice_pending_since is None:
        return 0
    pending = mailbox.notice_pending_since
    if not mailbox.email_notices:
        _forget(mailbox, pending)
        return 0
    # What came since the last notice (not since the mark: the mark is set a
    # moment after the first message is stored).
    notice = _new_since(mailbox, mailbox.last_notice_at)
    if notice is None:
        _forget(mailbox, pending)
        return 0
    if not _claim(mailbox, now):
        return 0
    return _send(build_notices(notice))


def due_mailboxes(now: datetime | None = None):
    """Mailboxes whose notice waits and whose interval is over (ids)."""
    now = now or timezone.now()
    return (
        Mailbox.objects.filter(notice_pending_since__isnull=False)
        .filter(
            Q(last_notice_at__isnull=True) | Q(last_notice_at__lte=now - _interval())
        )
        .order_by("notice_pending_since")
        .values_list("pk", flat=True)
    )


def send_due_notices(now: datetime | None = None) -> int:
    """The schedule: send the notices the interval held back, or a lost task's.

    Idempotent (each notice is claimed), so a replayed run sends nothing
    twice. Returns how many e-mails left.
    """
    now = now or timezone.now()
    return sum(send_notice(pk, now) for pk in list(due_mailboxes(now)[:DUE_BATCH]))


# --- reports -------------------------------------------------------------------


def report_filed(report: MessageReport) -> None:
    """A message was reported: the editors are told, once this commits."""
    pk = report.pk

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(
            REPORT_TASK,
            pk,
            task_name=f"message-report-{pk}",
            group="message_notices",
        )

    transaction.on_commit(enqueue)


def editors_to_notify():
    """Active editors (and superusers) with an address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return (
        users.filter(
            Q(is_superuser=True) | Q(groups__name=partner_settings.EDITORS_GROUP)
        )
        .distinct()
        .order_by("pk")
    )


def send_report_notice(report_id: int) -> int:
    """The task: e-mail the editors a link to the report. How many were sent.

    The e-mail names the sender and the reporter and links to the report's
    page in the admin; the message and the reason are read there, not in a
    mailbox.
    """
    report = (
        MessageReport.objects.select_related(
            "message__sender__user",
            "message__sender__partner",
            "reporter__user",
            "reporter__partner",
        )
        .filter(pk=report_id, status=ReportStatus.OPEN)
        .first()
    )
    if report is None:  # handled or gone meanwhile
        return 0
    from ..messaging_admin.viewsets import report_url

    sender = report.message.sender
    context = {
        "report": report,
        "sender_name": sender.display_name,
        "reporter_name": report.reporter.display_name,
        "open_reports": MessageReport.objects.filter(
            message__sender=sender, status=ReportStatus.OPEN
        ).count(),
        "report_url": _absolute(report_url(report.pk)),
    }
    messages = []
    for user in editors_to_notify():
        with translation.override(_language(user)):
            subject = _("Message reported: from %(sender)s") % {
                "sender": sender.display_name
            }
            body = render_to_string(
                f"{TEMPLATES}/message_report.txt", {**context, "user": user}
            )
        messages.append(
            EmailMultiAlternatives(
                subject=_one_line(subject), body=body, to=[user.email]
            )
        )
    return _send(messages)
