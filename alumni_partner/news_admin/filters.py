"""The News lists' filters: period, type, keywords (guide 3.3: "trier les news")."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from ..models import NewsPage, NewsPageTag, NewsType


def split_keywords(value: str) -> list[str]:
    return [word.strip() for word in (value or "").split(",") if word.strip()]


class KeywordsFilter(django_filters.CharFilter):
    """News carrying any of the comma-separated keywords (case-insensitive)."""

    def filter(self, qs, value):
        words = split_keywords(value)
        if not words:
            return qs
        condition = Q()
        for word in words:
            condition |= Q(tag__name__iexact=word)
        tagged = NewsPageTag.objects.filter(condition).values("content_object_id")
        return qs.filter(pk__in=tagged)


class PartnerFilter(django_filters.ModelChoiceFilter):
    """The news of one partner, among those the user sees."""

    def filter(self, qs, value):
        if value is None:
            return qs
        if value.page is None:
            return qs.none()
        return qs.child_of(value.page)


def news_types(request):
    return NewsType.default_terms()


class NewsFilterSet(WagtailFilterSet):
    period = django_filters.DateFromToRangeFilter(
        field_name="date",
        label=_("Period"),
        widget=DateRangePickerWidget,
        help_text=_("The news' dates, from and to (both included)."),
    )
    news_type = django_filters.ModelMultipleChoiceFilter(
        label=_("Type"),
        queryset=news_types,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = KeywordsFilter(
        label=_("Keywords"),
        help_text=_("Separate keywords with commas; news with any of them match."),
    )

    class Meta:
        model = NewsPage
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # One locale only: the news are listed in the language they are written in.
        self.filters.pop("locale", None)
        from .scope import NewsScope

        scope = NewsScope(request.user)
        if scope.several_partners:
            partner = PartnerFilter(
                label=_("Partner"),
                queryset=scope.partners,
                empty_label=_("All partners"),
            )
            self.filters = {"partner": partner, **self.filters}
            partner.parent = self
            partner.model = NewsPage

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
