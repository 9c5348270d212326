"""Hostile text in every field of a news is shown inert wherever the news shows.

Posted through Wagtail's create form, as a partner would; checked on the news
page, the feed, its RSS and Atom feeds, the partner page, the home page (news
featured by an editor) and the partner's News admin.
"""

from __future__ import annotations

import html

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Locale
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from alumni_partner.models import AudienceGroup, NewsPage, NewsType
from tests.integration.test_hostile_text import (
    HOSTILE,
    HOSTILE_CONTENTSTATE,
    HOSTILE_HTML,
    IMG_ONERROR,
    JS_URL,
    PDF_BYTES,
    YOUTUBE_SHARE_CODE,
    assert_inert,
)
from tests.integration.test_isolation_matrix import publish_partner_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_news(partner, partner_client, editor):
    publish_partner_page(partner)
    default = Locale.get_default()
    news_type = NewsType.objects.create(name=f"Type {HOSTILE}", locale=default)
    group = AudienceGroup.objects.create(name=f"Groupe {HOSTILE}", locale=default)
    document = get_document_model().objects.create(
        title=f"PDF {HOSTILE}",
        file=ContentFile(PDF_BYTES, name="programme.pdf"),
        collection=partner.collection,
    )
    import json

    data = nested_form_data(
        {
            "news_type": news_type.pk,
            "date": "2026-11-20",
            "title": f"Salon {HOSTILE}",
            "slug": "salon",
            "body": streamfield(
                [
                    ("paragraph", json.dumps(HOSTILE_CONTENTSTATE)),
                    ("paragraph", rich_text(HOSTILE_HTML)),
                    ("video", YOUTUBE_SHARE_CODE),
                    ("document", {"document": document.pk, "label": f"Doc {HOSTILE}"}),
                ]
            ),
            "document": document.pk,
            "keywords": f'emploi, "{IMG_ONERROR}"',
            "search_description": f'"><meta http-equiv="refresh" content="0;url={JS_URL}">',
            "seo_title": f"SEO {HOSTILE}",
            "action-publish": "action-publish",
        }
    )
    data["audience_groups"] = [group.pk]
    url = reverse(
        "wagtailadmin_pages:add", args=("alumni_partner", "newspage", partner.page.pk)
    )
    response = partner_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    news = NewsPage.objects.get(slug="salon", locale=default)
    assert news.live and news.title == f"Salon {HOSTILE}"
    # An editor features it on the home page.
    NewsPage.objects.filter(translation_key=news.translation_key).update(
        featured_on_home=True
    )
    return news


def test_the_news_page_shows_hostile_text_inert(hostile_news):
    html = Client().get(hostile_news.url).content.decode()
    assert_inert(html)
    assert "Salon &lt;script&gt;" in html
    assert "Type &lt;script&gt;" in html
    assert "Groupe &lt;script&gt;" in html
    assert "Doc &lt;script&gt;" in html


@pytest.mark.parametrize("path", ["/news/", "/en/news/", "/ar/news/", "/", "/en/"])
def test_listings_show_hostile_text_inert(hostile_news, path):
    html = Client().get(path).content.decode()
    assert_inert(html)
    assert "Salon &lt;script&gt;" in html


def test_the_partner_page_shows_hostile_news_inert(hostile_news, partner):
    html = Client().get(partner.page.url).content.decode()
    assert_inert(html)
    assert "Salon &lt;script&gt;" in html


def test_the_feeds_escape_hostile_text(hostile_news):
    from xml.etree import ElementTree

    rss = Client().get("/news/feed/rss/")
    root = ElementTree.fromstring(rss.content)  # noqa: S314 - our own feed
    # RSS readers read a title as HTML, so it is escaped once more (as Django
    # does by default): the reader shows the typed text, never markup.
    assert html.unescape(root.findtext("channel/item/title")) == f"Salon {HOSTILE}"
    assert b"<script>" not in rss.content

    atom = Client().get("/news/feed/atom/")
    namespace = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(atom.content)  # noqa: S314 - our own feed
    # An Atom title is text: readers do not parse it.
    assert root.findtext(f"{namespace}entry/{namespace}title") == f"Salon {HOSTILE}"
    assert b"<script>" not in atom.content


def test_the_news_admin_shows_hostile_text_inert(hostile_news, partner_client):
    for name in ("index", "archived"):
        html = partner_client.get(
            reverse(f"alumni_partner_news:{name}")
        ).content.decode()
        assert "<script>alert" not in html.replace("&lt;script&gt;alert", "")
    html = partner_client.get(reverse("alumni_partner_news:index")).content.decode()
    assert "Salon &lt;script&gt;" in html
