"""Hostile text typed into "Mon organisation" is shown inert on the public page.

Posted through the admin edit form, as a partner would (DESIGN.md §7: Wagtail's
rich text keeps its own format, pasted HTML never reaches the page, YouTube
embeds are rebuilt from the video id alone).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from alumni_partner.models import PartnerDocument, Sector
from tests.integration.test_isolation_matrix import (
    PDF_BYTES,
    partner_page_form,
    publish_partner_page,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
IMG_ONERROR = '"><img src=x onerror=alert(1)>'
SVG_ONLOAD = "<svg/onload=alert(1)>"
JS_URL = "javascript:alert(document.cookie)"
HOSTILE = f"{SCRIPT}{IMG_ONERROR}{SVG_ONLOAD}"
VIDEO_ID = "dQw4w9WgXcQ"
YOUTUBE_SHARE_CODE = (
    f'<iframe width="560" height="315" src="https://www.youtube.com/embed/{VIDEO_ID}'
    '?si=tracking123" title="YouTube video player" frameborder="0" '
    'allow="accelerometer; autoplay" onload="alert(1)" referrerpolicy='
    '"strict-origin-when-cross-origin" allowfullscreen></iframe>'
    "<script>alert('share')</script>"
)
EVIL_IFRAME = '<iframe src="https://evil.example/embed/abc" onload="alert(1)"></iframe>'

#: Draftail's own format, as a tampered request would send it: a link entity
#: with a javascript: URL, and markup typed as text.
HOSTILE_CONTENTSTATE = {
    "blocks": [
        {
            "key": "aaaaa",
            "type": "unstyled",
            "depth": 0,
            "text": f"Click here {HOSTILE}",
            "inlineStyleRanges": [{"offset": 0, "length": 5, "style": "BOLD"}],
            "entityRanges": [{"offset": 0, "length": 10, "key": 0}],
            "data": {},
        },
        {
            "key": "bbbbb",
            "type": "unstyled",
            "depth": 0,
            "text": "Data link",
            "inlineStyleRanges": [],
            "entityRanges": [{"offset": 0, "length": 9, "key": 1}],
            "data": {},
        },
    ],
    "entityMap": {
        "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": JS_URL}},
        "1": {
            "type": "LINK",
            "mutability": "MUTABLE",
            "data": {
                "url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
            },
        },
    },
}
#: The same, pasted as HTML into the editor (Wagtail's storage format).
HOSTILE_HTML = (
    f'<p>Before <a href="{JS_URL}">a link</a> {SCRIPT}'
    '<img src="x" onerror="alert(1)"/> <b onmouseover="alert(1)">bold</b></p>'
)


class _Elements(HTMLParser):
    """Every element of a page with its attributes, as a browser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


ALLOWED_FRAMES = ("https://www.youtube-nocookie.com/embed/", "https://maps.google.com/")


def assert_inert(html: str) -> None:
    """No element or attribute that runs code; hostile text may show as text."""
    problems = []
    for tag, attrs in elements(html):
        if tag == "script" and attrs.get("src", "").startswith(settings.STATIC_URL):
            continue  # the site's own scripts (like.js)
        if tag in ("script", "svg", "math", "object", "embed", "base", "style"):
            problems.append(f"<{tag}> element")
        if tag == "meta" and "http-equiv" in attrs:
            problems.append(f"<meta http-equiv={attrs['http-equiv']!r}>")
        if tag == "iframe" and not attrs.get("src", "").startswith(ALLOWED_FRAMES):
            problems.append(f"<iframe src={attrs.get('src')!r}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "content"):
                scheme = value.strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    problems.append(f"<{tag} {name}={value!r}>")
    assert not problems, problems


def edit(client, page, **fields):
    data = partner_page_form(page, **fields)
    data["action-publish"] = "action-publish"
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


@pytest.fixture
def hostile_page(partner, partner_client, editor):
    """Acme's page, every text field hostile, published through the admin."""
    page = publish_partner_page(partner)
    sector = Sector.objects.create(
        name=f"Énergie {HOSTILE}", locale=Locale.get_default()
    )
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title=f"Brochure {HOSTILE}",
        file=ContentFile(PDF_BYTES, name="brochure.pdf"),
        collection=partner.collection,
    )
    response = edit(
        partner_client,
        page,
        title=f"Acme {HOSTILE}",
        street=f"1 rue {HOSTILE}",
        postcode='75"><script>',
        city=f"Paris {IMG_ONERROR}",
        country="FR",
        website="https://acme.example/?q=%22%3E%3Cscript%3E",
        phone=f"+33 1 {SCRIPT}",
        email="contact@acme.example",
        sector=sector.pk,
        seo_title=f"SEO {HOSTILE}",
        search_description=f'"><meta http-equiv="refresh" content="0;url={JS_URL}">',
        presentation=[
            ("paragraph", HOSTILE_CONTENTSTATE),
            ("paragraph", HOSTILE_HTML),
            ("video", YOUTUBE_SHARE_CODE),
        ],
        documents=[
            {
                "document": document.pk,
                "label": f"Label {HOSTILE}",
                "date": "2025-01-31",
                "comment": f"Comment {HOSTILE} {JS_URL}",
            }
        ],
    )
    assert response.status_code == 302, response.context["form"].errors
    page.refresh_from_db()
    assert page.live and page.title == f"Acme {HOSTILE}"
    return page


