"""The sending engine against a real SMTP server (guide 6, DESIGN.md §10).

Every test counts what the server received against the recipient rows: each
address once, nobody twice, nobody lost. django-q2 runs synchronously in the
test settings, so ``wake`` runs the tasks in-process through django-q2's own
worker code; the real cluster (two workers, SIGKILL) is tested in
``test_mailing_cluster.py``.
"""

from __future__ import annotations

import functools
import smtplib
import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_q.models import Schedule

from alumni_partner.conf import partner_settings
from alumni_partner.mailing import claims, engine, throttle
from alumni_partner.models import AlumniProfile, Partner
from alumni_partner.models.mailings import (
    Mailing,
    MailingRecipient,
    MailingStatus,
    MailingUnsubscribe,
    RecipientSource,
    RecipientStatus,
)
from alumni_partner.schedules import MAILING_TICK
from tests.smtp import FaultyHandler, SMTPServer, free_port

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="SKIP LOCKED needs PostgreSQL"
)


@pytest.fixture(autouse=True)
def engine_settings(settings):
    settings.ALUMNI_PARTNER_MAILING_BATCH_SIZE = 40
    settings.ALUMNI_PARTNER_MAILING_PARALLEL_TASKS = 2
    settings.ALUMNI_PARTNER_MAILING_RATE_LIMIT = None
    settings.ALUMNI_PARTNER_MAILING_MAX_ATTEMPTS = 3
    settings.ALUMNI_PARTNER_MAILING_RETRY_SECONDS = 60
    settings.ALUMNI_PARTNER_MAILING_STALE_CLAIM_SECONDS = 120
    return settings


@pytest.fixture
def sender(db) -> Partner:
    """A bare partner: the engine needs no page, group or collection."""
    return Partner.objects.create(name="Acme")


