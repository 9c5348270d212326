"""Chapter 3 of the user guide, "Gérer les actualités", in a real browser (issue 3).

A partner creates a news with the preview ("Visualiser"), sends it
("Envoyer"), sees it live in a new window and the count in the "Published"
tab, filters and sorts the list; an alumnus likes it from the public side with
the keyboard (and sees it right to left under /ar/); the partner sees the like
and the view counted, archives it (after one "Cancel"), restores it, archives
it again and deletes it permanently. Last, another news reaches the end of its
two months: the clock moves forward while the django-q2 schedule runs, and the
news shows under "Archived". axe-core audits the public pages and the partner's
screens on the way; screenshots go to tests/e2e/screenshots/news-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from playwright.sync_api import Page, expect

from alumni_partner.models import NewsPage, NewsType
from alumni_partner.schedules import publish_scheduled
from tests.conftest import PASSWORD

from .helpers import Screenshots, assert_accessible, either, login
from .test_partner_journey import WAGTAIL_ADMIN_EXCLUDES, publish_partner

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed data; restoring the migrations' data
    # (root page, locales, "Editors") after each flush keeps tests independent.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: The news form is Wagtail's page form: its Draftail editor (see
#: WAGTAIL_ADMIN_EXCLUDES) and its tag widget. Nothing else is excluded.
NEWS_FORM_EXCLUDES: dict[str, list[str]] = {
    **WAGTAIL_ADMIN_EXCLUDES,
    # Wagtail's tag widget (the "w-tag" controller of Wagtail 8.0.1) hides the
    # labelled <input id="id_keywords"> and lets jQuery tag-it type into an
    # input of its own, which gets no label, aria-label or aria-labelledby
    # (tagit() is called with no option for one): the FieldPanel's label
    # names the hidden input only.
    "label": ["#id_keywords ~ ul.tagit .tagit-new input"],
}

TITLE = "Conférence IA"
KEYWORD = "robotique"
BODY_TEXT = "Une journée de conférences sur la robotique et l'IA."
OLD_EVENT = "Forum emploi"
OLD_JOB = "Atelier CV"
EXPIRING = "Salon d'automne"


# --- Steps -------------------------------------------------------------------------


def admin_shot(shot: Screenshots, page: Page, name: str) -> None:
    """A full-length screenshot of an admin screen (Wagtail scrolls its ``main``)."""
    shot(page, name, scroller="main")


def assert_admin_accessible(page: Page, where: str, exclude=WAGTAIL_ADMIN_EXCLUDES):
    """axe-core on an admin screen, as tall as its content, scrolled to the top.

    Wagtail's header and action footer stay on screen while its ``main``
    scrolls; axe's target-size rule counts a control they partly cover at that
    moment as too small, so the result would depend on where the last step
    left the scroll. With every control in view, nothing depends on it.
    """
    page.locator("main").wait_for()  # a page just navigated to may be parsing
    size = page.viewport_size
    hidden = page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.scrollTo(0, 0);
            return Math.max(0, main.scrollHeight - main.clientHeight);
        }"""
    )
    if hidden:
        page.set_viewport_size(
            {"width": size["width"], "height": size["height"] + hidden}
        )
    try:
        assert_accessible(page, where, exclude=exclude)
    finally:
        if hidden:
            page.set_viewport_size(size)


def tab(page: Page, name: str):
    return page.locator(f"[data-news-tab={name}]")


def expect_tab_counts(page: Page, published: int, archived: int) -> None:
    expect(tab(page, "published")).to_have_text(
        re.compile(rf"(Published|Publiées) \({published}\)")
    )
    expect(tab(page, "archived")).to_have_text(
        re.compile(rf"(Archived|Archivées) \({archived}\)")
    )


def listed_titles(page: Page):
    return page.locator("table.news-listing tbody td.title [id$='-title']")


def row_of(page: Page, news: NewsPage):
    return page.locator("table.news-listing tbody tr").filter(
        has=page.locator(f"#news-{news.pk}-title")
    )


