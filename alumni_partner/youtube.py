"""Offline, private YouTube embeds built from the video id alone.

Partners paste a YouTube link or YouTube's own ``<iframe>`` share code. Neither
is ever rendered: only the 11-character video id is extracted, and a fresh
``youtube-nocookie.com`` iframe is built from it. No network call is made, so
saving a page works offline (Wagtail's ``EmbedBlock.clean`` fetches the embed,
and the default oEmbed finder would need the network even in tests).

Register the finder in settings::

    WAGTAILEMBEDS_FINDERS = [
        {"class": "alumni_partner.youtube.YouTubeNoCookieFinder"},
    ]
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.finders.base import EmbedFinder

__all__ = [
    "EMBED_HEIGHT",
    "EMBED_WIDTH",
    "YouTubeNoCookieFinder",
    "embed_url",
    "extract_video_id",
    "render_iframe",
    "thumbnail_url",
    "watch_url",
]

EMBED_WIDTH = 560
EMBED_HEIGHT = 315

VIDEO_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")

# Longer input is not a share link or share code; refusing it early keeps the
# HTML parser from chewing on pasted pages.
_MAX_INPUT_LENGTH = 4096

# Exact host names (after lower-casing, with port and user info removed by
# urlsplit): a suffix test would let "evilyoutube.com" through.
_WATCH_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
)
_SHORT_HOSTS = frozenset({"youtu.be", "www.youtu.be"})
_NOCOOKIE_HOSTS = frozenset({"youtube-nocookie.com", "www.youtube-nocookie.com"})

# Path prefixes under which youtube.com puts the id as the next segment.
_ID_PATH_PREFIXES = ("embed", "shorts", "live")

_SCHEMELESS_RE = re.compile(
    r"^(?:www\.|m\.|music\.)?(?:youtube\.com|youtu\.be|youtube-nocookie\.com)/",
    re.IGNORECASE,
)

_IFRAME_ALLOW = "accelerometer; encrypted-media; gyroscope; picture-in-picture"


class _IframeSrcParser(HTMLParser):
    """Collect the ``src`` of the first ``<iframe>`` of a pasted share code.

    html.parser only tokenises: nothing from the pasted markup is kept except
    the one attribute value, which is then validated like any typed URL.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.src: str | None = None
        self.found_iframe = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "iframe" or self.found_iframe:
            return
        self.found_iframe = True
        for name, value in attrs:
            if name == "src" and value:
                self.src = value
                return

    handle_startendtag = handle_starttag


def _src_from_iframe(markup: str) -> str | None:
    parser = _IframeSrcParser()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup simply yields no id
        return None
    return parser.src


def _id_from_url(url: str) -> str | None:
    # Whitespace or control characters inside a URL are never part of a real
    # share link, and urlsplit silently drops some of them.
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return None
    if url.startswith("//"):
        url = "https:" + url
    elif _SCHEMELESS_RE.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    segments = [segment for segment in parts.path.split("/") if segment]

    candidate: str | None = None
    if host in _SHORT_HOSTS:
        if len(segments) == 1:
            candidate = segments[0]
    elif host in _NOCOOKIE_HOSTS:
        if len(segments) == 2 and segments[0] == "embed":
            candidate = segments[1]
    elif host in _WATCH_HOSTS:
        if segments == ["watch"]:
            values = parse_qs(parts.query).get("v", [])
            # Two different ids in one link is ambiguous: refuse it.
            if len(set(values)) == 1:
                candidate = values[0]
        elif len(segments) == 2 and segments[0] in _ID_PATH_PREFIXES:
            candidate = segments[1]

    if candidate is not None and VIDEO_ID_RE.match(candidate):
        return candidate
    return None


