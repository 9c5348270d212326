"""The sending engine: django-q2 tasks that send a mailing's rows, batch by batch.

The queue is not trusted to deliver a task exactly once (DESIGN.md §10): a
task only means "work on this mailing", and the rows decide who gets mail
(:mod:`.claims`). So any number of tasks may run on one mailing at once, a lost
task only delays it (the schedule wakes it again), and a task run twice sends
nobody twice.

Entry points::

    wake(mailing_id)          # after start/resume: enqueue the sending tasks
    run(mailing_id)           # the task itself
    tick()                    # the schedule: start due mailings, recover, re-wake
    recover_stale_claims()    # settle the rows of workers that died

One task loops: read the mailing's status (only ``sending`` goes on, so
"Stopper" halts within one batch), claim a batch, drop the rows that became
suppressed, open one SMTP connection, send the batch message by message in
id order, write each result at once. Temporary failures come back after a backoff;
permanent ones are recorded. A task stops claiming after half of django-q2's
``timeout`` and hands over to a fresh task, so a long mailing never meets the
cluster's timeout.

A database that goes away mid-task (a restart, a failover) is waited for, up
to :func:`database_wait_seconds`: the result of a message the server already
accepted is written once the database is back (never lost, so never sent
again), the batch's untried rows go back to ``pending``, and the task carries
on. Should the database stay away longer, the task fails and the rows it
held are settled by :func:`recover_stale_claims`, as after a crash. A broker
that cannot take a task (Redis restarting) only delays a mailing: the
schedule wakes it again.
"""

from __future__ import annotations

import enum
import logging
import smtplib
import time
import uuid
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db import connection as db_connection
from django_q.conf import Conf
from django_q.tasks import async_task

from ..conf import partner_settings
from ..models.mailings import Mailing, MailingRecipient, MailingStatus
from . import claims, lifecycle, rendering, throttle
from .claims import Batch, recover_stale_claims

__all__ = ["recover_stale_claims", "run", "tick", "wake"]

logger = logging.getLogger(__name__)

RUN = "alumni_partner.mailing.engine.run"
#: Without EMAIL_TIMEOUT, a silent server would hold a worker until the
#: cluster kills it; this bounds each SMTP exchange instead.
SMTP_TIMEOUT = 30
#: This many temporary failures in a row: the server is unwell, so the rest of
#: the batch goes back untried instead of burning everyone's attempts.
TEMPORARY_FAILURES_TO_PAUSE = 5
#: The database is out of reach (not a bad query): wait for it to come back.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
#: How many outages one task rides out before it gives up and fails.
OUTAGES_PER_TASK = 3


# --- waking -------------------------------------------------------------------


def wake(mailing_id: int, tasks: int | None = None) -> None:
    """Enqueue ``MAILING_PARALLEL_TASKS`` sending tasks once the transaction commits.

    Idempotent in effect: extra tasks find nothing left to claim and end.
    """
    count = tasks or partner_settings.MAILING_PARALLEL_TASKS
    transaction.on_commit(lambda: _enqueue(mailing_id, count))


def _enqueue(mailing_id: int, count: int) -> None:
    try:
        for _ in range(count):
            async_task(RUN, mailing_id, group=f"mailing-{mailing_id}")
    except Exception:  # noqa: BLE001 - any broker failure means the same
        # The broker is unreachable (Redis restarting): the rows are in the
        # database, and the schedule wakes every mailing with due rows.
        logger.warning(
            "Mailing %s: the task queue is unreachable; the schedule will wake it",
            mailing_id,
            exc_info=True,
        )


def default_time_budget() -> float:
    """How long a task may claim batches: half of django-q2's ``timeout``."""
    return (Conf.TIMEOUT or 240) / 2


def database_wait_seconds() -> float:
    """How long a task waits for an unreachable database before it fails.

    Half of ``MAILING_STALE_CLAIM_SECONDS`` at most (and a minute at most): a
    task that waits renews no lease, and its claim must not look stale to
    :func:`recover_stale_claims` meanwhile.
    """
    return min(60.0, partner_settings.MAILING_STALE_CLAIM_SECONDS / 2)


def wait_for_database(seconds: float) -> bool:
    """Reconnect until a query runs again, for up to ``seconds``; True if it did.

    A connection that met a restart is dead for good (Django reconnects only
    once it is closed), so each try closes it and opens a new one.
    """
    deadline = time.monotonic() + seconds
    delay = 0.25
    while True:
        with suppress(Exception):
            db_connection.close()
        try:
            with db_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DATABASE_UNREACHABLE:
            if time.monotonic() + delay > deadline:
                return False
            time.sleep(delay)
            delay = min(2 * delay, 2.0)
        else:
            return True


# --- the task -----------------------------------------------------------------


