"""The one HTML policy for user content that Wagtail's editor did not produce.

Pasted snippets, mailing bodies, messages and profile bios all go through this
module, and nothing else in the plugin imports ``bleach``. bleach 6.4 is its
last release (no further security fixes), so keeping every use here means the
policy can move to another engine by rewriting one file, with the hostile-input
tests in ``tests/unit/test_sanitize.py`` as the contract.

Public API:

- :func:`clean_html` for HTML that must stay HTML (a small formatting subset);
- :func:`linkify_text` for plain text shown as HTML (escaped, links, line breaks);
- :func:`strip_control_characters` for any text before it is stored.

The functions return plain ``str``; callers decide where to ``mark_safe``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

from bleach.html5lib_shim import Filter
from bleach.linkifier import Linker
from bleach.sanitizer import Cleaner

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_PROTOCOLS",
    "ALLOWED_TAGS",
    "clean_html",
    "linkify_text",
    "strip_control_characters",
]

# Known bleach bypasses need svg, math, noscript, style or another raw-text
# element in the allow-list (or comments kept): none of them may ever be added.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "ul",
        "ol",
        "li",
        "a",
        "blockquote",
        "h2",
        "h3",
        "h4",
    }
)

# No "style" anywhere: without a CSS sanitizer it is an injection channel, and
# no event handler or src-like attribute is needed by the tags above.
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {"a": ["href", "title", "target", "rel"]}

ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})

# Link types that are safe to keep from user input. "opener" in particular is
# dropped: it would re-enable window.opener on a link that opens a new window.
_ALLOWED_REL_VALUES: frozenset[str] = frozenset(
    {"nofollow", "noopener", "noreferrer", "ugc", "sponsored", "external"}
)

# Named frames could let a link drive another window of the site; only the two
# keywords with an obvious meaning are kept.
_ALLOWED_TARGETS: frozenset[str] = frozenset({"_blank", "_self"})

_HREF = (None, "href")
_REL = (None, "rel")
_TARGET = (None, "target")

# C0 controls except \t and \n (\r is handled by newline normalisation), DEL,
# and C1 controls. NUL and C1 characters have been used for parser-differential
# tricks, and none of them has a visible meaning in a form field.
_CONTROL_CHARACTERS_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control_characters(text: str) -> str:
    """Return ``text`` without C0/C1 control characters, keeping ``\\n`` and ``\\t``.

    Line endings are normalised first (``\\r\\n`` and a lone ``\\r`` become
    ``\\n``), because browsers submit textarea content with ``\\r\\n`` and simply
    deleting the ``\\r`` of an old Mac line ending would glue two lines together.
    DEL (U+007F) is removed along with the C0 and C1 ranges.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS_RE.sub("", text)


def _merge_rel(current: str, required: tuple[str, ...] = ()) -> str:
    """Keep the known-safe rel tokens of ``current`` and add ``required`` ones."""
    tokens: list[str] = []
    for token in [*current.lower().split(), *required]:
        if token in _ALLOWED_REL_VALUES and token not in tokens:
            tokens.append(token)
    return " ".join(tokens)


class _LinkAttributesFilter(Filter):
    """html5lib filter that normalises ``target`` and ``rel`` on ``<a>`` tags.

    It runs after bleach's sanitizer, so it only ever sees allowed attributes;
    its job is the part an allow-list cannot express: a link opening a new
    window must not hand the opened page a reference to ours.
    """

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                token["data"] = self._fix_attributes(dict(token["data"]))
            yield token

    @staticmethod
    def _fix_attributes(attrs: dict[tuple[str | None, str], str]) -> dict:
        target = attrs.get(_TARGET, "").strip().lower()
        if target not in _ALLOWED_TARGETS:
            attrs.pop(_TARGET, None)
            target = ""
        else:
            attrs[_TARGET] = target
        required = ("noopener", "noreferrer") if target == "_blank" else ()
        rel = _merge_rel(attrs.get(_REL, ""), required)
        if rel:
            attrs[_REL] = rel
        else:
            attrs.pop(_REL, None)
        return attrs


def _linkify_callback(
    attrs: dict[Any, str], new: bool = False
) -> dict[Any, str] | None:
    """Linker callback: keep only explicit web links and e-mail addresses.

    bleach also links bare domain names, which turns "notes.py" or "v1.2.ms"
    into links; only text starting with http(s):// or www. (or an address,
    which becomes mailto:) is worth a link in a message.
    """
    if not new:
        return attrs
    href = attrs.get(_HREF, "").lower()
    text = str(attrs.get("_text", "")).lower()
    is_email = href.startswith("mailto:")
    is_web = href.startswith(("http://", "https://")) and text.startswith(
        ("http://", "https://", "www.")
    )
    if not (is_email or is_web):
        return None
    attrs[_REL] = "nofollow noopener noreferrer"
    return attrs


# bleach's Cleaner and Linker keep parser state and are documented as not
# thread-safe, while building them costs more than a typical clean: keep one
# per thread.
_local = threading.local()


def _cleaner() -> Cleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_LinkAttributesFilter],
        )
        _local.cleaner = cleaner
    return cleaner


def _linker() -> Linker:
    linker = getattr(_local, "linker", None)
    if linker is None:
        # No recognised tags: the input is already escaped text, so any markup
        # left in it must stay text.
        linker = Linker(
            callbacks=[_linkify_callback],
            parse_email=True,
            recognized_tags=frozenset(),
        )
        _local.linker = linker
    return linker


def clean_html(html: str) -> str:
    """Sanitise user HTML to the plugin's small formatting subset.

    Allowed: ``p br strong b em i u s ul ol li a blockquote h2 h3 h4``; on
    ``<a>`` only ``href`` (http, https, mailto or relative), ``title``,
    ``target`` (``_blank`` or ``_self``) and ``rel``. Other tags are removed
    but their text is kept (escaped); comments are removed. A link opening a
    new window always gets ``rel="noopener noreferrer"``.

    The result is a ``str`` that is safe to mark safe; it is not marked here.
    """
    if not html:
        return ""
    return _cleaner().clean(strip_control_characters(html))


def linkify_text(text: str) -> str:
    """Turn plain text into HTML: escaped, with links and ``<br>`` line breaks.

    Text starting with ``http://``, ``https://`` or ``www.`` and e-mail
    addresses become links with ``rel="nofollow noopener noreferrer"``. Every
    other character is escaped, so HTML typed by the user shows as text.

    The result is a ``str`` that is safe to mark safe; it is not marked here.
    """
    if not text:
        return ""
    # html.escape-style escaping before linkify: the Linker then never sees a
    # tag, and entities typed by the user ("&lt;") stay visible as typed.
    escaped = (
        strip_control_characters(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )
    linked = _linker().linkify(escaped)
    # After linkify, a newline can only be in text (URLs never contain one).
    return linked.replace("\n", "<br>\n")
