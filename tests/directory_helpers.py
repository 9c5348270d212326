"""Helpers shared by the directory's tests: people to find, photos, logins."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import Locale

from alumni_partner.models import Sector

DIRECTORY = "/annuaire/"


def png_bytes(colour=(30, 90, 160), size=(32, 32)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def give_photo(profile, name: str = "face.png") -> None:
    profile.photo.save(name, ContentFile(png_bytes()), save=True)


def sector(name: str) -> Sector:
    return Sector.objects.create(name=name, locale=Locale.get_default())


def profile_url(profile) -> str:
    return reverse("alumni_partner:directory_profile", args=[profile.public_id])


def photo_url(profile) -> str:
    return reverse("alumni_partner:directory_photo", args=[profile.public_id])


def compose_url(profile) -> str:
    return reverse("alumni_partner:message_compose", args=[profile.public_id])


def search(client, **params):
    """GET the directory with ``params`` (lists give repeated parameters)."""
    return client.get(reverse("alumni_partner:directory"), params)


def names_found(response) -> list[str]:
    """The names of the results on the page, in order."""
    return [profile.display_name for profile in response.context["results"]]
