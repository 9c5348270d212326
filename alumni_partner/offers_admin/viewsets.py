"""The Offers admin under ``/admin/offers/``: a flat page listing of ``OfferPage``.

Its menu entry "Offers" opens on "Post an offer" ("Dépôt d'offres") and
"My offers" ("Mes offres"), as the guide's menu does (4.1, 4.2).
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu, SubmenuMenuItem

from ..models import OfferPage
from ..page_admin.viewsets import ScopedMenuItem, ScopedPageListingViewSet
from . import views
from .filters import ClosedOfferFilterSet, OfferFilterSet


class OffersViewSet(ScopedPageListingViewSet):
    """Tabs "Post an offer", "My offers (N)", "Expired and filled (N)"."""

    model = OfferPage
    icon = "tasks"
    menu_label = _("Offers")
    menu_name = "offers"
    menu_order = 3
    add_to_admin_menu = True
    url_prefix = "offers"
    url_namespace = views.NAMESPACE
    index_view_class = views.OfferIndexView
    second_tab = "closed"
    second_view_class = views.ClosedOfferIndexView
    second_filterset_class = ClosedOfferFilterSet
    choose_parent_view_class = views.OfferChooseParentView
    filterset_class = OfferFilterSet

    def get_menu_item(self, order=None):
        """ "Offers", opening on "Post an offer" and "My offers"."""
        entries = [
            ("create", _("Post an offer"), "post-an-offer", "plus"),
            ("index", _("My offers"), "my-offers", "tasks"),
        ]
        items = [
            ScopedMenuItem(
                label,
                reverse(self.get_url_name(url_name)),
                name=name,
                icon_name=icon,
                order=position,
            )
            for position, (url_name, label, name, icon) in enumerate(entries, 1)
        ]
        return SubmenuMenuItem(
            self.menu_label,
            Menu(items=items),
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )

    def action_urlpatterns(self):
        actions = {
            "renew": views.RenewOfferView,
            "fill": views.FillOfferView,
            "duplicate": views.DuplicateOfferView,
            "delete": views.DeleteOfferView,
            "purge": views.PurgeOfferView,
        }
        return [
            path(f"<int:pk>/{name}/", view.as_view(), name=name)
            for name, view in actions.items()
        ]
