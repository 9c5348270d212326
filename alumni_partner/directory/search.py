"""The directory's search: one quick box and advanced criteria (guide 5).

Every criterion on a field matches only profiles that show that field
(``AlumniProfile.visible_q``), and quick search reads ``search_text``, which
holds only visible words: a hidden value never finds its owner. Sorting by
graduation year treats a hidden year as no year.

Bad input never fails the page: an unknown value, an unreadable year or an
upside-down range is reported next to its field and that criterion is left
out; an overlong quick search is cut, with a notice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date

from django import forms
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.core.validators import MaxValueValidator
from django.db.models import Case, F, PositiveSmallIntegerField, Q, QuerySet, When
from django.db.models.functions import Lower
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from taggit.models import Tag
from wagtail.models import Locale

from ..conf import partner_settings
from ..models import (
    AlumniProfile,
    AlumniProfileSkill,
    Degree,
    ProfileLanguage,
    Sector,
)
from ..models.alumni import LANGUAGES, normalize
from ..news_listing import ListSelect
from .versions import directory_version

#: The directory's orders. Hidden graduation years sort as no year: last.
SORTS = {
    "name": _("Name"),
    "year_desc": _("Graduation year, most recent first"),
    "year_asc": _("Graduation year, oldest first"),
}
#: The id of the search's <form> element in the page.
FORM_ID = "directory-search"
#: Below these many matches (quick search / any search), results are sorted
#: by name apart from the name index (see ``DirectorySearchForm.results``).
SMALL_RESULT = 10_000
FEW_RESULTS = 1_000
#: A page of a search sorted apart from the name index is first looked for
#: among the directory's first NAME_WINDOW names (``page_of_results``).
NAME_WINDOW = 4_000
#: Earliest graduation year a search accepts; the latest is next decade.
FIRST_YEAR = 1900
#: Free-text criteria (city, institution, field of study) are this long at most.
TEXT_MAX_LENGTH = 200
SKILLS_MAX_LENGTH = 500


def visible_graduation_year() -> Case:
    """The graduation year as members see it: null where its owner hides it."""
    return Case(
        When(show_graduation_year=True, then=F("graduation_year")),
        default=None,
        output_field=PositiveSmallIntegerField(),
    )


def ordering(sort: str, *, walk_name_index: bool = True) -> list:
    """``order_by`` arguments of a sort; the id breaks ties, so pages never overlap.

    By name, PostgreSQL may walk the (listed, sort_name) index and stop at
    the page's last row: quick when matches are many and spread over the
    alphabet, slow when they are few, or bunched where the walk comes late
    (a surname searched). ``walk_name_index=False`` keeps the order but on
    ``LOWER(sort_name)`` (lower case already), which no index serves: the
    matches come from the search's own indexes, then are sorted.
    """
    if sort == "year_desc":
        return [visible_graduation_year().desc(nulls_last=True), "sort_name", "pk"]
    if sort == "year_asc":
        return [visible_graduation_year().asc(nulls_last=True), "sort_name", "pk"]
    if not walk_name_index:
        return [Lower("sort_name"), "pk"]
    return ["sort_name", "pk"]


@functools.lru_cache(maxsize=32)
def country_choices(language: str) -> list[tuple[str, str]]:
    """Every country, named and sorted in ``language`` (kept per language).

    django-countries translates and sorts its 249 names on each iteration.
    """
    return [(c.code, c.name) for c in countries]


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in LANGUAGES]


def sector_rows(locale_id: int) -> list[tuple[str, str, str]]:
    """``(pk, translation key, name in the locale)`` of the default sectors.

    Profiles hold default-language sectors; the options show the visitor's
    words. Two or three queries (the default locale, the sectors, their
    translations), whatever the number of sectors; the search form reads
    them once and lends them to the facets and the result cards.
    """
    default_id = Locale.get_default().pk
    terms = list(
        Sector.objects.filter(locale_id=default_id).values_list(
            "pk", "translation_key", "name"
        )
    )
    names = {}
    if locale_id != default_id:
        names = dict(
            Sector.objects.filter(locale_id=locale_id).values_list(
                "translation_key", "name"
            )
        )
    rows = [(str(pk), key, names.get(key, name)) for pk, key, name in terms]
    return sorted(rows, key=lambda row: normalize(row[2]))


def active_locale_id() -> int:
    try:
        return Locale.get_active().pk
    except Locale.DoesNotExist:
        return Locale.get_default().pk


class ListSelectMultiple(ListSelect, forms.SelectMultiple):
    """A ``<select multiple>`` rendered in one go (249 countries)."""

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, {**(attrs or {}), "multiple": True})


class ListCheckboxes(forms.CheckboxSelectMultiple):
    """Django's checkboxes, markup and attributes alike, joined in Python.

    Two templates per box made the degrees, sectors and languages a tenth of
    the directory page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        boxes = []
        for group, options, _index in widget["optgroups"]:
            if group:  # not used by the directory: Django's templates
                return super().render(name, value, attrs, renderer)
            for option in options:
                boxes.append(
                    format_html(
                        '<div>\n    <label for="{}"><input type="checkbox" '
                        'name="{}" value="{}"{}> {}</label></div>',
                        option["attrs"].get("id", ""),
                        option["name"],
                        str(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
        attrs = widget["attrs"]
        return format_html(
            "<div{}{}>{}\n</div>",
            format_html(' id="{}"', attrs["id"]) if attrs.get("id") else "",
            format_html(' class="{}"', attrs["class"]) if attrs.get("class") else "",
            mark_safe("".join(boxes)),  # noqa: S308 - each box built by format_html
        )


class DirectorySearchForm(forms.Form):
    """The directory's GET search: quick words, advanced criteria, order.

    Usage::

        form = DirectorySearchForm(request.GET or None)
        profiles = form.results()   # listed profiles, filtered and ordered

    ``form.notices`` holds messages about criteria applied in part (a query
    cut to its maximum length); ``form.errors`` those left out.
    """

    q = forms.CharField(
        label=_("Quick search"),
        required=False,
        strip=True,
        help_text=_("A name, an employer, an institution or a skill."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={
            "null_characters_not_allowed": _(
                "The search cannot contain null characters: it was left out."
            )
        },
    )
    country = forms.MultipleChoiceField(
        label=_("Country"),
        required=False,
        widget=ListSelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose several countries."),
        error_messages={
            "invalid_choice": _(
                "The country “%(value)s” does not exist: every country is shown."
            )
        },
    )
    city = forms.CharField(
        label=_("City"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "A city has at most %(limit_value)d characters: every city is shown."
            )
        },
    )
    institution = forms.CharField(
        label=_("French institution"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "An institution has at most %(limit_value)d characters: every "
                "institution is shown."
            )
        },
    )
    field_of_study = forms.CharField(
        label=_("Field of study"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "A field of study has at most %(limit_value)d characters: every "
                "field is shown."
            )
        },
    )
    degree = forms.MultipleChoiceField(
        label=_("Degree"),
        required=False,
        choices=Degree.choices,
        widget=ListCheckboxes,
        error_messages={
            "invalid_choice": _(
                "The degree “%(value)s” does not exist: every degree is shown."
            )
        },
    )
    year_from = forms.IntegerField(
        label=_("Graduated from (year)"),
        required=False,
        min_value=FIRST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter a year in figures, such as 2015."),
            "min_value": _("Enter a year from %(limit_value)s."),
            "max_value": _("Enter a year up to %(limit_value)s."),
        },
    )
    year_to = forms.IntegerField(
        label=_("Graduated up to (year)"),
        required=False,
        min_value=FIRST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter a year in figures, such as 2020."),
            "min_value": _("Enter a year from %(limit_value)s."),
            "max_value": _("Enter a year up to %(limit_value)s."),
        },
    )
    sector = forms.MultipleChoiceField(
        label=_("Sector"),
        required=False,
        widget=ListCheckboxes,
        error_messages={
            "invalid_choice": _(
                "The sector “%(value)s” does not exist: every sector is shown."
            )
        },
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=SKILLS_MAX_LENGTH,
        help_text=_("Separated by commas; profiles having all of them are shown."),
        error_messages={
            "max_length": _(
                "Skills are limited to %(limit_value)d characters: every skill "
                "is shown."
            )
        },
    )
    language = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=language_choices,
        widget=ListCheckboxes,
        help_text=_("Profiles speaking any of the ticked languages are shown."),
        error_messages={
            "invalid_choice": _(
                "The language “%(value)s” is not offered: every language is shown."
            )
        },
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=list(SORTS.items()),
        error_messages={
            "invalid_choice": _(
                "This order does not exist: profiles are sorted by name."
            )
        },
    )

    #: Criteria of the advanced block, in the template's order.
    ADVANCED = (
        "country",
        "city",
        "institution",
        "field_of_study",
        "degree",
        "year_from",
        "year_to",
        "sector",
        "skills",
        "language",
    )

    def __init__(self, data=None, *, locale_id: int | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.locale_id = locale_id if locale_id is not None else active_locale_id()
        self.notices: dict[str, list[str]] = {}
        last_year = date.today().year + 10
        for name in ("year_from", "year_to"):
            field = self.fields[name]
            # Per form, not per class: the latest year moves with the date.
            field.max_value = last_year
            field.validators.append(MaxValueValidator(last_year))
            field.widget.attrs.update(min=FIRST_YEAR, max=last_year)
        # The quick search box and the order sit beside the results, outside
        # the criteria block's <form>: they belong to it by its id.
        for name in ("q", "sort"):
            self.fields[name].widget.attrs["form"] = FORM_ID
        self.fields["country"].choices = country_choices(get_language() or "")
        self.fields["sector"].choices = [
            (pk, name) for pk, _key, name in self.sector_rows
        ]

    # --- options ---------------------------------------------------------

    @cached_property
    def sector_rows(self) -> list[tuple[str, str, str]]:
        return sector_rows(self.locale_id)

    @cached_property
    def sector_names(self) -> dict[str, str]:
        """``{translation key: name in the locale}``, for the results' sectors."""
        return {key: name for _pk, key, name in self.sector_rows}

    @cached_property
    def sector_keys(self) -> dict[str, str]:
        """``{pk: translation key}`` of the offered sectors."""
        return {pk: key for pk, key, _name in self.sector_rows}

    # --- cleaning --------------------------------------------------------

    def _notice(self, name: str, message: str) -> None:
        self.notices.setdefault(name, []).append(message)

    def clean_q(self) -> list[str]:
        """The words to look for, normalised as ``search_text`` is."""
        text = self.cleaned_data.get("q") or ""
        limit = partner_settings.DIRECTORY_QUERY_MAX_CHARS
        if len(text) > limit:
            text = text[:limit]
            self._notice(
                "q",
                _("The search was cut to its first %(limit)d characters.")
                % {"limit": limit},
            )
        words = list(dict.fromkeys(normalize(text).split()))
        most = partner_settings.DIRECTORY_QUERY_MAX_WORDS
        if len(words) > most:
            words = words[:most]
            self._notice(
                "q",
                ngettext(
                    "Only the first word was searched.",
                    "Only the first %(count)d words were searched.",
                    most,
                )
                % {"count": most},
            )
        return words

    def _clean_text(self, name: str) -> str:
        return " ".join((self.cleaned_data.get(name) or "").split())

    def clean_city(self) -> str:
        return self._clean_text("city")

    def clean_institution(self) -> str:
        return self._clean_text("institution")

    def clean_field_of_study(self) -> str:
        return self._clean_text("field_of_study")

    def clean_skills(self) -> list[str]:
        """Skill names, once each; their tags are looked up by :meth:`skill_tags`."""
        names: dict[str, str] = {}
        for part in (self.cleaned_data.get("skills") or "").split(","):
            name = " ".join(part.split())
            if name:
                names.setdefault(name.casefold(), name)
        most = partner_settings.DIRECTORY_MAX_SKILLS
        if len(names) > most:
            self._notice(
                "skills",
                _("Only the first %(count)d skills were searched.") % {"count": most},
            )
        return list(names.values())[:most]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("year_from"), cleaned.get("year_to")
        if low is not None and high is not None and low > high:
            self.add_error(
                "year_to",
                _(
                    "The range is upside down: %(low)s comes after %(high)s. "
                    "Every graduation year is shown."
                )
                % {"low": low, "high": high},
            )
            cleaned.pop("year_from", None)
        return cleaned

    # --- criteria --------------------------------------------------------

    @property
    def searched(self) -> bool:
        """Whether the visitor ran a search (even an empty one)."""
        return self.is_bound

    def criteria(self) -> dict:
        """The valid, non-empty criteria; invalid ones are left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", [], ()) and name not in self.errors
        }

    @property
    def order(self) -> str:
        """The chosen sort, by name unless another valid one was chosen."""
        return self.criteria().get("sort") or "name"

    @cached_property
    def skill_tags(self) -> tuple[list[Tag], list[str]]:
        """``(tags found, names no tag has)`` for the skills typed: one query."""
        names = self.criteria().get("skills") or []
        if not names:
            return [], []
        wanted = Q()
        for name in names:
            wanted |= Q(name__iexact=name)
        tags = list(Tag.objects.filter(wanted))
        known = {tag.name.casefold() for tag in tags}
        missing = [name for name in names if name.casefold() not in known]
        if missing:
            self._notice(
                "skills",
                ngettext(
                    "No profile lists the skill %(names)s.",
                    "No profile lists the skills %(names)s.",
                    len(missing),
                )
                % {"names": ", ".join(f"« {name} »" for name in missing)},
            )
        return tags, missing

    def filter(self, profiles: QuerySet) -> QuerySet:
        """``profiles`` meeting every valid criterion, on visible fields only."""
        found = self.criteria()
        visible_q = AlumniProfile.visible_q
        for word in found.get("q", ()):
            # ``contains`` on normalised text: PostgreSQL's trigram index
            # (migration 0010) serves LIKE '%word%'; icontains (UPPER) would not.
            profiles = profiles.filter(search_text__contains=word)
        if "country" in found:
            profiles = profiles.filter(
                visible_q("country", Q(country__in=found["country"]))
            )
        if "city" in found:
            profiles = profiles.filter(
                visible_q("city", Q(city__icontains=found["city"]))
            )
        for name in ("institution", "field_of_study"):
            if name in found:
                profiles = profiles.filter(
                    visible_q(name, Q(**{f"{name}__icontains": found[name]})),
                    # Implied by the line above (search_text holds the visible
                    # institution), but served by the trigram index.
                    search_text__contains=normalize(found[name]),
                )
        if "degree" in found:
            profiles = profiles.filter(
                visible_q("degree", Q(degree__in=found["degree"]))
            )
        years = Q()
        if "year_from" in found:
            years &= Q(graduation_year__gte=found["year_from"])
        if "year_to" in found:
            years &= Q(graduation_year__lte=found["year_to"])
        if years:
            profiles = profiles.filter(visible_q("graduation_year", years))
        if "sector" in found:
            keys = {self.sector_keys[pk] for pk in found["sector"]}
            profiles = profiles.filter(
                visible_q(
                    "sector",
                    Q(sector__in=Sector.objects.filter(translation_key__in=keys)),
                )
            )
        if "skills" in found:
            tags, missing = self.skill_tags
            if missing:
                # Every skill typed is required: one that nobody has finds nobody.
                return profiles.none()
            for tag in tags:
                profiles = profiles.filter(
                    visible_q(
                        "skills",
                        Q(
                            pk__in=AlumniProfileSkill.objects.filter(
                                tag_id=tag.pk
                            ).values("content_object_id")
                        ),
                    )
                )
        if "language" in found:
            profiles = profiles.filter(
                visible_q(
                    "languages",
                    Q(
                        pk__in=ProfileLanguage.objects.filter(
                            code__in=found["language"]
                        ).values("profile_id")
                    ),
                )
            )
        return profiles

    def matching(self) -> QuerySet:
        """Listed profiles meeting the criteria, unordered (for counts and lists)."""
        return self.filter(AlumniProfile.objects.listed())

    def results(self, found: int | None = None) -> QuerySet:
        """The profiles found, in the chosen order, with what a result shows.

        ``found``, their number when the caller knows it, picks how to sort
        by name (:func:`ordering`): nothing to read when it is 0; sorted
        apart from the name index when small, or when quick-search words
        (often a surname, bunched in the name order) find fewer than
        :data:`SMALL_RESULT`.
        """
        # matching() runs even for none(): it notes unknown skills.
        profiles = self.matching().none() if found == 0 else self.matching()
        return (
            profiles.order_by(*ordering(self.order, walk_name_index=self._walks(found)))
            .select_related("user", "sector")
            .prefetch_related("skills", "spoken_languages")
        )

    def page_of_results(self, found: int, number, per_page: int) -> Page:
        """Page ``number`` of the results (``found`` of them), profiles read.

        A search :meth:`results` sorts apart from the name index (a quick
        search finding a few thousand) reads and sorts every match. When its
        matches are spread over the alphabet, as a skill's are, the page is
        in the first names of the directory: the name index is walked only
        up to the NAME_WINDOW-th name, which bounds the walk when the matches
        are bunched (a surname) or rare. If the window does not hold the
        whole page, the matches are sorted as before. Either way the page is
        the same: any match outside the window sorts after every match in it.
        """
        paginator = Paginator(self.results(found), per_page)
        paginator.count = found
        # "abc" gives the first page, -1 or 99999 the last: never an error.
        page = paginator.get_page(number)
        if self.order == "name" and found >= FEW_RESULTS and not self._walks(found):
            offset = page.start_index() - 1
            wanted = min(per_page, found - offset)
            last = self._window_end() if offset + wanted <= NAME_WINDOW else None
            if last is not None:
                rows = list(
                    self.results(None).filter(sort_name__lte=last)[
                        offset : offset + wanted
                    ]
                )
                if len(rows) == wanted:
                    page.object_list = rows
                    return page
        page.object_list = list(page.object_list)
        return page

    def _walks(self, found: int | None) -> bool:
        """Whether :meth:`results` walks the name index for ``found`` matches."""
        return found is None or not (
            found < FEW_RESULTS or (self.criteria().get("q") and found < SMALL_RESULT)
        )

    @staticmethod
    def _window_end() -> str | None:
        """The NAME_WINDOW-th name of the directory, or None when it is smaller.

        Cached with the directory's figures: any name is a correct bound
        (:meth:`page_of_results` checks the page is whole), a current one
        merely the most useful.
        """
        key = f"alumni_partner:directory-window:{NAME_WINDOW}:{directory_version()}"
        last = cache.get(key)
        if last is None:
            names = (
                AlumniProfile.objects.filter(listed=True)
                .order_by("sort_name")
                .values_list("sort_name", flat=True)[NAME_WINDOW - 1 : NAME_WINDOW]
            )
            # "" stands for "smaller than the window" in the cache.
            last = next(iter(names), "")
            cache.set(key, last, partner_settings.DIRECTORY_FACET_CACHE_SECONDS)
        return last or None

    # --- display ---------------------------------------------------------

    def describe_fields(self) -> None:
        """Tie each field's help, errors and notices to it (``aria-describedby``).

        Sets ``notices`` and ``describedby`` on each field for the template
        (a group of checkboxes is described on its fieldset). Call after the
        results were read (they add notices), before rendering.
        """
        for bound in self:
            notices = self.notices.get(bound.name, [])
            ids = [
                f"{bound.auto_id}_{part}"
                for part, present in (
                    ("helptext", bound.help_text),
                    ("error", bound.errors),
                    ("notice", notices),
                )
                if present
            ]
            bound.field.notices = notices
            bound.field.describedby = " ".join(ids)
            if ids and not bound.field.widget.use_fieldset:
                bound.field.widget.attrs["aria-describedby"] = " ".join(ids)

    def advanced_fields(self) -> list:
        """The bound fields of the advanced block, in order."""
        return [self[name] for name in self.ADVANCED]

    def query_items(self, exclude: Iterable[str] = ("page",)) -> list[tuple[str, str]]:
        """The search's parameters as typed, for links that keep it."""
        if not self.is_bound:
            return []
        getlist = getattr(self.data, "getlist", lambda key: [self.data[key]])
        return [
            (key, value)
            for key in self.data
            if key not in exclude
            for value in getlist(key)
        ]
