"""Browser tests: Playwright's sync API driving Debian's Chromium on a live server.

Run ``npm ci`` once at the repository root (axe-core, vendored through npm and
injected from ``node_modules``: nothing is fetched at run time), then
``pytest tests/e2e -p no:xdist``; ``-m "not e2e"`` leaves them out. Screenshots
of each step go to ``tests/e2e/screenshots/`` (ignored by git).

Each test gets a fresh database restored from the migrations' data
(``serialized_rollback``): the live server needs real commits, and the flush
that follows a transactional test would otherwise take Wagtail's root page, the
default locale and the "Editors" group with it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
VIEWPORT = {"width": 1280, "height": 900}


def _serial_server_class():
    from django.core.servers.basehttp import WSGIServer

    class SerialWSGIServer(WSGIServer):
        """One request at a time, in the server thread (which holds the override)."""

        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    return SerialWSGIServer


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, sharing SQLite's in-memory test database.

    pytest-django's own fixture may start before the test database exists (a
    session fixture comes before the function-scoped ``transactional_db``), so
    its thread then opens a second connection to the shared-cache in-memory
    database, and the browser's parallel requests fail with "database table is
    locked". Here the database exists first, the server thread gets the test's
    connection (as Django's ``LiveServerTestCase`` does), and it serves one
    request at a time on it. PostgreSQL keeps Django's threaded server.
    """
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.server_class = _serial_server_class()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, for the browser tests of this package only.

    Playwright's sync API leaves an asyncio loop running in this thread while it
    is started, and Django refuses ORM calls from such a thread unless told it
    is deliberate (``DJANGO_ALLOW_ASYNC_UNSAFE``): both are limited to this
    package, so the rest of the suite keeps Django's async-safety checks.
    """
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    # Django keeps its connections in an asgiref Local that switches storage
    # when an event loop is running in the thread, and Playwright's sync API
    # leaves one running here. Without this, the test code would open a second
    # connection to the in-memory test database, one without the serialized
    # contents (so the next test would start with no root page) and one that
    # races the live server's ("database table is locked").
    wrappers = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def e2e_site(settings, live_server, site_tree):
    """The site, served by the live server, e-mailing links that point at it."""
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.ROOT_URLCONF = "tests.e2e.urls"
    return site_tree


@pytest.fixture
def new_context(browser, live_server):
    """Browser contexts (one per person) that can reach only the live server.

    Requests to any other host (the map and video iframes) are aborted: the
    tests run offline and never depend on a third party.
    """
    contexts = []

    def make(locale: str = "fr-FR"):
        context = browser.new_context(
            locale=locale, viewport=VIEWPORT, base_url=live_server.url
        )
        context.set_default_timeout(15_000)

        def only_live_server(route):
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", only_live_server)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
