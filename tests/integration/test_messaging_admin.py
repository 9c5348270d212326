"""The admin around messages: "Mes messages" for partner users, moderation for editors."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from alumni_partner import messaging
from alumni_partner.messaging_admin import menus
from alumni_partner.models import Mailbox, MessageReport, ReportStatus
from tests.messaging_helpers import box

pytestmark = pytest.mark.django_db

REPORTS = "alumni_partner_message_reports"
SUSPENSIONS = "alumni_partner_message_suspensions"
MY_MESSAGES = r"(My messages|Mes messages)"


def sidebar(response) -> tuple[list[dict], list[dict]]:
    """The sidebar's main menu and account menu items (their options)."""
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    props = json.loads(found.group(1))
    (module,) = [
        m for m in props["modules"] if m["_type"] == "wagtail.sidebar.MainMenuModule"
    ]
    main, account, _user = module["_args"]

    def flatten(items):
        result = []
        for item in items:
            options = item["_args"][0]
            result.append(options)
            if item["_type"] == "wagtail.sidebar.SubMenuItem":
                result += flatten(item["_args"][1])
        return result

    return flatten(main), flatten(account)


def item(items, name):
    return next((options for options in items if options["name"] == name), None)


def inbox(mailbox=None) -> str:
    url = reverse("alumni_partner:messages_inbox")
    return f"{url}?box={mailbox.public_id}" if mailbox else url


# ---------------------------------------------------------------------------
# "Mes messages" for partner users
# ---------------------------------------------------------------------------


def test_partner_user_sees_my_messages_with_the_unread_count(
    partner, partner_client, amina, lucas
):
    p = messaging.mailbox_of_partner(partner)
    messaging.start_thread(box(amina), p, "SUJET-SECRET", "TEXTE-SECRET")
    read = messaging.start_thread(box(lucas), p, "Question", "Bonjour")
    messaging.reply(read, box(lucas), "Encore une question")
    messaging.mark_read(messaging.participation(read, p))
    third = messaging.start_thread(box(lucas), p, "Autre", "Texte")
    assert messaging.unread_count(p) == 2

    response = partner_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    main, _account = sidebar(response)
    entry = item(main, menus.MY_MESSAGES)
    assert re.fullmatch(MY_MESSAGES + r" \(2\)", entry["label"])
    assert entry["url"] == inbox(p)
    assert entry["attrs"]["data-unread-count"] == "2"
    assert entry["attrs"]["id"] == menus.MY_MESSAGES_ID
    # The account menu gets a copy of it in the browser (see account_menu.js).
    body = response.content.decode()
    assert "alumni_partner/js/account_menu.js" in body

    # The dashboard panel: the count, who wrote, links; no subject, no text.
    assert 'id="alumni-messages-panel"' in body
    assert 'data-unread-count="2"' in body
    assert "Amina Diallo" in body and "Lucas Martin" in body
    assert "SUJET-SECRET" not in body and "TEXTE-SECRET" not in body
    thread_link = reverse("alumni_partner:message_thread", args=[third.public_id])
    assert f'href="{thread_link}?box={p.public_id}"' in body

    # The link opens the public inbox of the partner's mailbox.
    assert partner_client.get(entry["url"]).status_code == 200


def test_my_messages_without_unread_has_no_count(partner, partner_client):
    # No mailbox yet: the inbox creates it; nothing is unread.
    main, _account = sidebar(partner_client.get(reverse("wagtailadmin_home")))
    entry = item(main, menus.MY_MESSAGES)
    assert re.fullmatch(MY_MESSAGES, entry["label"])
    assert entry["url"] == inbox()
    assert entry["attrs"]["data-unread-count"] == "0"
    assert not Mailbox.objects.exists()  # reading the admin created nothing
    p = messaging.mailbox_of_partner(partner)
    main, _account = sidebar(partner_client.get(reverse("wagtailadmin_home")))
    assert item(main, menus.MY_MESSAGES)["url"] == inbox(p)


def test_my_messages_on_the_account_page(partner, partner_client, amina):
    p = messaging.mailbox_of_partner(partner)
    messaging.start_thread(box(amina), p, "Sujet", "Texte")
    body = partner_client.get(reverse("wagtailadmin_account")).content.decode()
    assert f'href="{inbox(p)}"' in body
    assert re.search(MY_MESSAGES + r" \(1\)", body)


def test_my_messages_counts_the_partners_box_not_the_users_own(
    partner, partner_client, partner_user, amina
):
    # A partner user's own mailbox (as an alumnus) is not the partner's.
    own = messaging.mailbox_of_user(partner_user)
    messaging.start_thread(box(amina), own, "Privé", "Texte")
    main, _account = sidebar(partner_client.get(reverse("wagtailadmin_home")))
    assert item(main, menus.MY_MESSAGES)["attrs"]["data-unread-count"] == "0"


