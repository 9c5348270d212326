""" "Mails envoyés" (guide 6), a mailing's page, stop / resume / "modifier et renvoyer".

A partner sees its own sent mailings only, searches them by period and
keywords, opens one for its statistics (computed from the recipient rows)
and its audit trail, stops and resumes it, and resends it as a copy.
"""

from __future__ import annotations

import datetime
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from alumni_partner.conf import partner_settings
from alumni_partner.mailing import lifecycle
from alumni_partner.mailing.statistics import mailing_statistics
from alumni_partner.models.mailings import (
    Mailing,
    MailingAttachment,
    MailingRecipient,
    MailingStatus,
    MailingUnsubscribe,
    RecipientSource,
    RecipientStatus,
)

pytestmark = pytest.mark.django_db

NS = "alumni_partner_mailings"
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def url(name: str, *args) -> str:
    return reverse(f"{NS}:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def sent_mailing(
    partner,
    subject="Forum emploi",
    body="<p>Bonjour {first_name}</p>",
    status=MailingStatus.SENT,
    started_at=None,
    rows=(),
    **fields,
) -> Mailing:
    """A mailing that started sending; ``rows`` are dicts of recipient fields."""
    started_at = started_at or timezone.now() - timedelta(hours=3)
    mailing = Mailing.objects.create(
        partner=partner,
        created_by=partner.members.first(),
        sender_name=f"{partner.name} alumni",
        sender_email=f"alumni@{partner.name.lower()}.test",
        subject=subject,
        body=body,
        include_followers=False,
        status=status,
        started_at=started_at,
        finished_at=started_at + timedelta(hours=1)
        if status == MailingStatus.SENT
        else None,
        recipient_count=len(rows),
        **fields,
    )
    MailingRecipient.objects.bulk_create(
        MailingRecipient(
            mailing=mailing,
            email=f"r{n}@{partner.name.lower()}.example",
            source=RecipientSource.EXTRA,
            **row,
        )
        for n, row in enumerate(rows)
    )
    return mailing


def sending(partner, count=5, **kwargs) -> Mailing:
    return sent_mailing(
        partner,
        status=MailingStatus.SENDING,
        rows=[{"status": RecipientStatus.PENDING}] * count,
        **kwargs,
    )


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


