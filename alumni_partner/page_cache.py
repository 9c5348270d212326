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
