"""Synthetic alumni for the demo and the benchmarks, as rows of the import CSV.

Deterministic: the same ``seed`` gives the same people, so a benchmark run
and a demo site can be compared. Names, cities and employers are drawn per
country, so that the directory's facets look like a real network's.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

#: Country code → (first names, last names, cities).
PEOPLE = {
    "MA": (
        ["Yasmine", "Omar", "Salma", "Mehdi", "Imane", "Youssef", "Nadia", "Karim"],
        ["Benali", "El Idrissi", "Alaoui", "Tazi", "Bennani", "Chraibi", "Fassi"],
        ["Casablanca", "Rabat", "Marrakech", "Tanger", "Fès"],
    ),
    "SN": (
        ["Awa", "Moussa", "Fatou", "Cheikh", "Aminata", "Ibrahima", "Khady"],
        ["Diop", "Ndiaye", "Fall", "Sow", "Diallo", "Ba", "Gueye", "Sarr"],
        ["Dakar", "Thiès", "Saint-Louis", "Ziguinchor"],
    ),
    "VN": (
        ["Linh", "Minh", "Thu", "Huy", "Lan", "Quang", "Mai", "Duc"],
        ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang"],
        ["Hanoï", "Hô-Chi-Minh-Ville", "Da Nang", "Huế"],
    ),
    "BR": (
        ["Ana", "João", "Mariana", "Pedro", "Beatriz", "Lucas", "Camila"],
        ["Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida"],
        ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Recife", "Curitiba"],
    ),
    "MX": (
        ["Sofía", "Diego", "Valeria", "Carlos", "Fernanda", "Andrés", "Lucía"],
        ["García", "Hernández", "López", "Martínez", "Rodríguez", "Pérez"],
        ["Mexico", "Guadalajara", "Monterrey", "Puebla"],
    ),
    "IN": (
        ["Priya", "Arjun", "Ananya", "Rahul", "Kavya", "Vikram", "Meera"],
        ["Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Singh"],
        ["Mumbai", "Delhi", "Bangalore", "Chennai", "Pune"],
    ),
    "CN": (
        ["Wei", "Jing", "Hao", "Xin", "Yu", "Lei", "Mei"],
        ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao"],
        ["Pékin", "Shanghai", "Canton", "Shenzhen", "Wuhan"],
    ),
    "LB": (
        ["Rania", "Georges", "Maya", "Karim", "Nour", "Elie", "Layla"],
        ["Haddad", "Khoury", "Saad", "Nassar", "Aoun", "Frangieh"],
        ["Beyrouth", "Tripoli", "Byblos", "Saïda"],
    ),
    "CO": (
        ["Camila", "Santiago", "Daniela", "Mateo", "Laura", "Sebastián"],
        ["Gómez", "Rodríguez", "Vargas", "Rojas", "Castro", "Moreno"],
        ["Bogota", "Medellín", "Cali", "Barranquilla"],
    ),
    "CI": (
        ["Aya", "Kouadio", "Mariam", "Yao", "Adjoua", "Konan", "Fanta"],
        ["Koné", "Kouassi", "Traoré", "Yao", "Bamba", "Ouattara", "Coulibaly"],
        ["Abidjan", "Bouaké", "Yamoussoukro", "San-Pédro"],
    ),
}
COUNTRY_WEIGHTS = [14, 12, 11, 10, 8, 10, 9, 7, 6, 13]

INSTITUTIONS = [
    "Sorbonne Université",
    "Université Paris-Saclay",
    "Sciences Po",
    "HEC Paris",
    "École polytechnique",
    "Université de Lyon",
    "Université de Bordeaux",
    "Université Grenoble Alpes",
    "Aix-Marseille Université",
    "Université de Strasbourg",
    "INSA Toulouse",
    "ESSEC",
    "Université de Montpellier",
    "CentraleSupélec",
    "Université de Lille",
]
FIELDS = [
    ("Informatique", ["Python", "Java", "Data science", "Cloud", "Cybersécurité"]),
    ("Gestion", ["Marketing", "Finance", "Contrôle de gestion", "Audit"]),
    ("Droit", ["Droit des affaires", "Droit international", "Conformité"]),
    ("Ingénierie", ["Mécanique", "Énergie", "Gestion de projet", "Génie civil"]),
    ("Économie", ["Économétrie", "Statistiques", "Politiques publiques"]),
    ("Lettres", ["Traduction", "Communication", "Journalisme"]),
    ("Santé", ["Santé publique", "Biologie", "Recherche clinique"]),
    ("Architecture", ["Urbanisme", "BIM", "Design"]),
]
DEGREES = ["master", "master", "master", "licence", "engineer", "doctorate", "mba"]
EMPLOYERS = [
    "Helios Énergie",
    "Banque Atlantique",
    "TotalEnergies",
    "Orange",
    "Capgemini",
    "Schneider Electric",
    "Air Liquide",
    "Danone",
    "L'Oréal",
    "Société Générale",
    "Decathlon",
    "Ubisoft",
    "Alliance française",
    "Institut Pasteur",
    "AFD",
    "Thales",
]
JOB_TITLES = [
    "Ingénieure logiciel",
    "Chef de projet",
    "Analyste financier",
    "Consultante",
    "Responsable marketing",
    "Data scientist",
    "Juriste",
    "Chargé de mission",
    "Directrice commerciale",
    "Enseignant-chercheur",
]
#: French sector names, as the demo's Sector vocabulary spells them.
SECTORS = ["Énergie", "Éducation", "Santé", "Numérique", "Industrie", "Agriculture"]
EXTRA_LANGUAGES = ["en", "es", "pt", "ar", "de", "zh"]
COUNTRY_LANGUAGE = {
    "MA": "ar",
    "SN": "wo",
    "VN": "vi",
    "BR": "pt",
    "MX": "es",
    "IN": "hi",
    "CN": "zh",
    "LB": "ar",
    "CO": "es",
    "CI": "fr",
}
COLUMNS = [
    "email",
    "first_name",
    "last_name",
    "country",
    "city",
    "institution",
    "field_of_study",
    "degree",
    "graduation_year",
    "employer",
    "job_title",
    "sector",
    "skills",
    "languages",
    "listed",
    "consent_mailings",
    "consent_date",
]


def rows(
    count: int, *, seed: int = 2026, domain: str = "alumni.test"
) -> Iterator[dict]:
    """``count`` alumni as import rows; e-mails are ``first.last.N@domain``."""
    rng = random.Random(seed)
    countries = list(PEOPLE)
    for n in range(1, count + 1):
        country = rng.choices(countries, COUNTRY_WEIGHTS)[0]
        first_names, last_names, cities = PEOPLE[country]
        first, last = rng.choice(first_names), rng.choice(last_names)
        field, field_skills = rng.choice(FIELDS)
        skills = rng.sample(field_skills, k=min(len(field_skills), rng.randint(1, 3)))
        languages = ["fr", COUNTRY_LANGUAGE[country]]
        if rng.random() < 0.6:
            languages.append(rng.choice(EXTRA_LANGUAGES))
        consent = rng.random() < 0.7
        slug = f"{first}.{last}".lower().replace(" ", "-").replace("'", "")
        yield {
            "email": f"{_ascii(slug)}.{n}@{domain}",
            "first_name": first,
            "last_name": last,
            "country": country,
            "city": rng.choice(cities),
            "institution": rng.choice(INSTITUTIONS),
            "field_of_study": field,
            "degree": rng.choice(DEGREES),
            "graduation_year": str(rng.randint(1995, 2025)),
            "employer": rng.choice(EMPLOYERS),
            "job_title": rng.choice(JOB_TITLES),
            "sector": rng.choice(SECTORS),
            "skills": "|".join(skills),
            "languages": "|".join(dict.fromkeys(languages)),
            "listed": "non" if rng.random() < 0.05 else "oui",
            "consent_mailings": "oui" if consent else "non",
            "consent_date": f"2025-{rng.randint(1, 12):02d}-15" if consent else "",
        }


def _ascii(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and not c.isspace())


def write_csv(
    path: Path, count: int, *, seed: int = 2026, delimiter: str = ","
) -> Path:
    """Write ``count`` alumni to ``path`` in UTF-8, as the staff would upload them."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows(count, seed=seed))
    return path


