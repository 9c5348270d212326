"""Benchmark: a 100,000-recipient mailing sent by two ``qcluster`` workers (issue 6).

Run from the repository root, on PostgreSQL (a real cluster locks SQLite,
django-q2#144)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    DJANGO_SETTINGS_MODULE=alumni_site.settings.test \\
        .venv/bin/python tests/benchmarks/bench_mailing.py [--recipients 20000]

It builds a throwaway database ``alumni_bench_mailing`` (dropped afterwards
unless ``--keep``), a partner, an editor and one mailing of ``--recipients``
addresses (through ``recipients.resolve`` of typed addresses when that is
implemented, else a bulk insert; the time is reported), and starts an SMTP
sink in a process of its own (``smtp_sink.py``: aiosmtpd that only counts).

Measured in the same run, against the same sink:

- **send_mail loop**: Django's ``send_mail`` per address (one SMTP connection
  per message), on ``--send-mail-sample`` addresses, as a rate;
- **persistent connection**: one SMTP connection, each recipient's message
  rendered by ``MailingRenderer.message_for`` and sent with
  ``send_messages``, on ``--persistent-sample`` addresses: the practical limit
  of one Python sender, which records nothing;
- **engine, in process**: ``engine.run`` in this process on
  ``--inprocess-sample`` rows (claims, one UPDATE per message): the engine's
  own cost per message against the line above;
- **engine, cluster**: the whole mailing, from the editor's approval
  (``lifecycle.approve``) to the last row marked ``sent``, by ``--workers``
  ``qcluster`` workers (ORM broker on the same database).

CPU seconds of the sink, the cluster's processes, PostgreSQL and this process
are read from /proc during the cluster run: on two cores, the sink and the
database take their share. At the end the sink's recipients are compared with
the rows: zero duplicates, zero losses. Goals (issue 6): at least 80 % of the
persistent-connection rate, and at least 300 messages per second.

``--profile N`` prints a cProfile of ``engine.run`` in process on N rows.
``--async-commit`` is a what-if: ``synchronous_commit = off`` for the
benchmark database (one WAL flush per message is the engine's floor on a
slow disk). Sizes also come from ``BENCH_MAILING_RECIPIENTS``. The script
reports; its exit code does not depend on the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

try:
    from tests.benchmarks import harness
except ImportError:  # run as a script: the repository root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.benchmarks import harness

from tests.benchmarks.smtp_sink import Sink
from tests.smtp import free_port

BENCH_DB_NAME = "alumni_bench_mailing"
RECIPIENTS = int(os.environ.get("BENCH_MAILING_RECIPIENTS", "100000"))
#: Every recipient's domain: what the sink gets elsewhere is not the mailing.
DOMAIN = "@bench.example.org"
GOAL_SHARE = 0.80
GOAL_RATE = 300.0
BODY = (
    "<p>Bonjour {first_name},</p>"
    "<p>Le <b>forum des métiers de l'énergie</b> réunit cette année quarante "
    "entreprises et laboratoires. Venez rencontrer nos équipes, découvrir nos "
    "<i>offres de stage</i> et d'emploi, et assister aux tables rondes sur la "
    "transition énergétique.</p>"
    "<h2>Programme</h2>"
    "<ul><li>9 h : accueil des participants</li><li>10 h : tables rondes</li>"
    "<li>14 h : entretiens individuels</li></ul>"
    '<p>Inscriptions sur <a href="https://helios.example.com/forum">notre site</a>. '
    "Les places sont limitées.</p>"
    "<p>À bientôt,<br>L'équipe recrutement</p>"
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--recipients", type=int, default=RECIPIENTS, help=f"default {RECIPIENTS}"
    )
    parser.add_argument("--workers", type=int, default=2, help="qcluster workers")
    parser.add_argument(
        "--send-mail-sample", type=int, default=2000, help="default 2000"
    )
    parser.add_argument(
        "--persistent-sample", type=int, default=10000, help="default 10000"
    )
    parser.add_argument(
        "--inprocess-sample", type=int, default=5000, help="default 5000 (0: skip)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="interleaved rounds of the baselines"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="cProfile engine.run on N rows",
    )
    parser.add_argument(
        "--profile-clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="what the profile counts: CPU time (default) or wall time with waits",
    )
    parser.add_argument(
        "--no-cluster", action="store_true", help="skip the cluster run (profiling)"
    )
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="what-if: synchronous_commit = off on the benchmark database",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards"
    )
    return parser.parse_args(argv)


@dataclass
class Row:
    """One line of the result table, summed over its rounds."""

    label: str
    messages: int = 0
    seconds: float = 0.0
    #: CPU seconds of the sender(s), PostgreSQL and the SMTP sink.
    cpu_seconds: float = 0.0
    round_rates: list[float] = field(default_factory=list)

    def add(self, messages: int, seconds: float, cpu_seconds: float) -> None:
        self.messages += messages
        self.seconds += seconds
        self.cpu_seconds += cpu_seconds
        self.round_rates.append(messages / seconds)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    @property
    def best(self) -> float:
        return max(self.round_rates)

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.messages


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------


def addresses(count: int, prefix: str = "alumnus") -> list[str]:
    return [f"{prefix}{n:06d}{DOMAIN}" for n in range(count)]


def new_mailing(partner, subject: str = "Forum des métiers, {first_name}"):
    from alumni_partner.models import Mailing, MailingStatus

    return Mailing.objects.create(
        partner=partner,
        sender_name="Helios recrutement",
        sender_email="recrutement@helios.example.com",
        subject=subject,
        body=BODY,
        include_followers=False,
        status=MailingStatus.SUBMITTED,
    )


def bulk_rows(mailing, emails: list[str]) -> None:
    from alumni_partner.models import MailingRecipient
    from alumni_partner.models.mailings import RecipientSource

    MailingRecipient.objects.bulk_create(
        (
            MailingRecipient(
                mailing=mailing,
                email=email,
                first_name=f"Prénom{n}",
                last_name="Martin",
                source=RecipientSource.FILE,
            )
            for n, email in enumerate(emails)
        ),
        batch_size=5000,
    )
    mailing.recipient_count = len(emails)
    mailing.save(update_fields=["recipient_count"])


def build_recipients(mailing, count: int) -> tuple[str, float]:
    """The mailing's rows: through ``recipients.resolve`` if it is there."""
    from alumni_partner.mailing import recipients

    emails = addresses(count)
    mailing.extra_addresses = "\n".join(emails)
    mailing.save(update_fields=["extra_addresses"])
    started = time.perf_counter()
    try:
        recipients.resolve(mailing)
        how = "recipients.resolve() of typed addresses"
    except NotImplementedError:
        mailing.recipients.all().delete()
        started = time.perf_counter()
        bulk_rows(mailing, emails)
        how = "bulk insert (recipients.resolve() not implemented yet)"
    seconds = time.perf_counter() - started
    found = mailing.recipients.count()
    if found != count:
        raise SystemExit(f"{found} recipient rows instead of {count}")
    return how, seconds


