"""Content checks for uploaded logos and brochures.

Pure functions on bytes (plus :func:`read_upload` for Django's uploaded
files): form and Wagtail integration live elsewhere and turn
:class:`UploadRejected` into a form error, e.g.::

    raise ValidationError(exc.message, code=exc.code)

Why these checks exist (see DESIGN.md §7 and §10):

- the guide allows ten logo extensions, some of which (pbm, rgb, xbm, xpm,
  bmp) neither browsers nor Wagtail's Willow can show, so they are converted
  to PNG before Wagtail's own image validation sees the file;
- a file is judged by its content, never by its name;
- a 5 KB file can declare billions of pixels, so the pixel count is checked
  from the header before anything is decoded;
- the legacy decoders (SGI, XPM, XBM, PPM, BMP) have had crashes and
  overruns, so every decoder error becomes a refusal, never a server error.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image

__all__ = [
    "LOGO_EXTENSIONS",
    "LOGO_MAX_BYTES",
    "MAX_IMAGE_PIXELS",
    "PDF_TAIL_BYTES",
    "ImageInfo",
    "UploadRejected",
    "check_logo",
    "check_pdf",
    "convert_to_png",
    "inspect_image",
    "needs_png_conversion",
    "read_upload",
]

# Guide 2.1: logos of at most 200 KB, in these formats.
LOGO_MAX_BYTES = 200 * 1024
LOGO_EXTENSIONS = (
    "gif",
    "jpg",
    "jpeg",
    "jpe",
    "bmp",
    "png",
    "pbm",
    "rgb",
    "xbm",
    "xpm",
)
MAX_IMAGE_PIXELS = 16_000_000

# Readers accept "%%EOF" anywhere in the last 1024 bytes of a PDF.
PDF_TAIL_BYTES = 1024

# Pillow format name -> extension family it belongs to. MPO is what Pillow
# calls a JPEG carrying several pictures (many phones write them); browsers
# show it as a plain JPEG.
_FORMAT_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "GIF": ("gif",),
    "JPEG": ("jpg", "jpeg", "jpe"),
    "MPO": ("jpg", "jpeg", "jpe"),
    "BMP": ("bmp",),
    "PNG": ("png",),
    "PPM": ("pbm",),
    "SGI": ("rgb",),
    "XBM": ("xbm",),
    "XPM": ("xpm",),
}
# Only these plugins may even look at an upload: restricting Image.open keeps
# every other Pillow decoder (and its bugs) out of reach.
_PIL_OPEN_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "PPM", "SGI", "XBM", "XPM")
_LEGACY_FORMATS = frozenset({"BMP", "PPM", "SGI", "XBM", "XPM"})
_PNG_SAFE_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA"})

_ALLOWED_EXTENSIONS_TEXT = ", ".join(LOGO_EXTENSIONS)

# Magic numbers of image formats Pillow is not allowed to open here, only to
# tell the user which format they sent (and never to parse it).
_OTHER_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),
    (b"MM\x00+", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"\x00\x00\x02\x00", "CUR"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"),
    (b"\xffO\xffQ", "JPEG 2000"),
    (b"\xff\n", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JPEG XL"),
    (b"8BPS", "PSD"),
    (b"qoif", "QOI"),
    (b"icns", "ICNS"),
    (b"DDS ", "DDS"),
)
# Allowed formats with an unambiguous magic number (PPM's "P1".."P6" and
# XBM's "#define" are too loose to call a text file a damaged image).
_ALLOWED_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x01\xda", "SGI"),
    (b"/* XPM */", "XPM"),
)
_BMP_HEADERS = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
_HEIF_BRANDS = {
    b"avif": "AVIF",
    b"avis": "AVIF",
    b"heic": "HEIC",
    b"heix": "HEIC",
    b"hevc": "HEIC",
    b"heim": "HEIC",
    b"heis": "HEIC",
    b"mif1": "HEIF",
    b"msf1": "HEIF",
}
_SVG_RE = re.compile(rb"<svg[\s>]", re.IGNORECASE)

_PDF_HEAD_RE = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n\f]*%PDF-\d\.\d")


def _interpolate(template: str | Promise, params: Mapping[str, Any]) -> str:
    return str(template) % params


# Interpolating a gettext_lazy string with % evaluates it at once, in the
# language active where the upload is checked; wrapping the interpolation in
# lazy() translates it where the message is shown instead.
_lazy_interpolate = lazy(_interpolate, str)


class UploadRejected(ValueError):
    """An upload refused for a reason the user can fix.

    ``message`` is a lazily translated, already interpolated message ready for
    a form error; ``code`` is a stable machine-readable reason; ``template``
    and ``params`` are the untranslated parts, for callers that prefer
    ``ValidationError(exc.template, code=exc.code, params=exc.params)``.
    """

    def __init__(
        self,
        template: str | Promise,
        *,
        code: str,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.template = template
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        self.message: str | Promise = (
            _lazy_interpolate(template, self.params) if self.params else template
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the content of an image upload turned out to be."""

    pil_format: str
    width: int
    height: int


