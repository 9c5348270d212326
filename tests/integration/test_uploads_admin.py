"""Logo and brochure uploads through the admin, as a partner (guide 2.1, 2.3).

Every door a partner uploads through: the image and document "add" views, the
multiple uploader, and the choosers' upload tabs. A refused file gets a clear
form error and leaves nothing behind: no Image/Document/UploadedFile row and
no file in the media storage.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n180\n%%EOF\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def encode(fmt: str, mode: str = "RGB", size=(60, 30), colour=0, **params) -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size, colour).save(out, format=fmt, **params)
    return out.getvalue()


def noisy_png(min_bytes: int) -> bytes:
    """A valid PNG of at least ``min_bytes``: random pixels do not compress."""
    side = 32
    while True:
        data = os.urandom(side * side * 3)
        out = io.BytesIO()
        PILImage.frombytes("RGB", (side, side), data).save(out, format="PNG")
        if out.tell() >= min_bytes:
            return out.getvalue()
        side *= 2 if out.tell() < min_bytes / 3 else 1.2
        side = int(side)


def png_bomb() -> bytes:
    """A few KB of PNG declaring 6,000 × 6,000 pixels (36 million)."""
    return encode("PNG", mode="1", size=(6000, 6000), optimize=True)


def jpeg_bomb() -> bytes:
    """A small JPEG whose header claims 64,250 × 64,250 pixels."""
    data = bytearray(encode("JPEG", size=(16, 16)))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, 64250, 64250)
    return bytes(data)


XPM = b"""/* XPM */
static char * logo_xpm[] = {
"8 4 2 1",
"  c #FFFFFF",
". c #CC0000",
"........",
".      .",
".      .",
"........"};
"""

LEGACY_LOGOS = {
    "bmp": encode("BMP"),
    "pbm": encode("PPM", mode="1"),
    "xbm": encode("XBM", mode="1"),
    "xpm": XPM,
    "rgb": encode("SGI"),
}


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def stored_state() -> tuple:
    return (
        Image.objects.count(),
        Document.objects.count(),
        UploadedFile.objects.count(),
        media_files(),
    )


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# ---------------------------------------------------------------------------
# The doors
# ---------------------------------------------------------------------------


def add_image(client, partner, name, content):
    """The single "Add an image" form. Returns (ok, error text)."""
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Logo",
            "collection": partner.collection_id,
            "file": upload(name, content),
            "tags": "",
        },
    )
    if response.status_code == 302:
        return True, ""
    assert response.status_code == 200
    return False, " ".join(response.context["form"].errors.get("file", []))


def add_image_multiple(client, partner, name, content):
    """The drag-and-drop uploader (JSON answers)."""
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": upload(name, content), "collection": partner.collection_id},
    )
    assert response.status_code == 200
    data = response.json()
    return data["success"], data.get("error_message", "")


def add_image_in_chooser(client, partner, name, content):
    """The image chooser's "Upload" tab, from a page's logo field."""
    prefix = "image-chooser-upload"
    response = client.post(
        reverse("wagtailimages_chooser:create"),
        {
            f"{prefix}-title": "Logo",
            f"{prefix}-collection": partner.collection_id,
            f"{prefix}-file": upload(name, content),
            f"{prefix}-tags": "",
        },
    )
    assert response.status_code == 200
    data = response.json()
    if data.get("step") in ("chosen", "select_format"):
        return True, ""
    form = response.context["form"] if response.context else None
    errors = form.errors.get("file", []) if form is not None else [data.get("html")]
    return False, " ".join(map(str, errors))


IMAGE_DOORS = {
    "add": add_image,
    "multiple": add_image_multiple,
    "chooser": add_image_in_chooser,
}


def add_document(client, partner, name, content):
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Brochure",
            "collection": partner.collection_id,
            "file": upload(name, content, "application/pdf"),
            "tags": "",
        },
    )
    if response.status_code == 302:
        return True, ""
    assert response.status_code == 200
    return False, " ".join(response.context["form"].errors.get("file", []))


def add_document_multiple(client, partner, name, content):
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {
            "files[]": upload(name, content, "application/pdf"),
            "collection": partner.collection_id,
        },
    )
    assert response.status_code == 200
    data = response.json()
    return data["success"], data.get("error_message", "")


def add_document_in_chooser(client, partner, name, content):
    prefix = "document-chooser-upload"
    response = client.post(
        reverse("wagtaildocs_chooser:create"),
        {
            f"{prefix}-title": "Brochure",
            f"{prefix}-collection": partner.collection_id,
            f"{prefix}-file": upload(name, content, "application/pdf"),
            f"{prefix}-tags": "",
        },
    )
    assert response.status_code == 200
    data = response.json()
    if data.get("step") == "chosen":
        return True, ""
    form = response.context["form"] if response.context else None
    errors = form.errors.get("file", []) if form is not None else [data.get("html")]
    return False, " ".join(map(str, errors))


DOCUMENT_DOORS = {
    "add": add_document,
    "multiple": add_document_multiple,
    "chooser": add_document_in_chooser,
}


# ---------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------

REFUSED_IMAGES = {
    "250 KB logo": ("big.png", lambda: noisy_png(250 * 1024), ["200"]),
    "PDF named .png": ("logo.png", lambda: PDF, []),
    "HTML named .png": ("logo.png", lambda: HTML, []),
    "PNG decompression bomb": ("bomb.png", png_bomb, ["6000", "pixel"]),
    "JPEG decompression bomb": ("bomb.jpg", jpeg_bomb, ["pixel"]),
    "truncated JPEG": (
        "cut.jpg",
        lambda: encode("JPEG", size=(300, 200), quality=95)[:1500],
        [],
    ),
    "truncated PNG": ("cut.png", lambda: noisy_png(20 * 1024)[:8000], []),
    "SVG": (
        "logo.svg",
        lambda: (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        ),
        [],
    ),
    "empty file": ("empty.png", lambda: b"", []),
}


@pytest.mark.parametrize("door", sorted(IMAGE_DOORS))
def test_bad_logos_are_refused_with_a_clear_error_and_nothing_is_stored(
    partner, partner_client, door
):
    add = IMAGE_DOORS[door]
    failures = []
    for label, (name, make, words) in REFUSED_IMAGES.items():
        before = stored_state()
        ok, error = add(partner_client, partner, name, make())
        after = stored_state()
        if ok:
            failures.append(f"{label}: accepted")
        elif not error.strip():
            failures.append(f"{label}: refused without a message on the file field")
        for word in words:
            if word.lower() not in error.lower():
                failures.append(f"{label}: error {error!r} does not mention {word!r}")
        if after != before:
            failures.append(
                f"{label}: left something behind: {after[:3]} vs {before[:3]}"
            )
            leftovers = after[3] - before[3]
            if leftovers:
                failures.append(f"{label}: files left: {sorted(map(str, leftovers))}")
    assert not failures, "\n".join(failures)


def test_oversized_logo_error_names_the_200_kb_limit(partner, partner_client):
    before = stored_state()
    ok, error = add_image(partner_client, partner, "big.png", noisy_png(250 * 1024))
    assert not ok
    assert "200" in error and ("KB" in error or "Ko" in error or "ko" in error)
    assert stored_state() == before


# ---------------------------------------------------------------------------
# Accepted formats
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("extension", sorted(LEGACY_LOGOS))
def test_legacy_logo_formats_are_accepted_and_stored_as_png(
    partner, partner_client, extension
):
    ok, error = add_image(
        partner_client, partner, f"logo.{extension}", LEGACY_LOGOS[extension]
    )
    assert ok, error
    image = Image.objects.get(title="Logo")
    assert image.file.name.endswith(".png"), image.file.name
    assert image.collection_id == partner.collection_id
    with image.file.open("rb") as stored:
        assert stored.read(8) == b"\x89PNG\r\n\x1a\n"
        stored.seek(0)
        assert PILImage.open(stored).format == "PNG"
    # The public page can show it: a rendition is made from the PNG.
    rendition = image.get_rendition("max-200x120")
    assert rendition.url.endswith(".png")


@pytest.mark.parametrize("door", sorted(IMAGE_DOORS))
def test_legacy_logo_is_converted_through_every_upload_door(
    partner, partner_client, door
):
    ok, error = IMAGE_DOORS[door](
        partner_client, partner, "logo.bmp", LEGACY_LOGOS["bmp"]
    )
    assert ok, error
    image = Image.objects.get(collection=partner.collection)
    assert image.file.name.endswith(".png"), image.file.name


@pytest.mark.parametrize(
    ("name", "content", "stored_as"),
    [
        ("logo.jpe", encode("JPEG"), ".jpg"),
        ("logo.jpg", encode("JPEG"), ".jpg"),
        ("logo.jpeg", encode("JPEG"), ".jpeg"),
        ("logo.gif", encode("GIF", mode="P"), ".gif"),
        ("logo.png", encode("PNG"), ".png"),
    ],
)
def test_browser_formats_are_accepted_as_they_are(
    partner, partner_client, name, content, stored_as
):
    ok, error = add_image(partner_client, partner, name, content)
    assert ok, error
    image = Image.objects.get(title="Logo")
    assert image.file.name.endswith(stored_as), image.file.name


def test_a_logo_just_under_200_kb_is_accepted(partner, partner_client):
    content = noisy_png(150 * 1024)
    assert len(content) < 200 * 1024
    ok, error = add_image(partner_client, partner, "logo.png", content)
    assert ok, error


# ---------------------------------------------------------------------------
# Brochures
# ---------------------------------------------------------------------------

REFUSED_DOCUMENTS = {
    "PNG named .pdf": ("brochure.pdf", lambda: encode("PNG"), ["PNG"]),
    "JPEG named .pdf": ("brochure.pdf", lambda: encode("JPEG"), ["JPEG"]),
    "HTML named .pdf": ("brochure.pdf", lambda: HTML, []),
    "PDF without its end": ("brochure.pdf", lambda: PDF[:60], []),
    "real PDF named .exe": ("brochure.exe", lambda: PDF, []),
}


@pytest.mark.parametrize("door", sorted(DOCUMENT_DOORS))
def test_a_pdf_that_is_not_a_pdf_is_refused_and_nothing_is_stored(
    partner, partner_client, door
):
    add = DOCUMENT_DOORS[door]
    failures = []
    for label, (name, make, words) in REFUSED_DOCUMENTS.items():
        before = stored_state()
        ok, error = add(partner_client, partner, name, make())
        if ok:
            failures.append(f"{label}: accepted")
        elif not error.strip():
            failures.append(f"{label}: refused without a message")
        for word in words:
            if word not in error:
                failures.append(f"{label}: error {error!r} does not name {word}")
        if stored_state() != before:
            failures.append(f"{label}: left something behind")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("door", sorted(DOCUMENT_DOORS))
def test_a_real_pdf_is_accepted(partner, partner_client, door):
    ok, error = DOCUMENT_DOORS[door](partner_client, partner, "brochure.pdf", PDF)
    assert ok, error
    document = Document.objects.get(collection=partner.collection)
    assert document.file.name.endswith(".pdf")
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
