"""Benchmark: anonymous GET of a full partner page against a bare page of the site.

Run from the repository root::

    DJANGO_SETTINGS_MODULE=alumni_site.settings.test \\
        .venv/bin/python tests/benchmarks/bench_partner_page.py [--requests N]

    # PostgreSQL: a fresh database alumni_bench on the server of DATABASE_URL
    DATABASE_URL=postgres://USER:PASSWORD@HOST/DB \\
    DJANGO_SETTINGS_MODULE=alumni_site.settings.test \\
        .venv/bin/python tests/benchmarks/bench_partner_page.py

It builds a throwaway database (a temporary SQLite file whatever DATABASE_URL
says, or a PostgreSQL database ``alumni_bench`` created afresh and dropped at the
end unless ``--keep``), migrates, runs ``home.bootstrap.ensure_site()`` and
creates, through the plugin's own onboarding and Wagtail's publishing:

- two partners with a full presentation (four rich-text paragraphs with
  external, mailto and internal links, three images, two YouTube videos), logo,
  banner, sector, category, address, and 1 and 20 brochures;
- the baseline, a *bare page*: a page type with no field and no context of its
  own, rendered with the site's ``base.html`` (same header, menu, language
  switcher and footer), child of the home page, with aliases in every locale
  like every page of the site. The demo has no such model, so the benchmark
  defines one in memory (its table made with the schema editor). The same bare
  page one level deeper (as deep as partner pages) is measured for reference.

Anonymous GETs go through Django's test ``Client`` (in process: the whole
middleware stack, no network or WSGI server). For each page: warm-up, the SQL
queries of one GET (``CaptureQueriesContext``), then ``--requests`` GETs
interleaved with the other pages' in ``--rounds`` rounds. Reported: the rate of
the fastest round (the least disturbed by other processes, as timeit advises)
and of the median round, and the CPU time per GET of this process plus, for a
local PostgreSQL, of the server process serving the connection (read from
/proc): CPU time does not depend on what else the machine runs, and its ratio is
the throughput ratio of a CPU-bound server. The partner page is measured with
its fragment cache (as served) and without (``ALUMNI_PARTNER_PAGE_CACHE_SECONDS``
= 0: the cost of the first GET after a publication). Persistent database
connections as in production (``CONN_MAX_AGE`` defaults to 3600 here so that one
connection serves the whole run).

The goal (issue #2): partner page ≥ 80 % of the bare page's rate, and a query
count that does not grow with the number of brochures. The script reports only:
its exit code does not depend on the figures.
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
BENCH_DB_NAME = "alumni_bench"
GOAL_RATIO = 0.80


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests",
        type=int,
        default=300,
        help="timed requests per page (default 300)",
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
        "--profile",
        choices=[
            "bare",
            "one",
            "twenty",
            "one-cold",
            "twenty-cold",
            "deep",
            "home",
            "index",
        ],
        help="print a cProfile of 50 GETs of this page and stop",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database (alumni_bench, or the SQLite file) afterwards",
    )
    return parser.parse_args(argv)


# --------------------------------------------------------------------------
# Throwaway database, chosen before Django reads its settings.
# --------------------------------------------------------------------------


def prepare_database() -> tuple[str, Callable[[bool], None]]:
    """Point DATABASE_URL at a fresh database; return its label and a cleanup."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return _fresh_postgres(url)
    tmpdir = tempfile.mkdtemp(prefix="alumni-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite3"

    def cleanup(keep: bool = False) -> None:
        if not keep:
            shutil.rmtree(tmpdir, ignore_errors=True)

    return f"SQLite file {tmpdir}/bench.sqlite3", cleanup


def _fresh_postgres(url: str):
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
    candidates = [
        name for name in (config.get("NAME"), "postgres") if name != BENCH_DB_NAME
    ]

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
        sql.Identifier(BENCH_DB_NAME)
    )
    admin(drop)
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB_NAME)))
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB_NAME}"))

    def cleanup(keep: bool = False) -> None:
        from django.db import connections

        connections.close_all()
        if not keep:
            admin(drop)

    return f"PostgreSQL database {BENCH_DB_NAME}", cleanup


# --------------------------------------------------------------------------
# Content
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


@dataclass
class Target:
    key: str
    label: str
    url: str
    #: Settings overridden around each of its requests.
    settings: dict = field(default_factory=dict)
    goal: bool = False
    queries: int = 0
    seconds: float = 0.0
    requests: int = 0
    round_rates: list = field(default_factory=list)
    #: CPU seconds of this process (Django, and SQLite inside it)...
    cpu_seconds: float = 0.0
    #: ...and of the PostgreSQL server process serving its connection.
    db_cpu_seconds: float = 0.0

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

    def ratio(self, base: Target) -> float:
        """This page's best rate / the baseline's best rate."""
        return self.best / base.best


NO_FRAGMENT_CACHE = {"ALUMNI_PARTNER_PAGE_CACHE_SECONDS": 0}


