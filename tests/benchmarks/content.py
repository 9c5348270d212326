"""Realistic partner content shared by the benchmarks and the query-count tests.

Everything is built through the plugin's own onboarding and Wagtail's normal
publishing, so the pages measured are the pages visitors get: a partner page
with a full presentation (rich text with links, images, YouTube videos), a
logo, a banner, sector, category and brochures; a complete news; plus aliases
in every locale. For volume (thousands of news), see ``bulk.py``.
"""

from __future__ import annotations

import io
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from alumni_partner.models import (
    Partner,
    PartnerCategory,
    PartnerDocument,
    PartnerIndexPage,
    Sector,
)
from alumni_partner.onboarding import NewPartner, onboard_partner

# A minimal but valid one-page PDF.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

VIDEO_URLS = (
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
)


def make_image(title: str, size=(800, 600), color=(30, 90, 160), collection=None):
    """A Wagtail image with a real PNG file of ``size``."""
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    kwargs = {"collection": collection} if collection is not None else {}
    image = get_image_model()(
        title=title,
        file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png"),
        **kwargs,
    )
    image.save()
    return image


def make_pdf(title: str, collection=None):
    """A Wagtail document holding a small PDF."""
    kwargs = {"collection": collection} if collection is not None else {}
    document = get_document_model()(title=title, **kwargs)
    document.file.save(
        f"{title.lower().replace(' ', '-')}.pdf", ContentFile(PDF_BYTES), save=False
    )
    document.save()
    return document


def presentation(images, link_page=None) -> list[dict]:
    """A full presentation: four paragraphs with links, the images, two videos."""
    internal = (
        f' Voir aussi <a linktype="page" id="{link_page.pk}">nos partenaires</a>.'
        if link_page is not None
        else ""
    )
    paragraphs = [
        "<p>Fondée en 1998, notre organisation accompagne les <b>diplômés "
        "étrangers</b> dans leur carrière en France et à l'international. "
        'Découvrez <a href="https://example.org/a-propos">notre histoire</a>.</p>',
        "<p>Nous proposons des stages, des <i>volontariats</i> et des emplois "
        'dans <a href="https://example.org/metiers">douze métiers</a>.'
        f"{internal}</p>",
        "<ul><li>Mentorat</li><li>Ateliers CV</li><li>Rencontres</li></ul>"
        '<p>Écrivez-nous : <a href="mailto:contact@example.org">'
        "contact@example.org</a>.</p>",
        "<p>Nos brochures présentent nos programmes en détail ; nos offres "
        "sont publiées chaque mois sur "
        '<a href="https://example.org/offres">notre site</a>.</p>',
    ]
    blocks: list[dict] = [{"type": "paragraph", "value": paragraphs[0]}]
    blocks.append(
        {"type": "image", "value": {"image": images[0].pk, "caption": "Nos locaux"}}
    )
    blocks.append({"type": "paragraph", "value": paragraphs[1]})
    blocks.append({"type": "video", "value": VIDEO_URLS[0]})
    for image in images[1:]:
        blocks.append({"type": "image", "value": {"image": image.pk, "caption": ""}})
    blocks.append({"type": "paragraph", "value": paragraphs[2]})
    blocks.append({"type": "video", "value": VIDEO_URLS[1]})
    blocks.append({"type": "paragraph", "value": paragraphs[3]})
    return blocks


def vocabulary() -> tuple[Sector, PartnerCategory]:
    """A sector and a category in the default locale (created once)."""
    from wagtail.models import Locale

    locale = Locale.get_default()
    sector, _ = Sector.objects.get_or_create(name="Énergie", locale=locale)
    category, _ = PartnerCategory.objects.get_or_create(
        name="Entreprise", locale=locale
    )
    return sector, category


def add_brochures(partner: Partner, count: int, *, start: int = 0) -> None:
    """``count`` more brochures (PDF documents) on the partner's page."""
    page = partner.page
    for n in range(start, start + count):
        PartnerDocument.objects.create(
            page=page,
            document=make_pdf(f"{partner.name} brochure {n + 1}", partner.collection),
            label=f"Brochure {n + 1}",
            date=date(2024, 1 + n % 12, 1 + n % 28),
            comment="Programme détaillé." if n % 2 else "",
            sort_order=n,
        )


def full_partner(
    name: str, *, brochures: int = 1, images: int = 3, publish: bool = True
) -> Partner:
    """Onboard ``name`` and fill its page like a complete partner would."""
    sector, category = vocabulary()
    partner = onboard_partner(
        NewPartner(name=name, email=f"contact@{name.lower().replace(' ', '-')}.test"),
        send_invitation=False,
    )
    page = partner.page
    collection = partner.collection
    pictures = [
        make_image(f"{name} photo {n + 1}", collection=collection)
        for n in range(images)
    ]
    page.logo = make_image(f"{name} logo", (400, 240), (200, 40, 40), collection)
    page.banner = make_image(f"{name} banner", (1600, 400), (20, 20, 20), collection)
    page.street = "12 rue de la Paix"
    page.postcode = "75002"
    page.city = "Paris"
    page.country = "FR"
    page.website = "https://example.org"
    page.phone = "+33 1 23 45 67 89"
    page.email = "contact@example.org"
    page.sector = sector
    page.category = category
    page.search_description = f"{name}, partenaire de France Alumni."
    index = PartnerIndexPage.objects.filter(locale=page.locale).first()
    page.presentation = presentation(pictures, link_page=index)
    page.save()
    add_brochures(partner, brochures)
    if publish:
        page.save_revision().publish()
    partner.refresh_from_db()
    return partner


