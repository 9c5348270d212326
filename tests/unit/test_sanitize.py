"""Tests of alumni_partner.sanitize, the one HTML policy, with hostile input.

Besides exact expectations on benign input, every hostile payload is checked
structurally: the output is re-parsed and may only contain allowed tags,
allowed attributes and links with an allowed scheme. That check does not
depend on bleach, so it stays valid if the policy moves to another engine.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from alumni_partner.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    clean_html,
    linkify_text,
    strip_control_characters,
)

SAFE_SCHEMES = {"http", "https", "mailto"}
DANGEROUS_MARKERS = (
    "<script",
    "<svg",
    "<math",
    "<style",
    "<iframe",
    "<noscript",
    "<img",
    "<object",
    "<embed",
    "<form",
    "<base",
    "<meta",
    "<link",
    "<template",
    "<!--",
    "style=",
    "onerror",
    "onclick",
    "onload",
    "onmouseover",
    "onbegin",
    "srcdoc",
    "xlink:href",
)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def _scheme(href: str) -> str | None:
    # What a browser would see: ``href`` comes from HTMLParser, so entities
    # are already decoded (once, as a browser does); control characters and
    # whitespace are dropped, then the scheme is what precedes the first ":"
    # if no "/", "?" or "#" comes before it.
    value = re.sub(r"[\x00-\x20\x7f]", "", href).lower()
    match = re.match(r"^([^/?#]*?):", value)
    return match.group(1) if match else None


def assert_structurally_safe(
    output: str,
    tags: frozenset[str] | set[str] = ALLOWED_TAGS,
    attributes: dict[str, list[str]] | None = None,
    markers: tuple[str, ...] = DANGEROUS_MARKERS,
) -> None:
    """Assert ``output`` holds only allowed tags, attributes and link schemes.

    ``markers`` are substrings that must not appear at all; for escaped plain
    text (linkify) only markers starting with "<" make sense, since words
    such as "onload" may legitimately show as text.
    """
    attributes = ALLOWED_ATTRIBUTES if attributes is None else attributes
    parser = _Collector()
    parser.feed(output)
    parser.close()
    assert not parser.comments, output
    for tag, attrs in parser.tags:
        assert tag in tags, (tag, output)
        for name, value in attrs:
            assert name in attributes.get(tag, []), (tag, name, output)
            squeezed = re.sub(r"[\x00-\x20]", "", (value or "").lower())
            assert "javascript:" not in squeezed, (tag, name, output)
            if name == "href" and value is not None:
                scheme = _scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, (value, output)
            if name == "target":
                assert value in ("_blank", "_self"), output
    lowered = output.lower()
    for marker in markers:
        assert marker not in lowered, (marker, output)


# -- clean_html: benign input -------------------------------------------------

LISTS = (
    "<ul><li><b>a</b></li></ul><ol><li><i>b</i> <em>c</em> <u>d</u> <s>e</s></li></ol>"
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", ""),
        ("plain text", "plain text"),
        ("<p>Hello <strong>world</strong></p>", "<p>Hello <strong>world</strong></p>"),
        (
            "<h2>T</h2><h3>U</h3><h4>V</h4><blockquote>q</blockquote>",
            "<h2>T</h2><h3>U</h3><h4>V</h4><blockquote>q</blockquote>",
        ),
        (
            LISTS,
            LISTS,
        ),
        ("line<br>break", "line<br>break"),
        (
            '<a href="https://example.org/a?b=1&amp;c=2" title="T">x</a>',
            '<a href="https://example.org/a?b=1&amp;c=2" title="T">x</a>',
        ),
        (
            '<a href="mailto:a@example.org">m</a>',
            '<a href="mailto:a@example.org">m</a>',
        ),
        ('<a href="/relative/path">r</a>', '<a href="/relative/path">r</a>'),
        ("5 &lt; 6 &amp; 7 &gt; 3", "5 &lt; 6 &amp; 7 &gt; 3"),
        ("Café – naïve 東京 ✓", "Café – naïve 東京 ✓"),
    ],
)
def test_clean_html_keeps_allowed_markup(source: str, expected: str) -> None:
    assert clean_html(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<div><span>text</span></div>", "text"),
        ("<h1>Title</h1>", "Title"),
        ("<table><tr><td>cell</td></tr></table>", "cell"),
        ("<font color=red>red</font>", "red"),
    ],
)
def test_clean_html_strips_disallowed_tags_but_keeps_text(
    source: str, expected: str
) -> None:
    assert clean_html(source) == expected


def test_clean_html_escapes_stray_angle_brackets() -> None:
    assert clean_html("a < b > c") == "a &lt; b &gt; c"


# -- clean_html: links opening a new window ----------------------------------


def test_target_blank_gets_noopener_noreferrer() -> None:
    out = clean_html('<a href="https://example.org" target="_blank">x</a>')
    assert out == (
        '<a href="https://example.org" target="_blank" rel="noopener noreferrer">x</a>'
    )


def test_target_blank_keeps_safe_rel_values_and_adds_missing_ones() -> None:
    out = clean_html(
        '<a href="https://example.org" target="_blank" rel="nofollow noopener">x</a>'
    )
    assert 'rel="nofollow noopener noreferrer"' in out


def test_target_keyword_is_normalised() -> None:
    out = clean_html('<a href="https://example.org" target=" _BLANK ">x</a>')
    assert 'target="_blank"' in out
    assert 'rel="noopener noreferrer"' in out


def test_rel_opener_cannot_undo_noopener() -> None:
    out = clean_html('<a href="https://e.org" target="_blank" rel="opener">x</a>')
    rel = re.search(r'rel="([^"]*)"', out)
    assert rel is not None
    assert rel.group(1).split() == ["noopener", "noreferrer"]


def test_unknown_rel_values_are_dropped() -> None:
    out = clean_html('<a href="https://e.org" rel="opener stylesheet">x</a>')
    assert out == '<a href="https://e.org">x</a>'


@pytest.mark.parametrize("target", ["evil_frame", "_top", "_parent", "javascript:x"])
def test_other_targets_are_dropped(target: str) -> None:
    out = clean_html(f'<a href="https://e.org" target="{target}">x</a>')
    assert out == '<a href="https://e.org">x</a>'


def test_target_self_is_kept_without_rel() -> None:
    out = clean_html('<a href="https://e.org" target="_self">x</a>')
    assert out == '<a href="https://e.org" target="_self">x</a>'


def test_target_blank_on_mailto_link_also_gets_rel() -> None:
    out = clean_html('<a href="mailto:a@b.org" target="_blank">x</a>')
    assert 'rel="noopener noreferrer"' in out


# -- clean_html: hostile input -----------------------------------------------

HOSTILE_HTML = [
    # Scripts, plain and obfuscated.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<p <script>alert(1)</script>>x</p>",
    '<script type="text/template"><img src=x onerror=alert(1)></script>',
    # javascript: links, with case, entities, whitespace and control chars.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">x</a>',
    '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    '<a href="javas&#99;ript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="javascript:alert(1)" target="_blank">x</a>',
    "<a href=javascript:alert(1)>x</a>",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="livescript:alert(1)">x</a>',
    # data: URIs.
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,x">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    # Event handlers and style.
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">x</p>',
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "<b onmouseover=alert(1)>x</b>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p STYLE="x:expression(alert(1))">x</p>',
    "<style>@import 'https://evil.example/x.css';</style>x",
    '<body onload="alert(1)">x</body>',
    # SVG and MathML.
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    '<math href="javascript:alert(1)">CLICK</math>',
    (
        "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x"
        "</maction></math>"
    ),
    # Frames, objects and friends.
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    "<plaintext><script>alert(1)</script>",
    # Comments and conditional comments.
    "<!--<script>-->alert(1)",
    "<!--<script>alert(1)</script>-->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--><script>alert(1)</script>-->",
    # Mutation-XSS classics (parser differentials between sanitiser and browser).
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    (
        '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;'
        '/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">'
    ),
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    (
        '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea>'
        '<img onerror=alert(1) src=1>">'
    ),
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<a><table><a>x</table></a>",
    '<p title="&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</p>',
    (
        '<a href="https://ok.example" title="&quot;&gt;&lt;script&gt;alert(1)'
        '&lt;/script&gt;">x</a>'
    ),
    '<a title="x" href="https://ok.example"\x00onclick="alert(1)">x</a>',
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
]


@pytest.mark.parametrize("payload", HOSTILE_HTML)
def test_clean_html_neutralises_hostile_input(payload: str) -> None:
    out = clean_html(payload)
    assert_structurally_safe(out)


@pytest.mark.parametrize("payload", HOSTILE_HTML)
def test_clean_html_is_stable_on_its_own_output(payload: str) -> None:
    # A second pass must change nothing: output that re-parses into something
    # else is exactly what mutation XSS exploits.
    once = clean_html(payload)
    assert clean_html(once) == once


@pytest.mark.parametrize(
    "payload",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<a href="vbscript:x">x</a>',
    ],
)
def test_dangerous_href_is_removed_but_link_text_kept(payload: str) -> None:
    assert clean_html(payload) == "<a>x</a>"


def test_no_style_attribute_survives_on_allowed_tags() -> None:
    assert clean_html('<p style="color:red">x</p>') == "<p>x</p>"


def test_event_handler_removed_from_allowed_link() -> None:
    out = clean_html('<a href="https://ok.example" onclick="alert(1)">x</a>')
    assert out == '<a href="https://ok.example">x</a>'


def test_comment_is_removed_entirely() -> None:
    assert clean_html("a<!-- secret -->b") == "ab"


def test_clean_html_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        clean_html(b"<p>x</p>")  # type: ignore[arg-type]


# -- linkify_text ---------------------------------------------------------------

LINK_ATTRIBUTES = {"a": ["href", "rel"], "br": []}
LINK_TAGS = {"a", "br"}


def test_linkify_escapes_html() -> None:
    out = linkify_text("<b>bold</b> & \"quotes\" 'single'")
    assert out == (
        "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot; &#x27;single&#x27;"
    )


def test_linkify_makes_https_url_clickable() -> None:
    out = linkify_text("See https://example.org/page?a=1&b=2 now")
    assert out == (
        'See <a href="https://example.org/page?a=1&amp;b=2" '
        'rel="nofollow noopener noreferrer">https://example.org/page?a=1&amp;b=2'
        "</a> now"
    )


def test_linkify_makes_http_and_www_clickable() -> None:
    out = linkify_text("http://example.org and www.example.com")
    assert '<a href="http://example.org" rel="nofollow noopener noreferrer">' in out
    assert 'href="http://www.example.com"' in out


def test_linkify_makes_email_clickable() -> None:
    out = linkify_text("Write to contact@example.org.")
    assert (
        '<a href="mailto:contact@example.org" rel="nofollow noopener noreferrer">'
        "contact@example.org</a>." in out
    )


@pytest.mark.parametrize(
    "text", ["notes.py", "version 1.2.ms", "example.com", "ftp://example.org/x"]
)
def test_linkify_leaves_bare_names_and_other_schemes_as_text(text: str) -> None:
    assert "<a" not in linkify_text(text)


def test_linkify_converts_newlines() -> None:
    assert linkify_text("one\ntwo\r\nthree\rfour") == (
        "one<br>\ntwo<br>\nthree<br>\nfour"
    )


def test_linkify_keeps_typed_entities_visible() -> None:
    assert linkify_text("&lt;script&gt;") == "&amp;lt;script&amp;gt;"


def test_linkify_empty() -> None:
    assert linkify_text("") == ""


HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/'onmouseover='alert(1)",
    'https://example.org/" onmouseover="alert(1)',
    '<a href="javascript:alert(1)">click</a>',
    "<img src=x onerror=alert(1)>",
    "<!--<script>-->",
    "<svg onload=alert(1)>",
    "x@example.org<script>alert(1)</script>",
    '"><svg/onload=alert(1)>@example.org',
    "https://exa<script>mple.org",
    "www.example.org/<iframe src=//evil.example>",
]


@pytest.mark.parametrize("payload", HOSTILE_TEXT)
def test_linkify_neutralises_hostile_text(payload: str) -> None:
    out = linkify_text(payload)
    assert_structurally_safe(
        out,
        tags=LINK_TAGS,
        attributes=LINK_ATTRIBUTES,
        markers=tuple(m for m in DANGEROUS_MARKERS if m.startswith("<")),
    )


@pytest.mark.parametrize("payload", HOSTILE_TEXT)
def test_linkify_shows_all_typed_text(payload: str) -> None:
    # Nothing typed disappears: with the tags removed and entities decoded,
    # the text reads as typed (links repeat their text, which is fine).
    out = linkify_text(payload)
    visible = html.unescape(re.sub(r"<[^>]*>", "", out))
    assert visible == payload


# -- strip_control_characters -------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a\x00b", "ab"),
        ("a\x07b\x08c", "abc"),
        ("esc\x1b[31mred", "esc[31mred"),
        ("del\x7f", "del"),
        ("c1\x80\x85\x9f", "c1"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("windows\r\nline", "windows\nline"),
        ("old mac\rline", "old mac\nline"),
        ("vertical\x0btab\x0cfeed", "verticaltabfeed"),
        ("Café ✓ 東京 \u00a0nbsp", "Café ✓ 東京 \u00a0nbsp"),
        ("", ""),
    ],
)
def test_strip_control_characters(source: str, expected: str) -> None:
    assert strip_control_characters(source) == expected


def test_strip_control_characters_removes_every_c0_and_c1() -> None:
    every = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)])
    assert strip_control_characters(every) == "\t\n\n"  # \t, \n and \r -> \n


def test_clean_html_drops_control_characters() -> None:
    assert clean_html("<p>a\x00b\x1bc\x85d</p>") == "<p>abcd</p>"