def test_editors_and_alumni_get_no_my_messages(editor_client, client, amina):
    main, _account = sidebar(editor_client.get(reverse("wagtailadmin_home")))
    assert item(main, menus.MY_MESSAGES) is None
    assert item(main, "message-reports") is not None
    body = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="alumni-messages-panel"' not in body
    # An alumnus does not enter the admin at all.
    client.force_login(amina.user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_partner_admin_pages_cost_the_same_with_more_messages(
    partner, partner_client, amina, lucas
):
    p = messaging.mailbox_of_partner(partner)
    messaging.start_thread(box(amina), p, "Un", "Texte")
    page = reverse("wagtailadmin_account")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert partner_client.get(page).status_code == 200
        return len(context)

    partner_client.get(page)  # warm caches
    one = queries()
    for n in range(5):
        messaging.start_thread(box(lucas), p, f"Sujet {n}", f"Texte {n}")
    assert queries() == one


# ---------------------------------------------------------------------------
# Editors: reports
# ---------------------------------------------------------------------------


@pytest.fixture
def reported(amina, lucas, partner):
    """Lucas reported Amina's hostile message; Acme reported another one of hers."""
    a, b = box(amina), box(lucas)
    thread = messaging.start_thread(
        a, b, "Offre", '<script>alert("x")</script> voir https://example.org/piege'
    )
    report = messaging.report(
        thread.messages.get(), b, "Lien douteux <b>!</b>", user=lucas.user
    )
    p = messaging.mailbox_of_partner(partner)
    other = messaging.start_thread(a, p, "Bonjour", "Achetez maintenant")
    second = messaging.report(
        other.messages.get(), p, "Spam", user=partner.members.get()
    )
    return report, second


def url(name, *args, namespace=REPORTS):
    return reverse(f"{namespace}:{name}", args=args)


def test_editor_lists_reports_newest_first_and_filters_by_status(
    editor, editor_client, reported
):
    first, second = reported
    response = editor_client.get(url("index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(url("detail", second.pk)) < body.index(url("detail", first.pk))
    assert "Amina Diallo" in body and "Lucas Martin" in body and "Acme" in body

    messaging.dismiss(first, by=editor)
    body = editor_client.get(url("index") + "?status=open").content.decode()
    assert url("detail", second.pk) in body and url("detail", first.pk) not in body
    body = editor_client.get(url("index") + "?status=dismissed").content.decode()
    assert url("detail", first.pk) in body and url("detail", second.pk) not in body
    results = editor_client.get(url("index_results") + "?status=dismissed")
    assert results.status_code == 200


def test_reports_are_paginated(editor_client, reported, settings):
    settings.ALUMNI_PARTNER_MESSAGES_PER_PAGE = 1
    first, second = reported
    body = editor_client.get(url("index")).content.decode()
    assert url("detail", second.pk) in body and url("detail", first.pk) not in body
    body = editor_client.get(url("index") + "?p=2").content.decode()
    assert url("detail", first.pk) in body


def test_reports_list_queries_do_not_grow_with_reports(
    editor_client, reported, make_alumnus, partner
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert editor_client.get(url("index")).status_code == 200
        return len(context)

    editor_client.get(url("index"))
    before = queries()
    p = messaging.mailbox_of_partner(partner)
    for n in range(4):
        sender = box(make_alumnus(f"Sender{n}", "Test"))
        thread = messaging.start_thread(sender, p, f"Sujet {n}", f"Texte {n}")
        messaging.report(thread.messages.get(), p, "Spam")
    assert queries() == before


def test_the_editors_menu_counts_open_reports(editor, editor_client, reported):
    main, _account = sidebar(editor_client.get(reverse("wagtailadmin_home")))
    entry = item(main, "message-reports")
    assert re.fullmatch(r"(Reports|Signalements) \(2\)", entry["label"])
    assert entry["url"] == url("index") + "?status=open"
    messaging.dismiss(reported[0], by=editor)
    main, _account = sidebar(editor_client.get(reverse("wagtailadmin_home")))
    assert item(main, "message-reports")["attrs"]["data-open-reports"] == "1"


def test_a_report_shows_the_message_inert_and_its_context(editor_client, reported):
    report, _second = reported
    response = editor_client.get(url("detail", report.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert 'href="https://example.org/piege"' in body
    assert "Lien douteux &lt;b&gt;!&lt;/b&gt;" in body
    assert "Amina Diallo" in body and "Lucas Martin" in body
    assert 'data-sender-reports="2"' in body
    assert f'action="{url("dismiss", report.pk)}"' in body
    assert f'action="{url("suspend", report.pk)}"' in body


def test_dismiss_closes_the_report_once(editor, editor_client, reported):
    report, second = reported
    assert editor_client.get(url("dismiss", report.pk)).status_code == 405
    response = editor_client.post(url("dismiss", report.pk))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED
    assert report.handled_by == editor and report.handled_at is not None
    assert ModelLogEntry.objects.filter(
        action="alumni_partner.messaging.dismissed", object_id=str(report.pk)
    ).exists()
    # Again (a double click): nothing changes, the editor is told.
    response = editor_client.post(url("dismiss", report.pk), follow=True)
    assert b"already" in response.content or "déjà" in response.content.decode()
    second.refresh_from_db()
    assert second.status == ReportStatus.OPEN


def test_suspend_stops_the_sender_and_reinstate_lets_them_write_again(
    editor, editor_client, reported, amina, lucas
):
    report, second = reported
    sender = box(amina)
    response = editor_client.post(
        url("suspend", report.pk), {"reason": "Liens frauduleux"}
    )
    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.is_suspended
    assert sender.suspended_by == editor
    assert sender.suspension_reason == "Liens frauduleux"
    # Every open report about the sender is settled with it.
    assert set(MessageReport.objects.values_list("status", flat=True)) == {
        ReportStatus.SUSPENDED
    }
    assert ModelLogEntry.objects.filter(
        action="alumni_partner.messaging.suspended", object_id=str(sender.pk)
    ).exists()
    # The suspended sender can no longer write, to anyone.
    with pytest.raises(messaging.MessagingRefused, match="suspend"):
        messaging.start_thread(sender, box(lucas), "Encore", "Texte")
    with pytest.raises(messaging.MessagingRefused, match="suspend"):
        messaging.reply(report.message.thread, sender, "Texte")

    # The report's page now offers "Reinstate"; the list of suspended senders too.
    body = editor_client.get(url("detail", report.pk)).content.decode()
    reinstate = url("reinstate", sender.pk, namespace=SUSPENSIONS)
    assert f'action="{reinstate}"' in body
    assert 'class="message-report-suspend"' not in body
    listing = editor_client.get(url("index", namespace=SUSPENSIONS))
    assert listing.status_code == 200
    assert "Amina Diallo" in listing.content.decode()
    assert "Liens frauduleux" in listing.content.decode()
    assert f'data-reinstate="{sender.pk}"' in listing.content.decode()

    response = editor_client.post(reinstate, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == url("index", namespace=SUSPENSIONS)
    sender.refresh_from_db()
    assert not sender.is_suspended
    messaging.start_thread(sender, box(lucas), "De retour", "Texte")
    assert ModelLogEntry.objects.filter(
        action="alumni_partner.messaging.reinstated", object_id=str(sender.pk)
    ).exists()
    body = editor_client.get(url("index", namespace=SUSPENSIONS)).content.decode()
    assert f'data-reinstate="{sender.pk}"' not in body


def test_an_oversized_reason_is_refused_with_the_form(editor_client, reported):
    report, _second = reported
    response = editor_client.post(url("suspend", report.pk), {"reason": "x" * 2001})
    assert response.status_code == 200
    assert not Mailbox.objects.get(pk=report.message.sender_id).is_suspended


def test_actions_need_the_csrf_token(editor, reported):
    report, _second = reported
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(url("dismiss", report.pk)).status_code == 403
    assert client.post(url("suspend", report.pk)).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


def test_partner_users_and_alumni_are_refused_everywhere(
    partner_client, amina, reported
):
    report, second = reported
    sender = box(amina)
    messaging.suspend(sender, by=None, reason="test")
    urls = [
        url("index"),
        url("index_results"),
        url("detail", report.pk),
        url("dismiss", report.pk),
        url("suspend", second.pk),
        url("index", namespace=SUSPENSIONS),
        url("index_results", namespace=SUSPENSIONS),
        url("reinstate", sender.pk, namespace=SUSPENSIONS),
    ]
    before = list(MessageReport.objects.order_by("pk").values_list("status"))
    alumnus_client = Client()
    alumnus_client.force_login(amina.user)
    for who in (partner_client, alumnus_client):
        for path in urls:
            for method in ("get", "post"):
                response = getattr(who, method)(path, {"reason": "x"})
                assert response.status_code in (302, 403), (path, method)
                assert b"Amina Diallo" not in response.content
    assert list(MessageReport.objects.order_by("pk").values_list("status")) == before
    sender.refresh_from_db()
    assert sender.is_suspended
    main, _account = sidebar(partner_client.get(reverse("wagtailadmin_home")))
    assert item(main, "message-reports") is None
