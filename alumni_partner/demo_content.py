"""Demo content for ``manage.py seed_demo``: texts, generated images and PDFs.

Everything is generated in memory, with no network and no binary fixture: logos
and banners are PNG files drawn with Pillow (each well under the guide's 200 KB),
brochures are small hand-written PDF 1.4 files.
"""

from __future__ import annotations

import io
import random
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

#: Kinds of news (guide 3.2, "le type de news").
NEWS_TYPES: dict[str, dict[str, str]] = {
    "Événement": {"en": "Event", "es": "Evento", "pt": "Evento", "ar": "فعالية"},
    "Recrutement": {
        "en": "Recruitment",
        "es": "Contratación",
        "pt": "Recrutamento",
        "ar": "توظيف",
    },
    "Appel à candidatures": {
        "en": "Call for applications",
        "es": "Convocatoria",
        "pt": "Chamada de candidaturas",
        "ar": "دعوة للترشح",
    },
    "Vie de l'organisation": {
        "en": "Company news",
        "es": "Vida de la organización",
        "pt": "Vida da organização",
        "ar": "أخبار المؤسسة",
    },
}

#: Groups of alumni a news is meant for (guide 3.2, "les groupes").
AUDIENCE_GROUPS: dict[str, dict[str, str]] = {
    "Tous les alumni": {
        "en": "All alumni",
        "es": "Todos los alumni",
        "pt": "Todos os alumni",
        "ar": "جميع الخريجين",
    },
    "Ingénieurs": {
        "en": "Engineers",
        "es": "Ingenieros",
        "pt": "Engenheiros",
        "ar": "المهندسون",
    },
    "Jeunes diplômés": {
        "en": "Recent graduates",
        "es": "Recién titulados",
        "pt": "Recém-formados",
        "ar": "الخريجون الجدد",
    },
    "Santé": {"en": "Health", "es": "Salud", "pt": "Saúde", "ar": "الصحة"},
    "Entrepreneurs": {
        "en": "Entrepreneurs",
        "es": "Emprendedores",
        "pt": "Empreendedores",
        "ar": "رواد الأعمال",
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


# --- News ---------------------------------------------------------------------


@dataclass
class NewsTranslation:
    """A translation of a news: title and paragraphs (one to one with the French)."""

    title: str
    paragraphs: list[str]


@dataclass
class DemoNews:
    title: str
    news_type: str
    groups: list[str]
    #: French paragraphs (rich text HTML, one block-level element each).
    paragraphs: list[str]
    keywords: list[str]
    #: Published this many days ago (the news' date and first publication).
    days_ago: int
    translations: dict[str, NewsTranslation] = field(default_factory=dict)
    featured: bool = False
    #: Archived by the partner (offline, in the "archived" tab) after being read.
    archived: bool = False
    #: Published long enough ago that it leaves the site in this many days.
    expires_in_days: int | None = None
    #: A picture as the news' image and inside its body.
    picture: bool = False
    #: A PDF attached to the news, with this title.
    document: str = ""
    video: str = ""
    #: Views on its first day; they decrease day after day.
    popularity: int = 20
    #: How many demo alumni like it.
    likes: int = 0


#: Partner name -> its news, newest last.
NEWS: dict[str, list[DemoNews]] = {
    "Helios Énergie": [
        DemoNews(
            title="Forum des métiers de l'énergie solaire à Lyon",
            news_type="Événement",
            groups=["Ingénieurs", "Jeunes diplômés"],
            paragraphs=[
                "<p>Le <b>12 juin</b>, nos équipes présentent leurs métiers à "
                "Lyon : ingénierie, exploitation, financement de projets.</p>",
                "<p>Inscription gratuite et obligatoire, places limitées.</p>",
            ],
            keywords=["forum", "énergie solaire", "Lyon"],
            days_ago=6,
            translations={
                "en": NewsTranslation(
                    title="Solar energy careers fair in Lyon",
                    paragraphs=[
                        "<p>On <b>12 June</b>, our teams present their jobs in "
                        "Lyon: engineering, operations, project finance.</p>",
                        "<p>Free registration required, limited places.</p>",
                    ],
                )
            },
            featured=True,
            picture=True,
            popularity=60,
            likes=3,
        ),
        DemoNews(
            title="Dix postes d'ingénieur projet à Casablanca et Dakar",
            news_type="Recrutement",
            groups=["Ingénieurs"],
            paragraphs=[
                "<p>Nous recrutons dix ingénieurs projet pour nos centrales de "
                "<i>Benban</i>, <i>Noor</i> et <i>Diass</i>.</p>",
                "<ul><li>Diplôme d'ingénieur ou master</li>"
                "<li>Français et anglais courants</li></ul>",
            ],
            keywords=["recrutement", "ingénieur", "Afrique"],
            days_ago=20,
            translations={
                "en": NewsTranslation(
                    title="Ten project engineer positions in Casablanca and Dakar",
                    paragraphs=[
                        "<p>We are hiring ten project engineers for our plants in "
                        "<i>Benban</i>, <i>Noor</i> and <i>Diass</i>.</p>",
                        "<ul><li>Engineering degree or master's</li>"
                        "<li>Fluent French and English</li></ul>",
                    ],
                )
            },
            document="Fiche de poste – ingénieur projet",
            popularity=45,
            likes=2,
        ),
        DemoNews(
            title="Programme VIE 2025 : candidatures ouvertes",
            news_type="Appel à candidatures",
            groups=["Jeunes diplômés"],
            paragraphs=[
                "<p>Douze missions de volontariat international en entreprise "
                "sont ouvertes pour la rentrée.</p>",
                "<p>Présentation du programme en vidéo ci-dessous.</p>",
            ],
            keywords=["VIE", "volontariat"],
            days_ago=35,
            video=RICK,
            popularity=30,
            likes=1,
        ),
        DemoNews(
            title="Inauguration de la centrale solaire de Kaolack",
            news_type="Vie de l'organisation",
            groups=["Tous les alumni"],
            paragraphs=[
                "<p>La centrale de Kaolack alimente désormais 40 000 foyers.</p>",
            ],
            keywords=["Sénégal", "énergie solaire"],
            days_ago=0,
            expires_in_days=3,
            picture=True,
            popularity=25,
        ),
        DemoNews(
            title="Portes ouvertes de l'hiver dernier",
            news_type="Événement",
            groups=["Tous les alumni"],
            paragraphs=["<p>Merci aux 150 alumni venus visiter nos ateliers.</p>"],
            keywords=["portes ouvertes"],
            days_ago=80,
            archived=True,
            popularity=35,
            likes=1,
        ),
    ],
    "École d'ingénieurs de l'Atlas": [
        DemoNews(
            title="Journée des doubles diplômes franco-marocains",
            news_type="Événement",
            groups=["Jeunes diplômés", "Ingénieurs"],
            paragraphs=[
                "<p>Rencontrez les responsables des doubles diplômes avec nos "
                "écoles partenaires françaises, le 3 juillet à Casablanca.</p>",
            ],
            keywords=["double diplôme", "Casablanca"],
            days_ago=9,
            translations={
                "en": NewsTranslation(
                    title="French-Moroccan double degree day",
                    paragraphs=[
                        "<p>Meet the heads of the double degrees with our French "
                        "partner schools, on 3 July in Casablanca.</p>",
                    ],
                )
            },
            featured=True,
            picture=True,
            popularity=40,
            likes=2,
        ),
        DemoNews(
            title="Appel à enseignants vacataires en génie civil",
            news_type="Appel à candidatures",
            groups=["Ingénieurs"],
            paragraphs=[
                "<p>L'école cherche des alumni ingénieurs pour des cours de "
                "béton armé et de géotechnique.</p>",
            ],
            keywords=["enseignement", "génie civil"],
            days_ago=24,
            document="Appel à enseignants 2025",
            popularity=15,
        ),
        DemoNews(
            title="Nouveau laboratoire d'énergies renouvelables",
            news_type="Vie de l'organisation",
            groups=["Tous les alumni"],
            paragraphs=["<p>Un laboratoire de 600 m² ouvre sur le campus.</p>"],
            keywords=["recherche", "énergie solaire"],
            days_ago=41,
            popularity=12,
        ),
    ],
    "Teranga Santé": [
        DemoNews(
            title="Campagne de dépistage du diabète à Thiès",
            news_type="Événement",
            groups=["Santé"],
            paragraphs=[
                "<p>Médecins et pharmaciens bénévoles sont attendus du 1er au "
                "5 juillet.</p>",
            ],
            keywords=["bénévolat", "prévention"],
            days_ago=4,
            popularity=20,
            likes=1,
        ),
        DemoNews(
            title="Bénévoles recherchés pour les caravanes de santé",
            news_type="Appel à candidatures",
            groups=["Santé", "Jeunes diplômés"],
            paragraphs=[
                "<p>Rejoignez nos caravanes dans les régions de Kolda et de "
                "Tambacounda.</p>",
            ],
            keywords=["bénévolat"],
            days_ago=28,
            popularity=18,
        ),
        DemoNews(
            title="Rapport annuel : 12 000 consultations",
            news_type="Vie de l'organisation",
            groups=["Tous les alumni"],
            paragraphs=["<p>Nos chiffres de l'année et nos projets.</p>"],
            keywords=["rapport"],
            days_ago=36,
            document="Teranga Santé – rapport annuel",
            popularity=10,
        ),
    ],
    "Mekong Numérique": [
        DemoNews(
            title="Hackathon francophone à Hô Chi Minh-Ville",
            news_type="Événement",
            groups=["Ingénieurs", "Jeunes diplômés"],
            paragraphs=[
                "<p>48 heures pour imaginer les services bancaires mobiles de "
                "demain, en équipes francophones.</p>",
            ],
            keywords=["hackathon", "mobile"],
            days_ago=2,
            translations={
                "en": NewsTranslation(
                    title="French-speaking hackathon in Ho Chi Minh City",
                    paragraphs=[
                        "<p>48 hours to imagine tomorrow's mobile banking "
                        "services, in French-speaking teams.</p>",
                    ],
                )
            },
            featured=True,
            picture=True,
            popularity=50,
            likes=2,
        ),
        DemoNews(
            title="Nous recrutons des développeurs mobiles",
            news_type="Recrutement",
            groups=["Ingénieurs"],
            paragraphs=["<p>Kotlin, Swift ou Flutter : cinq postes à pourvoir.</p>"],
            keywords=["recrutement", "mobile"],
            days_ago=16,
            popularity=35,
        ),
        DemoNews(
            title="Mekong Numérique ouvre un bureau à Hanoï",
            news_type="Vie de l'organisation",
            groups=["Tous les alumni"],
            paragraphs=["<p>Vingt personnes rejoignent notre nouveau bureau.</p>"],
            keywords=["Hanoï"],
            days_ago=45,
            popularity=14,
        ),
    ],
    "Bureau de coopération universitaire de Brasília": [
        DemoNews(
            title="Forum des alumni 2025 à São Paulo",
            news_type="Événement",
            groups=["Tous les alumni"],
            paragraphs=[
                "<p>Le forum réunit anciens étudiants, universités et entreprises "
                "françaises le 20 septembre.</p>",
            ],
            keywords=["forum", "São Paulo"],
            days_ago=12,
            featured=True,
            popularity=30,
            likes=2,
        ),
        DemoNews(
            title="Bourses du gouvernement français : calendrier 2025",
            news_type="Appel à candidatures",
            groups=["Jeunes diplômés"],
            paragraphs=["<p>Dépôt des dossiers jusqu'au 15 octobre.</p>"],
            keywords=["bourses"],
            days_ago=30,
            document="Calendrier des bourses 2025",
            popularity=25,
        ),
        DemoNews(
            title="Réunion des correspondants alumni",
            news_type="Vie de l'organisation",
            groups=["Tous les alumni"],
            paragraphs=["<p>Compte rendu de la réunion de Brasília.</p>"],
            keywords=["réseau"],
            days_ago=38,
            popularity=8,
        ),
    ],
    "Atelier industriel du Bajío": [
        DemoNews(
            title="Visite de l'atelier pour les ingénieurs qualité",
            news_type="Événement",
            groups=["Ingénieurs"],
            paragraphs=["<p>Une visite guidée de nos lignes d'usinage.</p>"],
            keywords=["aéronautique", "Querétaro"],
            days_ago=8,
            popularity=15,
        ),
        DemoNews(
            title="Postes d'ingénieur méthodes à Querétaro",
            news_type="Recrutement",
            groups=["Ingénieurs", "Jeunes diplômés"],
            paragraphs=["<p>Trois postes en CDI, espagnol et français requis.</p>"],
            keywords=["recrutement", "aéronautique"],
            days_ago=22,
            popularity=20,
        ),
        DemoNews(
            title="Certification EN 9100 renouvelée",
            news_type="Vie de l'organisation",
            groups=["Tous les alumni"],
            paragraphs=["<p>Notre certification qualité est renouvelée.</p>"],
            keywords=["qualité"],
            days_ago=40,
            popularity=6,
        ),
    ],
    "Fondation Numérique Solidaire": [
        DemoNews(
            title="Appel à projets d'inclusion numérique",
            news_type="Appel à candidatures",
            groups=["Entrepreneurs", "Tous les alumni"],
            paragraphs=[
                "<p>Jusqu'à 20 000 € pour un projet porté par des alumni dans "
                "leur pays.</p>",
            ],
            keywords=["appel à projets", "inclusion numérique"],
            days_ago=14,
            document="Appel à projets 2025 – règlement",
            popularity=35,
            likes=1,
        ),
        DemoNews(
            title="Atelier en ligne : monter son dossier de candidature",
            news_type="Événement",
            groups=["Entrepreneurs"],
            paragraphs=["<p>Une heure pour poser vos questions, le 18 juin.</p>"],
            keywords=["atelier", "appel à projets"],
            days_ago=5,
            popularity=15,
        ),
        DemoNews(
            title="Les lauréats de l'an dernier",
            news_type="Vie de l'organisation",
            groups=["Tous les alumni"],
            paragraphs=["<p>Huit projets financés dans six pays.</p>"],
            keywords=["lauréats"],
            days_ago=44,
            popularity=10,
        ),
    ],
}


@dataclass
class DemoMember:
    """An alumnus of the public site (likes news); no access to the admin."""

    email: str
    first_name: str
    last_name: str


MEMBERS: list[DemoMember] = [
    DemoMember("amina@alumni.test", "Amina", "Diallo"),
    DemoMember("lucas@alumni.test", "Lucas", "Oliveira"),
    DemoMember("thao@alumni.test", "Thảo", "Trần"),
]


def daily_views(demo: DemoNews | DemoOffer, days_online: int) -> list[int]:
    """A plausible, repeatable series of daily views: high at first, then fading."""
    rng = random.Random(demo.title)
    series = []
    for day in range(days_online):
        expected = demo.popularity * 0.93**day
        series.append(max(0, round(expected * rng.uniform(0.6, 1.4))))
    return series


# --- Job offers -----------------------------------------------------------------

#: The contract types and seniority levels migration 0007 creates in French,
#: with their names in the other site languages.
CONTRACT_TYPES: dict[str, dict[str, str]] = {
    "CDI": {
        "en": "Permanent contract",
        "es": "Contrato indefinido",
        "pt": "Contrato por tempo indeterminado",
        "ar": "عقد غير محدد المدة",
    },
    "CDD": {
        "en": "Fixed-term contract",
        "es": "Contrato temporal",
        "pt": "Contrato por tempo determinado",
        "ar": "عقد محدد المدة",
    },
    "Stage": {"en": "Internship", "es": "Prácticas", "pt": "Estágio", "ar": "تدريب"},
    "Alternance": {
        "en": "Work-study",
        "es": "Formación dual",
        "pt": "Formação em alternância",
        "ar": "تكوين بالتناوب",
    },
    "VIE": {
        "en": "International volunteering (VIE)",
        "es": "Voluntariado internacional (VIE)",
        "pt": "Voluntariado internacional (VIE)",
        "ar": "التطوع الدولي (VIE)",
    },
    "Freelance": {
        "en": "Freelance",
        "es": "Autónomo",
        "pt": "Autônomo",
        "ar": "عمل حر",
    },
}

SENIORITY_LEVELS: dict[str, dict[str, str]] = {
    "Débutant (moins de 2 ans)": {
        "en": "Entry level (under 2 years)",
        "es": "Principiante (menos de 2 años)",
        "pt": "Iniciante (menos de 2 anos)",
        "ar": "مبتدئ (أقل من سنتين)",
    },
    "Confirmé (2 à 5 ans)": {
        "en": "Intermediate (2 to 5 years)",
        "es": "Intermedio (2 a 5 años)",
        "pt": "Intermediário (2 a 5 anos)",
        "ar": "متوسط الخبرة (من 2 إلى 5 سنوات)",
    },
    "Expérimenté (5 à 10 ans)": {
        "en": "Experienced (5 to 10 years)",
        "es": "Experimentado (5 a 10 años)",
        "pt": "Experiente (5 a 10 anos)",
        "ar": "ذو خبرة (من 5 إلى 10 سنوات)",
    },
    "Senior (plus de 10 ans)": {
        "en": "Senior (over 10 years)",
        "es": "Sénior (más de 10 años)",
        "pt": "Sênior (mais de 10 anos)",
        "ar": "خبير (أكثر من 10 سنوات)",
    },
}

JUNIOR = "Débutant (moins de 2 ans)"
CONFIRMED = "Confirmé (2 à 5 ans)"
EXPERIENCED = "Expérimenté (5 à 10 ans)"
SENIOR = "Senior (plus de 10 ans)"


@dataclass
class OfferTranslation:
    """A translation of an offer: title and mission (one to one with the French)."""

    title: str
    mission: list[str]


@dataclass
class DemoOffer:
    title: str
    #: The partner's own reference, unique among its offers.
    reference: str
    contract_type: str
    seniority: str
    skills: list[str]
    #: French paragraphs of the mission (rich text HTML, one block each).
    mission: list[str]
    city: str
    country: str
    #: Where candidates apply: an e-mail address or an application page.
    contact: str
    contact_name: str = ""
    #: Defaults to the partner's sector.
    sector: str = ""
    remote_allowed: bool = False
    #: (minimum, maximum) in ``currency`` per ``period``.
    salary: tuple[int, int] | None = None
    currency: str = "EUR"
    period: str = "YEAR"
    #: Starts this many days from today; ``None``: available immediately.
    starts_in_days: int | None = None
    #: Published this many days ago.
    days_ago: int = 7
    #: Published long enough ago that it leaves the board in this many days.
    expires_in_days: int | None = None
    #: "live", "filled" or "deleted" (taken off the board by the partner), or
    #: "pending" (sent to the editors, never published).
    state: str = "live"
    translations: dict[str, OfferTranslation] = field(default_factory=dict)
    #: Views on its first day; they decrease day after day.
    popularity: int = 20


#: Partner name -> its offers.
OFFERS: dict[str, list[DemoOffer]] = {
    "Helios Énergie": [
        DemoOffer(
            title="Ingénieur·e projet photovoltaïque",
            reference="HEL-2025-014",
            contract_type="CDI",
            seniority=CONFIRMED,
            skills=["photovoltaïque", "gestion de projet", "AutoCAD"],
            mission=[
                "<p>Au sein de l'équipe projets de <b>Lyon</b>, vous pilotez la "
                "construction de centrales solaires de 5 à 50 MWc, des études "
                "à la mise en service.</p>",
                "<ul><li>Diplôme d'ingénieur (énergie, génie électrique)</li>"
                "<li>Deux ans d'expérience en projets EnR</li>"
                "<li>Anglais courant ; l'arabe est un plus</li></ul>",
            ],
            city="Lyon",
            country="FR",
            contact="recrutement@helios-energie.example.org",
            contact_name="Camille Durand",
            salary=(45000, 55000),
            days_ago=12,
            translations={
                "en": OfferTranslation(
                    title="Photovoltaic project engineer",
                    mission=[
                        "<p>In the project team in <b>Lyon</b>, you lead the "
                        "construction of 5 to 50 MWp solar plants, from the "
                        "studies to commissioning.</p>",
                        "<ul><li>Engineering degree (energy, electrical "
                        "engineering)</li>"
                        "<li>Two years of experience in renewable projects</li>"
                        "<li>Fluent English; Arabic is a plus</li></ul>",
                    ],
                )
            },
            popularity=40,
        ),
        DemoOffer(
            title="VIE – Ingénieur·e d'exploitation à Casablanca",
            reference="HEL-2025-015",
            contract_type="VIE",
            seniority=JUNIOR,
            skills=["exploitation", "maintenance", "SCADA"],
            mission=[
                "<p>Pour 18 mois, vous suivez la production de nos centrales "
                "marocaines et organisez leur maintenance préventive.</p>",
                "<p>Mission de volontariat international en entreprise, "
                "indemnité selon le barème Business France.</p>",
            ],
            city="Casablanca",
            country="MA",
            contact="https://helios-energie.example.org/carrieres/vie-casablanca",
            salary=(2400, 2600),
            period="MONTH",
            starts_in_days=45,
            days_ago=20,
            popularity=30,
        ),
        DemoOffer(
            title="Stage – Analyste financement de projets",
            reference="HEL-2025-016",
            contract_type="Stage",
            seniority=JUNIOR,
            skills=["finance de projet", "modélisation financière", "Excel"],
            mission=[
                "<p>Six mois aux côtés de notre directrice financière : "
                "modèles financiers, dossiers bancaires, suivi des "
                "subventions.</p>",
                "<p>Stage de fin d'études, école de commerce ou d'ingénieurs.</p>",
            ],
            city="Lyon",
            country="FR",
            contact="stages@helios-energie.example.org",
            salary=(1200, 1400),
            period="MONTH",
            # Leaves the board in three days: the reminder and "Renouveler".
            expires_in_days=3,
            popularity=25,
        ),
        DemoOffer(
            title="Technicien·ne de maintenance solaire",
            reference="HEL-2025-009",
            contract_type="CDD",
            seniority=CONFIRMED,
            skills=["électricité", "maintenance", "habilitation électrique"],
            mission=[
                "<p>Douze mois à Dakar pour la maintenance de la centrale de "
                "<i>Diass</i>.</p>",
            ],
            city="Dakar",
            country="SN",
            contact="recrutement@helios-energie.example.org",
            salary=(900000, 1200000),
            currency="XOF",
            period="MONTH",
            days_ago=40,
            state="filled",
            popularity=20,
        ),
    ],
    "École d'ingénieurs de l'Atlas": [
        DemoOffer(
            title="Enseignant·e-chercheur·e en génie énergétique",
            reference="ATLAS-EC-2025-03",
            contract_type="CDI",
            seniority=EXPERIENCED,
            skills=["enseignement", "recherche", "thermique"],
            mission=[
                "<p>Vous enseignez la thermique et les énergies renouvelables "
                "en cycle ingénieur et encadrez des doctorants.</p>",
                "<p>Doctorat exigé ; une expérience dans une école française "
                "est appréciée.</p>",
            ],
            city="Casablanca",
            country="MA",
            contact="recrutement@ecole-atlas.example.org",
            contact_name="Youssef Benali",
            sector="Énergie",
            salary=(240000, 320000),
            currency="MAD",
            starts_in_days=75,
            days_ago=9,
            translations={
                "en": OfferTranslation(
                    title="Lecturer and researcher in energy engineering",
                    mission=[
                        "<p>You teach heat transfer and renewable energies in "
                        "the engineering programme and supervise PhD "
                        "students.</p>",
                        "<p>PhD required; experience in a French school is "
                        "appreciated.</p>",
                    ],
                )
            },
            popularity=30,
        ),
        DemoOffer(
            title="Chargé·e de relations entreprises",
            reference="ATLAS-RE-2025-01",
            contract_type="CDD",
            seniority=CONFIRMED,
            skills=["relations entreprises", "événementiel"],
            mission=[
                "<p>Vous développez les partenariats de l'école avec les "
                "entreprises françaises implantées au Maroc.</p>",
            ],
            city="Casablanca",
            country="MA",
            contact="https://ecole-atlas.example.org/emplois",
            salary=(12000, 15000),
            currency="MAD",
            period="MONTH",
            days_ago=25,
            popularity=15,
        ),
        DemoOffer(
            title="Alternance – Assistant·e communication",
            reference="ATLAS-COM-2025-02",
            contract_type="Alternance",
            seniority=JUNIOR,
            skills=["communication", "réseaux sociaux"],
            mission=["<p>Un an en alternance au service communication.</p>"],
            city="Casablanca",
            country="MA",
            contact="communication@ecole-atlas.example.org",
            days_ago=30,
            # Taken off the board by the school: kept as "deleted".
            state="deleted",
            popularity=10,
        ),
    ],
    "Teranga Santé": [
        DemoOffer(
            title="Coordinateur·rice médical·e de campagne",
            reference="TS-2025-07",
            contract_type="CDD",
            seniority=EXPERIENCED,
            skills=["santé publique", "coordination", "wolof"],
            mission=[
                "<p>Six mois pour coordonner notre campagne de dépistage du "
                "diabète dans les régions de Thiès et Kaolack.</p>",
                "<p>Diplôme de médecine ; expérience de terrain en Afrique de "
                "l'Ouest.</p>",
            ],
            city="Dakar",
            country="SN",
            contact="benevoles@teranga-sante.example.org",
            contact_name="Aminata Diop",
            salary=(1500000, 1800000),
            currency="XOF",
            period="MONTH",
            starts_in_days=30,
            days_ago=15,
            popularity=20,
        ),
        DemoOffer(
            title="Stage en épidémiologie",
            reference="TS-2025-08",
            contract_type="Stage",
            seniority=JUNIOR,
            skills=["épidémiologie", "R", "statistiques"],
            mission=[
                "<p>Analyse des données de nos campagnes de prévention ; stage "
                "de master 2 de quatre à six mois.</p>",
            ],
            city="Dakar",
            country="SN",
            contact="benevoles@teranga-sante.example.org",
            days_ago=5,
            popularity=15,
        ),
    ],
    "Mekong Numérique": [
        DemoOffer(
            title="Développeur·se mobile Kotlin",
            reference="MKN-DEV-112",
            contract_type="CDI",
            seniority=CONFIRMED,
            skills=["Kotlin", "Android", "API REST"],
            mission=[
                "<p>Vous développez l'application bancaire de nos clients "
                "vietnamiens et cambodgiens, dans une équipe francophone de "
                "huit développeurs.</p>",
                "<ul><li>Trois ans d'expérience Android</li>"
                "<li>Télétravail deux jours par semaine</li></ul>",
            ],
            city="Hô Chi Minh-Ville",
            country="VN",
            contact="jobs@mekong-numerique.example.org",
            contact_name="Linh Nguyen",
            remote_allowed=True,
            salary=(30000, 42000),
            currency="USD",
            days_ago=8,
            translations={
                "en": OfferTranslation(
                    title="Kotlin mobile developer",
                    mission=[
                        "<p>You build the banking application of our Vietnamese "
                        "and Cambodian clients, in a French-speaking team of "
                        "eight developers.</p>",
                        "<ul><li>Three years of Android experience</li>"
                        "<li>Remote work two days a week</li></ul>",
                    ],
                )
            },
            popularity=35,
        ),
        DemoOffer(
            title="Cheffe ou chef de projet digital (mission freelance)",
            reference="MKN-PM-045",
            contract_type="Freelance",
            seniority=SENIOR,
            skills=["gestion de projet", "agilité", "Scrum"],
            mission=[
                "<p>Mission de six mois pour lancer le portail citoyen d'une "
                "collectivité, entièrement à distance.</p>",
            ],
            city="Hô Chi Minh-Ville",
            country="VN",
            contact="https://mekong-numerique.example.org/jobs/pm-045",
            remote_allowed=True,
            salary=(350, 450),
            currency="USD",
            period="DAY",
            days_ago=18,
            popularity=20,
        ),
        DemoOffer(
            title="Stage UX designer",
            reference="MKN-UX-007",
            contract_type="Stage",
            seniority=JUNIOR,
            skills=["UX", "Figma", "accessibilité"],
            mission=[
                "<p>Six mois pour concevoir avec nous des parcours accessibles "
                "à tous les usagers.</p>",
            ],
            city="Hanoï",
            country="VN",
            contact="jobs@mekong-numerique.example.org",
            salary=(400, 500),
            currency="USD",
            period="MONTH",
            starts_in_days=60,
            days_ago=3,
            popularity=25,
        ),
    ],
    "Bureau de coopération universitaire de Brasília": [
        DemoOffer(
            title="Chargé·e de coopération universitaire",
            reference="BCU-2025-02",
            contract_type="CDD",
            seniority=CONFIRMED,
            skills=["coopération", "portugais", "gestion de projet"],
            mission=[
                "<p>Vous suivez les accords entre universités brésiliennes et "
                "françaises et préparez le forum annuel des alumni.</p>",
            ],
            city="Brasília",
            country="BR",
            contact="campus@cooperation-brasilia.example.org",
            salary=(9000, 11000),
            currency="BRL",
            period="MONTH",
            days_ago=22,
            popularity=15,
        ),
        DemoOffer(
            title="VIA – Appui au forum des alumni de São Paulo",
            reference="BCU-2025-03",
            contract_type="VIE",
            seniority=JUNIOR,
            skills=["événementiel", "communication", "portugais"],
            mission=[
                "<p>Volontariat international de douze mois pour organiser le "
                "forum des anciens étudiants à São Paulo.</p>",
            ],
            city="São Paulo",
            country="BR",
            contact="https://cooperation-brasilia.example.org/via",
            starts_in_days=90,
            days_ago=4,
            popularity=12,
        ),
    ],
    "Atelier industriel du Bajío": [
        DemoOffer(
            title="Ingénieur·e qualité aéronautique",
            reference="AIB-QUA-2025-01",
            contract_type="CDI",
            seniority=EXPERIENCED,
            skills=["qualité", "EN 9100", "aéronautique"],
            mission=[
                "<p>Vous garantissez la conformité des pièces livrées aux "
                "avionneurs européens et animez les audits clients.</p>",
            ],
            city="Querétaro",
            country="MX",
            contact="rh@atelier-bajio.example.org",
            contact_name="Diego Hernández",
            salary=(600000, 780000),
            currency="MXN",
            days_ago=16,
            popularity=18,
        ),
        DemoOffer(
            title="Alternance – Ingénieur·e méthodes",
            reference="AIB-MET-2025-02",
            contract_type="Alternance",
            seniority=JUNIOR,
            skills=["méthodes", "usinage", "lean"],
            mission=[
                "<p>Deux ans en alternance pour optimiser nos gammes d'usinage.</p>",
            ],
            city="Querétaro",
            country="MX",
            contact="rh@atelier-bajio.example.org",
            starts_in_days=40,
            # This partner is moderated: the offer waits for the editors.
            state="pending",
        ),
    ],
    "Fondation Numérique Solidaire": [
        DemoOffer(
            title="Chef·fe de projet inclusion numérique",
            reference="FNS-2025-04",
            contract_type="CDD",
            seniority=CONFIRMED,
            skills=["inclusion numérique", "gestion de projet", "partenariats"],
            mission=[
                "<p>Vous accompagnez les lauréats de l'appel à projets, de la "
                "sélection au bilan.</p>",
                "<p>Dix-huit mois, à Paris, avec des déplacements en Afrique "
                "et en Asie.</p>",
            ],
            city="Paris",
            country="FR",
            contact="bonjour@numerique-solidaire.example.org",
            salary=(38000, 42000),
            days_ago=11,
            popularity=22,
        ),
        DemoOffer(
            title="Développeur·se web (mission freelance)",
            reference="FNS-2025-05",
            contract_type="Freelance",
            seniority=CONFIRMED,
            skills=["Django", "Python", "accessibilité"],
            mission=[
                "<p>Trois mois pour refondre notre plateforme de candidature, "
                "à distance.</p>",
            ],
            city="Paris",
            country="FR",
            contact="https://numerique-solidaire.example.org/missions/web",
            remote_allowed=True,
            salary=(400, 500),
            period="DAY",
            days_ago=2,
            popularity=18,
        ),
    ],
}


def daily_apply_clicks(offer: DemoOffer, views: list[int]) -> list[int]:
    """Clicks on "Apply" for a series of daily views: a few in a hundred."""
    rng = random.Random(f"apply {offer.title}")
    return [sum(1 for _ in range(count) if rng.random() < 0.08) for count in views]


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
