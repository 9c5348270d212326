"""The naive directory search that ``bench_directory.py`` measures ours against.

What one would write first: ``icontains`` on every searched column through
joins (names on the user, employer, institution, skills through taggit), with
``DISTINCT`` because of the skills join; the same advanced criteria; the
facets grouped on that queryset each time (no cache). It ignores the
visibility flags (one more reason not to ship it) and renders a bare list of
20 names and the facet counts, so that it is timed for its queries above all.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpResponse
from django.urls import path
from django.utils.html import escape

from alumni_partner.models import AlumniProfile

FACETS = [
    "country",
    "degree",
    "graduation_year",
    "sector__name",
    "spoken_languages__code",
]


def naive_results(params) -> tuple:
    profiles = AlumniProfile.objects.filter(listed=True, user__is_active=True)
    for word in (params.get("q") or "").split():
        profiles = profiles.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(employer__icontains=word)
            | Q(institution__icontains=word)
            | Q(skills__name__icontains=word)
        )
    if params.get("country"):
        profiles = profiles.filter(country=params["country"])
    if params.get("degree"):
        profiles = profiles.filter(degree=params["degree"])
    if params.get("year_from"):
        profiles = profiles.filter(graduation_year__gte=int(params["year_from"]))
    if params.get("year_to"):
        profiles = profiles.filter(graduation_year__lte=int(params["year_to"]))
    return profiles.distinct()


def naive_search(request):
    profiles = naive_results(request.GET)
    count = profiles.count()
    page = list(profiles.select_related("user").order_by("user__last_name", "pk")[:20])
    ids = profiles.values("pk")
    facets = {
        name: list(
            AlumniProfile.objects.filter(pk__in=ids)
            .values(name)
            .annotate(n=Count("pk"))
            .order_by("-n")[:15]
        )
        for name in FACETS
    }
    lines = [f"<h1>{count} profils</h1><ul>"]
    lines += [f"<li>{escape(p.user.get_full_name())}</li>" for p in page]
    lines.append("</ul>")
    for name, rows in facets.items():
        lines.append(f"<h2>{name}</h2><ul>")
        lines += [f"<li>{escape(row[name])}: {row['n']}</li>" for row in rows]
        lines.append("</ul>")
    return HttpResponse("".join(lines))


urlpatterns = [path("naive/", naive_search)]