def run(mailing_id: int, *, time_budget: float | None = None) -> None:
    """Send the mailing's due rows until none is left, it stops, or time is up.

    After ``time_budget`` seconds (default: half of Q_CLUSTER's timeout) no new
    batch is claimed and a continuation task is enqueued; a batch still
    running at 1.25 × the budget (a slow rate limit) gives its unsent rows
    back first, which leaves room for one slow SMTP exchange before the
    cluster's timeout. A task always sends at least one message, so it always
    progresses.
    """
    budget = default_time_budget() if time_budget is None else time_budget
    started = time.monotonic()
    mailing = Mailing.objects.select_related("partner").filter(pk=mailing_id).first()
    if mailing is None or mailing.status != MailingStatus.SENDING:
        return  # deleted, stopped or finished since it was woken
    # Before claiming anything: a mailing that cannot be rendered fails here,
    # not with a batch of rows left claimed.
    courier = Courier(mailing, deadline=started + 1.25 * budget)
    batches = outages = 0
    while True:
        claim = None
        try:
            if batches and not _still_sending(mailing_id):
                return
            if batches and time.monotonic() - started >= budget:
                _hand_over(mailing_id)
                return
            # Chosen here, so that the rows can be given back even if the
            # database went away before the claim's commit was confirmed.
            claim = uuid.uuid4()
            batch = claims.claim_batch(
                mailing_id, partner_settings.MAILING_BATCH_SIZE, claim=claim
            )
            if batch is None:
                break
            batches += 1
            outcome = courier.deliver(batch)
        except DATABASE_UNREACHABLE:
            outages += 1
            if outages > OUTAGES_PER_TASK or not _ride_out(mailing_id, claim, courier):
                raise
            continue
        if outcome is Outcome.OUT_OF_TIME:
            _hand_over(mailing_id)
            return
        if outcome is not Outcome.DONE:
            return  # unreachable server or a lost claim: the schedule wakes it
    # Nothing due: finished, unless rows wait for a retry or others still send.
    lifecycle.finish_if_done(mailing)


def _ride_out(mailing_id: int, claim: uuid.UUID | None, courier: Courier) -> bool:
    """The database went away mid-task: wait for it, give the claim's rows back.

    False (the task then fails) if it stays away, or if a message's result
    could not be written: that row must stay claimed, for the recovery to
    mark it "unknown" rather than send it again.
    """
    if courier.unrecorded is not None:
        return False
    logger.warning("Mailing %s: database unreachable; waiting for it", mailing_id)
    if not wait_for_database(database_wait_seconds()):
        return False
    if claim is not None:
        released = claims.release(claim)
        logger.warning(
            "Mailing %s: database back; %d row(s) pending again", mailing_id, released
        )
    return True


def _still_sending(mailing_id: int) -> bool:
    status = (
        Mailing.objects.filter(pk=mailing_id).values_list("status", flat=True).first()
    )
    return status == MailingStatus.SENDING


def _hand_over(mailing_id: int) -> None:
    logger.info("Mailing %s: time budget used, continuing in a new task", mailing_id)
    transaction.on_commit(lambda: _enqueue(mailing_id, 1))


# --- one batch ----------------------------------------------------------------


class Outcome(enum.Enum):
    DONE = "done"  # every row of the batch has its result
    UNREACHABLE = "unreachable"  # the SMTP server is down: the rest went back
    OUT_OF_TIME = "out of time"  # the task's time is up: the rest went back
    LOST = "lost"  # the claim was taken over: stop without touching anything


@dataclass(frozen=True)
class Failure:
    """What went wrong with one message, and what to do about it."""

    text: str
    permanent: bool
    #: The connection is no longer usable: open a new one.
    reconnect: bool = False