def _kb(size: int) -> int:
    # Rounded up, so that a file one byte over 200 KB never reads "200 KB".
    return math.ceil(size / 1024)


def _extension(name: str) -> tuple[str, str]:
    """Split ``name`` into (stem, lower-case extension without the dot)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, ext.lower()


def _sniff_other_format(data: bytes) -> str | None:
    """Name the image format of ``data`` from its magic number, without parsing."""
    for signature, name in _OTHER_IMAGE_SIGNATURES:
        if data.startswith(signature):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return _HEIF_BRANDS[data[8:12]]
    if _SVG_RE.search(data[:2048]):
        return "SVG"
    return None


def _sniff_allowed_format(data: bytes) -> str | None:
    """Name the allowed format ``data`` claims to be by its magic number."""
    for signature, name in _ALLOWED_IMAGE_SIGNATURES:
        if data.startswith(signature):
            return name
    # "BM" alone would also match text; require a known DIB header size.
    if data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in _BMP_HEADERS:
        return "BMP"
    return None


def _sniff_any_image_format(data: bytes) -> str | None:
    return _sniff_allowed_format(data) or _sniff_other_format(data)


def _too_many_pixels(
    max_pixels: int, width: int = 0, height: int = 0
) -> UploadRejected:
    if width and height:
        return UploadRejected(
            _(
                "The image is too large: %(width)s × %(height)s pixels "
                "(at most %(max)s pixels)."
            ),
            code="too_many_pixels",
            params={"width": width, "height": height, "max": max_pixels},
        )
    return UploadRejected(
        _("The image has too many pixels (at most %(max)s)."),
        code="too_many_pixels",
        params={"max": max_pixels},
    )


def _not_an_image() -> UploadRejected:
    return UploadRejected(
        _("This file is not an image. Allowed formats: %(formats)s."),
        code="not_an_image",
        params={"formats": _ALLOWED_EXTENSIONS_TEXT},
    )


def _unidentified(data: bytes) -> UploadRejected:
    """The refusal for data Pillow could not open with the allowed plugins."""
    # Pillow reports a damaged header of an allowed format as "unidentified"
    # too; a strong magic number tells a damaged image from something else.
    if _sniff_allowed_format(data) is not None:
        return _corrupt()
    other = _sniff_other_format(data)
    if other is not None:
        return UploadRejected(
            _("%(format)s images are not allowed. Allowed formats: %(formats)s."),
            code="format_not_allowed",
            params={"format": other, "formats": _ALLOWED_EXTENSIONS_TEXT},
        )
    return _not_an_image()


def _corrupt() -> UploadRejected:
    return UploadRejected(
        _("The image is damaged or incomplete."), code="corrupt_image"
    )


@contextmanager
def _bomb_warnings_as_errors() -> Iterator[None]:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; make the
    # warning an exception so it is refused like the error. Other Pillow
    # warnings (odd metadata) must not refuse a valid logo, hence the category.
    # catch_warnings is process-wide, not thread-local: the explicit pixel
    # check in _open_and_load is the real guard, this is the second line.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _open_and_load(data: bytes, max_pixels: int) -> Image.Image:
    """Identify, size-check and fully decode ``data``; refuse on any problem.

    Decode time cannot be bounded directly: Pillow's decoders run in C and
    cannot be interrupted from Python. It is bounded indirectly instead: the
    pixel count is checked from the header before decoding, and callers cap
    the input size (200 KB for logos), so the work a decoder can be asked to
    do is small: on the development machines the worst case found, a 200 KB
    file declaring 16 million pixels, decoded and converted to PNG in under
    half a second. (ImageFile.LOAD_TRUNCATED_IMAGES must stay False, its
    default, for truncated files to be refused.)
    """
    if not data:
        raise UploadRejected(_("The file is empty."), code="empty_file")
    with _bomb_warnings_as_errors():
        try:
            image = Image.open(io.BytesIO(data), formats=_PIL_OPEN_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels)
        except Exception:  # noqa: BLE001 - every parser failure is a refusal
            # UnidentifiedImageError, or a header parser choking on hostile
            # input (SyntaxError, struct.error, ValueError, OSError, even
            # MemoryError...): a bad file, never a server error.
            raise _unidentified(data)

        if image.format not in _FORMAT_EXTENSIONS:
            # Cannot happen with formats= above; checked so that a future
            # Pillow plugin change cannot slip a new format through.
            image.close()
            raise _not_an_image()
        width, height = image.size
        if width <= 0 or height <= 0:
            image.close()
            raise _corrupt()
        if width * height > max_pixels:
            image.close()
            raise _too_many_pixels(max_pixels, width, height)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            image.close()
            raise _too_many_pixels(max_pixels, width, height)
        except Exception:  # noqa: BLE001 - every decoder failure is a refusal
            # Truncated data (OSError), bad codes (SyntaxError, ValueError,
            # struct.error), absurd allocations (MemoryError): all refusals.
            image.close()
            raise _corrupt()
    return image


def inspect_image(data: bytes, *, max_pixels: int = MAX_IMAGE_PIXELS) -> ImageInfo:
    """Identify and fully decode image ``data``, or raise :class:`UploadRejected`.

    The format comes from the content (the file name is ignored) and must be
    one of the guide's: JPEG (or MPO), PNG, GIF, BMP, PPM (pbm), SGI (rgb),
    XBM or XPM. ``width * height`` must not exceed ``max_pixels``; this is
    checked from the header, before decoding. Damaged or truncated data is
    refused.
    """
    image = _open_and_load(data, max_pixels)
    try:
        return ImageInfo(
            pil_format=str(image.format), width=image.width, height=image.height
        )
    finally:
        image.close()


def needs_png_conversion(pil_format: str) -> bool:
    """Return whether images of ``pil_format`` must be converted to PNG.

    True for BMP, PPM (pbm), SGI (rgb), XBM and XPM, which browsers or
    Wagtail's Willow cannot show.
    """
    return pil_format.upper() in _LEGACY_FORMATS


def _png_ready(image: Image.Image) -> Image.Image:
    """Return ``image`` in a mode PNG stores faithfully (transparency kept)."""
    mode = image.mode
    if mode in _PNG_SAFE_MODES:
        # "P" keeps its palette and a "transparency" index/bytes, which the
        # PNG encoder writes as a tRNS chunk.
        return image
    if mode == "F":
        # PFM samples are floats in 0..1.
        return image.point(lambda v: v * 255).convert("L")
    if mode.startswith("I"):
        # Pillow scales 16-bit PBM/PGM samples to 0..65535; a logo gains
        # nothing from 16 bits, and 8-bit grey is what every viewer shows.
        return image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    # "a" covers premultiplied modes (La, RGBa).
    if any(band in ("A", "a") for band in image.getbands()) or (
        "transparency" in image.info
    ):
        return image.convert("RGBA")
    return image.convert("RGB")


def _encode_png(image: Image.Image) -> bytes:
    try:
        ready = _png_ready(image)
        out = io.BytesIO()
        # Maximum compression: the converted logo must still fit the size cap.
        ready.save(out, format="PNG", compress_level=9)
    except Exception:  # noqa: BLE001 - an encoder failure is a bad file too
        raise _corrupt()
    return out.getvalue()


def convert_to_png(data: bytes, *, max_pixels: int = MAX_IMAGE_PIXELS) -> bytes:
    """Decode image ``data`` safely and return it re-encoded as PNG.

    The same checks as :func:`inspect_image` apply first. Transparency is kept
    (palette transparency, alpha channels); modes PNG cannot store are
    converted to the closest one (8-bit grey, RGB or RGBA). Metadata such as
    comments is not carried over.
    """
    image = _open_and_load(data, max_pixels)
    try:
        return _encode_png(image)
    finally:
        image.close()


def check_logo(
    name: str,
    data: bytes,
    *,
    max_bytes: int = LOGO_MAX_BYTES,
    max_pixels: int = MAX_IMAGE_PIXELS,
    size: int | None = None,
) -> tuple[str, bytes]:
    """Check a logo upload and return the ``(name, data)`` to store.

    Checks, in order: size (``size`` if given, e.g. when ``data`` was read
    with :func:`read_upload` and may be cut short, else ``len(data)``), the
    extension (one of :data:`LOGO_EXTENSIONS`), then the content (see
    :func:`inspect_image`). Raises :class:`UploadRejected` on failure.

    The content need not match the extension as long as it is an allowed
    image: the returned name then gets the extension of the real format, so
    that Wagtail's own extension-vs-content check passes. BMP, PBM, RGB, XBM
    and XPM content is converted to PNG (name ending ``.png``); other content
    is returned unchanged, and ``.jpe`` becomes ``.jpg`` (Wagtail maps only
    jpg and jpeg to JPEG).
    """
    actual_size = len(data) if size is None else size
    if actual_size > max_bytes:
        raise UploadRejected(
            _("The logo must not exceed %(max)s KB (this file is %(size)s KB)."),
            code="file_too_large",
            params={"max": max_bytes // 1024, "size": _kb(actual_size)},
        )
    stem, extension = _extension(name)
    if extension not in LOGO_EXTENSIONS:
        raise UploadRejected(
            _("This file type is not allowed. Allowed extensions: %(extensions)s."),
            code="bad_extension",
            params={"extensions": _ALLOWED_EXTENSIONS_TEXT},
        )

    image = _open_and_load(data, max_pixels)
    try:
        pil_format = str(image.format)
        if needs_png_conversion(pil_format):
            png = _encode_png(image)
            if len(png) > max_bytes:
                raise UploadRejected(
                    _(
                        "Converted to PNG, the logo would exceed %(max)s KB. "
                        "Please send a smaller image or a PNG file."
                    ),
                    code="converted_too_large",
                    params={"max": max_bytes // 1024},
                )
            return f"{stem}.png", png
    finally:
        image.close()

    family = _FORMAT_EXTENSIONS[pil_format]
    if extension not in family:
        # Lenient on a wrong name, strict on content: store under the
        # extension of what the file really is.
        extension = family[0]
    if extension == "jpe":
        extension = "jpg"
    return f"{stem}.{extension}", data


def check_pdf(name: str, data_head: bytes, data_tail: bytes | None = None) -> None:
    """Check that an upload named ``name`` is a PDF document, by name and content.

    ``data_head`` is the start of the file (a few bytes are enough); it must
    start with ``%PDF-x.y``, after an optional UTF-8 BOM and whitespace.
    ``data_tail``, if given, is the end of the file and must contain
    ``%%EOF`` within its last :data:`PDF_TAIL_BYTES` bytes. Raises
    :class:`UploadRejected` otherwise, naming the image format when an image
    was renamed ``.pdf``.
    """
    _stem, extension = _extension(name)
    if extension != "pdf":
        raise UploadRejected(_("Only PDF files are allowed."), code="bad_extension")
    if not _PDF_HEAD_RE.match(data_head):
        image_format = _sniff_any_image_format(data_head)
        if image_format is not None:
            raise UploadRejected(
                _("This file is an image (%(format)s), not a PDF document."),
                code="not_a_pdf",
                params={"format": image_format},
            )
        raise UploadRejected(_("This file is not a PDF document."), code="not_a_pdf")
    if data_tail is not None and b"%%EOF" not in data_tail[-PDF_TAIL_BYTES:]:
        raise UploadRejected(
            _("This PDF document is incomplete or damaged."), code="incomplete_pdf"
        )


def read_upload(f: IO[bytes], limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes of the uploaded file ``f``.

    One byte more than the limit tells an over-size file apart without reading
    all of it. ``f`` is rewound before and after, so that Django or Wagtail
    can read it again from the start.
    """
    if limit < 0:
        raise ValueError("limit must not be negative")
    f.seek(0)
    try:
        data = f.read(limit + 1)
    finally:
        f.seek(0)
    return bytes(data or b"")
