"""The public side of news: listings, card labels, excerpts and the feed's filters.

Every listing (the news feed, a partner page's latest news, the home page's
featured news, the RSS and Atom feeds) runs a fixed number of queries whatever
its length: vocabulary labels, partner pages and the languages of aliases are
looked up once per listing, never once per card.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

from .conf import partner_settings
from .models import AudienceGroup, NewsPage, NewsType, PartnerPage
from .page_cache import partner_list_version

#: Newest first: the news' own date, then when it was first published.
NEWS_ORDER = ("-date", "-first_published_at", "-pk")
EXCERPT_WORDS = 40
#: Enough rich text for an excerpt; a long body is not stripped in full.
EXCERPT_SOURCE_CHARS = 3000


def excerpt(news: NewsPage, words: int = EXCERPT_WORDS) -> str:
    """A plain-text summary: the search description, or the body's first words.

    The search description is used when it says more than the title.

    Reads the stored paragraphs without building the body's blocks, so that a
    listing never loads the images or documents a body refers to. The result
    is plain text: templates and feeds escape it.
    """
    text = news.search_description
    if " ".join(text.split()).casefold() == " ".join(news.title.split()).casefold():
        text = ""  # A description that repeats the title says nothing more.
    if not text:
        parts: list[str] = []
        length = 0
        for block in news.body.raw_data:
            if block.get("type") != "paragraph":
                continue
            value = str(block.get("value") or "")
            parts.append(value)
            length += len(value)
            if length > EXCERPT_SOURCE_CHARS:
                break
        text = plain_text(" ".join(parts))
    return truncate_words(text, words)


def plain_text(source: str) -> str:
    """Rich text (HTML) as plain text on one line; templates escape it."""
    # A space at every tag, so that "</p><p>" does not glue two words.
    return " ".join(html.unescape(strip_tags(source.replace("<", " <"))).split())


def truncate_words(text: str, words: int = EXCERPT_WORDS) -> str:
    return Truncator(" ".join(text.split())).words(words, truncate="…")


def label_of(term, names: dict) -> str:
    """A term's name in the locale of ``names`` (``names_in_locale``), or its own."""
    if term is None:
        return ""
    return names.get(term.translation_key, term.name)


