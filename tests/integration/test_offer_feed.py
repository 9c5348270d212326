"""RSS and Atom feeds of the job board (issue 4, item 5), with its filters."""

# Fixtures imported from the board's and the page's tests are arguments here.
# ruff: noqa: F811

from __future__ import annotations

import pytest

from tests.integration.test_isolation_matrix import publish_partner_page
from tests.integration.test_news_feed import ATOM, parse_xml
from tests.integration.test_news_public import IMG_ONERROR, SCRIPT
from tests.integration.test_offer_board import (  # noqa: F401
    ALL,
    BOARD,
    empty_cache,
    html_of,
    world,
)

pytestmark = pytest.mark.django_db


def rss_titles(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse_xml(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return [item.findtext("title") for item in root.iter("item")]


def atom_titles(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response.content)
    assert root.tag == f"{ATOM}feed"
    return [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]


def test_rss_feed_lists_the_live_offers_newest_first(client, world):
    response = client.get(f"{BOARD}feed/rss/")
    assert rss_titles(response) == ALL
    channel = parse_xml(response.content).find("channel")
    assert channel.findtext("link") == f"http://testserver{BOARD}"
    assert channel.findtext("language") == "fr"
    item = channel.find("item")
    internship = world["offers"]["stage"]
    assert item.findtext("link") == f"http://testserver{internship.url}"
    assert item.findtext("pubDate")
    assert [c.text for c in item.findall("category")] == ["Stage"]
    assert "Casablanca" in item.findtext("description")


def test_atom_feed_is_valid_and_filtered(client, world):
    response = client.get(f"/en{BOARD}feed/atom/", {"country": "FR"})
    assert atom_titles(response) == ["Comptable", "Développeur Python"]
    root = parse_xml(response.content)
    for entry in root.findall(f"{ATOM}entry"):
        assert (
            entry.find(f"{ATOM}link")
            .get("href")
            .startswith("http://testserver/en/partners/acme/")
        )
        assert entry.findtext(f"{ATOM}updated")
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"http://testserver/en{BOARD}feed/atom/?country=FR"


@pytest.mark.parametrize("feed", ["rss", "atom"])
def test_feeds_apply_the_boards_filters_and_skip_bad_ones(client, world, feed):
    titles = rss_titles if feed == "rss" else atom_titles

    def listed(query):
        return titles(client.get(f"{BOARD}feed/{feed}/", query))

    assert listed({"q": "python"}) == ["Développeur Python"]
    assert listed({"contract_type": world["cdd"].pk}) == ["Comptable"]
    assert listed({"partner": world["globex"].page.pk}) == ["Stagiaire marketing"]
    assert listed({"contract_type": "nope", "q": "x" * 5000, "page": "z"}) == ALL


def test_board_links_to_its_feeds_with_the_filters(client, world):
    html = html_of(client.get(BOARD, {"country": "FR", "sort": "oldest", "bad": "1"}))
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert f'href="{BOARD}feed/rss/?country=FR"' in html
    assert f'href="{BOARD}feed/atom/?country=FR"' in html
    assert 'type="application/rss+xml">' in html  # the visible link


def test_hostile_title_stays_text_in_the_feeds(client, partner, make_offer):
    publish_partner_page(partner)
    hostile = f"Poste {SCRIPT}{IMG_ONERROR}"
    make_offer(partner, title=hostile)
    rss = client.get(f"{BOARD}feed/rss/")
    assert b"<script>" not in rss.content and b"<img src" not in rss.content
    (title,) = rss_titles(rss)
    assert title == (
        "Poste &lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;&quot;&gt;"
        "&lt;img src=x onerror=alert(1)&gt;"
    )
    atom = client.get(f"{BOARD}feed/atom/")
    assert b"<script>" not in atom.content
    assert atom_titles(atom) == [hostile]
