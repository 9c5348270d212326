"""Versions that invalidate cached fragments of public pages.

A partner page's body is cached (``{% wagtailpagecache %}``) under a key that
changes when the page is published. Its "Latest news" come from child pages,
whose publication leaves that key alone: each partner gets a *news version*,
renewed whenever one of its news goes on or off line, and part of the key.
"""

from __future__ import annotations

import time
import uuid

from django.core.cache import cache

from .conf import partner_settings


class CachedBodyMixin:
    """A page whose template caches its body with ``{% wagtailpagecache %}``.

    Publishing changes Wagtail's cache key, so a published change shows at
    once; an edit to a shared object only (an image replaced, a term renamed)
    shows within :attr:`cache_seconds`.
    """

    @property
    def cache_seconds(self) -> int:
        """How long the body stays cached; ``0`` turns the cache off."""
        return partner_settings.PAGE_CACHE_SECONDS

    def get_cache_key_components(self):
        # The translation key is random: a page whose id is reused (a test
        # database, a restored dump) never gets another page's cached body.
        return [*super().get_cache_key_components(), self.translation_key]


def _key(partner_translation_key: uuid.UUID | str) -> str:
    return f"alumni_partner:news-version:{partner_translation_key}"


def news_version(partner_translation_key: uuid.UUID | str) -> int:
    """The partner's current news version (0 before any news changed).

    If the cache drops the version, pages fall back on version 0, whose
    fragments expire within ``PAGE_CACHE_SECONDS`` like any other.
    """
    return cache.get(_key(partner_translation_key)) or 0


def renew_news_version(partner_translation_key: uuid.UUID | str) -> None:
    """Called when a news of the partner is published, unpublished or deleted."""
    cache.set(_key(partner_translation_key), time.time_ns(), timeout=None)


PARTNER_LIST_KEY = "alumni_partner:partner-list-version"


def partner_list_version() -> int:
    """Renewed whenever a partner page goes on or off line: keys option lists."""
    return cache.get(PARTNER_LIST_KEY) or 0


def renew_partner_list_version() -> None:
    cache.set(PARTNER_LIST_KEY, time.time_ns(), timeout=None)
