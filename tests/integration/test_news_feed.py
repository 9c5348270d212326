"""The network's news feed (``NewsIndexPage``): filters, pagination, RSS and Atom.

Every partner's live news of the visitor's language, newest first (the news'
date, then its publication), filtered by type, group and partner with a GET
form whose bad values are reported, never a crash; the same list as RSS and
Atom; and a number of queries that does not grow with the page size.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # our own server's feeds
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

from alumni_partner import news_lifecycle
from alumni_partner.models import AudienceGroup, NewsType
from tests.benchmarks.content import make_image
from tests.integration.test_isolation_matrix import publish_partner_page
from tests.integration.test_news_public import (
    IMG_ONERROR,
    SCRIPT,
    empty_cache,  # noqa: F401
    html_of,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_xml(content: bytes) -> ET.Element:
    """Parse a feed served by the site under test (trusted, no entities)."""
    return ET.fromstring(content)  # noqa: S314


@pytest.fixture
def world(partner, other_partner, make_news, news_type, partner_user):
    """Acme and Globex with news of two types and groups, a draft and an archive."""
    for p in (partner, other_partner):
        publish_partner_page(p)
    call = NewsType.objects.create(name="Appel à projets")
    engineers = AudienceGroup.objects.create(name="Ingénieurs")
    doctors = AudienceGroup.objects.create(name="Médecins")
    today = timezone.localdate()
    news = {
        "old": make_news(partner, title="Ancienne", date=today - timedelta(days=9)),
        "event": make_news(partner, title="Salon", date=today),
        "call": make_news(other_partner, title="Appel", date=today, news_type=call),
        "draft": make_news(partner, title="Brouillon", publish=False),
        "archived": make_news(partner, title="Archivée"),
    }
    news_lifecycle.archive(news["archived"], partner_user)
    news["event"].audience_groups.add(engineers)
    news["event"].save_revision().publish()
    news["call"].audience_groups.add(doctors, engineers)
    news["call"].save_revision().publish()
    return {
        "news": news,
        "event_type": news_type,
        "call_type": call,
        "engineers": engineers,
        "doctors": doctors,
        "acme": partner,
        "globex": other_partner,
    }


TITLES = ("Ancienne", "Salon", "Appel", "Brouillon", "Archivée")


def titles(html: str) -> list[str]:
    """Titles of the listed news, in their order."""
    return re.findall(r'<h2 class="card-title"><a [^>]*>([^<]+)</a>', html)


def test_feed_lists_every_partners_live_news_newest_first(client, world):
    html = html_of(client.get("/news/"))
    # Same date: the last published first; then the older date.
    assert titles(html) == ["Appel", "Salon", "Ancienne"]
    assert "Acme" in html and "Globex" in html  # each card names its partner
    assert "3 news" in html or "3 actualités" in html


def test_feed_in_english_lists_the_english_aliases(client, world):
    html = html_of(client.get("/en/news/"))
    assert titles(html) == ["Appel", "Salon", "Ancienne"]
    event = Page.objects.get(
        translation_key=world["news"]["event"].translation_key,
        locale__language_code="en",
    )
    assert f'href="{event.url}"' in html
    assert 'lang="fr" dir="ltr">Salon</a>' in html


def test_feed_filters_by_type(client, world):
    html = html_of(client.get("/news/", {"type": world["call_type"].pk}))
    assert titles(html) == ["Appel"]
    html = html_of(client.get("/en/news/", {"type": world["event_type"].pk}))
    assert titles(html) == ["Salon", "Ancienne"]


def test_feed_filters_by_group(client, world):
    html = html_of(client.get("/news/", {"audience": world["engineers"].pk}))
    assert titles(html) == ["Appel", "Salon"]
    html = html_of(client.get("/news/", {"audience": world["doctors"].pk}))
    assert titles(html) == ["Appel"]


def test_feed_filters_by_partner_and_combines_filters(client, world):
    acme = world["acme"].page.pk
    assert titles(html_of(client.get("/news/", {"partner": acme}))) == [
        "Salon",
        "Ancienne",
    ]
    html = html_of(
        client.get("/news/", {"partner": acme, "audience": world["doctors"].pk})
    )
    assert titles(html) == []
    assert "No news matches your criteria." in html or "Aucune" in html


def test_feed_filter_form_is_labelled_and_keeps_the_choice(client, world):
    html = html_of(client.get("/news/", {"type": world["call_type"].pk}))
    for name in ("type", "audience", "partner"):
        assert f'<label for="id_{name}">' in html
    assert re.search(
        rf'<option value="{world["call_type"].pk}" selected>Appel à projets</option>',
        html,
    )
    assert 'role="search"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"type": "abc"},
        {"type": "99999999"},
        {"audience": "-1"},
        {"partner": "nothing"},
        {"type": "1e9", "audience": "[]", "partner": "99999999999999999999999"},
        {"page": "last-but-one"},
        {"page": "99999"},
    ],
)
def test_invalid_filters_are_reported_not_fatal(client, world, query):
    html = html_of(client.get("/news/", query))
    assert len(titles(html)) in (3,)  # the bad filter is left out
    if set(query) - {"page"}:
        assert 'role="alert"' in html
        assert "does not exist" in html or "n&#x27;existe" in html


def test_a_partner_of_another_locale_is_an_invalid_filter(client, world):
    """Partner ids are the pages of the feed's locale."""
    english_acme = Page.objects.get(
        translation_key=world["acme"].page.translation_key, locale__language_code="en"
    )
    html = html_of(client.get("/news/", {"partner": english_acme.pk}))
    assert 'role="alert"' in html and len(titles(html)) == 3
    html = html_of(client.get("/en/news/", {"partner": english_acme.pk}))
    assert titles(html) == ["Salon", "Ancienne"]


