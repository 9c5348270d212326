"""Mes messages, bad input and intruders (issue 7, "Bad input/security").

Nobody reads, lists, searches, answers, archives, deletes, blocks from or
reports in a conversation they are not part of: every URL of a thread is a
404 for them, GET or POST. Someone else's mailbox in ``?box=`` is a 404.
Visitors are sent to log in; a POST without its CSRF token is refused.
Hostile text is shown inert; empty, oversized or control-character text and
recipients who cannot receive are refused with a clear message, and nothing
is stored.
"""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from alumni_partner import messaging
from alumni_partner.models import (
    Message,
    MessageBlock,
    MessageReport,
    Thread,
    ThreadParticipant,
)
from alumni_partner.models.messaging import MESSAGE_MAX_CHARS
from tests.integration.test_messages_views import (
    compose_partner_url,
    compose_url,
    login,
    part_of,
    rows,
    soup,
    start,
    thread_url,
)
from tests.messaging_helpers import box

pytestmark = pytest.mark.django_db

LIST_VIEWS = (
    "messages_inbox",
    "messages_archive",
    "messages_sent",
    "messages_search",
    "messages_settings",
    "message_new",
)

#: Every POST a conversation page accepts.
THREAD_POSTS = {
    "read": None,  # GET
    "reply": {"body": "Intrus", "send": "1"},
    "mark_unread": {"mark_unread": "1"},
    "archive": {"archive": "1"},
    "unarchive": {"unarchive": "1"},
    "delete": {"delete": "1", "confirm": "yes"},
    "delete-ask": {"delete": "1"},
    "block": {"block": "1"},
    "unblock": {"unblock": "1"},
    "report": {"report": "MESSAGE", "reason": "Intrus"},
}


@pytest.fixture
def chen(make_alumnus):
    """In none of the conversations."""
    return make_alumnus("Chen", "Wei", accepts_partner_contact=True)


@pytest.fixture
def conversation(amina, lucas):
    """Lucas and Amina's conversation, one message each."""
    thread = start(lucas, amina, "Privé", "Texte privé de Lucas")
    messaging.reply(thread, box(amina), "Réponse privée d'Amina", author=amina.user)
    return thread


def snapshot(thread):
    """What an intruder must not change."""
    return (
        list(Message.objects.filter(thread=thread).values_list("pk", "body")),
        list(
            ThreadParticipant.objects.filter(thread=thread)
            .order_by("pk")
            .values_list("unread_count", "archived", "hidden")
        ),
        MessageBlock.objects.count(),
        MessageReport.objects.count(),
    )


@pytest.mark.parametrize("intruder", ["alumnus", "partner_user"])
@pytest.mark.parametrize("action", list(THREAD_POSTS))
def test_an_outsider_gets_404_for_every_url_of_a_thread(
    client,
    conversation,
    chen,
    partner,
    action,
    intruder,
):
    who = chen if intruder == "alumnus" else partner.members.get()
    login(client, who)
    before = snapshot(conversation)
    data = THREAD_POSTS[action]
    if data is None:
        response = client.get(thread_url(conversation))
    else:
        data = dict(data)
        if data.get("report") == "MESSAGE":
            data["report"] = str(conversation.messages.first().public_id)
        response = client.post(thread_url(conversation), data)
    assert response.status_code == 404
    assert snapshot(conversation) == before


def test_an_unknown_thread_is_404(client, amina):
    login(client, amina)
    assert client.get(thread_url(Thread(public_id=uuid.uuid4()))).status_code == 404
    assert client.get("/messages/12/").status_code == 404  # not a uuid


def test_a_partners_users_share_its_mailbox_others_do_not(
    client,
    partner,
    other_partner,
    make_partner,
    amina,
):
    thread = start(amina, partner, "Pour Acme", "Bonjour Acme")
    colleague = get_user_model().objects.create_user(
        username="colleague@acme.test", email="colleague@acme.test"
    )
    partner.members.add(colleague)
    assert login(client, colleague).get(thread_url(thread)).status_code == 200
    assert (
        login(client, other_partner.members.get()).get(thread_url(thread)).status_code
        == 404
    )


def test_a_deleted_conversation_is_gone_for_the_one_who_deleted_it(
    client,
    conversation,
    amina,
):
    messaging.delete_for(part_of(conversation, amina))
    login(client, amina)
    assert client.get(thread_url(conversation)).status_code == 404
    assert client.post(thread_url(conversation), {"body": "x"}).status_code == 404
    found = client.get(reverse("alumni_partner:messages_search"), {"q": "privé"})
    assert rows(found) == []


def test_lists_and_search_never_show_other_peoples_messages(
    client,
    conversation,
    chen,
    partner,
):
    for who in (chen, partner.members.get()):
        login(client, who)
        for name in ("messages_inbox", "messages_archive", "messages_sent"):
            response = client.get(reverse(f"alumni_partner:{name}"))
            assert response.status_code == 200
            assert rows(response) == []
            assert "Privé" not in response.content.decode()
        for query in ("privé", "Texte", "Lucas", "a"):
            response = client.get(
                reverse("alumni_partner:messages_search"), {"q": query}
            )
            assert rows(response) == []
            assert "Texte privé" not in response.content.decode()


