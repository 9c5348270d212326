"""The public side of offers: the job board, offer cards and a partner's offers.

Every listing (the job board, a partner page's offers, the RSS and Atom feeds)
runs a fixed number of queries whatever its length: partner pages and their
logos, vocabulary labels, skills and the languages of aliases are looked up
once per listing, never once per card.

Keywords go through Wagtail's search backend (PostgreSQL full text, SQLite
FTS5), restricted to the offers the other filters keep; the filters
themselves are plain indexed columns.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search.backends.base import FilterError, FilterFieldError

from .conf import partner_settings
from .models import ContractType, OfferPage, PartnerPage, Sector, SeniorityLevel
from .models.offers import OfferPageSkill
from .news_listing import (
    ListingFilterForm,
    ListSelect,
    filter_field,
    label_of,
    partner_filter,
    plain_text,
    text_direction,
    truncate_words,
)

#: The board's orders; newest first by default. "Date" is the latest
#: publication: renewing an offer puts it back at the top.
OFFER_ORDERS = {
    "newest": ("-last_published_at", "-id"),
    "oldest": ("last_published_at", "id"),
}
KEYWORDS_MAX_LENGTH = 200
#: More words than anyone types; bounds the search backend's query tree.
KEYWORDS_MAX_TERMS = 12
#: Letters and digits in any script: what the search index tokenises.
WORD = re.compile(r"\w+")


def keyword_terms(text: str) -> str:
    """The words of ``text``, without the punctuation search syntaxes read.

    FTS5 and ``to_tsquery`` give meaning to quotes, brackets, ``*``, ``:``
    and ``-``; the index splits on punctuation anyway, so "C++/Java" and
    ``"python`` search for the same words as "C Java" and "python".
    """
    return " ".join(WORD.findall(text)[:KEYWORDS_MAX_TERMS])


def _logo_renditions():
    return Prefetch(
        "logo__renditions",
        queryset=get_image_model().get_rendition_model().objects.all(),
    )


def prepare_offers(
    offers: Iterable[OfferPage],
    locale_id: int,
    *,
    partner_page: Page | None = None,
    term_names=None,
) -> list[OfferPage]:
    """Set what a card or an offer page shows on each offer, in constant queries.

    Sets ``card_partner`` (the partner page in the offer's locale, its logo's
    renditions prefetched; ``partner_page`` when the caller has it),
    ``contract_label``, ``sector_label`` and ``seniority_label`` (in the
    locale's words), ``skill_names``, ``excerpt`` (plain text of the
    mission), ``salary_label``, ``apply_url`` (the counted "Apply" link) and
    ``content_lang`` / ``content_dir``: an alias (an offer not translated
    yet) shows its source's words, in the source's language (WCAG 3.1.2);
    ``content_lang`` is empty when they are in the visitor's language.
    ``term_names(model, locale_id)``, when given, supplies the vocabulary's
    names that the listing already looked up (its filter form's).
    """
    offers = list(offers)
    if not offers:
        return offers
    language = get_language() or settings.LANGUAGE_CODE
    labels = {
        name: (
            term_names(model, locale_id)
            if term_names is not None
            else model.names_in_locale([getattr(o, name) for o in offers], locale_id)
        )
        for name, model in (
            ("contract_type", ContractType),
            ("sector", Sector),
            ("seniority", SeniorityLevel),
        )
    }
    partners = {}
    if partner_page is None:
        partners = {
            p.path: p
            for p in PartnerPage.objects.filter(
                path__in={o.path[: -o.steplen] for o in offers}
            )
            # The presentation (a StreamField) is the page's weight; no card
            # or posting shows it.
            .defer("presentation")
            .select_related("logo")
            .prefetch_related(_logo_renditions())
        }
    alias_ids = {o.alias_of_id for o in offers if o.alias_of_id}
    source_languages = (
        dict(
            Page.objects.filter(pk__in=alias_ids).values_list(
                "pk", "locale__language_code"
            )
        )
        if alias_ids
        else {}
    )
    skills = _skill_names(offers)
    for offer in offers:
        offer.card_partner = partner_page or partners.get(offer.path[: -offer.steplen])
        offer.contract_label = label_of(offer.contract_type, labels["contract_type"])
        offer.sector_label = label_of(offer.sector, labels["sector"])
        offer.seniority_label = label_of(offer.seniority, labels["seniority"])
        offer.skill_names = skills.get(offer.pk, [])
        offer.excerpt = truncate_words(plain_text(offer.mission or ""))
        offer.salary_label = salary_label(offer)
        offer.apply_url = (
            reverse("alumni_partner:offer_apply", args=[offer.pk])
            if offer.pk and offer.apply_href
            else ""
        )
        code = source_languages.get(offer.alias_of_id, language)
        offer.content_lang = "" if code == language else code
        offer.content_dir = text_direction(code)
    return offers


def _skill_names(offers: list[OfferPage]) -> dict:
    """``{offer pk: [skill, ...]}``: one query for stored offers.

    A preview's offer holds the skills typed in the form, in memory only.
    """
    names: dict = defaultdict(list)
    stored = []
    for offer in offers:
        if offer.pk is None or "tagged_skills" in getattr(
            offer, "_cluster_related_objects", {}
        ):
            names[offer.pk] = sorted(tag.name for tag in offer.skills.all())
        else:
            stored.append(offer.pk)
    if stored:
        for page_id, name in (
            OfferPageSkill.objects.filter(content_object_id__in=stored)
            .order_by("tag__name")
            .values_list("content_object_id", "tag__name")
        ):
            names[page_id].append(name)
    return names


def salary_label(offer: OfferPage) -> str:
    """ "35 000 – 45 000 EUR per year", "From 35 000 EUR per month" or ""."""
    low, high = offer.salary_min, offer.salary_max
    if low is None and high is None:
        return ""
    values = {
        "min": number_format(low, force_grouping=True) if low is not None else "",
        "max": number_format(high, force_grouping=True) if high is not None else "",
        "currency": offer.salary_currency,
        "period": offer.get_salary_period_display(),
    }
    if low is not None and high is not None and low != high:
        text = _("%(min)s – %(max)s %(currency)s %(period)s")
    elif low is not None and high is not None:
        text = _("%(min)s %(currency)s %(period)s")
    elif low is not None:
        text = _("From %(min)s %(currency)s %(period)s")
    else:
        text = _("Up to %(max)s %(currency)s %(period)s")
    return text % values


def live_offers(locale_id: int) -> QuerySet:
    """Live offers in one locale, newest first, with what a card shows."""
    return (
        OfferPage.objects.live()
        .filter(locale_id=locale_id)
        .select_related("contract_type", "sector", "seniority")
        .order_by(*OFFER_ORDERS["newest"])
    )


def offers_of(partner_page: Page, limit: int) -> list[OfferPage]:
    """The partner's latest live offers, in the partner page's locale.

    As for its news, a restriction on the offer itself is excluded by the
    same query; the partner page being served is public.
    """
    offers = (
        live_offers(partner_page.locale_id)
        .child_of(partner_page)
        .filter(view_restrictions__isnull=True)[:limit]
    )
    return prepare_offers(offers, partner_page.locale_id, partner_page=partner_page)


@functools.lru_cache(maxsize=32)
def country_choices(language: str) -> list[tuple[str, str]]:
    """Every country, sorted and named in ``language`` (kept per language).

    django-countries translates and sorts its 249 names on every iteration:
    about 10 ms a request on the job board.
    """
    return [("", str(_("All countries"))), *((c.code, c.name) for c in countries)]


class OfferFilterForm(ListingFilterForm):
    """The job board's GET filters, all optional, and its order.

    An unknown value (a stale link, a typed URL) is reported next to its
    field and that filter is left out; the valid ones still apply.
    """

    ordering_fields = ("sort",)

    q = forms.CharField(
        label=gettext_lazy("Keywords"),
        required=False,
        max_length=KEYWORDS_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={
            "max_length": gettext_lazy(
                "Keywords are limited to %(limit_value)d characters: the "
                "search was left out."
            ),
            "null_characters_not_allowed": gettext_lazy(
                "Keywords cannot contain null characters: the search was left out."
            ),
        },
    )
    contract_type = filter_field(
        ContractType,
        gettext_lazy("Contract type"),
        gettext_lazy("All contract types"),
        gettext_lazy(
            "This contract type does not exist: offers of every type are shown."
        ),
    )
    skill = filter_field(
        Tag,
        gettext_lazy("Skill"),
        gettext_lazy("All skills"),
        gettext_lazy("This skill does not exist: offers for every skill are shown."),
        label_field="name",
    )
    sector = filter_field(
        Sector,
        gettext_lazy("Sector"),
        gettext_lazy("All sectors"),
        gettext_lazy("This sector does not exist: offers of every sector are shown."),
    )
    seniority = filter_field(
        SeniorityLevel,
        gettext_lazy("Seniority"),
        gettext_lazy("Any seniority"),
        gettext_lazy(
            "This seniority level does not exist: offers of every level are shown."
        ),
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        widget=ListSelect,
        error_messages={
            "invalid_choice": gettext_lazy(
                "This country does not exist: offers in every country are shown."
            )
        },
    )
    city = forms.CharField(
        label=gettext_lazy("City"),
        required=False,
        max_length=120,
        error_messages={
            "max_length": gettext_lazy(
                "A city name has at most %(limit_value)d characters: offers in "
                "every city are shown."
            )
        },
    )
    partner = filter_field(
        PartnerPage,
        gettext_lazy("Partner"),
        gettext_lazy("All partners"),
        gettext_lazy("This partner does not exist: offers of every partner are shown."),
        label_field="title",
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        widget=ListSelect,
        choices=[
            ("newest", gettext_lazy("Newest first")),
            ("oldest", gettext_lazy("Oldest first")),
        ],
        error_messages={
            "invalid_choice": gettext_lazy(
                "This order does not exist: the newest offers come first."
            )
        },
    )

    def __init__(self, data=None, *, index_page: Page, **kwargs):
        super().__init__(data, **kwargs)
        self.label_terms(
            {
                "contract_type": ContractType,
                "sector": Sector,
                "seniority": SeniorityLevel,
            },
            index_page.locale_id,
        )
        # Skills used by offers; tags are shared with news keywords.
        self.fields["skill"].queryset = Tag.objects.filter(
            pk__in=OfferPageSkill.objects.values("tag_id")
        ).order_by("name")
        # Every country, named in the visitor's language: no query.
        self.fields["country"].choices = country_choices(get_language() or "")
        partner_filter(self.fields["partner"], index_page)

    def clean_q(self) -> str:
        return keyword_terms(self.cleaned_data.get("q") or "")

    def clean_city(self) -> str:
        return " ".join((self.cleaned_data.get("city") or "").split())

    @property
    def order(self) -> str:
        return self.cleaned_filters().get("sort") or "newest"

    def filter(self, offers: QuerySet) -> QuerySet:
        """The offers that pass every valid filter but the keywords."""
        filters = self.cleaned_filters()
        for name, model in (
            ("contract_type", ContractType),
            ("sector", Sector),
            ("seniority", SeniorityLevel),
        ):
            if name in filters:
                # Offers hold the default language's term; any translation of
                # the chosen term matches too.
                # A list, not a subquery: PostgreSQL then uses the
                # (country, contract type) index (bench_offers.py).
                offers = offers.filter(
                    **{
                        f"{name}_id__in": list(
                            model.objects.filter(
                                translation_key=filters[name].translation_key
                            ).values_list("pk", flat=True)
                        )
                    }
                )
        if "skill" in filters:
            offers = offers.filter(
                pk__in=OfferPageSkill.objects.filter(tag=filters["skill"]).values(
                    "content_object_id"
                )
            )
        if "country" in filters:
            offers = offers.filter(country=filters["country"])
        if "city" in filters:
            offers = offers.filter(city__iexact=filters["city"])
        if "partner" in filters:
            offers = offers.child_of(filters["partner"])
        return offers

    def search(self, offers: QuerySet):
        """``offers`` in the form's order, matching its keywords if any.

        Returns a queryset, or Wagtail search results (which paginate and
        slice alike) when there are keywords.
        """
        order = OFFER_ORDERS[self.order]
        keywords = self.cleaned_filters().get("q")
        offers = offers.order_by(*order)
        if not keywords:
            return offers
        try:
            # Filters on indexed fields go to the search backend as they are,
            # so PostgreSQL can start from the most selective index.
            return offers.search(keywords, operator="and", order_by_relevance=False)
        except (FilterFieldError, FilterError):
            pass
        # A filter the search backend cannot read (the city, a skill, the
        # page's privacy): the filtered offers come in as one subquery.
        candidates = (
            OfferPage.objects.filter(pk__in=offers.values("pk"))
            .select_related("contract_type", "sector", "seniority")
            .order_by(*order)
        )
        return candidates.search(keywords, operator="and", order_by_relevance=False)


def board_offers(index_page: Page, form: OfferFilterForm):
    """The public live offers of the board's locale, under its home page."""
    offers = (
        live_offers(index_page.locale_id)
        .public()
        .filter(path__startswith=index_page.path[: -index_page.steplen])
    )
    return form.search(form.filter(offers))


def board_context(index_page: Page, request) -> dict:
    """The job board's context: filter form, page of offers, count, feed query."""
    form = OfferFilterForm(request.GET or None, index_page=index_page)
    paginator = Paginator(
        board_offers(index_page, form), partner_settings.OFFERS_PER_PAGE
    )
    offers = paginator.get_page(request.GET.get("page"))
    # The form looks up the vocabulary's words in the visitor's language for
    # its options: the cards reuse them.
    names = form.term_names if form.translated_terms else None
    offers.object_list = prepare_offers(
        offers.object_list, index_page.locale_id, term_names=names
    )
    return {
        "filter_form": form,
        "offers": offers,
        "offer_count": paginator.count,
        "feed_query": form.query_string(),
        "sort": form.order,
    }
