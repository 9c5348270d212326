"""Benchmark: a member's messages with 50, 500 and 5,000 conversations (issue 7).

Run from the repository root, on PostgreSQL (the issue's case; the plans
printed are PostgreSQL's)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    DJANGO_SETTINGS_MODULE=alumni_site.settings.test \\
        .venv/bin/python tests/benchmarks/bench_messages.py [--sizes 50 500 5000]

It builds a throwaway database ``alumni_bench_messages`` (dropped afterwards
unless ``--keep``) and, with bulk inserts (``COPY`` for the messages), one
alumnus per size N whose mailbox holds N conversations of 10 messages each
(50,000 messages at N = 5,000) with other alumni and partners (one in five),
in a realistic mix: about 8 % of the member's conversations unread (1 to 3
messages), 15 % archived, 5 % deleted for themself; plus background noise,
``--noise`` conversations of 10 messages between other members (50,000 more
messages by default), so that an index not led by the mailbox shows. The
rows are what ``messaging.start_thread`` and ``reply`` would leave
(participants' counters, ``last_message_at`` copies, ``last_read_at``).

Measured for each N, interleaved in rounds:

- **service**, the functions called in process: ``messaging.unread_count``;
  the inbox's first page (``conversations(box)[:20]``), with the count a
  paginator adds, and with ``describe_conversations`` (the other party and
  the last message, as the page shows them); the sent folder's first page
  (``sent(box)[:20]``);
- **naive**, the same inbox without the denormalised counters (written here,
  :func:`naive_inbox` and :func:`naive_unread_count`): conversations ordered
  by ``Max("messages__created_at")``, unread ones found by comparing
  messages with the participant's ``last_read_at`` in an aggregate;
- **HTTP**, Django's test ``Client`` logged in (``force_login``) as that
  member: the inbox (``alumni_partner:messages_inbox``), the most recent
  conversation (``message_thread``), the sent folder (``messages_sent``), and
  the naive inbox as a minimal page (:func:`naive_inbox_view`, this module's
  URLconf); and once, anonymous, the bare Wagtail page of the other
  benchmarks (the baseline) and the home page.

Each row gives p50/p95 latency, requests per second (fastest round), CPU
per request (this process + its PostgreSQL backend) and queries per request
(``CaptureQueriesContext``); then the ratios of N = 5,000 to N = 50 say
whether the figures are constant in N (the verdict reads the CPU time, which
other processes' load does not move, and the query count); a view whose query count differs
between sizes, or between a full first page and a three-conversation
mailbox, has the extra queries printed. Finally ``EXPLAIN (ANALYZE,
BUFFERS)``: of the service queries at each N in one line (time, scans and
indexes), at the largest N node by node; and of every SELECT the three views
run at the largest N (the plans of those over 0.2 ms). The script reports;
its exit code does not depend on the figures. ``--keep`` keeps the database
for a closer look.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

try:
    from tests.benchmarks import harness
except ImportError:  # run as a script: the repository root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.benchmarks import harness

from django.urls import path

from tests.benchmarks.harness import Target, measure

BENCH_DB_NAME = "alumni_bench_messages"
SIZES = (50, 500, 5000)
NOISE_THREADS = 5000
MESSAGES_PER_THREAD = 10
CORRESPONDENTS = 400
PARTNERS = 20
PAGE = 20
#: The owner's side of a conversation: (state, share).
MIX = (("unread", 0.08), ("archived", 0.15), ("deleted", 0.05), ("read", 0.72))
#: CPU per request at 5,000 within this ratio of that at 50 counts as
#: constant (on a busy 2-CPU machine even CPU time moves by ±20 %).
CONSTANT_RATIO = 1.5
NAIVE_URLCONF = "tests.benchmarks.bench_messages"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_timing_arguments(parser, requests=200)
    parser.set_defaults(warmup=10, rounds=20)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="default 50 500 5000"
    )
    parser.add_argument(
        "--noise",
        type=int,
        default=NOISE_THREADS,
        help=f"conversations between other members (default {NOISE_THREADS})",
    )
    parser.add_argument(
        "--no-http", action="store_true", help="only the service-level figures"
    )
    return parser.parse_args(argv)


# --------------------------------------------------------------------------
# The naive inbox, measured against the real one
# --------------------------------------------------------------------------


def naive_conversations(mailbox):
    """The mailbox's inbox computed from the messages, as one would write it first."""
    from django.db.models import Count, F, Max, Q

    from alumni_partner.models import Thread

    return (
        Thread.objects.filter(
            participants__mailbox=mailbox,
            participants__hidden=False,
            participants__archived=False,
        )
        .annotate(
            last_at=Max("messages__created_at"),
            unread=Count(
                "messages",
                filter=~Q(messages__sender=mailbox)
                & (
                    Q(participants__last_read_at__isnull=True)
                    | Q(messages__created_at__gt=F("participants__last_read_at"))
                ),
            ),
        )
        .order_by("-last_at", "-pk")
    )


