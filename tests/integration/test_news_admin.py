"""The "News" admin (guide 3.1, 3.3, 3.4): tabs, lists, filters, actions, statistics.

Real database, Django's test client, Wagtail's own create/edit/preview views.
Users read the admin in English (their preferred language) unless a test
checks the French wording.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Revision, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from alumni_partner import counters
from alumni_partner.models import (
    NewsLike,
    NewsPage,
    NewsPageTag,
    NewsType,
)
from alumni_partner.news_admin.components import NewsStatisticsPanel
from alumni_partner.news_lifecycle import archive
from alumni_partner.permissions import apply_moderation

pytestmark = pytest.mark.django_db

User = get_user_model()

INDEX = reverse("alumni_partner_news:index")
ARCHIVED = reverse("alumni_partner_news:archived")
CREATE = reverse("alumni_partner_news:create")


def url(name: str, news) -> str:
    return reverse(f"alumni_partner_news:{name}", args=[news.pk])


def add_url(partner) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=("alumni_partner", "newspage", partner.page_id)
    )


def speak(user, code: str = "en") -> None:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = code
    profile.save()


@pytest.fixture(autouse=True)
def english(partner_user, editor):
    speak(partner_user)
    speak(editor)


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def moderate(partner):
    """Switch to moderated; make its published news before (publishing is refused)."""
    partner.moderated = True
    partner.save()
    apply_moderation(partner)
    return partner


@pytest.fixture
def moderated(partner):
    return moderate(partner)


def titles(response) -> list[str]:
    """The news titles of a list, in the order shown."""
    return re.findall(r'id="news-\d+-title">([^<]+)<', response.content.decode())


def html(response) -> str:
    return response.content.decode()


def tab_label(response, name: str) -> str:
    match = re.search(
        rf'data-news-tab="{name}">\s*(?:<svg.*?</svg>)?\s*([^<]+?)\s*</a>',
        html(response),
        re.S,
    )
    assert match, name
    return match.group(1)


def figure(response, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)</dd>", html(response))
    assert match, label
    return match.group(1)


def news_form(news_type, title="Forum des métiers", slug="forum-des-metiers", **extra):
    data = {
        "news_type": news_type.pk,
        "date": "2026-03-02",
        "title": title,
        "slug": slug,
        "body": streamfield([("paragraph", rich_text("<p>Le 3 mars.</p>"))]),
        "keywords": "emploi",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        **extra,
    }
    return nested_form_data(data)


def archived_news(partner, make_news, title="Ancienne"):
    news = make_news(partner, title)
    archive(news, partner.members.first())
    news.refresh_from_db()
    return news


def tag(news, name: str) -> None:
    NewsPageTag.objects.create(
        content_object=news, tag=Tag.objects.get_or_create(name=name)[0]
    )


def like(news, count: int) -> None:
    for index in range(count):
        user = User.objects.create_user(
            username=f"fan{news.pk}-{index}@alumni.test",
            email=f"fan{news.pk}-{index}@alumni.test",
        )
        NewsLike.objects.create(
            page=news, translation_key=news.translation_key, user=user
        )


# ---------------------------------------------------------------------------
# Menu, tabs and counts (guide 3.1)
# ---------------------------------------------------------------------------


def test_menu_item_is_shown_to_partner_users_and_editors_only(
    partner_client, editor_client, site_tree
):
    assert '"/admin/news/"' in html(partner_client.get(reverse("wagtailadmin_home")))
    assert '"/admin/news/"' in html(editor_client.get(reverse("wagtailadmin_home")))

    staff = User.objects.create_user(username="staff@alumni.test", email="s@a.test")
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(staff)
    assert '"/admin/news/"' not in html(client.get(reverse("wagtailadmin_home")))
    assert client.get(INDEX).status_code in (302, 403)
    assert client.get(CREATE).status_code in (302, 403)


def test_tabs_show_the_counts_and_link_to_each_screen(
    partner, partner_client, make_news, other_partner
):
    make_news(partner, "Une")
    make_news(partner, "Deux")
    make_news(partner, "Brouillon", publish=False)
    archived_news(partner, make_news)
    make_news(other_partner, "Globex news")

    for list_url in (INDEX, ARCHIVED):
        response = partner_client.get(list_url)
        assert response.status_code == 200
        assert tab_label(response, "published") == "Published (2)"
        assert tab_label(response, "archived") == "Archived (1)"
        assert tab_label(response, "create") == "Create a news"
        body = html(response)
        # One partner: "Create a news" opens Wagtail's create view at once.
        assert f'href="{add_url(partner)}"' in body
        current = re.search(r'data-news-tab="(\w+)"[^>]*>', body)
        assert current
    assert 'aria-current="page" data-news-tab="published"' in html(
        partner_client.get(INDEX)
    )
    assert 'aria-current="page" data-news-tab="archived"' in html(
        partner_client.get(ARCHIVED)
    )


def test_published_tab_lists_drafts_and_moderation_with_a_status(
    partner, partner_client, make_news, news_type
):
    make_news(partner, "En ligne")
    make_news(partner, "Brouillon", publish=False)
    archived_news(partner, make_news, "Archivée")
    moderated = moderate(partner)
    response = partner_client.post(
        add_url(moderated),
        {**news_form(news_type, "En attente", "en-attente"), "action-submit": "1"},
    )
    assert response.status_code == 302

    response = partner_client.get(INDEX)
    assert sorted(titles(response)) == ["Brouillon", "En attente", "En ligne"]
    body = html(response)
    for status in ("Published", "Draft", "Awaiting moderation"):
        assert re.search(rf'class="w-status[^"]*">\s*{status}\s*<', body), status
    # The count counts live news only.
    assert tab_label(response, "published") == "Published (1)"
    assert titles(partner_client.get(ARCHIVED)) == ["Archivée"]


def test_single_partner_create_goes_straight_to_wagtails_create_view(
    partner, partner_client
):
    response = partner_client.get(CREATE)
    assert response.status_code == 302
    assert response.url == add_url(partner)
    assert partner_client.get(response.url).status_code == 200


def test_editor_and_multi_partner_user_choose_the_partner(
    partner, other_partner, make_partner, editor_client, partner_client, partner_user
):
    third = make_partner("Initech")
    response = editor_client.get(CREATE)
    assert response.status_code == 200
    for each in (partner, other_partner, third):
        assert add_url(each) in html(response)
    response = editor_client.get(CREATE + "?q=glob")
    assert add_url(other_partner) in html(response)
    assert add_url(partner) not in html(response)

    other_partner.members.add(partner_user)
    response = partner_client.get(CREATE)
    assert response.status_code == 200
    assert add_url(partner) in html(response)
    assert add_url(other_partner) in html(response)
    assert add_url(third) not in html(response)
    # Tabs on this screen too, and "Create a news" is the current one.
    assert 'aria-current="page" data-news-tab="create"' in html(response)


# ---------------------------------------------------------------------------
# Scoping: a partner's own news; editors see all, with a "Partner" filter
# ---------------------------------------------------------------------------


def test_partner_user_sees_only_its_own_news_in_the_default_locale(
    partner, other_partner, partner_client, make_news
):
    mine = make_news(partner, "Acme news")
    make_news(other_partner, "Globex news")
    archived_news(other_partner, make_news, "Globex archived")
    # Aliases in every other locale exist, but the list shows the French news.
    assert NewsPage.objects.filter(translation_key=mine.translation_key).count() > 1

    assert titles(partner_client.get(INDEX)) == ["Acme news"]
    assert titles(partner_client.get(ARCHIVED)) == []
    body = html(partner_client.get(INDEX))
    assert "Globex" not in body
    # The "Partner" filter is for editors and multi-partner users only.
    assert 'name="partner"' not in body
    # Filtering by another partner's id is not possible either.
    response = partner_client.get(INDEX + f"?partner={other_partner.pk}")
    assert titles(response) == ["Acme news"]


def test_editor_sees_every_partner_and_filters_by_partner(
    partner, other_partner, editor_client, make_news
):
    make_news(partner, "Acme news")
    make_news(other_partner, "Globex news")
    make_news(other_partner, "Globex second")
    response = editor_client.get(INDEX)
    assert sorted(titles(response)) == ["Acme news", "Globex news", "Globex second"]
    assert 'name="partner"' in html(response)
    assert "Statistics of the whole network" in html(response)

    response = editor_client.get(INDEX + f"?partner={other_partner.pk}")
    assert sorted(titles(response)) == ["Globex news", "Globex second"]
    assert tab_label(response, "published") == "Published (2)"
    assert "Statistics of Globex" in html(response)
    assert figure(response, "Published news") == "2"
    # The tabs keep the filter; "Create a news" creates for that partner.
    assert f'href="{ARCHIVED}?partner={other_partner.pk}"' in html(response)
    assert f'href="{add_url(other_partner)}"' in html(response)


# ---------------------------------------------------------------------------
# Filters (guide 3.3: "par période, type, mots clés")
# ---------------------------------------------------------------------------


@pytest.fixture
def three_news(partner, make_news, news_type):
    event = news_type
    call = NewsType.objects.create(name="Appel à projets")
    first = make_news(partner, "Janvier", date=date(2026, 1, 10), news_type=event)
    second = make_news(partner, "Février", date=date(2026, 2, 10), news_type=call)
    third = make_news(partner, "Mars", date=date(2026, 3, 10), news_type=event)
    tag(first, "emploi")
    tag(second, "Emploi")
    tag(second, "forum")
    tag(third, "stage")
    return event, call


def test_filter_by_period(three_news, partner_client):
    response = partner_client.get(
        INDEX + "?period_from=2026-02-01&period_to=2026-03-10"
    )
    assert sorted(titles(response)) == ["Février", "Mars"]
    response = partner_client.get(INDEX + "?period_to=2026-01-31")
    assert titles(response) == ["Janvier"]
    response = partner_client.get(ARCHIVED + "?period_from=2026-01-01")
    assert titles(response) == []


def test_filter_by_type(three_news, partner_client):
    event, call = three_news
    assert titles(partner_client.get(INDEX + f"?news_type={call.pk}")) == ["Février"]
    response = partner_client.get(INDEX + f"?news_type={event.pk}")
    assert sorted(titles(response)) == ["Janvier", "Mars"]


def test_filter_by_keywords(three_news, partner_client):
    response = partner_client.get(INDEX + "?keywords=emploi")
    assert sorted(titles(response)) == ["Février", "Janvier"]
    response = partner_client.get(INDEX + "?keywords=forum,+stage")
    assert sorted(titles(response)) == ["Février", "Mars"]
    assert titles(partner_client.get(INDEX + "?keywords=absent")) == []
    assert "No news match these filters." in html(
        partner_client.get(INDEX + "?keywords=absent")
    )


def test_a_malformed_period_is_reported_not_a_crash(three_news, partner_client):
    event, _call = three_news
    for list_url in (INDEX, reverse("alumni_partner_news:index_results")):
        response = partner_client.get(
            list_url + f"?period_from=31/02/2026x&news_type={event.pk}"
        )
        assert response.status_code == 200
        body = html(response)
        assert "Some filters could not be applied" in body
        assert "Period" in body and "Enter a valid date." in body
        # The valid filter still applies.
        assert sorted(titles(response)) == ["Janvier", "Mars"]


# ---------------------------------------------------------------------------
# Sorting by every column header (guide 3.3: "en cliquant sur le titre")
# ---------------------------------------------------------------------------


@pytest.fixture
def sortable(partner, make_news):
    alpha = NewsType.objects.create(name="Actualité")
    zulu = NewsType.objects.create(name="Zoom")
    a = make_news(partner, "Bravo", date=date(2026, 1, 2), news_type=zulu)
    b = make_news(partner, "Alpha", date=date(2026, 1, 3), news_type=alpha)
    c = make_news(partner, "Charlie", date=date(2026, 1, 1))
    NewsPage.objects.filter(pk=c.pk).update(news_type=None)  # a type since deleted
    counters.add_views(a, timezone.localdate(), 5)
    counters.add_views(b, timezone.localdate(), 1)
    counters.add_views(c, timezone.localdate() - timedelta(days=3), 9)
    like(a, 1)
    like(c, 2)
    NewsPage.objects.filter(pk=b.pk).update(featured_on_home=True)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("-title", ["Charlie", "Bravo", "Alpha"]),
        ("type", ["Charlie", "Alpha", "Bravo"]),
        ("-type", ["Bravo", "Alpha", "Charlie"]),
        ("date", ["Charlie", "Bravo", "Alpha"]),
        ("-date", ["Alpha", "Bravo", "Charlie"]),
        ("views", ["Alpha", "Bravo", "Charlie"]),
        ("-views", ["Charlie", "Bravo", "Alpha"]),
        ("likes", ["Alpha", "Bravo", "Charlie"]),
        ("-likes", ["Charlie", "Bravo", "Alpha"]),
        ("home", ["Bravo", "Charlie", "Alpha"]),
        ("-home", ["Alpha", "Charlie", "Bravo"]),
    ],
)
def test_sorting_by_each_column(sortable, partner_client, ordering, expected):
    response = partner_client.get(INDEX + f"?ordering={ordering}")
    assert titles(response) == expected


def test_every_column_header_is_a_sorting_link_that_keeps_the_filters(
    sortable, partner_client
):
    body = html(partner_client.get(INDEX + "?period_from=2025-01-01"))
    for key in ("title", "type", "date", "views", "likes", "home"):
        link = rf'href="/admin/news/\?period_from=2025-01-01&amp;ordering=-?{key}"'
        assert re.search(link, body), key
    # Default: newest first.
    assert titles(partner_client.get(INDEX)) == ["Alpha", "Bravo", "Charlie"]


def test_views_likes_and_home_icon_are_shown(sortable, partner_client):
    body = html(partner_client.get(INDEX + "?ordering=title"))
    table = body[body.index('<table class="listing news-listing">') :]
    rows = table[: table.index("</table>")].split("<tr")[2:]
    assert len(rows) == 3
    alpha, bravo, charlie = rows
    assert re.search(r"<td >\s*1\s*</td>\s*<td >\s*0\s*</td>", alpha)
    assert re.search(r"<td >\s*5\s*</td>\s*<td >\s*1\s*</td>", bravo)
    assert re.search(r"<td >\s*9\s*</td>\s*<td >\s*2\s*</td>", charlie)
    assert "icon-home" in alpha and "Featured on the home page" in alpha
    assert "icon-home" not in bravo and "Not on the home page" in bravo


# ---------------------------------------------------------------------------
# Pagination and query counts
# ---------------------------------------------------------------------------


def test_pagination(partner, partner_client, make_news, settings):
    settings.ALUMNI_PARTNER_NEWS_ADMIN_PER_PAGE = 2
    for day in range(1, 6):
        make_news(partner, f"News {day}", date=date(2026, 1, day))
    assert titles(partner_client.get(INDEX)) == ["News 5", "News 4"]
    assert titles(partner_client.get(INDEX + "?p=2")) == ["News 3", "News 2"]
    assert titles(partner_client.get(INDEX + "?p=3")) == ["News 1"]
    # Sorting and pages combine; the tab still counts every news.
    response = partner_client.get(INDEX + "?ordering=date&p=3")
    assert titles(response) == ["News 5"]
    assert tab_label(response, "published") == "Published (5)"


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_page_size(
    partner, partner_client, make_news, settings
):
    settings.ALUMNI_PARTNER_NEWS_ADMIN_PER_PAGE = 50

    def add(count, start):
        for index in range(start, start + count):
            news = make_news(partner, f"News {index}", publish=index % 3 != 0)
            counters.add_views(news, timezone.localdate(), index)
            tag(news, f"tag{index}")
        like(news, 2)

    add(5, 0)
    moderate(partner)
    draft = NewsPage.objects.filter(locale__language_code="fr", live=False).first()
    draft.get_workflow().start(draft, partner.members.first())
    partner_client.get(INDEX)  # warm caches (site root paths, content types)
    few = _queries(partner_client, INDEX + "?ordering=-views")
    assert len(titles(partner_client.get(INDEX))) == 5
    partner.moderated = False  # make_news publishes the others
    apply_moderation(partner)
    add(20, 5)
    many = _queries(partner_client, INDEX + "?ordering=-views")
    assert len(titles(partner_client.get(INDEX))) == 25
    assert many == few, (few, many)


# ---------------------------------------------------------------------------
# Archive (guide 3.3), restore and delete (guide 3.4)
# ---------------------------------------------------------------------------


def test_archive_asks_for_confirmation_then_takes_the_news_offline(
    partner, partner_client, make_news
):
    news = make_news(partner, "À archiver")
    body = html(partner_client.get(INDEX))
    assert f'href="{url("archive", news)}?next=/admin/news/"' in body

    response = partner_client.get(url("archive", news) + "?next=/admin/news/?p=1")
    assert response.status_code == 200
    body = html(response)
    assert "Archive the news “À archiver”?" in body
    assert 'method="post"' in body and "csrfmiddlewaretoken" in body
    assert re.search(r'<button type="submit" class="button">OK</button>', body)
    assert 'href="/admin/news/?p=1">Cancel</a>' in body
    news.refresh_from_db()
    assert news.live  # nothing happens before "OK"

    response = partner_client.post(url("archive", news), {"next": "/admin/news/?p=1"})
    assert response.status_code == 302
    assert response.url == "/admin/news/?p=1"
    news.refresh_from_db()
    assert not news.live
    assert not NewsPage.objects.filter(
        translation_key=news.translation_key, live=True
    ).exists()
    page = partner_client.get(INDEX)
    assert "The news “À archiver” has been archived." in html(page)
    assert titles(page) == []
    assert titles(partner_client.get(ARCHIVED)) == ["À archiver"]


def test_confirmation_buttons_in_french(partner, partner_user, make_news):
    speak(partner_user, "fr")
    client = Client()
    client.force_login(partner_user)
    news = make_news(partner)
    body = html(client.get(url("archive", news)))
    assert ">OK</button>" in body
    assert ">Annuler</a>" in body


def test_actions_need_the_csrf_token(partner, partner_user, make_news):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_user)
    news = make_news(partner)
    assert client.post(url("archive", news)).status_code == 403
    news.refresh_from_db()
    assert news.live


def test_an_unsafe_next_url_is_ignored(partner, partner_client, make_news):
    news = make_news(partner)
    response = partner_client.post(
        url("archive", news), {"next": "https://evil.example/"}
    )
    assert response.url == INDEX


def test_archived_list_restores_and_deletes(partner, partner_client, make_news):
    old = archived_news(partner, make_news, "Ancienne")
    gone = archived_news(partner, make_news, "À supprimer")
    body = html(partner_client.get(ARCHIVED))
    assert f'action="{url("restore", old)}"' in body
    assert f'href="{url("delete", gone)}?next=/admin/news/archived/"' in body
    assert url("archive", old) not in body
    assert "View live" not in body

    response = partner_client.post(url("restore", old), {"next": ARCHIVED})
    assert response.status_code == 302 and response.url == ARCHIVED
    old.refresh_from_db()
    assert old.live and old.expire_at > timezone.now()
    page = partner_client.get(ARCHIVED)
    assert "The news “Ancienne” has been restored and published again." in html(page)
    assert titles(page) == ["À supprimer"]
    assert "Ancienne" in titles(partner_client.get(INDEX))

    response = partner_client.get(url("delete", gone))
    body = html(response)
    assert "Delete the news “À supprimer” permanently?" in body
    assert "This cannot be undone." in body
    assert NewsPage.objects.filter(pk=gone.pk).exists()
    key = gone.translation_key
    response = partner_client.post(url("delete", gone))
    assert response.status_code == 302 and response.url == ARCHIVED
    assert not NewsPage.objects.filter(translation_key=key).exists()
    page = partner_client.get(ARCHIVED)
    assert "The news “À supprimer” has been deleted permanently." in html(page)
    assert titles(page) == []


def test_restore_by_a_moderated_partner_submits_the_news(
    partner, partner_client, make_news
):
    news = make_news(partner, "À revoir")
    archive(news, partner.members.first())
    moderate(partner)
    response = partner_client.post(url("restore", news))
    assert response.status_code == 302
    news.refresh_from_db()
    assert not news.live
    assert news.workflow_in_progress
    page = partner_client.get(ARCHIVED)
    assert "has been submitted for moderation" in html(page)
    assert re.search(r'class="w-status[^"]*">\s*Awaiting moderation\s*<', html(page))


def test_actions_refuse_a_news_in_the_wrong_state(partner, partner_client, make_news):
    live = make_news(partner, "En ligne")
    old = archived_news(partner, make_news)
    draft = make_news(partner, "Brouillon", publish=False)
    for name, news in (
        ("archive", old),
        ("archive", draft),
        ("restore", live),
        ("restore", draft),
        ("delete", live),
        ("delete", draft),
    ):
        assert partner_client.get(url(name, news)).status_code == 404, name
        assert partner_client.post(url(name, news)).status_code == 404, name
    assert NewsPage.objects.filter(pk__in=[live.pk, old.pk, draft.pk]).count() == 3


# ---------------------------------------------------------------------------
# Isolation: another partner's news
# ---------------------------------------------------------------------------


def _state(news):
    pages = NewsPage.objects.filter(translation_key=news.translation_key)
    return (
        sorted(pages.values_list("pk", "live", "expire_at", "featured_on_home")),
        Revision.page_revisions.filter(
            object_id__in=[str(pk) for pk in pages.values_list("pk", flat=True)]
        ).count(),
        WorkflowState.objects.count(),
    )


def test_partner_cannot_act_on_another_partners_news(
    partner, other_partner, partner_client, make_news
):
    theirs_live = make_news(other_partner, "Globex live")
    theirs_old = archived_news(other_partner, make_news, "Globex old")
    before = (_state(theirs_live), _state(theirs_old))
    for name, news in (
        ("archive", theirs_live),
        ("restore", theirs_old),
        ("delete", theirs_old),
        ("archive", theirs_old),
        ("restore", theirs_live),
        ("delete", theirs_live),
    ):
        for method in ("get", "post"):
            response = getattr(partner_client, method)(url(name, news))
            assert response.status_code == 404, (name, method)
            assert "Globex" not in html(response)
    assert (_state(theirs_live), _state(theirs_old)) == before
    assert "Globex" not in html(partner_client.get(INDEX))
    assert "Globex" not in html(partner_client.get(ARCHIVED))


def test_partner_cannot_feature_its_news_on_the_home_page(
    partner, partner_client, editor_client, make_news, news_type
):
    news = make_news(partner, "Forum")
    edit = reverse("wagtailadmin_pages:edit", args=[news.pk])
    assert 'name="featured_on_home"' not in html(partner_client.get(edit))
    data = news_form(news_type, "Forum", news.slug)
    data.update({"featured_on_home": "on", "action-publish": "action-publish"})
    response = partner_client.post(edit, data)
    assert response.status_code == 302
    news.refresh_from_db()
    assert news.live and not news.featured_on_home

    # Editors may (positive control: the same POST works for them).
    assert 'name="featured_on_home"' in html(editor_client.get(edit))
    response = editor_client.post(edit, data)
    assert response.status_code == 302
    news.refresh_from_db()
    assert news.featured_on_home


# ---------------------------------------------------------------------------
# "Envoyer": Wagtail's create/edit views, then back to the list (guide 3.2)
# ---------------------------------------------------------------------------


def test_sending_a_new_news_publishes_it_and_returns_to_the_list(
    partner, partner_client, news_type
):
    data = {**news_form(news_type), "action-publish": "action-publish"}
    response = partner_client.post(add_url(partner), data)
    assert response.status_code == 302
    assert response.url == INDEX
    news = NewsPage.objects.get(slug="forum-des-metiers", locale__language_code="fr")
    assert news.live
    # wagtail-localize's after_create_page hook ran first: aliases exist.
    assert NewsPage.objects.filter(translation_key=news.translation_key).count() > 1

    page = partner_client.get(response.url)
    body = html(page)
    assert "Your news “Forum des métiers” has been saved and published." in body
    assert "created and published" not in body  # Wagtail's message is replaced
    assert titles(page) == ["Forum des métiers"]


def test_sending_an_edited_news_returns_to_the_list(partner, partner_client, make_news):
    news = make_news(partner, "Forum")
    edit = reverse("wagtailadmin_pages:edit", args=[news.pk])
    data = {
        **news_form(news.news_type, "Forum modifié", news.slug),
        "action-publish": "action-publish",
    }
    response = partner_client.post(edit, data)
    assert response.status_code == 302 and response.url == INDEX
    body = html(partner_client.get(INDEX))
    assert "Your news “Forum modifié” has been saved and published." in body
    assert "has been published." not in body


def test_saving_a_draft_or_autosaving_stays_on_the_edit_view(
    partner, partner_client, make_news
):
    news = make_news(partner, "Forum")
    edit = reverse("wagtailadmin_pages:edit", args=[news.pk])
    data = news_form(news.news_type, "Forum brouillon", news.slug)
    response = partner_client.post(edit, data)
    assert response.status_code == 302 and response.url == edit

    # A background autosave wants JSON, never the list's redirect.
    data = news_form(news.news_type, "Forum autosave", news.slug)
    response = partner_client.post(edit, data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["success"] is True


def test_submitting_a_news_for_moderation_returns_to_the_list(
    moderated, partner_client, news_type
):
    data = {**news_form(news_type), "action-submit": "action-submit"}
    response = partner_client.post(add_url(moderated), data)
    assert response.status_code == 302 and response.url == INDEX
    body = html(partner_client.get(INDEX))
    assert (
        "Your news “Forum des métiers” has been saved and submitted for moderation."
        in body
    )


def test_publish_reads_send_on_news_screens_only(partner, partner_client, make_news):
    news = make_news(partner)
    button = re.compile(
        r'name="action-publish".*?<em data-w-progress-target="label">(\w+)</em>', re.S
    )
    for path in (
        add_url(partner),
        reverse("wagtailadmin_pages:edit", args=[news.pk]),
    ):
        body = html(partner_client.get(path))
        assert button.search(body).group(1) == "Send", path
        # "Send" is the main button, before the "more actions" dropdown.
        footer = body[body.index("footer__container") :]
        assert footer.index('name="action-publish"') < footer.index(
            "w-dropdown__toggle"
        )
    body = html(
        partner_client.get(reverse("wagtailadmin_pages:edit", args=[partner.page_id]))
    )
    assert button.search(body).group(1) == "Publish"


def test_preview_works_for_news(partner, partner_client, make_news):
    news = make_news(partner, "Forum")
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[news.pk])
    data = news_form(news.news_type, "Aperçu du forum", news.slug)
    response = partner_client.post(preview, data)
    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    response = partner_client.get(preview)
    assert response.status_code == 200
    assert "Aperçu du forum" in html(response)

    create_preview = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("alumni_partner", "newspage", partner.page_id),
    )
    response = partner_client.post(create_preview, news_form(news.news_type, "Neuve"))
    assert response.json()["is_valid"] is True
    assert "Neuve" in html(partner_client.get(create_preview))


# ---------------------------------------------------------------------------
# Statistics: above the lists, and on a partner user's dashboard
# ---------------------------------------------------------------------------


@pytest.fixture
def with_figures(partner, other_partner, make_news):
    first = make_news(partner, "Une")
    second = make_news(partner, "Deux")
    old = archived_news(partner, make_news)
    counters.add_views(first, timezone.localdate(), 4)
    counters.add_views(second, timezone.localdate() - timedelta(days=1), 3)
    counters.add_views(old, timezone.localdate() - timedelta(days=200), 10)
    like(first, 2)
    like(old, 1)
    theirs = make_news(other_partner, "Globex")
    counters.add_views(theirs, timezone.localdate(), 100)
    like(theirs, 5)


def test_statistics_panel_numbers(with_figures, partner_client):
    response = partner_client.get(INDEX)
    assert figure(response, "Published news") == "2"
    assert figure(response, "Archived news") == "1"
    assert figure(response, "Views, all time") == "17"
    assert figure(response, "Likes, all time") == "3"
    assert figure(response, "Views, last 90 days") == "7"
    assert figure(response, "Likes, last 90 days") == "3"
    body = html(response)
    # The chart: an SVG with a text alternative and a table of the days.
    assert 'role="img"' in body and "<title" in body and "<desc" in body
    assert body.count('class="stats-panel__bar stats-panel__bar--views"') == 2
    assert body.count('class="stats-panel__bar stats-panel__bar--likes"') == 1
    details = body[body.index("<details") : body.index("</details>")]
    assert details.count('<th scope="row">') == 90
    # Above the tabs.
    assert body.index("stats-panel__figures") < body.index('data-news-tab="published"')


def test_chart_bars_are_scaled_to_the_busiest_day():
    from alumni_partner.counters import DayFigures, NewsStatistics

    today = timezone.localdate()
    stats = NewsStatistics(
        published=1,
        archived=0,
        total_views=6,
        total_likes=1,
        days=[DayFigures(today - timedelta(days=1), 2, 0), DayFigures(today, 4, 1)],
    )
    chart = NewsStatisticsPanel(stats, "x").chart()
    first, second = chart["days"]
    assert second["views_bar"].height == 100
    assert first["views_bar"].height == 50
    assert second["likes_bar"].height == 25
    assert first["likes_bar"] is None
    assert second["views_bar"].y + 100 == chart["baseline"]


def test_dashboard_panel_for_partner_users(with_figures, partner_client, editor_client):
    response = partner_client.get(reverse("wagtailadmin_home"))
    body = html(response)
    assert "My news" in body
    assert figure(response, "Published news") == "2"
    assert figure(response, "Views, all time") == "17"
    assert 'href="/admin/news/"' in body
    assert "My news" not in html(editor_client.get(reverse("wagtailadmin_home")))
