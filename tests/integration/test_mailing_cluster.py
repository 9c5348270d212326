"""The sending engine under a real django-q2 cluster (issue 6, "Bad input").

Each test starts ``manage.py qcluster`` (``tests.cluster.QCluster``: two
workers, the ORM broker on the test database) and an SMTP server in this
process (``tests.smtp``), sends a mailing, then counts what the server
received against the recipient rows: zero duplicates, zero losses, through a
SIGKILL of the whole cluster, a server that drops the connection and greylists
addresses, and a mailing woken twice.

PostgreSQL only: SQLite locks under a real cluster (django-q2#144), and
production runs PostgreSQL (DESIGN.md §10). The rows must be committed for the
subprocess to see them, hence ``transaction=True`` (with
``serialized_rollback``, as the browser tests).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_q.models import Task

from alumni_partner.mailing import engine, lifecycle
from alumni_partner.models import Mailing, MailingRecipient, MailingStatus
from alumni_partner.models.mailings import RecipientSource, RecipientStatus
from tests.cluster import QCluster, tasks_to_broker, wait_until
from tests.smtp import FaultyHandler, SMTPServer

pytestmark = [
    # Committed rows, and the flush afterwards restores the migrations' rows
    # (Wagtail's root page, locales, groups).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a real qcluster needs PostgreSQL: SQLite locks under a cluster "
        "(django-q2#144), and production runs PostgreSQL (DESIGN.md §10)",
    ),
]

#: Generous: two of these tests may run at once under ``-n 2`` on two cores.
SEND_SECONDS = 120
#: Every recipient's domain. The approval also mails the partner
#: (notifications.py): only this domain is counted against the rows.
DOMAIN = "@cluster.test"


# --- a mailing, approved the way an editor does it ----------------------------------


def make_mailing(partner, count: int) -> Mailing:
    """A submitted mailing of ``count`` extra addresses (rows written in bulk)."""
    mailing = Mailing.objects.create(
        partner=partner,
        sender_name="Acme",
        sender_email="news@acme.test",
        subject="Forum emploi, {first_name}",
        body="<p>Bonjour {first_name} {last_name},</p><p>Venez au forum.</p>",
        status=MailingStatus.SUBMITTED,
        submitted_at=timezone.now(),
        recipient_count=count,
    )
    MailingRecipient.objects.bulk_create(
        (
            MailingRecipient(
                mailing=mailing,
                email=f"alumnus{n:05d}{DOMAIN}",
                first_name=f"Prénom{n}",
                last_name="Test",
                source=RecipientSource.EXTRA,
            )
            for n in range(count)
        ),
        batch_size=1000,
    )
    return mailing


def approve(mailing: Mailing, editor) -> None:
    """The editor validates: on commit the mailing starts and wakes the engine."""
    with tasks_to_broker():
        assert lifecycle.approve(mailing, editor)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENDING


def rows(mailing: Mailing) -> dict[str, str]:
    """Address → status of every recipient row."""
    return dict(mailing.recipients.values_list("email", "status"))


def received_copies(smtp: SMTPServer) -> Counter:
    """How many copies of the mailing each address received."""
    return Counter(email for email in smtp.recipients if email.endswith(DOMAIN))


def statuses(mailing: Mailing) -> Counter:
    return Counter(mailing.recipients.values_list("status", flat=True))


def settled(mailing: Mailing) -> bool:
    """No row waits or is being sent."""
    return not mailing.recipients.filter(
        status__in=(RecipientStatus.PENDING, RecipientStatus.SENDING)
    ).exists()


def idle(mailing: Mailing) -> bool:
    """No row is being sent and none is due: only retries later remain, if any."""
    now = timezone.now()
    waiting = mailing.recipients.filter(status=RecipientStatus.PENDING)
    return (
        not mailing.recipients.filter(status=RecipientStatus.SENDING).exists()
        and not waiting.filter(next_attempt_at__isnull=True).exists()
        and not waiting.filter(next_attempt_at__lte=now).exists()
    )


def finished(mailing: Mailing) -> bool:
    """Every row settled and the mailing marked sent (by the last task, or a tick)."""
    status = Mailing.objects.filter(pk=mailing.pk).values_list("status", flat=True)
    return status.get() == MailingStatus.SENT and settled(mailing)


def wait_sent(mailing: Mailing, cluster: QCluster) -> None:
    wait_until(
        lambda: finished(mailing),
        timeout=SEND_SECONDS,
        what=f"mailing {mailing.pk} to be sent ({statuses(mailing)})",
        interval=0.1,
        cluster=cluster,
    )
    mailing.refresh_from_db()


def assert_exactly_once(smtp: SMTPServer, mailing: Mailing) -> None:
    """Every row sent, every address received once: no duplicate, no loss."""
    received = received_copies(smtp)
    expected = rows(mailing)
    duplicates = {email: n for email, n in received.items() if n > 1}
    assert not duplicates, f"{len(duplicates)} addresses received twice or more"
    assert set(received) == set(expected), (
        f"{len(set(expected) - set(received))} lost, "
        f"{len(set(received) - set(expected))} unexpected"
    )
    assert set(expected.values()) == {RecipientStatus.SENT}, statuses(mailing)
    assert mailing.status == MailingStatus.SENT


def engine_runs(mailing: Mailing) -> int:
    """How many engine tasks the cluster ran for the mailing."""
    return Task.objects.filter(
        func=engine.RUN, group=f"mailing-{mailing.pk}", success=True
    ).count()


@pytest.fixture
def cluster(db, smtp_server):
    """Two qcluster workers, ready, sending to the test's SMTP server.

    Stopped before the database is flushed (it depends on ``db``).
    """
    with QCluster(smtp=smtp_server, workers=2) as running:
        running.wait_ready()
        yield running


# --- the tests -----------------------------------------------------------------------


def test_two_workers_send_every_address_exactly_once(
    partner, editor, smtp_server, cluster
):
    mailing = make_mailing(partner, 2000)

    approve(mailing, editor)
    wait_sent(mailing, cluster)

    assert_exactly_once(smtp_server, mailing)
    assert received_copies(smtp_server).total() == 2000
    # Both tasks of the wake ran (MAILING_PARALLEL_TASKS = 2).
    wait_until(
        lambda: engine_runs(mailing) >= 2,
        timeout=30,
        what="the two engine tasks",
        cluster=cluster,
    )
    # The message is the mailing, merged for its recipient.
    message = next(
        m for m in smtp_server.messages if m["To"] == f"alumnus00042{DOMAIN}"
    )
    assert message["Subject"] == "Forum emploi, Prénom42"
    assert "Prénom42 Test" in smtp_server.body(message)


def test_sigkill_mid_batch_loses_nothing_and_sends_nobody_twice(partner, editor):
    """The whole cluster dies by SIGKILL; recovery, then a new cluster, finish."""
    # A slowish relay (2 ms a message), and the kill after 250 messages: with
    # batches of 200, at least one worker is in the middle of one.
    with SMTPServer(delay=0.002) as smtp:
        mailing = make_mailing(partner, 600)
        with QCluster(smtp=smtp, workers=2) as first:
            first.wait_ready()
            approve(mailing, editor)
            smtp.wait_for(250, timeout=SEND_SECONDS)
            first.kill()
        assert not first.group_pids(), "a process of the cluster survived SIGKILL"

        in_flight = mailing.recipients.filter(status=RecipientStatus.SENDING)
        killed_claims = set(in_flight.values_list("claim", flat=True))
        assert 1 <= len(killed_claims) <= 2, "each worker holds one claim at most"
        received_before = received_copies(smtp)
        # A dead worker's lease gets old: fast-forward rather than wait for it.
        in_flight.update(claimed_at=timezone.now() - timedelta(hours=1))
        with tasks_to_broker():
            engine.tick()  # recovery, then a new wake (no live claim is left)
        after_recovery = statuses(mailing)
        assert after_recovery[RecipientStatus.SENDING] == 0
        assert 1 <= after_recovery[RecipientStatus.UNKNOWN] <= len(killed_claims)

        with QCluster(smtp=smtp, workers=2) as second:
            wait_sent(mailing, second)

        received = received_copies(smtp)
        by_status = rows(mailing)

    duplicates = {email for email, n in received.items() if n > 1}
    assert not duplicates, f"sent twice: {sorted(duplicates)[:5]}"
    assert set(by_status.values()) <= {RecipientStatus.SENT, RecipientStatus.UNKNOWN}
    unknown = {e for e, s in by_status.items() if s == RecipientStatus.UNKNOWN}
    sent = {e for e, s in by_status.items() if s == RecipientStatus.SENT}
    # At most the one message in flight per killed claim is in doubt...
    assert len(unknown) <= len(killed_claims)
    # ...and it was not sent again after the crash.
    assert all(received[email] == received_before[email] for email in unknown)
    assert sent <= set(received), f"{len(sent - set(received))} marked sent, lost"
    assert set(received) <= sent | unknown
    assert len(sent) + len(unknown) == 600
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


def test_dropped_connections_and_greylisting_deliver_exactly_once(partner, editor):
    """The relay hangs up twice mid-batch and answers 451 to some addresses."""
    greylisted = {f"alumnus{n:05d}{DOMAIN}": 1 for n in range(7, 600, 40)}
    handler = FaultyHandler(refuse=greylisted, drop_at=(120, 410), domain=DOMAIN)
    with SMTPServer(handler=handler) as smtp:
        mailing = make_mailing(partner, 600)
        with QCluster(smtp=smtp, workers=2) as cluster:
            cluster.wait_ready()
            approve(mailing, editor)
            for _ in range(5):  # each retry round is due one backoff later
                wait_until(
                    lambda: idle(mailing),
                    timeout=SEND_SECONDS,
                    what=f"mailing {mailing.pk} to go idle ({statuses(mailing)})",
                    interval=0.1,
                    cluster=cluster,
                )
                if settled(mailing):
                    break
                retries = mailing.recipients.filter(status=RecipientStatus.PENDING)
                assert all(row.attempts >= 1 for row in retries)
                # The backoff is a minute or more: make the retries due now.
                retries.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
                with tasks_to_broker():
                    engine.tick()
            wait_sent(mailing, cluster)

    assert handler.dropped == 2, "the server hung up twice"
    assert set(handler.refused) == set(greylisted), "every greylisted address refused"
    assert_exactly_once(smtp, mailing)
    retried = mailing.recipients.filter(attempts__gte=1)
    # The greylisted addresses, and the two messages the hang-ups cut off.
    assert set(greylisted) <= set(retried.values_list("email", flat=True))
    assert retried.count() == len(greylisted) + 2


def test_double_click_and_extra_wakes_send_once(partner, editor, smtp_server, cluster):
    """Two clicks on "Envoyer", a second start and two more wakes: one copy each."""
    mailing = make_mailing(partner, 600)

    with tasks_to_broker():
        assert lifecycle.approve(mailing, editor)
        assert not lifecycle.approve(mailing, editor), (
            "the second click changes nothing"
        )
        assert not lifecycle.start(mailing), "already sending"
        engine.wake(mailing.pk)
        engine.wake(mailing.pk)
    wait_sent(mailing, cluster)

    assert_exactly_once(smtp_server, mailing)
    # Three wakes of two tasks each all ran; the extra ones found nothing to claim.
    wait_until(
        lambda: engine_runs(mailing) >= 6,
        timeout=30,
        what="the six engine tasks",
        cluster=cluster,
    )
    assert received_copies(smtp_server).total() == 600
