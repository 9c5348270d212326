"""The plain-text twin of a mailing's HTML, for mail clients that show text.

The input is HTML already cleaned by :func:`alumni_partner.sanitize.clean_html`
(paragraphs, line breaks, lists, links, quotes, headings, emphasis), so a small
parser covers it: blocks become paragraphs, list items get "- " or "1. ",
quotes get "> ", and a link keeps its address in brackets after its words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "li"})
_SPACES = re.compile(r"[ \t\r\n\f]+")


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.quote_depth = 0
        self.lists: list[list] = []  # [tag, items so far] per open list
        self.links: list[tuple[str, int]] = []  # (href, where its text starts)
        self.pending_blank = False
        self.last_depth = 0  # quote depth of the last line written

    # --- writing -------------------------------------------------------

    def _prefix(self) -> str:
        return "> " * self.quote_depth

    def _end_line(self) -> None:
        if self.line.strip():
            self.lines.append(self._prefix() + self.line.strip())
            self.last_depth = self.quote_depth
        self.line = ""

    def _end_block(self) -> None:
        self._end_line()
        self.pending_blank = True

    def _write(self, text: str) -> None:
        if not self.line:
            text = text.lstrip()
            if not text:
                return
            if self.pending_blank and self.lines:
                # Between two quoted paragraphs the blank line is quoted too.
                depth = min(self.quote_depth, self.last_depth)
                self.lines.append(("> " * depth).rstrip())
            self.pending_blank = False
        self.line += text

    def _break_before_or_after(self, tag: str) -> None:
        # A list item starts a line; other blocks are paragraphs of their own.
        if tag == "li":
            self._end_line()
        elif tag in _BLOCKS:
            self._end_block()

    # --- parser events -------------------------------------------------

    def handle_starttag(self, tag, attrs) -> None:
        self._break_before_or_after(tag)
        if tag == "br":
            self._end_line()
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            kind[1] += 1
            indent = "  " * (len(self.lists) - 1)
            self._write(indent + (f"{kind[1]}. " if kind[0] == "ol" else "- "))
            self.pending_blank = False
        elif tag == "blockquote":
            self.quote_depth += 1
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.line)))

    def handle_endtag(self, tag) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            words = self.line[start:].strip()
            shown = href.removeprefix("mailto:")
            if href and not href.startswith("#") and shown not in words:
                self._write(f" ({shown})" if words else shown)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        self._break_before_or_after(tag)
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)

    def handle_data(self, data) -> None:
        self._write(_SPACES.sub(" ", data))

    def text(self) -> str:
        self._end_line()
        return "\n".join(self.lines).strip() + "\n"


def html_to_text(html: str) -> str:
    """Plain text of cleaned mailing HTML, ending with one newline."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()