@pytest.fixture
def make_mailing(sender):
    def make(count: int = 100, status=MailingStatus.SENDING, **fields) -> Mailing:
        fields = {"subject": "Rencontre alumni", **fields}
        if status in (MailingStatus.SENDING, MailingStatus.STOPPED):
            fields.setdefault("started_at", timezone.now())
        mailing = Mailing.objects.create(
            partner=sender,
            sender_name="Acme",
            sender_email="contact@acme.test",
            body="<p>Bonjour {first_name}</p>",
            status=status,
            recipient_count=count,
            **fields,
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

    return make


@pytest.fixture
def faulty_smtp(settings):
    """A real SMTP server whose handler a test chooses, wired like smtp_server."""
    servers = []

    def start(handler) -> SMTPServer:
        server = SMTPServer(handler=handler).start()
        servers.append(server)
        point_django_at(settings, server.port)
        return server

    yield start
    for server in servers:
        server.stop()


def point_django_at(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False


class RejectingHandler(FaultyHandler):
    """FaultyHandler, plus addresses refused for good (550)."""

    def __init__(self, *, reject=(), **kwargs):
        super().__init__(**kwargs)
        self.reject = {email.lower() for email in reject}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd API
        if address.lower() in self.reject:
            self.refused.append(address.lower())
            return "550 5.1.1 No such user"
        return await super().handle_RCPT(
            server, session, envelope, address, rcpt_options
        )


def received(server) -> Counter:
    return Counter(rcpt.lower() for env in server.envelopes for rcpt in env.rcpt_tos)


def statuses(mailing) -> Counter:
    return Counter(mailing.recipients.values_list("status", flat=True))


def emails(mailing, status) -> set[str]:
    return set(mailing.recipients.filter(status=status).values_list("email", flat=True))


def assert_each_sent_row_arrived_once(mailing, server) -> None:
    got = received(server)
    assert max(got.values(), default=1) == 1, "an address got the mailing twice"
    assert set(got) == emails(mailing, RecipientStatus.SENT)


def make_due(mailing) -> None:
    """Retries come due now, rather than sleeping through the backoff."""
    mailing.recipients.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


# --- a mailing goes out -------------------------------------------------------


def test_a_mailing_reaches_every_recipient_once(
    make_mailing, smtp_server, django_capture_on_commit_callbacks
):
    mailing = make_mailing(300)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        engine.wake(mailing.pk)
    assert len(callbacks) == 1

    assert_each_sent_row_arrived_once(mailing, smtp_server)
    assert statuses(mailing) == {RecipientStatus.SENT: 300}
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT
    assert mailing.finished_at is not None
    assert not mailing.recipients.exclude(claim=None).exists()


def test_wake_enqueues_the_configured_number_of_tasks(
    make_mailing, smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    mailing = make_mailing(80)
    runs = []
    real_run = engine.run
    monkeypatch.setattr(
        engine,
        "run",
        lambda mailing_id: runs.append(mailing_id) or real_run(mailing_id),
    )
    with django_capture_on_commit_callbacks(execute=True):
        engine.wake(mailing.pk)
    assert runs == [mailing.pk, mailing.pk]
    assert len(received(smtp_server)) == 80


def test_nothing_leaves_before_the_transaction_commits(make_mailing, smtp_server):
    mailing = make_mailing(5)
    with transaction.atomic():
        engine.wake(mailing.pk)
        assert smtp_server.envelopes == []
    # The test's own transaction never commits: still nothing.
    assert smtp_server.envelopes == []
    assert statuses(mailing) == {RecipientStatus.PENDING: 5}


def test_double_wake_and_two_runs_send_nobody_twice(
    make_mailing, smtp_server, django_capture_on_commit_callbacks
):
    mailing = make_mailing(150)
    with django_capture_on_commit_callbacks(execute=True):
        engine.wake(mailing.pk)
        engine.wake(mailing.pk)
    engine.run(mailing.pk)
    engine.run(mailing.pk)
    assert_each_sent_row_arrived_once(mailing, smtp_server)
    assert len(received(smtp_server)) == 150


def test_the_engine_sends_nothing_for_a_mailing_not_sending(make_mailing, smtp_server):
    for status in (MailingStatus.APPROVED, MailingStatus.STOPPED, MailingStatus.DRAFT):
        mailing = make_mailing(3, status=status, subject=status)
        engine.run(mailing.pk)
    engine.run(999_999)  # deleted since it was woken
    assert smtp_server.envelopes == []


# --- claims -------------------------------------------------------------------


def test_two_interleaved_claimers_get_disjoint_rows(make_mailing):
    mailing = make_mailing(30)
    first, second = uuid.uuid4(), uuid.uuid4()
    # Both pick the same ids (as two workers reading at once would on SQLite);
    # the conditional UPDATE gives each row to one claimer only.
    picked_first = claims.pick(mailing.pk, 20)
    picked_second = claims.pick(mailing.pk, 20)
    assert picked_first == picked_second
    assert claims.take(picked_second, second) == 20
    assert claims.take(picked_first, first) == 0
    # The next batch takes the rest; a claim's rows are handed over in id order.
    batch = claims.claim_batch(mailing.pk, 20)
    assert len(batch.rows) == 10
    assert not {row.pk for row in batch.rows} & set(picked_second)
    assert [row.pk for row in batch.rows] == sorted(row.pk for row in batch.rows)
    assert claims.claim_batch(mailing.pk, 20) is None


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_claimers_skip_each_others_locked_rows(make_mailing):
    mailing = make_mailing(30)
    locked, release = threading.Event(), threading.Event()
    result = {}

    def slow_claimer():
        # Picks (and locks) 20 rows, then waits before claiming them.
        try:
            with transaction.atomic():
                ids = claims.pick(mailing.pk, 20)
                locked.set()
                release.wait(10)
                result["slow"] = (ids, claims.take(ids, uuid.uuid4()))
        finally:
            connection.close()

    thread = threading.Thread(target=slow_claimer)
    thread.start()
    assert locked.wait(10)
    # Meanwhile another worker claims without waiting for the locked rows.
    batch = claims.claim_batch(mailing.pk, 20)
    release.set()
    thread.join(10)
    slow_ids, slow_taken = result["slow"]
    assert slow_taken == 20
    assert len(batch.rows) == 10
    assert not set(slow_ids) & {row.pk for row in batch.rows}


def test_suppressed_at_send_time_are_skipped_never_sent(
    make_mailing, smtp_server, make_alumnus, sender
):
    mailing = make_mailing(10)
    rows = list(mailing.recipients.order_by("pk"))
    # After the mailing was prepared: one unsubscribed (capitalised, as typed)...
    MailingUnsubscribe.objects.create(partner=sender, email=rows[0].email.upper())
    # ...one alumnus withdrew consent, one was deactivated, one typed-in address
    # belongs to an alumnus who never consented.
    withdrawn = make_alumnus(accepts_partner_mailings=False)
    deactivated = make_alumnus(accepts_partner_mailings=True)
    deactivated.user.is_active = False
    deactivated.user.save()
    consenting = make_alumnus(accepts_partner_mailings=True)
    refusing = make_alumnus(email="Typed.In@Example.test")
    for row, profile in (
        (rows[1], withdrawn),
        (rows[2], deactivated),
        (rows[3], consenting),
    ):
        row.profile = profile
        row.save()
    rows[4].email = "typed.in@example.test"
    rows[4].save()
    assert not AlumniProfile.objects.filter(pk=refusing.pk).mailable().exists()

    engine.run(mailing.pk)

    skipped = {rows[n].email for n in (0, 1, 2, 4)}
    assert emails(mailing, RecipientStatus.SKIPPED) == skipped
    assert not skipped & set(received(smtp_server))
    assert statuses(mailing)[RecipientStatus.SENT] == 6
    assert_each_sent_row_arrived_once(mailing, smtp_server)


# --- stop and resume ----------------------------------------------------------


def test_stop_halts_within_one_batch_and_resume_sends_the_rest_once(
    make_mailing, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    from alumni_partner.mailing import lifecycle

    mailing = make_mailing(200)
    deliver = engine.Courier.deliver
    batches = []

    def deliver_then_stop(courier, batch):
        batches.append(len(batch.rows))
        outcome = deliver(courier, batch)
        if len(batches) == 2:
            # "Stopper", pressed while the second batch is going out.
            lifecycle.stop(Mailing.objects.get(pk=mailing.pk), None)
        return outcome

    monkeypatch.setattr(engine.Courier, "deliver", deliver_then_stop)
    engine.run(mailing.pk)
    assert batches == [40, 40]
    assert len(received(smtp_server)) == 80
    assert statuses(mailing) == {RecipientStatus.SENT: 80, RecipientStatus.PENDING: 120}
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.STOPPED

    # A task still queued or woken by the schedule sends nothing while stopped.
    engine.run(mailing.pk)
    engine.tick()
    assert len(received(smtp_server)) == 80

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.resume(mailing, None)
    assert_each_sent_row_arrived_once(mailing, smtp_server)
    assert len(received(smtp_server)) == 200
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


# --- failures -----------------------------------------------------------------


def test_a_temporary_failure_is_retried_with_backoff_then_sent(
    make_mailing, faulty_smtp, django_capture_on_commit_callbacks
):
    mailing = make_mailing(20)
    greylisted = "alumnus0003@example.test"
    server = faulty_smtp(RejectingHandler(refuse={greylisted: 2}))

    before = timezone.now()
    engine.run(mailing.pk)
    row = mailing.recipients.get(email=greylisted)
    assert row.status == RecipientStatus.PENDING
    assert row.attempts == 1
    assert "451" in row.last_error
    # First retry after MAILING_RETRY_SECONDS; the mailing is not finished.
    assert before + timedelta(seconds=60) <= row.next_attempt_at
    assert row.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENDING

    # Not due yet: a run leaves it alone.
    engine.run(mailing.pk)
    assert mailing.recipients.get(email=greylisted).attempts == 1

    make_due(mailing)
    engine.run(mailing.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (RecipientStatus.PENDING, 2)
    # The second wait is twice the first.
    delay = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 60 < delay <= 120

    make_due(mailing)
    with django_capture_on_commit_callbacks(execute=True):
        engine.tick()  # the schedule wakes the mailing once the retry is due
    row.refresh_from_db()
    assert row.status == RecipientStatus.SENT
    assert server.handler.refused == [greylisted, greylisted]
    assert_each_sent_row_arrived_once(mailing, server)
    assert len(received(server)) == 20
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_temporary_failures_end_as_failed_after_max_attempts(make_mailing, faulty_smtp):
    mailing = make_mailing(3)
    stubborn = "alumnus0001@example.test"
    server = faulty_smtp(RejectingHandler(refuse={stubborn: 99}))
    for _attempt in range(3):
        engine.run(mailing.pk)
        make_due(mailing)
    row = mailing.recipients.get(email=stubborn)
    assert (row.status, row.attempts) == (RecipientStatus.FAILED, 3)
    assert set(received(server)) == emails(mailing, RecipientStatus.SENT)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_a_permanent_failure_is_recorded_and_not_retried(make_mailing, faulty_smtp):
    mailing = make_mailing(10)
    gone = "alumnus0004@example.test"
    server = faulty_smtp(RejectingHandler(reject=[gone]))
    # An address Django refuses to put in a header is a permanent failure too.
    mailing.recipients.filter(email="alumnus0007@example.test").update(
        email="broken\r\nbcc: victim@example.test"
    )
    engine.run(mailing.pk)
    failed = {row.email: row for row in mailing.recipients.filter(status="failed")}
    assert set(failed) == {gone, "broken\r\nbcc: victim@example.test"}
    assert "550" in failed[gone].last_error
    assert failed[gone].attempts == 1
    assert "victim@example.test" not in received(server)
    assert statuses(mailing)[RecipientStatus.SENT] == 8
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT
    engine.tick()
    assert server.handler.refused == [gone]


def test_a_connection_dropped_mid_batch_loses_and_doubles_nothing(
    make_mailing, faulty_smtp
):
    mailing = make_mailing(100)
    # The 5th and 30th messages: the server closes the connection, no answer.
    server = faulty_smtp(RejectingHandler(drop_at=[5, 30]))
    engine.run(mailing.pk)
    assert server.handler.dropped == 2
    interrupted = mailing.recipients.filter(status=RecipientStatus.PENDING)
    assert interrupted.count() == 2
    assert all(row.attempts == 1 for row in interrupted)
    assert len(received(server)) == 98  # the rest went on after reconnecting

    make_due(mailing)
    engine.run(mailing.pk)
    assert statuses(mailing) == {RecipientStatus.SENT: 100}
    assert_each_sent_row_arrived_once(mailing, server)


def test_an_unreachable_server_gives_the_batch_back_without_counting_attempts(
    make_mailing, settings, faulty_smtp, django_capture_on_commit_callbacks
):
    mailing = make_mailing(60)
    point_django_at(settings, free_port())  # nobody listens there
    engine.run(mailing.pk)
    assert statuses(mailing) == {RecipientStatus.PENDING: 60}
    assert set(mailing.recipients.values_list("attempts", flat=True)) == {0}
    assert not mailing.recipients.exclude(claim=None).exists()
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENDING

    # The server is back: the schedule wakes the mailing.
    server = faulty_smtp(RejectingHandler())
    with django_capture_on_commit_callbacks(execute=True):
        engine.tick()
    assert_each_sent_row_arrived_once(mailing, server)
    assert len(received(server)) == 60
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_a_server_refusing_everything_for_now_pauses_the_mailing(
    make_mailing, faulty_smtp
):
    mailing = make_mailing(40)
    everyone = {f"alumnus{n:04d}@example.test": 1 for n in range(40)}
    faulty_smtp(RejectingHandler(refuse=everyone))
    engine.run(mailing.pk)
    # Five refusals in a row, then the rest waits untried for the schedule.
    counts = statuses(mailing)
    assert counts == {RecipientStatus.PENDING: 40}
    attempts = Counter(mailing.recipients.values_list("attempts", flat=True))
    assert attempts == {1: engine.TEMPORARY_FAILURES_TO_PAUSE, 0: 35}


@pytest.mark.parametrize(
    ("error", "permanent", "reconnect"),
    [
        (
            smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"No such user")}),
            True,
            False,
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@x.test": (451, b"Greylisted")}),
            False,
            False,
        ),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (421, b"Closing")}), False, True),
        (smtplib.SMTPSenderRefused(552, b"Too big", "noreply@x.test"), True, False),
        (smtplib.SMTPDataError(554, b"Rejected as spam"), True, False),
        (smtplib.SMTPDataError(452, b"Mailbox full, later"), False, False),
        (smtplib.SMTPDataError(421, b"Closing"), False, True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False, True),
        (TimeoutError("timed out"), False, True),
        (ConnectionResetError("reset by peer"), False, True),
        (ValueError("Invalid address"), True, False),
    ],
    ids=lambda value: value if isinstance(value, bool) else type(value).__name__,
)
def test_smtp_errors_are_permanent_or_temporary(error, permanent, reconnect):
    failure = engine.classify(error)
    assert (failure.permanent, failure.reconnect) == (permanent, reconnect)
    assert type(error).__name__ in failure.text