def expect_message(page: Page, *texts: str) -> None:
    expect(page.locator(".messages")).to_contain_text(either(*texts))


def open_filter(page: Page, name: str):
    """Open Wagtail's filter drill-down on the filter ``name``; return its panel."""
    toggle = page.locator("#filters-drilldown .w-dropdown__toggle").first
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    back = page.locator(".w-drilldown__submenu:visible .w-drilldown__back")
    if back.count():
        back.click()
    page.locator(f"button[aria-controls=drilldown-id_{name}]").click()
    panel = page.locator(f"#drilldown-id_{name}")
    expect(panel).to_be_visible()
    return panel


def close_filters(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(
        page.locator("#filters-drilldown .w-dropdown__toggle").first
    ).to_have_attribute("aria-expanded", "false")


def partner_creates_news(page: Page, shot, yesterday) -> None:
    """Guide 3.2: type, date, groups, title, content, keyword; preview; send."""
    tab(page, "create").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/add/alumni_partner/newspage/"))

    # Type of news: Wagtail's snippet chooser.
    page.locator("#id_news_type-chooser .chooser__choose-button").click()
    modal = page.locator(".modal.in .modal-content")
    expect(modal).to_be_visible()
    modal.get_by_role("link", name="Événement").click()
    expect(page.locator(".modal.in")).to_have_count(0)
    expect(page.locator("#id_news_type-title")).to_have_text("Événement")

    page.fill("#id_date", yesterday.isoformat())
    page.locator("#id_title").click()  # a click elsewhere closes the date picker
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    page.fill("#id_title", TITLE)
    page.get_by_label("Ingénieurs").check()

    # Content: one text block, typed into Draftail.
    page.locator("#body-root .c-sf-add-button").first.click()
    page.get_by_role("option", name=re.compile(r"^(Text|Texte)")).click()
    page.locator("#body-root .DraftEditor-root [contenteditable=true]").first.click()
    page.keyboard.type(BODY_TEXT)

    # Keywords: Wagtail's tag widget takes a keyword on Enter.
    keywords = page.locator("#id_keywords ~ ul.tagit .tagit-new input")
    keywords.fill(KEYWORD)
    keywords.press("Enter")
    expect(page.locator("#id_keywords ~ ul.tagit .tagit-label")).to_have_text(KEYWORD)
    expect(page.locator("#id_keywords")).to_have_value(KEYWORD)
    admin_shot(shot, page, "create-form")
    assert_admin_accessible(page, "the filled news form", NEWS_FORM_EXCLUDES)

    # "Visualiser": Wagtail's preview panel renders the news as it is now.
    page.locator("[data-side-panel-toggle=preview]").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text(TITLE)
    expect(preview.locator(".news-body")).to_contain_text(BODY_TEXT)
    expect(preview.locator(".news-keywords")).to_contain_text(KEYWORD)
    shot(page, "create-preview", full_page=False)
    page.locator("[data-side-panel-toggle=preview]").click()

    # "Envoyer": the main button of the footer.
    send = page.locator("footer").get_by_role("button", name=either("Send", "Envoyer"))
    expect(send).to_be_visible()
    send.click()
    expect(page).to_have_url(re.compile(r"/admin/news/$"))
    expect_message(
        page,
        f"Your news “{TITLE}” has been saved and published.",
        f"Votre news « {TITLE} » a bien été enregistrée et publiée.",
    )


def partner_filters_and_sorts(page: Page, shot) -> None:
    """Guide 3.3: filter by type, keywords and period; sort by a column's title."""
    titles = listed_titles(page)
    # Newest first by default.
    expect(titles).to_have_text([TITLE, OLD_JOB, OLD_EVENT])

    panel = open_filter(page, "news_type")
    panel.get_by_label("Événement").check()
    expect(page).to_have_url(re.compile(r"news_type="))
    expect(titles).to_have_text([TITLE, OLD_EVENT])
    admin_shot(shot, page, "list-filtered-by-type")
    panel.get_by_label("Événement").uncheck()
    expect(titles).to_have_count(3)

    panel = open_filter(page, "keywords")
    panel.locator("input[name=keywords]").fill(KEYWORD)
    expect(page).to_have_url(re.compile(rf"keywords={KEYWORD}"))
    expect(titles).to_have_text([TITLE])
    panel.locator("input[name=keywords]").fill("")
    expect(titles).to_have_count(3)

    # The period: from 30 days ago (typed; the date picker stays closed after).
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    panel = open_filter(page, "period")
    panel.locator("input[name=period_from]").fill(since)
    expect(page).to_have_url(re.compile(rf"period_from={since}"))
    expect(titles).to_have_text([TITLE, OLD_JOB])
    panel.locator("input[name=period_from]").fill("")
    expect(titles).to_have_count(3)
    close_filters(page)

    # Sorting: a click on a column's title, then another for the reverse.
    header = page.locator("table.news-listing thead a[href*='ordering=title']")
    header.click()
    expect(page).to_have_url(re.compile(r"ordering=title"))
    expect(titles).to_have_text([OLD_JOB, TITLE, OLD_EVENT])
    admin_shot(shot, page, "list-sorted-by-title")
    page.locator("table.news-listing thead a[href*='ordering=-title']").click()
    expect(page).to_have_url(re.compile(r"ordering=-title"))
    expect(titles).to_have_text([OLD_EVENT, TITLE, OLD_JOB])


def alumnus_likes_with_keyboard(page: Page, news: NewsPage, shot) -> None:
    """The news feed, the log in, then "J'aime" with the keyboard only."""
    page.goto("/news/")
    card = page.locator(".news-cards .card-title a", has_text=TITLE)
    expect(card).to_be_visible()
    assert_accessible(page, "the news feed")
    shot(page, "alumnus-news-feed")
    card.click()
    expect(page).to_have_url(re.compile(re.escape(news.url) + "$"))

    # Not logged in yet: the count and a link to log in.
    page.locator("#like a").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    assert_accessible(page, "the public login page")
    shot(page, "alumnus-login")
    page.fill("input[name=login]", "alumnus@alumni.test")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(news.url) + "$"))
    # like.js is deferred: before it runs, Enter posts the form the ordinary
    # way (which works, but reloads the page and the focus with it).
    page.wait_for_load_state("load")

    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".news-meta .tag")).to_contain_text("Événement")
    expect(page.locator(".news-audience")).to_contain_text("Ingénieurs")
    expect(page.locator(".news-body")).to_contain_text(BODY_TEXT)
    expect(page.locator(".news-keywords")).to_contain_text(KEYWORD)

    button = page.locator("[data-like-form] .like-button")
    count = page.locator("[data-like-count]")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text(re.compile(r"^0 "))
    # From the section before it, Tab reaches the button; Enter likes...
    page.locator("#like").focus()
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text(re.compile(r"^1 "))
    expect(button).to_be_focused()
    # ...Space unlikes, Enter likes again: still one like, the alumnus's.
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text(re.compile(r"^0 "))
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text(re.compile(r"^1 "))
    shot(page, "alumnus-liked")

    page.reload()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text(re.compile(r"^1 "))
    assert_accessible(page, "the news page (liked)")


