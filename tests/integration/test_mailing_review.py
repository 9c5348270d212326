"""The editors' validation of mailings (guide 6: "il ne partira qu'après validation").

Editors read a submitted mailing and approve it (it goes out, through the
real engine to the real SMTP server) or reject it with a comment the partner
reads. Partners never validate, not even by crafting the POST; an editor who
is a member of the mailing's partner does not either. Each decision is taken
once, and the people concerned are told by e-mail.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from alumni_partner.mailing import lifecycle, notifications
from alumni_partner.models.mailings import (
    Mailing,
    MailingAttachment,
    MailingRecipient,
    MailingStatus,
    RecipientSource,
    RecipientStatus,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NS = "alumni_partner_mailings"
APPROVED = re.compile(r"approved|approuv", re.I)
ALREADY = re.compile(r"already|déjà", re.I)


def url(name: str, *args) -> str:
    return reverse(f"{NS}:{name}", args=args)


def refused(response) -> bool:
    """Wagtail's refusal: a 403, or back to the dashboard with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def build_mailing(partner, subject="Forum emploi", recipients=3, **fields) -> Mailing:
    """A mailing of ``partner`` prepared by its user, with ``recipients`` rows."""
    author = partner.members.first()
    mailing = Mailing.objects.create(
        partner=partner,
        created_by=author,
        sender_name=f"{partner.name} alumni",
        sender_email=f"alumni@{partner.name.lower()}.test",
        subject=subject,
        body="<p>Bonjour {first_name}, venez au forum.</p>",
        include_followers=False,
        extra_addresses="\n".join(
            f"guest{n}@{partner.name.lower()}.example" for n in range(recipients)
        ),
        recipient_count=recipients,
        **fields,
    )
    MailingRecipient.objects.bulk_create(
        MailingRecipient(
            mailing=mailing,
            email=f"guest{n}@{partner.name.lower()}.example",
            first_name=f"Guest{n}",
            source=RecipientSource.EXTRA,
        )
        for n in range(recipients)
    )
    lifecycle.saved(mailing, author, created=True)
    return mailing


def submitted(partner, **kwargs) -> Mailing:
    mailing = build_mailing(partner, **kwargs)
    assert lifecycle.submit(mailing, mailing.created_by)
    return mailing


