"""Translating a page as a translator does in wagtail-localize's editor."""

from __future__ import annotations

from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation, TranslationSource


def translate(page: Page, language_code: str, translations: dict[str, str], user):
    """Translate the strings of ``page`` found in ``translations``, then publish.

    Strings left out keep the source's words (wagtail-localize's fallback).
    Returns the translated page, specific.
    """
    source, _created = TranslationSource.get_or_create_from_instance(page)
    locale = Locale.objects.get(language_code=language_code)
    for segment in source.stringsegment_set.select_related("string"):
        text = translations.get(segment.string.data)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text},
            )
    source.create_or_update_translation(locale, user=user, publish=True, fallback=True)
    return type(page).objects.get(translation_key=page.translation_key, locale=locale)
