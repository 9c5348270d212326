"""Mes messages on the public site (guide 7): every page, for the people who use it.

Alumni and partner users read their folders, open a conversation (which
marks it read), answer, mark unread, archive, delete for themselves, block,
report, write to an alumnus, a partner or someone found by name, search
their messages and choose their e-mail notices. Pages answer in French
first (strings may not be translated yet): assertions look at structure,
status codes and the database rather than words.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alumni_partner import messaging
from alumni_partner.models import (
    AlumniProfile,
    Message,
    MessageBlock,
    MessageReport,
    Thread,
    ThreadParticipant,
)
from tests.integration.test_isolation_matrix import publish_partner_page
from tests.messaging_helpers import box

pytestmark = pytest.mark.django_db

INBOX = "alumni_partner:messages_inbox"


# --- People and helpers ------------------------------------------------------------


@pytest.fixture
def chen(make_alumnus):
    """Someone else, in none of the conversations."""
    return make_alumnus("Chen", "Wei", accepts_partner_contact=True)


def start(sender, recipient, subject="Bonjour", body="Un premier message", **kw):
    """A conversation started by ``sender`` (profile or partner)."""
    author = kw.pop("author", None)
    if author is None:
        author = (
            sender.user if hasattr(sender, "user") else sender.members.order_by("pk")[0]
        )
    return messaging.start_thread(
        box(sender), box(recipient), subject, body, author=author
    )


def login(client, who):
    client.force_login(who.user if hasattr(who, "user") else who)
    return client


def thread_url(thread, query="") -> str:
    return reverse("alumni_partner:message_thread", args=[thread.public_id]) + query


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def rows(response) -> list:
    return soup(response).select(".message-thread-row")


def subjects(response) -> list[str]:
    return [row.select_one(".message-row-subject bdi").text for row in rows(response)]


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def part_of(thread, who) -> ThreadParticipant:
    return ThreadParticipant.objects.get(thread=thread, mailbox=box(who))


# --- Folders -----------------------------------------------------------------------


def test_the_inbox_shows_the_other_party_subject_excerpt_and_unread_state(
    client, amina, lucas
):
    start(lucas, amina, "Stage à Lyon", "Bonjour Amina,\nje cherche un stage.")
    start(amina, lucas, "Déjà lu", "Un message que j'ai écrit")
    response = login(client, amina).get(reverse(INBOX))
    assert response.status_code == 200
    found = rows(response)
    assert len(found) == 2
    unread = [row for row in found if "is-unread" in row["class"]]
    assert len(unread) == 1
    row = unread[0]
    assert "Lucas Martin" in row.text
    assert "Stage à Lyon" in row.text
    assert "Bonjour Amina, je cherche un stage." in row.text  # one line
    assert row.select_one(".messages-badge").text.startswith("1")
    assert row.select_one(".visually-hidden")  # "unread" for screen readers
    assert row.select_one("a")["href"] == thread_url(
        Thread.objects.get(subject="Stage à Lyon")
    )
    # The heading counts the unread conversations.
    assert re.search(r"\(1 ", soup(response).h1.text)


def test_archive_and_sent_folders(client, amina, lucas):
    kept = start(lucas, amina, "Archivé", "Texte archivé")
    messaging.set_archived(part_of(kept, amina), True)
    start(amina, lucas, "Envoyé", "Mon propre texte")
    login(client, amina)
    archive = client.get(reverse("alumni_partner:messages_archive"))
    assert subjects(archive) == ["Archivé"]
    inbox = client.get(reverse(INBOX))
    assert subjects(inbox) == ["Envoyé"]
    sent = client.get(reverse("alumni_partner:messages_sent"))
    assert sent.status_code == 200
    (row,) = rows(sent)
    assert "Mon propre texte" in row.text and "Lucas Martin" in row.text


@pytest.mark.parametrize(
    "name", ["messages_inbox", "messages_archive", "messages_sent"]
)
def test_an_empty_folder_offers_to_write(client, amina, name):
    response = login(client, amina).get(reverse(f"alumni_partner:{name}"))
    assert response.status_code == 200
    empty = soup(response).select_one(".messages-empty")
    assert empty.select_one(f"a[href='{reverse('alumni_partner:message_new')}']")


def test_pages_of_conversations(client, settings, amina, make_alumnus):
    settings.ALUMNI_PARTNER_MESSAGES_PER_PAGE = 2
    for n in range(5):
        start(make_alumnus("Writer", f"N{n}"), amina, f"Sujet {n}", f"Texte {n}")
    login(client, amina)
    first = client.get(reverse(INBOX))
    assert [s.split()[-1] for s in subjects(first)] == ["4", "3"]
    last = client.get(reverse(INBOX), {"page": 3})
    assert [s.split()[-1] for s in subjects(last)] == ["0"]
    assert soup(first).select_one(".pagination a[rel=next]")["href"].endswith("page=2")
    assert client.get(reverse(INBOX), {"page": "abc"}).status_code == 200


def test_the_inbox_costs_the_same_queries_with_3_or_12_conversations(
    client, amina, make_alumnus
):
    def add(n):
        for i in range(n):
            other = make_alumnus("Many", f"People{Thread.objects.count()}")
            thread = start(other, amina, f"Sujet {i}", "Bonjour " * 30)
            messaging.reply(thread, box(amina), "Merci", author=amina.user)
            messaging.reply(thread, box(other), "De rien", author=other.user)

    login(client, amina)
    add(3)
    client.get(reverse(INBOX))  # the session, the mailbox: warmed up

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), len(rows(response))

    few = {
        name: count(reverse(name)) for name in (INBOX, "alumni_partner:messages_sent")
    }
    add(9)
    many = {
        name: count(reverse(name)) for name in (INBOX, "alumni_partner:messages_sent")
    }
    assert few[INBOX][1] == 3 and many[INBOX][1] == 12
    assert few[INBOX][0] == many[INBOX][0]
    sent = "alumni_partner:messages_sent"
    assert few[sent][1] == 3 and many[sent][1] == 12
    assert few[sent][0] == many[sent][0]


# --- A conversation ------------------------------------------------------------------


def test_opening_a_conversation_marks_it_read_and_shows_the_messages_in_order(
    client, amina, partner
):
    writer = partner.members.get()
    writer.first_name, writer.last_name = "Jean", "Dupont"
    writer.save()
    thread = start(partner, amina, "Offre de stage", "Premier", author=writer)
    messaging.reply(thread, box(amina), "Deuxième", author=amina.user)
    messaging.reply(thread, box(partner), "Troisième", author=writer)
    # Her answer read the first message; the third is new.
    assert part_of(thread, amina).unread_count == 1
    response = login(client, amina).get(thread_url(thread))
    assert response.status_code == 200
    assert part_of(thread, amina).unread_count == 0
    page = soup(response)
    bodies = [
        m.select_one(".thread-message-body").text
        for m in page.select(".thread-message")
    ]
    assert bodies == ["Premier", "Deuxième", "Troisième"]
    senders = [
        m.select_one(".thread-message-sender").text
        for m in page.select(".thread-message")
    ]
    assert senders[0].startswith("Acme — Jean Dupont")
    assert "is-mine" in page.select(".thread-message")[1]["class"]
    for name in ("mark_unread", "archive", "block", "delete"):
        button = page.select_one(f".thread-actions button[name={name}]")
        assert button.find_parent("form")["method"] == "post"
        assert button.find_parent("form").select_one("input[name=csrfmiddlewaretoken]")
    assert page.select_one("#id_body")
    assert page.select_one("button[name=send]")
    # The report form sits under the other party's messages only.
    assert len(page.select("button[name=report]")) == 2


def test_a_reply_is_sent_and_shown(client, amina, lucas):
    thread = start(lucas, amina)
    response = login(client, amina).post(
        thread_url(thread), {"body": "Ma réponse", "send": "1"}
    )
    assert response.status_code == 303
    assert response["Location"].startswith(thread_url(thread) + "#m-")
    assert flashes(response)
    assert Message.objects.filter(thread=thread, body="Ma réponse").count() == 1
    assert part_of(thread, lucas).unread_count == 1
    page = client.get(thread_url(thread))
    assert "Ma réponse" in page.content.decode()


def test_a_double_click_on_send_posts_one_reply(client, amina, lucas):
    thread = start(lucas, amina)
    login(client, amina)
    for _ in range(2):
        client.post(thread_url(thread), {"body": "Une fois", "send": "1"})
    assert Message.objects.filter(body="Une fois").count() == 1


def test_a_refused_reply_says_why_and_keeps_the_text(client, amina, lucas):
    thread = start(lucas, amina)
    messaging.block(box(lucas), box(amina))
    response = login(client, amina).post(
        thread_url(thread), {"body": "Texte à garder", "send": "1"}
    )
    assert response.status_code == 403
    page = soup(response)
    assert page.select_one("#reply-refusal").text.strip()
    assert page.select_one("#id_body").text.strip() == "Texte à garder"
    assert not Message.objects.filter(body="Texte à garder").exists()


def test_mark_unread_archive_unarchive(client, amina, lucas):
    thread = start(lucas, amina)
    login(client, amina)
    client.get(thread_url(thread))
    response = client.post(thread_url(thread), {"mark_unread": "1"})
    assert response.status_code == 303 and response["Location"] == reverse(INBOX)
    assert flashes(response)
    assert part_of(thread, amina).unread_count == 1
    response = client.post(thread_url(thread), {"archive": "1"})
    assert part_of(thread, amina).archived and flashes(response)
    archived = client.get(thread_url(thread))
    assert soup(archived).select_one("button[name=unarchive]")
    response = client.post(thread_url(thread), {"unarchive": "1"})
    assert not part_of(thread, amina).archived and flashes(response)


def test_delete_asks_first_then_deletes_for_oneself(client, amina, lucas):
    thread = start(lucas, amina)
    login(client, amina)
    confirm = client.post(thread_url(thread), {"delete": "1"})
    assert confirm.status_code == 200
    form = soup(confirm).select_one("main form")
    assert form.select_one("input[name=confirm][value=yes]")
    assert form.select_one("button[name=delete]")
    assert not part_of(thread, amina).hidden
    response = client.post(thread_url(thread), {"delete": "1", "confirm": "yes"})
    assert response.status_code == 303 and flashes(response)
    assert part_of(thread, amina).hidden
    assert not part_of(thread, lucas).hidden  # the other side keeps it
    assert client.get(thread_url(thread)).status_code == 404
    assert rows(client.get(reverse(INBOX))) == []


def test_block_then_unblock_from_the_conversation(client, amina, lucas):
    thread = start(lucas, amina)
    login(client, amina)
    response = client.post(thread_url(thread), {"block": "1"})
    assert response.status_code == 303 and flashes(response)
    assert MessageBlock.objects.filter(blocker=box(amina), blocked=box(lucas)).exists()
    with pytest.raises(messaging.MessagingRefused):
        messaging.reply(thread, box(lucas), "Encore moi")
    page = soup(client.get(thread_url(thread)))
    assert page.select_one("button[name=unblock]")
    response = client.post(thread_url(thread), {"unblock": "1"})
    assert flashes(response)
    assert not MessageBlock.objects.exists()


def test_report_a_message_to_the_editors(client, amina, lucas):
    thread = start(lucas, amina, body="Un message déplacé")
    message = thread.messages.get()
    response = login(client, amina).post(
        thread_url(thread), {"report": str(message.public_id), "reason": "Spam"}
    )
    assert response.status_code == 303
    assert flashes(response)
    report = MessageReport.objects.get()
    assert (report.message, report.reporter, report.reason) == (
        message,
        box(amina),
        "Spam",
    )
    assert report.reported_by == amina.user
    # Without a reason too.
    messaging.reply(thread, box(lucas), "Un autre")
    other = thread.messages.get(body="Un autre")
    client.post(thread_url(thread), {"report": str(other.public_id)})
    assert MessageReport.objects.filter(message=other, reason="").exists()


def test_one_cannot_report_ones_own_message(client, amina, lucas):
    thread = start(amina, lucas)
    mine = thread.messages.get()
    response = login(client, amina).post(
        thread_url(thread), {"report": str(mine.public_id)}
    )
    assert response.status_code == 303
    assert not MessageReport.objects.exists()
    assert flashes(response)


# --- Writing ------------------------------------------------------------------------


def compose_url(profile) -> str:
    return reverse("alumni_partner:message_compose", args=[profile.public_id])


def compose_partner_url(partner) -> str:
    return reverse("alumni_partner:message_compose_partner", args=[partner.pk])


def test_an_alumna_writes_to_an_alumnus(client, amina, lucas):
    login(client, amina)
    page = client.get(compose_url(lucas))
    assert page.status_code == 200
    assert "Lucas Martin" in page.content.decode()
    assert soup(page).select_one("#id_subject") and soup(page).select_one("#id_body")
    assert soup(page).select_one("input[type=hidden][name=sender]")  # no choice
    response = client.post(
        compose_url(lucas),
        {"subject": "Bonjour", "body": "Comment vas-tu ?", "send": "1"},
    )
    assert response.status_code == 303
    thread = Thread.objects.get()
    assert response["Location"] == thread_url(thread)
    assert flashes(response)
    assert thread.started_by == box(amina)
    assert part_of(thread, lucas).unread_count == 1
    assert thread.messages.get().author == amina.user


def test_a_partner_user_writes_from_the_partners_mailbox(client, partner, amina):
    login(client, partner.members.get())
    response = client.post(
        compose_url(amina), {"subject": "Stage", "body": "Bonjour", "send": "1"}
    )
    assert response.status_code == 303
    assert Thread.objects.get().started_by == box(partner)


def test_a_partner_user_of_two_partners_chooses_the_sender(
    client, partner, other_partner, amina
):
    user = partner.members.get()
    other_partner.members.add(user)
    login(client, user)
    page = soup(client.get(compose_url(amina)))
    options = [o.text for o in page.select("select#id_sender option")]
    assert sorted(options) == ["Acme", "Globex"]
    client.post(
        compose_url(amina),
        {
            "sender": str(box(other_partner).public_id),
            "subject": "De Globex",
            "body": "Bonjour",
        },
    )
    assert Thread.objects.get(subject="De Globex").started_by == box(other_partner)
    # A mailbox that is not one of theirs is not a choice.
    response = client.post(
        compose_url(amina),
        {"sender": str(box(amina).public_id), "subject": "Faux", "body": "Non"},
    )
    assert response.status_code == 200
    assert soup(response).select_one("#compose-errors")
    assert not Thread.objects.filter(subject="Faux").exists()


def test_a_partner_user_cannot_write_to_an_alumnus_who_refuses_partners(
    client, partner, lucas
):
    login(client, partner.members.get())
    assert client.get(compose_url(lucas)).status_code == 403
    response = client.post(compose_url(lucas), {"subject": "S", "body": "B"})
    assert response.status_code == 403
    assert not Thread.objects.exists()


def test_an_alumna_writes_to_a_partner_from_its_page(client, amina, partner):
    publish_partner_page(partner)
    login(client, amina)
    page = client.get(partner.page.get_url(None))
    link = soup(page).select_one("a.partner-contact-button")
    assert link["href"] == compose_partner_url(partner)
    compose = client.get(link["href"])
    assert compose.status_code == 200 and "Acme" in compose.content.decode()
    response = client.post(link["href"], {"subject": "Candidature", "body": "Bonjour"})
    assert response.status_code == 303
    thread = Thread.objects.get()
    assert part_of(thread, partner).unread_count == 1


def test_visitors_are_sent_to_log_in_from_the_contact_button(client, partner):
    publish_partner_page(partner)
    page = client.get(partner.page.get_url(None))
    link = soup(page).select_one("a.partner-contact-button")
    assert link["href"].startswith(reverse("account_login") + "?next=")
    assert compose_partner_url(partner).replace("/", "%2F") in link["href"] or (
        compose_partner_url(partner) in link["href"]
    )


def test_the_partners_own_users_see_no_contact_button(client, partner):
    publish_partner_page(partner)
    login(client, partner.members.get())
    page = client.get(partner.page.get_url(None))
    assert not soup(page).select_one("a.partner-contact-button")
    assert client.get(compose_partner_url(partner)).status_code == 403


def test_an_unknown_partner_is_404(client, amina):
    login(client, amina)
    url = reverse("alumni_partner:message_compose_partner", args=[999999])
    assert client.get(url).status_code == 404


def test_find_someone_to_write_to_by_name(client, amina, lucas, chen, partner):
    login(client, amina)
    url = reverse("alumni_partner:message_new")
    assert client.get(url).status_code == 200
    found = soup(client.get(url, {"q": "martin"}))
    links = [a["href"] for a in found.select(".recipient-list a")]
    assert links == [compose_url(lucas)]
    found = soup(client.get(url, {"q": "acm"}))
    assert [a["href"] for a in found.select(".recipient-list a")] == [
        compose_partner_url(partner)
    ]
    # Accents and case do not matter for alumni; oneself is never found.
    assert [
        a["href"]
        for a in soup(client.get(url, {"q": "DIALLO"})).select(".recipient-list a")
    ] == []
    found = soup(client.get(url, {"q": "wéi"}))
    assert [a["href"] for a in found.select(".recipient-list a")] == [compose_url(chen)]


def test_find_too_short_or_empty(client, amina):
    login(client, amina)
    url = reverse("alumni_partner:message_new")
    short = soup(client.get(url, {"q": "a"}))
    assert short.select_one("p.message[role=status]")
    assert not short.select(".recipient-list")
    empty = soup(client.get(url, {"q": "  "}))
    assert empty.select_one("p.message[role=status]")


def test_partner_users_find_only_alumni_who_accept_partners(
    client, partner, amina, lucas
):
    login(client, partner.members.get())
    url = reverse("alumni_partner:message_new")
    assert soup(client.get(url, {"q": "martin"})).select(".recipient-list a") == []
    found = soup(client.get(url, {"q": "diallo"}))
    assert [a["href"] for a in found.select(".recipient-list a")] == [
        compose_url(amina)
    ]


def test_finding_people_is_rate_limited(client, settings, amina):
    settings.ALUMNI_PARTNER_RATE_LIMITS = {"directory_search": (2, 60)}
    login(client, amina)
    url = reverse("alumni_partner:message_new")
    assert client.get(url, {"q": "martin"}).status_code == 200
    assert client.get(url, {"q": "martin"}).status_code == 200
    assert client.get(url, {"q": "martin"}).status_code == 429
    assert client.get(url).status_code == 200  # the empty form is not a search


# --- Search, settings, mailboxes, header ------------------------------------------------


def test_search_in_ones_messages(client, settings, amina, lucas, chen):
    settings.ALUMNI_PARTNER_MESSAGES_PER_PAGE = 2
    thread = start(lucas, amina, "Forum emploi", "Le forum a lieu à Lyon")
    for n in range(3):
        messaging.reply(thread, box(amina), f"Lyon encore {n}", author=amina.user)
    start(chen, lucas, "Lyon secret", "Lyon, pas pour Amina")
    login(client, amina)
    url = reverse("alumni_partner:messages_search")
    first = client.get(url, {"q": "lyon"})
    assert first.status_code == 200
    assert len(rows(first)) == 2
    second = client.get(url, {"q": "lyon", "page": 2})
    texts = " ".join(r.text for r in rows(first) + rows(second))
    assert "Lyon secret" not in texts
    assert len(rows(second)) == 2
    for row in rows(first):
        assert row.select_one("a")["href"].startswith(thread_url(thread))
    empty = soup(client.get(url, {"q": ""}))
    assert empty.select_one("p.message[role=status]")
    assert client.get(url).status_code == 200


def test_settings_turn_notices_off_and_unblock(client, amina, lucas):
    messaging.block(box(amina), box(lucas))
    login(client, amina)
    url = reverse("alumni_partner:messages_settings")
    page = soup(client.get(url))
    assert page.select_one("input[type=checkbox]").has_attr("checked")
    response = client.post(url, {"save": "1"})
    assert response.status_code == 303 and flashes(response)
    assert not box(amina).email_notices
    name = f"notices_{box(amina).public_id.hex}"
    client.post(url, {name: "on"})
    assert box(amina).email_notices
    page = soup(client.get(url))
    button = page.select_one(".blocked-list button[name=unblock]")
    assert "Lucas Martin" in page.select_one(".blocked-list").text
    response = client.post(
        url,
        {"unblock": button["value"], "blocker": str(box(amina).public_id)},
    )
    assert response.status_code == 303 and flashes(response)
    assert not MessageBlock.objects.exists()


def test_a_partner_user_who_is_also_an_alumnus_switches_mailboxes(
    client, partner, amina
):
    user = partner.members.get()
    AlumniProfile.objects.create(user=user)  # an alumnus working for Acme
    to_partner = start(amina, partner, "Pour Acme", "Bonjour Acme")
    messaging.start_thread(
        box(amina), messaging.mailbox_of_user(user), "Perso", "Salut"
    )
    login(client, user)
    inbox = client.get(reverse(INBOX))
    switch = soup(inbox).select(".mailbox-switch a")
    assert len(switch) == 2
    assert switch[0].text.startswith("Acme") and switch[0]["aria-current"]
    assert switch[1]["href"].endswith(
        f"?box={messaging.mailbox_of_user(user).public_id}"
    )
    assert subjects(inbox) == ["Pour Acme"]
    personal = messaging.mailbox_of_user(user)
    mine = client.get(reverse(INBOX), {"box": str(personal.public_id)})
    assert subjects(mine) == ["Perso"]
    assert rows(mine)[0].select_one("a")["href"].endswith(f"?box={personal.public_id}")
    assert client.get(thread_url(to_partner)).status_code == 200
    # The partner's conversation is not in the personal mailbox.
    assert (
        client.get(thread_url(to_partner, f"?box={personal.public_id}")).status_code
        == 404
    )


def test_the_header_shows_my_messages_with_the_unread_badge(client, amina, lucas, chen):
    start(lucas, amina)
    start(chen, amina, "Autre")
    login(client, amina)
    page = soup(client.get(reverse("alumni_partner:profile")))
    link = page.select_one(".account a.messages-link")
    assert link["href"] == reverse(INBOX)
    assert link.select_one(".messages-badge").text.startswith("2")
    # Also in the Communities > Join menu.
    assert page.select_one(f".submenu a[href='{reverse(INBOX)}']")
    client.get(thread_url(Thread.objects.get(subject="Autre")))
    page = soup(client.get(reverse("alumni_partner:profile")))
    assert page.select_one(".messages-badge").text.startswith("1")


def test_the_header_badge_costs_one_query_for_an_alumnus(client, amina):
    """The profile is read by the header anyway; the count is the only addition."""
    login(client, amina)
    url = reverse("alumni_partner:profile")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    counts = [
        q["sql"] for q in captured if "alumni_partner_threadparticipant" in q["sql"]
    ]
    assert len(counts) == 1


def test_no_header_link_for_visitors_and_accounts_without_messages(client, editor):
    page = soup(client.get(reverse("account_login")))
    assert not page.select_one(".messages-link")
    login(client, editor)
    page = soup(client.get(reverse("account_login")))
    assert not page.select_one(".messages-link")


def test_messaging_is_for_alumni_and_partners(client, editor):
    login(client, editor)
    for name in (
        "messages_inbox",
        "messages_archive",
        "messages_sent",
        "messages_search",
        "messages_settings",
        "message_new",
    ):
        response = client.get(reverse(f"alumni_partner:{name}"))
        assert response.status_code == 403, name
        assert soup(response).select_one(".messages-forbidden a[href]")
