"""Tests of alumni_partner.youtube: id extraction, iframe rendering, the finder.

All offline: the finder is also checked not to open any socket.
"""

from __future__ import annotations

import socket
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.finders import import_finder_class

from alumni_partner.youtube import (
    YouTubeNoCookieFinder,
    embed_url,
    extract_video_id,
    render_iframe,
    watch_url,
)

# The default iframe title is a lazy translation: rendering it needs Django
# settings (pytest-django provides them in the project's test runs).
needs_settings = pytest.mark.skipif(
    not settings.configured, reason="the default title needs Django settings"
)

VID = "dQw4w9WgXcQ"
VID2 = "a-B_c1D2e3F"
# YouTube's "Share > Embed" code, as copied from the site.
SHARE_CODE = (
    f'<iframe width="560" height="315" src="https://www.youtube.com/embed/{VID}'
    '?si=Zx9kL0pQ-abc123" title="YouTube video player" frameborder="0" '
    'allow="accelerometer; autoplay; clipboard-write; encrypted-media; '
    'gyroscope; picture-in-picture; web-share" '
    'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>'
)


# -- extract_video_id: accepted forms ------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        f"https://www.youtube.com/watch?v={VID}",
        f"https://youtube.com/watch?v={VID}",
        f"http://www.youtube.com/watch?v={VID}",
        f"https://m.youtube.com/watch?v={VID}",
        f"https://music.youtube.com/watch?v={VID}",
        f"https://www.youtube.com/watch?v={VID}&t=42s",
        f"https://www.youtube.com/watch?feature=share&v={VID}&list=PL123",
        f"https://www.youtube.com/watch?v={VID}#t=1m",
        f"https://www.youtube.com/watch/?v={VID}",
        f"https://WWW.YouTube.COM/watch?v={VID}",
        f"https://www.youtube.com:443/watch?v={VID}",
        f"https://youtu.be/{VID}",
        f"https://youtu.be/{VID}?si=AbCdEf123&t=10",
        f"https://www.youtube.com/embed/{VID}",
        f"https://www.youtube.com/embed/{VID}?start=10&rel=0",
        f"https://www.youtube-nocookie.com/embed/{VID}",
        f"https://youtube-nocookie.com/embed/{VID}?autoplay=1",
        f"https://www.youtube.com/shorts/{VID}",
        f"https://youtube.com/shorts/{VID}?feature=share",
        f"https://www.youtube.com/live/{VID}",
        f"https://www.youtube.com/live/{VID}?si=xyz",
        f"  https://youtu.be/{VID}\n",
        f"youtube.com/watch?v={VID}",
        f"www.youtube.com/watch?v={VID}",
        f"youtu.be/{VID}",
        f"//www.youtube.com/embed/{VID}",
    ],
)
def test_extract_video_id_from_urls(value: str) -> None:
    assert extract_video_id(value) == VID


def test_extract_video_id_accepts_all_id_characters() -> None:
    assert extract_video_id(f"https://youtu.be/{VID2}") == VID2


@pytest.mark.parametrize(
    "snippet",
    [
        SHARE_CODE,
        f'<iframe src="https://www.youtube-nocookie.com/embed/{VID}"></iframe>',
        f"<IFRAME SRC='https://www.youtube.com/embed/{VID}?a=1&amp;b=2'></IFRAME>",
        f'<iframe src="//www.youtube.com/embed/{VID}" />',
        f'  <div class="wrap"><iframe src="https://youtu.be/{VID}"></iframe></div>',
        f'<iframe\nsrc="https://www.youtube.com/embed/{VID}"\nallowfullscreen>',
    ],
)
def test_extract_video_id_from_iframe_share_code(snippet: str) -> None:
    assert extract_video_id(snippet) == VID


