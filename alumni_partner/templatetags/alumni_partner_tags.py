"""Template tags of the public site: language links for a page."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Locale, Page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context, page: Page | None) -> list[dict]:
    """One link per site language: the page's translation or alias in it.

    Locale trees are synchronised, so every page exists in every locale; a
    language without a page (a tree not yet synchronised) is left out.
    """
    request = context.get("request")
    current = get_language()
    names = dict(settings.LANGUAGES)
    links = []
    if page is None:
        return links
    pages = {
        p.locale.language_code: p
        for p in page.get_translations(inclusive=True).select_related("locale")
    }
    for locale in Locale.objects.all():
        code = locale.language_code
        target = pages.get(code)
        if target is None or code not in names:
            continue
        url = target.get_url(request)
        if url:
            links.append(
                {
                    "code": code,
                    "name": names[code],
                    "url": url,
                    "current": code == current,
                }
            )
    return links