def naive_inbox(mailbox) -> list:
    return list(naive_conversations(mailbox)[:PAGE])


def naive_unread_count(mailbox) -> int:
    """Conversations with a message from the other side after the last reading."""
    from django.db.models import Count, F, Q

    from alumni_partner.models import ThreadParticipant

    return (
        ThreadParticipant.objects.filter(mailbox=mailbox, hidden=False)
        .annotate(
            unread=Count(
                "thread__messages",
                filter=~Q(thread__messages__sender=mailbox)
                & (
                    Q(last_read_at__isnull=True)
                    | Q(thread__messages__created_at__gt=F("last_read_at"))
                ),
            )
        )
        .filter(unread__gt=0)
        .count()
    )


def naive_inbox_view(request):
    """The naive inbox as a bare page: the count, then subject, date, unread."""
    from django.http import HttpResponse
    from django.utils.html import escape

    from alumni_partner import messaging

    box = messaging.mailbox_of_user(request.user)
    lines = [f"<h1>{naive_unread_count(box)} non lus</h1><ul>"]
    lines += [
        f"<li>{escape(t.subject)} — {t.last_at:%d/%m/%Y} ({t.unread})</li>"
        for t in naive_inbox(box)
    ]
    lines.append("</ul>")
    return HttpResponse("".join(lines))


#: This module is the URLconf of the naive page (``NAIVE_URLCONF``).
urlpatterns = [path("naive-messages/", naive_inbox_view)]


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------

SUBJECTS = [
    "Stage de fin d'études chez {org}",
    "Candidature spontanée",
    "Question sur le forum des métiers",
    "Mentorat : premier rendez-vous",
    "Offre de VIE à {city}",
    "Retrouvailles de la promotion {year}",
    "Votre parcours à {city}",
    "Recommandation pour un master",
    "Poste d'ingénieur·e chez {org}",
    "Merci pour votre conférence",
    "Logement à {city}",
    "Échange sur la transition énergétique",
]

SENTENCES = [
    "Bonjour, j'ai vu votre profil dans l'annuaire des alumni.",
    "Merci beaucoup pour votre réponse rapide !",
    "Je serais ravie d'échanger avec vous sur votre parcours à {city}.",
    "Le forum a lieu le 14 mars, voici le programme : https://example.org/forum",
    "Pourriez-vous me dire comment s'est passé votre stage chez {org} ?",
    "Je vous envoie mon CV en lien : https://cv.example.org/{year}",
    "Nous recrutons deux ingénieur·es pour notre site de {city}.",
    "Avec plaisir, on peut s'appeler jeudi à 18 h.",
    "Je garde votre adresse et je reviens vers vous la semaine prochaine.",
    "Bonne continuation, et à bientôt au prochain événement des alumni.",
]

ORGS = ["Helios Énergie", "Banque Atlas", "Orbis Conseil", "Médilab", "Nova Transports"]