def test_hostile_text_in_every_field_is_shown_inert_on_the_public_page(hostile_page):
    response = Client().get(hostile_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html)
    # Saved and shown as text, not dropped: the visitor sees what was typed.
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html
    assert "onerror=alert(1)&gt;" in html
    assert "Label &lt;script&gt;" in html
    assert "Comment &lt;script&gt;" in html
    assert "Énergie &lt;script&gt;" in html


def test_javascript_links_in_the_presentation_are_neutralised(hostile_page):
    html = Client().get(hostile_page.url).content.decode()
    presentation = html[html.index('class="presentation"') :]
    assert "<b>Click</b> here</a>" in presentation  # the link text stays
    assert "Data link" in presentation
    for href in re.findall(r'href="([^"]*)"', presentation):
        assert href.startswith(("http://", "https://", "mailto:", "tel:", "/", "#")), (
            href
        )


def test_youtube_share_code_is_rendered_from_the_video_id_alone(hostile_page):
    [stored] = [b for b in hostile_page.presentation if b.block_type == "video"]
    assert stored.value == f"https://www.youtube.com/watch?v={VIDEO_ID}"

    html = Client().get(hostile_page.url).content.decode()
    iframes = re.findall(r"<iframe[^>]*>", html)
    video = [tag for tag in iframes if "youtube" in tag]
    assert len(video) == 1
    assert f'src="https://www.youtube-nocookie.com/embed/{VIDEO_ID}"' in video[0]
    assert "si=" not in video[0] and "tracking123" not in html
    assert "onload" not in video[0]
    # The only other frame is the map, built from the address.
    others = [tag for tag in iframes if tag not in video]
    assert all("maps.google.com/maps?q=" in tag for tag in others)


def test_iframe_from_another_host_is_refused_with_a_form_error(partner, partner_client):
    page = publish_partner_page(partner)
    live_before = page.live_revision_id
    response = edit(partner_client, page, presentation=[("video", EVIL_IFRAME)])
    assert response.status_code == 200
    body = response.content.decode()
    assert "YouTube" in body
    page.refresh_from_db()
    assert page.live_revision_id == live_before
    assert "evil.example" not in str(page.get_latest_revision().content)


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        '<iframe src="javascript:alert(1)"></iframe>',
        "<script>alert(1)</script>",
    ],
)
def test_video_block_refuses_anything_but_youtube(partner, partner_client, value):
    page = publish_partner_page(partner)
    response = edit(partner_client, page, presentation=[("video", value)])
    assert response.status_code == 200
    page.refresh_from_db()
    assert not page.presentation


def test_javascript_website_is_refused(partner, partner_client):
    page = publish_partner_page(partner)
    response = edit(partner_client, page, website=JS_URL)
    assert response.status_code == 200
    assert "website" in response.context["form"].errors
    page.refresh_from_db()
    assert page.website.startswith("https://")


def test_hostile_partner_is_inert_in_the_partner_index_and_other_locales(hostile_page):
    for url in ("/partners/", "/en/partners/", f"/ar/partners/{hostile_page.slug}/"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
    assert "Acme &lt;script&gt;" in Client().get("/partners/").content.decode()


def test_hostile_title_is_inert_in_the_admin_too(hostile_page, editor_client):
    for url in (
        reverse("wagtailadmin_pages:edit", args=[hostile_page.pk]),
        reverse("wagtailadmin_explore", args=[hostile_page.get_parent().pk]),
        reverse("wagtailadmin_home"),
    ):
        html = editor_client.get(url).content.decode()
        assert SCRIPT not in html, url
        assert IMG_ONERROR not in html, url


def test_brochure_is_listed_with_its_label(hostile_page):
    assert PartnerDocument.objects.filter(page=hostile_page).count() == 1