def build(args):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from home.bootstrap import ensure_site
    from tests.benchmarks import content

    call_command("migrate", verbosity=0, interactive=False)
    ensure_site()
    partner = content.listed_partner("Helios Bench")
    editor = get_user_model().objects.create_user(
        username="editor@bench.example.org", email="editor@bench.example.org"
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    mailing = new_mailing(partner)
    print(f"  creating {args.recipients} recipients...", flush=True)
    how, seconds = build_recipients(mailing, args.recipients)
    analyze()
    return partner, editor, mailing, how, seconds


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------


def send_mail_chunk(renderer, rows) -> int:
    """Django's send_mail per address: a new SMTP connection per message.

    Each recipient's subject and bodies come from the same renderer as the
    other lines, so that only the connection differs.
    """
    from django.conf import settings
    from django.core.mail import send_mail

    sent = 0
    for row in rows:
        message = renderer.message_for(row)
        sent += send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [row.email],
            html_message=message.alternatives[0][0],
        )
    return sent


def persistent_chunk(renderer, rows) -> int:
    """One connection; each recipient's message rendered, then sent: the limit."""
    from django.core.mail import get_connection

    connection = get_connection()
    connection.open()
    sent = 0
    for row in rows:
        sent += connection.send_messages(
            [renderer.message_for(row, connection=connection)]
        )
    connection.close()
    return sent


def sample_mailing(partner, rows: int, prefix: str):
    """A mailing of ``rows`` other addresses, already sending."""
    from alumni_partner.models import MailingStatus

    mailing = new_mailing(partner, subject="Échantillon, {first_name}")
    bulk_rows(mailing, addresses(rows, prefix=prefix))
    mailing.status = MailingStatus.SENDING
    mailing.save(update_fields=["status"])
    return mailing


