"""What ``wagtail_hooks`` does for the Offers admin, kept here beside the views.

- after "Publish" on an offer (guide 4.1: "un message s'affichera pour
  confirmer que votre offre a bien été enregistrée"), back to "My offers"
  with the outcome: validated at once, or pending until an editor validates;
- the main button of an offer's screens reads "Publish" for a partner whose
  offers go online at once, including one whose news only are moderated
  (its offers are submitted, and the moderation task approves them at once);
- the offers statistics on a partner user's dashboard.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.action_menu import PublishMenuItem, SubmitForModerationMenuItem

from ..conf import partner_settings
from ..counters import offer_statistics
from ..models import OfferPage, Partner
from ..page_admin.publishing import back_to_list, is_screen_of, promote
from .components import OfferStatisticsPanel
from .scope import OfferScope
from .views import offers_url

#: Guide 4.1: "un message s'affichera pour confirmer que votre offre a bien
#: été enregistrée", by outcome.
MESSAGES = {
    "published": gettext_lazy("Your offer “%(title)s” has been saved and validated."),
    "scheduled": gettext_lazy(
        "Your offer “%(title)s” has been saved; it will be published on %(date)s."
    ),
    "submitted": gettext_lazy(
        "Your offer “%(title)s” has been saved; it is pending until an editor "
        "validates it."
    ),
}


def redirect_after_publishing(request, page):
    """``after_create_page`` / ``after_edit_page``: to "My offers", with a message."""
    return back_to_list(
        request, page, OfferPage, MESSAGES, lambda offer: offers_url("index")
    )


def _partner_of_screen(context) -> Partner | None:
    page = context.get("page")
    if page is not None and page.pk:
        return Partner.for_page(page)
    parent = context.get("parent_page")
    return Partner.for_page(parent) if parent is not None else None


def main_button_publish(menu_items, request, context) -> None:
    """``construct_page_action_menu``: "Publish" first on an offer's screens.

    A partner whose news only are moderated has no ``publish`` permission
    (it covers the whole subtree, DESIGN.md §10): its offers are submitted
    and approved at once by the moderation task, so the button says what
    happens, "Publish". A partner whose offers are moderated keeps Wagtail's
    "Submit" label.
    """
    if not is_screen_of(request, context, OfferPage):
        return
    if promote(menu_items, PublishMenuItem):
        return
    partner = _partner_of_screen(context)
    if partner is not None and partner.moderated and not partner.offers_moderated:
        promote(menu_items, SubmitForModerationMenuItem, _("Publish"))
    else:
        # Moderated offers: the main button sends the offer to the editors
        # (pending, guide 4.1); Wagtail's default, "Save draft", would leave
        # it a draft that no editor ever sees.
        promote(menu_items, SubmitForModerationMenuItem)


def dashboard_statistics_panel(request) -> OfferStatisticsPanel | None:
    """``construct_homepage_panels``: a partner user's offer statistics."""
    scope = OfferScope(request.user)
    if scope.is_editor or not scope.own_partners:
        return None
    return OfferStatisticsPanel(
        offer_statistics(scope.offers(), days=partner_settings.STATS_DAYS),
        _("My offers"),
        link_url=offers_url("index"),
        id_prefix="dashboard-offer-stats",
    )
