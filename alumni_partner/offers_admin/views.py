"""The Offers admin's views: "My offers", "Post an offer", the confirmations.

Every view starts from :class:`~.scope.OfferScope`: a partner's users reach
their partner's offers only (another partner's offer is a 404, as if it did
not exist); the business rules stay in :mod:`alumni_partner.offer_lifecycle`.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import BaseColumn, Column, NumberColumn, TitleColumn
from wagtail.admin.views.pages.listing import IndexView

from .. import offer_lifecycle
from ..conf import partner_settings
from ..counters import offer_statistics
from ..models import OfferPage, OfferState
from ..page_admin.actions import ConfirmActionView
from ..page_admin.choose import ChoosePartnerView
from ..page_admin.listing import ScopedIndexMixin, ScopedScreenMixin
from .components import OfferStatisticsPanel
from .filters import ClosedOfferFilterSet, OfferFilterSet
from .scope import OfferScope
from .states import PRIMARY_STATES, state_rank

NAMESPACE = "alumni_partner_offers"


def offers_url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def add_offer_url(partner) -> str:
    """Wagtail's create view for an offer under the partner's French page."""
    return reverse(
        "wagtailadmin_pages:add", args=("alumni_partner", "offerpage", partner.page_id)
    )


def expiry_text(offer: OfferPage) -> str:
    return date_format(timezone.localtime(offer.expire_at), "SHORT_DATE_FORMAT")


# ---------------------------------------------------------------------------
# Columns (guide 4.2: reference, state, created, views, job title, actions)
# ---------------------------------------------------------------------------


def title_id(offer: OfferPage) -> str:
    return f"offer-{offer.pk}-title"


class OfferTitleColumn(TitleColumn):
    def get_link_url(self, instance, parent_context):
        return reverse("wagtailadmin_pages:edit", args=[instance.pk])


class StateColumn(Column):
    """A badge: validated, pending, deleted, draft, scheduled, expired, filled."""

    cell_template_name = "alumni_partner/admin/offers/state_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        state = instance.state
        context.update(
            {
                "state": state.value,
                "label": state.label,
                "primary": state in PRIMARY_STATES,
            }
        )
        return context


class ActionsColumn(BaseColumn):
    """View, edit, and the actions the offer's state allows."""

    cell_template_name = "alumni_partner/admin/offers/actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        state = instance.state
        pk = instance.pk
        editor = parent_context["table"].scope.is_editor
        context.update(
            {
                "csrf_token": get_token(request),
                "next_url": parent_context["table"].next_url,
                "title_id": title_id(instance),
                "live_url": instance.get_url(request) if instance.live else None,
                "preview_url": (
                    None
                    if instance.live
                    else reverse("wagtailadmin_pages:view_draft", args=[pk])
                ),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[pk]),
                "renew_url": offers_url("renew", pk) if renewable(instance) else None,
                "fill_url": (
                    offers_url("fill", pk) if state == OfferState.VALIDATED else None
                ),
                "duplicate_url": offers_url("duplicate", pk),
                "delete_url": (
                    offers_url("delete", pk) if state != OfferState.DELETED else None
                ),
                "purge_url": (
                    offers_url("purge", pk)
                    if editor and state == OfferState.DELETED
                    else None
                ),
            }
        )
        return context


def renewable(offer: OfferPage) -> bool:
    """Shown "Renew": closed offers, and validated ones about to expire."""
    state = offer.state
    if state in (OfferState.EXPIRED, OfferState.FILLED, OfferState.DELETED):
        return offer.first_published_at is not None
    if state == OfferState.VALIDATED and offer.expire_at:
        soon = timezone.now() + timedelta(days=partner_settings.OFFER_REMINDER_DAYS)
        return offer.expire_at <= soon
    return False


def created_on(offer: OfferPage) -> str:
    return date_format(timezone.localtime(offer.created_at), "SHORT_DATE_FORMAT")


#: ``?ordering=`` keys and the expressions they sort by (ties: by id).
SORTS = {
    "reference": Lower("reference"),
    "state": state_rank(),
    "created": F("created_at"),
    "views": F("view_count"),
    "clicks": F("apply_count"),
    "title": Lower("title"),
    "partner": Lower("partner__name"),
}
COUNTED_SORTS = {"views", "clicks"}


