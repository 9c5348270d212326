"""schema.org ``JobPosting`` structured data for an offer page (issue 4, item 5).

Job search engines read it from a ``<script type="application/ld+json">``
element. The data is built as a dict, then serialised with ``<``, ``>`` and
``&`` escaped as JSON ``\\u`` sequences (as Django's ``json_script`` does), so
that a title holding quotes or ``</script>`` stays valid JSON and inert HTML.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import expand_db_html

from .models import OfferPage

#: The logo size that search engines get (and that the offer page shows).
LOGO_SPEC = "max-200x120"

#: Words of a contract type's name (any language we seed) and schema.org's
#: employment type; an unknown contract type gets none rather than a guess.
EMPLOYMENT_TYPES = (
    ("cdi", "FULL_TIME"),
    ("permanent", "FULL_TIME"),
    ("full-time", "FULL_TIME"),
    ("temps plein", "FULL_TIME"),
    ("temps partiel", "PART_TIME"),
    ("part-time", "PART_TIME"),
    ("cdd", "TEMPORARY"),
    ("fixed-term", "TEMPORARY"),
    ("temporary", "TEMPORARY"),
    ("intérim", "TEMPORARY"),
    ("vie", "TEMPORARY"),  # Volontariat international en entreprise: fixed term.
    ("stage", "INTERN"),
    ("internship", "INTERN"),
    ("alternance", "OTHER"),  # Work-study: no schema.org type of its own.
    ("apprenticeship", "OTHER"),
    ("freelance", "CONTRACTOR"),
    ("contractor", "CONTRACTOR"),
    ("bénévolat", "VOLUNTEER"),
    ("volunteer", "VOLUNTEER"),
)

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def employment_type(name: str) -> str | None:
    """schema.org's employment type for a contract type's name, if one fits."""
    words = name.casefold().strip()
    for word, value in EMPLOYMENT_TYPES:
        if words == word or words.startswith(f"{word} ") or f" {word}" in words:
            return value
    return None


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


def job_posting(offer: OfferPage, request=None) -> dict:
    """The offer as a schema.org ``JobPosting``; ``offer`` went through
    ``offer_listing.prepare_offers``."""
    data: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offer.title,
        "description": expand_db_html(offer.mission or ""),
        "directApply": False,
    }
    if offer.reference:
        data["identifier"] = {
            "@type": "PropertyValue",
            "name": offer.card_partner.title if offer.card_partner else "",
            "value": offer.reference,
        }
    if offer.last_published_at:
        data["datePosted"] = offer.last_published_at.isoformat()
    if offer.expire_at:
        data["validThrough"] = offer.expire_at.isoformat()
    if offer.contract_type is not None:
        kind = employment_type(offer.contract_type.name)
        if kind:
            data["employmentType"] = kind
    if offer.pk and offer.url:
        data["url"] = _absolute(request, offer.url)
    organisation = _organisation(offer, request)
    if organisation:
        data["hiringOrganization"] = organisation
    data["jobLocation"] = {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            **({"addressLocality": offer.city} if offer.city else {}),
            "addressCountry": str(offer.country),
        },
    }
    if offer.remote_allowed:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {
            "@type": "Country",
            "name": str(offer.country),
        }
    salary = _salary(offer)
    if salary:
        data["baseSalary"] = salary
    if offer.sector_label:
        data["industry"] = offer.sector_label
    if offer.skill_names:
        data["skills"] = ", ".join(offer.skill_names)
    if offer.seniority_label:
        data["experienceRequirements"] = offer.seniority_label
    return data


def _organisation(offer: OfferPage, request) -> dict:
    partner = offer.card_partner
    if partner is None:
        return {}
    organisation = {"@type": "Organization", "name": partner.title}
    website = getattr(partner, "website", "")
    if website:
        organisation["sameAs"] = website
    elif partner.url:
        organisation["sameAs"] = _absolute(request, partner.url)
    logo = getattr(partner, "logo", None)
    if logo is not None:
        organisation["logo"] = _absolute(request, logo.get_rendition(LOGO_SPEC).url)
    return organisation


def _salary(offer: OfferPage) -> dict:
    value = {"@type": "QuantitativeValue", "unitText": offer.salary_period}
    if offer.salary_min is not None:
        value["minValue"] = offer.salary_min
    if offer.salary_max is not None:
        value["maxValue"] = offer.salary_max
    if len(value) == 2:
        return {}
    return {
        "@type": "MonetaryAmount",
        "currency": offer.salary_currency,
        "value": value,
    }


def job_posting_script(offer: OfferPage, request=None) -> SafeString:
    """The ``<script type="application/ld+json">`` element of the offer."""
    text = json.dumps(
        job_posting(offer, request), cls=DjangoJSONEncoder, ensure_ascii=False
    ).translate(_ESCAPES)
    return mark_safe(  # noqa: S308 - <, > and & are escaped above
        f'<script type="application/ld+json">{text}</script>'
    )
