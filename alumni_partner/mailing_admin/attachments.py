"""A mailing's attachments: what may be attached, judged by content, and their files.

Every copy of a mailing carries its attachments to thousands of inboxes, so a
file is checked by what it contains, never by its name or the type the
browser claims: a PDF must read as a PDF (:func:`alumni_partner.uploads.check_pdf`),
an image must decode with Pillow under the pixel limit, a text file must be
text, an office document must be the zip package its extension promises
(and carry no macros). A renamed program is refused, whatever its name.

:func:`check_attachment` returns what to store or raises
:class:`~alumni_partner.uploads.UploadRejected`; the form turns that into a
field error. :func:`delete_attachment_file` removes the stored file once its
row is gone (connected in :mod:`alumni_partner.apps`), so deleting a mailing,
an attachment, or a whole partner leaves no orphan file behind.
"""

from __future__ import annotations

import math
import os
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from ..sanitize import strip_control_characters
from ..uploads import (
    MAX_IMAGE_PIXELS,
    PDF_TAIL_BYTES,
    UploadRejected,
    check_pdf,
    inspect_image,
)

#: OOXML packages: extension -> (MIME type, the main part's content type).
OFFICE_OPEN_XML = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml."
        "document.main+xml",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.presentationml."
        "presentation.main+xml",
    ),
}
#: OpenDocument packages: extension -> MIME type (also their ``mimetype`` entry).
OPEN_DOCUMENT = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
#: Image formats a mail client shows: Pillow's name -> (MIME type, extensions).
IMAGE_FORMATS = {
    "PNG": ("image/png", ("png",)),
    "JPEG": ("image/jpeg", ("jpg", "jpeg")),
    "MPO": ("image/jpeg", ("jpg", "jpeg")),
    "GIF": ("image/gif", ("gif",)),
}
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif")
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}

ALLOWED_EXTENSIONS = (
    "pdf",
    *IMAGE_EXTENSIONS,
    *TEXT_TYPES,
    *OFFICE_OPEN_XML,
    *OPEN_DOCUMENT,
)
#: A package's manifest is small; reading more would let a zip bomb in.
MANIFEST_MAX_BYTES = 1024 * 1024
#: Control characters a text file never holds (tab, line feed, form feed and
#: carriage return are text; ESC and SUB appear in old files and are allowed).
_BINARY_BYTES = frozenset(range(0x00, 0x09)) | {0x0B} | frozenset(range(0x0E, 0x1A))
_BINARY_BYTES |= frozenset(range(0x1C, 0x20))
#: The longest name kept for display (the model's field holds 255).
NAME_MAX_CHARS = 120


@dataclass(frozen=True)
class CheckedAttachment:
    """What to store for an accepted file: its display name, type and size."""

    name: str
    content_type: str
    size: int


def allowed_types_text() -> str:
    return ", ".join(ext.upper() for ext in ALLOWED_EXTENSIONS)


def megabytes(size: int) -> str:
    """``size`` in MB for messages, rounded up to a tenth (never "5 MB" for 5.01)."""
    return f"{math.ceil(size * 10 / (1024 * 1024)) / 10:g}"


def display_name(name: str) -> str:
    """The file's own name, as recipients will see it: no path, no control character.

    It goes into a MIME header (the attachment's ``filename``), so line breaks
    and other control characters are dropped; Django encodes the rest.
    """
    name = os.path.basename(name.replace("\\", "/"))
    name = " ".join(strip_control_characters(name).split())
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    room = NAME_MAX_CHARS - len(extension) - 1
    stem = stem[: max(room, 1)].strip() or "attachment"
    return f"{stem}.{extension}" if extension else stem


def storage_name(name: str) -> str:
    """A name safe on any file system for the stored copy (the display name stays)."""
    return get_valid_filename(name) or "attachment"


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def check_attachment(upload, *, max_bytes: int) -> CheckedAttachment:
    """Check one uploaded file; what to store, or :class:`UploadRejected`.

    ``upload`` is a Django ``UploadedFile``; it is left rewound. The type
    comes from the content, the extension only says which check applies: a
    file whose content does not match its extension is refused.
    """
    name = display_name(upload.name or "")
    size = upload.size or 0
    if size > max_bytes:
        raise UploadRejected(
            _("“%(name)s” is %(size)s MB: an attachment may be at most %(max)s MB."),
            code="attachment_too_large",
            params={"name": name, "size": megabytes(size), "max": megabytes(max_bytes)},
        )
    if size == 0:
        raise UploadRejected(
            _("“%(name)s” is empty."), code="empty_file", params={"name": name}
        )
    extension = _extension(name)
    if extension not in ALLOWED_EXTENSIONS:
        raise UploadRejected(
            _(
                "“%(name)s” cannot be attached: allowed types are %(types)s "
                "(checked by their content)."
            ),
            code="attachment_type",
            params={"name": name, "types": allowed_types_text()},
        )
    try:
        upload.seek(0)
        if extension == "pdf":
            content_type = _check_pdf(upload, name, size)
        elif extension in IMAGE_EXTENSIONS:
            content_type, name = _check_image(upload, name, extension)
        elif extension in TEXT_TYPES:
            content_type = _check_text(upload, name, extension)
        elif extension in OFFICE_OPEN_XML:
            content_type = _check_office_open_xml(upload, name, extension)
        else:
            content_type = _check_open_document(upload, name, extension)
    finally:
        upload.seek(0)
    return CheckedAttachment(name=name, content_type=content_type, size=size)


