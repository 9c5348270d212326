"""The News admin's views: lists, the partner chooser and the confirmations.

Every view starts from :class:`~.scope.NewsScope`: a partner's users reach
their partner's news only (another partner's news is a 404, as if it did not
exist); the business rules stay in :mod:`alumni_partner.news_lifecycle`.
"""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.db.models.functions import Lower
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import BaseColumn, Column, NumberColumn, TitleColumn
from wagtail.admin.views.pages.listing import IndexView
from wagtail.models import WorkflowState

from .. import news_lifecycle
from ..conf import partner_settings
from ..counters import news_statistics
from ..models import NewsPage
from ..page_admin.actions import ConfirmActionView
from ..page_admin.choose import ChoosePartnerView
from ..page_admin.listing import ScopedIndexMixin, ScopedScreenMixin, ScopedTable
from .components import NewsStatisticsPanel
from .filters import NewsFilterSet
from .scope import NewsScope

NAMESPACE = "alumni_partner_news"


def news_url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def add_news_url(partner) -> str:
    """Wagtail's create view for a news under the partner's French page."""
    return reverse(
        "wagtailadmin_pages:add", args=("alumni_partner", "newspage", partner.page_id)
    )


# ---------------------------------------------------------------------------
# Status of a news, as the lists show it
# ---------------------------------------------------------------------------


def news_status(news: NewsPage) -> tuple[str, bool]:
    """A short label for the news' state and whether it is the "live" style.

    Uses the workflow states prefetched by the list (no query per row).
    """
    state = news.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        return _("Awaiting moderation"), False
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return _("Changes requested"), False
    if news.live:
        if news.has_unpublished_changes:
            return _("Published, with draft changes"), True
        return _("Published"), True
    if news.first_published_at is None:
        if news.go_live_at:
            return _("Scheduled"), False
        return _("Draft"), False
    return _("Archived"), False


# ---------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------


NewsTable = ScopedTable


def title_id(news: NewsPage) -> str:
    return f"news-{news.pk}-title"


class NewsTitleColumn(TitleColumn):
    def get_link_url(self, instance, parent_context):
        return reverse("wagtailadmin_pages:edit", args=[instance.pk])


class HomeColumn(Column):
    cell_template_name = "alumni_partner/admin/news/home_cell.html"


class StatusColumn(Column):
    cell_template_name = "wagtailadmin/tables/status_tag_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"], context["primary"] = news_status(instance)
        return context


class ActionsColumn(BaseColumn):
    """View live, edit, archive (live news); restore, delete (archived news)."""

    cell_template_name = "alumni_partner/admin/news/actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        next_url = parent_context["table"].next_url
        archived = not instance.live and instance.first_published_at is not None
        context.update(
            {
                "csrf_token": get_token(request),
                "next_url": next_url,
                "title_id": title_id(instance),
                "live_url": instance.get_url(request) if instance.live else None,
                "edit_url": reverse("wagtailadmin_pages:edit", args=[instance.pk]),
                "archive_url": (
                    news_url("archive", instance.pk) if instance.live else None
                ),
                "restore_url": news_url("restore", instance.pk) if archived else None,
                "delete_url": news_url("delete", instance.pk) if archived else None,
            }
        )
        return context


#: ``?ordering=`` keys and the expressions they sort by (ties: by id).
SORTS = {
    "title": Lower("title"),
    "type": Lower("news_type__name"),
    "date": F("date"),
    "views": F("view_count"),
    "likes": F("like_count"),
    "home": F("featured_on_home"),
}
#: Sorts that need every news' views and likes summed before paginating.
COUNTED_SORTS = {"views", "likes"}


def news_columns() -> list:
    return [
        NewsTitleColumn(
            "title",
            label=gettext_lazy("Title"),
            sort_key="title",
            get_title_id=title_id,
        ),
        Column(
            "type",
            label=gettext_lazy("Type"),
            accessor=lambda news: news.news_type.name if news.news_type else "",
            sort_key="type",
        ),
        Column("date", label=gettext_lazy("Date"), sort_key="date"),
        NumberColumn("view_count", label=gettext_lazy("Views"), sort_key="views"),
        NumberColumn("like_count", label=gettext_lazy("Likes"), sort_key="likes"),
        HomeColumn(
            "featured_on_home", label=gettext_lazy("Home page"), sort_key="home"
        ),
        StatusColumn("status", label=gettext_lazy("Status")),
        ActionsColumn("actions", label=gettext_lazy("Actions")),
    ]


# ---------------------------------------------------------------------------
# What every News screen shows: tabs (and the statistics above the lists)
# ---------------------------------------------------------------------------


class NewsScreenMixin(ScopedScreenMixin):
    """The scope check and the "Create / Published (N) / Archived (N)" tabs."""

    scope_class = NewsScope
    tabs_template = "alumni_partner/admin/news/_tabs.html"
    kind = "news"
    header_icon = "doc-full"
    section_label = gettext_lazy("News")
    own_statistics_heading = gettext_lazy("Statistics of my news")
    statistics_panel_class = NewsStatisticsPanel

    def list_url(self, name: str) -> str:
        return news_url(name)

    def new_page_url(self, partner) -> str:
        return add_news_url(partner)

    def scoped_pages(self, partner=None):
        return self.scope.news(partner)

    def statistics(self, pages):
        return news_statistics(pages, days=partner_settings.STATS_DAYS)

    def get_tabs(self) -> list[dict]:
        news = self.scope.news(self.selected_partner)
        suffix = self.tab_suffix()
        return [
            {
                "name": "create",
                "label": _("Create a news"),
                "url": self.create_url(),
                "icon": "plus",
            },
            {
                "name": "published",
                "label": _("Published (%(count)s)")
                % {"count": news.published().count()},
                "url": news_url("index") + suffix,
                "icon": "doc-full",
            },
            {
                "name": "archived",
                "label": _("Archived (%(count)s)") % {"count": news.archived().count()},
                "url": news_url("archived") + suffix,
                "icon": "folder-open-inverse",
            },
        ]


