"""The site as production runs it: gunicorn and qcluster on PostgreSQL and Redis.

Issue 8, "Done when": a test in CI starts gunicorn (two workers) and one
``qcluster`` with ``alumni_site.settings.production``, on this worker's test
database and a Redis database of their own, sending mail to an SMTP server in
this process, and walks the site over HTTP as its users do:

- a visitor reads a partner's published page;
- an alumnus logs in through the real log-in form and searches the directory;
- an editor logs in to the admin and approves a partner's mailing; the cluster
  sends it, each recipient gets it once, and its statistics say so.

Requests go as the TLS-terminating load balancer forwards them (plain HTTP,
``X-Forwarded-Proto: https``), so the secure cookies and the HTTPS CSRF checks
of the production settings are those exercised.

PostgreSQL only (several processes lock SQLite, and production runs
PostgreSQL); the rows are committed for the processes to see them, hence
``transaction=True`` with ``serialized_rollback`` (as test_mailing_cluster).
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse

from alumni_partner.models import Mailing, MailingStatus
from alumni_partner.models.mailings import RecipientStatus
from tests.cluster import database_url
from tests.deployment.seed import DOMAIN, PASSWORD, seed
from tests.deployment.stack import (
    HEALTH_WEB,
    Browser,
    RedisDatabase,
    Stack,
    redis_reachable,
    wait_for,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the production stack runs on PostgreSQL and Redis: run the suite "
        "with DATABASE_URL=postgres://... (several processes lock SQLite)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("gunicorn") is None,
        reason="gunicorn is not installed (scripts/install.sh --test installs it)",
    ),
]

#: Addresses of the mailing: a handful is enough to go through every step.
RECIPIENTS = 5
#: Generous: the other xdist worker shares the two cores meanwhile.
SEND_SECONDS = 60


@pytest.fixture
def redis_db():
    """A Redis database of the stack's own, on REDIS_URL's server (or localhost)."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if not redis_reachable(url):
        if os.environ.get("REDIS_URL"):
            pytest.fail(f"REDIS_URL={url} does not answer")
        pytest.skip(f"no Redis at {url}: set REDIS_URL to run the production stack")
    with RedisDatabase.reserve(url) as reserved:
        yield reserved


@pytest.fixture
def stack(db, redis_db, smtp_server):
    """The stack, not started yet; stopped (whatever happened) before the flush."""
    built = Stack(
        database_url=database_url(),
        redis_url=redis_db.url,
        smtp=smtp_server,
        web_workers=2,
        q_workers=1,
    )
    try:
        yield built
    finally:
        built.stop()
        # Shown by pytest only when the test failed.
        print(built.logs(last=200))
        for process in (built.web, built.worker):
            if process is not None:
                assert not process.group(), f"{process.name} outlived the stack"
        built.cleanup()


def figures(page: str) -> dict[str, int]:
    """The statistics panel's figures: label → number."""
    pairs = re.findall(
        r'<div class="stats-panel__figure"><dt>([^<]+)</dt><dd>([\d\s\u202f\xa0]+)</dd>',
        page,
    )
    return {label: int(re.sub(r"\D", "", value)) for label, value in pairs}


def test_page_search_and_mailing_through_gunicorn_and_qcluster(stack, smtp_server):
    # Static files are collected (or found collected) while the content is built.
    collecting = threading.Thread(target=stack.collect_static)
    collecting.start()
    seeded = seed(recipients=RECIPIENTS)
    collecting.join()
    stack.start()
    stack.wait_healthy()

    # A visitor reads the partner's page.
    visitor = Browser(stack.base_url)
    health = visitor.get(HEALTH_WEB)
    assert health.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    page = visitor.get(seeded.page_path)
    assert page.status_code == 200, page.text[:500]
    assert seeded.partner_name in page.text
    assert seeded.page_text in page.text
    # Again: the other worker, or the cache, answers the same.
    assert visitor.get(seeded.page_path).status_code == 200

    # An alumnus logs in through the public log-in form and searches the directory.
    member = Browser(stack.base_url)
    login = member.post_form(
        "/accounts/login/", {"login": seeded.member_email, "password": PASSWORD}
    )
    assert login.status_code == 302, login.text[:1000]
    results = member.get(f"/annuaire/?q={seeded.found_query}")
    assert results.status_code == 200, results.text[:500]
    assert seeded.found_name in results.text

    # An editor logs in to the admin and approves the partner's mailing.
    (mailing_id,) = seeded.mailing_ids
    editor = Browser(stack.base_url)
    login = editor.post_form(
        "/admin/login/", {"username": seeded.editor_email, "password": PASSWORD}
    )
    assert login.status_code == 302, login.text[:1000]
    review = reverse("alumni_partner_mailings:review", args=[mailing_id])
    decision = editor.post_form(review, {"decision": "approve", "comment": ""})
    assert decision.status_code == 302, decision.text[:1000]
    assert decision.headers["Location"] == reverse("alumni_partner_mailings:validation")

    # The cluster sends it: every recipient once, and the mailing ends "sent".
    def copies() -> Counter:
        return Counter(r for r in smtp_server.recipients if r.endswith("@" + DOMAIN))

    wait_for(
        lambda: copies().total() >= RECIPIENTS,
        timeout=SEND_SECONDS,
        what=f"{RECIPIENTS} messages at the SMTP server (got {copies()})",
        stack=stack,
    )
    mailing = Mailing.objects.get(pk=mailing_id)
    wait_for(
        lambda: Mailing.objects.get(pk=mailing_id).status == MailingStatus.SENT,
        timeout=SEND_SECONDS,
        what="the mailing to be marked sent",
        stack=stack,
    )
    rows = dict(mailing.recipients.values_list("email", "status"))
    assert set(rows.values()) == {RecipientStatus.SENT}
    assert copies() == Counter(dict.fromkeys(rows, 1)), "one copy per recipient"
    message = next(m for m in smtp_server.messages if m["To"] in rows)
    assert message["Subject"].startswith("Forum emploi n° 1")

    # Its statistics, as the editor reads them in the admin.
    detail = editor.get(reverse("alumni_partner_mailings:detail", args=[mailing_id]))
    assert detail.status_code == 200
    shown = figures(detail.text)
    # The admin speaks the editor's language: French here, English elsewhere.
    assert shown.get("Envoyé", shown.get("Sent")) == RECIPIENTS, shown
    assert shown.get("Destinataires", shown.get("Recipients")) == RECIPIENTS, shown
    assert shown.get("Échec", shown.get("Failed")) == 0, shown
