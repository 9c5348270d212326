"""Database or cache out of reach: a short 503 "try again", not a 500.

While PostgreSQL restarts or Redis fails over, every request that needs them
fails with a connection error. :class:`OutageMiddleware` turns those errors
(``django.db.OperationalError`` and ``InterfaceError``, redis's
``ConnectionError`` and ``TimeoutError``) into a 503 with ``Retry-After``
and a small page built here, from gettext alone: a template, a context
processor or a session could need the very database that is gone. Nothing is
kept: the next request tries again, and Django reconnects
(``CONN_HEALTH_CHECKS`` drops a dead persistent connection, redis-py opens a
new socket).

Put it near the top of ``MIDDLEWARE``, above the session and authentication
middleware::

    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "alumni_partner.outage.OutageMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        ...
    ]

A view's error reaches :meth:`OutageMiddleware.process_exception`. An error
raised by a middleware below (a session saved to a dead database) never
reaches the middleware above: Django turns it into a 500 response on the spot
and only sends ``got_request_exception``. The receiver below marks the request
then, and the middleware swaps that 500 for the 503 on its way out.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: Seconds a client (or a load balancer) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5

#: Where the receiver leaves the error it saw, for the middleware above.
_MARK = "_alumni_partner_outage"


def _outage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # no Redis client installed: no Redis errors to meet
        pass
    else:
        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


OUTAGE_ERRORS = _outage_errors()


def is_outage(error: BaseException | None) -> bool:
    """Whether ``error`` means the database or the cache cannot be reached."""
    return isinstance(error, OUTAGE_ERRORS)


def outage_response() -> HttpResponse:
    """The 503 page, in the request's language, with ``Retry-After``."""
    language = get_language() or settings.LANGUAGE_CODE
    title = _("Service temporarily unavailable")
    message = _(
        "The site cannot reach its database or its cache at the moment. "
        "Please try again in a few seconds."
    )
    direction = "rtl" if get_language_bidi() else "ltr"
    html = (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(language)}" dir="{direction}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>\n"
    )
    response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Neither a browser nor a cache in front may keep the outage page.
    response["Cache-Control"] = "no-store"
    return response


def _log(request: HttpRequest, error: BaseException) -> None:
    # One line, no traceback: during an outage every request says the same.
    # A warning: Django logs the 503 response itself as an error.
    logger.warning(
        "Service unavailable (503) for %s %s: %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        str(error).strip().replace("\n", " "),
    )


@receiver(got_request_exception, dispatch_uid="alumni_partner.outage")
def _mark_outage(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Remember an outage error raised below the middleware, for the 503.

    Django sends this signal from inside its ``except`` block, without the
    exception itself: ``sys.exc_info()`` holds it.
    """
    error = sys.exc_info()[1]
    if request is not None and is_outage(error):
        setattr(request, _MARK, error)


class OutageMiddleware:
    """Answers 503 with ``Retry-After`` when the database or the cache is down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        error = getattr(request, _MARK, None)
        if error is not None and response.status_code == 500:
            _log(request, error)
            return outage_response()
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        """A view (or its template) met an outage: answer 503 at once."""
        if not is_outage(exception):
            return None
        _log(request, exception)
        return outage_response()
