"""Tests of alumni_partner.uploads: logos and brochures checked by content.

Every image is generated in memory with Pillow (XPM, which Pillow cannot
write, is handcrafted), and hostile files (pixel bombs, truncated or mutated
files, other formats under an allowed name) are crafted byte by byte.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import Promise
from PIL import Image, features

from alumni_partner.uploads import (
    LOGO_EXTENSIONS,
    LOGO_MAX_BYTES,
    MAX_IMAGE_PIXELS,
    ImageInfo,
    UploadRejected,
    check_logo,
    check_pdf,
    convert_to_png,
    inspect_image,
    needs_png_conversion,
    read_upload,
)

# -- builders ---------------------------------------------------------------------


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _gradient(mode: str, size: tuple[int, int] = (24, 16)) -> Image.Image:
    image = Image.new("RGBA", size)
    for x in range(size[0]):
        for y in range(size[1]):
            image.putpixel((x, y), (x * 10 % 256, y * 15 % 256, 128, 255 - x * 5))
    return image if mode == "RGBA" else image.convert(mode)


XPM = b"""/* XPM */
static char *logo[] = {
/* columns rows colors chars-per-pixel */
"6 4 3 1",
"  c None",
". c #FF0000",
"+ c #0000ff",
" ..++ ",
"..++..",
"..++..",
" ..++ "
};
"""


def make_image(extension: str) -> bytes:
    """Return a small, valid image whose real format matches ``extension``."""
    if extension == "gif":
        return _save(_gradient("RGB").convert("P"), "GIF")
    if extension in ("jpg", "jpeg", "jpe"):
        return _save(_gradient("RGB"), "JPEG", quality=85)
    if extension == "bmp":
        return _save(_gradient("RGB"), "BMP")
    if extension == "png":
        return _save(_gradient("RGBA"), "PNG")
    if extension == "pbm":
        return _save(_gradient("L").convert("1"), "PPM")
    if extension == "rgb":
        return _save(_gradient("RGB"), "SGI")
    if extension == "xbm":
        return _save(_gradient("L").convert("1"), "XBM")
    if extension == "xpm":
        return XPM
    raise AssertionError(extension)


EXPECTED_FORMAT = {
    "gif": "GIF",
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "jpe": "JPEG",
    "bmp": "BMP",
    "png": "PNG",
    "pbm": "PPM",
    "rgb": "SGI",
    "xbm": "XBM",
    "xpm": "XPM",
}
LEGACY = {"bmp", "pbm", "rgb", "xbm", "xpm"}


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` × ``height`` grey pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def gif_declaring(width: int, height: int) -> bytes:
    """A tiny GIF whose logical screen and frame declare ``width`` × ``height``."""
    return (
        b"GIF89a"
        + struct.pack("<HHBBB", width, height, 0, 0, 0)
        + b","
        + struct.pack("<HHHHB", 0, 0, width, height, 0)
        + b"\x02\x02\x4c\x01\x00;"
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG whose SOF0 header is patched to ``width`` × ``height``."""
    data = bytearray(_save(Image.new("RGB", (8, 8), "red"), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def noise_png(size: tuple[int, int]) -> bytes:
    rng = random.Random(1234)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    return _save(image, "PNG")


PDF_DOCUMENT = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer << /Size 4 /Root 1 0 R >>\nstartxref\n188\n%%EOF\n"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def assert_rejected(
    call: Callable[[], object], code: str, *mentions: object
) -> UploadRejected:
    """Assert ``call`` raises UploadRejected with ``code`` mentioning each value.

    The message is only rendered when Django settings are configured (it is a
    lazy translation); the values are always checked in ``params``.
    """
    with pytest.raises(UploadRejected) as info:
        call()
    exc = info.value
    assert exc.code == code, (exc.code, exc.params)
    for value in mentions:
        assert any(str(value) in str(param) for param in exc.params.values()), (
            value,
            exc.params,
        )
        if settings.configured:
            assert str(value) in str(exc.message), (value, str(exc.message))
    return exc


# -- constants and the exception --------------------------------------------------


def test_constants() -> None:
    assert LOGO_MAX_BYTES == 200 * 1024
    assert LOGO_EXTENSIONS == (
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
    assert MAX_IMAGE_PIXELS == 16_000_000


def test_upload_rejected_is_a_value_error_with_a_lazy_message() -> None:
    with pytest.raises(ValueError) as info:
        check_logo("logo.png", b"x" * (LOGO_MAX_BYTES + 1))
    exc = info.value
    assert isinstance(exc, UploadRejected)
    assert isinstance(exc.message, Promise)
    assert exc.params == {"max": 200, "size": 201}


# -- inspect_image ----------------------------------------------------------------


@pytest.mark.parametrize("extension", LOGO_EXTENSIONS)
def test_inspect_image_identifies_every_allowed_format(extension: str) -> None:
    info = inspect_image(make_image(extension), max_pixels=MAX_IMAGE_PIXELS)
    assert isinstance(info, ImageInfo)
    assert info.pil_format == EXPECTED_FORMAT[extension]
    assert (info.width, info.height) == ((6, 4) if extension == "xpm" else (24, 16))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (PDF_DOCUMENT, "not_an_image"),
        (HTML_PAGE, "not_an_image"),
        (b"just some text\n", "not_an_image"),
        (b"MZ\x90\x00" + b"\x00" * 60, "not_an_image"),
        (b"BMW brochure, 2025 edition\n" * 4, "not_an_image"),
        (b"P6 is a text file\n", "not_an_image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', None),
        (b'<?xml version="1.0"?>\n<svg width="10" height="10"></svg>', None),
    ],
)
def test_inspect_image_refuses_non_images(data: bytes, code: str | None) -> None:
    if code is None:  # SVG is an image format, just not an allowed one
        assert_rejected(
            lambda: inspect_image(data, max_pixels=MAX_IMAGE_PIXELS),
            "format_not_allowed",
            "SVG",
        )
    else:
        assert_rejected(lambda: inspect_image(data, max_pixels=MAX_IMAGE_PIXELS), code)


@pytest.mark.parametrize(
    ("fmt", "label"),
    [
        ("WEBP", "WEBP"),
        ("TIFF", "TIFF"),
        ("ICO", "ICO"),
        ("PSD", "PSD"),
        ("JPEG2000", "JPEG 2000"),
        ("QOI", "QOI"),
        ("HEIF", "HEIC"),
        ("AVIF", "AVIF"),
    ],
)
def test_inspect_image_refuses_other_image_formats(fmt: str, label: str) -> None:
    image = _gradient("RGB")
    if fmt == "WEBP":
        if not features.check("webp"):
            pytest.skip("Pillow built without WebP")
        data = _save(image, "WEBP")
    elif fmt == "TIFF":
        data = _save(image, "TIFF")
    elif fmt == "ICO":
        data = _save(image, "ICO")
    elif fmt == "JPEG2000":
        if not features.check("jpg_2000"):
            data = b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"\x00" * 64
        else:
            data = _save(image, "JPEG2000")
    elif fmt == "PSD":
        data = b"8BPS\x00\x01" + b"\x00" * 64
    elif fmt == "QOI":
        data = b"qoif" + struct.pack(">II", 24, 16) + b"\x03\x00" + b"\x00" * 16
    elif fmt == "HEIF":
        data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
    else:
        data = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 32
    exc = assert_rejected(
        lambda: inspect_image(data, max_pixels=MAX_IMAGE_PIXELS),
        "format_not_allowed",
        label,
    )
    # The message tells the user what is allowed.
    for extension in LOGO_EXTENSIONS:
        assert extension in exc.params["formats"]


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (png_declaring(64_000, 64_000), None),  # Pillow's own bomb error
        (gif_declaring(65_535, 65_535), None),
        (jpeg_declaring(64_250, 64_250), None),
        (png_declaring(5_000, 5_000), (5_000, 5_000)),  # our cap, below Pillow's
        (gif_declaring(4_001, 4_000), (4_001, 4_000)),
        (jpeg_declaring(8_000, 2_001), (8_000, 2_001)),
    ],
)
def test_inspect_image_refuses_pixel_bombs_before_decoding(
    data: bytes, size: tuple[int, int] | None
) -> None:
    assert len(data) < 2_000
    mentions: tuple[object, ...] = (MAX_IMAGE_PIXELS,)
    if size is not None:
        mentions += size
    assert_rejected(
        lambda: inspect_image(data, max_pixels=MAX_IMAGE_PIXELS),
        "too_many_pixels",
        *mentions,
    )


