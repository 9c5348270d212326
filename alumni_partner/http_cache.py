"""Which responses a shared front cache (Varnish, nginx, a CDN) may keep.

A Wagtail page served to a visitor who has no session is the same for every
such visitor: it is marked ``Cache-Control: public, max-age=N`` with
``Vary: Cookie`` (N is ``ALUMNI_PARTNER_PUBLIC_CACHE_SECONDS``, 300 by
default), so that a front cache serves the next visitors without reaching
Django. Everything else that does not say how it may be cached gets Django's
``never_cache`` headers (``private, no-cache, no-store``): pages of logged-in
members (their name, their likes, a CSRF token), POSTs, previews, the admin,
the directory, messages, account pages, error pages and redirects.

A page is public only when nothing in the response is personal:

- the request is a GET or HEAD served by Wagtail's page view (``wagtail.views.serve``;
  a page served through a view of one's own stays never cached), and not a preview;
- the answer is a 200 (a 404 is never kept: a page published a second later
  must not stay "not found");
- the visitor sends no session cookie and is not logged in;
- the response sets no cookie: a page that used a CSRF token (a form for
  members), showed a flash message (the messages cookie is cleared) or
  saved the session is private, whatever its template;
- no view said otherwise: a response that already carries ``Cache-Control``
  (Wagtail's ``never_cache`` on pages with view restrictions, previews,
  static files, the view beacon) is left as it is.

``Vary``: ``Cookie`` on every public page. ``Accept-Language`` is added by
Django's ``LocaleMiddleware`` where the language could come from it, that is
on URLs without a language prefix; with ``prefix_default_language=False`` the
language of every URL is fixed by its path, so the header only splits the
cache there and nowhere else. A front cache should key public pages on the URL
alone once it has set aside requests that carry a session (see the Varnish
example in docs/deploy.md).

Staleness: a page's own publication renders at once in Django (the fragment
caches are keyed on the published revision), so a front cache or browser
shows the old version for at most ``PUBLIC_CACHE_SECONDS`` (caches that send
``Age`` count it down for the browsers behind them), or not at all when the
front cache is purged on publish (:mod:`alumni_partner.frontend_cache`).

Install it high in ``MIDDLEWARE``, above the session, CSRF and messages
middleware, whose cookies and ``Vary`` it must see::

    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "alumni_partner.outage.OutageMiddleware",
        "alumni_partner.http_cache.HttpCacheMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        ...
    ]
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
)
from wagtail import views as wagtail_views

from .conf import partner_settings

#: Set on a request that Wagtail's page view serves.
_PAGE_MARK = "_alumni_partner_wagtail_page"


def public_cache_seconds() -> int:
    """How long a front cache and browsers may keep a public page (0: never)."""
    return int(partner_settings.PUBLIC_CACHE_SECONDS)


def is_public(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether ``response`` is the same for every visitor without a session.

    The checks run cheapest first: the session (and the user, which needs
    the database) is only looked at for a page that passed the others.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    if not getattr(request, _PAGE_MARK, False) or getattr(request, "is_preview", False):
        return False
    if public_cache_seconds() <= 0:
        return False
    # Any cookie set (session, CSRF, messages) means the page was personal.
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def apply_cache_policy(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Mark ``response`` public or never cached, unless it already says."""
    if response.has_header("Cache-Control"):
        return response
    if is_public(request, response):
        patch_cache_control(response, public=True, max_age=public_cache_seconds())
        patch_vary_headers(response, ("Cookie",))
    else:
        add_never_cache_headers(response)
    return response


class HttpCacheMiddleware:
    """Sets ``Cache-Control`` on every response that did not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return apply_cache_policy(request, self.get_response(request))

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        """Remember that Wagtail's page view serves this request."""
        if view_func is wagtail_views.serve:
            setattr(request, _PAGE_MARK, True)
        return None
