"""A news' life: publication for two months, archiving, restoring, deleting.

The rules live here so that the admin views, the schedule and the tests share
them. Publishing always goes through Wagtail's own actions, so revisions,
workflows and the audit log see every step.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from . import page_lifetime
from .models import NewsPage, Partner
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


@transaction.atomic
def archive(news: NewsPage, user) -> int:
    """Take the news offline in every locale (guide 3.3 "archiver").

    Returns how many pages were unpublished. Aliases follow their source.
    """
    _check(user, news)
    count = 0
    for page in page_lifetime.translations_of(news).filter(live=True):
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
    submit = partner is not None and partner.moderated and not is_editor(user)
    return page_lifetime.bring_back(news, user, submit=submit)


@transaction.atomic
def delete_forever(news: NewsPage, user) -> str:
    """Delete the news in every locale (guide 3.4 "supprimer définitivement").

    Returns the deleted news' title for the confirmation message.
    """
    _check(user, news)
    return page_lifetime.delete_everywhere(news, user)
