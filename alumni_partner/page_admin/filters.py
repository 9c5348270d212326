"""Filters every partner-scoped list shares: "Partner", and malformed values."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .scope import PartnerScope


class PartnerFilter(django_filters.ModelChoiceFilter):
    """The pages of one partner, among those the user sees."""

    def filter(self, qs, value):
        if value is None:
            return qs
        if value.page is None:
            return qs.none()
        return qs.child_of(value.page)


class PartnerScopedFilterSetMixin:
    """For a ``WagtailFilterSet`` of partner pages.

    Adds the "Partner" filter first for editors and users of several partners,
    lists one locale only, and reports malformed values by filter label.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # One locale only: pages are listed in the language they are written in.
        self.filters.pop("locale", None)
        scope = PartnerScope(request.user)
        if scope.several_partners:
            partner = PartnerFilter(
                label=_("Partner"),
                queryset=scope.partners,
                empty_label=_("All partners"),
            )
            self.filters = {"partner": partner, **self.filters}
            partner.parent = self
            partner.model = self._meta.model

    @property
    def selected_partner(self):
        """The partner chosen in the "Partner" filter, if valid."""
        if "partner" not in self.filters:
            return None
        self.is_valid()
        return self.form.cleaned_data.get("partner")

    def errors_by_label(self) -> list[tuple[str, list[str]]]:
        """Each invalid filter's label and messages, to show above the list."""
        if self.is_valid():
            return []
        return [
            (str(self.form[name].label), list(errors))
            for name, errors in self.form.errors.items()
            if name in self.form.fields
        ]