def test_someone_elses_mailbox_is_404(client, conversation, amina, lucas, partner):
    login(client, amina)
    for other in (box(lucas), box(partner)):
        for name in LIST_VIEWS:
            url = reverse(f"alumni_partner:{name}")
            assert client.get(url, {"box": str(other.public_id)}).status_code == 404
        assert (
            client.get(thread_url(conversation, f"?box={other.public_id}")).status_code
            == 404
        )
    for junk in ("nope", str(uuid.uuid4()), "1"):
        assert (
            client.get(
                reverse("alumni_partner:messages_inbox"), {"box": junk}
            ).status_code
            == 404
        )
    # Nor can one unblock on behalf of another mailbox.
    messaging.block(box(lucas), box(amina))
    response = client.post(
        reverse("alumni_partner:messages_settings"),
        {"blocker": str(box(lucas).public_id), "unblock": str(box(amina).public_id)},
    )
    assert response.status_code == 404
    assert MessageBlock.objects.count() == 1


def test_visitors_are_sent_to_log_in(client, conversation, amina, partner):
    login_url = reverse("account_login")
    urls = [reverse(f"alumni_partner:{name}") for name in LIST_VIEWS]
    urls += [
        thread_url(conversation),
        compose_url(amina),
        compose_partner_url(partner),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login_url + "?next=")
    response = client.post(thread_url(conversation), {"body": "Anonyme", "send": "1"})
    assert response.status_code == 302
    assert not Message.objects.filter(body="Anonyme").exists()


def test_a_reply_without_its_csrf_token_is_refused(conversation, amina):
    client = Client(enforce_csrf_checks=True)
    client.force_login(amina.user)
    url = thread_url(conversation)
    response = client.post(url, {"body": "Sans jeton", "send": "1"})
    assert response.status_code == 403
    assert not Message.objects.filter(body="Sans jeton").exists()
    # With the token of the page, the same POST goes through.
    page = soup(client.get(url))
    token = page.select_one("form.message-form input[name=csrfmiddlewaretoken]")[
        "value"
    ]
    response = client.post(
        url, {"body": "Avec jeton", "send": "1", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert Message.objects.filter(body="Avec jeton").exists()


def test_actions_are_post_only(client, conversation, amina):
    login(client, amina)
    response = client.get(thread_url(conversation), {"delete": "1", "confirm": "yes"})
    assert response.status_code == 200
    assert not part_of(conversation, amina).hidden
    assert client.put(thread_url(conversation)).status_code == 405


HOSTILE = (
    "<script>alert('x')</script> "
    '<img src=x onerror="alert(1)"> '
    '<a href="javascript:alert(2)">clic</a> javascript:alert(3) '
    "https://example.org/page?a=1&b=2"
)


def test_hostile_text_is_shown_inert(client, amina, lucas):
    thread = start(lucas, amina, "<b>Sujet</b> <script>x()</script>", HOSTILE)
    login(client, amina)
    for url in (
        thread_url(thread),
        reverse("alumni_partner:messages_inbox"),
        reverse("alumni_partner:messages_search") + "?q=script",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<script>x()" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert "<b>Sujet</b>" not in html
        assert "&lt;script&gt;" in html
    body = soup(client.get(thread_url(thread))).select_one(".thread-message-body")
    links = body.select("a")
    assert [a["href"] for a in links] == ["https://example.org/page?a=1&b=2"]
    assert "nofollow" in links[0]["rel"]
    assert body.select("script, img") == []


def test_the_search_query_is_echoed_escaped(client, amina):
    login(client, amina)
    html = client.get(
        reverse("alumni_partner:messages_search"), {"q": '"><script>alert(1)</script>'}
    ).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n\t  ",
        "\x01\x02\x1b\x7f",
        "x" * (MESSAGE_MAX_CHARS + 1),
        "y" * 100_000,
        "nul\x00byte",
    ],
    ids=["empty", "blank", "control-only", "one-too-many", "100KB", "nul"],
)
def test_bad_text_is_refused_and_nothing_stored(
    client, conversation, amina, lucas, body
):
    login(client, amina)
    before = Message.objects.count()
    reply = client.post(thread_url(conversation), {"body": body, "send": "1"})
    assert reply.status_code == 200
    assert soup(reply).select_one(".field-invalid #id_body")
    compose = client.post(compose_url(lucas), {"subject": "Sujet", "body": body})
    assert compose.status_code == 200
    assert soup(compose).select_one("#compose-errors")
    assert Message.objects.count() == before
    assert Thread.objects.count() == 1


def test_control_characters_inside_text_are_removed(client, conversation, amina):
    login(client, amina)
    client.post(thread_url(conversation), {"body": "Bon\x07jour\x1b", "send": "1"})
    assert Message.objects.filter(body="Bonjour").exists()


def test_an_empty_subject_is_refused(client, amina, lucas):
    login(client, amina)
    response = client.post(compose_url(lucas), {"subject": " \x01 ", "body": "Texte"})
    assert response.status_code == 200
    assert soup(response).select_one(".field-invalid #id_subject")
    assert not Thread.objects.exists()


def test_an_unknown_or_unlisted_recipient_is_404(client, amina, lucas, partner):
    login(client, amina)
    url = reverse("alumni_partner:message_compose", args=[uuid.uuid4()])
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "S", "body": "B"}).status_code == 404
    lucas.listed = False
    lucas.save()
    assert client.get(compose_url(lucas)).status_code == 404
    url = reverse("alumni_partner:message_compose_partner", args=[partner.pk + 1000])
    assert client.post(url, {"subject": "S", "body": "B"}).status_code == 404
    assert not Thread.objects.exists()