def fill(rng: random.Random, template: str) -> str:
    """``template`` with an organisation, a city and a year drawn at random."""
    return template.format(
        org=rng.choice(ORGS),
        city=rng.choice(["Dakar", "Lyon", "Hanoï", "Lima", "Montréal"]),
        year=rng.randrange(2005, 2024),
    )


def bodies(rng: random.Random, count: int) -> list[str]:
    """``count`` message texts of one to four sentences, some with a link."""
    return [
        " ".join(fill(rng, s) for s in rng.sample(SENTENCES, k=rng.randint(1, 4)))
        for _ in range(count)
    ]


def people(rng: random.Random, count: int, prefix: str, *, alumni=True) -> list:
    """``count`` active users, with an alumni profile if ``alumni``, in bulk."""
    from django.contrib.auth import get_user_model

    from alumni_partner.demo_alumni import PEOPLE
    from alumni_partner.models import AlumniProfile

    countries = list(PEOPLE)
    users = []
    for n in range(count):
        country = rng.choice(countries)
        first, last, _cities = PEOPLE[country]
        email = f"{prefix}{n:05d}@alumni.test"
        users.append(
            get_user_model()(
                username=email,
                email=email,
                password="!",  # unusable: force_login only
                first_name=rng.choice(first),
                last_name=rng.choice(last),
            )
        )
    users = get_user_model().objects.bulk_create(users, batch_size=1000)
    if not alumni:
        return users
    AlumniProfile.objects.bulk_create(
        [
            AlumniProfile(
                user=user,
                country=rng.choice(countries),
                sort_name=f"{user.last_name} {user.first_name}",
                accepts_partner_contact=rng.random() < 0.7,
            )
            for user in users
        ],
        batch_size=1000,
    )
    return users


def _conversation(rng, a, b, last_at, owner_state=None):
    """One conversation between mailboxes ``a`` and ``b`` ending at ``last_at``.

    Returns (thread, senders, times, participants as dicts): ``a``'s side is
    in ``owner_state`` (random if None); unread messages are the last ones,
    written by the other side, after the reader's ``last_read_at``.
    """
    from alumni_partner.models import Thread

    starter = a if rng.random() < 0.5 else b
    other = b if starter is a else a
    senders = [starter if i % 2 == 0 else other for i in range(MESSAGES_PER_THREAD)]
    times = [last_at]
    for _ in range(MESSAGES_PER_THREAD - 1):
        times.append(times[-1] - timedelta(minutes=rng.randint(2, 3 * 24 * 60)))
    times.reverse()
    states = {
        a: owner_state or rng.choice(["read", "read", "unread", "archived"]),
        b: rng.choice(["read", "read", "unread", "archived"]),
    }
    unread = dict.fromkeys((a, b), 0)
    for box, state in states.items():
        if state == "unread":
            unread[box] = rng.randint(1, 3)
            peer = b if box is a else a
            for i in range(MESSAGES_PER_THREAD - unread[box], MESSAGES_PER_THREAD):
                senders[i] = peer
    if unread[a] and unread[b]:  # both cannot wait for the other's last words
        unread[b] = 0
        states[b] = "read"
        for i in range(MESSAGES_PER_THREAD - unread[a], MESSAGES_PER_THREAD):
            senders[i] = b
    thread = Thread(
        subject="",
        started_by=senders[0],
        created_at=times[0],
        last_message_at=last_at,
        message_count=MESSAGES_PER_THREAD,
    )
    sides = []
    for box in (a, b):
        state = states[box]
        read_up_to = times[MESSAGES_PER_THREAD - 1 - unread[box]]
        sides.append(
            {
                "mailbox": box,
                "last_message_at": last_at,
                "unread_count": unread[box],
                "last_read_at": read_up_to,
                "archived": state == "archived",
                "hidden": state == "deleted",
                "cleared_at": last_at if state == "deleted" else None,
            }
        )
    return thread, senders, times, sides


