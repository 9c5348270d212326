"""A news' life: publication for two months, archiving, restoring, deleting.

The rules live here so that the admin views, the schedule and the tests share
them. Publishing always goes through Wagtail's own actions, so revisions,
workflows and the audit log see every step.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from .conf import partner_settings
from .models import NewsPage, Partner
from .permissions import is_editor


class NewsActionRefused(Exception):
    """The user may not do this to this news; the message says why."""


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months; 31 January + 1 month is 28/29 February."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry_from(start: datetime) -> datetime:
    """When a news published at ``start`` leaves the public site."""
    return add_months(start, partner_settings.NEWS_LIFETIME_MONTHS)


def source_of(news: NewsPage) -> NewsPage:
    """The news in the default locale (the one the partner writes)."""
    # Not news.get_default_locale(): for a page, that is its parent's locale.
    default_locale = Locale.get_default()
    if news.locale_id == default_locale.pk:
        return news
    return (
        NewsPage.objects.filter(
            translation_key=news.translation_key, locale=default_locale
        ).first()
        or news
    )


def set_expiry_on_publish(news: NewsPage) -> None:
    """Start (or restart) the two-month clock of a news that just went live.

    Called on ``page_published``, so a moderated partner's clock starts at the
    editor's approval. An expiry typed in by the partner (``custom_expiry``) is
    kept. Translations
    take their source's expiry: wagtail-localize never syncs it (DESIGN.md §10).
    """
    if not news.live:
        return
    source = source_of(news)
    if source.pk != news.pk:
        expire_at = source.expire_at
        if expire_at is None or expire_at <= timezone.now():
            expire_at = expiry_from(timezone.now())
        NewsPage.objects.filter(pk=news.pk).update(expire_at=expire_at)
        news.expire_at = expire_at
        return
    expire_at = news.expire_at
    if not news.custom_expiry or expire_at is None or expire_at <= timezone.now():
        expire_at = expiry_from(news.last_published_at or timezone.now())
    news.expire_at = expire_at
    # Every locale's page, live or not: a translation published later reads it.
    NewsPage.objects.filter(
        translation_key=news.translation_key, alias_of__isnull=True
    ).update(expire_at=expire_at)


def clear_past_expiries() -> int:
    """Forget the expiry of pages already taken offline by it.

    An expired page keeping its past ``expire_at`` cannot be saved again
    ("expiry must be in the future", wagtail#13896).
    """
    return Page.objects.filter(expired=True, expire_at__lte=timezone.now()).update(
        expire_at=None
    )


def can_manage(user, news: NewsPage) -> bool:
    """Editors manage every news; a partner's users manage their partner's."""
    return _may_manage(user, Partner.for_page(news))


def _may_manage(user, partner: Partner | None) -> bool:
    if is_editor(user):
        return True
    return partner is not None and partner.has_member(user)


def _check(user, news: NewsPage) -> Partner | None:
    """The news' partner, once it is clear that ``user`` may manage the news."""
    partner = Partner.for_page(news)
    if not _may_manage(user, partner):
        raise NewsActionRefused("not yours")
    return partner


def _pages_of(news: NewsPage):
    """The news in every locale: translations first, aliases excluded."""
    return NewsPage.objects.filter(
        translation_key=news.translation_key, alias_of__isnull=True
    )


@transaction.atomic
def archive(news: NewsPage, user) -> int:
    """Take the news offline in every locale (guide 3.3 "archiver").

    Returns how many pages were unpublished. Aliases follow their source.
    """
    _check(user, news)
    count = 0
    for page in _pages_of(news).filter(live=True):
        page.unpublish(user=user)
        count += 1
    NewsPage.objects.filter(translation_key=news.translation_key).update(expire_at=None)
    return count


@transaction.atomic
def restore(news: NewsPage, user) -> str:
    """Bring an archived news back for a fresh two months (guide 3.4).

    A moderated partner's users submit it to the editors instead; returns
    ``"published"`` or ``"submitted"``.
    """
    partner = _check(user, news)
    source = source_of(news)
    if partner is not None and partner.moderated and not is_editor(user):
        if not source.workflow_in_progress:
            _fresh_revision(source, user)
            source.refresh_from_db()
            source.get_workflow().start(source, user)
        return "submitted"
    _republish(source, user)
    for page in _pages_of(news).exclude(pk=source.pk):
        if page.first_published_at is not None and page.latest_revision_id:
            _republish(page, user)
    return "published"


def _fresh_revision(page: NewsPage, user):
    """A new revision of ``page`` with the expiry cleared, ready to publish."""
    latest = page.get_latest_revision_as_object()
    latest.expire_at = None
    latest.custom_expiry = False
    latest.go_live_at = None
    return latest.save_revision(user=user, log_action=False)


def _republish(page: NewsPage, user) -> None:
    _fresh_revision(page, user).publish(user=user)


@transaction.atomic
def delete_forever(news: NewsPage, user) -> str:
    """Delete the news in every locale (guide 3.4 "supprimer définitivement").

    Returns the deleted news' title for the confirmation message.
    """
    _check(user, news)
    title = source_of(news).title
    pages = NewsPage.objects.filter(translation_key=news.translation_key)
    # Aliases first: deleting a source would otherwise leave them orphaned.
    for page in pages.filter(alias_of__isnull=False):
        page.delete(user=user)
    for page in NewsPage.objects.filter(translation_key=news.translation_key):
        page.delete(user=user)
    return title