def extract_video_id(value: str) -> str | None:
    """Return the YouTube video id found in ``value``, or ``None``.

    Accepted: ``youtube.com/watch?v=ID`` (also ``m.``, ``music.`` and
    ``www.``), ``youtu.be/ID``, ``youtube.com/embed|shorts|live/ID``,
    ``youtube-nocookie.com/embed/ID``, with or without extra query parameters,
    and YouTube's ``<iframe ... src="...">`` share code. The id must match
    ``^[A-Za-z0-9_-]{11}$``. Anything else (other hosts, other schemes such as
    ``javascript:``, malformed ids) gives ``None``.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > _MAX_INPUT_LENGTH:
        return None
    if "<" in value:
        # Markup can only be a share code; a bare "<" is never part of a URL.
        src = _src_from_iframe(value)
        if src is None:
            return None
        value = src.strip()
    return _id_from_url(value)


def _checked_id(video_id: str) -> str:
    # The id ends up in URLs and HTML: refuse anything that is not an id
    # rather than relying on escaping alone.
    if not isinstance(video_id, str) or not VIDEO_ID_RE.match(video_id):
        raise ValueError(f"Not a YouTube video id: {video_id!r}")
    return video_id


def embed_url(video_id: str) -> str:
    """Return the privacy-enhanced embed URL for ``video_id``."""
    return f"https://www.youtube-nocookie.com/embed/{_checked_id(video_id)}"


def watch_url(video_id: str) -> str:
    """Return the canonical YouTube watch URL for ``video_id``."""
    return f"https://www.youtube.com/watch?v={_checked_id(video_id)}"


def thumbnail_url(video_id: str) -> str:
    """Return the URL of YouTube's high-quality thumbnail for ``video_id``."""
    return f"https://i.ytimg.com/vi/{_checked_id(video_id)}/hqdefault.jpg"


def render_iframe(video_id: str, title: str = "") -> str:
    """Return the escaped HTML of a youtube-nocookie iframe for ``video_id``.

    ``title`` labels the frame for screen readers (an iframe needs one);
    it defaults to the translated "YouTube video". Raises ``ValueError`` if
    ``video_id`` is not a valid id. The result is a ``SafeString``.
    """
    return format_html(
        '<div class="video-embed"><iframe width="{}" height="{}" src="{}" '
        'title="{}" loading="lazy" allow="{}" '
        'referrerpolicy="strict-origin-when-cross-origin" allowfullscreen>'
        "</iframe></div>",
        EMBED_WIDTH,
        EMBED_HEIGHT,
        embed_url(video_id),
        title or _("YouTube video"),
        _IFRAME_ALLOW,
    )


class YouTubeNoCookieFinder(EmbedFinder):
    """Wagtail embed finder for YouTube that works offline.

    It accepts every URL (or pasted share code) :func:`extract_video_id`
    understands and answers from the id alone, without any network call.
    Title and author stay empty: they would need YouTube's oEmbed endpoint.
    """

    def __init__(self, **options: Any) -> None:
        # Wagtail passes the WAGTAILEMBEDS_FINDERS entry's extra keys here;
        # none are needed, but accepting them keeps a config typo harmless.
        self.options = options

    def accept(self, url: str) -> bool:
        """Return whether ``url`` is a YouTube video this finder can embed."""
        return extract_video_id(url) is not None

    def find_embed(
        self,
        url: str,
        max_width: int | None = None,
        max_height: int | None = None,
    ) -> dict[str, Any]:
        """Return Wagtail's embed dict for ``url``, built offline.

        ``max_width`` and ``max_height`` are ignored: the iframe has a fixed
        560×315 size and is made responsive by the ``video-embed`` CSS.
        Raises ``EmbedNotFoundException`` if ``url`` is not a YouTube video.
        """
        video_id = extract_video_id(url)
        if video_id is None:
            raise EmbedNotFoundException
        return {
            "title": "",
            "author_name": "",
            "provider_name": "YouTube",
            "type": "video",
            "thumbnail_url": thumbnail_url(video_id),
            "width": EMBED_WIDTH,
            "height": EMBED_HEIGHT,
            "html": str(render_iframe(video_id)),
        }


embed_finder_class = YouTubeNoCookieFinder
