"""``manage.py seed_demo``: the demo content and accounts the README promises."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Locale, WorkflowPage

from alumni_partner import uploads
from alumni_partner.management.commands import seed_demo
from alumni_partner.models import (
    Partner,
    PartnerCategory,
    PartnerDocument,
    PartnerPage,
    Sector,
)

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    (seed_demo.ADMIN_EMAIL, seed_demo.ADMIN_PASSWORD),
    (seed_demo.EDITOR_EMAIL, seed_demo.EDITOR_PASSWORD),
    (seed_demo.PARTNER_EMAIL, seed_demo.PARTNER_PASSWORD),
]


def seed(scale: str = "small") -> str:
    out = io.StringIO()
    call_command("seed_demo", "--scale", scale, stdout=out)
    return out.getvalue()


def live_french_partner_pages():
    return PartnerPage.objects.live().filter(locale=Locale.get_default())


def counts() -> dict[str, int]:
    return {
        "partners": Partner.objects.count(),
        "pages": PartnerPage.objects.count(),
        "sectors": Sector.objects.count(),
        "categories": PartnerCategory.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "brochures": PartnerDocument.objects.count(),
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
        "locales": Locale.objects.count(),
    }


def test_small_demo_content(client):
    output = seed()

    # At least five published partners, across sectors and countries.
    pages = list(live_french_partner_pages())
    assert len(pages) >= 5
    assert len({page.country.code for page in pages}) >= 5
    assert len({page.sector_id for page in pages}) >= 4
    for page in pages:
        assert page.title in output
        assert page.street and page.city and page.website and page.phone
        assert page.email and page.category_id
        partner = Partner.objects.get(page=page)
        # Images and brochures: real files, in the partner's own collection.
        for image in (page.logo, page.banner):
            assert image is not None
            assert image.collection_id == partner.collection_id
            with image.open_file() as f:
                data = f.read()
            assert len(data) <= 200 * 1024
            uploads.check_logo(image.filename, data)
        brochures = list(page.documents.select_related("document"))
        assert brochures
        for brochure in brochures:
            assert brochure.label
            document = brochure.document
            assert document.collection_id == partner.collection_id
            with document.open_file() as f:
                data = f.read()
            assert data.startswith(b"%PDF-1.4") and b"%%EOF" in data[-1024:]
            uploads.check_pdf(document.filename, data[:2048], data[-1024:])
        assert any(block.block_type == "paragraph" for block in page.presentation)
    assert any(
        block.block_type == "video" for page in pages for block in page.presentation
    )

    # Vocabularies in French with English names.
    english = Locale.objects.get(language_code="en")
    energy = Sector.objects.get(name="Énergie", locale=Locale.get_default())
    assert energy.get_translation(english).name == "Energy"
    school = PartnerCategory.objects.get(name="École", locale=Locale.get_default())
    assert school.get_translation(english).name == "School"

    # English translations are real pages (not aliases) with English content.
    translated = PartnerPage.objects.filter(locale=english, alias_of__isnull=True)
    assert translated.count() >= 2
    helios = translated.get(title="Helios Energy")
    assert helios.live
    assert "solar power plants" in str(helios.presentation)
    response = client.get("/en/partners/helios-energie/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Helios Energy" in body and "solar power plants" in body
    assert "youtube-nocookie.com/embed/" in body

    # French stays French; untranslated pages fall back on French under /en/.
    response = client.get("/partners/helios-energie/")
    assert "centrales solaires" in response.content.decode()
    teranga = PartnerPage.objects.get(title="Teranga Santé", locale__language_code="en")
    assert teranga.alias_of_id is not None
    response = client.get("/en/partners/teranga-sante/")
    assert response.status_code == 200
    assert "santé communautaire" in response.content.decode()

    # An Arabic translation, shown right to left.
    arabic = PartnerPage.objects.get(
        locale__language_code="ar", alias_of__isnull=True, live=True
    )
    response = client.get(arabic.url)
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()

    # One partner is moderated: no publish permission, a workflow on its pages.
    moderated = Partner.objects.get(moderated=True)
    assert not GroupPagePermission.objects.filter(
        group=moderated.group, permission__codename="publish_page"
    ).exists()
    assert WorkflowPage.objects.filter(page=moderated.page).exists()

    # The partner index lists them.
    response = client.get("/partners/")
    assert response.status_code == 200
    for page in pages:
        assert page.url in response.content.decode()


def test_demo_accounts_log_in_by_email_and_a_second_run_duplicates_nothing(client):
    output = seed()
    User = get_user_model()
    for email, password in ACCOUNTS:
        assert email in output and password in output
        client.logout()
        response = client.post(
            "/admin/login/", {"username": email.upper(), "password": password}
        )
        assert response.status_code == 302, (email, response.content[:2000])
        assert client.get("/admin/").status_code == 200

    admin = User.objects.get(email=seed_demo.ADMIN_EMAIL)
    assert admin.is_superuser
    editor = User.objects.get(email=seed_demo.EDITOR_EMAIL)
    assert not editor.is_superuser
    assert editor.groups.filter(name="Editors").exists()
    partner_user = User.objects.get(email=seed_demo.PARTNER_EMAIL)
    assert not partner_user.is_superuser
    first = Partner.objects.get(name="Helios Énergie")
    assert first.has_member(partner_user)
    assert list(partner_user.groups.all()) == [first.group]

    # Second run: nothing new, and a changed demo password gets its value back.
    before = counts()
    editor.set_password("something-else")
    editor.save()
    output = seed()
    assert counts() == before
    assert "already there" in output
    editor.refresh_from_db()
    assert editor.check_password(seed_demo.EDITOR_PASSWORD)


def test_large_scale_is_not_available_yet():
    with pytest.raises(CommandError, match="not available yet"):
        seed("large")
