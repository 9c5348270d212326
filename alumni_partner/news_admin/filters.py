"""The News lists' filters: period, type, keywords (guide 3.3: "trier les news")."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from ..models import NewsPage, NewsPageTag, NewsType
from ..page_admin.filters import PartnerScopedFilterSetMixin


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


def news_types(request):
    return NewsType.default_terms()


class NewsFilterSet(PartnerScopedFilterSetMixin, WagtailFilterSet):
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
