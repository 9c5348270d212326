"""The view beacon of news and offer pages: counts views behind a front cache.

A front cache serves public pages without reaching Django
(:mod:`alumni_partner.http_cache`), so a page cannot count its views when it
is served. Each news and offer page carries instead a 1×1 image,
``<img src="/views/<page id>.gif" alt="">`` (works without JavaScript), whose
answer is never cached: each view's request reaches
:func:`alumni_partner.counters.record_page_view`, which applies the rules of
counting (robots, repeated views within ``VIEW_DEDUP_SECONDS``, every
language of a page counted for one). Previews do not carry the image.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ..counters import record_page_view
from .mailings import PIXEL_GIF


@require_safe
def page_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """Count a view of news or offer ``page_id``; always the same transparent GIF.

    The answer does not tell whether anything was counted, nor whether the
    page exists: the same GIF for every id.
    """
    if request.method == "GET" and page_id < 2**63:
        record_page_view(page_id, request)
    response = HttpResponse(PIXEL_GIF, content_type="image/gif")
    # Every view must reach the counter, never a cache on the way.
    response["Cache-Control"] = "no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex"
    return response
