"""The shape every partner-scoped page list shares (News, "My offers").

Filters that apply even when another one is malformed, sorts by named keys
(ties broken by id), counters summed for the shown rows only, and the URL
that brings an action back to the same list, filters and page included.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Table

from ..conf import partner_settings


class ScopedTable(Table):
    """A list's table; knows where row actions come back to, and whose rows."""

    def __init__(self, *args, next_url: str = "", scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_url = next_url
        self.scope = scope


class ScopedScreenMixin:
    """What every screen of a News or Offers admin shows and checks.

    The scope check, the tabs (with the filters carried from tab to tab), the
    statistics panel and the breadcrumbs. Subclasses set :attr:`scope_class`
    (a :class:`~.scope.PartnerScope`), :attr:`statistics_panel_class`, the
    labels, and give :meth:`list_url`, :meth:`new_page_url`, :meth:`scoped_pages`,
    :meth:`statistics` and :meth:`get_tabs`.
    """

    scope_class = None
    current_tab = None
    #: The tabs above every screen, and the word that names their data attributes.
    tabs_template = ""
    kind = ""
    #: The breadcrumb of the section's list ("News", "My offers").
    section_label = ""
    #: The statistics' heading for a partner user ("Statistics of my news").
    own_statistics_heading = ""
    statistics_panel_class = None

    @cached_property
    def scope(self):
        return self.scope_class(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not self.scope.allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def list_url(self, name: str) -> str:
        raise NotImplementedError

    def new_page_url(self, partner) -> str:
        """Wagtail's create view for a new page under ``partner``'s page."""
        raise NotImplementedError

    def scoped_pages(self, partner=None):
        raise NotImplementedError

    def statistics(self, pages):
        raise NotImplementedError

    def get_tabs(self) -> list[dict]:
        raise NotImplementedError

    @property
    def selected_partner(self):
        """The partner of the list's "Partner" filter (lists only), if valid."""
        filters = getattr(self, "filters", None)
        return filters.selected_partner if filters else None

    def tab_query(self) -> str:
        """Filters carried from tab to tab (not the page number)."""
        query = self.request.GET.copy()
        for key in ("p", "_w_filter_fragment", "next"):
            query.pop(key, None)
        return query.urlencode()

    def tab_suffix(self) -> str:
        query = self.tab_query()
        return f"?{query}" if query else ""

    def create_url(self) -> str:
        """The "create" tab: straight to Wagtail's form when the partner is known."""
        partner = self.selected_partner or self.scope.single_partner
        if partner is not None:
            return self.new_page_url(partner)
        return self.list_url("create")

    def get_statistics_panel(self):
        partner = self.selected_partner
        if partner is not None:
            heading = _("Statistics of %(partner)s") % {"partner": partner.name}
        elif self.scope.is_editor:
            heading = _("Statistics of the whole network")
        else:
            heading = self.own_statistics_heading
        return self.statistics_panel_class(
            self.statistics(self.scoped_pages(partner)), heading
        )

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.list_url("index"), "label": self.section_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "tabs": self.get_tabs(),
                "tabs_template": self.tabs_template,
                "kind": self.kind,
                "current_tab": self.current_tab,
            }
        )
        return context


class ScopedIndexMixin:
    """For a Wagtail page ``IndexView`` of partner pages.

    Subclasses set :attr:`sorts` (``?ordering=`` key -> expression),
    :attr:`counted_sorts` (keys that need :meth:`with_counts` before
    paginating) and :attr:`count_fields` (the annotations of
    ``with_counts()`` that every shown row carries).
    """

    sorts: dict = {}
    counted_sorts: set[str] = set()
    count_fields: tuple[str, ...] = ()
    template_name = "wagtailadmin/generic/index.html"
    table_class = ScopedTable
    #: The ``partner_settings`` name of the number of rows per page.
    per_page_setting = ""
    any_permission_required = None  # ScopedScreenMixin checks the scope
    is_searchable = False
    add_url_name = None
    base_columns = ()  # see columns

    def get_paginate_by(self, queryset):
        return getattr(partner_settings, self.per_page_setting)

    def get_base_queryset(self):
        return self.in_tab(self.scoped_pages())

    def in_tab(self, pages):
        """The pages of this list's tab."""
        raise NotImplementedError

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.list_url("index"), "label": self.section_label},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def filter_queryset(self, queryset):
        if self.filters:
            # Valid filters apply even when another one is malformed; the
            # malformed one is reported above the list (get_context_data).
            self.filters.is_valid()
            queryset = self.filters.filter_queryset(queryset)
        return queryset

    def get_valid_orderings(self):
        return [*self.sorts, *(f"-{key}" for key in self.sorts)]

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        key = ordering.lstrip("-")
        expression = self.sorts[key]
        if key in self.counted_sorts:
            queryset = queryset.with_counts()
        if ordering.startswith("-"):
            return queryset.order_by(expression.desc(nulls_last=True), "-pk")
        return queryset.order_by(expression.asc(nulls_first=True), "pk")

    @cached_property
    def next_url(self) -> str:
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        encoded = query.urlencode()
        return self.index_url + (f"?{encoded}" if encoded else "")

    def attach_counts(self, rows: list) -> list:
        """Sum the counters of the shown rows only, unless sorting did already.

        A correlated sum over every page of a partner with thousands of them
        costs more than the page itself.
        """
        if rows and not hasattr(rows[0], self.count_fields[0]):
            model = type(rows[0])
            counts = {
                values[0]: values[1:]
                for values in model.objects.filter(pk__in=[row.pk for row in rows])
                .with_counts()
                .values_list("pk", *self.count_fields)
            }
            empty = (0,) * len(self.count_fields)
            for row in rows:
                for name, value in zip(
                    self.count_fields, counts.get(row.pk, empty), strict=True
                ):
                    setattr(row, name, value)
        return rows

    def get_table(self, object_list):
        return self.table_class(
            self.columns,
            self.attach_counts(list(object_list)),
            base_url=self.index_url,
            ordering=self.ordering,
            classname=self.table_classname,
            caption=self.get_page_subtitle(),
            next_url=self.next_url,
            scope=self.scope,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statistics_panel"] = self.get_statistics_panel()
        context["filter_errors"] = (
            self.filters.errors_by_label() if self.filters else []
        )
        return context
