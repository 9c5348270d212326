"""The News admin under ``/admin/news/``: a flat page listing of ``NewsPage``."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..models import NewsPage
from ..page_admin.viewsets import ScopedMenuItem, ScopedPageListingViewSet
from . import views
from .filters import NewsFilterSet

#: Kept for the code that imported it from here.
NewsMenuItem = ScopedMenuItem


class NewsViewSet(ScopedPageListingViewSet):
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
    second_tab = "archived"
    second_view_class = views.ArchivedNewsIndexView
    choose_parent_view_class = views.NewsChooseParentView
    filterset_class = NewsFilterSet

    def action_urlpatterns(self):
        return [
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
