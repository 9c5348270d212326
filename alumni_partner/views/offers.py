"""The "Apply" button of an offer page (issue 4, item 6: clicks are counted).

``GET /offers/<pk>/apply/`` counts the visitor's click (once a day, never for
robots) and redirects to the offer's own contact: its ``mailto:`` address or
its application page. The target is read from the offer, never from the
request, so the URL cannot be used to send visitors elsewhere.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..counters import record_apply_click
from ..models import OfferPage


class ApplyRedirect(HttpResponseRedirect):
    """A redirect that may lead to a ``mailto:`` address."""

    allowed_schemes = ["http", "https", "mailto"]


@never_cache  # every click reaches the counter, none is served from a cache
@require_safe
def offer_apply(request, pk: int) -> HttpResponseRedirect:
    """Count the click on "Apply" and send the visitor to the offer's contact."""
    if pk >= 2**63:  # beyond the database's integers: no such offer
        raise Http404("No such offer.")
    offer = get_object_or_404(OfferPage.objects.live().public(), pk=pk)
    target = offer.apply_href
    if not target:
        raise Http404("This offer has no contact.")
    record_apply_click(offer, request)
    response = ApplyRedirect(target)
    # The link carries rel="nofollow"; robots that follow it anyway are told.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
