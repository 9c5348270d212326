"""News are written in French and translated with wagtail-localize (issue 3, item 1).

Until translated, every other locale serves an alias of the French news.
"""

from __future__ import annotations

import pytest

from alumni_partner.models import NewsPage
from tests.translation import translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_news(partner, make_news, audience_group):
    news = make_news(partner, "Forum des métiers", publish=False)
    news.audience_groups.set([audience_group])
    news.keywords.add("emploi", "forum")
    news.save_revision(user=partner.members.get()).publish(user=partner.members.get())
    news.refresh_from_db()
    return news


def test_every_locale_serves_the_french_news_until_translated(french_news):
    others = NewsPage.objects.filter(
        translation_key=french_news.translation_key
    ).exclude(pk=french_news.pk)
    assert sorted(others.values_list("locale__language_code", flat=True)) == [
        "ar",
        "en",
        "es",
        "pt",
    ]
    assert all(page.alias_of_id == french_news.pk and page.live for page in others)
    assert {page.title for page in others} == {"Forum des métiers"}


def test_a_translation_keeps_type_groups_keywords_and_expiry(
    french_news, partner_user, audience_group
):
    english = translate(
        french_news, "en", {"Forum des métiers": "Careers fair"}, partner_user
    )
    assert english.alias_of_id is None
    assert english.title == "Careers fair"
    assert english.live
    assert english.news_type_id == french_news.news_type_id
    assert list(english.audience_groups.all()) == [audience_group]
    assert sorted(english.keywords.names()) == ["emploi", "forum"]
    assert english.expire_at == french_news.expire_at
    # Spanish still falls back on the French words.
    spanish = NewsPage.objects.get(
        translation_key=french_news.translation_key, locale__language_code="es"
    )
    assert spanish.title == "Forum des métiers"