def actions_of(mailing: Mailing) -> list[str]:
    return list(
        ModelLogEntry.objects.for_instance(mailing)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def second_editor(site_tree):
    user = get_user_model().objects.create_user(
        username="second.editor@alumni.test",
        email="second.editor@alumni.test",
        password=PASSWORD,
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# ---------------------------------------------------------------------------
# The queue
# ---------------------------------------------------------------------------


def test_validation_queue_lists_every_partners_submitted_mailings_oldest_first(
    editor_client, partner, other_partner
):
    newer = submitted(partner, subject="Newer Acme mailing")
    older = submitted(other_partner, subject="Older Globex mailing")
    Mailing.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - timedelta(days=2)
    )
    build_mailing(partner, subject="Acme draft, not submitted")

    response = editor_client.get(url("validation"))

    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Older Globex mailing") < body.index("Newer Acme mailing")
    assert "Acme draft, not submitted" not in body
    assert url("review", newer.pk) in body
    assert "Globex" in body  # the partner column


def test_validation_queue_is_for_editors_only(partner_client, partner):
    submitted(partner, subject="Acme mailing")
    assert refused(partner_client.get(url("validation")))


def test_validation_menu_item_counts_the_mailings_waiting(editor_client, partner):
    submitted(partner)
    submitted(partner, subject="Second")
    body = editor_client.get(url("sent")).content.decode()
    # The sidebar's labels are JSON in the page: "À" is written \u00c0.
    assert re.search(r"(To validate|\\u00c0 valider|À valider) \(2\)", body)


# ---------------------------------------------------------------------------
# Reading and deciding
# ---------------------------------------------------------------------------


def test_review_page_shows_the_mailing_as_it_will_go(editor_client, partner):
    mailing = submitted(partner, scheduled_at=timezone.now() + timedelta(days=3))
    attachment = MailingAttachment(
        mailing=mailing, name="programme.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("programme.pdf", ContentFile(b"%PDF-1.4\n"), save=True)

    response = editor_client.get(url("review", mailing.pk))

    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Acme", "Acme alumni", "alumni@acme.test", "Forum emploi"):
        assert text in body
    assert 'class="mailing-recipient-count">3<' in body
    assert "programme.pdf" in body
    assert url("attachment", mailing.pk, attachment.pk) in body
    # The mail in a sandboxed frame: no script, no same-origin access.
    assert re.search(r'<iframe[^>]*sandbox=""', body)
    assert "srcdoc=" in body and "venez au forum" in body
    assert 'name="decision" value="approve"' in body
    assert 'name="decision" value="reject"' in body


def test_editor_approves_and_the_mailing_reaches_the_smtp_server(
    editor_client, editor, partner, smtp_server, django_capture_on_commit_callbacks
):
    mailing = submitted(partner)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url("review", mailing.pk), {"decision": "approve", "comment": "Parfait."}
        )

    assert response.status_code == 302
    assert response["Location"] == url("validation")
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT
    assert mailing.reviewed_by == editor
    assert mailing.review_comment == "Parfait."
    assert actions_of(mailing) == [
        lifecycle.action_name(step)
        for step in ("created", "submitted", "approved", "started", "finished")
    ]
    # Three recipients and the author's notification, each once.
    smtp_server.wait_for(4)
    received = sorted(message["To"] for message in smtp_server.messages)
    assert received == [
        "contact@acme.test",
        "guest0@acme.example",
        "guest1@acme.example",
        "guest2@acme.example",
    ]
    assert set(
        MailingRecipient.objects.filter(mailing=mailing).values_list(
            "status", flat=True
        )
    ) == {RecipientStatus.SENT}
    notice = next(m for m in smtp_server.messages if m["To"] == "contact@acme.test")
    text = smtp_server.body(notice)
    assert APPROVED.search(notice["Subject"])
    assert "Parfait." in text
    assert url("detail", mailing.pk) in text


def test_approving_a_deferred_mailing_waits_for_its_date(
    editor_client, partner, django_capture_on_commit_callbacks
):
    mailing = submitted(partner, scheduled_at=timezone.now() + timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=False):
        response = editor_client.post(
            url("review", mailing.pk),
            {"decision": "approve", "comment": ""},
            follow=True,
        )

    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.APPROVED
    assert mailing.started_at is None
    assert any(APPROVED.search(m) for m in messages_of(response))


def test_reject_needs_a_comment_which_the_partner_reads(
    client,
    editor,
    partner,
    partner_user,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    mailing = submitted(partner)
    client.force_login(editor)

    refused = client.post(url("review", mailing.pk), {"decision": "reject"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["comment"]
    assert re.search("Say why|Dites pourquoi|Indiquez", refused.content.decode())
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SUBMITTED

    comment = "Le lien d'inscription manque : ajoutez-le."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("review", mailing.pk), {"decision": "reject", "comment": comment}
        )
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.REJECTED
    assert mailing.review_comment == comment
    assert not mailing.recipients.exclude(status=RecipientStatus.PENDING).exists()

    # The author is told, with the comment...
    smtp_server.wait_for(1)
    (notice,) = smtp_server.messages
    assert notice["To"] == partner_user.email
    assert "ajoutez-le" in smtp_server.body(notice)
    # ...and reads it on the mailing's page.
    client.force_login(partner_user)
    page = client.get(url("detail", mailing.pk)).content.decode()
    assert "ajoutez-le" in page
    assert "mailing-review-comment" in page


def test_a_partner_cannot_validate_even_by_crafting_the_post(
    client, partner, other_partner, partner_user
):
    own = submitted(partner, subject="Acme mailing")
    foreign = submitted(other_partner, subject="Globex mailing")
    client.force_login(partner_user)

    assert refused(client.get(url("review", own.pk)))
    assert client.get(url("review", foreign.pk)).status_code == 404
    for decision in ("approve", "reject"):
        data = {"decision": decision, "comment": "Self-approved"}
        assert refused(client.post(url("review", own.pk), data))
        assert client.post(url("review", foreign.pk), data).status_code == 404
    for mailing in (own, foreign):
        mailing.refresh_from_db()
        assert mailing.status == MailingStatus.SUBMITTED
        assert mailing.reviewed_by is None
    # Nor is the review link offered on its own mailing's page.
    page = client.get(url("detail", own.pk)).content.decode()
    assert url("review", own.pk) not in page


def test_an_editor_who_is_a_member_of_the_partner_cannot_validate_its_mailing(
    client, editor, second_editor, partner
):
    partner.members.add(editor)
    mailing = submitted(partner)
    client.force_login(editor)

    assert refused(client.get(url("review", mailing.pk)))
    assert refused(client.post(url("review", mailing.pk), {"decision": "approve"}))
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SUBMITTED
    # The queue links such a mailing to its page, not to the review.
    queue = client.get(url("validation")).content.decode()
    assert url("detail", mailing.pk) in queue
    assert url("review", mailing.pk) not in queue

    # Another editor may.
    client.force_login(second_editor)
    client.post(url("review", mailing.pk), {"decision": "reject", "comment": "Non."})
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.REJECTED


def test_a_double_click_on_approve_decides_once(
    editor_client, partner, django_capture_on_commit_callbacks
):
    mailing = submitted(partner, scheduled_at=timezone.now() + timedelta(days=1))
    data = {"decision": "approve", "comment": ""}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = editor_client.post(url("review", mailing.pk), data)
        second = editor_client.post(url("review", mailing.pk), data, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain[0][0] == url("detail", mailing.pk)
    assert any(ALREADY.search(m) for m in messages_of(second))
    assert actions_of(mailing).count(lifecycle.action_name("approved")) == 1
    # One notification for the author, not two.
    assert len(callbacks) == 1
    # A reject after the approval changes nothing either.
    editor_client.post(
        url("review", mailing.pk), {"decision": "reject", "comment": "x"}
    )
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.APPROVED


def test_a_review_post_without_a_decision_changes_nothing(editor_client, partner):
    mailing = submitted(partner)
    response = editor_client.post(url("review", mailing.pk), {"comment": "?"})
    assert response.status_code == 200
    assert response.context["form"].errors["decision"]
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SUBMITTED


# ---------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------


def test_editors_are_told_when_a_mailing_is_submitted(
    editor,
    second_editor,
    partner,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    # An editor who belongs to the partner may not validate: not told.
    partner.members.add(second_editor)
    mailing = build_mailing(partner, subject="Soirée des alumni")

    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.submit(mailing, mailing.created_by)

    smtp_server.wait_for(1)
    (notice,) = smtp_server.messages
    assert notice["To"] == editor.email
    assert "Soirée des alumni" in notice["Subject"]
    text = smtp_server.body(notice)
    assert url("review", mailing.pk) in text
    assert "Acme" in text


def test_no_notification_for_a_mailing_decided_before_the_task_ran(
    editor, partner, smtp_server
):
    mailing = submitted(partner)
    lifecycle.reject(mailing, editor, "Non.")
    assert notifications.send_submitted(mailing.pk) == 0
    assert notifications.send_reviewed(mailing.pk + 1000) == 0
