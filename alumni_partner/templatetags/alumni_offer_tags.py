"""Template tags of the public offers: a partner's live offers, JSON-LD."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString
from wagtail.models import Page

from ..conf import partner_settings

register = template.Library()


@register.simple_tag
def partner_offers(partner_page: Page) -> list:
    """The partner's latest live offers in the page's locale, ready for cards."""
    from ..offer_listing import offers_of

    return offers_of(partner_page, partner_settings.PARTNER_PAGE_OFFERS)


@register.simple_tag(takes_context=True)
def job_posting_script(context, offer) -> SafeString:
    """The offer's schema.org ``JobPosting`` as a JSON-LD ``<script>``."""
    from ..job_posting import job_posting_script as script

    return script(offer, context.get("request"))
