"""A member's messages under the GDPR: in their export, gone with their account."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from alumni_partner import messaging
from alumni_partner.models import (
    Mailbox,
    Message,
    MessageBlock,
    MessageReport,
    Thread,
    ThreadParticipant,
)
from alumni_partner.personal_data import delete_account, export_personal_data
from tests.conftest import PASSWORD
from tests.messaging_helpers import box

pytestmark = pytest.mark.django_db

EXPORT_URL = "/accounts/profile/export/"
DELETE_URL = "/accounts/profile/delete/"


@pytest.fixture
def conversations(amina, lucas, thao, partner):
    """Amina's messages: with Lucas (both ways), with a partner, one deleted,
    a block, a report and notices turned off."""
    a, b, t = box(amina), box(lucas), box(thao)
    p = messaging.mailbox_of_partner(partner)
    from_lucas = messaging.start_thread(b, a, "Promo 2019", "Salut Amina")
    messaging.reply(from_lucas, a, "Salut Lucas, ça va ?")
    messaging.reply(from_lucas, b, "Très bien !")
    from_amina = messaging.start_thread(a, b, "Stage", "Tu connais Helios ?")
    messaging.reply(from_amina, b, "Oui, écris-leur")
    offer = messaging.start_thread(p, a, "Offre", "Bonjour Amina")
    forgotten = messaging.start_thread(t, a, "Oublié", "Message effacé")
    messaging.delete_for(messaging.participation(forgotten, a))
    messaging.block(a, t)
    messaging.report(offer.messages.get(), a, "Insistant", user=amina.user)
    Mailbox.objects.filter(pk=a.pk).update(email_notices=False)
    return {"from_lucas": from_lucas, "from_amina": from_amina, "offer": offer}


def test_the_export_holds_the_members_messages(
    client, amina, lucas, partner, conversations
):
    data = export_personal_data(amina.user)["messages"]
    assert data["email_notices"] is False
    by_subject = {c["subject"]: c for c in data["conversations"]}
    # A conversation deleted for oneself is no longer the member's.
    assert set(by_subject) == {"Promo 2019", "Stage", "Offre"}
    promo = by_subject["Promo 2019"]
    assert promo["with"] == ["Lucas Martin"]
    assert [(m["from"], m["text"], m["by_me"]) for m in promo["messages"]] == [
        ("Lucas Martin", "Salut Amina", False),
        ("Amina Diallo", "Salut Lucas, ça va ?", True),
        ("Lucas Martin", "Très bien !", False),
    ]
    assert all(m["sent_at"] for m in promo["messages"])
    assert by_subject["Offre"]["with"] == [partner.name]
    assert data["blocked"][0]["member"] == "Thao Tran"
    (report,) = data["reports_made"]
    assert report["message_from"] == partner.name
    assert report["reason"] == "Insistant" and report["status"] == "open"
    # Nobody else's copy: Lucas's export does not hold Amina's report or block.
    other = export_personal_data(lucas.user)["messages"]
    assert other["reports_made"] == [] and other["blocked"] == []

    # The download from the profile page carries it.
    client.force_login(amina.user)
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    downloaded = json.loads(response.content)
    assert len(downloaded["messages"]["conversations"]) == 3


def test_a_member_without_messages_exports_none(amina):
    assert export_personal_data(amina.user)["messages"] is None


def test_deleting_the_account_removes_the_mailbox_and_tidies_the_threads(
    amina, lucas, thao, partner, conversations, django_capture_on_commit_callbacks
):
    a_pk, b = box(amina).pk, box(lucas)
    from_lucas = conversations["from_lucas"]
    # Lucas has not read Amina's answer yet, nor his own thread's last state.
    # Answering a conversation reads it.
    part = ThreadParticipant.objects.get(thread=conversations["from_amina"], mailbox=b)
    assert part.unread_count == 0
    ThreadParticipant.objects.filter(thread=from_lucas, mailbox=b).update(
        unread_count=1, last_read_at=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(amina.user)

    assert not get_user_model().objects.filter(pk=amina.user_id).exists()
    assert not Mailbox.objects.filter(pk=a_pk).exists()
    assert not Message.objects.filter(sender_id=a_pk).exists()
    assert not ThreadParticipant.objects.filter(mailbox_id=a_pk).exists()
    assert not MessageBlock.objects.filter(blocker_id=a_pk).exists()
    assert not MessageReport.objects.filter(reporter_id=a_pk).exists()
    # Lucas keeps his own messages, in the conversation she started too.
    started = Thread.objects.get(pk=conversations["from_amina"].pk)
    assert started.started_by is None
    assert [m.body for m in started.messages.all()] == ["Oui, écris-leur"]
    assert started.message_count == 1
    thread = Thread.objects.get(pk=from_lucas.pk)
    assert [m.body for m in thread.messages.order_by("created_at")] == [
        "Salut Amina",
        "Très bien !",
    ]
    assert thread.message_count == 2
    mine = ThreadParticipant.objects.get(thread=thread, mailbox=b)
    assert mine.unread_count == 0  # her unread answer went with her
    assert messaging.unread_count(b) == 0
    # Others keep everything of their own.
    assert Thread.objects.filter(pk=conversations["offer"].pk).exists()
    assert Mailbox.objects.filter(pk=box(thao).pk).exists()


def test_a_thread_left_empty_is_removed(amina, lucas, partner):
    # A conversation whose only messages were hers, started by someone else
    # whose own message is gone (here: deleted by hand, as a former purge).
    a, b = box(amina), box(lucas)
    thread = messaging.start_thread(b, a, "Sujet", "Premier")
    messaging.reply(thread, a, "Réponse")
    Message.objects.filter(thread=thread, sender=b).delete()
    delete_account(amina.user)
    assert not Thread.objects.filter(pk=thread.pk).exists()


def test_deleting_through_the_profile_page(client, amina, lucas, conversations):
    client.force_login(amina.user)
    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 303
    assert not Mailbox.objects.filter(user_id=amina.user_id).exists()
    assert Thread.objects.filter(pk=conversations["from_lucas"].pk).exists()
