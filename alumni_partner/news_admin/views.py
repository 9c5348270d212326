"""The News admin's views: lists, the partner chooser and the confirmations.

Every view starts from :class:`~.scope.NewsScope`: a partner's users reach
their partner's news only (another partner's news is a 404, as if it did not
exist); the business rules stay in :mod:`alumni_partner.news_lifecycle`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.db.models.functions import Lower
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import BaseColumn, Column, NumberColumn, Table, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.pages.listing import IndexView
from wagtail.models import WorkflowState

from .. import news_lifecycle
from ..conf import partner_settings
from ..counters import news_statistics
from ..models import NewsPage
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


class NewsTable(Table):
    """The list's table; knows where actions should come back to."""

    def __init__(self, *args, next_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.next_url = next_url


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


class NewsScreenMixin:
    """The scope check and the "Create / Published (N) / Archived (N)" tabs."""

    current_tab = None

    @cached_property
    def scope(self) -> NewsScope:
        return NewsScope(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not self.scope.allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def selected_partner(self):
        return None

    def tab_query(self) -> str:
        """Filters carried from tab to tab (not the page number)."""
        query = self.request.GET.copy()
        for key in ("p", "_w_filter_fragment", "next"):
            query.pop(key, None)
        return query.urlencode()

    def create_url(self) -> str:
        partner = self.selected_partner
        own = self.scope.own_partners
        if partner is None and not self.scope.is_editor and len(own) == 1:
            partner = own[0]
        if partner is not None:
            return add_news_url(partner)
        return news_url("create")

    def get_tabs(self) -> list[dict]:
        news = self.scope.news(self.selected_partner)
        published = news.published().count()
        archived = news.archived().count()
        query = self.tab_query()
        suffix = f"?{query}" if query else ""
        return [
            {
                "name": "create",
                "label": _("Create a news"),
                "url": self.create_url(),
                "icon": "plus",
            },
            {
                "name": "published",
                "label": _("Published (%(count)s)") % {"count": published},
                "url": news_url("index") + suffix,
                "icon": "doc-full",
            },
            {
                "name": "archived",
                "label": _("Archived (%(count)s)") % {"count": archived},
                "url": news_url("archived") + suffix,
                "icon": "folder-open-inverse",
            },
        ]

    def get_statistics_panel(self) -> NewsStatisticsPanel:
        partner = self.selected_partner
        if partner is not None:
            heading = _("Statistics of %(partner)s") % {"partner": partner.name}
        elif self.scope.is_editor:
            heading = _("Statistics of the whole network")
        else:
            heading = _("Statistics of my news")
        return NewsStatisticsPanel(
            news_statistics(self.scope.news(partner), days=partner_settings.STATS_DAYS),
            heading,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["news_tabs"] = self.get_tabs()
        context["current_tab"] = self.current_tab
        return context


# ---------------------------------------------------------------------------
# The lists (guide 3.3 and 3.4)
# ---------------------------------------------------------------------------


class NewsIndexView(NewsScreenMixin, IndexView):
    """Published news (with drafts and news awaiting moderation) or archived news."""

    current_tab = "published"
    template_name = "wagtailadmin/generic/index.html"
    results_template_name = "alumni_partner/admin/news/index_results.html"
    page_title = gettext_lazy("News")
    header_icon = "doc-full"
    any_permission_required = None  # NewsScreenMixin checks the scope
    is_searchable = False
    filterset_class = NewsFilterSet
    default_ordering = "-date"
    table_class = NewsTable
    table_classname = "listing news-listing"
    add_url_name = None
    base_columns = ()  # see columns

    @cached_property
    def columns(self):
        return news_columns()

    def get_paginate_by(self, queryset):
        return partner_settings.NEWS_ADMIN_PER_PAGE

    def in_tab(self, news):
        """Live news and news never published yet (drafts, awaiting moderation)."""
        return news.exclude(live=False, first_published_at__isnull=False)

    def get_base_queryset(self):
        news = self.in_tab(self.scope.news())
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

    def filter_queryset(self, queryset):
        if self.filters:
            # Valid filters apply even when another one is malformed; the
            # malformed one is reported above the list (get_context_data).
            self.filters.is_valid()
            queryset = self.filters.filter_queryset(queryset)
        return queryset

    def get_valid_orderings(self):
        return [*SORTS, *(f"-{key}" for key in SORTS)]

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        key = ordering.lstrip("-")
        expression = SORTS[key]
        if key in COUNTED_SORTS:
            queryset = queryset.with_counts()
        if ordering.startswith("-"):
            return queryset.order_by(expression.desc(nulls_last=True), "-pk")
        return queryset.order_by(expression.asc(nulls_first=True), "pk")

    @property
    def selected_partner(self):
        return self.filters.selected_partner if self.filters else None

    @cached_property
    def next_url(self) -> str:
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        encoded = query.urlencode()
        return self.index_url + (f"?{encoded}" if encoded else "")

    def get_table(self, object_list):
        object_list = list(object_list)
        if object_list and not hasattr(object_list[0], "view_count"):
            counts = {
                pk: (views, likes)
                for pk, views, likes in NewsPage.objects.filter(
                    pk__in=[news.pk for news in object_list]
                )
                .with_counts()
                .values_list("pk", "view_count", "like_count")
            }
            for news in object_list:
                news.view_count, news.like_count = counts.get(news.pk, (0, 0))
        return self.table_class(
            self.columns,
            object_list,
            base_url=self.index_url,
            ordering=self.ordering,
            classname=self.table_classname,
            caption=self.get_page_subtitle(),
            next_url=self.next_url,
        )

    def get_page_subtitle(self):
        return _("Published news")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": news_url("index"), "label": _("News")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return _("No news match these filters.")
        return _("There are no news in this list yet.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statistics_panel"] = self.get_statistics_panel()
        context["filter_errors"] = (
            self.filters.errors_by_label() if self.filters else []
        )
        return context


class ArchivedNewsIndexView(NewsIndexView):
    current_tab = "archived"

    def in_tab(self, news):
        return news.archived()

    def get_page_subtitle(self):
        return _("Archived news")


# ---------------------------------------------------------------------------
# "Create a news": the partner page to create it under
# ---------------------------------------------------------------------------


class NewsChooseParentView(NewsScreenMixin, WagtailAdminTemplateMixin, TemplateView):
    """One partner: straight to Wagtail's create view; several: choose one."""

    current_tab = "create"
    template_name = "alumni_partner/admin/news/choose_partner.html"
    page_title = gettext_lazy("Create a news")
    header_icon = "doc-full"
    per_page = 50

    def get(self, request, *args, **kwargs):
        own = self.scope.own_partners
        if not self.scope.is_editor and len(own) == 1:
            return redirect(add_news_url(own[0]))
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": news_url("index"), "label": _("News")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        partners = self.scope.partners
        if query:
            partners = partners.filter(name__icontains=query)
        page = Paginator(partners, self.per_page).get_page(self.request.GET.get("p"))
        context.update(
            {
                "query": query,
                "partners": [(p, add_news_url(p)) for p in page.object_list],
                "page_obj": page,
                "statistics_panel": self.get_statistics_panel(),
            }
        )
        return context


# ---------------------------------------------------------------------------
# Archive, restore, delete: a confirmation (GET) and the action (POST)
# ---------------------------------------------------------------------------


class NewsActionView(NewsScreenMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then act on one news of the user's scope through news_lifecycle."""

    template_name = "alumni_partner/admin/news/confirm.html"
    http_method_names = ["get", "post"]
    header_icon = "doc-full"
    list_name = "index"
    confirm_label = gettext_lazy("OK")
    destructive = False

    def news_in_state(self, news):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.scope.allowed:
            raise PermissionDenied
        self.news = get_object_or_404(
            self.news_in_state(self.scope.news()), pk=kwargs["pk"]
        )
        if not news_lifecycle.can_manage(request.user, self.news):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def next_url(self) -> str:
        wanted = self.request.POST.get("next") or self.request.GET.get("next")
        if wanted and url_has_allowed_host_and_scheme(
            wanted,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return wanted
        return news_url(self.list_name)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": news_url("index"), "label": _("News")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_page_subtitle(self):
        return self.news.title

    def question(self) -> str:
        raise NotImplementedError

    def details(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "news": self.news,
                "question": self.question(),
                "details": self.details(),
                "confirm_label": self.confirm_label,
                "destructive": self.destructive,
                "action_url": self.request.path,
                "next_url": self.next_url,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            message = self.act()
        except news_lifecycle.NewsActionRefused:
            raise PermissionDenied
        messages.success(request, message)
        return redirect(self.next_url)

    def act(self) -> str:
        raise NotImplementedError


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
