"""The large demo (``seed_demo --scale large``): a whole network's volume, in bulk.

On top of the small demo, :func:`seed_large` adds (by default) 2,000 partners,
each with ten news and ten job offers, and the alumni that
``seed_demo`` imports through the directory's CSV import (200,000 with
``--scale large``) follow some of them.

Onboarding a partner and publishing a page one by one cost about 0.2 s and a
few tens of milliseconds on PostgreSQL: 2,000 partners and 40,000 pages would
take hours. These builders write, in a few bulk statements per hundred
partners, the rows that onboarding and Wagtail's publishing leave behind:

- pages in the tree (treebeard paths and depths, the parents' ``numchild``, a
  correct ``url_path``), live and published at a date in the past, in French
  with one revision each (``live_revision`` and ``latest_revision``), and an
  alias in every synchronised locale, as wagtail-localize makes them (a copy
  of the page and its relations, ``alias_of`` the French page, no revision);
- for a partner: its page, group, collection, first user (who may log in with
  the demo partner password), the ``Partner`` record, the group's page
  permissions on its page in every locale, its collection permissions and its
  admin access, as :func:`alumni_partner.onboarding.onboard_partner` gives them;
- for a news: type, date, audience groups, keywords, body, expiry two months
  after publication, and daily views;
- for a job offer: every field of the offer form, skills, expiry, and daily
  views and "apply" clicks;
- every page's entry in Wagtail's search index (partner index, news feed and
  job board searches find them), written at once rather than by the task
  queue.

Left out, because nothing the visitors or the partners see reads them: the
reference index ("usage" counts of the snippets in the admin) and the audit
log of these pages. ``manage.py rebuild_references_index`` fills the former.

Idempotent: partners are found again by name, and a hundred partners are
written with all their pages in one transaction, so that an interrupted run
resumes where it stopped and a second run adds nothing.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Revision,
)
from wagtail.search.backends import get_search_backend
from wagtail_localize.models import LocaleSynchronization

from .models import (
    AlumniProfile,
    AudienceGroup,
    ContractType,
    NewsDailyViews,
    NewsPage,
    NewsPageTag,
    NewsType,
    OfferDailyStats,
    OfferPage,
    OfferPageSkill,
    Partner,
    PartnerCategory,
    PartnerFollow,
    PartnerIndexPage,
    PartnerPage,
    PersonalDetails,
    Sector,
    SeniorityLevel,
)
from .news_lifecycle import expiry_from
from .page_cache import renew_partner_list_version
from .permissions import COLLECTION_PERMISSIONS, page_permission_codenames

#: Rows per INSERT statement.
BATCH = 1000
#: Partners written (with all their pages) per transaction.
CHUNK = 100
#: The domain of the bulk partners' first users: ``partner0001@…``.
PARTNER_DOMAIN = "partners.alumni.test"
#: The domain of the alumni imported by the demo (``demo_alumni``).
DIRECTORY_DOMAIN = "directory.alumni.test"
#: Days of daily figures written per news and per offer.
HISTORY_DAYS = 7


@dataclass
class Sizes:
    """How much the large scale adds; ``seed_demo`` options override each."""

    partners: int = 2000
    news_per_partner: int = 10
    offers_per_partner: int = 10
    #: Imported alumni who may log in with the demo member password.
    members_with_password: int = 1000
    #: Share of the imported alumni who follow one to three bulk partners.
    follow_share: float = 0.3


@dataclass
class Report:
    """What a run did, step by step, with the time each step took."""

    steps: list[tuple[str, float]] = field(default_factory=list)
    created_partners: int = 0
    existing_partners: int = 0
    pages: int = 0
    news: int = 0
    offers: int = 0
    follows: int = 0
    members_with_password: int = 0

    def timed(self, label: str, started: float) -> float:
        seconds = time.perf_counter() - started
        self.steps.append((label, seconds))
        return seconds


# --------------------------------------------------------------------------
# What the partners look like
# --------------------------------------------------------------------------

NAME_PREFIXES = [
    "Atlas",
    "Horizon",
    "Nova",
    "Sahel",
    "Andes",
    "Baobab",
    "Cèdre",
    "Delta",
    "Équinoxe",
    "Alizé",
    "Zénith",
    "Orion",
    "Boréal",
    "Sirocco",
    "Oasis",
    "Lagune",
    "Acacia",
    "Kora",
    "Tamaris",
    "Méridien",
    "Aurore",
    "Corail",
    "Ivoire",
    "Sextant",
    "Volubilis",
]
ACTIVITIES = [
    "Conseil",
    "Énergie",
    "Ingénierie",
    "Santé",
    "Numérique",
    "Logistique",
    "Éducation",
    "Finance",
    "Agro",
    "Industries",
    "Architecture",
    "Environnement",
    "Télécoms",
    "Tourisme",
    "Médias",
    "Transports",
    "Biotech",
    "Formation",
    "Avocats",
    "Design",
]
#: (city, country, postcode)
PLACES = [
    ("Paris", "FR", "75011"),
    ("Casablanca", "MA", "20250"),
    ("Dakar", "SN", "10700"),
    ("Abidjan", "CI", "01 BP 1"),
    ("Tunis", "TN", "1002"),
    ("Lyon", "FR", "69002"),
    ("Montréal", "CA", "H2X 1Y4"),
    ("Hô Chi Minh-Ville", "VN", "700000"),
    ("São Paulo", "BR", "01310-100"),
    ("Mexico", "MX", "06600"),
    ("Beyrouth", "LB", "1107"),
    ("Toulouse", "FR", "31000"),
    ("Alger", "DZ", "16000"),
    ("Genève", "CH", "1201"),
    ("Bruxelles", "BE", "1000"),
    ("Bangalore", "IN", "560001"),
    ("Shanghai", "CN", "200000"),
    ("Yaoundé", "CM", "BP 1000"),
    ("Bogota", "CO", "110111"),
    ("Madrid", "ES", "28001"),
    ("Berlin", "DE", "10115"),
    ("Antananarivo", "MG", "101"),
    ("Lima", "PE", "15001"),
    ("Rabat", "MA", "10000"),
    ("Marseille", "FR", "13001"),
]
STREETS = [
    "rue de la République",
    "avenue Mohammed V",
    "boulevard de la Liberté",
    "rue des Écoles",
    "avenue de l'Indépendance",
    "place du Marché",
]
NEWS_TITLES = [
    "Forum emploi {city} : rencontrez nos équipes",
    "Webinaire : travailler dans le secteur {activity}",
    "Bourses {year} pour les alumni",
    "Journée portes ouvertes à {city}",
    "Nos alumni témoignent : parcours en {activity}",
    "Appel à candidatures : programme de mentorat",
    "Conférence annuelle {year} de {name}",
    "Atelier CV et entretiens en français",
    "Nouveau partenariat avec une université française",
    "Afterwork des alumni à {city}",
]
NEWS_PARAGRAPHS = [
    "<p>{name} invite les alumni de {city} et d'ailleurs à {what}. "
    '<a href="https://example.org/programme">Le programme</a>.</p>',
    "<p>Inscription gratuite et obligatoire ; places limitées. Écrivez-nous : "
    '<a href="mailto:{email}">{email}</a>.</p>',
]
KEYWORDS = [
    "forum",
    "recrutement",
    "stage",
    "VIE",
    "bourse",
    "énergie",
    "numérique",
    "santé",
    "ingénieur",
    "alumni",
    "conférence",
    "atelier",
]
JOB_TITLES = [
    "Ingénieur·e projet",
    "Développeur·se Python",
    "Chef·fe de projet",
    "Analyste financier·ère",
    "Technicien·ne de maintenance",
    "Chargé·e de communication",
    "Responsable qualité",
    "Data scientist",
    "Juriste en droit des affaires",
    "Commercial·e export",
    "Consultant·e en stratégie",
    "Enseignant·e de français",
    "Ingénieur·e méthodes",
    "Comptable",
    "Chargé·e de recrutement",
    "Architecte logiciel",
    "Pharmacien·ne",
    "Infirmier·ère",
    "Acheteur·se",
    "Designer UX",
]
SKILLS = [
    "Python",
    "gestion de projet",
    "anglais",
    "Excel",
    "SQL",
    "AutoCAD",
    "négociation",
    "comptabilité",
    "marketing",
    "maintenance",
    "qualité",
    "Java",
    "droit",
    "photovoltaïque",
    "logistique",
    "espagnol",
    "arabe",
    "Figma",
    "santé publique",
    "finance",
]
MISSION = (
    "<p>Au sein d'une équipe de {size} personnes à {city}, vous prenez en charge "
    "des projets de <b>{skill}</b> pour nos clients.</p>"
    "<ul><li>Diplôme d'une école ou d'une université françaises</li>"
    "<li>Maîtrise de {skill2}</li></ul>"
)


@dataclass
class PartnerSpec:
    """One bulk partner, derived from its number alone."""

    number: int
    name: str
    slug: str
    city: str
    country: str
    postcode: str
    activity: str

    @property
    def email(self) -> str:
        return f"partner{self.number:04d}@{PARTNER_DOMAIN}"


def partner_specs(count: int) -> list[PartnerSpec]:
    """``count`` partners with distinct names ("Atlas Conseil Paris", …)."""
    specs = []
    combos = len(NAME_PREFIXES) * len(ACTIVITIES)
    for n in range(count):
        prefix = NAME_PREFIXES[n % len(NAME_PREFIXES)]
        activity = ACTIVITIES[(n // len(NAME_PREFIXES)) % len(ACTIVITIES)]
        city, country, postcode = PLACES[(n // combos) % len(PLACES)]
        name = f"{prefix} {activity} {city}"
        if n >= combos * len(PLACES):  # past 12,500 the names would repeat
            name += f" {n // (combos * len(PLACES)) + 1}"
        specs.append(
            PartnerSpec(
                number=n + 1,
                name=name,
                slug=slugify(name)[:70],
                city=city,
                country=country,
                postcode=postcode,
                activity=activity,
            )
        )
    return specs


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def seed_large(
    sizes: Sizes,
    *,
    partner_password: str,
    member_password: str,
    write: Callable[[str], None] = print,
) -> Report:
    """Add the large scale's partners, pages, follows and log-ins; idempotent.

    ``write`` receives one line per step as it ends. The directory itself is
    imported before, by ``seed_demo`` (``demo_alumni.seed_directory``).
    """
    report = Report()
    started = time.perf_counter()
    context = _Context.build(sizes, partner_password)
    specs = partner_specs(sizes.partners)
    existing = set(
        Partner.objects.filter(name__in=[s.name for s in specs]).values_list(
            "name", flat=True
        )
    )
    missing = [s for s in specs if s.name not in existing]
    report.existing_partners = len(specs) - len(missing)
    report.timed("preparation", started)

    step = time.perf_counter()
    for n in range(0, len(missing), CHUNK):
        chunk = missing[n : n + CHUNK]
        with transaction.atomic():
            counts = _add_partners(chunk, context, seed=chunk[0].number)
        report.created_partners += len(chunk)
        report.pages += counts["pages"]
        report.news += counts["news"]
        report.offers += counts["offers"]
        write(
            f"  partners {report.created_partners}/{len(missing)}: "
            f"{time.perf_counter() - step:.0f} s"
        )
    if missing:
        # Option lists keyed on the partner list (job board filters) renew.
        renew_partner_list_version()
        _analyze()
    report.timed(
        f"{report.created_partners} partners with {report.news} news and "
        f"{report.offers} offers ({report.pages} pages with aliases, search "
        "index entries)",
        step,
    )

    step = time.perf_counter()
    indexed = index_unindexed_pages()
    report.timed(f"{indexed} other pages put in the search index", step)

    step = time.perf_counter()
    report.follows = add_follows(specs, sizes.follow_share)
    report.timed(f"{report.follows} follows of the bulk partners", step)

    step = time.perf_counter()
    report.members_with_password = give_passwords(
        sizes.members_with_password, member_password
    )
    report.timed(f"{report.members_with_password} imported alumni may log in", step)
    return report


@dataclass
class _Context:
    """What every chunk needs: vocabularies, permissions, the tree's indexes."""

    sectors: list
    categories: list
    news_types: list
    audience_groups: list
    contract_types: list
    seniorities: list
    keyword_tags: list
    skill_tags: dict
    page_permissions: list
    collection_permissions: list
    access_admin: Permission
    password_hash: str
    french_index: PartnerIndexPage
    #: locale id → that locale's partner index page (aliases go under it)
    other_indexes: dict
    page_type: ContentType
    types: dict
    news_per_partner: int
    offers_per_partner: int

    @classmethod
    def build(cls, sizes: Sizes, partner_password: str) -> _Context:
        default = Locale.get_default()
        french_index = PartnerIndexPage.objects.get(
            locale=default, alias_of__isnull=True
        )
        synced = LocaleSynchronization.objects.filter(sync_from=default).values_list(
            "locale_id", flat=True
        )
        other_indexes = {
            page.locale_id: page
            for page in PartnerIndexPage.objects.filter(
                translation_key=french_index.translation_key, locale_id__in=synced
            )
        }
        return cls(
            sectors=list(Sector.objects.filter(locale=default).order_by("pk")),
            categories=list(
                PartnerCategory.objects.filter(locale=default).order_by("pk")
            ),
            news_types=list(NewsType.objects.filter(locale=default).order_by("pk")),
            audience_groups=list(
                AudienceGroup.objects.filter(locale=default).order_by("pk")
            ),
            contract_types=list(
                ContractType.objects.filter(locale=default).order_by("pk")
            ),
            seniorities=list(
                SeniorityLevel.objects.filter(locale=default).order_by("pk")
            ),
            keyword_tags=[Tag.objects.get_or_create(name=n)[0] for n in KEYWORDS],
            skill_tags={n: Tag.objects.get_or_create(name=n)[0] for n in SKILLS},
            page_permissions=list(
                Permission.objects.filter(
                    content_type__app_label="wagtailcore",
                    codename__in=page_permission_codenames(False),
                )
            ),
            collection_permissions=[
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
                for app_label, codenames in COLLECTION_PERMISSIONS.items()
                for codename in codenames
            ],
            access_admin=Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            ),
            # One hash for every bulk partner user: hashing 2,000 times would
            # cost minutes (the password is the documented demo one anyway).
            password_hash=make_password(partner_password),
            french_index=french_index,
            other_indexes=other_indexes,
            page_type=ContentType.objects.get_for_model(Page),
            types={
                model: ContentType.objects.get_for_model(model)
                for model in (PartnerPage, NewsPage, OfferPage)
            },
            news_per_partner=sizes.news_per_partner,
            offers_per_partner=sizes.offers_per_partner,
        )


