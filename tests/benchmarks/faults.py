"""Faults (issue 8, build item 5): PostgreSQL and Redis restart under the running site.

Run by hand from the repository root, as root (it starts and restarts
database servers); never collected by pytest::

    .venv/bin/python tests/benchmarks/faults.py                  # private servers
    .venv/bin/python tests/benchmarks/faults.py --postgres service --redis service

It starts the production stack of ``tests/deployment/stack.py`` (gunicorn with
two workers and one ``qcluster`` with two workers, ``alumni_site.settings.production``)
on a scratch database ``alumni_faults``, with an SMTP server in this process,
then:

1. **Web**: ``--threads`` threads request a mix of pages (home, partner index,
   partner page, ``/health/web/``, and a member's profile page, logged in) without
   pause; PostgreSQL is restarted, then Redis. Every response is recorded with
   its time: how long the errors last after each restart, what they were (503
   from ``alumni_partner.outage``, or worse: 500, a reset connection), and
   whether the site answered 200 again without restarting gunicorn.
2. **Mailing, PostgreSQL**: an editor approves a mailing of ``--recipients``
   addresses over HTTP; once a third has arrived, PostgreSQL is restarted.
3. **Mailing, Redis**: the same with a second mailing and a restart of Redis.

After each mailing: every row's status, the copies each address received
(zero duplicates, zero losses wanted), how long sending stalled, and whether
the cluster carried on by itself (same processes, a heartbeat after the fault).

Servers: ``--postgres private`` (default) runs a PostgreSQL cluster of its own
(``initdb`` in a temporary folder, as the ``postgres`` user, on a free port),
``--postgres service`` restarts the machine's cluster
(``pg_ctlcluster --skip-systemctl-redirect <version> main restart``), which
breaks every other connection to it: other test runs fail meanwhile. The same
for ``--redis private`` (a ``redis-server`` of its own) and ``--redis service``
(``redis-cli shutdown nosave``, then ``redis-server --daemonize yes`` with
the CI's options). The script reports; its exit code is 0 unless it could not
run, or a mailing lost or duplicated a message.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path

try:
    from tests.benchmarks import harness
except ImportError:  # run as a script: the repository root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.benchmarks import harness

from tests.deployment.stack import (
    HEALTH_WEB,
    HEALTH_WORKER,
    HOST,
    Browser,
    RedisDatabase,
    Stack,
    redis_reachable,
    wait_for,
)
from tests.smtp import SMTPServer, free_port

DB_NAME = "alumni_faults"
SERVICE_PG = "postgres://postgres@127.0.0.1:5432/postgres"
SERVICE_REDIS = "redis://127.0.0.1:6379/0"
REDIS_SERVICE_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]
OK_STATUSES = {200, 301, 302, 304}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- the servers ---------------------------------------------------------------


def _as_postgres(*argv: str) -> None:
    # No pipes: the server that pg_ctl starts would hold them open for good.
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *argv],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _pg_bin(name: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda p: p.name)
    return str(versions[-1] / "bin" / name)


class PrivatePostgres:
    """A PostgreSQL cluster of the script's own: restarting it harms no one."""

    kind = "private"

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="alumni-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port(HOST)
        shutil.chown(self.folder, "postgres", "postgres")
        self.url = f"postgres://postgres@{HOST}:{self.port}/postgres"

    def start(self) -> None:
        _as_postgres(
            _pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses={HOST}"
        _as_postgres(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def restart(self) -> None:
        # pg_ctlcluster's default: "fast" (sessions are terminated).
        _as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-l",
                     str(self.folder / "log"), "-m", "fast", "-w", "restart")  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            _as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate",
                         "-w", "stop")  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


class ServicePostgres:
    """The machine's PostgreSQL service: its restart cuts every other client too."""

    kind = "service"
    url = SERVICE_PG

    def start(self) -> None:
        pass

    def restart(self) -> None:
        version = sorted(os.listdir("/etc/postgresql"), key=float)[-1]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
        )

    def stop(self) -> None:
        pass


