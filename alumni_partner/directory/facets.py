"""Facet counts of a directory search: how many profiles per country, degree...

Each facet counts only the profiles that show that field, among the listed
profiles the search found: a hidden country is not counted under any country,
and an unlisted profile is counted nowhere. A fixed number of queries (one
per facet, and the sectors' names) whatever the number of profiles.

The facets of the whole directory (no criteria) are what every visitor sees
first: they are cached under the directory's version, which any change to a
profile renews (``directory_signals``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connections
from django.db.models import Case, Count, F, QuerySet, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ..conf import partner_settings
from ..models import AlumniProfile, AlumniProfileSkill, Degree, ProfileLanguage
from ..models.alumni import LANGUAGES
from .search import DirectorySearchForm, active_locale_id, sector_rows
from .versions import directory_version

#: At most this many entries per facet (the most frequent).
FACET_ITEMS = 12


@dataclass
class FacetItem:
    """One count of a facet and the search parameters that select it."""

    label: str
    count: int
    #: ``(parameter, value)`` pairs; a decade sets two parameters.
    params: tuple[tuple[str, str], ...]
    #: Filled by :func:`link_facets` for the current search.
    href: str = ""
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    items: list[FacetItem] = field(default_factory=list)


def _counted(rows, limit: int = FACET_ITEMS) -> list[tuple]:
    return sorted(rows, key=lambda row: (-row[1], str(row[0])))[:limit]


def _shown(field: str, column: str | None = None) -> Case:
    """``column`` (default ``field``) where its owner shows ``field``, else null."""
    flag = AlumniProfile.MEMBER_FIELDS[field]
    return Case(When(**{flag: True}, then=F(column or field)), default=None)


#: The facets read from the profile's own row: alias -> (field, column read).
ROW_FACETS = {
    "shown_country": ("country", "country"),
    "shown_degree": ("degree", "degree"),
    "shown_year": ("graduation_year", "graduation_year"),
    "shown_sector": ("sector", "sector__translation_key"),
}


def row_facet_counts(base: QuerySet) -> dict[str, list[tuple]]:
    """``{alias: [(value, count)]}`` of :data:`ROW_FACETS`, hidden values left out.

    On PostgreSQL one ``GROUP BY GROUPING SETS`` reads the profiles found
    once for the four counts (a quarter of the time of four queries on a
    broad search); elsewhere one ``GROUP BY`` per facet.
    """
    shown = base.values(**{alias: _shown(*spec) for alias, spec in ROW_FACETS.items()})
    counts: dict[str, list[tuple]] = {alias: [] for alias in ROW_FACETS}
    if base.query.is_empty():
        # A search that can find nobody (a skill no profile has) has no SQL.
        return counts
    connection = connections[base.db]
    if connection.vendor == "postgresql":
        sql, params = shown.query.sql_with_params()
        columns = [connection.ops.quote_name(alias) for alias in ROW_FACETS]
        sets = ", ".join(f"({column})" for column in columns)
        # Only our own quoted aliases and Django's compiled query (its values
        # stay parameters) make up the statement.
        statement = (
            f"SELECT {', '.join(columns)}, COUNT(*) FROM ({sql}) AS found "  # noqa: S608
            f"GROUP BY GROUPING SETS ({sets})"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        # Each row counts one set: its one non-null column (the null groups
        # are hidden or empty values, left out).
        for *values, n in rows:
            for alias, value in zip(ROW_FACETS, values, strict=True):
                if value not in (None, ""):
                    counts[alias].append((value, n))
        return counts
    for alias in ROW_FACETS:
        counts[alias] = [
            (value, n)
            for value, n in shown.values_list(alias)
            .annotate(n=Count("pk"))
            .order_by()
            .values_list(alias, "n")
            if value not in (None, "")
        ]
    return counts


def facets(
    profiles: QuerySet, *, locale_id: int | None = None, sectors: list | None = None
) -> list[Facet]:
    """Counts per country, degree, graduation decade, sector, language, skill.

    ``profiles`` are the profiles found (listed ones only: the caller's
    query, usually ``DirectorySearchForm.matching()``). Labels are in the
    active language (sectors in ``locale_id``'s words); ``sectors`` saves
    their lookup when the caller has them (``DirectorySearchForm.sector_rows``).
    """
    base = profiles.order_by().select_related(None).prefetch_related(None)
    shown = AlumniProfile.MEMBER_FIELDS
    counts = row_facet_counts(base)
    result = [
        Facet(
            "country",
            str(_("Country")),
            [
                FacetItem(countries.name(code) or code, n, (("country", code),))
                for code, n in _counted(counts["shown_country"])
            ],
        )
    ]

    labels = dict(Degree.choices)
    result.append(
        Facet(
            "degree",
            str(_("Degree")),
            [
                FacetItem(str(labels.get(code, code)), n, (("degree", code),))
                for code, n in _counted(counts["shown_degree"])
                if code in labels
            ],
        )
    )

    decades: Counter = Counter()
    for year, n in counts["shown_year"]:
        decades[year - year % 10] += n
    result.append(
        Facet(
            "decade",
            str(_("Graduation")),
            [
                FacetItem(
                    str(_("%(decade)ss") % {"decade": decade}),
                    n,
                    (("year_from", str(decade)), ("year_to", str(decade + 9))),
                )
                for decade, n in sorted(decades.items(), reverse=True)
            ],
        )
    )

    if sectors is None:
        sectors = sector_rows(
            locale_id if locale_id is not None else active_locale_id()
        )
    sectors = {key: (pk, name) for pk, key, name in sectors}
    result.append(
        Facet(
            "sector",
            str(_("Sector")),
            [
                FacetItem(sectors[key][1], n, (("sector", sectors[key][0]),))
                for key, n in _counted(counts["shown_sector"])
                if key in sectors
            ],
        )
    )

    rows = list(
        ProfileLanguage.objects.filter(
            profile__in=base.filter(**{shown["languages"]: True})
        )
        .values("code")
        .annotate(n=Count("profile_id"))
        .order_by()
        .values_list("code", "n")
    )
    names = {code: str(label) for code, label in LANGUAGES}
    result.append(
        Facet(
            "language",
            str(_("Languages")),
            [
                FacetItem(names[code], n, (("language", code),))
                for code, n in _counted(rows)
                if code in names
            ],
        )
    )

    rows = list(
        AlumniProfileSkill.objects.filter(
            content_object__in=base.filter(**{shown["skills"]: True})
        )
        .values("tag__name")
        .annotate(n=Count("content_object_id"))
        .order_by("-n", "tag__name")
        .values_list("tag__name", "n")[: partner_settings.DIRECTORY_FACET_SKILLS]
    )
    result.append(
        Facet(
            "skills",
            str(_("Skills")),
            [FacetItem(name, n, (("skills", name),)) for name, n in rows],
        )
    )
    return [facet for facet in result if facet.items]


def figure_key(form: DirectorySearchForm, figure: str, localized=False) -> str:
    """The cache key of one figure (facets, count...) of ``form``'s search.

    It holds the directory's version, renewed whenever a profile changes, so
    a hidden field or an unlisted profile never stays counted; ``localized``
    figures (labels) also hold the language and the locale.
    """
    found = sorted(
        (name, value) for name, value in form.criteria().items() if name != "sort"
    )
    criteria = hashlib.sha256(repr(found).encode()).hexdigest()[:32]
    key = f"alumni_partner:directory-{figure}:{directory_version()}:{criteria}"
    if localized:
        key += f":{get_language()}:{form.locale_id}"
    return key


def _cached(form: DirectorySearchForm, figure: str, compute, localized=False):
    """``compute()``, cached under :func:`figure_key`.

    The same searches come back page after page (and the whole directory's
    figures are what every visitor sees first).
    """
    key = figure_key(form, figure, localized)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, partner_settings.DIRECTORY_FACET_CACHE_SECONDS)
    return value


def directory_facets(form: DirectorySearchForm) -> list[Facet]:
    """The facets of ``form``'s search (the whole directory's if none), cached."""
    return _cached(
        form,
        "facets",
        lambda: facets(form.matching(), sectors=form.sector_rows),
        localized=True,
    )


def directory_count(form: DirectorySearchForm) -> int:
    """How many profiles ``form``'s search finds, cached like its facets."""
    return _cached(form, "count", lambda: form.matching().count())


