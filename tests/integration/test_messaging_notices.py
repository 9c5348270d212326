"""E-mail notices of new messages (issue 7): batched, turned off, content-free.

django-q2 runs synchronously in the test settings; each message is stored in
its own transaction (``django_capture_on_commit_callbacks``), as a request
would, so that each commit enqueues what it enqueues.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from alumni_partner import messaging
from alumni_partner.messaging import notices
from alumni_partner.models import Mailbox
from alumni_partner.schedules import MESSAGE_NOTICES
from tests.messaging_helpers import box

pytestmark = pytest.mark.django_db

SECRET_SUBJECT = "SUJET-CONFIDENTIEL"
SECRET_TEXT = "TEXTE-CONFIDENTIEL"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a callable as its own committed transaction (its tasks run after)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def bodies(mail) -> str:
    """The text and the HTML of an e-mail, together."""
    return mail.body + "".join(content for content, _type in mail.alternatives)


def test_a_burst_gives_one_notice_then_one_more_after_the_interval(
    amina, lucas, committed, mailoutbox
):
    a, b = box(amina), box(lucas)
    thread = committed(messaging.start_thread, a, b, "Bonjour", "Message 1")
    for n in range(2, 6):
        committed(messaging.reply, thread, a, f"Message {n}")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [lucas.user.email]
    b.refresh_from_db()
    # Messages 2 to 5 wait for the interval.
    assert b.notice_pending_since is not None
    assert notices.send_due_notices() == 0
    assert len(mailoutbox) == 1

    later = timezone.now() + timedelta(minutes=11)
    assert notices.send_due_notices(now=later) == 1
    assert len(mailoutbox) == 2
    # It covers the four messages that came after the first notice.
    assert re.search("new messages|nouveaux messages", mailoutbox[1].body, re.I)
    # Nothing is left to send, however often the schedule runs.
    assert notices.send_due_notices(now=later + timedelta(minutes=30)) == 0
    assert len(mailoutbox) == 2
    b.refresh_from_db()
    assert b.notice_pending_since is None


def test_the_notice_names_the_sender_and_links_but_shows_no_content(
    amina, lucas, committed, mailoutbox
):
    a, b = box(amina), box(lucas)
    committed(messaging.start_thread, a, b, SECRET_SUBJECT, SECRET_TEXT)

    (mail,) = mailoutbox
    assert "Amina Diallo" in mail.subject
    assert "France Alumni" in mail.subject
    text = bodies(mail)
    assert "Amina Diallo" in text
    assert SECRET_SUBJECT not in mail.subject + text
    assert SECRET_TEXT not in mail.subject + text
    # An absolute link to this mailbox's inbox, and one to turn notices off.
    assert f"http://localhost:8000/messages/?box={b.public_id}" in text
    assert "http://localhost:8000/messages/settings/" in text
    html, content_type = mail.alternatives[0]
    assert content_type == "text/html"
    assert f'href="http://localhost:8000/messages/?box={b.public_id}"' in html
    assert "1 conversation" in mail.body


def test_the_notice_is_in_the_recipients_language(amina, lucas, committed, mailoutbox):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(lucas.user)
    profile.preferred_language = "en"
    profile.save()
    committed(messaging.start_thread, box(amina), box(lucas), "Hi", "Hello")
    (mail,) = mailoutbox
    assert "http://localhost:8000/en/messages/" in mail.body


def test_several_senders_are_named_in_one_notice(
    amina, lucas, thao, committed, mailoutbox
):
    a, b, t = box(amina), box(lucas), box(thao)
    committed(messaging.start_thread, a, b, "Un", "Premier")
    committed(messaging.start_thread, t, b, "Deux", "Second")
    committed(messaging.start_thread, a, b, "Trois", "Troisième")
    assert len(mailoutbox) == 1
    notices.send_due_notices(now=timezone.now() + timedelta(minutes=11))
    assert len(mailoutbox) == 2
    second = mailoutbox[1]
    # Thao first (her message came first since the last notice), then Amina.
    assert "Thao Tran" in second.subject
    assert re.search(r"1 (other|autre)", second.subject)
    assert "Amina Diallo" in second.body and "Thao Tran" in second.body
    assert "3 conversations" in second.body


def test_turned_off_notices_send_nothing(amina, lucas, committed, mailoutbox):
    a, b = box(amina), box(lucas)
    Mailbox.objects.filter(pk=b.pk).update(email_notices=False)
    thread = committed(messaging.start_thread, a, b, "Bonjour", "Texte")
    committed(messaging.reply, thread, a, "Encore")
    notices.send_due_notices(now=timezone.now() + timedelta(hours=1))
    assert mailoutbox == []
    b.refresh_from_db()
    assert b.notice_pending_since is None
    # The sender is never told about their own message.
    a.refresh_from_db()
    assert a.notice_pending_since is None


def test_turned_off_after_the_message_came_sends_nothing(
    amina, lucas, django_capture_on_commit_callbacks, mailoutbox
):
    a, b = box(amina), box(lucas)
    with django_capture_on_commit_callbacks(execute=False) as tasks:
        messaging.start_thread(a, b, "Bonjour", "Texte")
    Mailbox.objects.filter(pk=b.pk).update(email_notices=False)
    for task in tasks:
        task()
    assert mailoutbox == []


def test_a_message_read_before_the_notice_leaves_sends_nothing(
    amina, lucas, django_capture_on_commit_callbacks, mailoutbox
):
    a, b = box(amina), box(lucas)
    with django_capture_on_commit_callbacks(execute=False) as tasks:
        thread = messaging.start_thread(a, b, "Bonjour", "Texte")
    messaging.mark_read(messaging.participation(thread, b))
    for task in tasks:
        task()
    assert mailoutbox == []
    b.refresh_from_db()
    assert b.notice_pending_since is None and b.last_notice_at is None


def test_a_task_delivered_twice_sends_one_notice(
    amina, lucas, django_capture_on_commit_callbacks, mailoutbox
):
    a, b = box(amina), box(lucas)
    with django_capture_on_commit_callbacks(execute=False) as tasks:
        messaging.start_thread(a, b, "Bonjour", "Texte")
    assert len(tasks) == 1
    # The queue delivers the task twice (a redelivery, two workers).
    tasks[0]()
    tasks[0]()
    assert notices.send_notice(b.pk) == 0
    assert len(mailoutbox) == 1


def test_a_partner_mailbox_notice_reaches_each_active_user(
    partner, amina, committed, mailoutbox
):
    User = get_user_model()
    colleague = User.objects.create_user(
        username="colleague@acme.test", email="colleague@acme.test"
    )
    gone = User.objects.create_user(
        username="gone@acme.test", email="gone@acme.test", is_active=False
    )
    partner.members.add(colleague, gone)
    p = messaging.mailbox_of_partner(partner)
    committed(messaging.start_thread, box(amina), p, SECRET_SUBJECT, SECRET_TEXT)

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [partner.members.get(email__startswith="contact").email, colleague.email]
    )
    for mail in mailoutbox:
        assert len(mail.to) == 1
        assert partner.name in mail.body and "Amina Diallo" in mail.body
        assert f"?box={p.public_id}" in mail.body
        assert SECRET_TEXT not in bodies(mail) and SECRET_SUBJECT not in mail.subject


def test_partner_writes_and_the_alumnus_is_told(partner, amina, committed, mailoutbox):
    p = messaging.mailbox_of_partner(partner)
    user = partner.members.get()
    committed(messaging.start_thread, p, box(amina), "Offre", "Bonjour", author=user)
    (mail,) = mailoutbox
    assert mail.to == [amina.user.email]
    assert partner.name in mail.subject
    # The partner's user who wrote is not named: the organisation writes.
    assert user.email not in bodies(mail)


def test_the_schedule_sends_held_notices_through_django_q(
    amina, lucas, committed, mailoutbox
):
    schedule = Schedule.objects.get(name=MESSAGE_NOTICES)
    assert schedule.func == "alumni_partner.messaging.notices.send_due_notices"
    assert schedule.repeats == -1 and schedule.minutes == 1
    a, b = box(amina), box(lucas)
    thread = committed(messaging.start_thread, a, b, "Bonjour", "Un")
    committed(messaging.reply, thread, a, "Deux")
    assert len(mailoutbox) == 1
    # The interval is over (as if ten minutes had passed).
    Mailbox.objects.filter(pk=b.pk).update(
        last_notice_at=timezone.now() - timedelta(minutes=11)
    )
    async_task(schedule.func)
    assert len(mailoutbox) == 2


def test_a_report_tells_the_editors_without_the_message(
    editor, partner, amina, lucas, committed, mailoutbox
):
    a, b = box(amina), box(lucas)
    thread = committed(messaging.start_thread, a, b, SECRET_SUBJECT, SECRET_TEXT)
    mailoutbox.clear()
    message = thread.messages.get()
    report = committed(
        messaging.report, message, b, "RAISON-CONFIDENTIELLE", user=lucas.user
    )

    (mail,) = mailoutbox
    assert mail.to == [editor.email]
    assert "Amina Diallo" in mail.subject
    text = bodies(mail)
    assert f"http://localhost:8000/admin/message-reports/{report.pk}/" in text
    for secret in (SECRET_SUBJECT, SECRET_TEXT, "RAISON-CONFIDENTIELLE"):
        assert secret not in mail.subject + text
    # A second report of the same message by the same member tells nobody.
    committed(messaging.report, message, b, "Encore", user=lucas.user)
    assert len(mailoutbox) == 1


def test_a_report_handled_before_the_task_runs_tells_nobody(
    editor, amina, lucas, django_capture_on_commit_callbacks, mailoutbox
):
    a, b = box(amina), box(lucas)
    thread = messaging.start_thread(a, b, "Sujet", "Texte")
    with django_capture_on_commit_callbacks(execute=False) as tasks:
        report = messaging.report(thread.messages.get(), b, "Spam")
    messaging.dismiss(report, by=editor)
    for task in tasks:
        task()
    assert mailoutbox == []