def _add_partners(specs: list[PartnerSpec], ctx: _Context, *, seed: int) -> dict:
    """Partners of ``specs`` with their pages, in every locale; one transaction."""
    rng = random.Random(seed)
    now = timezone.now()
    users = _add_users(specs, ctx)
    groups = Group.objects.bulk_create(
        [Group(name=f"Partner: {spec.name}") for spec in specs]
    )
    collections = _add_collections([spec.name for spec in specs])

    # French partner pages, published a few months to two years ago; each
    # will have its news and offers as children.
    children = ctx.news_per_partner + ctx.offers_per_partner
    pages = []
    for spec in specs:
        page = PartnerPage(
            title=spec.name,
            slug=spec.slug,
            street=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            postcode=spec.postcode,
            city=spec.city,
            country=spec.country,
            website=f"https://www.{spec.slug}.example.org/",
            phone=f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            email=f"contact@{spec.slug}.example.org",
            sector=ctx.sectors[spec.number % len(ctx.sectors)],
            category=ctx.categories[spec.number % len(ctx.categories)],
            presentation=[
                {
                    "type": "paragraph",
                    "value": f"<p><b>{spec.name}</b> accompagne depuis "
                    f"{rng.randint(1965, 2018)} les entreprises et les "
                    f"institutions de {spec.city} dans le domaine "
                    f"{spec.activity.lower()}.</p>",
                },
                {
                    "type": "paragraph",
                    "value": "<p>Nous recrutons chaque année des diplômés des "
                    "universités françaises : stages, VIE et premiers emplois. "
                    '<a href="https://example.org/carrieres">Nos carrières</a>.</p>',
                },
            ],
            search_description=f"{spec.name} – {spec.city}",
            numchild=children,
        )
        pages.append(page)
    moments = [now - timedelta(days=rng.randint(90, 700)) for _ in specs]
    _place_children(ctx.french_index, pages)
    _insert_pages(pages, moments, ctx)
    _add_revisions(pages, ctx)

    partners = Partner.objects.bulk_create(
        [
            Partner(name=spec.name, page=page, group=group, collection=collection)
            for spec, page, group, collection in zip(
                specs, pages, groups, collections, strict=True
            )
        ]
    )
    Partner.members.through.objects.bulk_create(
        [
            Partner.members.through(partner_id=partner.pk, user_id=user.pk)
            for partner, user in zip(partners, users, strict=True)
        ]
    )
    get_user_model().groups.through.objects.bulk_create(
        [
            get_user_model().groups.through(user_id=user.pk, group_id=group.pk)
            for user, group in zip(users, groups, strict=True)
        ]
    )

    # News and offers in French, under their partner page.
    news, offers, news_moments, offer_moments = [], [], [], []
    for spec, page, partner, user in zip(specs, pages, partners, users, strict=True):
        batch_news, batch_moments = _news_of(spec, page, user, ctx, rng, now)
        batch_offers, offer_times = _offers_of(spec, page, partner, user, ctx, rng, now)
        _place_children(page, batch_news + batch_offers, first=1)
        news += batch_news
        offers += batch_offers
        news_moments += batch_moments
        offer_moments += offer_times
    _insert_pages(news, news_moments, ctx)
    _insert_pages(offers, offer_moments, ctx)
    _add_revisions(news + offers, ctx)

    # Aliases in every synchronised locale, as wagtail-localize makes them.
    aliases = {NewsPage: [], OfferPage: [], PartnerPage: []}
    for locale_id, index in ctx.other_indexes.items():
        partner_aliases = [_alias(page, locale_id) for page in pages]
        _place_children(index, partner_aliases)
        aliases[PartnerPage] += partner_aliases
        by_parent = dict(zip([p.pk for p in pages], partner_aliases, strict=True))
        for source in news + offers:
            alias = _alias(source, locale_id)
            parent = by_parent[source._parent_pk]
            _place_child(parent, alias, Page._str2int(source.path[-Page.steplen :]))
            aliases[type(source)].append(alias)
    for items in aliases.values():
        if items:
            _insert_pages(items, None, ctx)

    _add_relations(news + aliases[NewsPage], offers + aliases[OfferPage])
    _add_permissions(partners, groups, collections, ctx)
    _add_history(news, offers, rng)
    _index(
        {
            PartnerPage: pages + aliases[PartnerPage],
            NewsPage: news + aliases[NewsPage],
            OfferPage: offers + aliases[OfferPage],
        }
    )
    total = len(pages) + len(news) + len(offers)
    return {
        "pages": total + sum(len(items) for items in aliases.values()),
        "news": len(news),
        "offers": len(offers),
    }


