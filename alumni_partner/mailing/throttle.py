"""The mailing rate limit: messages per second across every worker.

A fixed-window counter in Django's cache: one key per window, created with
``cache.add`` and counted with ``cache.incr``, both atomic in Redis (the
production cache), so every ``qcluster`` process on every machine draws from
the same allowance. A sender that finds the window full sleeps until the next
one. A fixed window may let up to twice the rate through across a window
boundary; relays that limit per minute or per hour do not notice.

``MAILING_RATE_LIMIT = None`` turns the limit off, and then costs nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.core.cache import cache as default_cache

#: Prefix of the per-window counters in the cache.
KEY = "alumni_partner:mailing-rate"


class RateLimiter:
    """At most ``rate`` messages per second, shared through the cache.

    ``clock`` and ``sleep`` are injectable so that tests need not wait::

        limiter = RateLimiter(50)
        for message in messages:
            limiter.wait()      # returns at once, or sleeps to the next window
            send(message)
    """

    def __init__(
        self,
        rate: float | None,
        *,
        cache=None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.cache = cache or default_cache
        self.clock = clock
        self.sleep = sleep
        if rate:
            # Below one message a second, widen the window so that it holds one.
            self.window = max(1.0, 1.0 / rate)
            self.allowance = max(1, math.floor(rate * self.window))

    def wait(self) -> None:
        """Return once one more message may go, sleeping if the window is full."""
        if not self.rate:
            return
        while True:
            now = self.clock()
            index = math.floor(now / self.window)
            key = f"{KEY}:{index}"
            # The key outlives its window a little: a late incr still finds it.
            self.cache.add(key, 0, timeout=math.ceil(self.window) + 5)
            try:
                count = self.cache.incr(key)
            except ValueError:
                # Evicted between add and incr, or a cache that cannot count
                # (DummyCache): better one message over the limit than a stall.
                return
            if count <= self.allowance:
                return
            self.sleep(max((index + 1) * self.window - now, 0.001))