def baselines(partner, mailing, sink: Sink, args) -> tuple[list[Row], Row]:
    """The loops of the table, interleaved in ``--rounds`` rounds.

    A machine shared with other work slows whatever runs at that moment;
    interleaving spreads that over every line alike (as the page benchmarks do).
    """
    from alumni_partner.mailing import engine
    from alumni_partner.mailing.rendering import MailingRenderer

    rounds = args.rounds
    renderer = MailingRenderer(mailing)
    sample = list(
        mailing.recipients.order_by("pk")[
            : max(args.send_mail_sample, args.persistent_sample)
        ]
    )
    send_mail_row = Row("send_mail loop (a connection per message)")
    limit = Row("persistent connection: render + send (the limit)")
    in_process = Row("engine.run in process (one task)")
    db_clock = harness.database_cpu_clock()
    for n in range(rounds):
        by_connection = chunk(sample, args.send_mail_sample, rounds, n)
        persistent = chunk(sample, args.persistent_sample, rounds, n)
        measure(
            send_mail_row,
            sink,
            db_clock,
            lambda rows=by_connection: send_mail_chunk(renderer, rows),
        )
        measure(
            limit,
            sink,
            db_clock,
            lambda rows=persistent: persistent_chunk(renderer, rows),
        )
        if args.inprocess_sample:
            sending = sample_mailing(
                partner, args.inprocess_sample // rounds, prefix=f"round{n}-"
            )

            def run_engine(sending=sending) -> int:
                engine.run(sending.pk, time_budget=24 * 3600)
                return check_mailing(sending, "engine.run in process")

            measure(in_process, sink, db_clock, run_engine)
    rows = [send_mail_row, limit]
    if args.inprocess_sample:
        rows.append(in_process)
    return rows, limit


def limit_again(mailing, sink: Sink, args) -> Row:
    """The persistent-connection loop once more, on the same rows, in rounds."""
    from alumni_partner.mailing.rendering import MailingRenderer

    renderer = MailingRenderer(mailing)
    sample = list(mailing.recipients.order_by("pk")[: args.persistent_sample])
    again = Row("persistent connection, again after the cluster run")
    db_clock = harness.database_cpu_clock()
    for n in range(args.rounds):
        rows = chunk(sample, args.persistent_sample, args.rounds, n)
        measure(
            again, sink, db_clock, lambda rows=rows: persistent_chunk(renderer, rows)
        )
    return again


def chunk(sample: list, size: int, rounds: int, n: int) -> list:
    """Round ``n``'s share of the first ``size`` rows of ``sample``."""
    per_round = size // rounds
    return sample[n * per_round : (n + 1) * per_round]


def measure(row: Row, sink: Sink, db_clock, send) -> None:
    """Time ``send()`` (it returns how many messages it sent); check the sink."""
    from tests.cluster import cpu_seconds

    sink.reset()
    sink_start, db_start = cpu_seconds(sink.pid), db_clock()
    cpu_start, started = time.process_time(), time.perf_counter()
    sent = send()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_start
    cpu += db_clock() - db_start + cpu_seconds(sink.pid) - sink_start
    check_count(sink, sent, row.label)
    row.add(sent, seconds, cpu)


#: The engine's stages timed by :func:`stage_breakdown`: (module, attribute, label).
STAGES = [
    ("alumni_partner.mailing.engine", "run", "engine.run (everything)"),
    ("alumni_partner.mailing.rendering", "MailingRenderer.message_for", "render"),
    (
        "django.core.mail.backends.smtp",
        "EmailBackend.send_messages",
        "send_messages (Django: MIME, addresses, SMTP)",
    ),
    ("smtplib", "SMTP.sendmail", "  of which smtplib.sendmail"),
    ("alumni_partner.mailing.claims", "mark_sent", "mark_sent (one UPDATE)"),
    ("alumni_partner.mailing.claims", "claim_batch", "claim_batch"),
    ("alumni_partner.mailing.claims", "skip_suppressed", "skip_suppressed"),
    ("alumni_partner.mailing.claims", "refresh", "refresh (lease)"),
]


