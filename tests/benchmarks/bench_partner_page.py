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
import sys

try:
    from tests.benchmarks import harness
except ImportError:  # run as a script: the repository root is not on sys.path
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.benchmarks import harness

from tests.benchmarks.harness import Target, measure, profile

BENCH_DB_NAME = "alumni_bench"
GOAL_RATIO = 0.80


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_timing_arguments(parser)
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
    return parser.parse_args(argv)


# --------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------


NO_FRAGMENT_CACHE = {"ALUMNI_PARTNER_PAGE_CACHE_SECONDS": 0}


def build_site() -> list[Target]:
    from django.core.management import call_command

    from home.bootstrap import ensure_site
    from tests.benchmarks.content import full_partner

    call_command("migrate", verbosity=0, interactive=False)
    home = ensure_site()
    # The bare page, and the same one level deeper, as deep as partner pages
    # (home > partner index > partner): routing costs two queries per level.
    bare, deep = harness.bare_pages(home, depths=2)
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
# Report
# --------------------------------------------------------------------------


def report(targets: list[Target], database_label: str, args) -> None:
    base = targets[0]
    harness.print_environment(database_label)
    harness.print_method(base, args)
    harness.print_table(harness.rate_rows(targets, base))
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

    def body(database_label: str) -> None:
        print(f"Building the site in the {database_label}...", flush=True)
        targets = build_site()
        if args.profile:
            profile(next(t for t in targets if t.key == args.profile))
            return
        print(f"Measuring {len(targets)} pages...", flush=True)
        measure(targets, args)
        report(targets, database_label, args)

    return harness.run(BENCH_DB_NAME, args.keep, body)


if __name__ == "__main__":
    sys.exit(main())