def test_feed_paginates_and_keeps_the_filters(client, world, settings):
    settings.ALUMNI_PARTNER_NEWS_PER_PAGE = 2
    html = html_of(client.get("/news/"))
    assert titles(html) == ["Appel", "Salon"]
    assert 'aria-label="Pagination"' in html or "pagination" in html
    assert "page=2" in html
    assert titles(html_of(client.get("/news/", {"page": 2}))) == ["Ancienne"]

    engineers = world["engineers"].pk
    html = html_of(client.get("/news/", {"audience": engineers}))
    assert "page=2" not in html  # 2 results: one page
    settings.ALUMNI_PARTNER_NEWS_PER_PAGE = 1
    html = html_of(client.get("/news/", {"audience": engineers}))
    assert f"audience={engineers}&amp;page=2" in html
    assert titles(
        html_of(client.get("/news/", {"audience": engineers, "page": 2}))
    ) == ["Salon"]


def test_empty_feed_says_so(client, site_tree):
    html = html_of(client.get("/news/"))
    assert titles(html) == []
    assert "No news matches your criteria." in html or "Aucune" in html


def test_feed_head_links_to_rss_and_atom_with_the_filters(client, world):
    html = html_of(client.get("/news/", {"type": world["call_type"].pk, "bad": "x"}))
    pk = world["call_type"].pk
    assert re.search(
        rf'<link rel="alternate" type="application/rss\+xml" title="[^"]+" '
        rf'href="/news/feed/rss/\?type={pk}">',
        html,
    )
    assert re.search(
        rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
        rf'href="/news/feed/atom/\?type={pk}">',
        html,
    )
    html = html_of(client.get("/en/news/"))
    assert 'href="/en/news/feed/rss/"' in html


def test_arabic_feed_is_right_to_left(client, world):
    html = html_of(client.get("/ar/news/"))
    assert '<html lang="ar" dir="rtl">' in html
    assert titles(html) == ["Appel", "Salon", "Ancienne"]


# --- RSS and Atom ----------------------------------------------------------------


