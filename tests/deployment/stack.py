"""The production stack as processes: gunicorn and ``qcluster`` on PostgreSQL + Redis.

Used by the deployment test (``test_stack.py``, in CI) and by the fault script
(``tests/benchmarks/faults.py``, by hand). Both processes run
``alumni_site.settings.production`` with everything it reads from the
environment (:func:`stack_environment`): the database, a Redis database of
their own (:class:`RedisDatabase`), an SMTP server, folders for static files,
media and private files::

    with RedisDatabase.reserve(redis_url) as redis_db, SMTPServer() as smtp:
        with Stack(database_url=url, redis_url=redis_db.url, smtp=smtp) as stack:
            stack.wait_healthy()
            client = Browser(stack.base_url)
            client.get("/")

Each process runs in a process group of its own, so that stopping it reaches
every worker it forked; :meth:`Stack.stop` runs from the context manager, a
finalizer and ``atexit``, and ``setpriv --pdeathsig`` (when present) stops the
processes if the process that started them dies without cleaning up.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import html
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "alumni_site.settings.production"
HOST = "127.0.0.1"
#: Secret of the stack's processes (signing sessions, tokens): a test value.
SECRET_KEY = "deployment-stack-not-a-production-secret-0123456789"
#: The load balancer's probe of a web process (alumni_partner.health).
HEALTH_WEB = "/health/web/"
HEALTH_WORKER = "/health/worker/"
#: gunicorn's settings for production (docs/deploy.md); the stack overrides
#: only the address, the number of workers and the timeout.
GUNICORN_CONFIG = ROOT / "site" / "gunicorn.conf.py"
#: How long gunicorn may take to boot its workers and answer its health check.
START_SECONDS = 60.0


class StackError(AssertionError):
    """A process did not start or died; the message has the end of its log."""


# --- a process in a group of its own ------------------------------------------


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
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


class Process:
    """A command in its own session and process group, its output in a file.

    ``stop()`` sends SIGTERM to the group's leader (gunicorn's master and
    django-q2's sentinel stop their workers on it), then SIGKILL to the whole
    group after ``timeout``, and waits until no process of the group is left.
    """

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        argv = list(self.argv)
        setpriv = shutil.which("setpriv")
        if setpriv:
            # If the process that started us dies (a killed pytest), we get
            # SIGTERM instead of running on as an orphan.
            argv = [setpriv, "--pdeathsig", "TERM", "--", *argv]
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was not started"
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def group(self) -> list[int]:
        return processes_in_group(self.pid) if self.popen else []

    def signal(self, signum: int) -> None:
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen is None:
            return
        self.signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=timeout)
        # Whatever is left of the group (a worker that ignored the master).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        deadline = time.monotonic() + 10
        while self.group() and time.monotonic() < deadline:
            time.sleep(0.02)

    def output(self, last: int = 60) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-last:])


# --- the environment ----------------------------------------------------------


def stack_environment(
    *,
    database_url: str,
    redis_url: str,
    smtp: Any,
    base_url: str,
    folders: dict[str, Path],
    q_workers: int = 1,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of the stack's processes: production settings, nothing else.

    The caller's Django variables are dropped, so that only what an operator
    would set reaches the settings. ``smtp``: anything with ``host`` and
    ``port``, or a ``(host, port)`` pair.
    """
    host, port = (smtp.host, smtp.port) if hasattr(smtp, "host") else smtp
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "ALUMNI_", "EMAIL_", "PYTEST", "Q_"))
        and name not in {"DATABASE_URL", "REDIS_URL", "CONN_MAX_AGE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "CSRF_TRUSTED_ORIGINS": base_url.replace("http://", "https://"),
            "WAGTAILADMIN_BASE_URL": base_url,
            # The load balancer terminates TLS and says so in X-Forwarded-Proto;
            # its own probes come over plain HTTP.
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_HOST": str(host),
            "EMAIL_PORT": str(port),
            "Q_WORKERS": str(q_workers),
            "STATIC_ROOT": str(folders["static"]),
            "MEDIA_ROOT": str(folders["media"]),
            "PRIVATE_ROOT": str(folders["private"]),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


# --- static files, collected once per set of sources --------------------------


def static_sources_key() -> str:
    """A digest of every file the static finders see (path, size, mtime).

    Computed in a process whose Django settings find the same files as
    production's (the apps and STATICFILES_DIRS are the base settings').
    """
    from django.contrib.staticfiles import finders

    digest = hashlib.sha256(SETTINGS.encode())
    seen = set()
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if path in seen:
                continue
            seen.add(path)
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def collected_static(env: dict[str, str], cache_dir: Path | None = None) -> Path:
    """``collectstatic`` for the production storage, reused while nothing changed.

    Collecting (hashing and compressing Wagtail's admin files for WhiteNoise)
    takes about 12 s on the reference machine; the result is kept under the
    system's temporary folder, keyed by :func:`static_sources_key`. A folder
    is used only once its collect finished (it is renamed into place then).
    """
    cache_dir = cache_dir or Path(tempfile.gettempdir()) / "alumni-stack-static"
    target = cache_dir / static_sources_key()
    if target.is_dir():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix="collecting-", dir=cache_dir))
    try:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**env, "STATIC_ROOT": str(partial)},
            check=True,
            capture_output=True,
            text=True,
        )
        if not any(partial.iterdir()):
            raise StackError(
                f"collectstatic wrote nothing in {partial}: do the production "
                "settings read STATIC_ROOT from the environment?"
            )
        with contextlib.suppress(OSError):  # another run got there first
            partial.rename(target)
        _forget_older(cache_dir, keep=target)
    except subprocess.CalledProcessError as error:
        raise StackError(f"collectstatic failed:\n{error.stdout}\n{error.stderr}")
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _forget_older(cache_dir: Path, keep: Path, age: float = 86400.0) -> None:
    """Remove collections of older sources (a day unused: no run still reads them)."""
    for other in cache_dir.iterdir():
        if other != keep and time.time() - other.stat().st_mtime > age:
            shutil.rmtree(other, ignore_errors=True)


