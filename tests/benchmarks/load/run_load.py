"""Load test: the production stack on the large demo, under locust.

    python tests/benchmarks/load/run_load.py \\
        --database postgres://postgres@127.0.0.1:5432/alumni_large \\
        --users 10,20,40 --duration 60 --profile

The database must hold ``manage.py seed_demo --scale large``. The script:

1. migrates it (with ``--run-syncdb`` for the baseline's bare page type) and
   adds the bare page (``/mentions-legales/``) if it is missing;
2. reads the targets from it (page paths, filter values, accounts) into a JSON
   file for ``locustfile.py``, and times each kind of page alone, in this
   process (queries, time in SQL);
3. starts the stack of ``tests/deployment/stack.py`` with the production
   settings (plus the bare page's app, ``settings.py``): gunicorn with 2 sync
   workers and ``site/gunicorn.conf.py``, one ``qcluster``, a Redis database
   of its own (emptied: cold caches), static files collected for WhiteNoise,
   an SMTP server of its own; waits for ``/health/web/``;
4. warms up, then for each user count runs locust headless (``--duration``
   seconds after the users have started and logged in) on the site's mix,
   then on the bare page with the same users, recording locust's figures and
   the CPU time of gunicorn, qcluster, PostgreSQL (this database's backends),
   Redis, locust and the whole machine;
5. with ``--profile``: samples both gunicorn workers with ``py-spy`` during
   one more mix run and says where a request's time goes;
6. reads gunicorn's access log for the worker time each kind of page took;
7. writes ``summary.md`` (the tables, ready for RESULTS.md), locust's CSV
   files, the logs and the profiles to ``--out``.

Everything runs on this machine; the only target is 127.0.0.1. Locust and the
server share the two cores: locust's own CPU is reported beside the rest.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from tests.deployment.stack import (  # noqa: E402
    SECRET_KEY,
    RedisDatabase,
    Stack,
    collected_static,
)
from tests.smtp import SMTPServer  # noqa: E402

SETTINGS = "tests.benchmarks.load.settings"
MIX = ["Visitor", "Alumnus", "PartnerStaff"]
BASELINE = ["BareVisitor"]
TICKS = os.sysconf("SC_CLK_TCK")
#: Words for the job board's keyword search (titles, skills, cities).
BOARD_KEYWORDS = [
    "ingénieur",
    "python",
    "projet",
    "comptable",
    "data",
    "juriste",
    "maintenance",
    "marketing",
    "Casablanca",
    "finance",
    "qualité",
    "Dakar",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="postgres://… (large demo)")
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="the Redis server; a free database number of it is used and emptied",
    )
    parser.add_argument(
        "--users",
        default="10,20,40",
        help="comma-separated simulated user counts (default 10,20,40)",
    )
    parser.add_argument(
        "--duration", type=int, default=60, help="measured seconds per run"
    )
    parser.add_argument(
        "--spawn-rate", type=float, default=2.0, help="users started per second"
    )
    parser.add_argument(
        "--warmup", type=int, default=30, help="seconds of unrecorded mix first"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the bare page runs"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="one more mix run (at the largest user count with no error) "
        "with py-spy on both gunicorn workers",
    )
    parser.add_argument(
        "--wait",
        default="0.5,1.5",
        help="think time of a simulated user, min,max seconds (default 0.5,1.5)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the figures (default /tmp/alumni-load-<time>)",
    )
    return parser.parse_args(argv)


# --------------------------------------------------------------------------
# Preparing the database and the targets (in this process, then closed)
# --------------------------------------------------------------------------


def django_environment(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "SECRET_KEY": SECRET_KEY,
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
    }


def prepare(database_url: str, redis_url: str, out: Path) -> tuple[Path, list]:
    """Migrate, add the bare page, write the targets, measure each page alone.

    Returns the targets file and :func:`page_costs`.
    """
    os.environ.update(django_environment(database_url, redis_url))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", "--run-syncdb", interactive=False, verbosity=0)
    bare = bare_page()
    targets = collect_targets(bare)
    path = out / "targets.json"
    path.write_text(json.dumps(targets, ensure_ascii=False, indent=1), "utf-8")
    # The manifest of hashed static files that the pages name, collected as
    # the stack's will be (once for these sources, then reused).
    from django.test import override_settings

    with override_settings(STATIC_ROOT=str(collected_static(dict(os.environ)))):
        costs = page_costs(targets)
    connections.close_all()
    return path, costs


#: One page of each kind the mix asks for, with whose session: (label, path, who).
def _cost_pages(targets: dict) -> list[tuple[str, str, str]]:
    feed, board = targets["news_feed"], targets["job_board"]
    contract = targets["board_filters"]["contract_type"][0]
    return [
        ("bare page (baseline)", targets["bare_page"], ""),
        ("home page", "/", ""),
        ("partner page", targets["partner_pages"][0], ""),
        ("news page", targets["news_pages"][0], ""),
        ("offer page", targets["offer_pages"][0], ""),
        ("news feed", feed, ""),
        ("news feed, page 10", f"{feed}?page=10", ""),
        (
            "news feed filtered (type)",
            f"{feed}?type={targets['feed_filters']['type'][0]}",
            "",
        ),
        ("job board", board, ""),
        ("job board filtered", f"{board}?contract_type={contract}&country=FR", ""),
        ("job board search", f"{board}?q=python", ""),
        ("partner index, page 5", f"{targets['partner_index']}?page=5", ""),
        ("directory search", f"{targets['directory']}?q=Python", "alumnus"),
        ("directory search (name)", f"{targets['directory']}?q=Diop", "alumnus"),
        ("admin: news listing", targets["admin"]["news"], "partner"),
        ("admin: offers listing", targets["admin"]["offers"], "partner"),
        ("admin: page explorer", "explorer", "partner"),
        ("admin: dashboard", targets["admin"]["dashboard"], "partner"),
    ]


def page_costs(targets: dict, repeat: int = 5) -> list[dict]:
    """Each kind of page alone, in this process: time, queries, time in SQL.

    The median of ``repeat`` GETs after one first GET (caches warm), with the
    production settings and database, one request at a time: what a request
    costs before any queueing.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    users = {
        "alumnus": get_user_model().objects.get(email=targets["alumni_accounts"][0]),
        "partner": get_user_model().objects.get(
            email=targets["partner_accounts"][0]["email"]
        ),
    }
    rows = []
    for label, path, who in _cost_pages(targets):
        if path == "explorer":
            path = targets["admin"]["explorer"].format(
                page=targets["partner_accounts"][0]["page"]
            )
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        if who:
            client.force_login(users[who])
        timings = []
        for n in range(repeat + 1):
            queries = []

            def timed(execute, sql, params, many, context, queries=queries):
                began = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    queries.append(time.perf_counter() - began)

            began = time.perf_counter()
            with connection.execute_wrapper(timed):
                response = client.get(path)
            if n:
                timings.append(
                    (time.perf_counter() - began, len(queries), sum(queries))
                )
        timings.sort()
        wall, count, sql = timings[len(timings) // 2]
        rows.append(
            {
                "page": label,
                "status": response.status_code,
                "ms": 1000 * wall,
                "queries": count,
                "sql_ms": 1000 * sql,
            }
        )
    return rows


def bare_page():
    """The baseline page under the home page, published, aliased; made once."""
    from wagtail.models import Locale
    from wagtail_localize.synctree import create_aliases_for_new_page

    from home.models import HomePage
    from tests.benchmarks.harness import BARE_PAGES
    from tests.benchmarks.load.baseline.models import BarePage

    home = HomePage.objects.get(locale=Locale.get_default())
    title, slug = BARE_PAGES[0]
    page = BarePage.objects.child_of(home).filter(slug=slug).first()
    if page is None:
        page = home.add_child(instance=BarePage(title=title, slug=slug))
        page.save_revision().publish()
        create_aliases_for_new_page(page)
    return page


def collect_targets(bare) -> dict:
    """What the simulated users ask for, read from the database."""
    from django.contrib.auth.hashers import check_password
    from django.urls import reverse
    from wagtail.models import Locale

    from alumni_partner import demo_alumni, demo_scale
    from alumni_partner.management.commands.seed_demo import (
        MEMBER_PASSWORD,
        PARTNER_PASSWORD,
    )
    from alumni_partner.models import (
        ContractType,
        NewsIndexPage,
        NewsPage,
        NewsType,
        OfferIndexPage,
        OfferPage,
        Partner,
        PartnerIndexPage,
        PartnerPage,
        Sector,
        SeniorityLevel,
    )

    rng = random.Random(8)
    default = Locale.get_default()

    def urls(queryset, count):
        pks = list(queryset.values_list("pk", flat=True))
        chosen = rng.sample(pks, k=min(count, len(pks)))
        return [
            page.get_url(None)
            for page in queryset.model.objects.filter(pk__in=chosen).specific()
        ]

    live = {"live": True, "view_restrictions__isnull": True}
    partners = list(
        Partner.objects.filter(
            name__in=[s.name for s in demo_scale.partner_specs(2000)]
        )
        .select_related("page")
        .order_by("pk")
    )
    members = demo_scale.member_emails(1000)
    if not partners or not members:
        raise SystemExit(
            "The database does not hold the large demo: run "
            "manage.py seed_demo --scale large first."
        )
    first = partners[0].members.first()
    if not check_password(PARTNER_PASSWORD, first.password):
        raise SystemExit(f"{first.email} does not have the demo partner password.")
    news_of_default = NewsPage.objects.filter(locale=default, **live)
    offers_of_default = OfferPage.objects.filter(locale=default, **live)
    return {
        "partner_pages": urls(PartnerPage.objects.filter(locale=default, **live), 5000),
        "partner_pages_other": urls(
            PartnerPage.objects.exclude(locale=default).filter(**live), 1000
        ),
        "news_pages": urls(news_of_default, 2400)
        + urls(NewsPage.objects.exclude(locale=default).filter(**live), 600),
        "offer_pages": urls(offers_of_default, 2400)
        + urls(OfferPage.objects.exclude(locale=default).filter(**live), 600),
        "news_feed": NewsIndexPage.objects.get(locale=default).get_url(None),
        "job_board": OfferIndexPage.objects.get(locale=default).get_url(None),
        "partner_index": PartnerIndexPage.objects.get(locale=default).get_url(None),
        "bare_page": bare.get_url(None),
        "feed_filters": {
            "type": list(
                NewsType.objects.filter(locale=default).values_list("pk", flat=True)
            )
        },
        "board_filters": {
            "contract_type": list(
                ContractType.objects.filter(locale=default).values_list("pk", flat=True)
            ),
            "sector": list(
                Sector.objects.filter(locale=default).values_list("pk", flat=True)
            ),
            "seniority": list(
                SeniorityLevel.objects.filter(locale=default).values_list(
                    "pk", flat=True
                )
            ),
            "country": sorted({country for _city, country, _p in demo_scale.PLACES}),
        },
        "board_keywords": BOARD_KEYWORDS,
        "partner_filters": {
            "sector": list(
                Sector.objects.filter(locale=default).values_list("pk", flat=True)
            )
        },
        "directory": reverse("alumni_partner:directory"),
        "directory_words": sorted(
            {name for _f, lasts, _c in demo_alumni.PEOPLE.values() for name in lasts}
            | {skill for _field, skills in demo_alumni.FIELDS for skill in skills}
            | set(demo_alumni.EMPLOYERS)
        ),
        "directory_filters": {
            "country": list(demo_alumni.PEOPLE),
            "degree": sorted(set(demo_alumni.DEGREES)),
            "sector": [
                str(pk)
                for pk in Sector.objects.filter(locale=default).values_list(
                    "pk", flat=True
                )
            ],
            "skills": [
                skill for _field, skills in demo_alumni.FIELDS for skill in skills
            ],
        },
        "alumni_login": reverse("account_login"),
        "alumni_accounts": members,
        "alumni_password": MEMBER_PASSWORD,
        "admin_login": reverse("wagtailadmin_login"),
        "partner_accounts": [
            {"email": partner.members.first().email, "page": partner.page_id}
            for partner in rng.sample(partners, k=min(300, len(partners)))
        ],
        "partner_password": PARTNER_PASSWORD,
        "admin": {
            "dashboard": reverse("wagtailadmin_home"),
            "news": "/admin/news/",
            "offers": "/admin/offers/",
            "explorer": "/admin/pages/{page}/",
        },
    }


# --------------------------------------------------------------------------
# CPU time of the processes that serve
# --------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pids) -> float:
    """User + system CPU seconds of ``pids`` (those that still exist)."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            # After the ")": state is field 0, utime 11 and stime 12
            # (proc(5) numbers 14 and 15).
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def machine_busy_seconds() -> float:
    """CPU seconds spent by every process on the machine (from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICKS


def redis_server_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "redis-server":
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


class CpuWatch:
    """CPU seconds of each part of the stack between :meth:`start` and :meth:`stop`.

    Processes come and go (gunicorn replaces a worker after ``max_requests``,
    its PostgreSQL backend leaves with it): a thread reads every process's
    CPU time twice a second, and each process counts from the first reading
    to the last one of the window. PostgreSQL is the backends connected to
    the test's database (the web workers' and the cluster's), not the
    server's background processes; Redis is the whole server, shared with
    whatever else uses it.
    """

    PERIOD = 0.5

    def __init__(self, stack: Stack, database: str, pg: dict) -> None:
        self.stack = stack
        self.database = database
        self.pg = pg
        self.locust_pid: int | None = None

    def parts(self, conn) -> dict[str, list[int]]:
        backends = [
            pid
            for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
        ]
        parts = {
            "gunicorn": self.stack.web.group(),
            "qcluster": self.stack.worker.group(),
            "PostgreSQL (this database)": backends,
            "Redis": redis_server_pids(),
        }
        if self.locust_pid:
            parts["locust"] = [self.locust_pid]
        return parts

    def _sample(self, conn) -> None:
        for part, pids in self.parts(conn).items():
            seen = self.seen.setdefault(part, {})
            for pid in pids:
                value = cpu_seconds([pid])
                first, _last = seen.get(pid, (value, value))
                seen[pid] = (first, value)

    def _loop(self) -> None:
        with psycopg.connect(dbname=self.database, autocommit=True, **self.pg) as conn:
            while not self.stopping.wait(self.PERIOD):
                self._sample(conn)
            self._sample(conn)

    def start(self, locust_pid: int | None) -> None:
        self.locust_pid = locust_pid
        self.seen: dict[str, dict[int, tuple[float, float]]] = {}
        with psycopg.connect(dbname=self.database, autocommit=True, **self.pg) as conn:
            self._sample(conn)
        self.machine = machine_busy_seconds()
        self.wall = time.monotonic()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def stop(self) -> dict:
        """Cores used on average by each part, the machine, and everything else."""
        self.stopping.set()
        self.thread.join()
        wall = time.monotonic() - self.wall
        cores = {
            part: sum(last - first for first, last in seen.values()) / wall
            for part, seen in self.seen.items()
        }
        cores["machine"] = (machine_busy_seconds() - self.machine) / wall
        ours = sum(v for k, v in cores.items() if k != "machine")
        cores["others on the machine"] = max(0.0, cores["machine"] - ours)
        return cores


# --------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------


@dataclass
class RunResult:
    label: str
    users: int
    classes: list[str]
    rows: list[dict]
    cpu: dict
    loadavg: str
    failures: list[dict]

    @property
    def total(self) -> dict:
        return next(row for row in self.rows if row["Name"] == "Aggregated")

    @property
    def errors(self) -> int:
        return int(self.total["Failure Count"])


def run_locust(
    stack: Stack,
    watch: CpuWatch,
    targets: Path,
    out: Path,
    *,
    label: str,
    users: int,
    classes: list[str],
    duration: int,
    spawn_rate: float,
    wait: tuple[float, float],
    record: bool = True,
    during=None,
) -> RunResult | None:
    """One headless locust run; figures after every user started (reset then)."""
    ramp = users / spawn_rate
    prefix = out / label
    env = {
        **os.environ,
        "LOAD_TARGETS": str(targets),
        "LOAD_WAIT_MIN": str(wait[0]),
        "LOAD_WAIT_MAX": str(wait[1]),
    }
    argv = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--host",
        stack.base_url,
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        # Ramp, logins (a few seconds of password hashing), then the
        # measured duration.
        "-t",
        f"{int(ramp + 10 + duration)}s",
        "--reset-stats",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "5",
        *classes,
    ]
    with open(out / f"{label}.log", "w") as log:
        locust = subprocess.Popen(
            argv, cwd=HERE, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        # CPU is measured after the ramp and the logins (locust's figures
        # start at the end of the ramp) and stops a second before locust
        # does, while every process is still there to be read.
        time.sleep(ramp + 10)
        watch.start(locust.pid)
        if during is not None:
            during(duration - 1)
        else:
            time.sleep(duration - 1)
        cpu = watch.stop()
        loadavg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        locust.wait(timeout=duration + 120)
    if not record:
        return None
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise SystemExit(f"locust wrote no figures; see {out / f'{label}.log'}")
    with stats.open() as f:
        rows = list(csv.DictReader(f))
    failures_path = Path(f"{prefix}_failures.csv")
    failures = (
        list(csv.DictReader(failures_path.open())) if failures_path.exists() else []
    )
    return RunResult(label, users, classes, rows, cpu, loadavg, failures)


# --------------------------------------------------------------------------
# Profile
# --------------------------------------------------------------------------


def profile_workers(stack: Stack, out: Path, seconds: int) -> list[Path]:
    """py-spy (raw collapsed stacks, idle included) on each gunicorn worker."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    workers = [pid for pid in stack.web.group() if pid != stack.web.pid]
    procs, paths = [], []
    for pid in workers:
        path = out / f"py-spy-{pid}.txt"
        with open(out / f"py-spy-{pid}.log", "w") as log:
            procs.append(
                subprocess.Popen(
                    [
                        py_spy,
                        "record",
                        "--pid",
                        str(pid),
                        "--duration",
                        str(seconds),
                        "--rate",
                        "50",
                        "--idle",
                        "--nonblocking",
                        "--format",
                        "raw",
                        "--output",
                        str(path),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            )
        paths.append(path)
    for proc in procs:
        proc.wait(timeout=seconds + 60)
    return [p for p in paths if p.exists()]


FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]*)(?::\d+)?\)$")

#: (label, test on "function file" of a frame): where a request's time goes,
#: by the innermost frame that matches (inclusive categories below).
LAYERS = [
    ("waiting for PostgreSQL", lambda f: "psycopg" in f),
    ("Redis (cache, sessions)", lambda f: "/redis/" in f),
    ("search (Wagtail database backend)", lambda f: "modelsearch" in f),
    ("password hashing (logins)", lambda f: "pbkdf2" in f or "hashers.py" in f),
    ("ORM: building SQL, making objects", lambda f: "django/db/" in f),
    ("template rendering", lambda f: "django/template/" in f or "/templatetags/" in f),
    ("Wagtail (routing, pages, admin)", lambda f: "/wagtail/" in f),
    ("the plugin's own code", lambda f: "alumni_partner/" in f),
    ("Django (middleware, forms, i18n...)", lambda f: "/django/" in f),
    ("gunicorn (HTTP parsing, writing)", lambda f: "gunicorn/" in f),
]
INSIDE = [
    ("inside a SQL query (execute)", ("django/db/backends/utils.py",)),
    ("inside template rendering", ("django/template/base.py",)),
    ("inside a page's get_context (listings, filter forms)", ("get_context (",)),
    ("inside a paginator's COUNT(*) (listings)", ("count (django/core/paginator",)),
    ("inside the directory's facets", ("alumni_partner/directory/facets.py",)),
    (
        "inside Wagtail's routing (Page.route, the site's lookup)",
        ("route (wagtail/models/pages.py", "find_for_request ("),
    ),
    ("inside the search backend", ("modelsearch",)),
    ("inside the cache (django.core.cache)", ("django/core/cache",)),
]


def analyse_profile(paths: list[Path]) -> dict:
    """Busy share by layer (innermost known frame), inclusive shares, top leaves."""
    layers: Counter = Counter()
    inside: Counter = Counter()
    leaves: Counter = Counter()
    busy = idle = 0
    for path in paths:
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            frames = stack.split(";")
            if not any("handle_request" in frame for frame in frames):
                idle += n  # the worker waits for the next request
                continue
            busy += n
            layers[_layer(frames)] += n
            for label, needles in INSIDE:
                if any(needle in frame for frame in frames for needle in needles):
                    inside[label] += n
            leaves[_leaf(frames)] += n
    total = busy + idle
    return {
        "samples": total,
        "busy_share": busy / total if total else 0.0,
        "layers": {k: v / busy for k, v in layers.most_common()} if busy else {},
        "inside": {k: inside[k] / busy for k, _ in INSIDE} if busy else {},
        "leaves": [(k, v / busy) for k, v in leaves.most_common(15)] if busy else [],
    }


def _layer(frames: list[str]) -> str:
    """The layer of the innermost frame that belongs to a known one."""
    for frame in reversed(frames):
        for label, test in LAYERS:
            if test(frame):
                return label
    return "other (Python standard library)"


def _leaf(frames: list[str]) -> str:
    match = FRAME.match(frames[-1])
    if not match:
        return frames[-1][:100]
    file = match["file"].split("site-packages/")[-1].split("/work/main/")[-1]
    return f"{match['func']} ({file})"


ACCESS = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) \S+ (?P<ms>\d+)ms'
)


def worker_time_by_kind(log: Path, targets: dict) -> list[tuple[str, int, float]]:
    """From gunicorn's access log: requests and worker milliseconds per kind.

    ``%(M)s`` is the time a worker spent on the request (not the time it
    waited in the listen queue): which pages the workers' time goes to, over
    every run of the mix (the log has no timestamps to split it by run).
    """
    news = set(targets["news_pages"])
    offers = set(targets["offer_pages"])
    partners = set(targets["partner_pages"]) | set(targets["partner_pages_other"])
    kinds = [
        ("view beacon", lambda path: path.startswith("/views/")),
        ("bare page (baseline runs)", lambda path: path == targets["bare_page"]),
        ("partner page", lambda path: path in partners),
        ("news page", lambda path: path in news),
        ("offer page", lambda path: path in offers),
        ("news feed", lambda path: path.startswith(targets["news_feed"])),
        ("job board", lambda path: path.startswith(targets["job_board"])),
        ("partner index", lambda path: path.startswith(targets["partner_index"])),
        ("directory", lambda path: path.startswith(targets["directory"])),
        ("logins", lambda path: "/login/" in path),
        ("admin", lambda path: path.startswith("/admin/")),
        ("health checks", lambda path: path.startswith("/health/")),
        ("home page", lambda path: path == "/"),
    ]
    totals: dict[str, list] = {}
    for line in log.read_text(errors="replace").splitlines():
        match = ACCESS.search(line)
        if not match:
            continue
        path = match["path"].split("?")[0]
        kind = next((k for k, test in kinds if test(path)), "other")
        entry = totals.setdefault(kind, [0, 0.0])
        entry[0] += 1
        entry[1] += int(match["ms"])
    return sorted(
        ((k, n, ms) for k, (n, ms) in totals.items()), key=lambda row: -row[2]
    )


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def ms(value: str) -> str:
    try:
        return f"{float(value):.0f}"
    except ValueError:
        return value


def run_table(result: RunResult) -> list[str]:
    lines = [
        "| request | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = sorted(
        (r for r in result.rows if r["Name"] != "Aggregated"),
        key=lambda r: -int(r["Request Count"]),
    )
    for row in [*rows, result.total]:
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        count = int(row["Request Count"])
        errors = int(row["Failure Count"])
        lines.append(
            f"| {name} | {count} | {float(row['Requests/s']):.1f} | "
            f"{ms(row['50%'])} | {ms(row['95%'])} | {ms(row['99%'])} | "
            f"{ms(row['Max Response Time'])} | "
            f"{errors} ({100 * errors / count if count else 0:.1f} %) |"
        )
    return lines


def summary_table(results: list[RunResult]) -> list[str]:
    lines = [
        "| run | users | req/s | p50 ms | p95 ms | p99 ms | errors | "
        "CPU ms/req gunicorn | CPU ms/req PostgreSQL | cores: gunicorn | "
        "PostgreSQL | Redis | qcluster | locust | others | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        "---:|---|",
    ]
    for r in results:
        t = r.total
        count = int(t["Request Count"])
        rate = float(t["Requests/s"])
        cpu = r.cpu
        web, db = cpu["gunicorn"], cpu["PostgreSQL (this database)"]
        lines.append(
            f"| {r.label.split('-')[0]} | {r.users} | {rate:.1f} | "
            f"{ms(t['50%'])} | {ms(t['95%'])} | {ms(t['99%'])} | "
            f"{100 * r.errors / count if count else 0:.2f} % | "
            f"{1000 * web / rate if rate else 0:.1f} | "
            f"{1000 * db / rate if rate else 0:.1f} | "
            f"{web:.2f} | {db:.2f} | {cpu['Redis']:.2f} | {cpu['qcluster']:.2f} | "
            f"{cpu.get('locust', 0):.2f} | {cpu['others on the machine']:.2f} | "
            f"{r.loadavg} |"
        )
    return lines


def write_summary(
    out: Path, args, results, profile, costs, workers, started, stack_info
) -> Path:
    lines = [
        f"Load test of {started:%Y-%m-%d %H:%M}, {platform.node()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "Command: `" + " ".join(["python", *sys.argv]) + "`",
        "",
        stack_info,
        "",
        "CPU columns: cores used on average during the measured window "
        '(CPU seconds / wall seconds; the machine has 2). "others": every other '
        "process on the machine (other jobs, PostgreSQL's own background work).",
        "",
        *summary_table(results),
        "",
    ]
    lines += [
        "### Each page alone (one request at a time, caches warm)",
        "",
        "| page | status | ms | queries | ms in SQL |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {c['page']} | {c['status']} | {c['ms']:.0f} | {c['queries']} | "
            f"{c['sql_ms']:.0f} |"
            for c in costs
        ],
        "",
    ]
    for r in results:
        lines += [f"### {r.label} ({r.users} users)", "", *run_table(r), ""]
        if r.failures:
            lines += ["Failures:", ""]
            lines += [
                f"- {f['Name']}: {f['Error']} × {f['Occurrences']}" for f in r.failures
            ]
            lines.append("")
    if workers:
        mix = [row for row in workers if not row[0].startswith("bare")]
        busy = sum(ms for _k, _n, ms in mix) or 1
        count = sum(n for _k, n, _ms in mix) or 1
        lines += [
            "### Which pages the workers' time goes to (all mix runs)",
            "",
            "From gunicorn's access log (time in the worker, queueing excluded).",
            "",
            "| kind | requests | share of requests | mean ms in worker | "
            "share of worker time |",
            "|---|---:|---:|---:|---:|",
            *[
                f"| {k} | {n} | {100 * n / count:.1f} % | {ms / n:.0f} | "
                f"{100 * ms / busy:.1f} % |"
                for k, n, ms in mix
            ],
            "",
        ]
    if profile:
        lines += [
            "### Profile: where a gunicorn worker's time goes",
            "",
            f"py-spy, 50 samples/s on both workers, {profile['samples']} samples; "
            f"the workers were busy (serving a request) {100 * profile['busy_share']:.0f} % "
            "of the time. Shares of the busy samples:",
            "",
            "| innermost layer | share |",
            "|---|---:|",
            *[f"| {k} | {100 * v:.1f} % |" for k, v in profile["layers"].items()],
            "",
            "| inclusive | share |",
            "|---|---:|",
            *[f"| {k} | {100 * v:.1f} % |" for k, v in profile["inside"].items()],
            "",
            "| busiest innermost functions | share |",
            "|---|---:|",
            *[f"| `{k}` | {100 * v:.1f} % |" for k, v in profile["leaves"]],
            "",
        ]
    path = out / "summary.md"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


# --------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    started = datetime.now()
    out = args.out or Path(f"/tmp/alumni-load-{started:%Y%m%d-%H%M%S}")
    out.mkdir(parents=True, exist_ok=True)
    users = [int(u) for u in args.users.split(",") if u.strip()]
    wait = tuple(float(v) for v in args.wait.split(","))
    parts = urlsplit(args.database)
    database = parts.path.lstrip("/")
    pg = {
        k: v
        for k, v in (
            ("host", parts.hostname),
            ("port", parts.port),
            ("user", parts.username),
            ("password", parts.password),
        )
        if v
    }

    with RedisDatabase.reserve(args.redis) as redis_db, SMTPServer() as smtp:
        print(f"Preparing {database} (migrate, bare page, targets)...", flush=True)
        targets, costs = prepare(args.database, redis_db.url, out)
        # The stack starts on cold caches, like after a deployment.
        redis_db.client.flushdb()
        redis_db.client.set(redis_db.lock_key, os.getpid(), ex=3600)
        stack = Stack(
            database_url=args.database,
            redis_url=redis_db.url,
            smtp=smtp,
            web_workers=2,
            q_workers=1,
            extra_env={"DJANGO_SETTINGS_MODULE": SETTINGS},
            gunicorn_args=("--config", str(ROOT / "site" / "gunicorn.conf.py")),
        )
        with stack:
            seconds = stack.wait_healthy()
            stack_info = (
                f"Stack: gunicorn ({stack.web_workers} sync workers, "
                "site/gunicorn.conf.py) and one qcluster, production settings "
                f"(+ the bare page's app), PostgreSQL database `{database}`, Redis "
                f"database {redis_db.number} (emptied first: cold caches); "
                f"healthy {seconds:.1f} s after start. Think time "
                f"{wait[0]}–{wait[1]} s per simulated user; figures from the "
                f"{args.duration} s after every user started and logged in."
            )
            print(stack_info, flush=True)
            watch = CpuWatch(stack, database, pg)
            common = {
                "duration": args.duration,
                "spawn_rate": args.spawn_rate,
                "wait": wait,
            }
            if args.warmup:
                print(f"Warm-up ({args.warmup} s)...", flush=True)
                run_locust(
                    stack,
                    watch,
                    targets,
                    out,
                    label="warmup",
                    users=users[0],
                    classes=MIX,
                    record=False,
                    **{**common, "duration": args.warmup},
                )
            results = []
            for count in users:
                for label, classes in [("mix", MIX), ("bare", BASELINE)]:
                    if label == "bare" and args.no_baseline:
                        continue
                    print(f"{label}, {count} users...", flush=True)
                    result = run_locust(
                        stack,
                        watch,
                        targets,
                        out,
                        label=f"{label}-{count}",
                        users=count,
                        classes=classes,
                        **common,
                    )
                    results.append(result)
                    t = result.total
                    print(
                        f"  {float(t['Requests/s']):.1f} req/s, p50 {ms(t['50%'])} ms, "
                        f"p95 {ms(t['95%'])} ms, p99 {ms(t['99%'])} ms, "
                        f"{result.errors} errors; cores: "
                        + ", ".join(f"{k} {v:.2f}" for k, v in result.cpu.items()),
                        flush=True,
                    )
            profile = None
            if args.profile:
                clean = [
                    r.users
                    for r in results
                    if r.label.startswith("mix") and not r.errors
                ]
                count = max(clean) if clean else users[0]
                print(
                    f"Profile: mix, {count} users, py-spy on the workers...", flush=True
                )
                spans = []
                run_locust(
                    stack,
                    watch,
                    targets,
                    out,
                    label=f"profile-{count}",
                    users=count,
                    classes=MIX,
                    during=lambda d: spans.extend(profile_workers(stack, out, d)),
                    **common,
                )
                profile = analyse_profile(spans)
            for process in (stack.web, stack.worker):
                shutil.copy(process.log_path, out / process.log_path.name)
    workers = worker_time_by_kind(
        out / "gunicorn.log", json.loads(targets.read_text("utf-8"))
    )
    summary = write_summary(
        out, args, results, profile, costs, workers, started, stack_info
    )
    print(summary.read_text())
    print(f"Figures, CSV files and logs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