# --- crashes ------------------------------------------------------------------


def test_a_dead_workers_claim_is_recovered_lowest_unknown_rest_pending(
    make_mailing, smtp_server
):
    mailing = make_mailing(50)
    # A worker claimed 20 rows, sent and marked 5, then died mid-message.
    batch = claims.claim_batch(mailing.pk, 20)
    for row in batch.rows[:5]:
        assert claims.mark_sent(row, batch.claim)
    in_flight, never_tried = batch.rows[5], batch.rows[6:]
    # A live claim is left alone.
    assert claims.recover_stale_claims() == 0
    mailing.recipients.filter(claim=batch.claim).update(
        claimed_at=timezone.now() - timedelta(seconds=121)
    )

    assert engine.recover_stale_claims() == 15
    in_flight.refresh_from_db()
    assert in_flight.status == RecipientStatus.UNKNOWN
    assert in_flight.claim is None
    assert set(
        MailingRecipient.objects.filter(pk__in=[r.pk for r in never_tried]).values_list(
            "status", "attempts"
        )
    ) == {(RecipientStatus.PENDING, 0)}
    assert claims.recover_stale_claims() == 0  # idempotent

    engine.run(mailing.pk)
    sent_by_the_dead_worker = {row.email for row in batch.rows[:5]}
    got = received(smtp_server)
    assert in_flight.email not in got  # maybe sent: never sent again
    assert not sent_by_the_dead_worker & set(got)
    assert max(got.values()) == 1
    assert statuses(mailing) == {
        RecipientStatus.SENT: 49,
        RecipientStatus.UNKNOWN: 1,
    }
    assert mailing.statistics()["unknown"] == 1
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_a_slow_worker_whose_claim_was_taken_over_stops_at_once(
    make_mailing, smtp_server
):
    mailing = make_mailing(20)
    batch = claims.claim_batch(mailing.pk, 20)
    # Thought dead while it sends its first message: the claim is taken over.
    mailing.recipients.filter(claim=batch.claim).update(
        claimed_at=timezone.now() - timedelta(seconds=121)
    )
    claims.recover_stale_claims()
    courier = engine.Courier(mailing, deadline=float("inf"))
    assert courier.deliver(batch) is engine.Outcome.LOST
    # It sent the one in flight (now "unknown"), nothing more.
    assert list(received(smtp_server)) == [batch.rows[0].email]
    engine.run(mailing.pk)
    got = received(smtp_server)
    assert max(got.values()) == 1
    assert len(got) == 20


