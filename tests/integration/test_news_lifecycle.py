"""A news' life: two months online, extended by publishing again, then archived.

Time moves forward with an explicit clock (freezegun) and the real django-q2
schedule function runs Wagtail's scheduled publishing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from alumni_partner import news_lifecycle
from alumni_partner.models import NewsPage, Partner
from alumni_partner.news_lifecycle import NewsActionRefused, expiry_from
from alumni_partner.permissions import apply_moderation
from alumni_partner.schedules import publish_scheduled

pytestmark = pytest.mark.django_db


def _every_locale(news):
    return NewsPage.objects.filter(translation_key=news.translation_key)


def test_publishing_sets_the_expiry_two_months_ahead(news):
    assert news.live
    expected = expiry_from(news.last_published_at)
    assert news.expire_at == expected
    assert expected - news.last_published_at >= timedelta(days=59)


def test_publishing_again_extends_the_expiry(news, partner_user):
    first_expiry = news.expire_at
    with freeze_time(timezone.now() + timedelta(days=30)):
        news.refresh_from_db()
        news.title = "Forum emploi (prolongé)"
        news.save_revision(user=partner_user).publish(user=partner_user)
        news.refresh_from_db()
        assert news.expire_at > first_expiry
        assert news.expire_at == expiry_from(news.last_published_at)


def test_an_expiry_typed_by_the_partner_is_kept(partner, make_news):
    wanted = timezone.now() + timedelta(days=10)
    news = make_news(partner, expire_at=wanted, custom_expiry=True)
    assert news.expire_at == wanted


def test_expired_news_leave_the_site_through_the_schedule_and_show_as_archived(
    news, partner, client
):
    aliases = _every_locale(news).exclude(pk=news.pk)
    assert aliases.exists() and all(page.live for page in aliases)
    response = client.get(news.url, HTTP_USER_AGENT="Mozilla/5.0")
    assert response.status_code == 200

    with freeze_time(news.expire_at + timedelta(minutes=1)):
        publish_scheduled()

    news.refresh_from_db()
    assert news.live is False
    assert news.expired is True
    # Cleared so that the partner can edit and publish it again (wagtail#13896).
    assert news.expire_at is None
    assert not _every_locale(news).filter(live=True).exists()
    assert list(NewsPage.objects.child_of(partner.page).archived()) == [news]
    assert client.get(news.url).status_code == 404


def test_nothing_expires_before_its_time(news):
    with freeze_time(news.expire_at - timedelta(minutes=1)):
        publish_scheduled()
    news.refresh_from_db()
    assert news.live


def test_a_translation_takes_its_expiry_from_the_source(news, partner_user):
    from wagtail.models import Locale
    from wagtail_localize.models import TranslationSource

    source, _created = TranslationSource.get_or_create_from_instance(news)
    # Turns the English alias into a translation, as the "Translate" action does.
    source.create_or_update_translation(
        Locale.objects.get(language_code="en"),
        user=partner_user,
        publish=False,
        fallback=True,
    )
    english = NewsPage.objects.get(
        translation_key=news.translation_key, locale__language_code="en"
    )
    assert english.alias_of_id is None
    english.title = "Job fair"
    english.save_revision(user=partner_user).publish(user=partner_user)
    english.refresh_from_db()
    assert english.expire_at == news.expire_at

    with freeze_time(news.expire_at + timedelta(minutes=1)):
        publish_scheduled()
    english.refresh_from_db()
    assert english.live is False


def test_a_moderated_partners_clock_starts_at_approval(partner, make_news, editor):
    partner.moderated = True
    partner.save()
    apply_moderation(partner)
    user = partner.members.get()
    news = make_news(partner, publish=False)
    news.get_workflow().start(news, user)
    news.refresh_from_db()
    assert news.live is False
    assert news.expire_at is None

    later = timezone.now() + timedelta(days=5)
    with freeze_time(later):
        task_state = news.current_workflow_task_state
        task_state.task.specific.on_action(task_state, editor, "approve")
        news.refresh_from_db()
        assert news.live
        assert news.expire_at == expiry_from(news.last_published_at)
        assert news.expire_at >= expiry_from(later - timedelta(seconds=1))


def test_archive_unpublishes_every_locale(news, partner_user):
    assert news_lifecycle.archive(news, partner_user) == 1
    assert not _every_locale(news).filter(live=True).exists()
    news.refresh_from_db()
    assert news.expire_at is None
    assert news.first_published_at is not None


def test_restore_publishes_again_with_a_fresh_expiry(news, partner_user):
    news_lifecycle.archive(news, partner_user)
    later = timezone.now() + timedelta(days=20)
    with freeze_time(later):
        assert news_lifecycle.restore(news, partner_user) == "published"
        news.refresh_from_db()
        assert news.live
        assert news.expire_at == expiry_from(news.last_published_at)
    assert _every_locale(news).filter(live=True).count() == _every_locale(news).count()


def test_restore_after_expiry(news, partner_user):
    with freeze_time(news.expire_at + timedelta(minutes=1)):
        publish_scheduled()
        news.refresh_from_db()
        assert news_lifecycle.restore(news, partner_user) == "published"
        news.refresh_from_db()
        assert news.live and news.expire_at > timezone.now()


def test_a_moderated_partner_restoring_submits_for_moderation(
    partner, news, partner_user
):
    news_lifecycle.archive(news, partner_user)
    partner.moderated = True
    partner.save()
    apply_moderation(partner)
    assert news_lifecycle.restore(news, partner_user) == "submitted"
    news.refresh_from_db()
    assert news.live is False
    assert news.workflow_in_progress
    # A second click does not start a second workflow.
    assert news_lifecycle.restore(news, partner_user) == "submitted"


def test_delete_forever_removes_every_locale(news, partner_user):
    key = news.translation_key
    assert news_lifecycle.delete_forever(news, partner_user) == "Forum emploi"
    assert not NewsPage.objects.filter(translation_key=key).exists()


def test_another_partner_can_do_nothing(news, other_partner):
    intruder = other_partner.members.get()
    for action in (
        news_lifecycle.archive,
        news_lifecycle.restore,
        news_lifecycle.delete_forever,
    ):
        with pytest.raises(NewsActionRefused):
            action(news, intruder)
    news.refresh_from_db()
    assert news.live


def test_editors_manage_every_partners_news(news, editor):
    assert news_lifecycle.can_manage(editor, news)
    news_lifecycle.archive(news, editor)
    news.refresh_from_db()
    assert not news.live


def test_partner_lookup_from_a_news(news, partner):
    assert Partner.for_page(news) == partner


def test_the_cached_partner_page_drops_an_expired_or_archived_news(
    partner, make_news, partner_user, client, settings
):
    settings.ALUMNI_PARTNER_PAGE_CACHE_SECONDS = 300
    partner.page.save_revision().publish()
    kept = make_news(partner, "Toujours là")
    expiring = make_news(partner, "Bientôt fini")
    archived = make_news(partner, "Mise de côté")
    url = partner.page.url

    def shown():
        html = client.get(url).content.decode()
        return {news.title for news in (kept, expiring, archived) if news.title in html}

    assert shown() == {"Toujours là", "Bientôt fini", "Mise de côté"}
    news_lifecycle.archive(archived, partner_user)
    assert shown() == {"Toujours là", "Bientôt fini"}
    NewsPage.objects.filter(pk=expiring.pk).update(expire_at=timezone.now())
    publish_scheduled()
    assert shown() == {"Toujours là"}