# -- extract_video_id: refused forms -------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        VID,  # a bare id is not a link
        f"https://vimeo.com/{VID}",
        "https://vimeo.com/76979871",
        f"https://player.vimeo.com/video/{VID}",
        f"https://evil.com/embed/{VID}",
        f"https://evil.com/watch?v={VID}",
        f"https://youtube.com.evil.com/watch?v={VID}",
        f"https://evilyoutube.com/watch?v={VID}",
        f"https://notyoutu.be/{VID}",
        f"https://www.youtube.com@evil.com/embed/{VID}",
        f"https://evil.com/#https://www.youtube.com/embed/{VID}",
        f"https://evil.com/?u=https://www.youtube.com/watch?v={VID}",
        f"javascript:alert(1)//https://www.youtube.com/watch?v={VID}",
        f"JaVaScRiPt://www.youtube.com/watch?v={VID}",
        f"data:text/html,https://www.youtube.com/watch?v={VID}",
        f"ftp://www.youtube.com/watch?v={VID}",
        f"file:///www.youtube.com/embed/{VID}",
        "https://www.youtube.com/watch?v=dQw4w9WgXc",  # 10 characters
        "https://www.youtube.com/watch?v=dQw4w9WgXcQQ",  # 12 characters
        "https://www.youtube.com/watch?v=dQw4w9WgX.Q",
        f'https://www.youtube.com/embed/{VID}"onload="alert(1)',
        f"https://www.youtube.com/embed/{VID}%22onload%3Dalert(1)",
        f"https://www.youtube.com/embed/{VID}/extra",
        f"https://www.youtube.com/watch?v={VID}&v={VID2}",
        f"https://www.youtube.com/watch?list={VID}",
        f"https://www.youtube.com/{VID}",
        f"https://www.youtube.com/channel/{VID}",
        f"https://www.youtube.com/playlist?list={VID}",
        f"https://youtu.be/{VID}/more",
        f"https://youtu.be/watch?v={VID}",
        f"https://www.youtube-nocookie.com/watch?v={VID}",
        f"https://www.you tube.com/watch?v={VID}",
        f"https://www.youtube.com/watch?v={VID} https://evil.com",
        f"https://www.youtube.com/watch\x00?v={VID}",
        "https://[::1/watch?v=" + VID,
        "https://www.youtube.com/watch?v=" + VID + "&x=" + "a" * 5000,
    ],
)
def test_extract_video_id_refuses_other_input(value: str) -> None:
    assert extract_video_id(value) is None


@pytest.mark.parametrize(
    "snippet",
    [
        f'<iframe src="https://evil.com/embed/{VID}"></iframe>',
        f'<iframe src="https://player.vimeo.com/video/{VID}"></iframe>',
        f'<iframe src="javascript:alert(1)//youtube.com/embed/{VID}"></iframe>',
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        f'<iframe data-src="https://www.youtube.com/embed/{VID}"></iframe>',
        # A browser uses the first src: so do we.
        f'<iframe src="https://evil.com/x" src="https://www.youtube.com/embed/{VID}">',
        f'<script src="https://www.youtube.com/embed/{VID}"></script>',
        f'<img src="https://www.youtube.com/embed/{VID}" onerror="alert(1)">',
        f'<a href="https://www.youtube.com/watch?v={VID}">video</a>',
        f'<iframe src="https://evil.com/"></iframe><iframe src="https://youtu.be/{VID}">',
        f"<iframe src=https://www.youtube.com/embed/{VID}<script>",
        "<iframe>",
        "<",
        "<<<<>>>>",
    ],
)
def test_extract_video_id_refuses_other_markup(snippet: str) -> None:
    assert extract_video_id(snippet) is None


@pytest.mark.parametrize("value", [None, 42, b"https://youtu.be/dQw4w9WgXcQ"])
def test_extract_video_id_refuses_non_text(value: object) -> None:
    assert extract_video_id(value) is None  # type: ignore[arg-type]


# -- URLs -------------------------------------------------------------------------


def test_embed_and_watch_urls() -> None:
    assert embed_url(VID) == f"https://www.youtube-nocookie.com/embed/{VID}"
    assert watch_url(VID) == f"https://www.youtube.com/watch?v={VID}"


@pytest.mark.parametrize(
    "bad_id", ["", "short", f"{VID}x", 'dQw4w9Wg"><', "../../etc/pa", None]
)
def test_url_builders_refuse_invalid_ids(bad_id: object) -> None:
    for build in (embed_url, watch_url, render_iframe):
        with pytest.raises(ValueError):
            build(bad_id)  # type: ignore[arg-type]


# -- render_iframe ------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser.tags