@contextlib.contextmanager
def stage_timers():
    """Wrap :data:`STAGES` to add up their CPU and wall time; yields the totals."""
    import importlib

    totals: dict[str, list[float]] = {}
    restore = []
    for module_name, path, label in STAGES:
        owner = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, name)

        def timed(*args, __original=original, __label=label, **kwargs):
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return __original(*args, **kwargs)
            finally:
                total = totals.setdefault(__label, [0.0, 0.0, 0])
                total[0] += time.process_time() - cpu
                total[1] += time.perf_counter() - wall
                total[2] += 1

        setattr(owner, name, timed)
        restore.append((owner, name, original))
    try:
        yield totals
    finally:
        for owner, name, original in restore:
            setattr(owner, name, original)


def profile_engine(partner, sink: Sink, rows: int, clock: str) -> None:
    """Where ``engine.run``'s time goes, in process: stages, then cProfile.

    The stage breakdown times a few functions without a profiler's overhead
    (CPU and wall milliseconds per message); cProfile counts CPU time, or
    wall time with the waits (``--profile-clock wall``).
    """
    from alumni_partner.mailing import engine

    mailing = sample_mailing(partner, rows, prefix="stages-")
    sink.reset()
    with stage_timers() as totals:
        engine.run(mailing.pk, time_budget=24 * 3600)
    sent = check_mailing(mailing, "engine stages")
    check_count(sink, sent, "engine stages")
    print(f"\nWhere engine.run's time goes, in process, {sent} messages:")
    table = [("stage", "calls", "CPU ms/msg", "wall ms/msg")]
    for _module, _path, label in STAGES:
        if label not in totals:
            continue
        cpu, wall, calls = totals[label]
        table.append(
            (label, str(calls), f"{1000 * cpu / sent:.3f}", f"{1000 * wall / sent:.3f}")
        )
    harness.print_table(table)

    mailing = sample_mailing(partner, rows, prefix="profile-")
    sink.reset()
    profiler = cProfile.Profile(
        time.process_time if clock == "cpu" else time.perf_counter
    )
    started = time.perf_counter()
    profiler.enable()
    engine.run(mailing.pk, time_budget=24 * 3600)
    profiler.disable()
    seconds = time.perf_counter() - started
    sent = check_mailing(mailing, "profiled engine")
    check_count(sink, sent, "profiled engine")
    print(
        f"cProfile ({clock} time) of engine.run in process: {sent} messages in "
        f"{seconds:.1f} s ({sent / seconds:.0f} msg/s under the profiler)"
    )
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


def check_count(sink: Sink, expected: int, what: str) -> None:
    got = sink.count()
    if got != expected:
        raise SystemExit(f"{what}: the sink received {got} messages, not {expected}")


def check_mailing(mailing, what: str) -> int:
    """Every row of ``mailing`` sent; how many."""
    from alumni_partner.models.mailings import RecipientStatus

    counts = Counter(mailing.recipients.values_list("status", flat=True))
    if set(counts) != {RecipientStatus.SENT}:
        raise SystemExit(f"{what}: rows left {dict(counts)}")
    return counts[RecipientStatus.SENT]


# --------------------------------------------------------------------------
# The cluster run
# --------------------------------------------------------------------------


@dataclass
class ClusterRun:
    row: Row
    first_seconds: float
    cpu: dict
    wall: float
    statuses: Counter
    received: int
    #: Other messages (the approval's notification to the partner).
    others: int
    duplicates: int
    lost: int
    unexpected: int
    tasks: int


class CpuMeter:
    """CPU seconds of processes, from /proc, between two readings."""

    def __init__(self, groups: dict) -> None:
        #: name -> function returning the pids to count now
        self.groups = groups
        self.start = {name: self._read(pids()) for name, pids in groups.items()}
        self.wall = time.perf_counter()
        self.process = time.process_time()

    @staticmethod
    def _read(pids) -> dict[int, float]:
        from tests.cluster import cpu_seconds

        return {pid: cpu_seconds(pid) for pid in pids}

    def stop(self) -> tuple[dict[str, float], float]:
        used = {}
        for name, pids in self.groups.items():
            now = self._read(pids())
            used[name] = sum(
                max(0.0, cpu - self.start[name].get(pid, 0.0))
                for pid, cpu in now.items()
            )
        used["benchmark process"] = time.process_time() - self.process
        return used, time.perf_counter() - self.wall


