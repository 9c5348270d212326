"""How long news and offers stay online, whatever their kind.

A page class says how long it lives with ``expiry_after(start)``; publishing
sets ``expire_at`` from it, and Wagtail's ``publish_scheduled`` takes the page
offline when the time comes.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from django.utils import timezone
from wagtail.models import Locale, Page


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months; 31 January + 1 month is 28/29 February."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def source_of(page: Page) -> Page:
    """The page in the default locale (the one the partner writes)."""
    # Not page.get_default_locale(): for a page, that is its parent's locale.
    default_locale = Locale.get_default()
    if page.locale_id == default_locale.pk:
        return page
    return (
        type(page)
        .objects.filter(translation_key=page.translation_key, locale=default_locale)
        .first()
        or page
    )


def set_expiry_on_publish(page: Page) -> None:
    """Start (or restart) the life of a news or offer that just went live.

    Called on ``page_published``, so a moderated partner's clock starts at the
    editor's approval. An expiry typed in by the partner (``custom_expiry``) is
    kept. Translations take their source's expiry: wagtail-localize never
    syncs it (DESIGN.md §10).
    """
    if not page.live:
        return
    model = type(page)
    source = source_of(page)
    if source.pk != page.pk:
        expire_at = source.expire_at
        if expire_at is None or expire_at <= timezone.now():
            expire_at = model.expiry_after(timezone.now())
        model.objects.filter(pk=page.pk).update(expire_at=expire_at)
        page.expire_at = expire_at
        return
    expire_at = page.expire_at
    if not page.custom_expiry or expire_at is None or expire_at <= timezone.now():
        expire_at = model.expiry_after(page.last_published_at or timezone.now())
    page.expire_at = expire_at
    # Every locale's page, live or not: a translation published later reads it.
    model.objects.filter(
        translation_key=page.translation_key, alias_of__isnull=True
    ).update(expire_at=expire_at)


def clear_past_expiries() -> int:
    """Forget the expiry of pages already taken offline by it.

    An expired page keeping its past ``expire_at`` cannot be saved again
    ("expiry must be in the future", wagtail#13896).
    """
    return Page.objects.filter(expired=True, expire_at__lte=timezone.now()).update(
        expire_at=None
    )


def translations_of(page: Page):
    """The page in every locale, translations only (aliases follow their source)."""
    return type(page).objects.filter(
        translation_key=page.translation_key, alias_of__isnull=True
    )


def fresh_revision(page: Page, user):
    """A new revision of ``page`` with its expiry cleared, ready to publish."""
    latest = page.get_latest_revision_as_object()
    latest.expire_at = None
    latest.custom_expiry = False
    latest.go_live_at = None
    return latest.save_revision(user=user, log_action=False)


def bring_back(page: Page, user, *, submit: bool) -> str:
    """Publish a news or offer again for a fresh lifetime, in every locale.

    With ``submit`` (a moderated partner's user), the page in the default
    locale goes to the editors instead. Translations that were published
    once come back with their source. Returns ``"published"`` or
    ``"submitted"``.
    """
    source = source_of(page)
    if submit:
        if not source.workflow_in_progress:
            fresh_revision(source, user)
            source.refresh_from_db()
            source.get_workflow().start(source, user)
        return "submitted"
    fresh_revision(source, user).publish(user=user)
    for translation in translations_of(page).exclude(pk=source.pk):
        if translation.last_published_at is not None and translation.latest_revision_id:
            fresh_revision(translation, user).publish(user=user)
    return "published"


def delete_everywhere(page: Page, user) -> str:
    """Delete the page in every locale; returns its title in the default one."""
    model = type(page)
    title = source_of(page).title
    pages = model.objects.filter(translation_key=page.translation_key)
    # Aliases first: deleting a source would otherwise leave them orphaned.
    for alias in pages.filter(alias_of__isnull=False):
        alias.delete(user=user)
    for each in model.objects.filter(translation_key=page.translation_key):
        each.delete(user=user)
    return title
