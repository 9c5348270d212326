"""The "J'aime" button of a news page (guide 3.3: likes counted in the admin).

``POST /news/<page_id>/like/`` with ``liked=1`` or ``liked=0``: the wanted
state rather than a toggle, so that a double click likes once. A member who
is logged in likes; a visitor is sent to the login page. Without JavaScript
the answer is a redirect back to the news page with a message; ``like.js``
asks for JSON (``{"liked": bool, "count": int}``) and updates the button.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..counters import set_like
from ..models import NewsPage


def wants_json(request) -> bool:
    return request.headers.get(
        "x-requested-with"
    ) == "XMLHttpRequest" or "application/json" in request.headers.get("accept", "")


def likes_label(count: int) -> str:
    """The count as the news page shows it (the same msgid as its template)."""
    return ngettext("%(counter)s like", "%(counter)s likes", count) % {"counter": count}


def login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


@require_POST
def news_like(request, page_id: int):
    news = get_object_or_404(NewsPage.objects.live(), pk=page_id)
    # A news in a private section is liked by those who may read it only.
    for restriction in news.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404
    news_url = news.get_url(request) or "/"
    if not request.user.is_authenticated:
        if wants_json(request):
            return JsonResponse(
                {
                    "error": _("Log in to like this news."),
                    "login_url": login_url(news_url),
                },
                status=403,
            )
        return HttpResponseRedirect(login_url(news_url), status=303)
    wanted = request.POST.get("liked")
    if wanted not in ("0", "1"):
        if wants_json(request):
            return JsonResponse({"error": _("Invalid request.")}, status=400)
        messages.error(request, _("Your like could not be recorded. Please try again."))
        return HttpResponseRedirect(news_url, status=303)
    liked = wanted == "1"
    count = set_like(news, request.user, liked)
    if wants_json(request):
        return JsonResponse(
            {"liked": liked, "count": count, "label": likes_label(count)}
        )
    if liked:
        messages.success(request, _("You like this news."))
    else:
        messages.success(request, _("You no longer like this news."))
    return HttpResponseRedirect(f"{news_url}#like", status=303)
