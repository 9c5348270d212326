"""The directory's version: renewed whenever a profile changes.

Cached figures of the whole directory (its facets and its count) are keyed by
this version, so hiding a field, leaving the directory or deleting an account
never lingers in a cached count. Writes that skip model signals (a bulk
import's ``bulk_create``/``bulk_update``) call :func:`renew_directory_version`
themselves when they finish.
"""

from __future__ import annotations

import time

from django.core.cache import cache

DIRECTORY_VERSION_KEY = "alumni_partner:directory-version"


def directory_version() -> int:
    """The current version (0 until a profile changed since the cache was empty)."""
    return cache.get(DIRECTORY_VERSION_KEY) or 0


def renew_directory_version() -> None:
    """Forget every cached figure of the directory."""
    cache.set(DIRECTORY_VERSION_KEY, time.time_ns(), timeout=None)