# --------------------------------------------------------------------------
# Accounts, groups, collections, permissions
# --------------------------------------------------------------------------


def _add_users(specs: list[PartnerSpec], ctx: _Context) -> list:
    """The first user of each partner, with the demo partner password."""
    User = get_user_model()
    first_names = ["Claire", "Karim", "Awa", "Lucas", "Linh", "Sofía", "Omar"]
    last_names = ["Martin", "Benali", "Diop", "Nguyen", "García", "Haddad"]
    users = User.objects.bulk_create(
        [
            User(
                username=spec.email,
                email=spec.email,
                first_name=first_names[spec.number % len(first_names)],
                last_name=last_names[spec.number % len(last_names)],
                password=ctx.password_hash,
                is_active=True,
            )
            for spec in specs
        ]
    )
    PersonalDetails.objects.bulk_create([PersonalDetails(user=u) for u in users])
    return users


def _add_collections(names: list[str]) -> list[Collection]:
    """Children of the root collection, placed in bulk like pages."""
    root = Collection.get_first_root_node()
    last = root.get_last_child()
    start = 1 + (Collection._str2int(last.path[-Collection.steplen :]) if last else 0)
    collections = [
        Collection(
            name=name,
            depth=root.depth + 1,
            path=Collection._get_path(root.path, root.depth + 1, start + n),
            numchild=0,
        )
        for n, name in enumerate(names)
    ]
    Collection.objects.bulk_create(collections, batch_size=BATCH)
    Collection.objects.filter(pk=root.pk).update(numchild=F("numchild") + len(names))
    return collections


