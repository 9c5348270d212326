"""Filters of the public partner index: sector, category, country, search."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ..models import PartnerCategory, Sector


class PartnerFilterForm(forms.Form):
    """A GET form; every field optional, bad values are simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=PartnerCategory.objects.none(), required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, data=None, *, locale=None, **kwargs):
        super().__init__(data, **kwargs)
        from wagtail.models import Locale

        # Terms are chosen on the French source; show them in the visitor's language.
        default = Locale.get_default()
        self.fields["sector"].queryset = Sector.objects.filter(locale=default)
        self.fields["category"].queryset = PartnerCategory.objects.filter(
            locale=default
        )
        if locale is not None:
            for name in ("sector", "category"):
                self.fields[name].label_from_instance = lambda obj: str(obj.localized)
        self.fields["country"].choices = [("", _("All countries")), *countries]

    def filter(self, pages: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("sector"):
            pages = pages.filter(sector=data["sector"])
        if data.get("category"):
            pages = pages.filter(category=data["category"])
        if data.get("country"):
            pages = pages.filter(country=data["country"])
        if data.get("q"):
            words = data["q"].split()[:8]
            for word in words:
                pages = pages.filter(
                    Q(title__icontains=word)
                    | Q(city__icontains=word)
                    | Q(sector__name__icontains=word)
                )
        return pages
