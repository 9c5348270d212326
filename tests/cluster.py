"""A real django-q2 cluster for tests and benchmarks: ``manage.py qcluster``.

The suite normally runs django-q2 tasks in-process (``Q_CLUSTER['sync']``).
Where the queue itself is under test (DESIGN.md §7, §10), :class:`QCluster`
starts ``manage.py qcluster`` in a process group of its own, with the test
settings switched to a real cluster (``ALUMNI_TEST_QCLUSTER=1``, see
``alumni_site.settings.test``): the ORM broker on the same database as the
caller, Django's SMTP backend to a given server::

    with QCluster(smtp=smtp_server, workers=2) as cluster:
        cluster.wait_ready()
        with tasks_to_broker():
            engine.wake(mailing.pk)       # goes to the broker, not run inline
        wait_until(lambda: done(mailing), timeout=60, what="the mailing")
        cluster.kill()                    # SIGKILL, the whole process group

The subprocess only sees committed rows: tests using it need
``pytest.mark.django_db(transaction=True)``. SQLite locks under a real
cluster (django-q2#144), so the tests that use it run on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
FLAG = "ALUMNI_TEST_QCLUSTER"
#: How long a cluster may take to start and run its first task.
READY_SECONDS = 60.0


class ClusterError(AssertionError):
    """The cluster did not start, or a wait ran out; the message has its log."""


def database_url(alias: str = "default") -> str:
    """``DATABASE_URL`` of the database ``alias`` is connected to right now.

    In a test that is the test database, with pytest-xdist's suffix
    (``test_alumni_gw0``): the name comes from the live connection's settings.
    """
    from django.db import connections

    config = connections[alias].settings_dict
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{config['NAME']}"
    if "postgresql" not in engine:
        raise ValueError(f"no URL for the {engine} backend")
    user = quote(config.get("USER") or "", safe="")
    password = quote(config.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = config.get("HOST") or ""
    if host.startswith("/"):  # a Unix socket folder
        host, socket_dir = "", f"?host={quote(host, safe='')}"
    else:
        socket_dir = ""
    port = f":{config['PORT']}" if config.get("PORT") else ""
    name = quote(config["NAME"], safe="")
    return f"postgres://{credentials}{host}{port}/{name}{socket_dir}"


def cluster_environment(
    *,
    workers: int = 2,
    smtp: Any = None,
    settings: dict | None = None,
    database: str | None = None,
) -> dict[str, str]:
    """The environment of a ``qcluster`` subprocess.

    ``smtp``: anything with ``host`` and ``port`` (``tests.smtp.SMTPServer``)
    or a ``(host, port)`` pair; ``settings``: more Django settings (JSON
    values), e.g. ``{"ALUMNI_PARTNER_MAILING_BATCH_SIZE": 50}``.
    """
    from django.conf import settings as django_settings

    env = dict(os.environ)
    # The broker is the ORM on the test database, whatever the suite uses.
    env.pop("REDIS_URL", None)
    env.update(
        {
            FLAG: "1",
            # (under override_settings, settings.SETTINGS_MODULE is None)
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE")
            or "alumni_site.settings.test",
            "DATABASE_URL": database or database_url(),
            "Q_WORKERS": str(workers),
            "ALUMNI_TEST_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "ALUMNI_TEST_PRIVATE_ROOT": str(
                getattr(django_settings, "ALUMNI_PARTNER_PRIVATE_ROOT", "")
            ),
            "ALUMNI_TEST_SETTINGS": json.dumps(settings or {}),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if smtp is not None:
        host, port = (smtp.host, smtp.port) if hasattr(smtp, "host") else smtp
        env.update({"EMAIL_HOST": str(host), "EMAIL_PORT": str(port)})
        for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"):
            env.pop(name, None)
    return env


class QCluster:
    """``manage.py qcluster`` in its own process group, its output in a file."""

    def __init__(
        self,
        *,
        workers: int = 2,
        smtp: Any = None,
        settings: dict | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.workers = workers
        self.env = env or cluster_environment(
            workers=workers, smtp=smtp, settings=settings
        )
        self.process: subprocess.Popen | None = None
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open
            prefix="qcluster-", suffix=".log", delete=False
        )

    # Lifecycle -----------------------------------------------------------------

    def start(self) -> QCluster:
        self.process = subprocess.Popen(
            # The suite runs the system checks; here they only slow the start.
            [sys.executable, str(ROOT / "manage.py"), "qcluster", "--skip-checks"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Its own process group: kill() reaches the sentinel's children too.
            start_new_session=True,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None, "the cluster was not started"
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def group_pids(self) -> list[int]:
        """Every live process of the cluster's group (sentinel, pusher, workers...)."""
        return processes_in_group(self.pid) if self.process else []

    def wait_ready(self, timeout: float = READY_SECONDS) -> float:
        """Wait until the cluster ran a task end to end; return the seconds it took.

        A probe task (``math.floor``) is put on the broker; the cluster is
        ready once its result is saved: pusher, a worker and the monitor run.
        """
        from django_q.models import Task
        from django_q.tasks import async_task

        started = time.monotonic()
        probe = async_task("math.floor", 1.5, sync=False)
        wait_until(
            lambda: Task.objects.filter(id=probe).exists(),
            timeout=timeout,
            what="the cluster's first task",
            cluster=self,
        )
        return time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL every process of the group at once, as the OOM killer or a crash."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._reap_group()

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (django-q2 stops its workers), then SIGKILL whatever is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._reap_group()

    def _reap_group(self, timeout: float = 10.0) -> None:
        # The workers are the sentinel's children: once it is gone, init reaps
        # them; wait until none is left, so no one still holds a DB connection.
        deadline = time.monotonic() + timeout
        while processes_in_group(self.pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def __enter__(self) -> QCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        self._log.close()
        if exc[0] is None:
            Path(self._log.name).unlink(missing_ok=True)

    # What it said ----------------------------------------------------------------

    def output(self, last: int = 60) -> str:
        """The last lines of its log (for failure messages)."""
        self._log.flush()
        lines = Path(self._log.name).read_text(errors="replace").splitlines()
        return "\n".join(lines[-last:])


def processes_in_group(pgid: int) -> list[int]:
    """Live (not zombie) processes whose process group is ``pgid`` (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            pids.append(int(entry.name))
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (0 if gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def tasks_to_broker() -> Iterator[None]:
    """Let this process's ``async_task`` calls go to the broker, not run inline.

    The test settings make django-q2 synchronous; django-q2 reads
    ``Conf.SYNC`` at each call, so the tasks enqueued in here reach the
    subprocess cluster through the ORM broker.
    """
    from django_q.conf import Conf

    previous, Conf.SYNC = Conf.SYNC, False
    try:
        yield
    finally:
        Conf.SYNC = previous


def wait_until(
    predicate: Callable[[], Any],
    *,
    timeout: float,
    what: str,
    interval: float = 0.05,
    cluster: QCluster | None = None,
) -> Any:
    """Poll ``predicate`` until it returns something truthy; return it.

    Raises :class:`ClusterError` after ``timeout`` seconds, or at once if
    ``cluster`` died, with the end of the cluster's log.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if cluster is not None and cluster.process and not cluster.running:
            raise ClusterError(
                f"the cluster exited ({cluster.process.returncode}) while waiting "
                f"for {what}:\n{cluster.output()}"
            )
        if time.monotonic() > deadline:
            log = f"\ncluster log:\n{cluster.output()}" if cluster else ""
            raise ClusterError(
                f"timed out after {timeout:.0f} s waiting for {what}{log}"
            )
        time.sleep(interval)
