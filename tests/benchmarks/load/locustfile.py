"""The load test's visitors: who asks for what, and what counts as an error.

Run by ``run_load.py``, which writes the targets (page paths, filter values,
accounts) to a JSON file named by ``LOAD_TARGETS``. Three kinds of users make
the site's mix, one kind the baseline:

- :class:`Visitor` (anonymous, most of the traffic): partner pages (any of the
  2,000, a fifth of them in another language), news pages and offer pages
  with their view beacon, the news feed (some filtered), the job board (plain,
  filtered, keyword searches), the partner index, the home page;
- :class:`Alumnus`: logs in once through the real login form, then searches
  the directory (quick and advanced searches) and reads a few public pages;
- :class:`PartnerStaff`: a partner's user, logged in once through Wagtail's
  login form, going through their admin listings (news, offers, the page
  explorer of their partner page, the dashboard);
- :class:`BareVisitor`: the baseline, a bare Wagtail page and nothing else.

Every request goes as the TLS-terminating load balancer forwards it (plain
HTTP with ``X-Forwarded-Proto: https``), never follows a redirect, and
anything but the expected status is a failure: a login page instead of a
listing, a 429 from a rate limit, a 5xx.
"""

from __future__ import annotations

import json
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode

from locust import FastHttpUser, between, task

with open(os.environ["LOAD_TARGETS"], encoding="utf-8") as _file:
    TARGETS = json.load(_file)

#: Think time between two requests of one user (seconds).
WAIT = between(
    float(os.environ.get("LOAD_WAIT_MIN", "0.5")),
    float(os.environ.get("LOAD_WAIT_MAX", "1.5")),
)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BEACON = re.compile(r"/views/(\d+)\.gif")
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "fr"}