def text_direction(language_code: str) -> str:
    try:
        return "rtl" if get_language_info(language_code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def prepare_news(
    news_list: Iterable[NewsPage],
    *,
    locale_id: int,
    partner_page: Page | None = None,
    audiences: bool = False,
) -> list[NewsPage]:
    """Set what a card or a news page shows on each news, in constant queries.

    Sets ``type_label`` (the news type in the visitor's language),
    ``card_partner`` (the partner page, ``partner_page`` when the caller has
    it), ``excerpt``, and ``content_lang`` / ``content_dir``: an alias (a
    news not translated yet) shows its source's words, so its title and text
    carry the source's language (WCAG 3.1.2); ``content_lang`` is empty when
    the words are in the visitor's language. With ``audiences``, also
    ``audience_labels`` (prefetch ``audience_groups`` for a listing).
    """
    news_list = list(news_list)
    if not news_list:
        return news_list
    language = get_language() or settings.LANGUAGE_CODE
    types = NewsType.names_in_locale([n.news_type for n in news_list], locale_id)
    if partner_page is None:
        parent_paths = {n.path[: -NewsPage.steplen] for n in news_list}
        parents = {p.path: p for p in Page.objects.filter(path__in=parent_paths)}
    alias_ids = {n.alias_of_id for n in news_list if n.alias_of_id}
    source_languages = (
        dict(
            Page.objects.filter(pk__in=alias_ids).values_list(
                "pk", "locale__language_code"
            )
        )
        if alias_ids
        else {}
    )
    for news in news_list:
        news.type_label = label_of(news.news_type, types)
        news.card_partner = (
            partner_page
            if partner_page is not None
            else parents.get(news.path[: -NewsPage.steplen])
        )
        code = source_languages.get(news.alias_of_id, language)
        news.content_lang = "" if code == language else code
        news.content_dir = text_direction(code)
        news.excerpt = excerpt(news)
    if audiences:
        groups = [g for n in news_list for g in n.audience_groups.all()]
        names = AudienceGroup.names_in_locale(groups, locale_id)
        for news in news_list:
            news.audience_labels = [
                label_of(g, names)
                for g in sorted(news.audience_groups.all(), key=lambda g: g.name)
            ]
    return news_list


def live_news(locale_id: int) -> QuerySet:
    """Live news in one locale, newest first, with what a card shows."""
    return (
        NewsPage.objects.live()
        .filter(locale_id=locale_id)
        .select_related("news_type", "image")
        .order_by(*NEWS_ORDER)
    )


def latest_news_of(partner_page: Page, limit: int) -> list[NewsPage]:
    """The partner's latest live news, in the partner page's locale.

    The partner page is being served, so it and its ancestors are public; a
    news is private only if a restriction sits on the news itself, which the
    same query excludes (``.public()`` would cost a query of its own).
    """
    news = (
        live_news(partner_page.locale_id)
        .child_of(partner_page)
        .filter(view_restrictions__isnull=True)[:limit]
    )
    return prepare_news(
        news, locale_id=partner_page.locale_id, partner_page=partner_page
    )


class _NamedChoices(BaseChoiceIterator):
    """Options as ``(pk, name)`` rows read when the form renders.

    Django builds a model instance per option; a page instance costs about
    a tenth of a millisecond, and the partner filter lists every partner.
    """

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.rows()

    def rows(self) -> list:
        """The options' rows, kept in the cache under ``field.cache_key``."""
        key = self.field.cache_key
        rows = cache.get(key) if key else None
        if rows is None:
            rows = list(self.field.queryset.values_list("pk", self.field.label_field))
            if key:
                cache.set(key, rows, partner_settings.PAGE_CACHE_SECONDS)
        return rows

    def __bool__(self) -> bool:
        return True


class IdChoiceField(forms.ModelChoiceField):
    """A model choice by id that refuses non-ids before asking the database.

    ``?type=99999999999999999999`` would otherwise overflow the database's
    integer (a 500 on SQLite); anything but a positive 63-bit integer is an
    invalid choice. With ``label_field``, options are that column's values
    rather than each instance's ``str()``.
    """

    def __init__(self, *args, label_field: str | None = None, **kwargs):
        self.label_field = label_field
        #: Where the options' rows are cached, if anywhere (with label_field).
        self.cache_key: str | None = None
        super().__init__(*args, **kwargs)

    def _get_choices(self):
        if self.label_field is None:
            return super()._get_choices()
        return _NamedChoices(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**63:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(text)


class ListSelect(forms.Select):
    """A ``<select>`` whose options are joined in Python, not one template each.

    A network-wide filter lists hundreds of partners, countries and skills:
    Django's template per option made rendering them most of a listing's
    time (tests/benchmarks/bench_offers.py). Same markup, same attributes.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            options.append(
                '<option value="{}"{}>{}</option>'.format(
                    escape(option_value),
                    " selected" if option_value in selected else "",
                    escape(label),
                )
            )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(
            f'<select name="{escape(name)}"{flatatt(final_attrs)}>'
            f"{''.join(options)}</select>"
        )


def filter_field(
    model, label, empty_label, invalid_message, label_field: str | None = None
) -> IdChoiceField:
    """An optional choice of ``model``; its queryset is set per request."""
    return IdChoiceField(
        label=label,
        label_field=label_field,
        queryset=model.objects.none(),
        required=False,
        empty_label=empty_label,
        widget=ListSelect,
        error_messages={"invalid_choice": invalid_message},
    )


class ListingFilterForm(forms.Form):
    """A public listing's GET filters; each invalid one is reported and left out.

    Subclasses declare their fields; :meth:`label_terms` shows vocabulary
    choices in the visitor's language.
    """

    #: Fields that order the list rather than filter it: not in feed links.
    ordering_fields: tuple[str, ...] = ()
    #: Whether :meth:`label_terms` shows terms in another language than theirs.
    translated_terms = False

    def label_terms(self, fields: dict, locale_id: int) -> None:
        """Offer the default language's terms, labelled in the locale's words.

        The default locale is looked up once for every vocabulary (what
        ``Vocabulary.default_terms`` does for one), and terms shown in their
        own language need no second query for their labels.
        """
        default_id = Locale.get_default().pk
        self.translated_terms = locale_id != default_id
        for name, model in fields.items():
            field = self.fields[name]
            field.queryset = model.objects.filter(locale_id=default_id).order_by("name")
            if locale_id != default_id:
                field.label_from_instance = self._labeller(model, locale_id)

    def _labeller(self, model, locale_id: int):
        """Labels in the visitor's language, looked up once for all options."""

        def label(term) -> str:
            return label_of(term, self.term_names(model, locale_id))

        return label

    def term_names(self, model, locale_id: int) -> dict:
        """``{translation_key: name}`` of every ``model`` term in the locale.

        One query per vocabulary and form, shared by the options and the
        cards of the listing.
        """
        cache = self.__dict__.setdefault("_term_names", {})
        if model not in cache:
            cache[model] = dict(
                model.objects.filter(locale_id=locale_id).values_list(
                    "translation_key", "name"
                )
            )
        return cache[model]

    def cleaned_filters(self) -> dict:
        """The valid filters, whatever the form's other fields say."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value and name not in self.errors
        }

    def query_string(self) -> str:
        """The valid filters as a query string, for the feeds' links."""
        return urlencode(
            {
                name: getattr(value, "pk", value)
                for name, value in self.cleaned_filters().items()
                if name not in self.ordering_fields
            }
        )


class NewsFilterForm(ListingFilterForm):
    """The feed's GET filters: type, audience group and partner, all optional.

    An unknown value (a stale link, a typed URL) is reported next to its field
    and that filter is left out; the valid ones still apply.
    """

    type = filter_field(
        NewsType,
        _("Type of news"),
        _("All types"),
        _("This type of news does not exist: news of every type are shown."),
    )
    audience = filter_field(
        AudienceGroup,
        _("Group"),
        _("All groups"),
        _("This group does not exist: news for every group are shown."),
    )
    partner = filter_field(
        PartnerPage,
        _("Partner"),
        _("All partners"),
        _("This partner does not exist: news of every partner are shown."),
        label_field="title",
    )

    def __init__(self, data=None, *, index_page: Page, **kwargs):
        super().__init__(data, **kwargs)
        # Terms are chosen on the default language's ones; shown in the visitor's.
        self.label_terms(
            {"type": NewsType, "audience": AudienceGroup}, index_page.locale_id
        )
        partner_filter(self.fields["partner"], index_page)

    def filter(self, news: QuerySet) -> QuerySet:
        filters = self.cleaned_filters()
        if "type" in filters:
            news = news.filter(
                news_type__translation_key=filters["type"].translation_key
            )
        if "audience" in filters:
            through = NewsPage.audience_groups.through
            news = news.filter(
                pk__in=through.objects.filter(
                    audiencegroup__translation_key=filters["audience"].translation_key
                ).values("newspage_id")
            )
        if "partner" in filters:
            news = news.child_of(filters["partner"])
        return news


def partner_filter(field: IdChoiceField, index_page: Page) -> None:
    """Let ``field`` choose among the partners listed under ``index_page``.

    The options (every partner: 500 rows in a large network) are kept in the
    cache until a partner page goes on or off line.
    """
    field.queryset = partner_choices(index_page)
    field.cache_key = (
        f"alumni_partner:partner-options:{index_page.locale_id}:"
        f"{index_page.path}:{partner_list_version()}"
    )


def partner_choices(index_page: Page) -> QuerySet:
    """The partner pages a listing under ``index_page`` can be filtered by."""
    return (
        PartnerPage.objects.live()
        .filter(
            locale_id=index_page.locale_id,
            path__startswith=index_page.path[: -index_page.steplen],
        )
        .only("id", "title", "path", "depth")
        .order_by("title")
    )


def feed_news(index_page: Page, form: NewsFilterForm) -> QuerySet:
    """The public news of the index page's locale, under its home page, filtered."""
    news = (
        live_news(index_page.locale_id)
        .public()
        .filter(path__startswith=index_page.path[: -index_page.steplen])
    )
    return form.filter(news)