def test_a_long_batch_renews_its_lease(make_mailing, smtp_server):
    mailing = make_mailing(5)
    batch = claims.claim_batch(mailing.pk, 5)
    long_ago = timezone.now() - timedelta(hours=1)
    mailing.recipients.filter(claim=batch.claim).update(claimed_at=long_ago)
    courier = engine.Courier(mailing, deadline=float("inf"))
    courier.lease_seconds = 0  # renew before every message
    assert courier.deliver(batch) is engine.Outcome.DONE
    # Each row's lease was renewed while it waited its turn: never taken for dead.
    claimed = mailing.recipients.values_list("claimed_at", flat=True)
    assert all(when > long_ago + timedelta(minutes=59) for when in claimed)
    assert len(received(smtp_server)) == 5


# --- time budget, schedule, rate limit ----------------------------------------


@pytest.mark.parametrize(
    "batch_size",
    [40, 1],
    ids=["time-up-mid-batch", "time-up-between-batches"],
)
def test_a_task_out_of_time_hands_over_to_a_continuation(
    make_mailing,
    smtp_server,
    django_capture_on_commit_callbacks,
    engine_settings,
    batch_size,
):
    engine_settings.ALUMNI_PARTNER_MAILING_BATCH_SIZE = batch_size
    mailing = make_mailing(100)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        engine.run(mailing.pk, time_budget=0)
    # At least one message per task; the rest of the batch went back untried,
    # or no new batch was claimed.
    assert len(received(smtp_server)) == 1
    assert statuses(mailing) == {RecipientStatus.SENT: 1, RecipientStatus.PENDING: 99}
    assert set(mailing.recipients.values_list("attempts", flat=True)) == {0}
    assert len(callbacks) == 1  # one continuation task

    callbacks[0]()  # the continuation, with the normal budget
    assert_each_sent_row_arrived_once(mailing, smtp_server)
    assert len(received(smtp_server)) == 100
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_the_default_budget_is_half_the_clusters_timeout():
    from django_q.conf import Conf

    assert engine.default_time_budget() == Conf.TIMEOUT / 2
    assert engine.default_time_budget() < Conf.RETRY