def build_messages(rng, owners: dict, correspondents: list, noise: int) -> dict:
    """The conversations of every owner, then the noise; returns the counts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from alumni_partner.models import Message, Thread, ThreadParticipant

    now = timezone.now()
    window = 730 * 24 * 3600
    subjects = [fill(rng, rng.choice(SUBJECTS)) for _ in range(300)]
    texts = bodies(rng, 500)
    states = [state for state, _share in MIX]
    weights = [share for _state, share in MIX]
    plan = []  # (a, b, last_at, owner_state)
    for box, size in owners.items():
        for _ in range(size):
            plan.append(
                (
                    box,
                    rng.choice(correspondents),
                    now - timedelta(seconds=rng.randrange(window)),
                    rng.choices(states, weights)[0],
                )
            )
    for _ in range(noise):
        a = b = rng.choice(correspondents)
        while b is a:
            b = rng.choice(correspondents)
        plan.append((a, b, now - timedelta(seconds=rng.randrange(window)), None))
    # Rows in time order, as they would have been written.
    plan.sort(key=lambda item: item[2])
    threads, conversations = [], []
    for a, b, last_at, state in plan:
        thread, senders, times, sides = _conversation(rng, a, b, last_at, state)
        thread.subject = rng.choice(subjects)
        threads.append(thread)
        conversations.append((senders, times, sides))
    with transaction.atomic():
        Thread.objects.bulk_create(threads, batch_size=2000)
        ThreadParticipant.objects.bulk_create(
            [
                ThreadParticipant(thread=thread, **side)
                for thread, (_s, _t, sides) in zip(threads, conversations, strict=True)
                for side in sides
            ],
            batch_size=2000,
        )
        columns = "public_id, thread_id, sender_id, author_id, body, created_at"
        count = 0
        with connection.cursor() as cursor:
            copy_sql = f"COPY {Message._meta.db_table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for thread, (senders, times, _sides) in zip(
                    threads, conversations, strict=True
                ):
                    for sender, moment in zip(senders, times, strict=True):
                        copy.write_row(
                            (
                                uuid.uuid4(),
                                thread.pk,
                                sender.pk,
                                sender.author_id,
                                rng.choice(texts),
                                moment,
                            )
                        )
                        count += 1
    return {"threads": len(threads), "messages": count}


def build(args) -> dict:
    """Users, partners, mailboxes, conversations; the run's targets and facts."""
    from django.core.management import call_command
    from django.db import connection

    from alumni_partner.models import Mailbox, Partner
    from home.bootstrap import ensure_site
    from tests.benchmarks import bulk

    rng = random.Random(2026)
    call_command("migrate", verbosity=0, interactive=False)
    home = ensure_site()
    bare = harness.bare_pages(home, depths=1)[0]
    started = time.perf_counter()

    sizes = sorted(set(args.sizes))
    owner_users = people(rng, len(sizes) + 1, "owner")
    alumni = people(rng, CORRESPONDENTS, "member")
    partners = bulk.partners(PARTNERS)
    partner_users = people(rng, PARTNERS, "partner-user", alumni=False)
    Partner.members.through.objects.bulk_create(
        [
            Partner.members.through(partner_id=p.pk, user_id=u.pk)
            for p, u in zip(partners, partner_users, strict=True)
        ]
    )
    boxes = Mailbox.objects.bulk_create(
        [Mailbox(user=u) for u in owner_users + alumni]
        + [Mailbox(partner=p) for p in partners]
    )
    authors = [u.pk for u in owner_users + alumni] + [u.pk for u in partner_users]
    for box, author in zip(boxes, authors, strict=True):
        box.author_id = author  # who writes the messages of that box
    owner_boxes = boxes[: len(owner_users)]
    correspondents = boxes[len(owner_users) :]
    # One partner correspondent in five conversations, as the issue expects.
    weighted = correspondents[:CORRESPONDENTS] + correspondents[CORRESPONDENTS:] * (
        CORRESPONDENTS // PARTNERS // 4
    )
    # The last owner holds three conversations: does a short page cost fewer queries?
    owners = dict(zip(owner_boxes, [*sizes, 3], strict=True))
    counts = build_messages(rng, owners, weighted, args.noise)
    with connection.cursor() as cursor:
        # What autovacuum leaves after a bulk load: statistics and visibility map.
        cursor.execute("VACUUM ANALYZE")
    from alumni_partner import messaging

    unread = {
        size: (messaging.unread_count(box), naive_unread_count(box))
        for box, size in owners.items()
    }
    return {
        "unread": unread,
        "bare": bare,
        "home": home,
        # (user, mailbox, conversations), the three-conversation one first.
        "owners": sorted(
            zip(owner_users, owner_boxes, owners.values(), strict=True),
            key=lambda owner: owner[2],
        ),
        "build_seconds": time.perf_counter() - started,
        **counts,
    }