def build_site() -> list[Target]:
    from django.core.management import call_command
    from wagtail_localize.synctree import create_aliases_for_new_page

    from home.bootstrap import ensure_site
    from tests.benchmarks.content import full_partner

    call_command("migrate", verbosity=0, interactive=False)
    home = ensure_site()
    bare_model = bare_page_model()
    bare = home.add_child(
        instance=bare_model(title="Mentions légales", slug="mentions-legales")
    )
    bare.save_revision().publish()
    create_aliases_for_new_page(bare)
    # The same bare page one level deeper, as deep as partner pages (home >
    # partner index > partner): routing costs two more queries per level.
    deep = bare.add_child(instance=bare_model(title="Cookies", slug="cookies"))
    deep.save_revision().publish()
    create_aliases_for_new_page(deep)
    one = full_partner("Acme Énergie", brochures=1).page.get_url(None)
    twenty = full_partner("Globex Formation", brochures=20).page.get_url(None)
    return [
        Target("bare", "bare page (baseline)", bare.get_url(None)),
        Target("one", "partner, 1 brochure", one, goal=True),
        Target("twenty", "partner, 20 brochures", twenty, goal=True),
        Target("one-cold", "partner, 1 brochure, no cache", one, NO_FRAGMENT_CACHE),
        Target(
            "twenty-cold", "partner, 20 brochures, no cache", twenty, NO_FRAGMENT_CACHE
        ),
        Target("deep", "bare page at partner depth", deep.get_url(None)),
        Target("home", "home page", home.get_url(None)),
        Target("index", "partner index (2 partners)", "/partners/"),
    ]


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------


def get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response


def count_queries(client, target: Target, show=False) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            get(client, target.url)
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
    from django.test import Client, override_settings

    client = Client()
    for target in targets:
        with override_settings(**target.settings):
            for _ in range(args.warmup):
                get(client, target.url)
            target.queries = count_queries(client, target, args.show_queries)
    db_clock = database_cpu_clock()
    per_round = max(1, args.requests // args.rounds)
    for _ in range(args.rounds):
        for target in targets:
            with override_settings(**target.settings):
                db_start, cpu_start = db_clock(), time.process_time()
                start = time.perf_counter()
                for _ in range(per_round):
                    client.get(target.url)
                elapsed = time.perf_counter() - start
                target.cpu_seconds += time.process_time() - cpu_start
                target.db_cpu_seconds += db_clock() - db_start
            target.seconds += elapsed
            target.requests += per_round
            target.round_rates.append(per_round / elapsed)


def profile(target: Target) -> None:
    import cProfile
    import pstats

    from django.test import Client, override_settings

    client = Client()
    with override_settings(**target.settings):
        for _ in range(20):
            get(client, target.url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            client.get(target.url)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)


def report(targets: list[Target], database_label: str, args) -> None:
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
    base = targets[0]
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
    db_cpu = (
        " + PostgreSQL backend"
        if connection.vendor == "postgresql" and base.db_cpu_seconds
        else ""
    )
    print(
        f"{base.requests} timed anonymous GETs per page in {args.rounds} "
        f"interleaved rounds of {base.requests // args.rounds}, after "
        f"{args.warmup} warm-up GETs; Django test Client in process.\n"
        "req/s: fastest round (the least disturbed by other processes, as timeit "
        "advises); median: median round; CPU: CPU time per request of this "
        f"process{db_cpu}, unaffected by other processes' load; "
        "'vs bare': rate compared with the bare page's, by fastest round and by "
        "CPU time (the throughput ratio of a CPU-bound server)."
    )
    print()
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
    goal = [target for target in targets if target.goal]
    by_key = {target.key: target for target in targets}
    for what, ratio in (
        ("fastest rounds", Target.ratio),
        ("CPU time", Target.cpu_ratio),
    ):
        worst = min(ratio(target, base) for target in goal)
        print(
            f"Partner page / bare page ({what}): "
            + ", ".join(f"{ratio(t, base):.0%} ({t.label})" for t in goal)
            + f"; goal ≥ {GOAL_RATIO:.0%}: "
            + ("met." if worst >= GOAL_RATIO else "NOT met.")
        )
    deep = by_key["deep"]
    print(
        "Partner page / bare page at partner depth (same routing, CPU time): "
        + ", ".join(f"{t.cpu_ratio(deep):.0%} ({t.label})" for t in goal)
        + "."
    )
    for suffix, what in (("", "fragment cache on"), ("-cold", "fragment cache off")):
        one, twenty = by_key["one" + suffix], by_key["twenty" + suffix]
        grows = twenty.queries != one.queries
        print(
            f"Queries ({what}): {one.queries} with 1 brochure, {twenty.queries} "
            "with 20: "
            + (
                "GROW with brochures (goal NOT met)."
                if grows
                else "constant (goal met)."
            )
        )


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alumni_site.settings.test")
    # Persistent connections like production (CONN_MAX_AGE=60 there), kept for
    # the whole run so that the PostgreSQL backend measured stays the same.
    os.environ.setdefault("CONN_MAX_AGE", "3600")
    database_label, cleanup = prepare_database()
    media_root = None
    try:
        import django

        django.setup()
        from django.conf import settings

        media_root = Path(settings.MEDIA_ROOT)
        print(f"Building the site in the {database_label}...", flush=True)
        targets = build_site()
        if args.profile:
            profile(next(t for t in targets if t.key == args.profile))
            return 0
        print(f"Measuring {len(targets)} pages...", flush=True)
        measure(targets, args)
        report(targets, database_label, args)
    finally:
        cleanup(args.keep)
        if media_root is not None and media_root.name.startswith("alumni-test-media-"):
            shutil.rmtree(media_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
