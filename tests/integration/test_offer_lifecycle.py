"""An offer's life without HTTP: references, 60 days online, renew, close, copy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from alumni_partner import offer_lifecycle, schedules
from alumni_partner.models import OfferDailyStats, OfferPage, OfferState
from alumni_partner.permissions import apply_moderation

pytestmark = pytest.mark.django_db


def test_published_offer_is_validated_for_sixty_days(partner, make_offer):
    with freeze_time("2026-03-01 10:00"):
        offer = make_offer(partner)
    assert offer.state == OfferState.VALIDATED
    assert offer.partner == partner
    assert offer.expire_at == offer.last_published_at + timedelta(days=60)
    assert offer.last_published_at.date().isoformat() == "2026-03-01"


def test_references_are_suggested_in_sequence_and_unique_per_partner(
    partner, other_partner, make_offer
):
    first = offer_lifecycle.suggest_reference(partner)
    make_offer(partner, reference=first)
    second = offer_lifecycle.suggest_reference(partner)
    assert first.startswith("ACME-") and first.endswith("-001")
    assert second.endswith("-002")
    # Another partner may use the same reference.
    assert offer_lifecycle.suggest_reference(other_partner) != second


def test_delete_unpublishes_and_keeps_the_offer_as_deleted(partner, offer):
    user = partner.members.get()
    assert offer_lifecycle.delete(offer, user) == 1
    offer.refresh_from_db()
    assert not offer.live
    assert offer.state == OfferState.DELETED
    assert OfferPage.objects.deleted().filter(pk=offer.pk).exists()
    assert not OfferPage.objects.closed().filter(pk=offer.pk).exists()


def test_filled_offer_leaves_the_board_for_the_closed_tab(partner, offer):
    offer_lifecycle.mark_filled(offer, partner.members.get())
    offer.refresh_from_db()
    assert offer.state == OfferState.FILLED
    assert OfferPage.objects.closed().filter(pk=offer.pk).exists()
    with pytest.raises(offer_lifecycle.OfferActionRefused):
        offer_lifecycle.mark_filled(offer, partner.members.get())


def test_renew_puts_a_filled_offer_back_for_a_fresh_period(partner, offer):
    user = partner.members.get()
    offer_lifecycle.mark_filled(offer, user)
    with freeze_time(timezone.now() + timedelta(days=10)):
        assert offer_lifecycle.renew(offer, user) == "published"
        offer.refresh_from_db()
        assert offer.state == OfferState.VALIDATED
        assert offer.closed_reason == ""
        assert offer.expire_at > timezone.now() + timedelta(days=59)


def test_expired_offer_shows_as_expired_and_can_be_renewed(partner, offer):
    with freeze_time(timezone.now() + timedelta(days=61)):
        schedules.publish_scheduled()
        offer.refresh_from_db()
        assert offer.state == OfferState.EXPIRED
        assert offer.expire_at is None
        assert OfferPage.objects.closed().filter(pk=offer.pk).exists()
        offer_lifecycle.renew(offer, partner.members.get())
        offer.refresh_from_db()
        assert offer.live and offer.state == OfferState.VALIDATED


def test_duplicate_makes_a_draft_with_a_fresh_reference(partner, offer):
    copy = offer_lifecycle.duplicate(offer, partner.members.get())
    assert copy.pk != offer.pk
    assert copy.state == OfferState.DRAFT
    assert copy.reference != offer.reference
    assert copy.partner == partner
    assert copy.translation_key != offer.translation_key
    assert copy.get_parent().pk == offer.get_parent().pk
    assert copy.get_latest_revision() is not None


def test_other_partner_cannot_act_on_the_offer(other_partner, offer):
    stranger = other_partner.members.get()
    for action in (
        offer_lifecycle.delete,
        offer_lifecycle.mark_filled,
        offer_lifecycle.renew,
        offer_lifecycle.duplicate,
    ):
        with pytest.raises(offer_lifecycle.OfferActionRefused):
            action(offer, stranger)
    offer.refresh_from_db()
    assert offer.live


def test_only_editors_purge(partner, editor, offer):
    offer_lifecycle.delete(offer, partner.members.get())
    with pytest.raises(offer_lifecycle.OfferActionRefused):
        offer_lifecycle.purge(offer, partner.members.get())
    offer_lifecycle.purge(offer, editor)
    assert not OfferPage.objects.filter(translation_key=offer.translation_key).exists()


def test_reminder_is_sent_once_a_few_days_before_expiry(partner, offer):
    schedules.publish_scheduled()
    assert mail.outbox == []
    with freeze_time(offer.expire_at - timedelta(days=3)):
        assert offer_lifecycle.send_expiry_reminders() == 1
        assert offer_lifecycle.send_expiry_reminders() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [partner.members.get().email]
    assert offer.reference in message.body
    assert f"/admin/offers/{offer.pk}/renew/" in message.body


def test_renewed_offer_is_reminded_again_next_time(partner, offer):
    user = partner.members.get()
    with freeze_time(offer.expire_at - timedelta(days=3)):
        offer_lifecycle.send_expiry_reminders()
        offer_lifecycle.renew(offer, user)
    offer.refresh_from_db()
    with freeze_time(offer.expire_at - timedelta(days=2)):
        assert offer_lifecycle.send_expiry_reminders() == 1


def test_moderated_partner_offer_waits_for_the_editors(partner, editor, make_offer):
    partner.moderated = True
    partner.save()
    apply_moderation(partner)
    offer = make_offer(partner, publish=False)
    offer.get_workflow().start(offer, partner.members.get())
    offer.refresh_from_db()
    assert not offer.live
    assert offer.state == OfferState.PENDING
    assert OfferPage.objects.pending().filter(pk=offer.pk).exists()
    offer.current_workflow_task_state.approve(user=editor)
    offer.refresh_from_db()
    assert offer.state == OfferState.VALIDATED


def test_news_moderated_partner_offers_pass_at_once(partner, make_offer, make_news):
    partner.moderated = True
    partner.offers_moderated = False
    partner.save()
    apply_moderation(partner)
    user = partner.members.get()
    offer = make_offer(partner, publish=False)
    offer.get_workflow().start(offer, user)
    offer.refresh_from_db()
    assert offer.live and offer.state == OfferState.VALIDATED
    news = make_news(partner, publish=False)
    news.get_workflow().start(news, user)
    news.refresh_from_db()
    assert not news.live and news.workflow_in_progress


def test_deleting_a_pending_offer_cancels_its_moderation(partner, make_offer):
    partner.moderated = True
    partner.save()
    apply_moderation(partner)
    user = partner.members.get()
    offer = make_offer(partner, publish=False)
    offer.get_workflow().start(offer, user)
    offer_lifecycle.delete(offer, user)
    offer.refresh_from_db()
    assert not offer.workflow_in_progress
    assert offer.state == OfferState.DELETED


def test_counts_are_summed_over_translations(partner, offer, rf):
    from alumni_partner import counters

    request = rf.get("/", HTTP_USER_AGENT="Mozilla/5.0")
    request.user = partner.members.get()
    assert counters.record_view(offer, request)
    assert not counters.record_view(offer, request)
    assert counters.record_apply_click(offer, request)
    row = OfferDailyStats.objects.get(page=offer)
    assert (row.views, row.apply_clicks) == (1, 1)
    listed = OfferPage.objects.with_counts().get(pk=offer.pk)
    assert (listed.view_count, listed.apply_count) == (1, 1)
    stats = counters.offer_statistics(OfferPage.objects.filter(pk=offer.pk))
    assert (stats.total_views, stats.total_clicks, stats.validated) == (1, 1, 1)
