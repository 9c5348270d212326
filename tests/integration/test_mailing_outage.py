"""The sending engine when PostgreSQL goes away mid-batch, or the broker does (issue 8).

A restart of PostgreSQL kills every connection, then refuses new ones for a
moment. Here the test's own database does that, and only it: the backend of
the engine's connection is terminated (``pg_terminate_backend``) and the
database refuses connections (``ALLOW_CONNECTIONS false``) for a while,
right after the SMTP server accepted a message and before the engine wrote
so. Whatever happens, no address receives the mailing twice, and a message
the server accepted is never sent again. The real restarts (of the
PostgreSQL and Redis services, under a running gunicorn and qcluster) are
``tests/benchmarks/faults.py``'s.

PostgreSQL only; ``transaction=True``: the engine runs in autocommit, as in a
worker, and a terminated connection would break a test's transaction (with
``serialized_rollback``, as every transactional test of the suite: the flush
afterwards restores the migrations' rows for the tests that follow).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import timedelta

import psycopg
import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from psycopg import sql

from alumni_partner.mailing import claims, engine
from alumni_partner.models import Partner
from alumni_partner.models.mailings import (
    Mailing,
    MailingRecipient,
    MailingStatus,
    RecipientSource,
    RecipientStatus,
)
from tests.smtp import SMTPServer, _CollectingHandler

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="terminates PostgreSQL backends (pg_terminate_backend)",
    ),
]


class DatabaseOutage:
    """This test's database out of reach, as during a restart of the server."""

    def __init__(self) -> None:
        config = connection.settings_dict
        self.name = config["NAME"]
        self.connect = {
            key: value
            for key, value in (
                ("user", config.get("USER")),
                ("password", config.get("PASSWORD")),
                ("host", config.get("HOST")),
                ("port", config.get("PORT")),
            )
            if value
        }
        self.over = threading.Event()

    def _admin(self, *statements) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **self.connect) as c:
            for statement in statements:
                c.execute(statement)

    def begin(self, backend_pid: int, seconds: float) -> None:
        """Kill ``backend_pid``'s connection, refuse new ones for ``seconds``."""
        self._admin(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(
                sql.Identifier(self.name)
            ),
            sql.SQL("SELECT pg_terminate_backend({})").format(sql.Literal(backend_pid)),
        )
        threading.Timer(seconds, self.end).start()

    def end(self) -> None:
        self._admin(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(
                sql.Identifier(self.name)
            )
        )
        self.over.set()


class OutageAtMessage(_CollectingHandler):
    """Accepts every message; the ``at``-th one starts the outage first."""

    def __init__(self, outage: DatabaseOutage, *, at: int, seconds: float) -> None:
        super().__init__()
        self.outage, self.at, self.seconds = outage, at, seconds
        self.count = 0
        self.backend_pid = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.count += 1
        if self.count == self.at:
            self.outage.begin(self.backend_pid, self.seconds)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def outage():
    """The outage, always over before the test's database is flushed."""
    down = DatabaseOutage()
    yield down
    down.end()


@pytest.fixture(autouse=True)
def engine_settings(settings):
    settings.ALUMNI_PARTNER_MAILING_BATCH_SIZE = 40
    settings.ALUMNI_PARTNER_MAILING_RATE_LIMIT = None
    settings.ALUMNI_PARTNER_MAILING_STALE_CLAIM_SECONDS = 120
    return settings


@pytest.fixture
def smtp_with_outage(settings, outage):
    """Start an SMTP server that begins an outage at message ``at``."""
    servers = []

    def start(*, at: int, seconds: float) -> SMTPServer:
        handler = OutageAtMessage(outage, at=at, seconds=seconds)
        server = SMTPServer(handler=handler).start()
        servers.append(server)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        # The engine's connection, the one a restart kills.
        connection.ensure_connection()
        handler.backend_pid = connection.connection.info.backend_pid
        return server

    yield start
    for server in servers:
        server.stop()


def sending_mailing(count: int) -> Mailing:
    mailing = Mailing.objects.create(
        partner=Partner.objects.create(name="Acme"),
        sender_name="Acme",
        sender_email="contact@acme.test",
        subject="Rencontre alumni",
        body="<p>Bonjour {first_name}</p>",
        status=MailingStatus.SENDING,
        started_at=timezone.now(),
        recipient_count=count,
    )
    MailingRecipient.objects.bulk_create(
        MailingRecipient(
            mailing=mailing,
            email=f"alumnus{n:04d}@example.test",
            first_name=f"A{n}",
            source=RecipientSource.EXTRA,
        )
        for n in range(count)
    )
    return mailing


def received(server: SMTPServer) -> Counter:
    return Counter(server.recipients)


def statuses(mailing: Mailing) -> Counter:
    return Counter(mailing.recipients.values_list("status", flat=True))


def test_a_restart_between_sending_and_recording_loses_nothing_and_repeats_nothing(
    smtp_with_outage, outage
):
    mailing = sending_mailing(120)
    # The 50th message (in the second batch of 40) is accepted, then the
    # database is gone for 1.5 s before the engine can write "sent".
    server = smtp_with_outage(at=50, seconds=1.5)

    engine.run(mailing.pk)

    assert outage.over.is_set()
    assert statuses(mailing) == {RecipientStatus.SENT: 120}
    got = received(server)
    assert len(got) == 120 and set(got.values()) == {1}, "each address once"
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_a_database_away_too_long_leaves_the_accepted_message_to_the_recovery(
    settings, smtp_with_outage, outage, caplog
):
    """Beyond the wait, the task fails; the accepted message is never sent again."""
    settings.ALUMNI_PARTNER_MAILING_STALE_CLAIM_SECONDS = 2  # waits 1 s at most
    mailing = sending_mailing(60)
    server = smtp_with_outage(at=10, seconds=3)

    with pytest.raises(OperationalError), caplog.at_level(logging.WARNING):
        engine.run(mailing.pk)
    assert "database unreachable while recording" in caplog.text
    outage.over.wait(10)

    # The row whose message left is still held, not given back to "pending".
    in_doubt = mailing.recipients.get(email="alumnus0009@example.test")
    assert in_doubt.status == RecipientStatus.SENDING
    assert statuses(mailing)[RecipientStatus.PENDING] == 20  # the next batches
    # The recovery marks it "unknown" and gives back the batch's untried rows.
    assert claims.recover_stale_claims(timezone.now() + timedelta(seconds=5)) == 31
    engine.run(mailing.pk)

    assert statuses(mailing) == {RecipientStatus.SENT: 59, RecipientStatus.UNKNOWN: 1}
    in_doubt.refresh_from_db()
    assert in_doubt.status == RecipientStatus.UNKNOWN
    got = received(server)
    assert len(got) == 60 and set(got.values()) == {1}, "each address once"


def test_a_broker_that_is_down_leaves_the_mailing_to_the_schedule(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """Redis restarting when a mailing is woken: logged, not raised."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(engine, "async_task", unreachable)
    with (
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True),
    ):
        engine.wake(1234)

    assert "the schedule will wake it" in caplog.text