def offer_columns(with_partner: bool) -> list:
    columns = [
        Column("reference", label=gettext_lazy("Reference"), sort_key="reference"),
        StateColumn("state", label=gettext_lazy("State"), sort_key="state"),
        Column(
            "created_at",
            label=gettext_lazy("Created"),
            accessor=created_on,
            sort_key="created",
        ),
        NumberColumn("view_count", label=gettext_lazy("Views"), sort_key="views"),
        NumberColumn(
            "apply_count", label=gettext_lazy("Apply clicks"), sort_key="clicks"
        ),
        OfferTitleColumn(
            "title",
            label=gettext_lazy("Job title"),
            sort_key="title",
            get_title_id=title_id,
        ),
    ]
    if with_partner:
        columns.append(
            Column(
                "partner",
                label=gettext_lazy("Partner"),
                accessor=lambda offer: offer.partner.name if offer.partner else "",
                sort_key="partner",
            )
        )
    columns.append(ActionsColumn("actions", label=gettext_lazy("Actions")))
    return columns


# ---------------------------------------------------------------------------
# What every Offers screen shows: tabs (and the statistics above the lists)
# ---------------------------------------------------------------------------


class OfferScreenMixin(ScopedScreenMixin):
    """The scope check and the "Post an offer / My offers / Expired and filled" tabs."""

    scope_class = OfferScope
    tabs_template = "alumni_partner/admin/offers/_tabs.html"
    kind = "offer"
    header_icon = "tasks"
    section_label = gettext_lazy("My offers")
    own_statistics_heading = gettext_lazy("Statistics of my offers")
    statistics_panel_class = OfferStatisticsPanel

    def list_url(self, name: str) -> str:
        return offers_url(name)

    def new_page_url(self, partner) -> str:
        return add_offer_url(partner)

    def scoped_pages(self, partner=None):
        return self.scope.offers(partner)

    def statistics(self, pages):
        return offer_statistics(pages, days=partner_settings.STATS_DAYS)

    def get_tabs(self) -> list[dict]:
        offers = self.scope.offers(self.selected_partner)
        suffix = self.tab_suffix()
        return [
            {
                "name": "create",
                "label": _("Post an offer"),
                "url": self.create_url(),
                "icon": "plus",
            },
            {
                "name": "current",
                "label": _("My offers (%(count)s)")
                % {"count": offers.current().count()},
                "url": offers_url("index") + suffix,
                "icon": "tasks",
            },
            {
                "name": "closed",
                "label": _("Expired and filled (%(count)s)")
                % {"count": offers.closed().count()},
                "url": offers_url("closed") + suffix,
                "icon": "folder-open-inverse",
            },
        ]


# ---------------------------------------------------------------------------
# "Mes offres" (guide 4.2) and "Expired and filled"
# ---------------------------------------------------------------------------


class OfferIndexView(ScopedIndexMixin, OfferScreenMixin, IndexView):
    """Validated, pending, scheduled, draft and deleted offers."""

    current_tab = "current"
    per_page_setting = "OFFERS_ADMIN_PER_PAGE"
    results_template_name = "alumni_partner/admin/offers/index_results.html"
    page_title = gettext_lazy("My offers")
    filterset_class = OfferFilterSet
    default_ordering = "-created"
    table_classname = "listing offer-listing"
    sorts = SORTS
    counted_sorts = COUNTED_SORTS
    count_fields = ("view_count", "apply_count")

    @cached_property
    def columns(self):
        return offer_columns(with_partner=self.scope.several_partners)

    def in_tab(self, offers):
        return offers.current()

    def scoped_pages(self, partner=None):
        return super().scoped_pages(partner).with_moderation().select_related("partner")

    def get_page_subtitle(self):
        return _("Current offers")

    @cached_property
    def criteria_given(self) -> bool:
        """Whether the user typed or ticked any filter (valid or not)."""
        if not self.filters:
            return False
        return any(self.request.GET.getlist(name) for name in self.filters.form.fields)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["criteria_given"] = self.criteria_given
        if not context.get("object_list") and not self.criteria_given:
            context["has_offers"] = self.scope.offers().exists()
        context["create_url"] = self.create_url()
        return context


class ClosedOfferIndexView(OfferIndexView):
    """Offers off the board by age (expired) or success (filled)."""

    current_tab = "closed"
    filterset_class = ClosedOfferFilterSet

    def in_tab(self, offers):
        return offers.closed()

    def get_page_subtitle(self):
        return _("Expired and filled offers")


# ---------------------------------------------------------------------------
# "Post an offer" ("Dépôt d'offres", guide 4.1): for which partner
# ---------------------------------------------------------------------------


class OfferChooseParentView(OfferScreenMixin, ChoosePartnerView):
    """One partner: straight to Wagtail's create view; several: choose one."""

    page_title = gettext_lazy("Post an offer")
    question = gettext_lazy("Which partner is this offer from?")

    def partner_label(self, partner) -> str:
        return _("Post an offer for %(name)s") % {"name": partner.name}


# ---------------------------------------------------------------------------
# Delete, fill, renew, duplicate, purge
# ---------------------------------------------------------------------------