def test_the_schedule_runs_the_tick():
    schedule = Schedule.objects.get(name=MAILING_TICK)
    assert schedule.func == "alumni_partner.mailing.engine.tick"
    assert schedule.minutes == partner_settings.MAILING_TICK_MINUTES
    assert schedule.repeats == -1


def test_tick_starts_a_due_mailing_and_finishes_a_done_one(
    make_mailing, smtp_server, django_capture_on_commit_callbacks
):
    due = make_mailing(5, status=MailingStatus.APPROVED, subject="due")
    later = make_mailing(
        5,
        status=MailingStatus.APPROVED,
        subject="later",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    done = make_mailing(3, subject="done")
    done.recipients.update(status=RecipientStatus.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        engine.tick()

    for mailing in (due, later, done):
        mailing.refresh_from_db()
    assert due.status == MailingStatus.SENT
    assert later.status == MailingStatus.APPROVED
    assert done.status == MailingStatus.SENT
    assert set(received(smtp_server)) == emails(due, RecipientStatus.SENT)
    assert len(received(smtp_server)) == 5

    with django_capture_on_commit_callbacks(execute=True):
        engine.tick()  # again: nothing more
    assert len(received(smtp_server)) == 5


def test_the_rate_limit_holds_every_worker_to_the_shared_allowance(
    make_mailing, smtp_server, engine_settings, monkeypatch
):
    engine_settings.ALUMNI_PARTNER_MAILING_RATE_LIMIT = 30
    clock = FakeClock()
    monkeypatch.setattr(
        throttle,
        "RateLimiter",
        functools.partial(throttle.RateLimiter, clock=clock.now, sleep=clock.sleep),
    )
    mailing = make_mailing(100)
    engine.run(mailing.pk)
    # Time stands still except when the limiter sleeps: 30 + 30 + 30 + 10.
    assert clock.sleeps == 3
    assert len(received(smtp_server)) == 100


class FakeClock:
    def __init__(self, start: float = 1_000_000.25):
        self.time = start
        self.sleeps = 0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.time += seconds
