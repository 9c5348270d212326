"""'Mails en attente' (guide 6): the list and its buttons.

The partner sees its mailings not sent yet, with the date prepared, the
subject and the number of recipients, and for each: the recipients (a new
window), edit, send a test (it arrives, at the partner's own address), send
(to the editors: nothing leaves before they validate) and delete. Another
partner's mailing does not exist at any of these URLs; alumni and visitors
get none of them.
"""

from __future__ import annotations

import os
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

from alumni_partner.mailing import lifecycle
from alumni_partner.models import (
    Mailing,
    MailingAttachment,
    MailingRecipient,
    MailingStatus,
)
from alumni_partner.models.mailings import RecipientSource, RecipientStatus

pytestmark = pytest.mark.django_db

NS = "alumni_partner_mailings"
ALREADY = re.compile(r"already|déjà", re.I)
VALIDATE = re.compile(r"validat", re.I)
TEST_SENT = re.compile(r"test (was )?sent|test a été envoyé|envoyé", re.I)


def url(name: str, *args) -> str:
    return reverse(f"{NS}:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def refused(response) -> bool:
    """Wagtail's refusal: a 403, or back to the dashboard or the login page."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and (
        response.url == reverse("wagtailadmin_home")
        or response.url.startswith(reverse("wagtailadmin_login"))
    )


def build_mailing(partner, subject="Forum emploi", recipients=3, **fields) -> Mailing:
    """A mailing of ``partner`` with ``recipients`` rows (typed addresses)."""
    mailing = Mailing.objects.create(
        partner=partner,
        created_by=partner.members.first(),
        sender_name=partner.name,
        sender_email=f"rh@{partner.name.lower()}.test",
        subject=subject,
        body="<p>Bonjour {first_name}</p>",
        include_followers=False,
        recipient_count=recipients,
        **fields,
    )
    MailingRecipient.objects.bulk_create(
        MailingRecipient(
            mailing=mailing,
            email=f"person{i:03d}@{partner.name.lower()}-people.test",
            first_name=f"P{i}",
            source=RecipientSource.EXTRA,
        )
        for i in range(recipients)
    )
    return mailing


@pytest.fixture
def ours(partner):
    return build_mailing(partner, "ACME-PENDING")


@pytest.fixture
def theirs(other_partner):
    mailing = build_mailing(other_partner, "GLOBEX-SECRET")
    attachment = MailingAttachment(
        mailing=mailing, name="secret.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("secret.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return mailing


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


def test_pending_lists_the_partners_own_mailings_with_their_counts(
    partner_client, partner, ours, theirs
):
    build_mailing(partner, "ACME-SENT", status=MailingStatus.SENT)
    response = partner_client.get(url("pending"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "ACME-PENDING" in body
    assert "GLOBEX-SECRET" not in body
    assert "ACME-SENT" not in body
    rows = list(response.context["object_list"])
    assert rows == [ours]
    assert rows[0].recipient_count == 3
    # A user of one partner has no partner column.
    assert "Globex" not in body and '"partner"' not in body


def test_editors_see_every_partners_pending_mailings(editor_client, ours, theirs):
    response = editor_client.get(url("pending"))
    body = response.content.decode()
    assert "ACME-PENDING" in body and "GLOBEX-SECRET" in body
    assert "Globex" in body  # the partner column


def test_each_row_has_the_guides_buttons(partner_client, ours):
    body = partner_client.get(url("pending")).content.decode()
    recipients = re.search(
        rf'<a[^>]+href="{url("recipients", ours.pk)}"[^>]*>', body
    ).group(0)
    assert 'target="_blank"' in recipients and 'rel="noopener"' in recipients
    assert re.search(r"new window|nouvelle fenêtre", body)
    assert url("edit", ours.pk) in body
    assert re.search(rf'<form method="post" action="{url("send_test", ours.pk)}"', body)
    assert url("submit", ours.pk) in body
    assert url("delete", ours.pk) in body
    assert url("detail", ours.pk) in body  # the subject opens the mailing


def test_status_shows_the_editors_comment_and_the_date(partner_client, partner, editor):
    rejected = build_mailing(partner, "REJECTED-ONE")
    lifecycle.submit(rejected, rejected.created_by)
    lifecycle.reject(rejected, editor, "Trop de fautes")
    approved = build_mailing(
        partner, "APPROVED-ONE", scheduled_at=timezone.now() + timedelta(days=3)
    )
    lifecycle.submit(approved, approved.created_by)
    lifecycle.approve(approved, editor)
    submitted = build_mailing(partner, "SUBMITTED-ONE")
    lifecycle.submit(submitted, submitted.created_by)

    body = partner_client.get(url("pending")).content.decode()
    assert "Trop de fautes" in body
    assert re.search(r"scheduled for|prévu", body, re.I)
    # Already submitted: no "Send" button for it.
    assert url("submit", submitted.pk) not in body
    assert url("submit", rejected.pk) in body


def test_the_list_costs_the_same_queries_for_two_or_twenty_rows(
    editor_client, partner, other_partner
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url("pending")).status_code == 200
        return len(captured)

    for n in range(2):
        build_mailing(partner, f"FEW-{n}", recipients=1)
    few = queries()
    for n in range(18):
        build_mailing(other_partner if n % 2 else partner, f"MANY-{n}", recipients=1)
    assert queries() == few


def test_empty_list_invites_to_create_a_mailing(partner_client):
    response = partner_client.get(url("pending"))
    assert url("create") in response.content.decode()


def test_list_sorts_filters_and_pages(partner_client, partner, settings):
    settings.ALUMNI_PARTNER_MAILING_PER_PAGE = 2
    for n, count in enumerate((5, 1, 9)):
        build_mailing(partner, f"SUBJECT-{n}", recipients=count)
    first = partner_client.get(url("pending"))
    assert len(first.context["object_list"]) == 2
    assert first.context["paginator"].num_pages == 2
    by_count = partner_client.get(url("pending") + "?ordering=-recipient_count")
    assert [m.recipient_count for m in by_count.context["object_list"]] == [9, 5]
    searched = partner_client.get(url("pending") + "?q=SUBJECT-1")
    assert [m.subject for m in searched.context["object_list"]] == ["SUBJECT-1"]
    results = partner_client.get(url("pending_results"))
    assert results.status_code == 200


# ---------------------------------------------------------------------------
# Recipients (a new window)
# ---------------------------------------------------------------------------


def test_recipients_are_paginated_searchable_and_show_source_and_status(
    partner_client, partner
):
    mailing = build_mailing(partner, recipients=60)
    MailingRecipient.objects.filter(
        mailing=mailing, email__startswith="person000"
    ).update(status=RecipientStatus.SENT)
    Mailing.objects.filter(pk=mailing.pk).update(invalid_addresses=["pas-une-adresse"])
    page = partner_client.get(url("recipients", mailing.pk))
    assert page.status_code == 200
    assert len(page.context["object_list"]) == 50
    assert page.context["paginator"].num_pages == 2
    body = page.content.decode()
    assert re.search(r"Additional recipient|supplémentaire", body)
    assert "pas-une-adresse" in body

    second = partner_client.get(url("recipients", mailing.pk) + "?p=2")
    assert len(second.context["object_list"]) == 10

    found = partner_client.get(url("recipients", mailing.pk) + "?q=person007")
    assert [r.email for r in found.context["object_list"]] == [
        "person007@acme-people.test"
    ]
    sent = partner_client.get(url("recipients", mailing.pk) + "?status=sent")
    assert [r.email for r in sent.context["object_list"]] == [
        "person000@acme-people.test"
    ]


def test_recipients_of_another_partners_mailing_do_not_exist(partner_client, theirs):
    assert partner_client.get(url("recipients", theirs.pk)).status_code == 404
    assert partner_client.get(url("recipients_results", theirs.pk)).status_code == 404


# ---------------------------------------------------------------------------
# Send a test
# ---------------------------------------------------------------------------


def test_a_test_arrives_at_the_users_own_address(
    partner_client, partner_user, ours, smtp_server
):
    response = partner_client.post(url("send_test", ours.pk), follow=True)
    assert response.status_code == 200
    smtp_server.wait_for(1)
    message = smtp_server.messages[0]
    assert message["To"] == partner_user.email
    assert message["Subject"].startswith("[TEST]")
    assert "ACME-PENDING" in message["Subject"]
    assert any(
        TEST_SENT.search(m) and partner_user.email in m for m in messages_of(response)
    )
    assert ModelLogEntry.objects.filter(
        object_id=str(ours.pk), action="alumni_partner.mailing.test_sent"
    ).exists()
    # A test goes to the user only: no recipient row is touched.
    assert not ours.recipients.exclude(status=RecipientStatus.PENDING).exists()


def test_tests_are_rate_limited(partner_client, ours, smtp_server, settings):
    settings.ALUMNI_PARTNER_RATE_LIMITS = {"mailing_test": (2, 3600)}
    for _ in range(3):
        response = partner_client.post(url("send_test", ours.pk), follow=True)
    smtp_server.wait_for(2)
    assert len(smtp_server.messages) == 2
    assert any(re.search(r"too many|trop de", m, re.I) for m in messages_of(response))


def test_sending_a_test_needs_a_post(partner_client, ours, smtp_server):
    assert partner_client.get(url("send_test", ours.pk)).status_code == 405
    assert smtp_server.messages == []


# ---------------------------------------------------------------------------
# Send (to validation)
# ---------------------------------------------------------------------------


def test_send_asks_first_and_says_nothing_leaves_before_validation(
    partner_client, ours
):
    page = partner_client.get(url("submit", ours.pk))
    assert page.status_code == 200
    assert re.search(r"nothing leaves|rien ne part", page.content.decode(), re.I)
    ours.refresh_from_db()
    assert ours.status == MailingStatus.DRAFT


def test_send_submits_once_even_on_a_double_click(partner_client, ours, smtp_server):
    first = partner_client.post(url("submit", ours.pk), follow=True)
    second = partner_client.post(url("submit", ours.pk), follow=True)
    ours.refresh_from_db()
    assert ours.status == MailingStatus.SUBMITTED
    assert any(VALIDATE.search(m) for m in messages_of(first))
    assert any(ALREADY.search(m) for m in messages_of(second))
    assert (
        ModelLogEntry.objects.filter(
            object_id=str(ours.pk), action="alumni_partner.mailing.submitted"
        ).count()
        == 1
    )
    # Nothing went to any recipient.
    assert not [
        m for m in smtp_server.messages if "people.test" in str(m.get("To", ""))
    ]
    assert not ours.recipients.exclude(status=RecipientStatus.PENDING).exists()


def test_a_mailing_without_recipients_cannot_be_sent(partner_client, partner):
    empty = build_mailing(partner, recipients=0)
    page = partner_client.get(url("submit", empty.pk))
    assert re.search(r"no recipients|aucun destinataire", page.content.decode(), re.I)
    response = partner_client.post(url("submit", empty.pk), follow=True)
    empty.refresh_from_db()
    assert empty.status == MailingStatus.DRAFT
    assert any(
        re.search(r"no recipients|aucun destinataire", m, re.I)
        for m in messages_of(response)
    )


# ---------------------------------------------------------------------------
# Delete
# ---------------------------------------------------------------------------


def test_delete_removes_the_mailing_its_rows_and_files(
    partner_client, ours, django_capture_on_commit_callbacks
):
    attachment = MailingAttachment(
        mailing=ours, name="a.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    path = attachment.file.path
    page = partner_client.get(url("delete", ours.pk))
    assert page.status_code == 200
    assert "ACME-PENDING" in page.content.decode()
    assert Mailing.objects.filter(pk=ours.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(url("delete", ours.pk))
    assert response.status_code == 302
    assert not Mailing.objects.filter(pk=ours.pk).exists()
    assert not MailingRecipient.objects.filter(mailing_id=ours.pk).exists()
    assert not MailingAttachment.objects.filter(mailing_id=ours.pk).exists()
    assert not os.path.exists(path)
    assert ModelLogEntry.objects.filter(
        object_id=str(ours.pk), action="wagtail.delete"
    ).exists()


def test_a_mailing_being_sent_cannot_be_deleted(partner_client, partner):
    sending = build_mailing(partner, status=MailingStatus.SENDING)
    partner_client.post(url("delete", sending.pk))
    assert Mailing.objects.filter(pk=sending.pk).exists()


def test_delete_goes_back_where_it_was_asked_from(partner_client, partner):
    sent = build_mailing(partner, status=MailingStatus.SENT)
    response = partner_client.post(url("delete", sent.pk), {"next": url("sent")})
    assert response.url == url("sent")
    other = build_mailing(partner)
    response = partner_client.post(
        url("delete", other.pk), {"next": "https://evil.example.org/"}
    )
    assert response.url == url("pending")


# ---------------------------------------------------------------------------
# Isolation: another partner's mailing, alumni, visitors
# ---------------------------------------------------------------------------


def every_mailing_url(mailing) -> list[tuple[str, str]]:
    attachment = mailing.attachments.first()
    urls = [
        url("edit", mailing.pk),
        url("preview", mailing.pk),
        url("recipients", mailing.pk),
        url("recipients_results", mailing.pk),
        url("send_test", mailing.pk),
        url("submit", mailing.pk),
        url("delete", mailing.pk),
    ]
    if attachment:
        urls.append(url("attachment", mailing.pk, attachment.pk))
    return urls


def test_another_partners_mailing_is_a_404_at_every_url(
    partner_client, theirs, smtp_server
):
    before = Mailing.objects.get(pk=theirs.pk)
    for address in every_mailing_url(theirs):
        for method in ("get", "post"):
            response = getattr(partner_client, method)(address, {"subject": "pwned"})
            assert response.status_code == 404, (method, address)
    after = Mailing.objects.get(pk=theirs.pk)
    assert (after.status, after.subject) == (before.status, before.subject)
    assert MailingAttachment.objects.filter(mailing=theirs).exists()
    assert smtp_server.messages == []


def test_alumni_and_visitors_get_nothing(client, alumnus, ours, smtp_server):
    addresses = [
        url("create"),
        url("pending"),
        url("pending_results"),
        url("preview"),
        *every_mailing_url(ours),
    ]
    visitor = Client()
    client.force_login(alumnus)
    for who in (visitor, client):
        for address in addresses:
            for method in ("get", "post"):
                response = getattr(who, method)(address)
                assert refused(response) or response.status_code == 405, (
                    method,
                    address,
                    response.status_code,
                )
    ours.refresh_from_db()
    assert ours.status == MailingStatus.DRAFT
    assert smtp_server.messages == []


def test_a_partner_user_cannot_reach_mailings_without_a_partner(
    client, django_user_model, ours
):
    """Admin access alone (no partner, not an editor) opens no mailing screen."""
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user(
        username="lonely@staff.test", email="lonely@staff.test", password="x"
    )
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert refused(client.get(url("pending")))
    assert refused(client.get(url("create")))
    assert refused(client.post(url("submit", ours.pk)))
    ours.refresh_from_db()
    assert ours.status == MailingStatus.DRAFT
