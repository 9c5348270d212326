"""A news' life: publication for two months, archiving, restoring, deleting.

The rules live here so that the admin views, the schedule and the tests share
them. Publishing always goes through Wagtail's own actions, so revisions,
workflows and the audit log see every step.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from .models import NewsPage, Partner
from .page_lifetime import source_of
from .permissions import is_editor, may_manage


class NewsActionRefused(Exception):
    """The user may not do this to this news; the message says why."""


def expiry_from(start: datetime) -> datetime:
    """When a news published at ``start`` leaves the public site."""
    return NewsPage.expiry_after(start)


def can_manage(user, news: NewsPage) -> bool:
    """Editors manage every news; a partner's users manage their partner's."""
    return may_manage(user, Partner.for_page(news))


def _check(user, news: NewsPage) -> Partner | None:
    """The news' partner, once it is clear that ``user`` may manage the news."""
    partner = Partner.for_page(news)
    if not may_manage(user, partner):
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
        if page.last_published_at is not None and page.latest_revision_id:
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