def mailable_count(form: DirectorySearchForm) -> int:
    """How many of them accept partners' mailings (what a list would keep)."""
    return _cached(
        form,
        "mailable",
        lambda: form.matching().filter(accepts_partner_mailings=True).count(),
    )


def directory_size() -> int:
    """How many profiles the directory lists (cached like the figures above)."""
    key = f"alumni_partner:directory-size:{directory_version()}"
    size = cache.get(key)
    if size is None:
        size = AlumniProfile.objects.listed().count()
        cache.set(key, size, partner_settings.DIRECTORY_FACET_CACHE_SECONDS)
    return size


def link_facets(
    found: list[Facet], form: DirectorySearchForm, base_url: str = ""
) -> list[Facet]:
    """Copies of ``found`` whose items link to the search refined by them.

    An item already selected links to the search without it. The links keep
    the other criteria and the order, and start again at page 1.
    """
    current = form.query_items()
    skills = [
        name.strip().casefold()
        for value in (v for k, v in current if k == "skills")
        for name in value.split(",")
        if name.strip()
    ]
    linked = []
    for facet in found:
        items = []
        for item in facet.items:
            selected = _is_selected(item, current, skills)
            items.append(
                FacetItem(
                    item.label,
                    item.count,
                    item.params,
                    href=f"{base_url}?{urlencode(_toggled(item, current, selected))}",
                    selected=selected,
                )
            )
        linked.append(Facet(facet.name, facet.label, items))
    return linked


def _is_selected(item: FacetItem, current: list, skills: list[str]) -> bool:
    (key, value), *_rest = item.params
    if key == "skills":
        return value.casefold() in skills
    return all(pair in current for pair in item.params)


def _toggled(item: FacetItem, current: list, selected: bool) -> list:
    keys = {key for key, _value in item.params}
    (key, value), *_rest = item.params
    if key == "skills":
        text = ", ".join(v for k, v in current if k == "skills" and v.strip())
        names = [n.strip() for n in text.split(",") if n.strip()]
        if selected:
            names = [n for n in names if n.casefold() != value.casefold()]
        else:
            names.append(value)
        rest = [(k, v) for k, v in current if k != "skills"]
        return rest + ([("skills", ", ".join(names))] if names else [])
    if key in ("year_from", "year_to"):
        rest = [(k, v) for k, v in current if k not in keys]
        return rest if selected else rest + list(item.params)
    if selected:
        return [pair for pair in current if pair not in item.params]
    return current + list(item.params)