# --- Redis: a database number of our own --------------------------------------


@dataclass
class RedisDatabase:
    """One of the server's numbered databases, held by a lock key while in use.

    The stack's cache and django-q2 queue live in it, emptied before and
    after, so that neither another run's tasks nor its cache entries leak in.
    """

    url: str
    number: int
    client: Any
    lock_key: str = "alumni-stack:lock"

    @classmethod
    def reserve(cls, url: str, numbers=range(15, 7, -1)) -> RedisDatabase:
        """The first free database among ``numbers`` of the server at ``url``."""
        import redis

        parts = urlsplit(url)
        for number in numbers:
            db_url = urlunsplit(parts._replace(path=f"/{number}"))
            client = redis.Redis.from_url(db_url)
            # The lock expires by itself should this process die holding it.
            if client.set(cls.lock_key, os.getpid(), nx=True, ex=900):
                client.flushdb()
                client.set(cls.lock_key, os.getpid(), ex=900)
                return cls(db_url, number, client)
        raise StackError(f"no free Redis database among {list(numbers)} at {url}")

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self.client.flushdb()
        with contextlib.suppress(Exception):
            self.client.close()

    def __enter__(self) -> RedisDatabase:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


# --- the stack ----------------------------------------------------------------


_running: weakref.WeakSet[Stack] = weakref.WeakSet()


@atexit.register
def _stop_leftovers() -> None:
    for stack in list(_running):
        stack.stop()