def test_sent_list_shows_the_partners_own_sent_mailings_only(
    partner_client, partner, other_partner
):
    sent_mailing(partner, subject="Acme forum")
    sent_mailing(other_partner, subject="GLOBEX-SECRET forum")
    draft = sent_mailing(partner, subject="Acme draft", status=MailingStatus.DRAFT)
    Mailing.objects.filter(pk=draft.pk).update(started_at=None)

    response = partner_client.get(url("sent"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme forum" in body
    assert "GLOBEX-SECRET" not in body
    assert "Acme draft" not in body
    assert "Globex" not in body  # no partner column for one partner


def test_sent_list_shows_figures_status_and_actions(partner_client, partner):
    now = timezone.now()
    rows = [
        {"status": RecipientStatus.SENT, "sent_at": now, "first_opened_at": now},
        {"status": RecipientStatus.SENT, "sent_at": now},
        {"status": RecipientStatus.FAILED},
        {"status": RecipientStatus.PENDING},
    ]
    running = sent_mailing(partner, subject="Running", status=MailingStatus.SENDING)
    MailingRecipient.objects.bulk_create(
        MailingRecipient(mailing=running, email=f"x{n}@a.example", **row)
        for n, row in enumerate(rows)
    )
    stopped = sent_mailing(partner, subject="Halted", status=MailingStatus.STOPPED)
    done = sent_mailing(partner, subject="Done")

    body = partner_client.get(url("sent")).content.decode()

    row = body[body.index("Running") : body.index("Running") + 4000]
    # Sent 2, failed 1, opened 1.
    assert re.search(r">\s*2\s*<.*?>\s*1\s*<.*?>\s*1\s*<", row, re.S)
    # Stop while sending, resume when stopped, copy and view for each; no
    # delete while sending.
    assert f'action="{url("stop", running.pk)}"' in body
    assert url("delete", running.pk) not in body
    assert f'action="{url("resume", stopped.pk)}"' in body
    assert f'action="{url("stop", stopped.pk)}"' not in body
    for mailing in (running, stopped, done):
        assert f'action="{url("copy", mailing.pk)}"' in body
        assert f'href="{url("view", mailing.pk)}" ' in body
        assert f'href="{url("detail", mailing.pk)}"' in body
    assert url("delete", done.pk) in body
    assert 'target="_blank"' in body
    assert "csrfmiddlewaretoken" in body


def test_sent_list_queries_do_not_grow_with_its_rows(partner_client, partner):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert partner_client.get(url("sent")).status_code == 200
        return len(context)

    sent_mailing(partner, subject="One", status=MailingStatus.SENDING)
    one = queries()
    for status in (MailingStatus.STOPPED, MailingStatus.SENT, MailingStatus.SENT):
        sent_mailing(partner, subject=status, status=status)
    assert queries() == one


def test_sent_list_filters_by_period_and_keywords(partner_client, partner):
    sent_mailing(
        partner,
        subject="Forum de janvier",
        started_at=datetime.datetime(2025, 1, 10, 9, tzinfo=PARIS),
    )
    sent_mailing(
        partner,
        subject="Gala de mars",
        body="<p>Le grand <b>forum</b> annuel</p>",
        started_at=datetime.datetime(2025, 3, 10, 9, tzinfo=PARIS),
    )
    sent_mailing(
        partner,
        subject="Afterwork de mai",
        started_at=datetime.datetime(2025, 5, 10, 9, tzinfo=PARIS),
    )

    def subjects(**query) -> set[str]:
        body = partner_client.get(url("sent"), query).content.decode()
        return {
            s
            for s in ("Forum de janvier", "Gala de mars", "Afterwork de mai")
            if s in body
        }

    assert subjects() == {"Forum de janvier", "Gala de mars", "Afterwork de mai"}
    assert subjects(period_from="2025-03-01", period_to="2025-05-10") == {
        "Gala de mars",
        "Afterwork de mai",
    }
    assert subjects(period_to="2025-01-10") == {"Forum de janvier"}
    # Keywords: in the subject or the message; every word must be found.
    assert subjects(keywords="forum") == {"Forum de janvier", "Gala de mars"}
    assert subjects(keywords="forum annuel") == {"Gala de mars"}
    assert subjects(keywords="forum", period_from="2025-02-01") == {"Gala de mars"}
    # The results fragment Wagtail reloads when a filter changes.
    fragment = partner_client.get(url("sent_results"), {"keywords": "afterwork"})
    assert fragment.status_code == 200
    assert b"Afterwork de mai" in fragment.content
    assert b"Gala de mars" not in fragment.content


def test_a_malformed_date_is_reported_above_the_list(partner_client, partner):
    sent_mailing(partner, subject="Forum de janvier")
    sent_mailing(partner, subject="Gala de mars")

    response = partner_client.get(
        url("sent"), {"period_from": "2025-13-45", "keywords": "gala"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "scoped-filter-errors" in body
    assert re.search(r"<strong>(Period|Période)</strong>", body)
    # The valid filter still applies.
    assert "Gala de mars" in body
    assert "Forum de janvier" not in body


def test_sent_list_sorts_and_paginates(partner_client, partner, settings):
    settings.ALUMNI_PARTNER_MAILING_PER_PAGE = 2
    for n in range(3):
        sent_mailing(
            partner,
            subject=f"Mailing {n}",
            started_at=timezone.now() - timedelta(days=n + 1),
        )
    first = partner_client.get(url("sent")).content.decode()
    assert "Mailing 0" in first and "Mailing 1" in first and "Mailing 2" not in first
    second = partner_client.get(url("sent"), {"p": 2}).content.decode()
    assert "Mailing 2" in second and "Mailing 0" not in second
    oldest = partner_client.get(url("sent"), {"ordering": "started_at"})
    body = oldest.content.decode()
    assert "Mailing 2" in body and "Mailing 0" not in body
    by_subject = partner_client.get(url("sent"), {"ordering": "-subject"})
    assert "Mailing 2" in by_subject.content.decode()


def test_sent_list_empty_state(partner_client, partner):
    body = partner_client.get(url("sent")).content.decode()
    assert re.search("No mailing has been sent yet|Aucun mailing", body)
    assert url("pending") in body


def test_editors_see_every_partners_sent_mailings_with_a_partner_filter(
    editor_client, partner, other_partner
):
    sent_mailing(partner, subject="Acme forum")
    sent_mailing(other_partner, subject="Globex forum")
    body = editor_client.get(url("sent")).content.decode()
    assert "Acme forum" in body and "Globex forum" in body
    only = editor_client.get(url("sent"), {"partner": other_partner.pk})
    assert b"Globex forum" in only.content and b"Acme forum" not in only.content


# ---------------------------------------------------------------------------
# A mailing's page
# ---------------------------------------------------------------------------


def test_statistics_come_from_the_recipient_rows(partner_client, partner):
    start = timezone.now() - timedelta(hours=5)
    sent = {"status": RecipientStatus.SENT, "sent_at": start + timedelta(minutes=5)}
    opened = {
        **sent,
        "track_opens": True,
        "first_opened_at": start + timedelta(hours=2),
    }
    rows = [
        {**opened, "open_count": 3},
        {**opened, "open_count": 1},
        {**sent, "track_opens": True},
        {**sent, "track_opens": True},
        {**sent},
        {**sent},
        {"status": RecipientStatus.FAILED, "last_error": "550 no such user"},
        {"status": RecipientStatus.FAILED},
        {"status": RecipientStatus.UNKNOWN},
        {"status": RecipientStatus.SKIPPED},
    ]
    mailing = sent_mailing(partner, started_at=start, rows=rows)
    MailingUnsubscribe.objects.create(
        partner=partner, email="r0@acme.example", mailing=mailing
    )

    stats = mailing_statistics(mailing)
    assert (stats.total, stats.sent, stats.failed, stats.unknown) == (10, 6, 2, 1)
    assert (stats.skipped, stats.opened, stats.opens, stats.trackable) == (1, 2, 4, 4)
    assert stats.unsubscribed == 1
    assert stats.hourly
    assert stats.period_sent == 6 and stats.period_opened == 2
    assert [slot.sent for slot in stats.days if slot.sent] == [6]
    assert [slot.opened for slot in stats.days if slot.opened] == [2]

    body = partner_client.get(url("detail", mailing.pk)).content.decode()
    figures = dict(
        re.findall(
            r'<div class="stats-panel__figure"><dt>([^<]+)</dt><dd>(\d+)</dd>', body
        )
    )
    assert list(figures.values()) == ["10", "6", "2", "1", "1", "2", "4", "1"]
    assert re.search(r"measured for 4 of 6 recipients|pour 4 des 6", body)
    assert "Apple Mail" in body
    assert "<svg" in body and "stats-panel__bar--sent" in body
    assert "stats-panel__bar--opened" in body
    assert "stats-panel__table" in body  # the chart's table alternative


def test_the_series_goes_hour_by_hour_for_48_hours_then_day_by_day(partner):
    start = datetime.datetime(2025, 3, 3, 10, 30, tzinfo=PARIS)
    sent = {"status": RecipientStatus.SENT, "sent_at": start + timedelta(minutes=10)}
    rows = [
        sent,
        {**sent, "first_opened_at": start + timedelta(hours=2, minutes=5)},
        {**sent, "first_opened_at": start + timedelta(days=3)},
        {"status": RecipientStatus.FAILED},
    ]
    mailing = sent_mailing(partner, started_at=start, rows=rows)

    early = mailing_statistics(mailing, now=start + timedelta(hours=5))
    assert early.hourly
    # The 48 hours from 10:00 (the start's hour), the later ones empty.
    assert len(early.days) == 48
    assert early.days[0].day == start.replace(minute=0)
    assert [slot.sent for slot in early.days] == [3] + [0] * 47
    # The open two hours in; the one three days later is outside the 48 hours.
    assert [slot.opened for slot in early.days] == [0, 0, 1] + [0] * 45

    late = mailing_statistics(mailing, now=start + timedelta(days=10))
    assert not late.hourly
    # Two weeks from the day it started (its last open was on the 4th day).
    assert [slot.day for slot in late.days] == [
        datetime.date(2025, 3, day) for day in range(3, 17)
    ]
    assert [slot.sent for slot in late.days] == [3] + [0] * 13
    assert [slot.opened for slot in late.days] == [1, 0, 0, 1] + [0] * 10


def test_detail_lists_the_audit_trail_step_by_step(
    client,
    editor,
    partner,
    partner_user,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    mailing = Mailing.objects.create(
        partner=partner,
        created_by=partner_user,
        sender_name="Acme",
        sender_email="alumni@acme.test",
        subject="Soirée",
        body="<p>Bonjour</p>",
        include_followers=False,
        recipient_count=2,
    )
    MailingRecipient.objects.bulk_create(
        MailingRecipient(mailing=mailing, email=f"g{n}@x.example", source="extra")
        for n in range(2)
    )
    lifecycle.saved(mailing, partner_user, created=True)
    lifecycle.submit(mailing, partner_user)
    lifecycle.reject(mailing, editor, "Ajoutez la date.")
    lifecycle.submit(mailing, partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.approve(mailing, editor, "Merci.")
    smtp_server.wait_for(2)

    client.force_login(partner_user)
    body = client.get(url("detail", mailing.pk)).content.decode()

    steps = re.findall(r'<tr data-step="(\w+)">', body)
    assert steps == [
        "created",
        "submitted",
        "rejected",
        "submitted",
        "approved",
        "started",
        "finished",
    ]
    trail = body[body.index("mailing-trail__table") :]
    assert "Ajoutez la date." in trail and "Merci." in trail
    assert "Eda Editor" in trail  # who decided
    assert re.search(r"system|système", trail)  # the engine's steps
    assert re.search(r"2 sent, 0 failed|2 envoy", trail)


def test_a_pending_mailings_page_offers_the_pending_actions(partner_client, partner):
    mailing = sent_mailing(partner, status=MailingStatus.DRAFT, started_at=None)
    Mailing.objects.filter(pk=mailing.pk).update(started_at=None, finished_at=None)
    attachment = MailingAttachment(
        mailing=mailing, name="plan.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)

    body = partner_client.get(url("detail", mailing.pk)).content.decode()

    for name in ("edit", "recipients", "delete", "submit"):
        assert url(name, mailing.pk) in body, name
    assert f'action="{url("send_test", mailing.pk)}"' in body
    assert url("attachment", mailing.pk, attachment.pk) in body
    assert url("copy", mailing.pk) not in body
    assert url("stop", mailing.pk) not in body
    assert "stats-panel" not in body  # nothing sent, no statistics


def test_mail_view_shows_the_mail_as_received_in_a_locked_down_page(
    partner_client, partner, other_partner
):
    mailing = sent_mailing(partner, body="<p>Bonjour {first_name}, à bientôt</p>")
    foreign = sent_mailing(other_partner)

    response = partner_client.get(url("view", mailing.pk))

    assert response.status_code == 200
    assert "à bientôt" in response.content.decode()
    assert "script-src" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert partner_client.get(url("view", foreign.pk)).status_code == 404
    assert partner_client.get(url("detail", foreign.pk)).status_code == 404


# ---------------------------------------------------------------------------
# Stop, resume, copy
# ---------------------------------------------------------------------------


def test_stop_then_resume(partner_client, partner, django_capture_on_commit_callbacks):
    mailing = sending(partner)

    response = partner_client.post(url("stop", mailing.pk), follow=True)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.STOPPED
    (message,) = messages_of(response)
    assert str(partner_settings.MAILING_BATCH_SIZE) in message
    assert re.search("batch|lot", message)

    again = partner_client.post(url("stop", mailing.pk), follow=True)
    assert any(re.search("nothing to stop|rien", m) for m in messages_of(again))

    with django_capture_on_commit_callbacks(execute=False) as woken:
        resumed = partner_client.post(
            url("resume", mailing.pk), {"next": url("sent")}, follow=True
        )
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENDING
    assert resumed.redirect_chain[-1][0] == url("sent")
    assert len(woken) == 1  # the engine is woken once the resume commits
    assert any(re.search("resumes|reprend", m) for m in messages_of(resumed))
    trail = [
        step.removeprefix(lifecycle.action_name("")) for step in mailing_trail(mailing)
    ]
    assert trail == ["stopped", "resumed"]


def mailing_trail(mailing):
    return list(
        ModelLogEntry.objects.for_instance(mailing)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def test_stop_resume_and_copy_are_post_only_with_csrf(partner, partner_user):
    mailing = sending(partner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_user)
    for name in ("stop", "resume", "copy"):
        assert client.get(url(name, mailing.pk)).status_code == 405
        assert client.post(url(name, mailing.pk)).status_code == 403
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENDING
    assert not mailing.copies.exists()


def test_editors_stop_any_partners_mailing(editor_client, other_partner):
    mailing = sending(other_partner)
    editor_client.post(url("stop", mailing.pk))
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.STOPPED


def test_copy_makes_a_draft_without_the_file_and_opens_it(partner_client, partner):
    original = sent_mailing(
        partner,
        subject="Forum emploi",
        body="<p>Bonjour {first_name}, <b>venez</b></p>",
        extra_addresses="ami@example.org",
        file_name="promo-2020.csv",
        file_addresses=["promo@example.org"],
    )
    attachment = MailingAttachment(
        mailing=original, name="plan.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=True)

    first = partner_client.post(url("copy", original.pk))
    second = partner_client.post(url("copy", original.pk))

    (copy,) = original.copies.all()
    assert first["Location"] == url("edit", copy.pk)
    assert second["Location"] == url("edit", copy.pk)
    assert copy.status == MailingStatus.DRAFT
    assert (copy.subject, copy.body, copy.sender_email) == (
        original.subject,
        original.body,
        original.sender_email,
    )
    assert copy.extra_addresses == "ami@example.org"
    assert copy.file_addresses == [] and copy.file_name == ""
    assert copy.started_at is None and copy.submitted_at is None
    assert [a.name for a in copy.attachments.all()] == ["plan.pdf"]
    assert copy.recipients.filter(status=RecipientStatus.PENDING).count() == 1
    assert lifecycle.action_name("copied") in mailing_trail(copy)


def test_another_partners_mailing_cannot_be_stopped_or_copied(
    partner_client, other_partner
):
    mailing = sending(other_partner)
    for name in ("stop", "resume", "copy"):
        assert partner_client.post(url(name, mailing.pk)).status_code == 404
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENDING
    assert not Mailing.objects.filter(copied_from=mailing).exists()
