"""A mailing's states, without HTTP (alumni_partner.mailing.lifecycle)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from alumni_partner.mailing import lifecycle
from alumni_partner.models import Mailing, MailingStatus
from tests.integration.test_mailing_review import actions_of, build_mailing

pytestmark = pytest.mark.django_db


def test_submit_twice_moves_once_and_an_empty_mailing_cannot_be_submitted(partner):
    mailing = build_mailing(partner)
    assert lifecycle.submit(mailing, mailing.created_by)
    assert not lifecycle.submit(mailing, mailing.created_by)
    assert actions_of(mailing).count("alumni_partner.mailing.submitted") == 1

    empty = build_mailing(partner, subject="Vide", recipients=0)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.submit(empty, empty.created_by)


def test_a_partner_never_validates_and_a_rejection_needs_a_reason(partner, editor):
    mailing = build_mailing(partner)
    lifecycle.submit(mailing, mailing.created_by)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.approve(mailing, mailing.created_by)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.reject(mailing, editor, "   ")
    assert lifecycle.reject(mailing, editor, "Le sujet est trop vague.")
    assert mailing.status == MailingStatus.REJECTED
    assert mailing.review_comment == "Le sujet est trop vague."


def test_editing_an_approved_mailing_sends_it_back_for_validation(partner, editor):
    later = timezone.now() + datetime.timedelta(days=2)
    mailing = build_mailing(partner, scheduled_at=later)
    lifecycle.submit(mailing, mailing.created_by)
    assert lifecycle.approve(mailing, editor)
    assert mailing.status == MailingStatus.APPROVED

    lifecycle.saved(mailing, mailing.created_by, created=False)

    assert mailing.status == MailingStatus.SUBMITTED
    assert mailing.reviewed_by is None
    assert actions_of(mailing)[-1] == "alumni_partner.mailing.edited"


def test_stopped_before_its_date_a_mailing_resumes_to_wait_for_it(partner, editor):
    later = timezone.now() + datetime.timedelta(days=2)
    mailing = build_mailing(partner, scheduled_at=later)
    lifecycle.submit(mailing, mailing.created_by)
    lifecycle.approve(mailing, editor)
    assert lifecycle.stop(mailing, editor)

    assert lifecycle.resume(mailing, mailing.created_by)

    # Back to "approved": it still goes on its date, not at once.
    assert mailing.status == MailingStatus.APPROVED and mailing.started_at is None
    assert lifecycle.start_due_mailings() == 0
    assert lifecycle.start_due_mailings(now=later) == 1
    assert Mailing.objects.get(pk=mailing.pk).status != MailingStatus.APPROVED


def test_a_mailing_being_sent_cannot_be_deleted(partner):
    mailing = build_mailing(partner)
    Mailing.objects.filter(pk=mailing.pk).update(
        status=MailingStatus.SENDING, started_at=timezone.now()
    )
    mailing.refresh_from_db()
    assert not lifecycle.may_delete(mailing)
    assert not lifecycle.delete(mailing, None)
    assert Mailing.objects.filter(pk=mailing.pk, deleted_at__isnull=True).exists()
