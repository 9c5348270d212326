"""What the benchmarks share: a throwaway database, the bare baseline page, timing.

Each benchmark script (``bench_*.py``) parses its arguments, calls
:func:`prepare_database` *before* Django reads its settings, builds its content,
then measures :class:`Target` pages with :func:`measure` and prints them with
:func:`print_table`. Nothing here asserts a figure: the scripts report only.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


def add_timing_arguments(parser: argparse.ArgumentParser, *, requests=300) -> None:
    """``--requests``, ``--warmup``, ``--rounds``, ``--show-queries``, ``--keep``."""
    parser.add_argument(
        "--requests",
        type=int,
        default=requests,
        help=f"timed requests per page (default {requests})",
    )
    parser.add_argument(
        "--warmup", type=int, default=30, help="untimed requests per page first"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=30,
        help="the timed requests are split in this many interleaved rounds "
        "(default 30)",
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="print the SQL of each page"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database (the PostgreSQL one, or the SQLite file) afterwards",
    )


# --------------------------------------------------------------------------
# Throwaway database, chosen before Django reads its settings.
# --------------------------------------------------------------------------


def setup_django() -> None:
    """Settings for a benchmark: the test settings, persistent connections."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alumni_site.settings.test")
    # Persistent connections like production (CONN_MAX_AGE=60 there), kept for
    # the whole run so that the PostgreSQL backend measured stays the same.
    os.environ.setdefault("CONN_MAX_AGE", "3600")


def prepare_database(pg_name: str) -> tuple[str, Callable[[bool], None]]:
    """Point DATABASE_URL at a fresh database; return its label and a cleanup.

    A temporary SQLite file, whatever DATABASE_URL says, unless DATABASE_URL is
    a PostgreSQL URL: then the database ``pg_name`` on that server, created
    afresh (dropped first if it exists).
    """
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return _fresh_postgres(url, pg_name)
    tmpdir = tempfile.mkdtemp(prefix="alumni-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite3"

    def cleanup(keep: bool = False) -> None:
        if not keep:
            shutil.rmtree(tmpdir, ignore_errors=True)

    return f"SQLite file {tmpdir}/bench.sqlite3", cleanup


def _fresh_postgres(url: str, pg_name: str):
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    connect_kwargs = {
        key: value
        for key, value in (
            ("user", config.get("USER")),
            ("password", config.get("PASSWORD")),
            ("host", config.get("HOST")),
            ("port", config.get("PORT")),
        )
        if value
    }
    # CREATE/DROP DATABASE run from the URL's own database, else "postgres".
    candidates = [name for name in (config.get("NAME"), "postgres") if name != pg_name]

    def admin(statement):
        for n, dbname in enumerate(candidates):
            try:
                connection = psycopg.connect(
                    dbname=dbname, autocommit=True, **connect_kwargs
                )
            except psycopg.OperationalError:
                if n == len(candidates) - 1:
                    raise
                continue
            with connection:
                connection.execute(statement)
            return

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
        sql.Identifier(pg_name)
    )
    admin(drop)
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(pg_name)))
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{pg_name}"))

    def cleanup(keep: bool = False) -> None:
        from django.db import connections

        connections.close_all()
        if not keep:
            admin(drop)

    return f"PostgreSQL database {pg_name}", cleanup


def remove_test_media() -> None:
    """The test settings' temporary MEDIA_ROOT, once the run is over."""
    from django.conf import settings

    media_root = Path(settings.MEDIA_ROOT)
    if media_root.name.startswith("alumni-test-media-"):
        shutil.rmtree(media_root, ignore_errors=True)


# --------------------------------------------------------------------------
# The baseline
# --------------------------------------------------------------------------


def bare_page_model():
    """A page type with nothing of its own, rendered with the site's base.html."""
    from django.db import connection
    from wagtail.models import Page

    class BenchBarePage(Page):
        template = "base.html"

        class Meta:
            app_label = "home"

    with connection.schema_editor() as editor:
        editor.create_model(BenchBarePage)
    return BenchBarePage


BARE_PAGES = [
    ("Mentions légales", "mentions-legales"),
    ("Cookies", "cookies"),
    ("Traceurs", "traceurs"),
]


def bare_pages(home, depths: int = 1) -> list:
    """The bare page under the home page, and ``depths - 1`` more below it.

    Published, with aliases in every locale like every page of the site.
    Wagtail's routing costs two queries per level, so a page is best compared
    with a bare page as deep as itself.
    """
    from wagtail_localize.synctree import create_aliases_for_new_page

    model = bare_page_model()
    pages, parent = [], home
    for title, slug in BARE_PAGES[:depths]:
        page = parent.add_child(instance=model(title=title, slug=slug))
        page.save_revision().publish()
        create_aliases_for_new_page(page)
        pages.append(page)
        parent = page
    return pages


