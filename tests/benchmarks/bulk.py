"""Many partners and news, fast: bulk inserts instead of onboarding and publishing.

Onboarding a partner takes about 1.2 s and publishing a news a few tens of
milliseconds, too slow for 10,000 news. These builders write the rows that
onboarding and Wagtail's publishing would leave, in a few bulk statements:

- pages in the tree (treebeard paths, ``depth``, the parent's ``numchild``),
  with a correct ``url_path``, ``live``, first and last publication dates, and
  one revision each, set as ``live_revision`` and ``latest_revision``;
- for partners: the group with its page and collection permissions, the
  collection and the ``Partner`` record (no user, no aliases: the French tree
  is what the benchmark serves);
- for news: type, audience groups, keywords, expiry, and counters;
- for job offers: every field of the offer form, skills, expiry, and (with
  :func:`index_for_search`) their entries in Wagtail's search index.

No signal is sent: no search index entry unless asked, no reference index
entry, no audit log. Use them for volume around pages built the normal way
(``content.py``).
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Revision,
)

from alumni_partner.models import (
    NewsDailyViews,
    NewsLike,
    NewsPage,
    NewsPageTag,
    OfferPage,
    OfferPageSkill,
    Partner,
    PartnerIndexPage,
    PartnerPage,
)
from alumni_partner.news_lifecycle import expiry_from
from alumni_partner.permissions import COLLECTION_PERMISSIONS, page_permission_codenames

BATCH = 500

PARAGRAPHS = [
    "<p>Nos équipes présentent leurs métiers et leurs <b>offres de stage</b> aux "
    'alumni. <a href="https://example.org/programme">Le programme</a>.</p>',
    "<p>Inscription gratuite et obligatoire ; places limitées. Écrivez-nous : "
    '<a href="mailto:contact@example.org">contact@example.org</a>.</p>',
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


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def add_children(parent: Page, pages: list[Page], published_at: list) -> list[Page]:
    """Insert ``pages`` (unsaved, of one specific type) as live children of ``parent``.

    Returns them with their ids. ``published_at`` gives each page's first and
    last publication.
    """
    model = type(pages[0])
    content_type = ContentType.objects.get_for_model(model)
    page_type = ContentType.objects.get_for_model(Page)
    parent.refresh_from_db()
    last = parent.get_last_child()
    start = 1 + (Page._str2int(last.path[-Page.steplen :]) if last else 0)
    for n, (page, moment) in enumerate(zip(pages, published_at, strict=True)):
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, start + n)
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.locale_id = parent.locale_id
        page.content_type = content_type
        page.live = True
        page.has_unpublished_changes = False
        page.draft_title = page.title
        page.first_published_at = page.last_published_at = moment
        page.latest_revision_created_at = moment
        if not page.translation_key:
            page.translation_key = uuid.uuid4()
    # wagtailcore_page rows first (plain bulk_create), then the specific table:
    # bulk_create refuses multi-table models, the insert below does one table.
    base_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    bases = [
        Page(**{f.attname: getattr(p, f.attname) for f in base_fields}) for p in pages
    ]
    Page.objects.bulk_create(bases, batch_size=BATCH)
    for page, base in zip(pages, bases, strict=True):
        page.pk = page.page_ptr_id = base.pk
    local_fields = list(model._meta.local_concrete_fields)
    for chunk in _chunks(pages):
        model._base_manager._insert(chunk, fields=local_fields, using=connection.alias)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    _add_live_revisions(pages, bases, content_type, page_type)
    return pages


def _add_live_revisions(pages, bases, content_type, page_type) -> None:
    revisions = [
        Revision(
            content_type=content_type,
            base_content_type=page_type,
            object_id=str(page.pk),
            object_str=page.title,
            content=page.serializable_data(),
            created_at=page.last_published_at,
        )
        for page in pages
    ]
    Revision.objects.bulk_create(revisions, batch_size=BATCH)
    for base, revision in zip(bases, revisions, strict=True):
        base.live_revision_id = base.latest_revision_id = revision.pk
    Page.objects.bulk_update(
        bases, ["live_revision", "latest_revision"], batch_size=BATCH
    )


def partners(count: int, sector=None, category=None) -> list[Partner]:
    """``count`` published partners with their group, collection and permissions."""
    now = timezone.now()
    index = PartnerIndexPage.objects.get(locale=Locale.get_default())
    pages = [
        PartnerPage(
            title=f"Partenaire {n:04d}",
            slug=f"partenaire-{n:04d}",
            country="FR",
            city="Lyon",
            sector=sector,
            category=category,
        )
        for n in range(count)
    ]
    with transaction.atomic():
        add_children(index, pages, [now - timedelta(days=100)] * count)
        groups = Group.objects.bulk_create(
            [Group(name=f"Partner: {page.title}") for page in pages]
        )
        root = Collection.get_first_root_node()
        collections = [root.add_child(name=page.title) for page in pages]
        records = Partner.objects.bulk_create(
            [
                Partner(name=page.title, page=page, group=group, collection=collection)
                for page, group, collection in zip(
                    pages, groups, collections, strict=True
                )
            ]
        )
        _grant(records)
    return records


def _grant(records: list[Partner]) -> None:
    """The group permissions onboarding gives (page, collection, admin access)."""
    page_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore",
            codename__in=page_permission_codenames(False),
        )
    )
    collection_permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codenames in COLLECTION_PERMISSIONS.items()
        for codename in codenames
    ]
    access_admin = Permission.objects.get(codename="access_admin")
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group_id=r.group_id, page_id=r.page_id, permission=p)
            for r in records
            for p in page_permissions
        ],
        batch_size=BATCH,
    )
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(
                group_id=r.group_id, collection_id=r.collection_id, permission=p
            )
            for r in records
            for p in collection_permissions
        ],
        batch_size=BATCH,
    )
    Group.permissions.through.objects.bulk_create(
        [
            Group.permissions.through(group_id=r.group_id, permission=access_admin)
            for r in records
        ],
        batch_size=BATCH,
    )


def news(
    partner_page: PartnerPage,
    count: int,
    *,
    news_types: list,
    groups: list,
    seed: int = 0,
    featured: int = 0,
    days: int = 55,
) -> list[NewsPage]:
    """``count`` live news under ``partner_page``, published over ``days`` days."""
    rng = random.Random(seed)
    now = timezone.now()
    moments = sorted(
        now - timedelta(minutes=rng.randrange(days * 24 * 60)) for _ in range(count)
    )
    slug_base = partner_page.slug
    pages = []
    for n, moment in enumerate(moments):
        paragraphs = [{"type": "paragraph", "value": html} for html in PARAGRAPHS]
        pages.append(
            NewsPage(
                title=f"Actualité {n + 1} de {partner_page.title}",
                slug=f"{slug_base}-actualite-{n + 1}",
                news_type=rng.choice(news_types),
                date=timezone.localtime(moment).date(),
                body=paragraphs,
                expire_at=expiry_from(moment),
                featured_on_home=n >= count - featured,
                search_description="",
            )
        )
    with transaction.atomic():
        add_children(partner_page, pages, moments)
        through = NewsPage.audience_groups.through
        through.objects.bulk_create(
            [
                through(newspage_id=page.pk, audiencegroup_id=group.pk)
                for page in pages
                for group in rng.sample(groups, k=min(2, len(groups)))
            ],
            batch_size=BATCH,
        )
        tags = [Tag.objects.get_or_create(name=name)[0] for name in KEYWORDS]
        NewsPageTag.objects.bulk_create(
            [
                NewsPageTag(content_object_id=page.pk, tag=tag)
                for page in pages
                for tag in rng.sample(tags, k=2)
            ],
            batch_size=BATCH,
        )
    return pages


def counters(pages: list[NewsPage], users: list, *, days: int = 30, seed: int = 0):
    """Daily views over the last ``days`` days and a few likes per news."""
    rng = random.Random(seed)
    today = timezone.localdate()
    views = []
    likes = []
    for page in pages:
        first = max(
            timezone.localtime(page.first_published_at).date(),
            today - timedelta(days=days),
        )
        for n in range((today - first).days):
            views.append(
                NewsDailyViews(
                    page_id=page.pk,
                    translation_key=page.translation_key,
                    day=first + timedelta(days=n),
                    views=rng.randrange(1, 40),
                )
            )
        for user in rng.sample(users, k=min(len(users), rng.randrange(4))):
            likes.append(
                NewsLike(
                    page_id=page.pk, translation_key=page.translation_key, user=user
                )
            )
    with transaction.atomic():
        NewsDailyViews.objects.bulk_create(views, batch_size=BATCH)
        NewsLike.objects.bulk_create(likes, batch_size=BATCH)
    return len(views), len(likes)


# --------------------------------------------------------------------------
# Job offers
# --------------------------------------------------------------------------

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

#: (city, country, weight): a French network's offers are mostly in France.
PLACES = [
    ("Paris", "FR", 14),
    ("Lyon", "FR", 6),
    ("Toulouse", "FR", 3),
    ("Casablanca", "MA", 6),
    ("Rabat", "MA", 2),
    ("Dakar", "SN", 5),
    ("Abidjan", "CI", 4),
    ("Tunis", "TN", 4),
    ("Alger", "DZ", 3),
    ("Montréal", "CA", 4),
    ("Genève", "CH", 3),
    ("Bruxelles", "BE", 3),
    ("Hô Chi Minh-Ville", "VN", 3),
    ("São Paulo", "BR", 3),
    ("Mexico", "MX", 3),
    ("Beyrouth", "LB", 2),
    ("Shanghai", "CN", 2),
    ("Bangalore", "IN", 2),
    ("Madrid", "ES", 2),
    ("Berlin", "DE", 2),
    ("Londres", "GB", 2),
    ("New York", "US", 2),
    ("Yaoundé", "CM", 2),
    ("Antananarivo", "MG", 2),
    ("Lima", "PE", 1),
]

MISSION = (
    "<p>Au sein d'une équipe de {size} personnes à {city}, vous prenez en charge "
    "des projets de <b>{skill}</b> pour nos clients.</p>"
    "<ul><li>Diplôme d'une école ou d'une université françaises</li>"
    "<li>Maîtrise de {skill2}</li></ul>"
)


def offers(
    partner: Partner,
    count: int,
    *,
    contract_types: list,
    seniorities: list,
    sectors: list,
    seed: int = 0,
    days: int = 55,
) -> list[OfferPage]:
    """``count`` live offers of ``partner``, published over ``days`` days.

    Every field of the offer form is filled; the titles, places, contract
    types and skills are drawn from the lists above, so that a filter or a
    keyword matches a realistic share of them.
    """
    rng = random.Random(seed)
    now = timezone.now()
    moments = sorted(
        now - timedelta(minutes=rng.randrange(days * 24 * 60)) for _ in range(count)
    )
    places = [place for place in PLACES for _ in range(place[2])]
    partner_page = partner.page
    prefix = f"P{partner.pk:04d}"
    pages, skills_of = [], []
    for n, moment in enumerate(moments):
        city, country, _weight = rng.choice(places)
        title = rng.choice(JOB_TITLES)
        skills = rng.sample(SKILLS, k=3)
        low = rng.randrange(25, 60) * 1000
        pages.append(
            OfferPage(
                title=title,
                slug=f"{partner_page.slug}-offre-{n + 1}",
                partner_id=partner.pk,
                reference=f"{prefix}-{n + 1:04d}",
                company_description=f"<p>{partner.name} recrute des alumni.</p>",
                mission=MISSION.format(
                    size=rng.randrange(3, 40),
                    city=city,
                    skill=skills[0],
                    skill2=skills[1],
                ),
                contract_type=rng.choice(contract_types),
                seniority=rng.choice(seniorities),
                sector=rng.choice(sectors),
                city=city,
                country=country,
                remote_allowed=rng.random() < 0.3,
                salary_min=low,
                salary_max=low + rng.randrange(0, 20) * 1000,
                salary_currency="EUR",
                salary_period="YEAR",
                available_immediately=True,
                contact_name="",
                contact=f"jobs-{n}@{partner_page.slug}.test",
                created_at=moment,
                expire_at=OfferPage.expiry_after(moment),
                search_description="",
            )
        )
        skills_of.append(skills)
    with transaction.atomic():
        add_children(partner_page, pages, moments)
        tags = {name: Tag.objects.get_or_create(name=name)[0] for name in SKILLS}
        OfferPageSkill.objects.bulk_create(
            [
                OfferPageSkill(content_object_id=page.pk, tag=tags[name])
                for page, names in zip(pages, skills_of, strict=True)
                for name in names
            ],
            batch_size=BATCH,
        )
    return pages


def index_for_search(model, pks: list[int]) -> None:
    """Add these pages to Wagtail's search index, as publishing them would."""
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    for chunk in _chunks(pks, 1000):
        objects = list(
            model.objects.filter(pk__in=chunk).prefetch_related("skills")
            if hasattr(model, "skills")
            else model.objects.filter(pk__in=chunk)
        )
        backend.add_bulk(model, objects)
