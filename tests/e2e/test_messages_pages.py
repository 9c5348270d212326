"""Mes messages in a real browser: the inbox, a conversation and the compose page
pass axe-core (WCAG 2.2 AA), in French and right to left in Arabic.

A smoke test of the pages' markup; writing, answering, blocking and
reporting through the browser belong to the messages journey test.
Screenshots go to tests/e2e/screenshots/messages-pages-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from alumni_partner import messaging
from tests.conftest import PASSWORD

from .helpers import Screenshots, assert_accessible

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def conversations(make_alumnus, make_partner):
    """Amina's mailbox: an unread partner conversation, a read one, a sent one."""
    amina = make_alumnus(
        "Amina", "Diallo", email="amina@alumni.test", accepts_partner_contact=True
    )
    lucas = make_alumnus("Lucas", "Martin")
    nadia = make_alumnus("Nadia", "Benali")
    helios = make_partner("Helios Énergie")
    jean = helios.members.get()
    jean.first_name, jean.last_name = "Jean", "Dupont"
    jean.save()
    me = messaging.mailbox_of_user(amina.user)
    lucas_box = messaging.mailbox_of_user(lucas.user)
    read = messaging.start_thread(
        lucas_box,
        me,
        "Retrouvailles de la promotion 2016",
        "Salut Amina !\nOn organise un dîner à Lyon le 14 mars.\n"
        "Le programme : https://example.org/promo-2016",
        author=lucas.user,
    )
    messaging.reply(read, me, "Avec plaisir, je viens !", author=amina.user)
    messaging.mark_read(messaging.participation(read, me))
    messaging.start_thread(
        me,
        messaging.mailbox_of_user(nadia.user),
        "Question sur ton master à Bordeaux",
        "Bonjour Nadia, comment as-tu trouvé le master ?",
        author=amina.user,
    )
    offer = messaging.start_thread(
        messaging.mailbox_of_partner(helios),
        me,
        "Stage en ingénierie des procédés",
        "Bonjour Amina,\n\nNous avons vu votre profil dans l'annuaire. "
        "Un stage de six mois s'ouvre à Casablanca : "
        "https://helios.example/offres/stage-procedes\n\nCordialement,\nJean",
        author=jean,
    )
    messaging.reply(
        offer,
        messaging.mailbox_of_partner(helios),
        "Le poste est toujours ouvert, n'hésitez pas.",
        author=jean,
    )
    return amina, lucas, offer


def test_inbox_thread_and_compose_pass_axe(
    e2e_site, live_server, new_context, make_alumnus, make_partner
):
    shot = Screenshots("messages-pages")
    amina, lucas, offer = conversations(make_alumnus, make_partner)
    page = new_context().new_page()

    page.goto("/messages/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("input[name=login]", amina.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/messages/$"))

    expect(page.locator(".message-thread-row")).to_have_count(3)
    expect(page.locator(".message-thread-row.is-unread")).to_have_count(1)
    expect(page.locator(".messages-link .messages-badge")).to_have_text(
        re.compile("^1")
    )
    assert_accessible(page, "the inbox")
    shot(page, "inbox")

    page.locator(".message-thread-row.is-unread a").click()
    expect(page).to_have_url(re.compile(rf"/messages/{offer.public_id}/$"))
    expect(page.locator(".thread-message")).to_have_count(2)
    expect(page.locator(".messages-link .messages-badge")).to_have_count(0)
    page.locator(".message-report summary").first.click()
    page.fill("#id_body", "Merci, je vous envoie mon CV demain.")
    assert_accessible(page, "a conversation")
    shot(page, "thread")

    page.goto(f"/messages/new/{lucas.public_id}/")
    page.fill("#id_subject", "Dîner du 14 mars")
    assert_accessible(page, "the compose page")
    shot(page, "compose")

    page.goto("/ar/messages/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page, "the inbox in Arabic")
    shot(page, "inbox-ar")
