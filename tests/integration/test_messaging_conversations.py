"""The messaging rules without HTTP: threads, replies, counts, blocks, reports."""

from __future__ import annotations

import pytest

from alumni_partner import messaging
from alumni_partner.models import (
    MessageReport,
    ReportStatus,
    Thread,
    ThreadParticipant,
)


def boxes(*profiles):
    return [messaging.mailbox_of_user(p.user) for p in profiles]


def test_a_thread_counts_unread_for_the_recipient_only(amina, lucas):
    a, b = boxes(amina, lucas)
    thread = messaging.start_thread(a, b, "Bonjour", "Un message", author=amina.user)
    assert messaging.unread_count(b) == 1
    assert messaging.unread_count(a) == 0
    messaging.reply(thread, a, "Un autre", author=amina.user)
    assert messaging.conversations(b).get().unread_count == 2
    part = messaging.participation(thread, b)
    messaging.mark_read(part)
    assert messaging.unread_count(b) == 0
    messaging.mark_unread(part)
    assert messaging.unread_count(b) == 1
    assert [m.body for m in messaging.sent(a)] == ["Un autre", "Un message"]


def test_a_double_click_posts_once(amina, lucas):
    a, b = boxes(amina, lucas)
    first = messaging.start_thread(a, b, "Bonjour", "Texte")
    again = messaging.start_thread(a, b, "Bonjour", "Texte")
    assert first.pk == again.pk
    assert Thread.objects.get().message_count == 1
    messaging.reply(first, b, "Réponse")
    messaging.reply(first, b, "Réponse")
    assert Thread.objects.get().message_count == 2


def test_delete_is_for_oneself_and_a_new_message_brings_only_what_follows(amina, lucas):
    a, b = boxes(amina, lucas)
    thread = messaging.start_thread(a, b, "Sujet", "Premier")
    messaging.delete_for(messaging.participation(thread, b))
    assert not messaging.conversations(b).exists()
    assert messaging.conversations(a).count() == 1
    messaging.reply(thread, a, "Second")
    part = messaging.conversations(b).get()
    assert [m.body for m in part.visible_messages()] == ["Second"]
    assert [m.body for m in messaging.search(b, "premier")] == []
    assert [m.body for m in messaging.search(a, "premier")] == ["Premier"]


def test_archive_then_a_new_message_returns_to_the_inbox(amina, lucas):
    a, b = boxes(amina, lucas)
    thread = messaging.start_thread(a, b, "Sujet", "Texte")
    messaging.set_archived(messaging.participation(thread, b), True)
    assert messaging.conversations(b, "archive").count() == 1
    assert messaging.conversations(b).count() == 0
    messaging.reply(thread, a, "Encore")
    assert messaging.conversations(b).count() == 1


def test_a_block_stops_the_next_message(amina, lucas):
    a, b = boxes(amina, lucas)
    thread = messaging.start_thread(a, b, "Sujet", "Texte")
    messaging.block(b, a)
    with pytest.raises(messaging.MessagingRefused):
        messaging.reply(thread, a, "Encore")
    with pytest.raises(messaging.MessagingRefused):
        messaging.start_thread(a, b, "Autre", "Texte")
    messaging.unblock(b, a)
    messaging.reply(thread, a, "Encore")


def test_partners_write_only_to_alumni_who_accept_them_unless_answering(
    partner, amina, lucas
):
    p = messaging.mailbox_of_partner(partner)
    a, b = boxes(amina, lucas)
    messaging.start_thread(p, a, "Offre", "Bonjour Amina")
    with pytest.raises(messaging.MessagingRefused, match="partner|partenaire"):
        messaging.start_thread(p, b, "Offre", "Bonjour Lucas")
    asked = messaging.start_thread(b, p, "Question", "Un stage ?")
    messaging.reply(asked, p, "Oui")