# ---------------------------------------------------------------------------
# The lists (guide 3.3 and 3.4)
# ---------------------------------------------------------------------------


class NewsIndexView(ScopedIndexMixin, NewsScreenMixin, IndexView):
    """Published news (with drafts and news awaiting moderation) or archived news."""

    current_tab = "published"
    results_template_name = "alumni_partner/admin/news/index_results.html"
    page_title = gettext_lazy("News")
    per_page_setting = "NEWS_ADMIN_PER_PAGE"
    filterset_class = NewsFilterSet
    default_ordering = "-date"
    table_class = NewsTable
    table_classname = "listing news-listing"
    sorts = SORTS
    counted_sorts = COUNTED_SORTS
    count_fields = ("view_count", "like_count")

    @cached_property
    def columns(self):
        return news_columns()

    def in_tab(self, news):
        """Live news and news never published yet (drafts, awaiting moderation)."""
        return news.exclude(live=False, first_published_at__isnull=False)

    def get_base_queryset(self):
        news = super().get_base_queryset()
        # PageQuerySet.prefetch_workflow_states() joins on the base content
        # type unless the queryset is ``.specific()``; a NewsPage queryset
        # needs the specific relation, or every news reads "no workflow".
        workflow_states = Prefetch(
            "_specific_workflow_states",
            queryset=WorkflowState.objects.active().select_related(
                "current_task_state__task"
            ),
            to_attr="_current_workflow_states",
        )
        # Views and likes are summed for the page's rows only (get_table),
        # unless the list is sorted by them: a correlated sum over every news
        # of a partner with thousands of them costs more than the page.
        return (
            news.select_related("news_type")
            .defer_streamfields()
            .prefetch_related(workflow_states)
        )

    def get_page_subtitle(self):
        return _("Published news")

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return _("No news match these filters.")
        return _("There are no news in this list yet.")


class ArchivedNewsIndexView(NewsIndexView):
    current_tab = "archived"

    def in_tab(self, news):
        return news.archived()

    def get_page_subtitle(self):
        return _("Archived news")


# ---------------------------------------------------------------------------
# "Create a news": the partner page to create it under
# ---------------------------------------------------------------------------


class NewsChooseParentView(NewsScreenMixin, ChoosePartnerView):
    """One partner: straight to Wagtail's create view; several: choose one."""

    page_title = gettext_lazy("Create a news")
    question = gettext_lazy("Which partner is this news from?")

    def partner_label(self, partner) -> str:
        return _("Create a news for %(name)s") % {"name": partner.name}


# ---------------------------------------------------------------------------
# Archive, restore, delete: a confirmation (GET) and the action (POST)
# ---------------------------------------------------------------------------


class NewsActionView(NewsScreenMixin, ConfirmActionView):
    """Confirm, then act on one news of the user's scope through news_lifecycle."""

    refused = news_lifecycle.NewsActionRefused
    object_name = "news"

    def pages_in_state(self, pages):
        return self.news_in_state(pages)

    def news_in_state(self, news):
        raise NotImplementedError

    def may_act(self, user, page) -> bool:
        return news_lifecycle.can_manage(user, page)

    @property
    def news(self) -> NewsPage:
        return self.object


class ArchiveNewsView(NewsActionView):
    page_title = gettext_lazy("Archive a news")
    current_tab = "published"

    def news_in_state(self, news):
        return news.published()

    def question(self):
        return _("Archive the news “%(title)s”?") % {"title": self.news.title}

    def details(self):
        return _(
            "It leaves the public site in every language and moves to the "
            "archived news, from where you can restore it."
        )

    def act(self):
        news_lifecycle.archive(self.news, self.request.user)
        return _("The news “%(title)s” has been archived.") % {"title": self.news.title}


class RestoreNewsView(NewsActionView):
    page_title = gettext_lazy("Restore a news")
    current_tab = "archived"
    list_name = "archived"

    def news_in_state(self, news):
        return news.archived()

    def question(self):
        return _("Restore the news “%(title)s”?") % {"title": self.news.title}

    def details(self):
        return _("It is published again for a new period.")

    def act(self):
        outcome = news_lifecycle.restore(self.news, self.request.user)
        if outcome == "submitted":
            return _(
                "The news “%(title)s” has been submitted for moderation; it will "
                "be published again once an editor approves it."
            ) % {"title": self.news.title}
        return _("The news “%(title)s” has been restored and published again.") % {
            "title": self.news.title
        }


class DeleteNewsView(NewsActionView):
    page_title = gettext_lazy("Delete a news permanently")
    current_tab = "archived"
    list_name = "archived"
    destructive = True

    def news_in_state(self, news):
        return news.archived()

    def question(self):
        return _("Delete the news “%(title)s” permanently?") % {
            "title": self.news.title
        }

    def details(self):
        return _(
            "The news is deleted in every language, with its views and likes. "
            "This cannot be undone."
        )

    def act(self):
        title = news_lifecycle.delete_forever(self.news, self.request.user)
        return _("The news “%(title)s” has been deleted permanently.") % {
            "title": title
        }
