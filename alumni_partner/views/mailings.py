"""The links a mailing carries: the open pixel and the unsubscribe page.

Both are keyed by a signed token (:mod:`alumni_partner.mailing.tracking`) and
need no account. ``GET /m/o/<token>.gif`` always answers the same transparent
GIF, genuine token or not, so the pixel tells nobody which tokens exist.
``/m/u/<token>/`` shows the partner's name and one button on GET (link
scanners fetch every link in a mail: a GET never unsubscribes); a POST, from
that button or from a mail provider's RFC 8058 one-click request (no session,
no CSRF token), unsubscribes.
"""

from __future__ import annotations

import base64

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from ..mailing import tracking
from ..models.mailings import MailingUnsubscribe

#: A 1×1 transparent GIF (43 bytes).
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

TEMPLATES = "alumni_partner/mailing/"


@require_safe
def mailing_open(request, token: str) -> HttpResponse:
    """The open pixel: counts a GET of a genuine token, answers the GIF anyway."""
    if request.method == "GET":
        tracking.record_open(token)
    response = HttpResponse(PIXEL_GIF, content_type="image/gif")
    # Every opening must reach us, not a cache on the way.
    response["Cache-Control"] = "no-store, max-age=0"
    return response


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, TEMPLATES + template, context, status=status)
    # The token is in the URL: it must not leak to another site, nor be indexed.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# RFC 8058 one-click: the provider's POST has no CSRF token; the signed URL is the key.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str) -> HttpResponse:
    """Confirm (GET) and unsubscribe (POST) from a partner's mailings."""
    recipient = tracking.recipient_for(token, tracking.UNSUBSCRIBE)
    if recipient is None:
        return _page(request, "invalid_link.html", {}, status=404)
    partner = recipient.mailing.partner
    context = {"partner": partner, "email": recipient.email}
    if request.method == "POST":
        tracking.unsubscribe(recipient)
        return _page(request, "unsubscribed.html", context)
    context["already"] = MailingUnsubscribe.objects.filter(
        partner=partner, email=recipient.email.lower()
    ).exists()
    return _page(request, "unsubscribe.html", context)