class PrivateRedis:
    """A ``redis-server`` of the script's own, without persistence (as the CI's)."""

    kind = "private"

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="alumni-faults-redis-"))
        self.port = free_port(HOST)
        self.url = f"redis://{HOST}:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", HOST,
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: redis_reachable(self.url), timeout=10, what="redis-server")

    def restart(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
        )
        self.process.wait(timeout=10)
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class ServiceRedis:
    """The machine's Redis (the CI's): a restart empties it for everyone."""

    kind = "service"

    def __init__(self) -> None:
        self.reserved: RedisDatabase | None = None

    @property
    def url(self) -> str:
        return self.reserved.url

    def start(self) -> None:
        self.reserved = RedisDatabase.reserve(SERVICE_REDIS)

    def restart(self) -> None:
        subprocess.run(["redis-cli", "shutdown", "nosave"], capture_output=True)
        wait_for(
            lambda: not redis_reachable(SERVICE_REDIS), timeout=10, what="shutdown"
        )
        subprocess.run(REDIS_SERVICE_START, check=True, stdout=subprocess.DEVNULL)
        wait_for(lambda: redis_reachable(SERVICE_REDIS), timeout=10, what="Redis")

    def stop(self) -> None:
        if self.reserved:
            self.reserved.release()


@dataclass
class Fault:
    """One restart: when it began and when the restart command returned."""

    name: str
    began: float = 0.0
    returned: float = 0.0

    def run(self, restart) -> None:
        log(f"restarting {self.name}")
        self.began = time.monotonic()
        restart()
        self.returned = time.monotonic()
        log(f"{self.name} restarted in {self.returned - self.began:.2f} s")


# --- web load ------------------------------------------------------------------


@dataclass
class Sample:
    started: float
    ended: float
    path: str
    status: int | None  # None: no HTTP answer (see error)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    @property
    def outcome(self) -> str:
        return str(self.status) if self.status is not None else self.error


