"""The News admin under ``/admin/news/``: a flat page listing of ``NewsPage``."""

from __future__ import annotations

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.pages import PageListingViewSet

from ..models import NewsPage
from . import views
from .filters import NewsFilterSet
from .scope import NewsScope


class NewsMenuItem(MenuItem):
    """Shown to the editors and to users who work for a partner."""

    def is_shown(self, request):
        return NewsScope(request.user).allowed


class NewsViewSet(PageListingViewSet):
    """Tabs "Create a news", "Published (N)", "Archived (N)" (guide 3.1)."""

    model = NewsPage
    icon = "doc-full"
    menu_label = _("News")
    menu_name = "news"
    menu_order = 2
    add_to_admin_menu = True
    url_prefix = "news"
    url_namespace = views.NAMESPACE
    index_view_class = views.NewsIndexView
    archived_view_class = views.ArchivedNewsIndexView
    choose_parent_view_class = views.NewsChooseParentView
    filterset_class = NewsFilterSet

    @cached_property
    def menu_item_class(self):
        return NewsMenuItem

    @property
    def columns(self):
        return self.UNDEFINED  # the views build their own

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(add_url_name=None, **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(paginate_by=self.UNDEFINED, **kwargs)

    @cached_property
    def archived_view(self):
        return self.construct_view(
            self.archived_view_class,
            **self.get_index_view_kwargs(
                index_url_name=self.get_url_name("archived"),
                index_results_url_name=self.get_url_name("archived_results"),
            ),
        )

    @cached_property
    def archived_results_view(self):
        return self.construct_view(
            self.archived_view_class,
            **self.get_index_view_kwargs(
                index_url_name=self.get_url_name("archived"),
                index_results_url_name=self.get_url_name("archived_results"),
            ),
            results_only=True,
        )

    @cached_property
    def choose_parent_view(self):
        return self.choose_parent_view_class.as_view()

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("archived/", self.archived_view, name="archived"),
            path(
                "archived/results/",
                self.archived_results_view,
                name="archived_results",
            ),
            path("create/", self.choose_parent_view, name="create"),
            path(
                "<int:pk>/archive/",
                views.ArchiveNewsView.as_view(),
                name="archive",
            ),
            path(
                "<int:pk>/restore/",
                views.RestoreNewsView.as_view(),
                name="restore",
            ),
            path("<int:pk>/delete/", views.DeleteNewsView.as_view(), name="delete"),
        ]