def listed_partner(name: str) -> Partner:
    """A published partner with what the index and home cards show: logo, terms."""
    sector, category = vocabulary()
    partner = onboard_partner(
        NewPartner(
            name=name,
            email=f"contact@{name.lower().replace(' ', '-')}.test",
            sector=sector,
            category=category,
            country="FR",
        ),
        send_invitation=False,
    )
    page = partner.page
    page.logo = make_image(
        f"{name} logo", (400, 240), (200, 40, 40), partner.collection
    )
    page.city = "Lyon"
    page.save()
    page.save_revision().publish()
    partner.refresh_from_db()
    return partner


def news_vocabulary():
    """The demo's news types and audience groups, translated (created once)."""
    from alumni_partner import demo_content
    from alumni_partner.management.commands.seed_demo import seed_vocabulary
    from alumni_partner.models import AudienceGroup, NewsType

    news_types = seed_vocabulary(NewsType, demo_content.NEWS_TYPES)
    groups = seed_vocabulary(AudienceGroup, demo_content.AUDIENCE_GROUPS)
    return list(news_types.values()), list(groups.values())


def full_news(partner: Partner, title: str = "Forum des métiers de l'énergie"):
    """A complete news published through Wagtail, as a partner writes one.

    Three paragraphs with links, an image, a YouTube video and a PDF in its
    body, a main image, an attached document, a type, two audience groups and
    three keywords; aliases in every locale, as the admin creates them.
    """
    from wagtail_localize.synctree import create_aliases_for_new_page

    from alumni_partner.models import NewsPage

    news_types, groups = news_vocabulary()
    collection = partner.collection
    picture = make_image(f"{title} photo", collection=collection)
    document = make_pdf(f"{title} programme", collection)
    paragraphs = [b for b in presentation([picture]) if b["type"] == "paragraph"]
    body = [
        paragraphs[0],
        {"type": "image", "value": {"image": picture.pk, "caption": "Le forum"}},
        paragraphs[1],
        {"type": "video", "value": VIDEO_URLS[0]},
        paragraphs[2],
        {"type": "document", "value": {"document": document.pk, "label": ""}},
    ]
    user = partner.members.order_by("pk").first()
    news = partner.page.add_child(
        instance=NewsPage(
            title=title,
            slug=slugify(title),
            live=False,
            owner=user,
            news_type=news_types[0],
            body=body,
            image=picture,
            document=document,
            search_description=f"{title}, une actualité de {partner.name}.",
        )
    )
    create_aliases_for_new_page(news)
    news.audience_groups = groups[:2]
    news.keywords.add("forum", "énergie", "recrutement")
    news.save_revision(user=user).publish(user=user)
    news.refresh_from_db()
    return news


def full_offer(
    partner: Partner, title: str = "Ingénieur·e projet photovoltaïque", **fields
):
    """A complete job offer published through Wagtail, as a partner files one.

    Every field of the offer form (company description taken from the
    partner page, mission with a list, contract type, seniority, sector,
    three skills, place, salary range, start date, contact), with aliases in
    every locale as the admin creates them.
    """
    from datetime import timedelta

    from django.utils import timezone
    from wagtail_localize.synctree import create_aliases_for_new_page

    from alumni_partner.models import ContractType, OfferPage, SeniorityLevel
    from alumni_partner.offer_lifecycle import company_description_of

    sector, _category = vocabulary()
    user = partner.members.order_by("pk").first()
    offer = OfferPage(
        title=title,
        slug=slugify(title),
        live=False,
        owner=user,
        reference="BENCH-2025-001",
        company_description=company_description_of(partner.page)
        or f"<p>{partner.name} conçoit des centrales solaires.</p>",
        mission="<p>Vous pilotez la construction de centrales solaires, des "
        "études à la mise en service.</p><ul><li>Diplôme d'ingénieur</li>"
        "<li>Anglais courant</li></ul>",
        contract_type=ContractType.default_terms().get(name="CDI"),
        seniority=SeniorityLevel.default_terms().order_by("pk").first(),
        sector=sector,
        city="Lyon",
        country="FR",
        remote_allowed=True,
        salary_min=45000,
        salary_max=55000,
        available_immediately=False,
        available_from=timezone.localdate() + timedelta(days=30),
        contact_name="Camille Durand",
        contact="recrutement@helios.test",
        search_description=f"{title}, une offre de {partner.name}.",
        **fields,
    )
    offer.skills.add("photovoltaïque", "gestion de projet", "AutoCAD")
    offer = partner.page.add_child(instance=offer)
    create_aliases_for_new_page(offer)
    offer.save_revision(user=user).publish(user=user)
    offer.refresh_from_db()
    return offer
