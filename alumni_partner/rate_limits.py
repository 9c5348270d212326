"""Per-account rate limits: the directory must not be scraped (DESIGN.md §5).

Fixed-window counters in Django's cache: one key per account, action and
window, created with ``cache.add`` and counted with ``cache.incr`` (both atomic
on Redis and Memcached; per process with the local-memory cache). Limits live
in :data:`alumni_partner.conf.DEFAULTS` ``["RATE_LIMITS"]``; the setting
``ALUMNI_PARTNER_RATE_LIMITS`` overrides them action by action::

    ALUMNI_PARTNER_RATE_LIMITS = {
        "directory_search": [(30, 60), (300, 86400)],  # 30/minute and 300/day
        "directory_export": (5, 86400),                # one window
        "recipient_list": None,                        # no limit
    }

In a view::

    from alumni_partner import rate_limits

    try:
        rate_limits.check(request, "directory_search")
    except rate_limits.RateLimited as exc:
        return rate_limits.response(request, exc)

or decorate it with ``@rate_limits.limit("directory_search")``.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .conf import DEFAULTS

TEMPLATE = "alumni_partner/rate_limited.html"


class RateLimited(Exception):
    """Too many requests of one kind: carries the message and the wait."""

    def __init__(self, action: str, retry_after: int):
        self.action = action
        self.retry_after = max(1, int(retry_after))
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """A translated sentence for the visitor, with how long to wait."""
        return _wait_message(self.retry_after)


def _wait_message(seconds: int) -> str:
    if seconds < 60:
        wait = ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    elif seconds < 3600:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    else:
        hours = math.ceil(seconds / 3600)
        wait = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return str(
        _(
            "You have made too many requests of this kind for now. "
            "Please try again in %(wait)s."
        )
        % {"wait": wait}
    )


def limits(action: str) -> list[tuple[int, int]]:
    """The windows ``(count, seconds)`` of ``action``; empty when unlimited.

    An action missing from both the defaults and the setting is a
    programming error (a misspelt name would silently limit nothing).
    """
    configured = {
        **DEFAULTS["RATE_LIMITS"],
        **getattr(settings, "ALUMNI_PARTNER_RATE_LIMITS", {}),
    }
    if action not in configured:
        raise KeyError(f"Unknown rate-limited action {action!r}")
    value = configured[action]
    if not value:
        return []
    if isinstance(value[0], int):  # a single (count, seconds) pair
        value = [value]
    return [(int(count), int(seconds)) for count, seconds in value]


def _identity(request_or_user) -> str:
    """The account (or, signed out, the address) whose requests are counted."""
    user = getattr(request_or_user, "user", request_or_user)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"u{user.pk}"
    meta = getattr(request_or_user, "META", {})
    return "ip" + meta.get("REMOTE_ADDR", "unknown")


def _count(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window begins
        cache.add(key, 1, timeout=timeout)
        return 1


def check(request_or_user, action: str) -> None:
    """Count one ``action`` of this account; raise :class:`RateLimited` past a limit.

    Every window is counted, refused requests included: a client that keeps
    hammering does not get its day's budget back by waiting a minute.
    """
    windows: Iterable[tuple[int, int]] = limits(action)
    identity = _identity(request_or_user)
    now = time.time()
    retry_after = 0
    for count, seconds in windows:
        window = int(now // seconds)
        key = f"alumni_partner:rate:{action}:{identity}:{seconds}:{window}"
        if _count(key, timeout=seconds + 1) > count:
            retry_after = max(retry_after, math.ceil((window + 1) * seconds - now))
    if retry_after:
        raise RateLimited(action, retry_after)


def response(request, exc: RateLimited):
    """The 429 page, with ``Retry-After``."""
    result = render(
        request,
        TEMPLATE,
        {"message": exc.message, "retry_after": exc.retry_after},
        status=429,
    )
    result["Retry-After"] = str(exc.retry_after)
    return result


def limit(action: str):
    """Decorate a view: each call counts as one ``action``; over the limit, 429."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                check(request, action)
            except RateLimited as exc:
                return response(request, exc)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
