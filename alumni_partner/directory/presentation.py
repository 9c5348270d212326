"""A profile as members see it: the directory's cards, profile page and export.

Everything a member reads of another member goes through
:func:`member_values`, which reads only fields their owner shows
(``AlumniProfile.visible``). Editors see the same projection.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import AlumniProfile, Sector
from ..models.alumni import LANGUAGES
from .access import Viewer
from .search import active_locale_id

#: The fields a member may read, in the order the profile page lists them
#: (the photo and the "about me" text are shown apart).
MEMBER_VIEW_FIELDS = (
    "job_title",
    "employer",
    "sector",
    "country",
    "city",
    "institution",
    "field_of_study",
    "degree",
    "graduation_year",
    "skills",
    "languages",
)
#: Columns of an export of the directory: the name, then the member view.
EXPORT_FIELDS = ("name", *MEMBER_VIEW_FIELDS)
_LANGUAGE_NAMES = dict(LANGUAGES)


def field_label(name: str) -> str:
    """The label of a member-view field (or ``"name"``), in the active language."""
    if name == "name":
        return str(_("Name"))
    if name == "languages":
        return str(_("Languages"))
    return str(AlumniProfile._meta.get_field(name).verbose_name).capitalize()


def export_header() -> list[str]:
    return [field_label(name) for name in EXPORT_FIELDS]


def sector_names(locale_id: int | None = None) -> dict:
    """``{translation key: name}`` of the sectors in the locale: one query.

    Pass the result to :func:`member_values` when showing many profiles.
    """
    locale_id = locale_id if locale_id is not None else active_locale_id()
    return dict(
        Sector.objects.filter(locale_id=locale_id).values_list(
            "translation_key", "name"
        )
    )


def member_values(profile: AlumniProfile, names: dict | None = None) -> dict:
    """``{field: text}`` of the fields members see, empty ones left out.

    Reads ``profile.skills.all()`` and ``spoken_languages.all()``: prefetch
    them for lists. ``names`` comes from :func:`sector_names` (looked up when
    missing).
    """
    values = {}
    for name in MEMBER_VIEW_FIELDS:
        value = profile.visible(name)
        if not value:
            continue
        if name == "country":
            value = value.name
        elif name == "degree":
            value = profile.get_degree_display()
        elif name == "sector":
            if names is None:
                names = sector_names()
            value = names.get(value.translation_key, value.name)
        elif name == "skills":
            value = ", ".join(sorted(value, key=str.casefold))
        elif name == "languages":
            value = ", ".join(str(_LANGUAGE_NAMES.get(code, code)) for code in value)
        values[name] = str(value)
    return values


def member_view(
    profile: AlumniProfile, names: dict | None = None
) -> list[tuple[str, str]]:
    """``[(label, text), ...]``: the visible, non-empty fields, labelled.

    The public contract for the profile page and the editors' export; the
    name (always visible), the photo and the "about me" HTML are not in it.
    """
    return [
        (field_label(name), text)
        for name, text in member_values(profile, names).items()
    ]


def export_row(profile: AlumniProfile, names: dict | None = None) -> list[str]:
    """One line of an export, in :data:`EXPORT_FIELDS` order; hidden fields empty."""
    values = member_values(profile, names)
    return [
        profile.display_name,
        *(values.get(name, "") for name in MEMBER_VIEW_FIELDS),
    ]


def photo_url(profile: AlumniProfile) -> str:
    """The photo's URL for members, or ``""`` when it is hidden or missing."""
    if not profile.photo or not profile.shows("photo"):
        return ""
    return reverse("alumni_partner:directory_photo", args=[profile.public_id])


def prepare_results(
    profiles: Iterable[AlumniProfile], viewer: Viewer, names: dict | None = None
) -> list:
    """Set what a result card shows on each profile, without a query per profile.

    Sets ``card`` (the visible values), ``photo_src``, ``profile_url`` and
    ``compose_url`` (empty when the viewer may not write to them). ``names``
    are the sectors' names (:func:`sector_names`, or the search form's).
    """
    profiles = list(profiles)
    if not profiles:
        return profiles
    if names is None and any(p.sector_id and p.show_sector for p in profiles):
        names = sector_names()
    for profile in profiles:
        profile.card = member_values(profile, names)
        profile.photo_src = photo_url(profile)
        profile.profile_url = reverse(
            "alumni_partner:directory_profile", args=[profile.public_id]
        )
        profile.compose_url = (
            reverse("alumni_partner:message_compose", args=[profile.public_id])
            if viewer.may_contact(profile)
            else ""
        )
    return profiles
