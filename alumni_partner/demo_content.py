"""Demo content for ``manage.py seed_demo``: texts, generated images and PDFs.

Everything is generated in memory, with no network and no binary fixture: logos
and banners are PNG files drawn with Pillow (each well under the guide's 200 KB),
brochures are small hand-written PDF 1.4 files.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from PIL import Image, ImageDraw, ImageFont

# --- Vocabularies -----------------------------------------------------------

#: French name -> names in the other site languages.
SECTORS: dict[str, dict[str, str]] = {
    "Énergie": {"en": "Energy", "es": "Energía", "pt": "Energia", "ar": "الطاقة"},
    "Éducation": {
        "en": "Education",
        "es": "Educación",
        "pt": "Educação",
        "ar": "التعليم",
    },
    "Santé": {"en": "Health", "es": "Salud", "pt": "Saúde", "ar": "الصحة"},
    "Numérique": {"en": "Digital", "es": "Digital", "pt": "Digital", "ar": "الرقمية"},
    "Diplomatie": {
        "en": "Diplomacy",
        "es": "Diplomacia",
        "pt": "Diplomacia",
        "ar": "الدبلوماسية",
    },
    "Industrie": {
        "en": "Industry",
        "es": "Industria",
        "pt": "Indústria",
        "ar": "الصناعة",
    },
    "Agriculture": {
        "en": "Agriculture",
        "es": "Agricultura",
        "pt": "Agricultura",
        "ar": "الزراعة",
    },
}

CATEGORIES: dict[str, dict[str, str]] = {
    "Entreprise": {"en": "Company", "es": "Empresa", "pt": "Empresa", "ar": "شركة"},
    "École": {"en": "School", "es": "Escuela", "pt": "Escola", "ar": "مدرسة"},
    "Ambassade": {"en": "Embassy", "es": "Embajada", "pt": "Embaixada", "ar": "سفارة"},
    "Association": {
        "en": "Association",
        "es": "Asociación",
        "pt": "Associação",
        "ar": "جمعية",
    },
}

# --- Partners ----------------------------------------------------------------

RICK = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
BUNNY = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"


@dataclass
class Brochure:
    label: str
    title: str
    date: date
    comment: str = ""


@dataclass
class Translation:
    """A translation of a partner page: title and presentation paragraphs.

    ``paragraphs`` line up one to one with the French ones.
    """

    title: str
    paragraphs: list[str]


@dataclass
class DemoPartner:
    name: str
    email: str
    first_name: str
    last_name: str
    sector: str
    category: str
    country: str
    street: str
    postcode: str
    city: str
    website: str
    phone: str
    contact_email: str
    colors: tuple[str, str]
    #: French paragraphs (rich text HTML, one block-level element each).
    paragraphs: list[str]
    video: str = ""
    brochures: list[Brochure] = field(default_factory=list)
    translations: dict[str, Translation] = field(default_factory=dict)
    moderated: bool = False
    #: A third picture shown inside the presentation.
    illustration: bool = False

    @property
    def initials(self) -> str:
        words = [w for w in re.split(r"[\s'’-]+", self.name) if w[:1].isupper()]
        return "".join(w[0] for w in words[:2]) or self.name[:2].upper()


PARTNERS: list[DemoPartner] = [
    DemoPartner(
        name="Helios Énergie",
        # The demo's partner account: see seed_demo.PARTNER_EMAIL.
        email="partner@alumni.test",
        first_name="Camille",
        last_name="Durand",
        sector="Énergie",
        category="Entreprise",
        country="FR",
        street="12 rue de la République",
        postcode="69002",
        city="Lyon",
        website="https://helios-energie.example.org",
        phone="+33 4 72 00 00 12",
        contact_email="alumni@helios-energie.example.org",
        colors=("#f59e0b", "#7c2d12"),
        paragraphs=[
            "<p><b>Helios Énergie</b> conçoit et exploite des centrales solaires "
            "en France, au Maghreb et en Afrique de l'Ouest.</p>",
            "<p>Nous recrutons chaque année des ingénieurs formés en France pour "
            "nos équipes de <i>Lyon</i>, <i>Casablanca</i> et <i>Dakar</i>.</p>",
            "<ul><li>Stages de fin d'études</li>"
            "<li>Volontariat international en entreprise (VIE)</li>"
            "<li>Postes d'ingénieur projet</li></ul>",
        ],
        video=RICK,
        brochures=[
            Brochure(
                "Plaquette de présentation",
                "Helios Énergie – plaquette 2025",
                date(2025, 1, 15),
                "Nos métiers, nos sites et nos chiffres clés.",
            ),
            Brochure(
                "Programme VIE",
                "Helios Énergie – programme VIE",
                date(2025, 3, 1),
            ),
        ],
        translations={
            "en": Translation(
                title="Helios Energy",
                paragraphs=[
                    "<p><b>Helios Energy</b> designs and operates solar power plants "
                    "in France, North Africa and West Africa.</p>",
                    "<p>Every year we hire French-trained engineers for our teams "
                    "in <i>Lyon</i>, <i>Casablanca</i> and <i>Dakar</i>.</p>",
                    "<ul><li>Final-year internships</li>"
                    "<li>International volunteering in business (VIE)</li>"
                    "<li>Project engineer positions</li></ul>",
                ],
            )
        },
        illustration=True,
    ),
    DemoPartner(
        name="École d'ingénieurs de l'Atlas",
        email="contact@ecole-atlas.test",
        first_name="Youssef",
        last_name="Benali",
        sector="Éducation",
        category="École",
        country="MA",
        street="45 boulevard Mohammed V",
        postcode="20000",
        city="Casablanca",
        website="https://ecole-atlas.example.org",
        phone="+212 5 22 00 00 45",
        contact_email="relations@ecole-atlas.example.org",
        colors=("#0f766e", "#134e4a"),
        paragraphs=[
            "<p>L'<b>École d'ingénieurs de l'Atlas</b> forme depuis 1987 des "
            "ingénieurs en génie civil, énergie et informatique.</p>",
            "<p>Ses doubles diplômes avec des écoles françaises accueillent chaque "
            "année plus de 200 étudiants.</p>",
        ],
        video=BUNNY,
        brochures=[
            Brochure(
                "Brochure des formations",
                "École de l'Atlas – formations",
                date(2024, 9, 1),
                "Cycles ingénieur, masters et doubles diplômes.",
            )
        ],
        translations={
            "en": Translation(
                title="Atlas School of Engineering",
                paragraphs=[
                    "<p>Since 1987 the <b>Atlas School of Engineering</b> has trained "
                    "engineers in civil engineering, energy and computing.</p>",
                    "<p>Its double degrees with French schools welcome more than 200 "
                    "students every year.</p>",
                ],
            ),
            "ar": Translation(
                title="مدرسة الأطلس للمهندسين",
                paragraphs=[
                    "<p>تكوّن <b>مدرسة الأطلس للمهندسين</b> منذ عام 1987 مهندسين في "
                    "الهندسة المدنية والطاقة والمعلوميات.</p>",
                    "<p>تستقبل شهاداتها المزدوجة مع المدارس الفرنسية أكثر من 200 "
                    "طالب كل عام.</p>",
                ],
            ),
        },
    ),
    DemoPartner(
        name="Teranga Santé",
        email="contact@teranga-sante.test",
        first_name="Aminata",
        last_name="Diop",
        sector="Santé",
        category="Association",
        country="SN",
        street="Route de la Corniche Ouest",
        postcode="10200",
        city="Dakar",
        website="https://teranga-sante.example.org",
        phone="+221 33 800 00 00",
        contact_email="benevoles@teranga-sante.example.org",
        colors=("#dc2626", "#7f1d1d"),
        paragraphs=[
            "<p><b>Teranga Santé</b> réunit des médecins et des pharmaciens "
            "diplômés en France autour de la santé communautaire au Sénégal.</p>",
            "<p>L'association cherche des alumni bénévoles pour ses campagnes de "
            "prévention.</p>",
        ],
        brochures=[
            Brochure(
                "Rapport d'activité",
                "Teranga Santé – rapport d'activité",
                date(2024, 12, 10),
            )
        ],
    ),
    DemoPartner(
        name="Mekong Numérique",
        email="contact@mekong-numerique.test",
        first_name="Linh",
        last_name="Nguyen",
        sector="Numérique",
        category="Entreprise",
        country="VN",
        street="88 Đồng Khởi",
        postcode="700000",
        city="Hô Chi Minh-Ville",
        website="https://mekong-numerique.example.org",
        phone="+84 28 3800 0088",
        contact_email="jobs@mekong-numerique.example.org",
        colors=("#2563eb", "#1e3a8a"),
        paragraphs=[
            "<p><b>Mekong Numérique</b> développe des applications mobiles pour les "
            "banques et les services publics d'Asie du Sud-Est.</p>",
            "<p>Nos équipes francophones accueillent des développeurs et des "
            "chefs de projet formés en France.</p>",
        ],
        video=RICK,
        brochures=[
            Brochure(
                "Présentation de l'entreprise",
                "Mekong Numérique – présentation",
                date(2025, 2, 20),
                "Nos produits et nos clients.",
            )
        ],
        translations={
            "en": Translation(
                title="Mekong Digital",
                paragraphs=[
                    "<p><b>Mekong Digital</b> builds mobile applications for banks "
                    "and public services in South-East Asia.</p>",
                    "<p>Our French-speaking teams welcome developers and project "
                    "managers trained in France.</p>",
                ],
            )
        },
        illustration=True,
    ),
    DemoPartner(
        name="Bureau de coopération universitaire de Brasília",
        email="contact@cooperation-brasilia.test",
        first_name="Ana",
        last_name="Souza",
        sector="Diplomatie",
        category="Ambassade",
        country="BR",
        street="SES Avenida das Nações, Quadra 801",
        postcode="70404-900",
        city="Brasília",
        website="https://cooperation-brasilia.example.org",
        phone="+55 61 3222 0000",
        contact_email="campus@cooperation-brasilia.example.org",
        colors=("#16a34a", "#14532d"),
        paragraphs=[
            "<p>Le <b>Bureau de coopération universitaire</b> accompagne les "
            "étudiants brésiliens qui partent étudier en France.</p>",
            "<p>Il organise chaque année un forum des anciens à Brasília et à "
            "São Paulo.</p>",
        ],
        brochures=[
            Brochure(
                "Guide des bourses",
                "Bourses d'études en France",
                date(2025, 4, 2),
                "Calendrier et conditions des bourses du gouvernement français.",
            ),
            Brochure(
                "Programme du forum",
                "Forum des alumni 2025",
                date(2025, 5, 15),
            ),
        ],
    ),
    DemoPartner(
        name="Atelier industriel du Bajío",
        email="contact@atelier-bajio.test",
        first_name="Diego",
        last_name="Hernández",
        sector="Industrie",
        category="Entreprise",
        country="MX",
        street="Avenida Constituyentes 1000",
        postcode="76000",
        city="Querétaro",
        website="https://atelier-bajio.example.org",
        phone="+52 442 000 1000",
        contact_email="rh@atelier-bajio.example.org",
        colors=("#7c3aed", "#3b0764"),
        paragraphs=[
            "<p>L'<b>Atelier industriel du Bajío</b> fabrique des pièces "
            "aéronautiques pour des avionneurs européens.</p>",
            "<p>Ses ingénieurs qualité et méthodes sont pour beaucoup d'anciens "
            "étudiants d'écoles françaises.</p>",
        ],
        video=BUNNY,
        brochures=[
            Brochure(
                "Fiche entreprise",
                "Atelier industriel du Bajío",
                date(2025, 1, 30),
            )
        ],
        # An editor approves this partner's changes before they go live.
        moderated=True,
    ),
    DemoPartner(
        name="Fondation Numérique Solidaire",
        email="contact@numerique-solidaire.test",
        first_name="Louise",
        last_name="Martin",
        sector="Numérique",
        category="Association",
        country="FR",
        street="5 place de la Bastille",
        postcode="75011",
        city="Paris",
        website="https://numerique-solidaire.example.org",
        phone="+33 1 40 00 00 05",
        contact_email="bonjour@numerique-solidaire.example.org",
        colors=("#db2777", "#831843"),
        paragraphs=[
            "<p>La <b>Fondation Numérique Solidaire</b> finance des projets "
            "d'inclusion numérique portés par des alumni dans leur pays.</p>",
            "<p>Appel à projets ouvert jusqu'au 30 juin.</p>",
        ],
        brochures=[
            Brochure(
                "Appel à projets",
                "Appel à projets 2025",
                date(2025, 3, 10),
                "Critères d'éligibilité et dossier de candidature.",
            )
        ],
    ),
]


# --- Images -----------------------------------------------------------------

_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "DejaVuSans-Bold.ttf",
)


@cache
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for path in _FONT_FILES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow built without FreeType
        return ImageFont.load_default()


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    ra, rb = _rgb(a), _rgb(b)
    return tuple(round(x + (y - x) * t) for x, y in zip(ra, rb, strict=True))  # type: ignore[return-value]


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A palette keeps the flat drawings to a few kilobytes.
    image.convert("RGB").quantize(colors=64).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _centered_text(draw, box, text, font, fill) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = box[0] + (box[2] - box[0] - (right - left)) / 2 - left
    y = box[1] + (box[3] - box[1] - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=fill)


def logo_png(initials: str, colors: tuple[str, str], size: int = 240) -> bytes:
    """A round badge with the partner's initials."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=colors[0], outline=colors[1], width=8)
    _centered_text(draw, (0, 0, size, size), initials, _font(size // 3), "white")
    return _png(image)


def banner_png(title: str, colors: tuple[str, str], size=(1200, 300)) -> bytes:
    """A banner of colour bands, with the partner's name."""
    width, height = size
    image = Image.new("RGB", size, colors[0])
    draw = ImageDraw.Draw(image)
    bands = 12
    for i in range(bands):
        x0 = width * i // bands
        x1 = width * (i + 1) // bands
        draw.rectangle((x0, 0, x1, height), fill=_mix(colors[0], colors[1], i / bands))
    for i in range(5):
        r = 60 + 30 * i
        draw.ellipse(
            (width - 260 - r, height // 2 - r, width - 260 + r, height // 2 + r),
            outline="white",
            width=2,
        )
    font = _font(44)
    draw.text((48, height // 2 - 30), title, font=font, fill="white")
    return _png(image)


def illustration_png(caption: str, colors: tuple[str, str], size=(800, 450)) -> bytes:
    """A flat "landscape": sky, sun, hills."""
    width, height = size
    image = Image.new("RGB", size, _mix(colors[0], "#ffffff", 0.7))
    draw = ImageDraw.Draw(image)
    draw.ellipse((560, 60, 680, 180), fill="#fde047")
    for i, color in enumerate((_mix(colors[0], colors[1], 0.3), colors[1])):
        top = 250 + 60 * i
        draw.polygon(
            [
                (0, height),
                (0, top),
                (width // 3, top - 80),
                (width, top),
                (width, height),
            ],
            fill=color,
        )
    _centered_text(draw, (0, height - 80, width, height), caption, _font(28), "white")
    return _png(image)


# --- PDF --------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def brochure_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 (Helvetica, A4) written by hand: valid, a few KB."""
    stream = [b"BT", b"/F1 22 Tf", b"72 760 Td", b"(" + _pdf_text(title) + b") Tj"]
    stream += [b"/F2 12 Tf", b"0 -36 Td"]
    for line in lines:
        stream += [b"(" + _pdf_text(line) + b") Tj", b"0 -18 Td"]
    stream.append(b"ET")
    content = b"\n".join(stream)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
        b"/Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title ("
        + _pdf_text(title)
        + b") /Producer (alumni_partner seed_demo) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n"
        % (len(objects) + 1, len(objects))
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()