def fetch(base_url: str, path: str, cookie: str = "") -> Sample:
    headers = {"X-Forwarded-Proto": "https", "Accept-Language": "fr"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(base_url + path, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            status, error = response.status, ""
    except urllib.error.HTTPError as answer:
        status, error = answer.code, ""
    except (urllib.error.URLError, OSError, HTTPException) as failure:
        reason = getattr(failure, "reason", failure)
        status, error = None, type(reason).__name__
    return Sample(started, time.monotonic(), path, status, error)


class Load:
    """Threads requesting ``paths`` in turn, without pause, recording each answer."""

    def __init__(self, base_url: str, paths: list[str], threads: int, cookie: str):
        self.base_url, self.paths, self.cookie = base_url, paths, cookie
        self.samples: list[Sample] = []
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True)
            for n in range(threads)
        ]

    def _run(self, n: int) -> None:
        index = n
        while not self.stopping.is_set():
            path = self.paths[index % len(self.paths)]
            index += 1
            # Only the member's page carries the member's session.
            cookie = self.cookie if path.startswith("/accounts/") else ""
            self.samples.append(fetch(self.base_url, path, cookie))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def _latency(samples: list[Sample]) -> str:
    times = sorted(s.ended - s.started for s in samples if s.ok)
    if not times:
        return "–"
    p50, p95 = (
        times[len(times) // 2],
        times[min(len(times) - 1, len(times) * 95 // 100)],
    )
    return f"{p50 * 1000:.0f} / {p95 * 1000:.0f} ms"


def web_report(samples: list[Sample], faults: list[Fault], end: float) -> list[dict]:
    """Per fault: the answers received from its start to the next fault (or the end).

    An answer belongs to the window in which it arrived: a request in flight
    when the restart began is the restart's.
    """
    rows = []
    for n, fault in enumerate(faults):
        until = faults[n + 1].began if n + 1 < len(faults) else end
        window = [s for s in samples if fault.began <= s.ended < until]
        bad = [s for s in window if not s.ok]
        last_bad = max((s.ended for s in bad), default=None)
        after = [s for s in window if last_bad is not None and s.started > last_bad]
        rows.append(
            {
                "fault": fault.name,
                "restart_s": fault.returned - fault.began,
                "requests": len(window),
                "rate": len(window) / (until - fault.began),
                "latency": _latency(window),
                "outcomes": Counter(s.outcome for s in window),
                "first_error_s": (
                    min(s.ended for s in bad) - fault.began if bad else None
                ),
                "errors_until_s": (last_bad - fault.began) if bad else 0.0,
                "ok_after": len(after),
                "recovered": all(s.ok for s in after) and bool(after or not bad),
                "bad_paths": Counter(s.path for s in bad),
            }
        )
    return rows


def per_second(samples: list[Sample], since: float, seconds: int) -> list[str]:
    """Answers per second after ``since``: "200×n 503×m" for each second."""
    lines = []
    for second in range(seconds):
        inside = [s for s in samples if since + second <= s.ended < since + second + 1]
        outcomes = Counter(s.outcome for s in inside)
        lines.append(" ".join(f"{k}×{v}" for k, v in sorted(outcomes.items())) or "-")
    return lines


# --- the mailings ----------------------------------------------------------------


def db_retry(read, *, seconds: float = 120.0):
    """``read()``, reconnecting while this process's database connection is cut."""
    from django.db import InterfaceError, OperationalError, connection

    deadline = time.monotonic() + seconds
    while True:
        try:
            return read()
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                raise
            with contextlib.suppress(Exception):
                connection.close()
            time.sleep(0.2)


@dataclass
class MailingRun:
    name: str
    mailing_id: int
    prefix: str
    fault: Fault = field(default_factory=lambda: Fault(""))
    approved: float = 0.0
    finished: float = 0.0
    timeline: list[tuple[float, int]] = field(default_factory=list)
    rows: Counter = field(default_factory=Counter)
    copies: Counter = field(default_factory=Counter)
    addresses: set[str] = field(default_factory=set)
    in_doubt: list[str] = field(default_factory=list)
    #: Seconds after the restart until a worker ran the heartbeat schedule.
    heartbeat: float | None = None

    @property
    def duplicates(self) -> int:
        return sum(1 for n in self.copies.values() if n > 1)

    @property
    def losses(self) -> int:
        return len(self.addresses - set(self.copies))

    def longest_stall(self) -> float:
        """The longest time after the fault with no new message at the server."""
        gaps, last = [0.0], None
        for moment, count in self.timeline:
            if moment < self.fault.began:
                continue
            if last is None or count > last[1]:
                if last is not None:
                    gaps.append(moment - last[0])
                last = (moment, count)
        return max(gaps)


def sent_count(smtp: SMTPServer, prefix: str) -> int:
    return sum(1 for r in smtp.recipients if r.startswith(prefix))


def run_mailing(
    run: MailingRun, *, stack, smtp, editor: Browser, restart, total: int, timeout
):
    from django.urls import reverse

    from alumni_partner.models import Mailing, MailingStatus
    from alumni_partner.models.mailings import RecipientStatus

    review = reverse("alumni_partner_mailings:review", args=[run.mailing_id])
    answer = editor.post_form(review, {"decision": "approve", "comment": ""})
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    run.approved = time.monotonic()
    log(f"{run.name}: approved, {total} recipients")

    def sample() -> int:
        count = sent_count(smtp, run.prefix)
        run.timeline.append((time.monotonic(), count))
        return count

    wait_for(
        lambda: sample() >= total // 3,
        timeout=timeout,
        what="a third of the mailing",
        stack=stack,
        interval=0.05,
    )
    run.fault.run(restart)

    def done() -> bool:
        sample()
        pending = (RecipientStatus.PENDING, RecipientStatus.SENDING)
        status = db_retry(
            lambda: Mailing.objects.values_list("status", flat=True).get(
                pk=run.mailing_id
            )
        )
        waiting = db_retry(
            lambda: (
                Mailing.objects.get(pk=run.mailing_id)
                .recipients.filter(status__in=pending)
                .exists()
            )
        )
        return status == MailingStatus.SENT and not waiting

    wait_for(done, timeout=timeout, what=f"{run.name} to finish", stack=stack,
             interval=0.25)  # fmt: skip
    run.finished = time.monotonic()
    mailing = db_retry(lambda: Mailing.objects.get(pk=run.mailing_id))
    run.rows = Counter(mailing.recipients.values_list("status", flat=True))
    run.addresses = set(mailing.recipients.values_list("email", flat=True))
    run.in_doubt = list(
        mailing.recipients.filter(status=RecipientStatus.UNKNOWN).values_list(
            "email", flat=True
        )
    )
    run.copies = Counter(r for r in smtp.recipients if r.startswith(run.prefix))
    log(
        f"{run.name}: finished {run.finished - run.approved:.1f} s after approval; "
        f"rows {dict(run.rows)}; duplicates {run.duplicates}, losses {run.losses}"
    )


def heartbeat_after(stack, moment: float, timeout: float) -> float | None:
    """Seconds after ``moment`` until /health/worker/ shows a heartbeat newer than it."""
    import requests

    def fresh():
        try:
            answer = requests.get(stack.base_url + HEALTH_WORKER, timeout=10).json()
        except (requests.RequestException, ValueError):
            return None
        age = answer.get("age_seconds")
        if age is not None and time.monotonic() - age > moment:
            return time.monotonic() - moment
        return None

    try:
        return wait_for(fresh, timeout=timeout, what="a heartbeat", interval=1.0)
    except AssertionError:
        return None


# --- the run ---------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", choices=("private", "service"), default="private")
    parser.add_argument("--redis", choices=("private", "service"), default="private")
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--smtp-delay",
        type=float,
        default=0.004,
        help="seconds the SMTP server takes per message (a relay's pace), "
        "so that the restart lands mid-sending (default 0.004)",
    )
    parser.add_argument("--baseline", type=float, default=8.0)
    parser.add_argument(
        "--after", type=float, default=25.0, help="seconds of load after each restart"
    )
    parser.add_argument("--phases", default="web,mailing")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    # A SIGTERM (timeout, kill) stops the servers and the stack too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        print("faults.py starts and restarts servers: run it as root.", file=sys.stderr)
        return 2

    postgres = PrivatePostgres() if args.postgres == "private" else ServicePostgres()
    redis = PrivateRedis() if args.redis == "private" else ServiceRedis()
    stack = None
    failed = False
    try:
        postgres.start()
        redis.start()
        os.environ["DATABASE_URL"] = postgres.url
        harness.setup_django()
        label, cleanup = harness.prepare_database(DB_NAME)
        database_url = os.environ["DATABASE_URL"]
        import django

        django.setup()
        from django.core.management import call_command

        from tests.deployment.seed import PASSWORD, seed

        log(f"{label} ({postgres.kind} PostgreSQL), {redis.kind} Redis {redis.url}")
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        seeded = seed(recipients=args.recipients, mailings=2)
        log(f"migrated and seeded in {time.monotonic() - started:.1f} s")

        with SMTPServer(delay=args.smtp_delay) as smtp:
            stack = Stack(
                database_url=database_url,
                redis_url=redis.url,
                smtp=smtp,
                web_workers=2,
                q_workers=2,
            )
            stack.start()
            log(f"stack healthy in {stack.wait_healthy():.1f} s at {stack.base_url}")
            web_pids = sorted(stack.web.group())

            member = Browser(stack.base_url)
            answer = member.post_form(
                "/accounts/login/",
                {
                    "login": seeded.member_email,
                    "password": PASSWORD,
                },
            )
            assert answer.status_code == 302, answer.status_code
            cookie = "; ".join(f"{k}={v}" for k, v in member.cookies.items())
            editor = Browser(stack.base_url)
            answer = editor.post_form(
                "/admin/login/",
                {
                    "username": seeded.editor_email,
                    "password": PASSWORD,
                },
            )
            assert answer.status_code == 302, answer.status_code

            if "web" in phases:
                index_path = seeded.page_path.rstrip("/").rsplit("/", 1)[0] + "/"
                paths = [
                    "/",
                    seeded.page_path,
                    index_path,
                    HEALTH_WEB,
                    # A member's page: the session, from the database. (The
                    # directory's search is rate-limited per member: 429s.)
                    "/accounts/profile/",
                ]
                load = Load(stack.base_url, paths, args.threads, cookie)
                load.start()
                t0 = time.monotonic()
                time.sleep(args.baseline)
                faults = [Fault("PostgreSQL"), Fault("Redis")]
                faults[0].run(postgres.restart)
                time.sleep(args.after)
                faults[1].run(redis.restart)
                time.sleep(args.after)
                load.stop()
                end = time.monotonic()
                samples = sorted(load.samples, key=lambda s: s.started)
                print_web(samples, faults, t0, end, paths)
                same_web = sorted(stack.web.group()) == web_pids
                log(f"gunicorn: same master and workers throughout: {same_web}")

            if "mailing" in phases:
                runs = [
                    MailingRun("mailing 1 (PostgreSQL restart)",
                               seeded.mailing_ids[0], "m1-", Fault("PostgreSQL")),
                    MailingRun("mailing 2 (Redis restart)",
                               seeded.mailing_ids[1], "m2-", Fault("Redis")),
                ]  # fmt: skip
                sentinel = stack.worker.pid
                for run, restart in zip(
                    runs, (postgres.restart, redis.restart), strict=True
                ):
                    run_mailing(
                        run,
                        stack=stack,
                        smtp=smtp,
                        editor=editor,
                        restart=restart,
                        total=args.recipients,
                        timeout=600,
                    )
                    run.heartbeat = heartbeat_after(
                        stack, run.fault.returned, timeout=150
                    )
                print_mailings(runs, stack, sentinel)
                failed |= any(run.duplicates or run.losses for run in runs)
            print_logs(stack)
        cleanup(args.keep)
        harness.remove_test_media()
    finally:
        if stack is not None:
            stack.stop()
        redis.stop()
        postgres.stop()
    return 1 if failed else 0


def print_web(samples, faults, t0, end, paths) -> None:
    print()
    print(f"## Web under load: {len(samples)} requests, paths {paths}")
    print()
    before = [s for s in samples if s.ended < faults[0].began]
    rate = len(before) / (faults[0].began - t0)
    print(
        f"Before the first restart: {dict(Counter(s.outcome for s in before))}, "
        f"{rate:.0f} requests/s, p50 / p95 {_latency(before)}"
    )
    print()
    print(
        "| restart | command took | answers until the next | requests/s | "
        "p50 / p95 (OK) | first error | last error | then | recovered |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---|")
    for row in web_report(samples, faults, end):
        outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(row["outcomes"].items()))
        first = (
            f"+{row['first_error_s']:.2f} s"
            if row["first_error_s"] is not None
            else "–"
        )
        last = (
            f"+{row['errors_until_s']:.2f} s"
            if row["first_error_s"] is not None
            else "–"
        )
        print(
            f"| {row['fault']} | {row['restart_s']:.2f} s | {outcomes} | "
            f"{row['rate']:.0f} | {row['latency']} | {first} | {last} | "
            f"{row['ok_after']} OK | {'yes' if row['recovered'] else 'NO'} |"
        )
    print()
    for row, fault in zip(web_report(samples, faults, end), faults, strict=True):
        if row["bad_paths"]:
            print(f"- {row['fault']}: errors by path {dict(row['bad_paths'])}")
        seconds = per_second(samples, fault.began, 6)
        print(f"- {row['fault']}, second by second: {' | '.join(seconds)}")


def print_mailings(runs, stack, sentinel) -> None:
    print()
    print("## Mailings")
    print()
    print(
        "| mailing | recipients | restart at | command took | longest stall | "
        "total time | rows | duplicates | losses | heartbeat after |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for run in runs:
        at = run.fault.began - run.approved
        beat = run.heartbeat
        print(
            f"| {run.name} | {len(run.addresses)} | {at:.1f} s | "
            f"{run.fault.returned - run.fault.began:.2f} s | "
            f"{run.longest_stall():.1f} s | {run.finished - run.approved:.1f} s | "
            f"{', '.join(f'{k}: {v}' for k, v in sorted(run.rows.items()))} | "
            f"{run.duplicates} | {run.losses} | "
            f"{f'{beat:.0f} s' if beat is not None else 'none'} |"
        )
    print()
    for run in runs:
        if run.in_doubt:
            # "unknown": the worker died with the message possibly in flight.
            received = [run.copies[email] for email in run.in_doubt]
            print(
                f"- {run.name}: {len(run.in_doubt)} row(s) unknown "
                f"{run.in_doubt[:5]}, copies received: {received}"
            )
    alive = stack.worker.running and stack.worker.pid == sentinel
    print(f"- qcluster: the same sentinel (pid {sentinel}) ran throughout: {alive}")


def print_logs(stack) -> None:
    print()
    for process in (stack.web, stack.worker):
        text = process.log_path.read_text(errors="replace")
        lines = text.splitlines()
        counts = Counter()
        for line in lines:
            for word in ("Traceback", "ERROR", "WARNING", "reincarnated", "503"):
                if word in line:
                    counts[word] += 1
        print(
            f"- {process.name} log: {len(lines)} lines, {dict(counts)} ({process.log_path})"
        )


if __name__ == "__main__":
    sys.exit(main())
