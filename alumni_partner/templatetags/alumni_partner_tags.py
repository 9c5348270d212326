"""Template tags of the public site: language links for a page."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_languages(context, page: Page | None) -> list[dict]:
    """One link per site language: the page's translation or alias in it.

    Locale trees are synchronised, so every page exists in every locale; a
    language without a page (a tree not yet synchronised) is left out. A view
    that is not a page (the log in form) links to its own URL in each language.
    """
    request = context.get("request")
    current = get_language()
    names = dict(settings.LANGUAGES)
    links = []
    if not page:
        if request is None:
            return links
        return [
            {
                "code": code,
                "name": name,
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ]
    # One query on the base page table (get_url needs nothing specific, and a
    # specific model would load five presentations), each page with its locale.
    # Listed by language code, Locale's ordering, without querying Locale again.
    pages = {
        p.locale.language_code: p
        for p in Page.objects.filter(
            translation_key=page.translation_key
        ).select_related("locale")
    }
    for code in sorted(pages):
        if code not in names:
            continue
        url = pages[code].get_url(request)
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