def postgres_pids() -> list[int]:
    """Server processes working for the benchmark database (backends, autovacuum).

    Other databases on the same server (other people's tests) are left out;
    so are the shared WAL writer and checkpointer.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def cluster_run(mailing, editor, sink: Sink, args, folder: Path) -> ClusterRun:
    from django.db.models import Max, Min
    from django.utils import timezone
    from django_q.models import Task

    from alumni_partner.mailing import engine, lifecycle
    from alumni_partner.models import Mailing, MailingStatus
    from tests.cluster import QCluster, cluster_environment

    sink.reset()
    env = cluster_environment(workers=args.workers, smtp=sink)
    with QCluster(workers=args.workers, env=env) as cluster:
        ready = cluster.wait_ready()
        print(f"  cluster of {args.workers} workers ready in {ready:.1f} s", flush=True)
        meter = CpuMeter(
            {
                "SMTP sink": lambda: [sink.pid],
                "qcluster (all processes)": cluster.group_pids,
                "PostgreSQL (the database's backends)": postgres_pids,
            }
        )
        approved_at = timezone.now()
        if not lifecycle.approve(mailing, editor):
            raise SystemExit("the approval was refused")
        next_report = time.monotonic() + 15
        while True:
            status = (
                Mailing.objects.filter(pk=mailing.pk).values_list("status", flat=True)
            ).get()
            if status == MailingStatus.SENT:
                break
            if not cluster.running:
                raise SystemExit(f"the cluster died:\n{cluster.output()}")
            if time.monotonic() >= next_report:
                done = sink.count()
                elapsed = (timezone.now() - approved_at).total_seconds()
                print(
                    f"  {done} sent after {elapsed:.0f} s ({done / elapsed:.0f} msg/s)",
                    flush=True,
                )
                next_report += 15
            time.sleep(0.2)
        cpu, wall = meter.stop()
        tasks = Task.objects.filter(func=engine.RUN).count()
    span = mailing.recipients.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    seconds = (span["last"] - approved_at).total_seconds()
    statuses = Counter(mailing.recipients.values_list("status", flat=True))
    everything = Counter(sink.recipients(folder))
    # The approval also mails the partner (notifications.py): only the
    # mailing's own domain is counted against the rows.
    received = Counter(
        {email: n for email, n in everything.items() if email.endswith(DOMAIN)}
    )
    sent = set(mailing.recipients.filter(status="sent").values_list("email", flat=True))
    row = Row(f"engine: {args.workers} qcluster workers, approval → last sent")
    row.add(statuses["sent"], seconds, sum(cpu.values()) - cpu["benchmark process"])
    return ClusterRun(
        row=row,
        first_seconds=(span["first"] - approved_at).total_seconds(),
        cpu=cpu,
        wall=wall,
        statuses=statuses,
        received=sum(received.values()),
        others=sum(everything.values()) - sum(received.values()),
        duplicates=sum(n - 1 for n in received.values() if n > 1),
        lost=len(sent - set(received)),
        unexpected=len(set(received) - sent),
        tasks=tasks,
    )


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def report(rows: list[Row], limit: Row, run: ClusterRun | None, facts: dict) -> None:
    harness.print_environment(facts["database"])
    print(
        f"Recipients: {facts['recipients']} rows in {facts['build_seconds']:.1f} s "
        f"({facts['recipients'] / facts['build_seconds']:.0f} rows/s), by "
        f"{facts['build_how']}."
    )
    print(
        f"SMTP sink: aiosmtpd in its own process on 127.0.0.1, counting only; "
        f"PostgreSQL synchronous_commit={facts['synchronous_commit']}; "
        f"MAILING_BATCH_SIZE={facts['batch']}, MAILING_PARALLEL_TASKS="
        f"{facts['parallel']}, MAILING_RATE_LIMIT={facts['rate_limit']}."
    )
    print()
    print(
        f"Baselines and engine.run interleaved in {facts['rounds']} rounds; msg/s: "
        "all rounds together; best: the fastest round; CPU: sender process(es) + "
        "PostgreSQL + SMTP sink, per message (unaffected by other processes' load)."
    )
    table = [
        ("method", "messages", "seconds", "msg/s", "best", "CPU ms/msg", "vs limit")
    ]
    for row in rows:
        table.append(
            (
                row.label,
                str(row.messages),
                f"{row.seconds:.1f}",
                f"{row.rate:.0f}",
                f"{row.best:.0f}" if len(row.round_rates) > 1 else "–",
                f"{row.cpu_ms:.2f}",
                f"{row.rate / limit.rate:.0%}",
            )
        )
    harness.print_table(table)
    if run is None:
        return
    rate, share = run.row.rate, run.row.rate / limit.rate
    print(
        f"'vs limit': against the faster of the two persistent-connection runs "
        f"({limit.rate:.0f} msg/s)."
    )
    print(
        f"Goal ≥ {GOAL_SHARE:.0%} of the persistent-connection rate: "
        + ("met" if share >= GOAL_SHARE else "NOT met")
        + f" ({share:.0%}). Goal ≥ {GOAL_RATE:.0f} msg/s: "
        + ("met" if rate >= GOAL_RATE else "NOT met")
        + f" ({rate:.0f} msg/s)."
    )
    print(
        f"First message {run.first_seconds:.1f} s after the approval; "
        f"{run.tasks} engine tasks ran."
    )
    cores = os.cpu_count() or 1
    print(
        f"CPU during the cluster run ({run.wall:.0f} s wall × {cores} cores = "
        f"{run.wall * cores:.0f} CPU s available):"
    )
    for name, seconds in run.cpu.items():
        print(
            f"  {name}: {seconds:.1f} s ({seconds / (run.wall * cores):.0%} of the "
            f"machine, {1000 * seconds / max(1, run.row.messages):.2f} ms/message)"
        )
    print(
        f"Check: rows {dict(run.statuses)}; the sink received {run.received} "
        f"copies of the mailing (and {run.others} other message(s): the "
        f"approval's notification): "
        f"{run.duplicates} duplicates, {run.lost} rows marked sent but not "
        f"received, {run.unexpected} received without a sent row: "
        + (
            "zero duplicates, zero losses."
            if not (run.duplicates or run.lost or run.unexpected)
            and set(run.statuses) == {"sent"}
            else "FAILED."
        )
    )
    print()


def synchronous_commit(off: bool) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if off:
            cursor.execute(
                f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
                "SET synchronous_commit = off"
            )
            cursor.execute("SET synchronous_commit = off")
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise SystemExit(
            "PostgreSQL only (DATABASE_URL=postgres://...): SQLite "
            "locks under a real cluster (django-q2#144)."
        )
    port = free_port()
    # Before Django reads its settings: this process enqueues to the broker
    # and mails through SMTP to the sink, like the cluster it starts.
    os.environ.update(
        {
            "ALUMNI_TEST_QCLUSTER": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
        }
    )
    os.environ.pop("REDIS_URL", None)

    def body(database_label: str) -> None:
        from alumni_partner.conf import partner_settings

        sink = Sink(port)
        try:
            with tempfile.TemporaryDirectory() as folder:
                print(f"Building the mailing in the {database_label}...", flush=True)
                partner, editor, mailing, how, build_seconds = build(args)
                facts = {
                    "database": database_label,
                    "recipients": args.recipients,
                    "build_how": how,
                    "build_seconds": build_seconds,
                    "synchronous_commit": synchronous_commit(args.async_commit),
                    "batch": partner_settings.MAILING_BATCH_SIZE,
                    "parallel": partner_settings.MAILING_PARALLEL_TASKS,
                    "rate_limit": partner_settings.MAILING_RATE_LIMIT,
                    "rounds": args.rounds,
                }
                print(f"Baselines, {args.rounds} rounds...", flush=True)
                rows, limit = baselines(partner, mailing, sink, args)
                run = None
                if not args.no_cluster:
                    print("Sending through the cluster...", flush=True)
                    run = cluster_run(mailing, editor, sink, args, Path(folder))
                    rows.append(run.row)
                    # The cluster run cannot be interleaved with the limit:
                    # measure the limit again after it; the faster one counts.
                    again = limit_again(mailing, sink, args)
                    rows.append(again)
                    limit = max(limit, again, key=lambda row: row.rate)
                report(rows, limit, run, facts)
                if args.profile:
                    profile_engine(partner, sink, args.profile, args.profile_clock)
        finally:
            sink.stop()

    return harness.run(BENCH_DB_NAME, args.keep, body)


if __name__ == "__main__":
    sys.exit(main())