@pytest.mark.parametrize("body", ["", "   \n ", "\x00\x07", "x" * 10_001])
def test_empty_or_oversized_text_is_refused(amina, lucas, body):
    a, b = boxes(amina, lucas)
    with pytest.raises(messaging.MessagingRefused):
        messaging.start_thread(a, b, "Sujet", body)
    assert not Thread.objects.exists()


def test_control_characters_are_removed(amina, lucas):
    a, b = boxes(amina, lucas)
    thread = messaging.start_thread(a, b, "Su\njet\x00", "Bon\x07jour\r\nà vous")
    assert thread.subject == "Su jet"
    assert thread.messages.get().body == "Bonjour\nà vous"


def test_new_threads_are_rate_limited_but_replies_are_not(
    settings, amina, make_alumnus
):
    settings.ALUMNI_PARTNER_MESSAGE_THREADS_PER_HOUR = 2
    a = messaging.mailbox_of_user(amina.user)
    others = [
        messaging.mailbox_of_user(make_alumnus("X", str(i), listed=True).user)
        for i in range(3)
    ]
    first = messaging.start_thread(a, others[0], "1", "Texte")
    messaging.start_thread(a, others[1], "2", "Texte")
    with pytest.raises(messaging.MessagingRefused, match="hour|heure"):
        messaging.start_thread(a, others[2], "3", "Texte")
    messaging.reply(first, a, "Une réponse")


def test_outsiders_cannot_reply_or_report(amina, lucas, make_alumnus):
    a, b = boxes(amina, lucas)
    (c,) = boxes(make_alumnus("Eve", "Intruse"))
    thread = messaging.start_thread(a, b, "Sujet", "Texte")
    with pytest.raises(messaging.MessagingRefused):
        messaging.reply(thread, c, "Coucou")
    with pytest.raises(messaging.MessagingRefused):
        messaging.report(thread.messages.get(), c, "spam")
    with pytest.raises(ThreadParticipant.DoesNotExist):
        messaging.participation(thread, c)


def test_a_report_then_a_suspension(amina, lucas, editor):
    a, b = boxes(amina, lucas)
    thread = messaging.start_thread(a, b, "Sujet", "Achetez !")
    report = messaging.report(thread.messages.get(), b, "Spam")
    assert report.status == ReportStatus.OPEN
    with pytest.raises(messaging.MessagingRefused):
        messaging.report(thread.messages.get(), a, "moi")
    messaging.suspend(a, by=editor, reason="spam")
    assert MessageReport.objects.get().status == ReportStatus.SUSPENDED
    with pytest.raises(messaging.MessagingRefused, match="suspended|suspendu"):
        messaging.reply(thread, a, "Encore")
    messaging.reinstate(a)
    a.refresh_from_db()
    messaging.reply(thread, a, "Pardon")


def test_inactive_recipients_refuse(amina, lucas):
    a, b = boxes(amina, lucas)
    lucas.user.is_active = False
    lucas.user.save()
    b.refresh_from_db()
    with pytest.raises(messaging.MessagingRefused, match="active|actif"):
        messaging.start_thread(a, b, "Sujet", "Texte")


def test_mailboxes_for_a_partner_user_who_is_also_an_alumnus(partner, amina):
    user = partner.members.get()
    assert [b.partner for b in messaging.mailboxes_for(user)] == [partner]
    partner.members.add(amina.user)
    found = messaging.mailboxes_for(amina.user)
    assert [b.partner_id for b in found] == [partner.pk, None]
    assert messaging.may_read(amina.user, found[0])
    assert not messaging.may_read(user, found[1])


def test_answering_reads_and_a_conversation_whose_member_left_is_closed(amina, lucas):
    a, b = boxes(amina, lucas)
    thread = messaging.start_thread(a, b, "Sujet", "Texte")
    messaging.reply(thread, b, "Réponse")
    assert messaging.unread_count(b) == 0
    assert messaging.unread_count(a) == 1
    a.delete()
    thread.refresh_from_db()
    assert thread.started_by is None
    with pytest.raises(messaging.MessagingRefused, match="left|quitté"):
        messaging.reply(thread, b, "Encore là ?")