# --------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------

_OK = SimpleNamespace(status_code=200)


class Calls:
    """Stands for the test Client in :func:`harness.measure`: a call, not a GET."""

    def __init__(self, function):
        self.function = function

    def get(self, url, **kwargs):
        self.function()
        return _OK


def service_targets(box, size: int) -> list[Target]:
    from django.core.paginator import Paginator

    from alumni_partner import messaging
    from alumni_partner.messaging import inbox

    def paginated():
        page = Paginator(messaging.conversations(box), PAGE).page(1)
        return list(page.object_list)

    calls = [
        ("unread", "unread_count()", lambda: messaging.unread_count(box)),
        (
            "inbox",
            "inbox page 1: conversations()[:20]",
            lambda: list(messaging.conversations(box)[:PAGE]),
        ),
        ("inbox-paginated", "inbox page 1 + Paginator count", paginated),
        ("sent", "sent page 1: sent()[:20]", lambda: list(messaging.sent(box)[:PAGE])),
        (
            "naive-unread",
            "naive unread count (aggregate)",
            lambda: naive_unread_count(box),
        ),
        ("naive-inbox", "naive inbox page 1 (Max, Count)", lambda: naive_inbox(box)),
    ]
    # What a listing page adds (names, last message), once the views have it.
    describe = getattr(inbox, "describe_conversations", None)
    if describe is not None:
        calls.insert(
            3,
            (
                "inbox-described",
                "inbox page 1 + describe_conversations()",
                lambda: describe(box, messaging.conversations(box)[:PAGE]),
            ),
        )
    return [
        Target(f"{key}@{size}", label, f"call:{key}@{size}", client=Calls(function))
        for key, label, function in calls
    ]


def views_ready() -> str | None:
    """None when the public inbox view exists, else why not."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("alumni_partner:messages_inbox")
        reverse("alumni_partner:messages_sent")
    except NoReverseMatch as error:
        return f"the messages URLs do not resolve yet ({error})"
    return None


def http_targets(user, box, size: int) -> list[Target]:
    from django.test import Client
    from django.urls import reverse

    from alumni_partner import messaging

    client = Client()
    client.force_login(user)
    latest = messaging.conversations(box).first()
    pages = [
        ("http-inbox", "GET inbox", reverse("alumni_partner:messages_inbox"), {}),
        (
            "http-thread",
            "GET latest conversation",
            reverse("alumni_partner:message_thread", args=[latest.thread.public_id]),
            {},
        ),
        ("http-sent", "GET sent", reverse("alumni_partner:messages_sent"), {}),
        (
            "http-naive",
            "GET naive inbox (bare page)",
            "/naive-messages/",
            {"ROOT_URLCONF": NAIVE_URLCONF},
        ),
    ]
    targets = []
    for key, label, url, settings in pages:
        target = Target(f"{key}@{size}", label, url, client=client, settings=settings)
        status = _status(target)
        if status != 200:
            print(f"  skipped {label} at N={size}: GET {url} answered {status}")
            continue
        targets.append(target)
    return targets


def _status(target: Target) -> int | str:
    """The page's status code, or the exception it raised (the views may be
    half written while this runs)."""
    import logging

    from django.test import override_settings

    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with override_settings(**target.settings):
            return target.client.get(target.url).status_code
    except Exception as error:  # reported, and the page is left out
        return f"{type(error).__name__}: {error}"
    finally:
        logger.setLevel(level)


# --------------------------------------------------------------------------
# Queries: which ones, and their plans
# --------------------------------------------------------------------------


def captured(target: Target) -> list[str]:
    """The SQL of one request (or call) of ``target``."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(**target.settings), CaptureQueriesContext(connection) as c:
        target.client.get(target.url)
    return [q["sql"] for q in c.captured_queries]