class _SiteUser(FastHttpUser):
    """A browser behind the balancer: HTTPS as far as the site knows."""

    abstract = True
    wait_time = WAIT
    # One connection per user, like a browser tab.
    concurrency = 1
    default_headers = HEADERS

    def on_start(self) -> None:
        # The site's cookies are Secure: a browser sends them over HTTPS to the
        # balancer, which forwards them on this plain hop. The cookie jar must
        # do the same (by default it keeps them for https:// URLs).
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )

    def get(self, path: str, name: str, *, expect: int = 200, beacon: bool = False):
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"{response.status_code} {where}".strip())
                return None
            response.success()
        if beacon and response.text:
            # The browser loads the page's view beacon (views are counted
            # there, behind the page cache).
            match = BEACON.search(response.text)
            if match:
                self.get(f"/views/{match.group(1)}.gif", "view beacon")
        return response

    def login(self, form: str, fields: dict, name: str, success: str) -> None:
        """GET the form, POST it with its CSRF token; a redirect means success."""
        page = self.get(form, f"{name} form")
        if page is None:
            return
        token = CSRF_INPUT.search(page.text)
        origin = self.host.replace("http://", "https://")
        with self.client.post(
            form,
            data={"csrfmiddlewaretoken": token.group(1) if token else "", **fields},
            headers={**HEADERS, "Origin": origin, "Referer": origin + form},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and success in response.headers.get(
                "Location", ""
            ):
                response.success()
            else:
                response.failure(f"login refused ({response.status_code})")


# --------------------------------------------------------------------------
# What every visitor reads
# --------------------------------------------------------------------------


def _partner_page() -> tuple[str, str]:
    if random.random() < 0.2:
        return random.choice(
            TARGETS["partner_pages_other"]
        ), "partner page (en/es/pt/ar)"
    return random.choice(TARGETS["partner_pages"]), "partner page"


def _board_filters() -> dict:
    filters = TARGETS["board_filters"]
    query = {}
    for name in random.sample(["contract_type", "sector", "seniority", "country"], 2):
        query[name] = random.choice(filters[name])
    return query


class _Reader(_SiteUser):
    abstract = True

    def partner_page(self):
        path, name = _partner_page()
        self.get(path, name)

    def news_page(self):
        self.get(random.choice(TARGETS["news_pages"]), "news page", beacon=True)

    def offer_page(self):
        self.get(random.choice(TARGETS["offer_pages"]), "offer page", beacon=True)

    def news_feed(self):
        feed = TARGETS["news_feed"]
        choice = random.random()
        if choice < 0.5:
            self.get(feed, "news feed")
        elif choice < 0.8:
            query = {"type": random.choice(TARGETS["feed_filters"]["type"])}
            self.get(f"{feed}?{urlencode(query)}", "news feed filtered")
        else:
            self.get(f"{feed}?page={random.randint(2, 20)}", "news feed page n")

    def job_board(self):
        self.get(TARGETS["job_board"], "job board")

    def job_board_filtered(self):
        query = urlencode(_board_filters())
        self.get(f"{TARGETS['job_board']}?{query}", "job board filtered")

    def job_board_search(self):
        query = {"q": random.choice(TARGETS["board_keywords"])}
        if random.random() < 0.5:
            query.update(_board_filters())
        self.get(f"{TARGETS['job_board']}?{urlencode(query)}", "job board search")

    def partner_index(self):
        index = TARGETS["partner_index"]
        if random.random() < 0.5:
            self.get(f"{index}?page={random.randint(1, 40)}", "partner index")
        else:
            query = {"sector": random.choice(TARGETS["partner_filters"]["sector"])}
            self.get(f"{index}?{urlencode(query)}", "partner index filtered")

    def home(self):
        self.get("/", "home page")


class Visitor(_Reader):
    """An anonymous visitor: the bulk of the traffic."""

    weight = 16

    tasks = {
        _Reader.partner_page: 20,
        _Reader.news_page: 20,
        _Reader.offer_page: 10,
        _Reader.news_feed: 10,
        _Reader.job_board: 4,
        _Reader.job_board_filtered: 5,
        _Reader.job_board_search: 6,
        _Reader.partner_index: 5,
        _Reader.home: 5,
    }


class Alumnus(_Reader):
    """A member, logged in once, searching the directory (60 searches a minute
    at most per account: each user is a different alumnus)."""

    weight = 3

    def on_start(self) -> None:
        super().on_start()
        accounts = TARGETS["alumni_accounts"]
        self.email = accounts.pop(random.randrange(len(accounts)))
        self.login(
            TARGETS["alumni_login"],
            {"login": self.email, "password": TARGETS["alumni_password"]},
            "login (alumnus)",
            success="/",
        )

    @task(4)
    def directory_search(self):
        query = {"q": random.choice(TARGETS["directory_words"])}
        self.get(f"{TARGETS['directory']}?{urlencode(query)}", "directory search")

    @task(2)
    def directory_advanced(self):
        filters = TARGETS["directory_filters"]
        query = [("country", random.choice(filters["country"]))]
        if random.random() < 0.5:
            query.append(("degree", random.choice(filters["degree"])))
        else:
            query.append(("sector", random.choice(filters["sector"])))
        if random.random() < 0.5:
            query.append(("skills", random.choice(filters["skills"])))
        self.get(
            f"{TARGETS['directory']}?{urlencode(query)}", "directory advanced search"
        )

    @task(2)
    def read(self):
        random.choice([self.partner_page, self.news_page, self.job_board_search])()


class PartnerStaff(_SiteUser):
    """A partner's user in the Wagtail admin: their news, offers and pages."""

    weight = 1

    def on_start(self) -> None:
        super().on_start()
        accounts = TARGETS["partner_accounts"]
        self.account = accounts.pop(random.randrange(len(accounts)))
        self.login(
            TARGETS["admin_login"],
            {
                "username": self.account["email"],
                "password": TARGETS["partner_password"],
            },
            "login (partner, admin)",
            success="/admin/",
        )

    @task(3)
    def news_listing(self):
        self.get(TARGETS["admin"]["news"], "admin: news listing")

    @task(3)
    def offers_listing(self):
        self.get(TARGETS["admin"]["offers"], "admin: offers listing")

    @task(2)
    def explorer(self):
        self.get(
            TARGETS["admin"]["explorer"].format(page=self.account["page"]),
            "admin: page explorer",
        )

    @task(1)
    def dashboard(self):
        self.get(TARGETS["admin"]["dashboard"], "admin: dashboard")


class BareVisitor(_SiteUser):
    """The baseline: the bare Wagtail page, as often as the mix's users ask."""

    weight = 1

    @task
    def bare(self):
        self.get(TARGETS["bare_page"], "bare page")
