"""The viewset shape the News and Offers admins share.

A flat ``PageListingViewSet`` with two list tabs (the main list and a second
one: archived news, expired and filled offers), a partner chooser as its
"create" view, and a menu entry shown to editors and partner users only.
"""

from __future__ import annotations

from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.pages import PageListingViewSet

from .scope import PartnerScope


class ScopedMenuItem(MenuItem):
    """Shown to the editors and to users who work for a partner."""

    def is_shown(self, request):
        return PartnerScope(request.user).allowed


class ScopedPageListingViewSet(PageListingViewSet):
    """Lists of one partner page type: ``index``, a second tab, ``create``.

    Subclasses set :attr:`second_tab` (its URL name), :attr:`second_view_class`
    and optionally :attr:`second_filterset_class`, and add their action URLs
    in :meth:`action_urlpatterns`.
    """

    second_tab = ""
    second_view_class = None
    second_filterset_class = None

    @cached_property
    def menu_item_class(self):
        return ScopedMenuItem

    @property
    def columns(self):
        return self.UNDEFINED  # the views build their own

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(add_url_name=None, **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(paginate_by=self.UNDEFINED, **kwargs)

    def _second_view(self, **extra):
        kwargs = {
            "index_url_name": self.get_url_name(self.second_tab),
            "index_results_url_name": self.get_url_name(f"{self.second_tab}_results"),
        }
        if self.second_filterset_class is not None:
            kwargs["filterset_class"] = self.second_filterset_class
        return self.construct_view(
            self.second_view_class, **self.get_index_view_kwargs(**kwargs), **extra
        )

    @cached_property
    def second_view(self):
        return self._second_view()

    @cached_property
    def second_results_view(self):
        return self._second_view(results_only=True)

    @cached_property
    def choose_parent_view(self):
        return self.choose_parent_view_class.as_view()

    def action_urlpatterns(self) -> list:
        return []

    def get_urlpatterns(self):
        second = self.second_tab
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"{second}/", self.second_view, name=second),
            path(
                f"{second}/results/",
                self.second_results_view,
                name=f"{second}_results",
            ),
            path("create/", self.choose_parent_view, name="create"),
            *self.action_urlpatterns(),
        ]