def shape(sql: str) -> str:
    """A query with its literal values replaced, to compare two requests' queries."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"IN \([?, ]+\)", "IN (…)", sql)
    return re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql)


def query_differences(small: list[str], large: list[str]) -> list[str]:
    """Queries one request ran more often than the other, with the counts."""
    a, b = Counter(map(shape, small)), Counter(map(shape, large))
    return [
        f"{a[q]} → {b[q]}×  {q[:300]}" for q in sorted(set(a) | set(b)) if a[q] != b[q]
    ]


def plan_summary(sql: str) -> tuple[float, list[str]]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of ``sql``: execution ms and its nodes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    nodes, execution = [], 0.0
    for line in lines:
        if line.startswith("Execution Time"):
            execution = float(re.findall(r"[\d.]+", line)[0])
        stripped = line.strip()
        if "(cost=" in line:
            line = re.sub(r"  \(cost=[^)]*\)", "", line)
            line = re.sub(
                r"\(actual time=[\d.]+\.\.([\d.]+) rows=(\d+) loops=(\d+)\)",
                r"[\1 ms, \2 rows × \3]",
                line,
            )
            nodes.append(line.replace("->  ", ""))
        elif stripped.startswith(
            ("Index Cond", "Filter", "Rows Removed", "Heap Fetches", "Sort Method")
        ):
            nodes.append(line)
    return execution, nodes


def selects(target: Target) -> list[str]:
    """The SELECTs of one request of ``target`` (locking ones left out)."""
    return [
        sql
        for sql in captured(target)
        if sql.lstrip().upper().startswith("SELECT") and "FOR UPDATE" not in sql
    ]


def scans(nodes: list[str]) -> str:
    """The plan's scans, in order, in short: ``table[index]``, ``table SEQ``."""
    found = []
    for node in nodes:
        node = re.sub(r"\s*\[.*", "", node.strip()).replace("alumni_partner_", "")
        if match := re.match(
            r"(Index|Index Only) Scan(?: Backward)? using (\S+) on (\S+)", node
        ):
            kind, index, table = match.groups()
            found.append(f"{table}[{index}{'+' if kind == 'Index Only' else ''}]")
        elif match := re.match(r"Bitmap Index Scan on (\S+)", node):
            found.append(f"[{match.group(1)} bitmap]")
        elif match := re.match(r"Seq Scan on (\S+)", node):
            found.append(f"{match.group(1)} SEQ")
    return ", ".join(found)


def explain_target(target: Target, *, only_over_ms: float = 0.0) -> None:
    """Print the plan of each SELECT ``target`` runs (those over ``only_over_ms``)."""
    plans = [(*plan_summary(sql), sql) for sql in selects(target)]
    print(
        f"\n### {target.label}: {len(plans)} SELECT, "
        f"{sum(ms for ms, _n, _s in plans):.2f} ms of execution in all"
    )
    for ms, nodes, sql in sorted(plans, key=lambda item: -item[0]):
        if ms < only_over_ms:
            continue
        print(f"\n{ms:.3f} ms  {shape(sql)[:400]}")
        for node in nodes:
            print("    " + node)


