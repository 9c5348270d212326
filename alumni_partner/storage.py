"""Where files that must never be served by URL are kept."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    """Files never served by URL: alumni photos, uploaded CSVs, their reports."""

    def _setup(self):
        # Never below MEDIA_ROOT: a web server may serve that folder whole.
        location = getattr(settings, "ALUMNI_PARTNER_PRIVATE_ROOT", None)
        if not location:
            raise ImproperlyConfigured(
                "Set ALUMNI_PARTNER_PRIVATE_ROOT to a folder outside MEDIA_ROOT: "
                "alumni photos, imported CSVs and reports are kept there."
            )
        self._wrapped = FileSystemStorage(location=location, base_url=None)


private_storage = PrivateStorage()


def private_storage_of() -> PrivateStorage:
    """For ``FileField(storage=...)``: a callable keeps the path out of migrations."""
    return private_storage