class OfferActionView(OfferScreenMixin, ConfirmActionView):
    """Confirm, then act on one offer of the user's scope through offer_lifecycle."""

    refused = offer_lifecycle.OfferActionRefused
    object_name = "offer"
    current_tab = "current"

    def scoped_pages(self, partner=None):
        return self.scope.offers(partner).with_moderation()

    def may_act(self, user, page) -> bool:
        return offer_lifecycle.can_manage(user, page)

    @property
    def offer(self) -> OfferPage:
        return self.object

    def get_page_subtitle(self):
        return f"{self.offer.reference} {self.offer.title}"

    def names(self) -> dict:
        return {"title": self.offer.title, "reference": self.offer.reference}


class DeleteOfferView(OfferActionView):
    page_title = gettext_lazy("Delete an offer")
    destructive = True

    def pages_in_state(self, pages):
        return pages.exclude(live=False, closed_reason="deleted")

    def question(self):
        return _("Delete the offer “%(title)s” (%(reference)s)?") % self.names()

    def details(self):
        return _(
            "It leaves the job board in every language. It stays in “My offers” "
            "as deleted, for the record, until an editor purges it."
        )

    def act(self):
        offer_lifecycle.delete(self.offer, self.request.user)
        return _("The offer “%(title)s” has been deleted.") % self.names()


class FillOfferView(OfferActionView):
    page_title = gettext_lazy("Mark an offer as filled")
    confirm_label = gettext_lazy("Mark as filled")

    def pages_in_state(self, pages):
        return pages.filter(live=True)

    def question(self):
        return _("Is the position “%(title)s” (%(reference)s) filled?") % self.names()

    def details(self):
        return _(
            "The offer leaves the job board and moves to the “Expired and filled” "
            "tab, from where you can renew it."
        )

    def act(self):
        offer_lifecycle.mark_filled(self.offer, self.request.user)
        return (
            _("The offer “%(title)s” is marked as filled and has left the job board.")
            % self.names()
        )


class RenewOfferView(OfferActionView):
    """One click: back on the board (or longer on it) for a fresh period.

    The expiry reminder e-mail links here: GET shows the one button.
    """

    page_title = gettext_lazy("Renew an offer")
    confirm_label = gettext_lazy("Renew")

    def pages_in_state(self, pages):
        return pages.filter(Q(live=True) | Q(first_published_at__isnull=False))

    def question(self):
        return _("Renew the offer “%(title)s” (%(reference)s)?") % self.names()

    def details(self):
        return _("It goes (back) on the job board for %(days)s days from today.") % {
            "days": OfferPage.lifetime_days()
        }

    def act(self):
        outcome = offer_lifecycle.renew(self.offer, self.request.user)
        offer = OfferPage.objects.get(pk=self.offer.pk)
        if outcome == "submitted":
            return (
                _(
                    "The offer “%(title)s” is pending: it will be back on the job "
                    "board once an editor validates it."
                )
                % self.names()
            )
        return _(
            "The offer “%(title)s” has been renewed: it stays on the job board "
            "until %(date)s."
        ) % {**self.names(), "date": expiry_text(offer) if offer.expire_at else "—"}


class DuplicateOfferView(OfferActionView):
    """A copy of the offer as a new draft, opened in the editor (POST only)."""

    http_method_names = ["post"]

    def pages_in_state(self, pages):
        return pages

    def post(self, request, *args, **kwargs):
        try:
            copy = offer_lifecycle.duplicate(self.offer, request.user)
        except offer_lifecycle.OfferActionRefused:
            raise PermissionDenied
        messages.success(
            request,
            _(
                "A copy of “%(title)s” has been saved as a draft with the reference "
                "%(reference)s. Change what you need, then publish it."
            )
            % {"title": self.offer.title, "reference": copy.reference},
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[copy.pk]))


class PurgeOfferView(OfferActionView):
    """Editors delete a deleted offer for ever (guide 4.2: kept until then)."""

    page_title = gettext_lazy("Purge an offer")
    confirm_label = gettext_lazy("Delete permanently")
    destructive = True

    def pages_in_state(self, pages):
        return pages.deleted()

    def may_act(self, user, page) -> bool:
        return self.scope.is_editor

    def question(self):
        return (
            _("Delete the offer “%(title)s” (%(reference)s) permanently?")
            % self.names()
        )

    def details(self):
        return _(
            "The offer is deleted in every language, with its views and apply "
            "clicks. This cannot be undone."
        )

    def act(self):
        title = offer_lifecycle.purge(self.offer, self.request.user)
        return _("The offer “%(title)s” has been deleted permanently.") % {
            "title": title
        }
