"""A mailing's message as every copy carries it: sanitised HTML and plain text.

The partner's rich text is expanded from Wagtail's database format, passed
through the plugin's one HTML policy (:func:`alumni_partner.sanitize.clean_html`),
its links made absolute (a page chosen in the editor has a relative URL), and
its lines kept short. Merge fields are left as typed: the renderer fills them.
"""

from __future__ import annotations

import re
import textwrap
from urllib.parse import urljoin

from wagtail.rich_text import expand_db_html

from ..sanitize import clean_html
from .plain_text import html_to_text

# Django re-encodes every copy's text as quoted-printable (slow, pure Python)
# when a line is longer than 998 bytes: break lines once, between words.
_HTML_LINE_CHARS = 200
_TEXT_WIDTH = 76
_BLOCK_END_RE = re.compile(r"(</(?:p|li|ul|ol|h2|h3|h4|blockquote)>|<br>)")
_TAG_RE = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
_HREF_RE = re.compile(r"""(\shref=)(["'])(.*?)\2""")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_TEXT_PREFIX_RE = re.compile(r"^((?:> )*)( *(?:- |\d+\. )?)")


def message_body(rich_text: str | None, base_url: str) -> tuple[str, str]:
    """``(html, text)`` of a mailing's message, links absolute on ``base_url``."""
    html = clean_html(expand_db_html(rich_text or ""))
    html = _absolute_links(html, base_url.rstrip("/"))
    return _wrap_html(html), _wrap_text(html_to_text(html))


def _absolute_links(body: str, base_url: str) -> str:
    """Relative links (a page chosen in the editor) made absolute on the site."""

    def absolute(match: re.Match) -> str:
        href = match[3]
        if href.startswith("#") or _SCHEME_RE.match(href):
            return match[0]
        return f"{match[1]}{match[2]}{urljoin(base_url + '/', href)}{match[2]}"

    return _HREF_RE.sub(absolute, body)


def _wrap_html(body: str) -> str:
    """Short lines: a newline after each block, long text broken between words."""
    lines = []
    for line in _BLOCK_END_RE.sub(r"\1\n", body).split("\n"):
        if len(line) > _HTML_LINE_CHARS:
            line = _wrap_html_line(line)
        lines.append(line)
    return "\n".join(lines)


def _wrap_html_line(line: str) -> str:
    # Only spaces in text are replaced (never inside a tag or an attribute),
    # and a newline there means the same as the space it replaces.
    pieces, length = [], 0
    for index, piece in enumerate(_TAG_RE.split(line)):
        if index % 2 == 0 and length + len(piece) > _HTML_LINE_CHARS:
            words = piece.split(" ")
            piece, length = words[0], length + len(words[0])
            for word in words[1:]:
                if length + 1 + len(word) > _HTML_LINE_CHARS:
                    piece, length = f"{piece}\n{word}", len(word)
                else:
                    piece, length = f"{piece} {word}", length + 1 + len(word)
        elif "\n" not in piece:
            length += len(piece)
        pieces.append(piece)
    return "".join(pieces)


def _wrap_text(text: str) -> str:
    """Plain text wrapped at 76 columns, quotes and list items keeping their indent."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= _TEXT_WIDTH:
            lines.append(line)
            continue
        quote, bullet = _TEXT_PREFIX_RE.match(line).groups()
        lines.extend(
            textwrap.wrap(
                line,
                width=_TEXT_WIDTH,
                subsequent_indent=quote + " " * len(bullet),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)
