"""Chapter 7 of the user guide, "Mes messages", in a real browser (issue 7).

An alumna opens a partner's page, clicks its contact button, logs in on the
way and writes. The partner's user logs in to the admin, sees the unread
badge on "Mes messages", reads and answers. The alumna sees the answer (and
the header's badge); the e-mail notices of both messages reach a real SMTP
server, naming the sender and linking to the inbox, never quoting the text.
The partner blocks her: her next message is refused. She reports the
partner's answer; the editors get an e-mail, and the report waits for them
in the admin. axe-core audits every screen; screenshots go to
tests/e2e/screenshots/messages-journey-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from alumni_partner.models import Message, MessageReport, ReportStatus
from tests.conftest import PASSWORD

from .helpers import Screenshots, assert_accessible, either, login
from .test_news_journey import assert_admin_accessible
from .test_partner_journey import publish_partner

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUBJECT = "Stage en ingénierie des procédés"
QUESTION = (
    "Bonjour, proposez-vous des stages à Lyon ? Mon CV : https://cv.example.org/amina"
)
ANSWER = "Oui, écrivez à rh@helios.test <b>dès lundi</b>."
AFTER_BLOCK = "Avez-vous reçu mon CV ?"


def text_of(mail) -> str:
    """The plain-text part of a received e-mail."""
    part = mail.get_body(preferencelist=("plain",)) if mail.is_multipart() else mail
    return part.get_content()


def assert_notice(mail, to: str, sender: str) -> None:
    """A notice names the sender and links to the inbox, without the text."""
    assert mail["To"] == to
    body = text_of(mail)
    assert sender in body or sender in str(mail["Subject"])
    assert "/messages/" in body
    for private in (SUBJECT, QUESTION, ANSWER, "dès lundi"):
        assert private not in body and private not in str(mail["Subject"])


def alumna_writes(page: Page, shot: Screenshots, partner) -> None:
    page.goto(partner.page.url)
    button = page.locator(".partner-contact-button")
    expect(button).to_be_visible()
    button.click()
    # Not logged in: the login page, then back to the form.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("input[name=login]", "amina@alumni.test")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/messages/new/partner/\d+/"))
    expect(page.locator("main")).to_contain_text("Helios Énergie")
    page.fill("#id_subject", SUBJECT)
    page.fill("#id_body", QUESTION)
    assert_accessible(page, "the compose page")
    shot(page, "compose")
    page.locator("button[name=send]").click()
    expect(page).to_have_url(re.compile(r"/messages/[0-9a-f-]{36}/"))
    expect(page.locator(".thread-message").last).to_contain_text("Mon CV")
    # The link is clickable, and safe.
    link = page.locator(".thread-message-body a", has_text="cv.example.org")
    expect(link).to_have_attribute("rel", re.compile("nofollow"))
    shot(page, "sent")


def partner_answers(page: Page, shot: Screenshots, base: str, user) -> None:
    login(page, base, user.email, PASSWORD)
    item = page.locator("#alumni-my-messages")
    expect(item).to_have_attribute("data-unread-count", "1")
    expect(item).to_contain_text(either("Mes messages (1)", "My messages (1)"))
    # The guide's block at the top right: the account menu has it too.
    page.locator("#wagtail-sidebar").get_by_role(
        "button", name=re.compile(user.first_name or user.email, re.IGNORECASE)
    ).first.click()
    expect(page.locator("#alumni-account-my-messages")).to_contain_text(
        either("Mes messages (1)", "My messages (1)")
    )
    assert_admin_accessible(page, "the admin with the unread badge")
    shot(page, "admin-badge", full_page=False)
    page.locator("#alumni-account-my-messages").click()

    expect(page).to_have_url(re.compile(r"/messages/\?box="))
    row = page.locator(".message-thread-row.is-unread", has_text=SUBJECT)
    expect(row).to_have_count(1)
    assert_accessible(page, "the partner's inbox")
    shot(page, "partner-inbox")
    row.get_by_role("link").first.click()
    expect(page.locator(".thread-message")).to_contain_text("proposez-vous des stages")
    page.fill("#id_body", ANSWER)
    assert_accessible(page, "the conversation, partner side")
    page.locator("button[name=send]").click()
    answer = page.locator(".thread-message", has_text="rh@helios.test")
    expect(answer).to_be_visible()
    # Typed HTML shows as text.
    expect(answer).to_contain_text("<b>dès lundi</b>")
    shot(page, "partner-answered")


def test_an_alumna_and_a_partner_write_block_and_report(
    e2e_site, live_server, new_context, make_partner, make_alumnus, editor, smtp_server
):
    shot = Screenshots("messages-journey")
    base = live_server.url
    partner = publish_partner(make_partner, "Helios Énergie")
    user = partner.members.get()
    user.email, user.first_name, user.last_name = "jean@helios.test", "Jean", "Dupont"
    user.save()
    make_alumnus("Amina", "Diallo", email="amina@alumni.test", listed=True)
    editor.set_password(PASSWORD)
    editor.save()

    # The alumna writes from the partner's page; Helios hears of it by e-mail.
    alumna = new_context().new_page()
    alumna_writes(alumna, shot, partner)
    [notice] = smtp_server.wait_for(1)
    assert_notice(notice, "jean@helios.test", "Amina Diallo")
    smtp_server.clear()

    # The partner sees the badge in the admin, reads and answers.
    desk = new_context().new_page()
    partner_answers(desk, shot, base, user)
    [notice] = smtp_server.wait_for(1)
    assert_notice(notice, "amina@alumni.test", "Helios Énergie")
    smtp_server.clear()

    # The alumna sees the answer: the header's badge, then the conversation.
    alumna.goto("/")
    expect(alumna.locator(".messages-link .messages-badge")).to_have_text(
        re.compile(r"\b1\b")
    )
    alumna.locator(".messages-link").first.click()
    row = alumna.locator(".message-thread-row.is-unread", has_text=SUBJECT)
    expect(row).to_have_count(1)
    assert_accessible(alumna, "the alumna's inbox")
    shot(alumna, "alumna-inbox")
    row.get_by_role("link").first.click()
    expect(alumna.locator(".thread-message", has_text="rh@helios.test")).to_be_visible()
    assert_accessible(alumna, "the conversation, alumna side")
    shot(alumna, "alumna-reads")

    # Helios blocks her: her next message is refused, and nothing is stored.
    desk.locator("button[name=block]").click()
    expect(desk.locator("main")).to_contain_text(either("bloqué", "blocked"))
    expect(desk.locator("button[name=unblock]")).to_be_visible()
    before = Message.objects.count()
    alumna.reload()
    alumna.fill("#id_body", AFTER_BLOCK)
    alumna.locator("button[name=send]").click()
    expect(alumna.locator("#reply-refusal")).to_contain_text(
        either("n'accepte pas", "does not accept")
    )
    expect(alumna.locator("#id_body")).to_have_value(AFTER_BLOCK)
    assert Message.objects.count() == before
    assert_accessible(alumna, "the refused reply")
    shot(alumna, "refused")

    # She reports the answer; the editors hear of it and find it in the admin.
    answer = alumna.locator(".thread-message", has_text="rh@helios.test")
    answer.locator("details.message-report summary").click()
    answer.locator("textarea[name=reason]").fill("Réponse insistante")
    answer.locator("button[name=report]").click()
    expect(alumna.locator("main")).to_contain_text(either("signalé", "reported"))
    report = MessageReport.objects.get()
    assert report.status == ReportStatus.OPEN and report.reason == "Réponse insistante"
    [notice] = smtp_server.wait_for(1)
    assert notice["To"] == editor.email
    assert ANSWER not in text_of(notice)

    office = new_context().new_page()
    login(office, base, editor.email, PASSWORD)
    sidebar = office.locator("#wagtail-sidebar")
    sidebar.get_by_role(
        "button", name=either("Modération des messages", "Message moderation")
    ).click()
    sidebar.get_by_role("link", name=either("Signalements (1)", "Reports (1)")).click()
    office.locator("main tbody tr", has_text="Helios").get_by_role("link").first.click()
    expect(office.locator("main")).to_contain_text("rh@helios.test")
    expect(office.locator("main")).to_contain_text("Réponse insistante")
    assert_admin_accessible(office, "the report's page")
    shot(office, "report", scroller="main")