def explain_by_size(targets: list[Target]) -> None:
    """One line per SELECT and size: execution time and the scans chosen."""
    print(
        "table[index]: index scan, table[index+]: index-only scan, "
        "[index bitmap]: bitmap index scan, table SEQ: sequential scan.\n"
    )
    for target in sorted(targets, key=lambda t: (_order(t), size_of(t))):
        for n, sql in enumerate(selects(target), 1):
            ms, nodes = plan_summary(sql)
            print(
                f"- {target.label}, N={size_of(target):,}, SELECT {n}: "
                f"{ms:.3f} ms; {scans(nodes)}"
            )
    print()


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def family(target: Target) -> str:
    return target.key.split("@")[0]


def size_of(target: Target) -> int:
    return int(target.key.split("@")[1])


def report(facts, targets, base_targets, database_label, args) -> None:
    harness.print_environment(database_label)
    print(
        f"Data: {facts['threads']} conversations, {facts['messages']} messages "
        f"(owners: {', '.join(str(n) for n in sorted(args.sizes))} conversations "
        f"of {MESSAGES_PER_THREAD} messages; noise {args.noise} conversations), "
        f"built in {facts['build_seconds']:.1f} s."
    )
    print(
        "Unread conversations, unread_count() / naive: "
        + ", ".join(
            f"N={size:,}: {ours} / {naive}"
            for size, (ours, naive) in sorted(facts["unread"].items())
        )
        + "."
    )
    base = base_targets[0] if base_targets else targets[0]
    harness.print_method(base, args, what="requests or calls")
    rows = [
        (
            "measured",
            "N",
            "p50 ms",
            "p95 ms",
            "req/s",
            "CPU ms/req",
            "queries",
            "vs bare",
        )
    ]
    for target in base_targets:
        rows.append((target.label, "–", *_cells(target, base_targets)))
    for target in sorted(targets, key=lambda t: (_order(t), size_of(t))):
        rows.append(
            (target.label, f"{size_of(target):,}", *_cells(target, base_targets))
        )
    harness.print_table(rows)

    small, large = min(args.sizes), max(args.sizes)
    rows = [
        (
            "measured",
            f"p50 N={small:,}",
            f"p50 N={large:,}",
            "p50 ratio",
            f"CPU N={small:,}",
            f"CPU N={large:,}",
            "CPU ratio",
            "queries",
            "constant in N?",
        )
    ]
    by_key = {t.key: t for t in targets}
    for target in sorted(targets, key=_order):
        if size_of(target) != small or f"{family(target)}@{large}" not in by_key:
            continue
        other = by_key[f"{family(target)}@{large}"]
        cpu_ratio = other.cpu_ms / target.cpu_ms
        constant = other.queries == target.queries and cpu_ratio <= CONSTANT_RATIO
        rows.append(
            (
                target.label,
                f"{target.p50_ms:.2f}",
                f"{other.p50_ms:.2f}",
                f"{other.p50_ms / target.p50_ms:.2f}",
                f"{target.cpu_ms:.2f}",
                f"{other.cpu_ms:.2f}",
                f"{cpu_ratio:.2f}",
                f"{target.queries} → {other.queries}",
                "yes" if constant else "NO",
            )
        )
    print(
        f"Constant in N: the same queries, and CPU per request at N={large:,} "
        f"at most {CONSTANT_RATIO}× that at N={small:,} (CPU: this process + "
        "PostgreSQL, which other processes' load does not move as it moves "
        "latency)."
    )
    harness.print_table(rows)


def _cells(target: Target, base_targets: list[Target]) -> tuple:
    """p50, p95, rate, CPU, queries; and the rate against the bare page's
    for pages (a function call is not compared with a page)."""
    versus = "–"
    if base_targets and not isinstance(target.client, Calls):
        versus = f"{target.ratio(base_targets[0]):.0%}"
    return (
        f"{target.p50_ms:.2f}",
        f"{target.p95_ms:.2f}",
        f"{target.best:.0f}",
        f"{target.cpu_ms:.2f}",
        str(target.queries),
        versus,
    )