def test_render_iframe_attributes() -> None:
    tags = _parse(render_iframe(VID, title="Our 2025 gala"))
    assert [tag for tag, _attrs in tags] == ["div", "iframe"]
    assert tags[0][1] == {"class": "video-embed"}
    assert tags[1][1] == {
        "width": "560",
        "height": "315",
        "src": f"https://www.youtube-nocookie.com/embed/{VID}",
        "title": "Our 2025 gala",
        "loading": "lazy",
        "allow": "accelerometer; encrypted-media; gyroscope; picture-in-picture",
        "referrerpolicy": "strict-origin-when-cross-origin",
        "allowfullscreen": None,
    }


@needs_settings
def test_render_iframe_wraps_in_div_and_closes_tags() -> None:
    markup = str(render_iframe(VID))
    assert markup.startswith('<div class="video-embed"><iframe ')
    assert markup.endswith("></iframe></div>")


@needs_settings
def test_render_iframe_default_title_is_translatable() -> None:
    tags = _parse(render_iframe(VID))
    title = tags[1][1]["title"]
    assert title
    assert title == str(_("YouTube video"))


@pytest.mark.parametrize(
    "title",
    [
        '"><script>alert(1)</script>',
        "' onload='alert(1)",
        "</iframe><img src=x onerror=alert(1)>",
        "&quot; onload=&quot;alert(1)",
    ],
)
def test_render_iframe_escapes_title(title: str) -> None:
    markup = str(render_iframe(VID, title=title))
    tags = _parse(markup)
    assert [tag for tag, _attrs in tags] == ["div", "iframe"]
    assert tags[1][1]["title"] == title
    assert "onload" not in {name for _tag, attrs in tags for name in attrs}
    assert "<script" not in markup


# -- the Wagtail finder -----------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_finder_is_importable_the_way_wagtail_imports_it() -> None:
    assert import_finder_class("alumni_partner.youtube") is YouTubeNoCookieFinder
    assert (
        import_finder_class("alumni_partner.youtube.YouTubeNoCookieFinder")
        is YouTubeNoCookieFinder
    )


def test_finder_accepts_extra_options() -> None:
    # Wagtail passes a WAGTAILEMBEDS_FINDERS entry's other keys as kwargs.
    finder = YouTubeNoCookieFinder(providers=None, options={"x": 1})
    assert finder.accept(f"https://youtu.be/{VID}")


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        (f"https://www.youtube.com/watch?v={VID}", True),
        (f"https://youtu.be/{VID}", True),
        (f'<iframe src="https://www.youtube.com/embed/{VID}"></iframe>', True),
        ("https://vimeo.com/76979871", False),
        (f"https://evil.com/embed/{VID}", False),
        ("javascript:alert(1)", False),
    ],
)
def test_finder_accept(url: str, accepted: bool) -> None:
    assert YouTubeNoCookieFinder().accept(url) is accepted


@needs_settings
def test_finder_find_embed_offline(no_network: None) -> None:
    finder = YouTubeNoCookieFinder()
    url = f"https://www.youtube.com/watch?v={VID}&t=3"
    embed = finder.find_embed(url, max_width=800, max_height=600)
    assert embed == {
        "title": "",
        "author_name": "",
        "provider_name": "YouTube",
        "type": "video",
        "thumbnail_url": f"https://i.ytimg.com/vi/{VID}/hqdefault.jpg",
        "width": 560,
        "height": 315,
        "html": str(render_iframe(VID)),
    }


@needs_settings
def test_finder_html_never_contains_pasted_markup(no_network: None) -> None:
    pasted = (
        f'<iframe src="https://www.youtube.com/embed/{VID}?si=x" '
        'onload="alert(1)" style="position:fixed" data-x="<script>"></iframe>'
        "<script>alert(2)</script>"
    )
    embed = YouTubeNoCookieFinder().find_embed(pasted)
    assert embed["html"] == str(render_iframe(VID))
    assert "onload" not in embed["html"]
    assert "script" not in embed["html"]
    assert "youtube.com/embed" not in embed["html"]


def test_finder_find_embed_refuses_other_urls(no_network: None) -> None:
    with pytest.raises(EmbedNotFoundException):
        YouTubeNoCookieFinder().find_embed("https://vimeo.com/76979871")