def _named(error: UploadRejected, name: str) -> UploadRejected:
    """The same refusal, saying which file it is about (several may be sent)."""
    return UploadRejected(
        _("“%(name)s”: %(reason)s"),
        code=error.code,
        params={"name": name, "reason": error.message},
    )


def _check_pdf(upload, name: str, size: int) -> str:
    head = upload.read(PDF_TAIL_BYTES)
    upload.seek(max(size - PDF_TAIL_BYTES, 0))
    tail = upload.read(PDF_TAIL_BYTES)
    try:
        check_pdf(name, head, tail)
    except UploadRejected as error:
        raise _named(error, name) from error
    return "application/pdf"


def _check_image(upload, name: str, extension: str) -> tuple[str, str]:
    try:
        info = inspect_image(upload.read(), max_pixels=MAX_IMAGE_PIXELS)
    except UploadRejected as error:
        raise _named(error, name) from error
    if info.pil_format not in IMAGE_FORMATS:
        raise UploadRejected(
            _(
                "“%(name)s” is a %(format)s image: only PNG, JPEG and GIF images "
                "can be attached (every mail client shows them)."
            ),
            code="attachment_type",
            params={"name": name, "format": info.pil_format},
        )
    content_type, extensions = IMAGE_FORMATS[info.pil_format]
    if extension not in extensions:
        # A PNG named .jpg: kept, under the extension of what it really is.
        name = f"{name.rpartition('.')[0]}.{extensions[0]}"
    return content_type, name


def _check_text(upload, name: str, extension: str) -> str:
    data = upload.read()
    if _BINARY_BYTES.intersection(data):
        raise UploadRejected(
            _("“%(name)s” is not a text file (it holds binary data)."),
            code="not_text",
            params={"name": name},
        )
    # No control byte left: UTF-8, or Latin-1 / Windows-1252 (which decode any
    # other byte), both of which mail clients read.
    return TEXT_TYPES[extension]


def _zip(upload, name: str, kind) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(getattr(upload, "file", upload))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _not_a_document(name, kind) from error


def _not_a_document(name: str, kind) -> UploadRejected:
    return UploadRejected(
        _("“%(name)s” is not a valid %(kind)s document."),
        code="not_a_document",
        params={"name": name, "kind": kind},
    )


def _read_member(archive: zipfile.ZipFile, member: str) -> bytes | None:
    try:
        info = archive.getinfo(member)
    except KeyError:
        return None
    if info.file_size > MANIFEST_MAX_BYTES:
        return None
    with archive.open(info) as handle:
        return handle.read(MANIFEST_MAX_BYTES)


def _refuse_macros(archive: zipfile.ZipFile, name: str) -> None:
    if any(
        member.lower().endswith(("vbaproject.bin", ".bas"))
        or member.lower().startswith("basic/")
        for member in archive.namelist()
    ):
        raise UploadRejected(
            _(
                "“%(name)s” contains macros: save it without macros (or as PDF) "
                "to attach it."
            ),
            code="macros",
            params={"name": name},
        )


def _check_office_open_xml(upload, name: str, extension: str) -> str:
    kind = extension.upper()
    content_type, main_part = OFFICE_OPEN_XML[extension]
    try:
        with _zip(upload, name, kind) as archive:
            manifest = _read_member(archive, "[Content_Types].xml")
            if manifest is None or main_part.encode() not in manifest:
                raise _not_a_document(name, kind)
            _refuse_macros(archive, name)
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _not_a_document(name, kind) from error
    return content_type


def _check_open_document(upload, name: str, extension: str) -> str:
    kind = extension.upper()
    content_type = OPEN_DOCUMENT[extension]
    try:
        with _zip(upload, name, kind) as archive:
            if _read_member(archive, "mimetype") != content_type.encode():
                raise _not_a_document(name, kind)
            _refuse_macros(archive, name)
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _not_a_document(name, kind) from error
    return content_type


def delete_attachment_file(sender, instance, **kwargs) -> None:
    """``post_delete`` of :class:`~alumni_partner.models.MailingAttachment`.

    The file goes once the deletion is committed: a rolled-back deletion
    keeps a row whose file must still be there.
    """
    stored = instance.file
    if not stored:
        return
    storage, path = stored.storage, stored.name
    transaction.on_commit(lambda: storage.delete(path))
