"""Helpers of the browser tests: screenshots, axe-core audits, test files."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"

#: The WCAG 2.x A/AA rule sets, up to 2.2 AA (issue 2, "Done when").
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class Screenshots:
    """Numbered full-page screenshots of one test, for a person to look at."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.count = 0
        self.saved: list[Path] = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob(f"{prefix}-*.png"):
            old.unlink()

    def __call__(
        self,
        page: Page,
        name: str,
        *,
        full_page: bool = True,
        scroller: str | None = None,
    ) -> Path:
        """``scroller``: the element that scrolls instead of the document.

        Wagtail's admin scrolls its ``main`` element, so a full-page screenshot
        of an admin screen stops at the viewport; with ``scroller="main"``,
        the viewport is made as tall as that element's content for the shot,
        then put back.
        """
        self.count += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{name}.png"
        size = page.viewport_size
        hidden = 0
        if full_page and scroller and size:
            hidden = page.evaluate(
                """s => {
                    const el = document.querySelector(s);
                    return el ? Math.max(0, el.scrollHeight - el.clientHeight) : 0;
                }""",
                scroller,
            )
        if hidden:
            page.set_viewport_size(
                {"width": size["width"], "height": size["height"] + hidden}
            )
        try:
            # Finished transitions: Wagtail's messages slide in.
            page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        finally:
            if hidden:
                page.set_viewport_size(size)
        self.saved.append(path)
        return path


def axe_violations(
    page: Page,
    *,
    exclude: dict[str, list[str]] | None = None,
    context: str | None = None,
) -> list[dict]:
    """Run axe-core (vendored through npm) on ``page``; return its violations.

    ``exclude`` maps an axe rule id to the CSS selectors whose nodes are known
    violations of Wagtail core (each use is commented where it is passed); a node
    is dropped only if its target matches one of the selectors for that rule.
    Third-party iframes (map, video) are not audited inside: the browser tests run
    offline and their content is not ours. Their ``<iframe>`` elements are.
    """
    if not AXE_JS.exists():  # pragma: no cover - set-up error, not a test failure
        raise RuntimeError(f"{AXE_JS} is missing: run `npm ci` at the repository root")
    # Wagtail's userbar bundles its own axe and audits the page for logged-in
    # staff; running that instance while its audit is still going fails with
    # "Axe is already running". Our vendored copy is a separate instance.
    if not page.evaluate("() => typeof window.__e2eAxe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
        page.evaluate("() => { window.__e2eAxe = window.axe; }")
    # A message fading in or a panel fading out has half-transparent colours:
    # audit the page as it settles, not mid-transition.
    # (At most a second: some of Wagtail's transitions never settle.)
    page.evaluate(
        """() => Promise.race([
            Promise.all(document.getAnimations()
                .filter((a) => a.effect?.getTiming().iterations !== Infinity)
                .map((a) => a.finished.catch(() => null))),
            new Promise((resolve) => setTimeout(resolve, 1000)),
        ])"""
    )
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "iframes": False}
    results = page.evaluate(
        """([context, options]) => window.__e2eAxe.run(context || document, options)""",
        [context, options],
    )
    violations = []
    for violation in results["violations"]:
        selectors = (exclude or {}).get(violation["id"], [])
        nodes = [
            node
            for node in violation["nodes"]
            if not any(
                _matches(page, node["target"], selector) for selector in selectors
            )
        ]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    return violations


def _matches(page: Page, target: list, selector: str) -> bool:
    """Whether the node axe points at (``target``) matches ``selector``."""
    if len(target) != 1 or not isinstance(target[0], str):
        return False
    return page.evaluate(
        """([target, selector]) => {
            const node = document.querySelector(target);
            return !!node && (node.matches(selector) || !!node.closest(selector));
        }""",
        [target[0], selector],
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"        {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(
    page: Page, where: str, *, exclude: dict[str, list[str]] | None = None
) -> None:
    violations = axe_violations(page, exclude=exclude)
    assert not violations, (
        f"axe-core found WCAG 2.2 A/AA violations on {where} ({page.url}):\n"
        + format_violations(violations)
    )


def login(page: Page, base_url: str, email: str, password: str) -> None:
    """Log in through Wagtail's real login form, by e-mail address."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def either(*texts: str) -> re.Pattern:
    """A pattern for a message that may appear translated (French) or not."""
    return re.compile("|".join(re.escape(t) for t in texts), re.IGNORECASE)


# --- Test files -----------------------------------------------------------------


def small_png(text_colour=(0, 59, 128)) -> bytes:
    """A small logo: a real PNG of a few hundred bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 232, 112), outline=text_colour, width=6)
    draw.ellipse((30, 30, 90, 90), fill=text_colour)
    draw.text((105, 50), "ACME", fill=text_colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def big_png(min_bytes: int = 300 * 1024) -> bytes:
    """A real PNG well over 200 KB: noise does not compress."""
    from PIL import Image

    rng = random.Random(2)  # noqa: S311 - test data
    side = 400
    while True:
        image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        if buffer.tell() > min_bytes:
            return buffer.getvalue()
        side += 100


def small_pdf(title: str = "Brochure") -> bytes:
    """A real one-page PDF (valid cross-reference table), written by hand."""
    stream = f"BT /F1 24 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


__all__ = [
    "AXE_JS",
    "SCREENSHOTS",
    "Screenshots",
    "assert_accessible",
    "axe_violations",
    "big_png",
    "either",
    "format_violations",
    "login",
    "small_pdf",
    "small_png",
]
