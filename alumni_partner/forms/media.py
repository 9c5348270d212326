"""Upload forms for images and documents: content checks before Wagtail's own.

Wired in through ``WAGTAILIMAGES_IMAGE_FORM_BASE`` and
``WAGTAILDOCS_DOCUMENT_FORM_BASE``, so the admin's upload pages and the
choosers' upload tabs all refuse the same files.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from .. import uploads
from ..conf import partner_settings


class GuideFormatImageField(WagtailImageField):
    """Accepts the guide's logo formats, converting those browsers cannot show.

    Pillow reads all ten of the guide's formats; Willow and browsers do not, so
    the conversion to PNG runs before Wagtail's own checks see the file.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formats = ", ".join(ext.upper() for ext in uploads.LOGO_EXTENSIONS)
        self.help_text = _(
            "Formats: %(formats)s. At most %(size)s; BMP, PBM, RGB, XBM and XPM "
            "are converted to PNG."
        ) % {
            "formats": formats,
            "size": filesizeformat(partner_settings.LOGO_MAX_BYTES),
        }
        self.widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in uploads.LOGO_EXTENSIONS
        )

    def to_python(self, data):
        if isinstance(data, UploadedFile):
            data = self._checked(data)
        return super().to_python(data)

    def _checked(self, upload: UploadedFile) -> UploadedFile:
        content = uploads.read_upload(upload, partner_settings.LOGO_MAX_BYTES)
        try:
            name, content = uploads.check_logo(
                upload.name,
                content,
                max_bytes=partner_settings.LOGO_MAX_BYTES,
                max_pixels=partner_settings.MAX_IMAGE_PIXELS,
                size=upload.size,
            )
        except uploads.UploadRejected as rejected:
            raise ValidationError(rejected.message, code=rejected.code) from None
        return SimpleUploadedFile(name, content)


class PartnerImageForm(BaseImageForm):
    """Wagtail's image form with the guide's formats, size cap and content checks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            old = self.fields["file"]
            field = GuideFormatImageField(label=old.label, required=old.required)
            field.widget.attrs = {**old.widget.attrs, **field.widget.attrs}
            self.fields["file"] = field


class PartnerDocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing anything that is not really a PDF."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            limit = partner_settings.BROCHURE_MAX_BYTES
            if upload.size > limit:
                raise ValidationError(
                    _("This file is too big (%(size)s). Maximum %(max)s.")
                    % {
                        "size": filesizeformat(upload.size),
                        "max": filesizeformat(limit),
                    }
                )
            upload.seek(0)
            head = upload.read(1024)
            upload.seek(max(upload.size - 2048, 0))
            tail = upload.read()
            upload.seek(0)
            try:
                uploads.check_pdf(upload.name, head, tail)
            except uploads.UploadRejected as rejected:
                raise ValidationError(rejected.message, code="invalid") from None
        return upload