def alumnus_reads_arabic(page: Page, news: NewsPage, shot) -> None:
    """Under /ar/: the page right to left, the French words marked as such."""
    response = page.goto(f"/ar{news.url}")
    assert response is not None and response.status == 200, response
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert computed(page, "main", "direction") == "rtl"
    heading = page.locator("h1")
    expect(heading).to_have_text(TITLE)
    expect(heading).to_have_attribute("lang", "fr")
    expect(heading).to_have_attribute("dir", "ltr")
    # One news in every language: the like counts here too.
    expect(page.locator("[data-like-form] .like-button")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("[data-like-count]")).to_contain_text("1")
    assert_accessible(page, "the Arabic news page")
    shot(page, "alumnus-ar-rtl")


def computed(page: Page, selector: str, prop: str) -> str:
    return page.evaluate(
        "([s, p]) => getComputedStyle(document.querySelector(s))[p]", [selector, prop]
    )


def confirm(page: Page, link, question: re.Pattern, shot, name: str) -> None:
    """Follow an action's link to its confirmation page and click "OK"."""
    link.click()
    form = page.locator("form.news-confirm")
    expect(form.locator("h2")).to_have_text(question)
    assert_admin_accessible(page, f"the {name} confirmation")
    admin_shot(shot, page, f"confirm-{name}")
    form.get_by_role("button", name="OK").click()