# -- the demo's directory ------------------------------------------------------

#: Demo alumni whose fields are partly hidden, to try the privacy settings.
HIDDEN_SHARE = 0.1


def seed_directory(count: int, partners, *, seed: int = 2026) -> dict[str, int]:
    """Import ``count`` synthetic alumni through the real CSV import; idempotent.

    Then a tenth hide their employer (and some their city), a third follow one
    or two ``partners``, and the counts are returned for the summary.
    """
    import tempfile

    from django.db import transaction

    from . import alumni_import
    from .models import AlumniProfile, PartnerFollow

    domain = "directory.alumni.test"
    imported = AlumniProfile.objects.filter(user__email__endswith=f"@{domain}")
    if imported.count() < count:
        with tempfile.TemporaryDirectory() as folder:
            path = write_csv(Path(folder) / "alumni.csv", count, seed=seed)
            with open(path, encoding="utf-8") as f:
                text = f.read().replace("@alumni.test", f"@{domain}")
            path.write_text(text, encoding="utf-8")
            result = alumni_import.import_file(path)
        if result.status != result.Status.DONE:
            raise RuntimeError(f"demo import failed: {result.message}")
    rng = random.Random(seed)
    profiles = list(imported.order_by("pk").select_related("user"))
    with transaction.atomic():
        for profile in profiles:
            # Both numbers drawn every time: a second run draws the same ones
            # (and so the same follows below) whatever the first one changed.
            hide, show_city = rng.random() < HIDDEN_SHARE, rng.random() < 0.5
            if hide and profile.show_employer:
                profile.show_employer = False
                profile.show_city = show_city
                profile.save()
        follows = []
        partners = list(partners)
        for profile in profiles:
            if partners and rng.random() < 0.35:
                for partner in rng.sample(partners, k=min(len(partners), 2)):
                    follows.append(PartnerFollow(profile=profile, partner=partner))
        PartnerFollow.objects.bulk_create(follows, ignore_conflicts=True)
    return {
        "alumni": imported.count(),
        "listed": imported.filter(listed=True).count(),
        "consenting": imported.filter(accepts_partner_mailings=True).count(),
        "follows": PartnerFollow.objects.filter(profile__in=imported).count(),
    }