def test_an_inactive_recipient_is_refused_with_a_message(
    client,
    conversation,
    amina,
    lucas,
):
    get_user_model().objects.filter(pk=lucas.user_id).update(is_active=False)
    login(client, amina)
    response = client.get(compose_url(lucas))
    assert response.status_code == 403
    assert soup(response).select_one(".message-error").text.strip()
    reply = client.post(thread_url(conversation), {"body": "Tu es là ?", "send": "1"})
    assert reply.status_code == 403
    assert soup(reply).select_one("#reply-refusal").text.strip()
    assert soup(reply).select_one("#id_body").text.strip() == "Tu es là ?"
    assert not Message.objects.filter(body="Tu es là ?").exists()


def test_a_blocked_sender_is_refused_with_a_message(client, amina, lucas):
    messaging.block(box(lucas), box(amina))
    login(client, amina)
    response = client.post(
        compose_url(lucas), {"subject": "Coucou", "body": "Texte gardé"}
    )
    assert response.status_code == 403
    page = soup(response)
    assert page.select_one("#compose-refusal").text.strip()
    assert page.select_one("#id_subject")["value"] == "Coucou"
    assert page.select_one("#id_body").text.strip() == "Texte gardé"
    assert not Thread.objects.exists()


def test_a_suspended_sender_is_refused_with_a_message(client, editor, amina, lucas):
    messaging.suspend(box(amina), by=editor, reason="Spam")
    login(client, amina)
    response = client.post(compose_url(lucas), {"subject": "S", "body": "Texte"})
    assert response.status_code == 403
    assert soup(response).select_one("#compose-refusal")
    assert not Thread.objects.exists()


def test_the_new_conversation_limit_is_said_and_keeps_the_text(
    client,
    settings,
    amina,
    lucas,
    chen,
):
    settings.ALUMNI_PARTNER_MESSAGE_THREADS_PER_HOUR = 1
    login(client, amina)
    client.post(compose_url(lucas), {"subject": "Un", "body": "Premier"})
    response = client.post(compose_url(chen), {"subject": "Deux", "body": "Second"})
    assert response.status_code == 403
    assert soup(response).select_one("#compose-refusal")
    assert Thread.objects.count() == 1


def test_a_partner_user_cannot_write_to_a_non_consenting_alumnus(
    client,
    partner,
    amina,
    lucas,
):
    login(client, partner.members.get())
    response = client.get(compose_url(lucas))
    assert response.status_code == 403
    assert soup(response).select_one(".message-error").text.strip()
    # Even in a conversation that Lucas did not start (made directly here).
    thread = messaging.start_thread(box(lucas), box(amina), "S", "B")
    ThreadParticipant.objects.filter(thread=thread, mailbox=box(amina)).update(
        mailbox=box(partner)
    )
    Thread.objects.filter(pk=thread.pk).update(started_by=box(partner))
    reply = client.post(thread_url(thread), {"body": "Offre", "send": "1"})
    assert reply.status_code == 403
    assert not Message.objects.filter(body="Offre").exists()


def test_report_only_messages_of_the_conversation(client, conversation, amina, chen):
    elsewhere = start(chen, amina, "Autre", "Ailleurs")
    login(client, amina)
    stranger = elsewhere.messages.get()
    # A message of another conversation, even one's own, through this URL: 404.
    response = client.post(
        thread_url(conversation), {"report": str(stranger.public_id)}
    )
    assert response.status_code == 404
    response = client.post(thread_url(conversation), {"report": "not-a-uuid"})
    assert response.status_code == 404
    assert not MessageReport.objects.exists()


def test_one_cannot_write_to_oneself(client, amina, partner):
    login(client, amina)
    assert client.get(compose_url(amina)).status_code == 403
    login(client, partner.members.get())
    assert client.get(compose_partner_url(partner)).status_code == 403
