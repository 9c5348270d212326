"""The "Mes offres" filters: state, contract type, keywords (guide 4.2)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from ..models import ContractType, OfferPage
from ..page_admin.filters import PartnerScopedFilterSetMixin
from .states import CLOSED_STATES, CURRENT_STATES, state_condition


class StateFilter(django_filters.MultipleChoiceFilter):
    """Offers in any of the ticked states."""

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q()
        for state in value:
            condition |= state_condition(state)
        return qs.filter(condition)


class KeywordsFilter(django_filters.CharFilter):
    """Offers whose job title or reference contains every word typed."""

    def filter(self, qs, value):
        for word in (value or "").split()[:10]:
            qs = qs.filter(Q(title__icontains=word) | Q(reference__icontains=word))
        return qs


def contract_types(request):
    return ContractType.default_terms()


def state_choices(states) -> list[tuple[str, str]]:
    return [(state.value, state.label) for state in states]


class OfferFilterSet(PartnerScopedFilterSetMixin, WagtailFilterSet):
    """Filters of the "My offers" tab."""

    state = StateFilter(
        label=_("State"),
        choices=state_choices(CURRENT_STATES),
        widget=forms.CheckboxSelectMultiple,
    )
    contract_type = django_filters.ModelMultipleChoiceFilter(
        label=_("Contract type"),
        queryset=contract_types,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = KeywordsFilter(
        label=_("Keywords"),
        max_length=200,
        help_text=_("Words of the job title or of the reference."),
    )

    class Meta:
        model = OfferPage
        fields: list[str] = []


class ClosedOfferFilterSet(OfferFilterSet):
    """Filters of the "Expired and filled" tab: its own two states."""

    state = StateFilter(
        label=_("State"),
        choices=state_choices(CLOSED_STATES),
        widget=forms.CheckboxSelectMultiple,
    )
