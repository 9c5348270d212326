"""Template tags of the public site's sections and a partner's latest news."""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Page, Site

from ..conf import partner_settings

register = template.Library()

#: The menu's links change only when an index page is renamed or unpublished.
SECTION_URLS_SECONDS = 300


@register.simple_tag(takes_context=True)
def section_urls(context) -> dict[str, str]:
    """``{"partners": url, "news": url, "offers": url}``: the index pages in the
    active language.

    Cached per site and language, so that the menu costs no query on a page
    view (a renamed or unpublished index shows within five minutes).
    """
    from ..models import NewsIndexPage, OfferIndexPage, PartnerIndexPage

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {}
    key = f"alumni_partner:section_urls:{site.pk}:{get_language()}"
    urls = cache.get(key)
    if urls is None:
        urls = {}
        home = site.root_page.localized
        for name, model in (
            ("partners", PartnerIndexPage),
            ("news", NewsIndexPage),
            ("offers", OfferIndexPage),
        ):
            index = model.objects.live().child_of(home).first()
            url = index.get_url(request) if index else None
            if url:
                urls[name] = url
        cache.set(key, urls, SECTION_URLS_SECONDS)
    return urls


@register.simple_tag
def latest_news(partner_page: Page) -> list:
    """The partner's latest live news in the page's locale, ready for cards."""
    from ..news_listing import latest_news_of

    return latest_news_of(partner_page, partner_settings.PARTNER_PAGE_NEWS)
