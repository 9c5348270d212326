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