def test_pixel_cap_is_a_parameter() -> None:
    data = make_image("png")  # 24 × 16 = 384 pixels
    assert inspect_image(data, max_pixels=384).width == 24
    assert_rejected(
        lambda: inspect_image(data, max_pixels=383), "too_many_pixels", 24, 16, 383
    )


def test_pillow_bomb_warning_is_a_refusal_too() -> None:
    # 100 million pixels: above Pillow's warning threshold (~89.5 M), below its
    # error threshold. With our own cap lifted, only the turned-into-error
    # warning stops the decoder from trying to fill 100 MB from 64 bytes.
    data = png_declaring(10_000, 10_000)
    assert_rejected(lambda: inspect_image(data, max_pixels=10**10), "too_many_pixels")


def test_zero_sized_image_is_refused() -> None:
    assert_rejected(
        lambda: inspect_image(gif_declaring(0, 0), max_pixels=MAX_IMAGE_PIXELS),
        "corrupt_image",
    )


@pytest.mark.parametrize("extension", ["png", "jpg", "bmp", "rgb", "gif"])
def test_inspect_image_refuses_truncated_images(extension: str) -> None:
    if extension == "png":
        data = noise_png((64, 64))
    else:
        rng = random.Random(7)
        image = Image.frombytes("RGB", (64, 64), rng.randbytes(64 * 64 * 3))
        fmt = {"jpg": "JPEG", "bmp": "BMP", "rgb": "SGI", "gif": "GIF"}[extension]
        data = _save(image if fmt != "GIF" else image.convert("P"), fmt)
    truncated = data[: len(data) // 2]
    assert_rejected(
        lambda: inspect_image(truncated, max_pixels=MAX_IMAGE_PIXELS),
        "corrupt_image",
    )


def test_inspect_image_refuses_corrupt_xpm() -> None:
    broken = XPM.replace(b'"6 4 3 1"', b'"6 4 99 1"')
    assert_rejected(
        lambda: inspect_image(broken, max_pixels=MAX_IMAGE_PIXELS), "corrupt_image"
    )


@pytest.mark.parametrize("extension", LOGO_EXTENSIONS)
def test_mutated_files_never_escape_as_other_errors(extension: str) -> None:
    # A small deterministic fuzz: truncations and byte flips of every format
    # must either decode or be refused, never raise anything else.
    original = make_image(extension)
    rng = random.Random(f"fuzz-{extension}")
    for _round in range(40):
        data = bytearray(original)
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        for _flip in range(rng.randrange(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            inspect_image(bytes(data), max_pixels=MAX_IMAGE_PIXELS)
            check_logo(f"logo.{extension}", bytes(data))
        except UploadRejected:
            pass


# -- needs_png_conversion and convert_to_png --------------------------------------


@pytest.mark.parametrize(
    ("pil_format", "expected"),
    [
        ("BMP", True),
        ("PPM", True),
        ("SGI", True),
        ("XBM", True),
        ("XPM", True),
        ("xpm", True),
        ("PNG", False),
        ("JPEG", False),
        ("MPO", False),
        ("GIF", False),
    ],
)
def test_needs_png_conversion(pil_format: str, expected: bool) -> None:
    assert needs_png_conversion(pil_format) is expected


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("extension", sorted(LEGACY))
def test_convert_to_png_gives_a_valid_png_of_the_same_size(extension: str) -> None:
    source = _open(make_image(extension))
    png = convert_to_png(make_image(extension), max_pixels=MAX_IMAGE_PIXELS)
    result = _open(png)
    assert result.format == "PNG"
    assert result.size == source.size


def test_convert_xpm_keeps_transparency() -> None:
    result = _open(convert_to_png(XPM, max_pixels=MAX_IMAGE_PIXELS))
    rgba = result.convert("RGBA")
    assert rgba.getpixel((0, 0))[3] == 0  # "None" colour
    assert rgba.getpixel((1, 0)) == (255, 0, 0, 255)
    assert rgba.getpixel((3, 0)) == (0, 0, 255, 255)


def test_convert_sgi_keeps_alpha() -> None:
    data = _save(_gradient("RGBA"), "SGI")
    result = _open(convert_to_png(data, max_pixels=MAX_IMAGE_PIXELS))
    assert result.mode == "RGBA"
    assert result.getpixel((10, 3)) == _gradient("RGBA").getpixel((10, 3))


def test_convert_bilevel_stays_bilevel() -> None:
    for extension in ("pbm", "xbm"):
        result = _open(convert_to_png(make_image(extension), max_pixels=10_000))
        assert result.mode == "1"


def test_convert_16_bit_pgm_to_8_bit_grey() -> None:
    data = b"P5\n2 1\n65535\n" + struct.pack(">HH", 0, 65535)
    result = _open(convert_to_png(data, max_pixels=10))
    assert result.mode == "L"
    assert [result.getpixel((0, 0)), result.getpixel((1, 0))] == [0, 255]


def test_convert_to_png_applies_the_same_checks() -> None:
    assert_rejected(
        lambda: convert_to_png(png_declaring(5_000, 5_000), max_pixels=1_000_000),
        "too_many_pixels",
    )
    assert_rejected(
        lambda: convert_to_png(HTML_PAGE, max_pixels=MAX_IMAGE_PIXELS), "not_an_image"
    )


# -- check_logo -------------------------------------------------------------------


@pytest.mark.parametrize("extension", LOGO_EXTENSIONS)
def test_check_logo_accepts_every_guide_format(extension: str) -> None:
    data = make_image(extension)
    name, stored = check_logo(f"our-logo.{extension}", data)
    if extension in LEGACY:
        assert name == "our-logo.png"
        assert _open(stored).format == "PNG"
    elif extension == "jpe":
        assert name == "our-logo.jpg"
        assert stored == data
    else:
        assert name == f"our-logo.{extension}"
        assert stored == data


def test_check_logo_extension_is_case_insensitive() -> None:
    name, _data = check_logo("LOGO.PNG", make_image("png"))
    assert name == "LOGO.png"
    name, _data = check_logo("Logo.JPE", make_image("jpe"))
    assert name == "Logo.jpg"


def test_check_logo_refuses_oversized_file_first() -> None:
    data = noise_png((300, 300))
    assert len(data) > LOGO_MAX_BYTES
    size_kb = -(-len(data) // 1024)
    assert_rejected(
        lambda: check_logo("logo.png", data), "file_too_large", 200, size_kb
    )


def test_check_logo_size_limit_is_inclusive_and_configurable() -> None:
    data = make_image("png")
    assert check_logo("logo.png", data, max_bytes=len(data))[1] == data
    assert_rejected(
        lambda: check_logo("logo.png", data, max_bytes=len(data) - 1),
        "file_too_large",
    )


def test_check_logo_uses_real_size_when_given() -> None:
    # read_upload returns at most limit + 1 bytes; the form passes f.size.
    data = make_image("png")
    assert_rejected(
        lambda: check_logo("logo.png", data, size=300 * 1024),
        "file_too_large",
        200,
        300,
    )


def test_check_logo_one_byte_over_never_reads_as_the_limit() -> None:
    exc = assert_rejected(
        lambda: check_logo("logo.png", b"x" * (LOGO_MAX_BYTES + 1)), "file_too_large"
    )
    assert exc.params["size"] == 201


@pytest.mark.parametrize(
    "name",
    [
        "logo.webp",
        "logo.tiff",
        "logo.svg",
        "logo.pdf",
        "logo.exe",
        "logo",
        ".png",
        "logo.png.exe",
        "logo.",
        "logo.jfif",
    ],
)
def test_check_logo_refuses_other_extensions(name: str) -> None:
    exc = assert_rejected(
        lambda: check_logo(name, make_image("png")), "bad_extension", "xpm", "jpe"
    )
    assert exc.params["extensions"] == ", ".join(LOGO_EXTENSIONS)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("logo.png", PDF_DOCUMENT, "not_an_image"),
        ("logo.png", HTML_PAGE, "not_an_image"),
        ("logo.gif", b"GIF89a<script>alert(1)</script>", "corrupt_image"),
        ("logo.jpg", b"", "empty_file"),
        ("logo.png", png_declaring(64_000, 64_000), "too_many_pixels"),
        ("logo.gif", gif_declaring(65_535, 65_535), "too_many_pixels"),
        ("logo.jpg", jpeg_declaring(64_250, 64_250), "too_many_pixels"),
        ("logo.png", noise_png((64, 64))[:3000], "corrupt_image"),
        ("logo.png", _save(_gradient("RGB"), "TIFF"), "format_not_allowed"),
    ],
)
def test_check_logo_refuses_bad_content(name: str, data: bytes, code: str) -> None:
    assert_rejected(lambda: check_logo(name, data), code)


def test_check_logo_refuses_webp_renamed_png() -> None:
    if not features.check("webp"):
        pytest.skip("Pillow built without WebP")
    data = _save(_gradient("RGB"), "WEBP")
    assert_rejected(lambda: check_logo("logo.png", data), "format_not_allowed", "WEBP")


@pytest.mark.parametrize(
    ("name", "real", "expected_name", "converted"),
    [
        ("logo.png", "gif", "logo.gif", False),
        ("logo.jpg", "png", "logo.png", False),
        ("logo.gif", "jpg", "logo.jpg", False),
        ("logo.jpe", "png", "logo.png", False),
        ("logo.png", "bmp", "logo.png", True),
        ("logo.gif", "xpm", "logo.png", True),
        ("logo.jpeg", "rgb", "logo.png", True),
    ],
)
def test_check_logo_is_lenient_on_names_but_names_by_content(
    name: str, real: str, expected_name: str, converted: bool
) -> None:
    data = make_image(real)
    new_name, stored = check_logo(name, data)
    assert new_name == expected_name
    if converted:
        assert _open(stored).format == "PNG"
    else:
        assert stored == data


def test_check_logo_pixel_cap_is_a_parameter() -> None:
    assert_rejected(
        lambda: check_logo("logo.bmp", make_image("bmp"), max_pixels=100),
        "too_many_pixels",
        100,
    )


def test_check_logo_refuses_conversion_that_outgrows_the_limit() -> None:
    # A noisy 1-bit image: its PBM is small, its PNG cannot be much smaller.
    rng = random.Random(3)
    image = Image.frombytes("1", (512, 512), rng.randbytes(512 * 512 // 8))
    data = _save(image, "PPM")
    limit = len(data) + 10  # the PBM fits, its PNG (with headers) does not
    png = convert_to_png(data, max_pixels=MAX_IMAGE_PIXELS)
    assert len(png) > limit
    assert_rejected(
        lambda: check_logo("logo.pbm", data, max_bytes=limit), "converted_too_large"
    )


# -- check_pdf --------------------------------------------------------------------


def pillow_pdf() -> bytes:
    return _save(_gradient("RGB"), "PDF")


@pytest.mark.parametrize("data", [PDF_DOCUMENT, pillow_pdf()], ids=["handmade", "pil"])
def test_check_pdf_accepts_real_pdfs(data: bytes) -> None:
    assert check_pdf("brochure.pdf", data[:1024], data[-1024:]) is None
    assert check_pdf("brochure.pdf", data[:8]) is None
    assert check_pdf("Brochure 2025.PDF", data, data) is None


@pytest.mark.parametrize(
    "prefix", [b"\xef\xbb\xbf", b"\n", b"\r\n  \t", b"\xef\xbb\xbf\n"]
)
def test_check_pdf_accepts_bom_and_whitespace_before_header(prefix: bytes) -> None:
    check_pdf("brochure.pdf", prefix + PDF_DOCUMENT, PDF_DOCUMENT)


@pytest.mark.parametrize(
    ("real", "label"),
    [("png", "PNG"), ("jpg", "JPEG"), ("gif", "GIF"), ("bmp", "BMP")],
)
def test_check_pdf_refuses_images_renamed_pdf(real: str, label: str) -> None:
    data = make_image(real)
    assert_rejected(
        lambda: check_pdf("brochure.pdf", data[:1024], data[-1024:]), "not_a_pdf", label
    )


def test_check_pdf_refuses_tiff_renamed_pdf() -> None:
    data = _save(_gradient("RGB"), "TIFF")
    assert_rejected(lambda: check_pdf("brochure.pdf", data[:1024]), "not_a_pdf", "TIFF")


@pytest.mark.parametrize(
    "data",
    [
        HTML_PAGE,
        b"<html>%PDF-1.4",
        b"junk%PDF-1.4\n",
        b"x" * 100 + PDF_DOCUMENT,
        b"%PDF-\n",
        b"%PDF-x.y\n",
        b"%pdf-1.4\n",
        b"PDF-1.4\n",
        b"",
        b"%!PS-Adobe-3.0\n",
        b"PK\x03\x04",  # a .docx
        b"BMW brochure, 2025 edition\n",
    ],
)
def test_check_pdf_refuses_non_pdf_content(data: bytes) -> None:
    assert_rejected(lambda: check_pdf("brochure.pdf", data[:1024]), "not_a_pdf")


def test_check_pdf_refuses_truncated_document() -> None:
    truncated = PDF_DOCUMENT[:-20]
    assert_rejected(
        lambda: check_pdf("brochure.pdf", truncated[:1024], truncated[-1024:]),
        "incomplete_pdf",
    )


def test_check_pdf_eof_must_be_near_the_end() -> None:
    data = PDF_DOCUMENT + b"x" * 2048
    assert_rejected(
        lambda: check_pdf("brochure.pdf", data[:1024], data[-4096:]), "incomplete_pdf"
    )
    # Up to 1024 bytes of trailing garbage are tolerated, as readers do.
    data = PDF_DOCUMENT + b"\n" * 1000
    check_pdf("brochure.pdf", data[:1024], data[-4096:])


@pytest.mark.parametrize(
    "name",
    [
        "brochure.png",
        "brochure",
        "pdf",
        ".pdf",
        "brochure.pdf.exe",
        "brochure.html",
        "brochure.pdfx",
    ],
)
def test_check_pdf_refuses_other_extensions(name: str) -> None:
    assert_rejected(lambda: check_pdf(name, PDF_DOCUMENT), "bad_extension")


# -- read_upload ------------------------------------------------------------------


def test_read_upload_reads_at_most_limit_plus_one_and_rewinds() -> None:
    f = io.BytesIO(b"0123456789")
    f.seek(7)
    assert read_upload(f, 4) == b"01234"
    assert f.tell() == 0
    assert f.read() == b"0123456789"


def test_read_upload_small_file() -> None:
    f = io.BytesIO(b"abc")
    assert read_upload(f, 10) == b"abc"
    assert f.tell() == 0


def test_read_upload_with_django_uploaded_file() -> None:
    data = make_image("png")
    upload = SimpleUploadedFile("logo.png", data, content_type="image/png")
    upload.read(5)
    assert read_upload(upload, LOGO_MAX_BYTES) == data
    assert upload.read() == data


def test_read_upload_detects_oversize_without_reading_everything() -> None:
    upload = SimpleUploadedFile("logo.png", b"x" * (LOGO_MAX_BYTES * 5))
    head = read_upload(upload, LOGO_MAX_BYTES)
    assert len(head) == LOGO_MAX_BYTES + 1
    assert_rejected(
        lambda: check_logo("logo.png", head, size=upload.size),
        "file_too_large",
        1000,
    )


def test_read_upload_refuses_negative_limit() -> None:
    with pytest.raises(ValueError):
        read_upload(io.BytesIO(b"x"), -1)