def _add_permissions(partners, groups, collections, ctx: _Context) -> None:
    """What onboarding grants: pages in every locale, collection, admin access."""
    translation_keys = {p.page.translation_key: p.group_id for p in partners}
    pages = Page.objects.filter(translation_key__in=translation_keys).values_list(
        "pk", "translation_key"
    )
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(
                group_id=translation_keys[key], page_id=pk, permission=permission
            )
            for pk, key in pages
            for permission in ctx.page_permissions
        ],
        batch_size=BATCH,
    )
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(
                group=group, collection=collection, permission=permission
            )
            for group, collection in zip(groups, collections, strict=True)
            for permission in ctx.collection_permissions
        ],
        batch_size=BATCH,
    )
    Group.permissions.through.objects.bulk_create(
        [
            Group.permissions.through(
                group_id=group.pk, permission_id=ctx.access_admin.pk
            )
            for group in groups
        ]
    )


# --------------------------------------------------------------------------
# Pages in the tree
# --------------------------------------------------------------------------


def _place_children(parent: Page, pages: list[Page], first: int | None = None) -> None:
    """Give ``pages`` consecutive places after ``parent``'s last child."""
    if first is None:
        last = (
            Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        first = 1 + (Page._str2int(last[-Page.steplen :]) if last else 0)
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    for n, page in enumerate(pages):
        _place_child(parent, page, first + n)


def _place_child(parent: Page, page: Page, position: int) -> None:
    page.depth = parent.depth + 1
    page.path = Page._get_path(parent.path, page.depth, position)
    page.url_path = f"{parent.url_path}{page.slug}/"
    page.locale_id = parent.locale_id
    page._parent_pk = parent.pk


def _insert_pages(pages: list[Page], moments: list | None, ctx: _Context) -> None:
    """Insert ``pages`` (of one specific type) as live, published pages.

    ``moments`` gives each page's publication; ``None`` for aliases, which
    already carry their source's dates.
    """
    model = type(pages[0])
    content_type = ctx.types[model]
    for n, page in enumerate(pages):
        page.content_type = content_type
        page.live = True
        page.has_unpublished_changes = False
        page.draft_title = page.title
        if moments is not None:
            page.first_published_at = page.last_published_at = moments[n]
            page.latest_revision_created_at = moments[n]
            page.translation_key = page.translation_key or uuid.uuid4()
    # The wagtailcore_page rows first (bulk_create refuses multi-table
    # models), then the specific table: one INSERT per batch and table.
    base_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    local_fields = list(model._meta.local_concrete_fields)
    for start in range(0, len(pages), BATCH):
        batch = pages[start : start + BATCH]
        rows = Page._base_manager._insert(
            batch,
            fields=base_fields,
            returning_fields=[Page._meta.pk],
            using=connection.alias,
        )
        for page, (pk,) in zip(batch, rows, strict=True):
            page.id = page.page_ptr_id = pk
        model._base_manager._insert(batch, fields=local_fields, using=connection.alias)


def _add_revisions(pages: list[Page], ctx: _Context) -> None:
    """One revision per French page, its live and latest one."""
    revisions = [
        Revision(
            content_type=page.content_type,
            base_content_type=ctx.page_type,
            object_id=str(page.pk),
            object_str=page.title,
            content=page.serializable_data(),
            created_at=page.last_published_at,
            user_id=page.owner_id,
        )
        for page in pages
    ]
    Revision.objects.bulk_create(revisions, batch_size=BATCH)
    for page, revision in zip(pages, revisions, strict=True):
        page.live_revision_id = page.latest_revision_id = revision.pk
    # One UPDATE that finds each page's revision (bulk_update's CASE over a
    # thousand rows costs ten times more).
    revision = (
        Revision.objects.filter(
            base_content_type=ctx.page_type,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("-pk")
        .values("pk")[:1]
    )
    for start in range(0, len(pages), BATCH):
        Page.objects.filter(pk__in=[p.pk for p in pages[start : start + BATCH]]).update(
            live_revision_id=Subquery(revision), latest_revision_id=Subquery(revision)
        )


#: Fields an alias does not copy from its source (wagtail's create_alias).
_NOT_COPIED = {"id", "page_ptr_id", "path", "depth", "url_path", "latest_revision_id"}


def _alias(source: Page, locale_id: int) -> Page:
    """An alias of ``source`` in ``locale_id``: a copy that follows the source."""
    model = type(source)
    alias = model(
        **{
            f.attname: getattr(source, f.attname)
            for f in model._meta.concrete_fields
            if f.attname not in _NOT_COPIED
        }
    )
    alias.alias_of_id = source.pk
    alias.locale_id = locale_id
    alias.latest_revision_id = None
    alias._source = source
    return alias


def _add_relations(news: list[NewsPage], offers: list[OfferPage]) -> None:
    """Keywords, audience groups and skills rows of pages and their aliases."""
    NewsPageTag.objects.bulk_create(
        [
            NewsPageTag(content_object_id=page.pk, tag_id=tag.pk)
            for page in news
            for tag in _source(page)._keywords
        ],
        batch_size=BATCH,
    )
    through = NewsPage.audience_groups.through
    through.objects.bulk_create(
        [
            through(newspage_id=page.pk, audiencegroup_id=group.pk)
            for page in news
            for group in _source(page)._groups
        ],
        batch_size=BATCH,
    )
    OfferPageSkill.objects.bulk_create(
        [
            OfferPageSkill(content_object_id=page.pk, tag_id=tag.pk)
            for page in offers
            for tag in _source(page)._skills
        ],
        batch_size=BATCH,
    )


def _source(page: Page) -> Page:
    return getattr(page, "_source", page)


# --------------------------------------------------------------------------
# News and offers
# --------------------------------------------------------------------------


def _news_of(spec, page, user, ctx: _Context, rng, now):
    """The partner's news, published over the news' two months of life."""
    count = ctx.news_per_partner
    moments = sorted(
        now - timedelta(minutes=rng.randrange(55 * 24 * 60)) for _ in range(count)
    )
    news = []
    for n, moment in enumerate(moments):
        title = rng.choice(NEWS_TITLES).format(
            city=spec.city,
            activity=spec.activity.lower(),
            year=moment.year,
            name=spec.name,
        )
        item = NewsPage(
            title=title,
            slug=f"{slugify(title)[:70]}-{n + 1}",
            owner_id=user.pk,
            news_type=rng.choice(ctx.news_types),
            date=timezone.localtime(moment).date(),
            body=[
                {
                    "type": "paragraph",
                    "value": html.format(
                        name=spec.name,
                        city=spec.city,
                        what=rng.choice(
                            [
                                "une rencontre avec ses équipes",
                                "un atelier sur les métiers du secteur",
                                "la présentation de ses programmes",
                            ]
                        ),
                        email=f"contact@{spec.slug}.example.org",
                    ),
                }
                for html in NEWS_PARAGRAPHS
            ],
            expire_at=expiry_from(moment),
            featured_on_home=False,
            search_description="",
        )
        item._keywords = rng.sample(ctx.keyword_tags, k=2)
        item._groups = rng.sample(
            ctx.audience_groups, k=min(2, len(ctx.audience_groups))
        )
        # In memory too, so that the revision holds them as the admin's would.
        item.tagged_items = [NewsPageTag(tag=tag) for tag in item._keywords]
        item.audience_groups = item._groups
        news.append(item)
    return news, moments


def _offers_of(spec, page, partner, user, ctx: _Context, rng, now):
    """The partner's job offers, published over the offers' sixty days."""
    count = ctx.offers_per_partner
    days = max(1, OfferPage.lifetime_days() - 5)
    moments = sorted(
        now - timedelta(minutes=rng.randrange(days * 24 * 60)) for _ in range(count)
    )
    offers = []
    for n, moment in enumerate(moments):
        city, country = (
            (spec.city, spec.country) if rng.random() < 0.6 else rng.choice(PLACES)[:2]
        )
        title = rng.choice(JOB_TITLES)
        skills = rng.sample(SKILLS, k=3)
        low = rng.randrange(25, 60) * 1000
        reference = f"P{spec.number:04d}-{n + 1:03d}"
        offer = OfferPage(
            title=title,
            slug=f"{slugify(title)[:60]}-{reference.lower()}",
            owner_id=user.pk,
            partner_id=partner.pk,
            reference=reference,
            company_description=f"<p>{spec.name} recrute des alumni.</p>",
            mission=MISSION.format(
                size=rng.randrange(3, 40), city=city, skill=skills[0], skill2=skills[1]
            ),
            contract_type=rng.choice(ctx.contract_types),
            seniority=rng.choice(ctx.seniorities),
            sector=rng.choice(ctx.sectors),
            city=city,
            country=country,
            remote_allowed=rng.random() < 0.3,
            salary_min=low,
            salary_max=low + rng.randrange(0, 20) * 1000,
            salary_currency="EUR",
            salary_period="YEAR",
            available_immediately=True,
            contact_name="",
            contact=f"jobs@{spec.slug}.example.org",
            created_at=moment,
            expire_at=OfferPage.expiry_after(moment),
            search_description="",
        )
        offer._skills = [ctx.skill_tags[name] for name in skills]
        offer.tagged_skills = [OfferPageSkill(tag=tag) for tag in offer._skills]
        offers.append(offer)
    return offers, moments


def _add_history(news: list[NewsPage], offers: list[OfferPage], rng) -> None:
    """A week of daily views (and "apply" clicks) for each French page."""
    today = timezone.localdate()
    views, stats = [], []
    for page in news:
        for day in _days(page, today):
            views.append(
                NewsDailyViews(
                    page_id=page.pk,
                    translation_key=page.translation_key,
                    day=day,
                    views=rng.randrange(1, 40),
                )
            )
    for page in offers:
        for day in _days(page, today):
            seen = rng.randrange(1, 60)
            stats.append(
                OfferDailyStats(
                    page_id=page.pk,
                    translation_key=page.translation_key,
                    day=day,
                    views=seen,
                    apply_clicks=rng.randrange(0, 1 + seen // 8),
                )
            )
    NewsDailyViews.objects.bulk_create(views, batch_size=BATCH)
    OfferDailyStats.objects.bulk_create(stats, batch_size=BATCH)


def _days(page, today):
    first = max(
        timezone.localtime(page.first_published_at).date(),
        today - timedelta(days=HISTORY_DAYS - 1),
    )
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def _index(pages_by_model: dict) -> None:
    """Search index entries, as publishing (through the task queue) writes them.

    An alias's entry is its source's: same words, one search configuration
    for every language. On PostgreSQL the aliases' entries are copied from
    their sources' in one statement, five times faster than computing them
    again; elsewhere (SQLite in the tests) they are computed like any other.
    """
    backend = get_search_backend()
    copy = connection.vendor == "postgresql" and _entries_table() is not None
    for model, pages in pages_by_model.items():
        pks = [p.pk for p in pages if not (copy and p.alias_of_id)]
        queryset = model.objects.filter(pk__in=pks)
        if model is NewsPage:
            queryset = queryset.prefetch_related("keywords")
        elif model is OfferPage:
            queryset = queryset.prefetch_related("skills")
        for start in range(0, len(pks), BATCH):
            batch = queryset.filter(pk__in=pks[start : start + BATCH])
            backend.add_bulk(model, list(batch))
        if copy:
            _copy_entries([p.pk for p in pages if p.alias_of_id])


def index_unindexed_pages() -> int:
    """Index the pages that have no search index entry yet; returns how many.

    Saving a page leaves the index to the task queue: pages of the small demo
    saved while no ``qcluster`` ran (or one ran on another broker) would be
    missing from the job board's searches and the admin's.
    """
    from wagtail.models import get_page_models
    from wagtail.search.models import IndexEntry

    backend = get_search_backend()
    count = 0
    for model in get_page_models():
        if model is Page or model._meta.abstract:
            continue
        content_type = ContentType.objects.get_for_model(model)
        indexed = set(
            IndexEntry.objects.filter(content_type=content_type).values_list(
                "object_id", flat=True
            )
        )
        missing = [
            pk
            for pk in model.objects.filter(content_type=content_type).values_list(
                "pk", flat=True
            )
            if str(pk) not in indexed
        ]
        for start in range(0, len(missing), BATCH):
            backend.add_bulk(
                model, list(model.objects.filter(pk__in=missing[start : start + BATCH]))
            )
        count += len(missing)
    return count


def _entries_table() -> str | None:
    """The search index's table when it is the database backend's own."""
    from wagtail.search.backends.database.postgres.postgres import (
        PostgresSearchBackend,
    )

    backend = get_search_backend()
    if not isinstance(backend, PostgresSearchBackend):
        return None
    from wagtail.search.models import IndexEntry

    return IndexEntry._meta.db_table


def _copy_entries(alias_pks: list[int]) -> None:
    """Each alias gets a copy of its source page's search index entry."""
    table = connection.ops.quote_name(_entries_table())
    page_table = connection.ops.quote_name(Page._meta.db_table)
    # Table names quoted from the models; the ids go as a parameter.
    sql = (
        f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, "  # noqa: S608
        "body, title_norm, title_text, body_text) "
        "SELECT e.content_type_id, p.id::text, e.title, e.autocomplete, e.body, "
        "e.title_norm, e.title_text, e.body_text "
        f"FROM {page_table} p JOIN {table} e "
        "ON e.content_type_id = p.content_type_id "
        "AND e.object_id = p.alias_of_id::text "
        "WHERE p.id = ANY(%s) "
        "ON CONFLICT (content_type_id, object_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(alias_pks), 10 * BATCH):
            cursor.execute(sql, [alias_pks[start : start + 10 * BATCH]])


def _analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --------------------------------------------------------------------------
# Alumni
# --------------------------------------------------------------------------


def _directory():
    return AlumniProfile.objects.filter(user__email__endswith=f"@{DIRECTORY_DOMAIN}")


def add_follows(specs: list[PartnerSpec], share: float, *, seed: int = 2026) -> int:
    """A share of the imported alumni follow one to three of the bulk partners.

    Drawn from a fixed seed over the profiles in id order, so that a second
    run draws the same pairs (and adds none).
    """
    partner_ids = list(
        Partner.objects.filter(name__in=[s.name for s in specs])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not partner_ids:
        return 0
    rng = random.Random(seed)
    follows = []
    for profile_id in _directory().order_by("pk").values_list("pk", flat=True):
        if rng.random() < share:
            for partner_id in rng.sample(partner_ids, k=rng.randint(1, 3)):
                follows.append(
                    PartnerFollow(profile_id=profile_id, partner_id=partner_id)
                )
    before = PartnerFollow.objects.filter(partner_id__in=partner_ids).count()
    PartnerFollow.objects.bulk_create(follows, batch_size=BATCH, ignore_conflicts=True)
    return PartnerFollow.objects.filter(partner_id__in=partner_ids).count() - before


def give_passwords(count: int, password: str) -> int:
    """The first ``count`` imported alumni may log in with ``password``.

    Imported alumni have no password (they choose one with "Forgotten
    password"): these get the demo member password and a confirmed address,
    so that a person or a load test can log in as many different alumni.
    Returns how many were given one now.
    """
    from allauth.account.models import EmailAddress

    users = list(
        get_user_model()
        .objects.filter(alumni_profile__in=_directory())
        .order_by("pk")
        .values_list("pk", "email", "password")[:count]
    )
    without = [pk for pk, _email, hashed in users if hashed.startswith("!")]
    if without:
        get_user_model().objects.filter(pk__in=without).update(
            password=make_password(password)
        )
    confirmed = set(
        EmailAddress.objects.filter(user_id__in=[u[0] for u in users]).values_list(
            "user_id", flat=True
        )
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email, _hashed in users
            if pk not in confirmed
        ],
        batch_size=BATCH,
    )
    return len(without)


def member_emails(count: int) -> list[str]:
    """The imported alumni who may log in (see :func:`give_passwords`)."""
    return list(
        get_user_model()
        .objects.filter(alumni_profile__in=_directory())
        .order_by("pk")
        .values_list("email", flat=True)[:count]
    )