# --------------------------------------------------------------------------
# Visitors
# --------------------------------------------------------------------------

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ROBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def visitor(n: int) -> dict:
    """A new browser visitor: its own address (10.x.y.z), no cookie."""
    return {
        "HTTP_USER_AGENT": BROWSER,
        "REMOTE_ADDR": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}",
    }


def same_visitor(n: int) -> dict:
    """The same browser visitor on every request."""
    return {"HTTP_USER_AGENT": BROWSER, "REMOTE_ADDR": "192.0.2.7"}


def robot(n: int) -> dict:
    """A search engine's robot: never counted."""
    return {"HTTP_USER_AGENT": ROBOT, "REMOTE_ADDR": "192.0.2.8"}


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------


@dataclass
class Target:
    key: str
    label: str
    url: str
    #: Settings overridden around each of its requests.
    settings: dict = field(default_factory=dict)
    goal: bool = False
    #: Extra arguments of request ``n`` (headers as ``HTTP_*``, ``REMOTE_ADDR``).
    request_kwargs: Callable[[int], dict] | None = None
    #: Forget cookies before each request: every request a new visitor.
    fresh_cookies: bool = False
    #: A client of its own (e.g. logged in); else the shared anonymous one.
    client: object = None
    queries: int = 0
    seconds: float = 0.0
    requests: int = 0
    round_rates: list = field(default_factory=list)
    #: CPU seconds of this process (Django, and SQLite inside it)...
    cpu_seconds: float = 0.0
    #: ...and of the PostgreSQL server process serving its connection.
    db_cpu_seconds: float = 0.0
    sent: int = 0
    #: Wall-clock seconds of every timed request, for percentiles.
    latencies: list = field(default_factory=list)

    def kwargs(self) -> dict:
        self.sent += 1
        return self.request_kwargs(self.sent) if self.request_kwargs else {}

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per request, the web process plus the database's."""
        return 1000 * (self.cpu_seconds + self.db_cpu_seconds) / self.requests

    def cpu_ratio(self, base: Target) -> float:
        """Requests per CPU second compared with the baseline's."""
        return base.cpu_ms / self.cpu_ms

    @property
    def best(self) -> float:
        """Rate of the fastest round: the least disturbed by other processes."""
        return max(self.round_rates)

    @property
    def median(self) -> float:
        return statistics.median(self.round_rates)

    def percentile_ms(self, percent: int) -> float:
        """The ``percent``-th percentile of the timed requests' latency, in ms."""
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return 1000 * cuts[percent - 1]

    @property
    def p50_ms(self) -> float:
        return self.percentile_ms(50)

    @property
    def p95_ms(self) -> float:
        return self.percentile_ms(95)

    @property
    def best_ms(self) -> float:
        """Response time in the fastest round, in milliseconds."""
        return 1000 / self.best

    @property
    def median_ms(self) -> float:
        return 1000 / self.median

    def ratio(self, base: Target) -> float:
        """This page's best rate / the baseline's best rate."""
        return self.best / base.best


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response


def send(client, target: Target):
    if target.fresh_cookies:
        client.cookies.clear()
    return client.get(target.url, **target.kwargs())


