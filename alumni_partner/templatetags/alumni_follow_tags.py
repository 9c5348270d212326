"""The follow button of a partner page.

The partner page caches its body for every visitor alike; the button depends
on who looks, so the template renders it outside the cached fragment. It costs
a visitor no query (the partner's id is cached by page) and a member one.
"""

from __future__ import annotations

from django import template
from django.core.cache import cache
from wagtail.models import Page

from ..alumni_accounts import is_partner_user
from ..models import AlumniProfile, Partner, PartnerFollow

register = template.Library()

#: A partner page's translation key never changes partner: cached for a day.
PARTNER_ID_SECONDS = 24 * 3600


def partner_id_of(page: Page) -> int | None:
    """The id of the partner whose page (in any language) ``page`` is."""
    key = f"alumni_partner:partner-of-page:{page.translation_key}"
    partner_id = cache.get(key)
    if partner_id is None:
        partner_id = (
            Partner.objects.filter(page__translation_key=page.translation_key)
            .values_list("pk", flat=True)
            .first()
        )
        if partner_id is not None:
            cache.set(key, partner_id, timeout=PARTNER_ID_SECONDS)
    return partner_id


def _own_profile(user) -> AlumniProfile | None:
    # The header's "My profile" link has loaded (and cached) it already.
    try:
        return user.alumni_profile
    except AlumniProfile.DoesNotExist:
        return None


@register.inclusion_tag(
    "alumni_partner/includes/follow_button.html", takes_context=True
)
def follow_button(context, page: Page) -> dict:
    """``{% follow_button page %}``: follow, stop following, or why not.

    Whether the organisation may be followed at all is checked again by the
    view (``alumni_partner.following``); here the page is the one being shown.
    """
    request = context.get("request")
    partner_id = partner_id_of(page) if page is not None else None
    if request is None or partner_id is None:
        return {"partner_id": None}
    user = request.user
    following = False
    if not user.is_authenticated:
        state = "anonymous"
    else:
        profile = _own_profile(user)
        if profile is None and is_partner_user(user):
            state = "partner_user"
        else:
            state = "member"
            following = profile is not None and (
                PartnerFollow.objects.filter(
                    profile=profile, partner_id=partner_id
                ).exists()
            )
    return {
        "request": request,
        "partner_id": partner_id,
        "name": page.title,
        "state": state,
        "following": following,
    }