def rss_items(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse_xml(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel").findall("item")


def test_rss_feed_is_valid_and_complete(client, world):
    response = client.get("/news/feed/rss/")
    channel = parse_xml(response.content).find("channel")
    assert channel.findtext("title") == "Actualités"
    assert channel.findtext("link") == "http://testserver/news/"
    assert channel.findtext("language") == "fr"
    items = rss_items(response)
    assert [item.findtext("title") for item in items] == ["Appel", "Salon", "Ancienne"]
    salon = items[1]
    assert salon.findtext("link") == f"http://testserver{world['news']['event'].url}"
    published = parsedate_to_datetime(salon.findtext("pubDate"))
    assert timezone.localdate(published) == world["news"]["event"].date
    assert salon.findtext("category") == "Événement"


def test_rss_description_is_a_plain_text_excerpt(client, partner, make_news):
    publish_partner_page(partner)
    body = [
        (
            "paragraph",
            RichText("<p>Rencontrez <b>vingt</b> recruteurs.</p><p>Lyon</p>"),
        ),
        ("image", {"image": make_image("Affiche"), "caption": "Affiche"}),
    ]
    make_news(partner, title="Salon", body=body)
    (item,) = rss_items(client.get("/news/feed/rss/"))
    # Escaped once for the reader, who reads the description as HTML.
    assert item.findtext("description") == "Rencontrez vingt recruteurs. Lyon"


def test_atom_feed_is_valid_and_filtered(client, world):
    response = client.get("/en/news/feed/atom/", {"type": world["event_type"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Salon", "Ancienne"]
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith("http://testserver/en/partners/acme/")
        assert entry.findtext(f"{ATOM}published")
        assert entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}summary").get("type") == "html"
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == (
        f"http://testserver/en/news/feed/atom/?type={world['event_type'].pk}"
    )


@pytest.mark.parametrize("feed", ["rss", "atom"])
def test_feeds_apply_group_and_partner_filters_and_skip_bad_ones(client, world, feed):
    def feed_titles(query):
        response = client.get(f"/news/feed/{feed}/", query)
        assert response.status_code == 200
        root = parse_xml(response.content)
        if feed == "rss":
            return [i.findtext("title") for i in root.iter("item")]
        return [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]

    assert feed_titles({"audience": world["doctors"].pk}) == ["Appel"]
    assert feed_titles({"partner": world["globex"].page.pk}) == ["Appel"]
    assert feed_titles({"type": "nope", "partner": "x"}) == [
        "Appel",
        "Salon",
        "Ancienne",
    ]


def test_hostile_title_stays_text_in_the_feeds(client, partner, make_news):
    publish_partner_page(partner)
    hostile = f"Salon {SCRIPT}{IMG_ONERROR}"
    make_news(partner, title=hostile)
    html = html_of(client.get("/news/"))
    assert "<script>alert" not in html and "<img src=x" not in html
    rss = client.get("/news/feed/rss/")
    assert b"<script>" not in rss.content and b"<img src" not in rss.content
    (item,) = rss_items(rss)
    # A reader that takes the title as HTML shows the characters, runs nothing.
    assert item.findtext("title") == (
        "Salon &lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;&quot;&gt;"
        "&lt;img src=x onerror=alert(1)&gt;"
    )
    atom = client.get("/news/feed/atom/")
    assert b"<script>" not in atom.content
    entry = parse_xml(atom.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == hostile  # Atom titles are text


# --- Queries ---------------------------------------------------------------------


def queries_of(client, url: str) -> int:
    """Queries of an anonymous GET once warmed up (renditions made, menu cached)."""
    for _ in range(2):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_news(partners, make_news, count: int, start: int = 0) -> None:
    groups = list(AudienceGroup.objects.all())
    for n in range(start, start + count):
        news = make_news(
            partners[n % 2],
            title=f"Nouvelle {n}",
            image=make_image(f"Image {n}", size=(64, 48)),
            body=[("paragraph", RichText(f"<p>Texte {n}</p>"))],
        )
        news.audience_groups.add(*groups)
        news.keywords.add(f"mot{n}")
        news.save_revision().publish()


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("path", ["/news/", "/news/feed/rss/", "/news/feed/atom/"])
def test_feed_queries_do_not_grow_with_the_page_size(
    client, partner, other_partner, make_news, settings, language, path
):
    settings.ALUMNI_PARTNER_NEWS_PER_PAGE = 20
    for p in (partner, other_partner):
        publish_partner_page(p)
    # English labels: the English pages look their vocabulary up.
    english = Locale.objects.get(language_code="en")
    for term in NewsType.objects.all():
        translated = term.copy_for_translation(english)
        translated.name = f"{term.name} (en)"
        translated.save()
    AudienceGroup.objects.create(name="Ingénieurs")
    url = f"{language}{path}"
    add_news([partner, other_partner], make_news, 3)
    three = queries_of(client, url)
    add_news([partner, other_partner], make_news, 9, start=3)
    twelve = queries_of(client, url)
    body = client.get(url).content.decode()
    assert body.count("Nouvelle ") >= 12
    assert three == twelve, (three, twelve)
    if path == "/news/" and language == "/en":
        assert "Événement (en)" in body