class Stack:
    """gunicorn (``web_workers`` workers) and one ``qcluster``, production settings."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        smtp: Any,
        web_workers: int = 2,
        q_workers: int = 1,
        extra_env: dict[str, str] | None = None,
        gunicorn_args: tuple[str, ...] = (),
    ) -> None:
        from tests.smtp import free_port

        self.port = free_port(HOST)
        self.base_url = f"http://{HOST}:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="alumni-stack-"))
        folders = {name: self.workdir / name for name in ("media", "private")}
        for folder in folders.values():
            folder.mkdir()
        folders["static"] = self.workdir / "static"  # replaced by the collected one
        self.env = stack_environment(
            database_url=database_url,
            redis_url=redis_url,
            smtp=smtp,
            base_url=self.base_url,
            folders=folders,
            q_workers=q_workers,
            extra=extra_env,
        )
        self.web_workers = web_workers
        self.gunicorn_args = gunicorn_args
        self.web: Process | None = None
        self.worker: Process | None = None
        self._finalizer = weakref.finalize(self, _stop_processes, [])

    # Lifecycle -----------------------------------------------------------------

    def collect_static(self) -> Path:
        static = collected_static(self.env)
        self.env["STATIC_ROOT"] = str(static)
        return static

    def start(self) -> Stack:
        """Start gunicorn and the cluster (collect static files first if needed)."""
        if not Path(self.env["STATIC_ROOT"]).is_dir():
            self.collect_static()
        self.web = Process(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "alumni_site.wsgi:application",
                *(
                    ["--config", str(GUNICORN_CONFIG)]
                    if GUNICORN_CONFIG.exists()
                    else []
                ),
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.web_workers),
                "--timeout",
                "30",
                *self.gunicorn_args,
            ],
            self.env,
            self.workdir,
        ).start()
        self.worker = Process(
            "qcluster",
            [sys.executable, "manage.py", "qcluster"],
            self.env,
            self.workdir,
        ).start()
        self._finalizer.detach()
        self._finalizer = weakref.finalize(
            self, _stop_processes, [self.web, self.worker]
        )
        _running.add(self)
        return self

    def stop(self) -> None:
        """SIGTERM both, SIGKILL what is left; idempotent."""
        self._finalizer()
        _running.discard(self)

    def cleanup(self) -> None:
        """Stop, then remove the working folder (logs, media)."""
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        if exc[0] is None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # Waiting -------------------------------------------------------------------

    def check_alive(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.popen and not process.running:
                raise StackError(
                    f"{process.name} exited ({process.popen.returncode}):\n"
                    f"{process.output()}"
                )

    def wait_healthy(self, timeout: float = START_SECONDS) -> float:
        """Wait until ``/health/web/`` answers 200; return the seconds it took."""
        import requests

        started = time.monotonic()
        last = "no answer"
        while time.monotonic() - started < timeout:
            self.check_alive()
            try:
                response = requests.get(self.base_url + HEALTH_WEB, timeout=5)
            except requests.RequestException as error:
                last = repr(error)
            else:
                if response.status_code == 200:
                    return time.monotonic() - started
                last = f"{response.status_code} {response.text[:300]}"
            time.sleep(0.1)
        raise StackError(
            f"{HEALTH_WEB} not healthy after {timeout:.0f} s ({last}):\n{self.logs()}"
        )

    def logs(self, last: int = 40) -> str:
        return "\n".join(
            f"--- {process.name} ---\n{process.output(last)}"
            for process in (self.web, self.worker)
            if process is not None
        )


def _stop_processes(processes: list[Process]) -> None:
    # Stopped together: both get SIGTERM before either is waited for.
    for process in processes:
        process.signal(signal.SIGTERM)
    for process in processes:
        process.stop()


# --- a browser's HTTP: cookies, CSRF, behind the TLS-terminating balancer ----------


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """A browser behind the load balancer: cookies, CSRF, an ``https`` origin.

    Requests go over plain HTTP with ``X-Forwarded-Proto: https``, as the
    balancer that terminates TLS forwards them. The site's cookies are
    ``Secure``, which a browser sends back over HTTPS: this client keeps them
    itself and sends them on the balancer's plain hop (requests' own cookie
    jar, rightly, never sends a secure cookie over ``http://``).
    """

    def __init__(self, base_url: str, *, language: str = "fr") -> None:
        self.base_url = base_url
        self.origin = base_url.replace("http://", "https://")
        self.language = language
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs):
        import requests

        headers = {
            "X-Forwarded-Proto": "https",
            "Accept-Language": self.language,
            **kwargs.pop("headers", {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        response = requests.request(
            method, self.base_url + path, headers=headers, **kwargs
        )
        for cookie in response.cookies:
            if cookie.is_expired() or not cookie.value:
                self.cookies.pop(cookie.name, None)
            else:
                self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict, *, form_page: str | None = None):
        """GET ``form_page`` (default ``path``), then POST ``data`` with its CSRF token."""
        page = self.get(form_page or path)
        assert page.status_code == 200, (page.status_code, page.text[:500])
        return self.request(
            "POST",
            path,
            data={"csrfmiddlewaretoken": csrf_token(page.text), **data},
            # What a browser sends with a same-origin form over HTTPS.
            headers={
                "Origin": self.origin,
                "Referer": self.origin + (form_page or path),
            },
            timeout=60,
        )


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    assert match, "no CSRF token in the form"
    return html.unescape(match.group(1))


def wait_for(
    predicate: Callable[[], Any],
    *,
    timeout: float,
    what: str,
    stack: Stack | None = None,
    interval: float = 0.1,
) -> Any:
    """Poll ``predicate`` until truthy; fail with the stack's logs after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if stack is not None:
            stack.check_alive()
        if time.monotonic() > deadline:
            logs = f"\n{stack.logs()}" if stack else ""
            raise StackError(
                f"timed out after {timeout:.0f} s waiting for {what}{logs}"
            )
        time.sleep(interval)