def public_status(page: Page, url: str) -> int:
    """The public page's status; a HEAD request, which counts no view."""
    return page.request.head(url).status


# --- The journey -------------------------------------------------------------------


def test_news_journey(
    e2e_site,
    make_partner,
    make_news,
    news_type,
    audience_group,
    alumnus,
    new_context,
    live_server,
    settings,
):
    # Wagtail 8 autosaves a new page in the background and then turns the
    # create form into the edit form. Whether that happens before the test's
    # instant click on "Envoyer" is a matter of timing, and a click during the
    # request posts a second creation (refused: the slug is taken). The guide's
    # flow has no autosave; the test walks it without Wagtail's timer.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    shot = Screenshots("news")
    today = timezone.localdate()
    partner = publish_partner(make_partner, "Acme")
    jobs = NewsType.objects.create(name="Recrutement")
    make_news(partner, OLD_EVENT, date=today - timedelta(days=40))
    make_news(partner, OLD_JOB, news_type=jobs, date=today - timedelta(days=20))

    # Guide 3.1: "News" in the menu, three tabs.
    page = new_context().new_page()
    login(page, live_server.url, "contact@acme.test", PASSWORD)
    page.locator("#wagtail-sidebar").get_by_role("link", name="News").click()
    expect(page).to_have_url(re.compile(r"/admin/news/$"))
    expect(tab(page, "create")).to_be_visible()
    expect_tab_counts(page, published=2, archived=0)
    assert_admin_accessible(page, "the News list")
    admin_shot(shot, page, "list")

    partner_creates_news(page, shot, today - timedelta(days=1))
    news = NewsPage.objects.get(title=TITLE, locale__language_code="fr")
    assert news.live and news.expire_at is not None
    assert [tag.name for tag in news.keywords.all()] == [KEYWORD]
    assert [group.name for group in news.audience_groups.all()] == ["Ingénieurs"]
    assert news.date == today - timedelta(days=1)
    # Guide 3.3: the count of published news in the tab.
    expect_tab_counts(page, published=3, archived=0)
    expect(row_of(page, news)).to_be_visible()
    admin_shot(shot, page, "sent")

    partner_filters_and_sorts(page, shot)

    # "View live": the news opens in a new window.
    page.goto("/admin/news/")
    with page.expect_popup() as popup_info:
        row_of(page, news).locator("a[target=_blank]").click()
    live = popup_info.value
    live.wait_for_load_state()
    expect(live).to_have_url(re.compile(re.escape(news.url) + "$"))
    expect(live.locator("h1")).to_have_text(TITLE)
    assert_accessible(live, "the news page")
    shot(live, "view-live")
    live.close()

    alumnus_page = new_context().new_page()
    alumnus_likes_with_keyboard(alumnus_page, news, shot)
    alumnus_reads_arabic(alumnus_page, news, shot)

    # Guide 3.3: views and likes in the list (and the statistics above it).
    page.reload()
    cells = row_of(page, news).locator("td")
    expect(cells.nth(4)).to_have_text("1")  # likes
    assert int(cells.nth(3).inner_text()) >= 1  # views: the partner's, the alumnus's
    likes_figure = page.locator(".stats-panel__figure").nth(3).locator("dd")
    expect(likes_figure).to_have_text("1")
    admin_shot(shot, page, "list-with-like")

    # Archive: "Cancel" first goes back, then "OK".
    row_of(page, news).locator("a[href*='/archive/']").click()
    page.locator("form.news-confirm a.button-secondary").click()
    expect(page).to_have_url(re.compile(r"/admin/news/$"))
    expect(row_of(page, news)).to_be_visible()
    confirm(
        page,
        row_of(page, news).locator("a[href*='/archive/']"),
        either(f"Archive the news “{TITLE}”?", f"Archiver la news « {TITLE} »"),
        shot,
        "archive",
    )
    expect_message(
        page,
        f"The news “{TITLE}” has been archived.",
        f"La news « {TITLE} » a été archivée.",
    )
    expect(row_of(page, news)).to_have_count(0)
    expect_tab_counts(page, published=2, archived=1)
    assert public_status(page, news.url) == 404

    # Guide 3.4: restore from the archived tab.
    tab(page, "archived").click()
    expect(page).to_have_url(re.compile(r"/admin/news/archived/$"))
    expect(row_of(page, news)).to_be_visible()
    assert_admin_accessible(page, "the archived news")
    admin_shot(shot, page, "archived")
    row_of(page, news).locator("form[action*='/restore/'] button").click()
    expect_message(
        page,
        f"The news “{TITLE}” has been restored and published again.",
        f"La news « {TITLE} » a été restaurée et publiée à nouveau.",
    )
    expect(row_of(page, news)).to_have_count(0)
    expect_tab_counts(page, published=3, archived=0)
    assert public_status(page, news.url) == 200
    tab(page, "published").click()
    expect(row_of(page, news)).to_be_visible()

    # Archive again, then delete permanently.
    confirm(
        page,
        row_of(page, news).locator("a[href*='/archive/']"),
        either(f"Archive the news “{TITLE}”?", f"Archiver la news « {TITLE} »"),
        shot,
        "archive-again",
    )
    expect_tab_counts(page, published=2, archived=1)
    tab(page, "archived").click()
    confirm(
        page,
        row_of(page, news).locator("a[href*='/delete/']"),
        either(
            f"Delete the news “{TITLE}” permanently?",
            f"Supprimer définitivement la news « {TITLE} »",
        ),
        shot,
        "delete",
    )
    expect_message(
        page,
        f"The news “{TITLE}” has been deleted permanently.",
        f"La news « {TITLE} » a été supprimée définitivement.",
    )
    expect(page).to_have_url(re.compile(r"/admin/news/archived/$"))
    expect(page.locator("table.news-listing tbody tr")).to_have_count(0)
    expect_tab_counts(page, published=2, archived=0)
    assert not NewsPage.objects.filter(translation_key=news.translation_key).exists()
    assert public_status(page, news.url) == 404
    admin_shot(shot, page, "deleted")

    # Guide 3.2: online for two months. A news sent a month ago (the others
    # were sent today) expires first: the clock moves to a minute past its
    # end while the django-q2 schedule's function runs.
    with freeze_time(timezone.now() - timedelta(days=30)):
        expiring = make_news(partner, EXPIRING, date=today - timedelta(days=30))
    assert expiring.expire_at is not None
    assert (
        expiring.expire_at
        < NewsPage.objects.get(title=OLD_JOB, locale__language_code="fr").expire_at
    )
    page.goto("/admin/news/")
    expect_tab_counts(page, published=3, archived=0)
    assert public_status(page, expiring.url) == 200
    # The live server runs in this process: keep the clock moved just this long.
    with freeze_time(expiring.expire_at + timedelta(minutes=1)):
        publish_scheduled()
    tab(page, "archived").click()
    expect(row_of(page, expiring)).to_be_visible()
    expect(row_of(page, expiring).locator(".w-status")).to_have_text(
        either("Archived", "Archivée")
    )
    expect_tab_counts(page, published=2, archived=1)
    assert public_status(page, expiring.url) == 404
    assert public_status(page, f"/ar{expiring.url}") == 404
    admin_shot(shot, page, "expired")