ORDER = [
    "unread",
    "inbox",
    "inbox-paginated",
    "inbox-described",
    "sent",
    "naive-unread",
    "naive-inbox",
    "http-inbox",
    "http-thread",
    "http-sent",
    "http-naive",
]


#: The service calls whose queries are explained.
EXPLAINED = (
    "unread",
    "inbox-paginated",
    "inbox-described",
    "sent",
    "naive-unread",
    "naive-inbox",
)

HTTP_EXPLAINED = ("http-inbox", "http-thread", "http-sent")


def _order(target: Target) -> int:
    return ORDER.index(family(target))


def query_checks(owners, targets) -> None:
    """Queries that differ between sizes, or between a full and a short page."""
    by_key = {t.key: t for t in targets}
    sizes = sorted(size for _u, _b, size in owners)
    tiny_user, tiny_box, tiny = owners[0]
    checked = []
    for key in ORDER:
        if not key.startswith("http-") or key == "http-naive":
            continue
        present = [by_key[f"{key}@{n}"] for n in sizes[1:] if f"{key}@{n}" in by_key]
        if not present:
            continue
        sqls = {size_of(t): captured(t) for t in present}
        short = http_targets_for_check(key, tiny_user, tiny_box)
        if short is not None:
            sqls[tiny] = short
        counts = ", ".join(f"N={n:,}: {len(q)}" for n, q in sorted(sqls.items()))
        print(f"- {present[0].label}: queries {counts}")
        for (n1, q1), (n2, q2) in pairwise(sorted(sqls.items())):
            for line in query_differences(q1, q2):
                print(f"    N={n1:,} → N={n2:,}: {line}")
        checked.append(key)
    if not checked:
        print("- (no view measured)")
    print()


def http_targets_for_check(key, user, box) -> list[str] | None:
    """The SQL of view ``key`` for the three-conversation mailbox."""
    targets = {t.key.split("@")[0]: t for t in http_targets(user, box, 3)}
    return captured(targets[key]) if key in targets else None


def main(argv=None) -> int:
    args = parse_args(argv)
    print("Load average at start: " + Path("/proc/loadavg").read_text().strip())

    def body(database_label: str) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            raise SystemExit("bench_messages.py runs on PostgreSQL: set DATABASE_URL")
        print(f"Building the mailboxes in the {database_label}...", flush=True)
        facts = build(args)
        owners = facts["owners"]
        targets = []
        for _user, box, size in owners:
            if size in args.sizes:
                targets += service_targets(box, size)
        base_targets = []
        why_not = "--no-http" if args.no_http else views_ready()
        if why_not is None:
            base_targets = [
                Target(
                    "bare", "bare Wagtail page (anonymous)", facts["bare"].get_url(None)
                ),
                Target("home", "home page (anonymous)", facts["home"].get_url(None)),
            ]
            for user, box, size in owners:
                if size in args.sizes:
                    targets += http_targets(user, box, size)
        else:
            print(f"HTTP part skipped: {why_not}.")
        print(f"Measuring {len(base_targets) + len(targets)} targets...", flush=True)
        measure(base_targets + targets, args)
        report(facts, targets, base_targets, database_label, args)
        if why_not is None:
            print("Queries per view (a difference is printed as 'count → count'):")
            query_checks(owners, targets)
        hot = [t for t in targets if family(t) in EXPLAINED]
        print("## EXPLAIN (ANALYZE) of the service queries at each N\n")
        explain_by_size(hot)
        large = max(args.sizes)
        print(f"## EXPLAIN (ANALYZE, BUFFERS) at N={large:,}")
        for target in hot:
            if size_of(target) == large:
                explain_target(target)
        # The views' own queries: every SELECT timed, the plans of those over 0.2 ms.
        for target in targets:
            if size_of(target) == large and family(target) in HTTP_EXPLAINED:
                explain_target(target, only_over_ms=0.2)
        print("\nLoad average at end: " + Path("/proc/loadavg").read_text().strip())

    return harness.run(BENCH_DB_NAME, args.keep, body)


if __name__ == "__main__":
    sys.exit(main())