def classify(error: Exception) -> Failure:
    """Permanent (5xx, an address that cannot be sent to) or temporary (the rest)."""
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        # smtplib closes the connection itself on a 421.
        return Failure(
            text, permanent=bool(codes) and min(codes) >= 500, reconnect=421 in codes
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Failure(text, permanent=False, reconnect=True)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return Failure(text, permanent=True)  # e.g. SMTPUTF8 for this address
    if isinstance(error, smtplib.SMTPResponseException):
        # 421: the server is closing the connection.
        code = error.smtp_code
        return Failure(text, permanent=code >= 500, reconnect=code == 421)
    if isinstance(error, OSError):
        # Timeouts, resets, refused connections: the socket is gone.
        return Failure(text, permanent=False, reconnect=True)
    # ValueError and friends: an address or header Django refuses to send.
    return Failure(text, permanent=True)


class Courier:
    """Sends batches of one mailing for one task: renderer, rate limit, deadline."""

    def __init__(self, mailing: Mailing, *, deadline: float) -> None:
        self.mailing = mailing
        self.deadline = deadline
        self.renderer = rendering.MailingRenderer(mailing)
        self.limiter = throttle.RateLimiter(partner_settings.MAILING_RATE_LIMIT)
        # Renew leases well within the stale delay, without a write per message.
        self.lease_seconds = min(10.0, partner_settings.MAILING_STALE_CLAIM_SECONDS / 4)
        #: The row whose message the server answered but whose result is not
        #: written yet (None otherwise).
        self.unrecorded: int | None = None
        #: Set when writing a result had to wait for the database.
        self.resumed = False

    def deliver(self, batch: Batch) -> Outcome:
        counts: Counter[str] = Counter()
        rows = claims.skip_suppressed(self.mailing, batch)
        counts["skipped"] = len(batch.rows) - len(rows)
        outcome = Outcome.DONE
        if rows:
            connection = get_connection(
                fail_silently=False, timeout=settings.EMAIL_TIMEOUT or SMTP_TIMEOUT
            )
            try:
                outcome = self._send(connection, batch, rows, counts)
            finally:
                with suppress(Exception):
                    connection.close()
        logger.info(
            "Mailing %s: batch of %d, %s: %s",
            self.mailing.pk,
            len(batch.rows),
            outcome.value,
            ", ".join(f"{n} {what}" for what, n in sorted(counts.items())),
        )
        return outcome

    def _send(self, connection, batch: Batch, rows, counts: Counter) -> Outcome:
        if not self._open(connection):
            counts["released"] += claims.release(batch.claim)
            return Outcome.UNREACHABLE
        lease_due = time.monotonic() + self.lease_seconds
        temporary_in_a_row = 0
        for index, row in enumerate(rows):
            now = time.monotonic()
            if index and now >= self.deadline:
                counts["released"] += claims.release(batch.claim)
                return Outcome.OUT_OF_TIME
            if now >= lease_due:
                if not claims.refresh(batch.claim):
                    return Outcome.LOST
                lease_due = now + self.lease_seconds
            self.limiter.wait()
            failure = self._send_one(connection, row)
            if failure is None:
                kept = self._record(row, claims.mark_sent, row, batch.claim)
                counts["sent"] += 1
                temporary_in_a_row = 0
            elif failure.permanent:
                kept = self._record(
                    row, claims.mark_failed, row, batch.claim, failure.text
                )
                counts["failed"] += 1
            else:
                kept = self._record(
                    row, claims.mark_retry, row, batch.claim, failure.text
                )
                counts["retried"] += 1
                temporary_in_a_row += 1
            if self.resumed:
                # After the wait the SMTP connection may be gone too: the rest
                # goes back, and the task claims it afresh on a new connection.
                self.resumed = False
                counts["released"] += claims.release(batch.claim)
                return Outcome.DONE
            if not kept:
                logger.warning(
                    "Mailing %s: claim %s taken over; stopping",
                    self.mailing.pk,
                    batch.claim,
                )
                return Outcome.LOST
            if failure is None or failure.permanent:
                continue
            if temporary_in_a_row >= TEMPORARY_FAILURES_TO_PAUSE or (
                failure.reconnect and not self._reopen(connection)
            ):
                counts["released"] += claims.release(batch.claim)
                return Outcome.UNREACHABLE
        return Outcome.DONE

    def _record(self, row: MailingRecipient, mark, *args) -> bool:
        """Write the server's answer for ``row`` (``mark(*args)``), whatever it takes.

        The message left (or was refused): if the database is away now, wait
        for it and write again. The write is guarded by the claim, which
        nobody takes over while we wait (see :func:`database_wait_seconds`),
        so a second write that changes nothing means the first one was
        committed before the connection died. If the database does not come
        back, the error goes up with ``unrecorded`` set, and the row stays
        claimed for the recovery.
        """
        self.unrecorded = row.pk
        try:
            kept = mark(*args)
        except DATABASE_UNREACHABLE:
            logger.warning(
                "Mailing %s: database unreachable while recording row %s; waiting",
                self.mailing.pk,
                row.pk,
            )
            if not wait_for_database(database_wait_seconds()):
                raise
            mark(*args)
            kept, self.resumed = True, True
        self.unrecorded = None
        return kept

    def _send_one(self, connection, row: MailingRecipient) -> Failure | None:
        try:
            message = self.renderer.message_for(row, connection=connection)
            if not connection.send_messages([message]):
                return Failure("No recipient address", permanent=True)
        except DatabaseError:
            raise  # not the message's fault: the row stays claimed, then recovered
        except Exception as error:  # noqa: BLE001 - every other error is the row's result
            if not isinstance(error, (OSError, ValueError)):
                # Neither SMTP nor a refused address: a bug worth a traceback.
                logger.exception(
                    "Mailing %s: cannot send row %s", self.mailing.pk, row.pk
                )
            return classify(error)
        return None

    def _open(self, connection) -> bool:
        try:
            connection.open()
        except OSError:
            logger.exception("Mailing %s: SMTP server unreachable", self.mailing.pk)
            return False
        return True

    def _reopen(self, connection) -> bool:
        with suppress(Exception):
            connection.close()
        return self._open(connection)


# --- the schedule -------------------------------------------------------------


def tick() -> None:
    """What the schedule runs every ``MAILING_TICK_MINUTES``; idempotent.

    Settles the rows of dead workers, wakes every sending mailing that has due
    rows and nobody working on it (a lost task, a server that was down, a
    retry now due), finishes those with nothing left, and starts the approved
    mailings whose date has come.
    """
    recover_stale_claims()
    for mailing in Mailing.objects.filter(status=MailingStatus.SENDING):
        if claims.has_due_rows(mailing.pk):
            if not claims.has_claims(mailing.pk):
                wake(mailing.pk)
        else:
            lifecycle.finish_if_done(mailing)
    # Last: a mailing started here is woken by start() itself.
    lifecycle.start_due_mailings()