def count_queries(client, target: Target, show=False) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(3):
        if target.fresh_cookies:
            client.cookies.clear()
        with CaptureQueriesContext(connection) as captured:
            get(client, target.url, **target.kwargs())
        counts.append(len(captured))
    if show:
        print(f"\n--- {target.label} ({target.url}): {counts[-1]} queries")
        for query in captured.captured_queries:
            print("  ", re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", query["sql"]))
    if len(set(counts)) != 1:
        print(f"warning: {target.url} ran {counts} queries on three identical GETs")
    return max(counts)


def database_cpu_clock():
    """CPU seconds used so far by the PostgreSQL backend of our connection.

    Read from /proc, so only for a server on this machine; returns a clock
    that always says 0 otherwise (SQLite runs inside this process anyway).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")
    ticks = os.sysconf("SC_CLK_TCK")

    def clock() -> float:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    return clock


def measure(targets: list[Target], args) -> None:
    """Warm up, count queries, then time ``args.requests`` GETs per target.

    The GETs are interleaved: ``args.rounds`` rounds, each sending a few GETs
    to every target in turn, so that a disturbance hits every target alike.
    """
    from django.test import Client, override_settings

    anonymous = Client()
    for target in targets:
        client = target.client or anonymous
        with override_settings(**target.settings):
            for _ in range(args.warmup):
                if target.fresh_cookies:
                    client.cookies.clear()
                get(client, target.url, **target.kwargs())
            target.queries = count_queries(client, target, args.show_queries)
    db_clock = database_cpu_clock()
    per_round = max(1, args.requests // args.rounds)
    for _ in range(args.rounds):
        for target in targets:
            client = target.client or anonymous
            with override_settings(**target.settings):
                db_start, cpu_start = db_clock(), time.process_time()
                start = time.perf_counter()
                for _ in range(per_round):
                    sent_at = time.perf_counter()
                    send(client, target)
                    target.latencies.append(time.perf_counter() - sent_at)
                elapsed = time.perf_counter() - start
                target.cpu_seconds += time.process_time() - cpu_start
                target.db_cpu_seconds += db_clock() - db_start
            target.seconds += elapsed
            target.requests += per_round
            target.round_rates.append(per_round / elapsed)


def profile(target: Target, requests: int = 50) -> None:
    """Print a cProfile of ``requests`` GETs of ``target``."""
    import cProfile
    import pstats

    from django.test import Client, override_settings

    client = target.client or Client()
    with override_settings(**target.settings):
        for _ in range(20):
            get(client, target.url, **target.kwargs())
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            send(client, target)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def print_environment(database_label: str) -> None:
    import django
    import wagtail
    from django.conf import settings
    from django.db import connection

    with connection.cursor():
        version = (
            connection.Database.sqlite_version
            if connection.vendor == "sqlite"
            else connection.pg_version
        )
    database = settings.DATABASES["default"]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print()
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}, {connection.vendor} {version} "
        f"({database_label}), CONN_MAX_AGE={database['CONN_MAX_AGE']}, "
        f"cache {cache}, {os.cpu_count()} CPUs, load average "
        + " ".join(f"{load:.1f}" for load in os.getloadavg())
    )


def cpu_note(base: Target) -> str:
    """What the CPU column counts."""
    from django.db import connection

    if connection.vendor == "postgresql" and base.db_cpu_seconds:
        return "this process + PostgreSQL backend"
    return "this process"


def print_table(rows: list[tuple]) -> None:
    """A Markdown table; the first column left-aligned, the others right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        print("| " + " | ".join(cells) + " |")
        if n == 0:
            print(
                "|"
                + "|".join(
                    "-" * (width + 1) + (":" if i else "-")
                    for i, width in enumerate(widths)
                )
                + "|"
            )
    print()


def rate_rows(targets: list[Target], base: Target) -> list[tuple]:
    """The usual table: rate, median rate, CPU, queries, ratios to ``base``."""
    rows = [
        (
            "page",
            "req/s",
            "median req/s",
            "CPU ms/req",
            "queries",
            "vs bare",
            "vs bare (CPU)",
        )
    ]
    for target in targets:
        rows.append(
            (
                target.label,
                f"{target.best:.1f}",
                f"{target.median:.1f}",
                f"{target.cpu_ms:.2f}",
                str(target.queries),
                f"{target.ratio(base):.0%}",
                f"{target.cpu_ratio(base):.0%}",
            )
        )
    return rows


def print_method(base: Target, args, what: str = "anonymous GETs") -> None:
    """How the figures were taken, printed above the table."""
    print(
        f"{base.requests} timed {what} per page in {args.rounds} "
        f"interleaved rounds of {base.requests // args.rounds}, after "
        f"{args.warmup} warm-up GETs; Django test Client in process.\n"
        "req/s: fastest round (the least disturbed by other processes, as timeit "
        "advises); median: median round; CPU: CPU time per request of "
        f"{cpu_note(base)}, unaffected by other processes' load; "
        "'vs bare': rate compared with the bare page's, by fastest round and by "
        "CPU time (the throughput ratio of a CPU-bound server)."
    )
    print()


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def run(pg_name: str, keep: bool, body: Callable[[str], None]) -> int:
    """Set Django up on a fresh database, call ``body(label)``, clean up.

    The exit code is 0 whatever the figures say.
    """
    setup_django()
    database_label, cleanup = prepare_database(pg_name)
    started = False
    try:
        import django

        django.setup()
        started = True
        body(database_label)
    finally:
        cleanup(keep)
        if started:
            remove_test_media()
    return 0
