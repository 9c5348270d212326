"""The "Suivre" / "Ne plus suivre" button of a partner page.

``POST /partners/<partner_id>/follow/`` with ``following=1`` (follow) or
``following=0`` (stop): the wanted state, so that a double click follows
once; without it, the button toggles. A visitor is sent to the login page and
comes back to the partner page; a partner user gets a message saying why not.
The answer is a redirect back to ``next`` (when it stays on this site) or to
the partner page, with a message.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..following import CannotFollow, followable, toggle_following
from ..models import Partner


def _partner_page_url(request, partner: Partner) -> str:
    page = partner.page.localized if partner.page_id else None
    return (page.get_url(request) if page else None) or "/"


def _back_url(request, partner: Partner) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return wanted
    return _partner_page_url(request, partner)


@require_POST
def follow(request, partner_id: int):
    partner = get_object_or_404(Partner.objects.select_related("page"), pk=partner_id)
    if not followable(partner):
        raise Http404
    back = _back_url(request, partner)
    if not request.user.is_authenticated:
        login = reverse("account_login")
        query = urlencode({"next": back})
        return HttpResponseRedirect(f"{login}?{query}", status=303)

    wanted = {"1": True, "0": False}.get(request.POST.get("following", ""))
    try:
        following = toggle_following(request.user, partner, wanted)
    except CannotFollow as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(back, status=303)
    if following:
        messages.success(
            request, _("You now follow %(name)s.") % {"name": partner.name}
        )
    else:
        messages.success(
            request, _("You no longer follow %(name)s.") % {"name": partner.name}
        )
    return HttpResponseRedirect(back, status=303)
