"""``manage.py seed_demo [--scale small|large]``: demo content with known accounts.

Idempotent: a partner that already exists (by name) is left as it is, vocabularies
are looked up before they are created, and the demo accounts get their documented
passwords back. Running the command twice therefore duplicates nothing.

``small`` builds the site tree, translated sectors and categories, several partners
(each through the same onboarding as the admin action) with logo, banner,
presentation, YouTube video and brochures, published; English and Arabic
translations of some pages; one moderated partner; three to five news per
partner (translated news types and audience groups, some news in English too,
featured ones, one archived, one leaving the site in a few days, keywords, and
three months of views and likes for the statistics); two to four job offers per
partner (translated contract types and seniority levels, every contract type,
skills, salary ranges, an e-mail or an application link to apply, some offers in
English too, one of Helios Énergie's leaving the board in a few days, one filled,
one deleted, one waiting for the editors at the moderated partner, and a few
weeks of views and "apply" clicks); three conversations of "Mes messages"
(two unread for Helios Énergie, one between two alumni); and these accounts:

=========================  ==================  ====================================
account                    password            role
=========================  ==================  ====================================
``admin@alumni.test``      ``alumni-admin``    superuser
``editor@alumni.test``     ``alumni-editor``   editorial staff (group "Editors")
``partner@alumni.test``    ``alumni-partner``  first user of the partner Helios
                                               Énergie
``amina@alumni.test``,     ``alumni-member``   alumni of the public site (they like
``lucas@``, ``thao@``                          news); no access to the admin
=========================  ==================  ====================================

A news or an offer is found again by its slug under its partner's page: those
missing from a database seeded before (or deleted since) are added, the others
are left alone.

``large`` is the small demo plus a network's volume (``alumni_partner.demo_scale``):
2,000 more partners, each with its page in every locale, group, collection and
first user (``partner0001@partners.alumni.test`` … with the partner password
above), ten news and ten job offers each (20,000 of each, live, in the search
index), 200,000 alumni imported through the directory's CSV import, some of
whom follow the new partners, and the first 1,000 of them able to log in with
the member password. ``--partners``, ``--news-per-partner``,
``--offers-per-partner``, ``--alumni`` and ``--members-with-password`` change
the sizes. It prints how long each part took (twelve minutes on PostgreSQL
on a busy two-core machine, half of it the directory's import).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Revision
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.strings import StringValue, extract_strings
from wagtail_localize.synctree import create_aliases_for_new_page

from alumni_partner import (
    counters,
    demo_alumni,
    demo_content,
    demo_mailings,
    demo_messages,
    demo_scale,
    news_lifecycle,
    offer_lifecycle,
    page_lifetime,
)
from alumni_partner.conf import partner_settings
from alumni_partner.models import (
    AudienceGroup,
    ContractType,
    NewsLike,
    NewsPage,
    NewsType,
    OfferDailyStats,
    OfferPage,
    Partner,
    PartnerCategory,
    PartnerDocument,
    PartnerPage,
    PersonalDetails,
    Sector,
    SeniorityLevel,
)
from alumni_partner.onboarding import NewPartner, onboard_partner
from alumni_partner.permissions import apply_moderation

ADMIN_EMAIL = "admin@alumni.test"
ADMIN_PASSWORD = "alumni-admin"  # noqa: S105 - documented demo credential
EDITOR_EMAIL = "editor@alumni.test"
EDITOR_PASSWORD = "alumni-editor"  # noqa: S105 - documented demo credential
PARTNER_EMAIL = "partner@alumni.test"
PARTNER_PASSWORD = "alumni-partner"  # noqa: S105 - documented demo credential
MEMBER_PASSWORD = "alumni-member"  # noqa: S105 - documented demo credential
#: Synthetic alumni of the demo's directory (imported through the CSV import).
DEMO_ALUMNI = 3000
#: The same, at the large scale.
LARGE_ALUMNI = 200_000


@dataclass
class Account:
    email: str
    password: str
    role: str


class Command(BaseCommand):
    help = (
        "Load demo content: translated sectors and categories, partners with "
        "logos, banners, presentations, videos and brochures, translations, "
        "news with their views and likes, job offers with their views and "
        "clicks, and demo accounts with known passwords. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["small", "large"],
            default="small",
            help="small: a handful of complete partners (default); large: "
            "the small demo plus 2,000 partners, 20,000 news, 20,000 offers and "
            "200,000 alumni, written in bulk.",
        )
        parser.add_argument(
            "--alumni",
            type=int,
            default=None,
            help=f"synthetic alumni in the directory (default {DEMO_ALUMNI}, "
            f"{LARGE_ALUMNI} at the large scale)",
        )
        sizes = demo_scale.Sizes()
        for option, default in (
            ("partners", sizes.partners),
            ("news-per-partner", sizes.news_per_partner),
            ("offers-per-partner", sizes.offers_per_partner),
            ("members-with-password", sizes.members_with_password),
        ):
            parser.add_argument(
                f"--{option}",
                type=int,
                default=default,
                help=f"large scale only (default {default})",
            )

    def handle(self, *args, scale="small", **options):
        from home.bootstrap import ensure_site

        started = time.perf_counter()
        alumni = options.get("alumni")
        if alumni is None:
            alumni = LARGE_ALUMNI if scale == "large" else DEMO_ALUMNI

        ensure_site()
        sectors = seed_vocabulary(Sector, demo_content.SECTORS)
        categories = seed_vocabulary(PartnerCategory, demo_content.CATEGORIES)

        rows = []
        for demo in demo_content.PARTNERS:
            partner = Partner.objects.filter(name=demo.name).first()
            created = partner is None
            if created:
                partner = seed_partner(demo, sectors, categories)
            rows.append((partner, created))
        accounts = seed_accounts()
        members, member_accounts = seed_members()
        news_types = seed_vocabulary(NewsType, demo_content.NEWS_TYPES)
        groups = seed_vocabulary(AudienceGroup, demo_content.AUDIENCE_GROUPS)
        editor = get_user_model().objects.get(email__iexact=EDITOR_EMAIL)
        news_rows = [
            seed_news(
                partner,
                demo_content.NEWS.get(partner.name, []),
                news_types,
                groups,
                members,
                editor,
            )
            for partner, _created in rows
        ]
        vocabularies = OfferVocabularies(
            sectors=sectors,
            contract_types=seed_vocabulary(ContractType, demo_content.CONTRACT_TYPES),
            seniorities=seed_vocabulary(SeniorityLevel, demo_content.SENIORITY_LEVELS),
        )
        offer_rows = [
            seed_offers(
                partner,
                demo_content.OFFERS.get(partner.name, []),
                vocabularies,
                editor,
            )
            for partner, _created in rows
        ]
        content_seconds = time.perf_counter() - started
        step = time.perf_counter()
        directory = demo_alumni.seed_directory(
            alumni, [partner for partner, _c in rows]
        )
        directory_seconds = time.perf_counter() - step
        helios = rows[0][0]
        mailings = demo_mailings.seed_mailings(
            helios,
            get_user_model().objects.get(email__iexact=PARTNER_EMAIL),
            editor,
        )
        conversations = demo_messages.seed_messages(
            helios, get_user_model().objects.get(email__iexact=PARTNER_EMAIL)
        )
        self.print_summary(rows, news_rows, accounts + member_accounts)
        self.print_offers(offer_rows)
        self.stdout.write(
            "Directory: {alumni} imported alumni ({listed} listed, {consenting} "
            "consenting to partners' mailings), {follows} follows.".format(**directory)
        )
        self.stdout.write(
            f"Mailings: {mailings} made for {helios.name} (sent, awaiting "
            "validation, draft)."
            if mailings
            else "Mailings: already there."
        )
        self.stdout.write(
            f"Messages: {conversations} conversations made (demo members and "
            f"{helios.name})."
            if conversations
            else "Messages: already there."
        )
        if scale == "large":
            self.seed_large(options, content_seconds, directory_seconds, started)

    def seed_large(self, options, content_seconds, directory_seconds, started):
        """The large scale's bulk part, then what each part took."""
        sizes = demo_scale.Sizes(
            partners=options["partners"],
            news_per_partner=options["news_per_partner"],
            offers_per_partner=options["offers_per_partner"],
            members_with_password=options["members_with_password"],
        )
        self.stdout.write("")
        self.stdout.write(
            f"Large scale: {sizes.partners} partners with "
            f"{sizes.news_per_partner} news and {sizes.offers_per_partner} "
            "offers each, in bulk."
        )
        report = demo_scale.seed_large(
            sizes,
            partner_password=PARTNER_PASSWORD,
            member_password=MEMBER_PASSWORD,
            write=self.stdout.write,
        )
        if report.existing_partners:
            self.stdout.write(
                f"  {report.existing_partners} partners were already there."
            )
        table = [("Part", "Seconds")]
        table.append(("small demo content", f"{content_seconds:.1f}"))
        table.append(("directory (CSV import, follows)", f"{directory_seconds:.1f}"))
        table += [(label, f"{seconds:.1f}") for label, seconds in report.steps]
        table.append(("total", f"{time.perf_counter() - started:.1f}"))
        self.print_table(table)
        self.stdout.write(
            f"Partner users: partner0001@{demo_scale.PARTNER_DOMAIN} and "
            f"following, password {PARTNER_PASSWORD}; the first "
            f"{sizes.members_with_password} imported alumni log in with "
            f"{MEMBER_PASSWORD}."
        )

    # -- output ---------------------------------------------------------------

    def print_news(self, rows: list[NewsSummary]) -> None:
        table = [("News of", "Published", "Archived", "In English", "Added")]
        for row in rows:
            table.append(
                (
                    row.partner.name,
                    str(row.published),
                    str(row.archived),
                    str(row.translated),
                    str(row.created),
                )
            )
        self.print_table(table)

    def print_offers(self, rows: list[OfferSummary]) -> None:
        table = [
            ("Offers of", "On the board", "Pending", "Filled/deleted", "In English")
        ]
        for row in rows:
            table.append(
                (
                    row.partner.name,
                    str(row.live),
                    str(row.pending),
                    str(row.closed),
                    str(row.translated),
                )
            )
        self.print_table(table)
        self.stdout.write("")

    def print_table(self, table) -> None:
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        self.stdout.write("")
        for n, row in enumerate(table):
            line = "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            )
            self.stdout.write(line.rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))

    def print_summary(self, rows, news_rows, accounts: list[Account]) -> None:
        table = [("Partner", "Country", "Sector", "Category", "Languages", "State")]
        for partner, created in rows:
            page = PartnerPage.objects.filter(pk=partner.page_id).first()
            if page is None:
                table.append((partner.name, "", "", "", "", "no page"))
                continue
            translated = (
                PartnerPage.objects.filter(
                    translation_key=page.translation_key, alias_of__isnull=True
                )
                .exclude(pk=page.pk)
                .values_list("locale__language_code", flat=True)
            )
            state = "live" if page.live else "draft"
            if partner.moderated:
                state += ", moderated"
            state += ", created" if created else ", already there"
            table.append(
                (
                    partner.name,
                    str(page.country.code or ""),
                    str(page.sector or ""),
                    str(page.category or ""),
                    "+".join([page.locale.language_code, *sorted(translated)]),
                    state,
                )
            )
        self.print_table(table)
        self.print_news(news_rows)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (log in at /admin/):"))
        for account in accounts:
            self.stdout.write(
                f"  {account.email:<22} {account.password:<16} {account.role}"
            )
        self.stdout.write("")


# -- vocabularies ---------------------------------------------------------------


def seed_vocabulary(model, terms: dict[str, dict[str, str]]) -> dict[str, object]:
    """French terms with their translations; returns the French ones by name."""
    default = Locale.get_default()
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    result = {}
    for name, translations in terms.items():
        term = model.objects.filter(name=name, locale=default).first()
        if term is None:
            term = model.objects.create(name=name, locale=default)
        for code, translated_name in translations.items():
            locale = locales.get(code)
            if locale is None or term.has_translation(locale):
                continue
            translation = term.copy_for_translation(locale)
            translation.name = translated_name
            translation.save()
        result[name] = term
    return result


# -- partners ------------------------------------------------------------------


def _image(title: str, filename: str, data: bytes, collection):
    image = get_image_model()(
        title=title,
        file=ImageFile(io.BytesIO(data), name=filename),
        collection=collection,
    )
    image._set_image_file_metadata()
    image.save()
    return image


def _document(title: str, filename: str, data: bytes, collection):
    document = get_document_model()(
        title=title, file=ContentFile(data, name=filename), collection=collection
    )
    document._set_document_file_metadata()
    document.save()
    return document


def seed_partner(demo: demo_content.DemoPartner, sectors, categories) -> Partner:
    """One complete, published partner, onboarded like the admin action does."""
    slug = slugify(demo.name)[:40]
    with transaction.atomic():
        partner = onboard_partner(
            NewPartner(
                name=demo.name,
                email=demo.email,
                first_name=demo.first_name,
                last_name=demo.last_name,
                sector=sectors[demo.sector],
                category=categories[demo.category],
                country=demo.country,
            ),
            send_invitation=False,
        )
        collection = partner.collection
        page = PartnerPage.objects.get(pk=partner.page_id)
        page.street = demo.street
        page.postcode = demo.postcode
        page.city = demo.city
        page.website = demo.website
        page.phone = demo.phone
        page.email = demo.contact_email
        page.logo = _image(
            f"Logo – {demo.name}",
            f"logo-{slug}.png",
            demo_content.logo_png(demo.initials, demo.colors),
            collection,
        )
        page.banner = _image(
            f"Bannière – {demo.name}",
            f"banner-{slug}.png",
            demo_content.banner_png(demo.name, demo.colors),
            collection,
        )
        blocks = [{"type": "paragraph", "value": html} for html in demo.paragraphs]
        if demo.illustration:
            picture = _image(
                f"{demo.city} – {demo.name}",
                f"illustration-{slug}.png",
                demo_content.illustration_png(demo.city, demo.colors),
                collection,
            )
            blocks.insert(
                1,
                {"type": "image", "value": {"image": picture.pk, "caption": demo.city}},
            )
        if demo.video:
            blocks.append({"type": "video", "value": demo.video})
        page.presentation = blocks
        page.documents = [
            PartnerDocument(
                document=_document(
                    brochure.title,
                    f"{slug}-{n}.pdf",
                    demo_content.brochure_pdf(
                        brochure.title,
                        [demo.name, f"{demo.city} ({demo.country})", brochure.comment],
                    ),
                    collection,
                ),
                label=brochure.label,
                date=brochure.date,
                comment=brochure.comment,
                sort_order=n,
            )
            for n, brochure in enumerate(demo.brochures)
        ]
        page.search_description = demo_content_summary(demo)
        page.save_revision().publish()

        page.refresh_from_db()
        for code, translation in demo.translations.items():
            translate_page(page, code, demo, translation)

        if demo.moderated:
            partner.moderated = True
            partner.save(update_fields=["moderated"])
            apply_moderation(partner)
    return partner


def demo_content_summary(demo: demo_content.DemoPartner, title: str = "") -> str:
    """The page's search description: its name and city."""
    return f"{title or demo.name} – {demo.city}"


def translate_page(page: PartnerPage, language_code: str, demo, text) -> PartnerPage:
    """Turn the alias of ``page`` in ``language_code`` into a real translation."""
    plain_texts = [
        (demo.name, text.title),
        (demo_content_summary(demo), demo_content_summary(demo, title=text.title)),
    ]
    mapping = string_mapping(
        plain_texts, zip(demo.paragraphs, text.paragraphs, strict=True)
    )
    return translate(page, language_code, mapping)


def string_mapping(plain_texts, rich_texts) -> dict[str, str]:
    """Segment strings of the French text -> the translated ones.

    ``plain_texts`` and ``rich_texts`` are (French, translated) pairs; rich
    texts are split into segments as wagtail-localize splits them.
    """
    mapping: dict[str, str] = {}
    for french, translated in plain_texts:
        mapping[StringValue.from_plaintext(french).data] = StringValue.from_plaintext(
            translated
        ).data
    for french, translated in rich_texts:
        _template, french_strings = extract_strings(french)
        _template, translated_strings = extract_strings(translated)
        for (fr_value, _a), (tr_value, _b) in zip(
            french_strings, translated_strings, strict=True
        ):
            mapping[fr_value.data] = tr_value.data
    return mapping


def translate(page, language_code: str, mapping: dict[str, str]):
    """Turn the alias of ``page`` in ``language_code`` into a real translation.

    Done the way wagtail-localize's translation editor does it: a translation
    source from the French page, a translation record for the target locale,
    translated strings for its segments, then ``save_target`` (which converts
    the alias into a page of its own and publishes it). Segments left
    untranslated keep the French text.
    """
    locale = Locale.objects.get(language_code=language_code)
    source, _created = TranslationSource.update_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale
    )
    for segment in StringSegment.objects.filter(source=source).select_related(
        "string", "context"
    ):
        translated = mapping.get(segment.string.data)
        if translated is None:
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": translated,
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                "tool_name": "seed_demo",
            },
        )
    translation.save_target(publish=True)
    return type(page).objects.get(translation_key=page.translation_key, locale=locale)


# -- news ----------------------------------------------------------------------


@dataclass
class NewsSummary:
    partner: Partner
    published: int = 0
    archived: int = 0
    translated: int = 0
    created: int = 0


def seed_news(
    partner: Partner,
    news_list: list[demo_content.DemoNews],
    news_types,
    groups,
    members,
    editor,
) -> NewsSummary:
    """The partner's demo news, each added once (found again by its slug)."""
    summary = NewsSummary(partner)
    page = PartnerPage.objects.filter(pk=partner.page_id).first()
    if page is None:
        return summary
    for demo in news_list:
        news = NewsPage.objects.child_of(page).filter(slug=news_slug(demo)).first()
        if news is None:
            news = seed_one_news(
                partner, page, demo, news_types, groups, members, editor
            )
            summary.created += 1
        if news.live:
            summary.published += 1
        elif news.first_published_at is not None:
            summary.archived += 1
        summary.translated += (
            NewsPage.objects.filter(
                translation_key=news.translation_key, alias_of__isnull=True
            )
            .exclude(pk=news.pk)
            .exists()
        )
    return summary


def news_slug(demo: demo_content.DemoNews) -> str:
    return slugify(demo.title)[:80]


def seed_one_news(
    partner: Partner,
    parent: PartnerPage,
    demo: demo_content.DemoNews,
    news_types,
    groups,
    members,
    editor,
) -> NewsPage:
    """One news, published through Wagtail's actions, then given its history.

    The history is made up after publishing: the publication moves back to
    ``demo.days_ago`` (its expiry follows, two months later), daily views and
    likes are spread over the days it has been online, and an archived news is
    archived the way the partner's "Archiver" button does it.
    """
    user = partner.members.order_by("pk").first()
    # A moderated partner's news goes live when an editor approves it.
    publisher = editor if partner.moderated else user
    now = timezone.now()
    if demo.expires_in_days is not None:
        published_at = page_lifetime.add_months(
            now, -NewsPage.lifetime_months()
        ) + timedelta(days=demo.expires_in_days)
    else:
        published_at = now - timedelta(days=demo.days_ago)
    slug = news_slug(demo)
    with transaction.atomic():
        body = [{"type": "paragraph", "value": html} for html in demo.paragraphs]
        picture = document = None
        if demo.picture:
            picture = _image(
                demo.title,
                f"news-{slug[:60]}.png",
                demo_content.illustration_png(
                    demo.keywords[-1], _partner_colors(partner)
                ),
                partner.collection,
            )
            body.insert(
                1, {"type": "image", "value": {"image": picture.pk, "caption": ""}}
            )
        if demo.video:
            body.append({"type": "video", "value": demo.video})
        if demo.document:
            document = _document(
                demo.document,
                f"news-{slug[:60]}.pdf",
                demo_content.brochure_pdf(demo.document, [partner.name, demo.title]),
                partner.collection,
            )
            body.append(
                {"type": "document", "value": {"document": document.pk, "label": ""}}
            )
        news = parent.add_child(
            instance=NewsPage(
                title=demo.title,
                slug=slug,
                live=False,
                owner=user,
                news_type=news_types[demo.news_type],
                date=timezone.localtime(published_at).date(),
                body=body,
                image=picture,
                document=document,
                featured_on_home=demo.featured,
                search_description=demo.title,
            )
        )
        news.audience_groups = [groups[name] for name in demo.groups]
        news.keywords.add(*demo.keywords)
        news.save_revision(user=user).publish(user=publisher)
        news.refresh_from_db()
        # The aliases in the other locales, which the admin creates (with
        # wagtail-localize's after_create_page hook) before the first
        # publication: created after it, they are copies of the live page at
        # once, and publishing does not have to update them (half the time).
        create_aliases_for_new_page(news)

        pages = [news]
        for code, text in demo.translations.items():
            mapping = string_mapping(
                [(demo.title, text.title)],
                zip(demo.paragraphs, text.paragraphs, strict=True),
            )
            pages.append(translate(news, code, mapping))
    # wagtail-localize publishes translations when the transaction commits:
    # the history below must come after.
    with transaction.atomic():
        NewsPage.objects.filter(translation_key=news.translation_key).update(
            first_published_at=published_at,
            last_published_at=published_at,
            expire_at=news_lifecycle.expiry_from(published_at),
        )
        Revision.objects.filter(
            base_content_type=news.content_type,
            object_id__in=[str(p.pk) for p in pages],
        ).update(created_at=published_at)
        news.refresh_from_db()

        first_day = timezone.localtime(published_at).date()
        today = timezone.localdate()
        days_online = (today - first_day).days + 1
        if demo.archived:
            days_online = max(1, days_online - 20)
        for n, views in enumerate(demo_content.daily_views(demo, days_online)):
            day = first_day + timedelta(days=n)
            # Most readers read French; a translation gets its share.
            for share, page in zip((1, 0.3), pages, strict=False):
                if round(views * share):
                    counters.add_views(page, day, round(views * share))
        for n, member in enumerate(members[: demo.likes]):
            counters.set_like(news, member, True)
            liked_at = min(now, published_at + timedelta(days=n, hours=3))
            NewsLike.objects.filter(
                translation_key=news.translation_key, user=member
            ).update(created_at=liked_at)
        if demo.archived:
            news_lifecycle.archive(news, publisher)
            news.refresh_from_db()
    return news


def _partner_colors(partner: Partner) -> tuple[str, str]:
    for demo in demo_content.PARTNERS:
        if demo.name == partner.name:
            return demo.colors
    return ("#64748b", "#1e293b")


# -- job offers ----------------------------------------------------------------


@dataclass
class OfferVocabularies:
    """The French terms an offer refers to, by name."""

    sectors: dict
    contract_types: dict
    seniorities: dict


@dataclass
class OfferSummary:
    partner: Partner
    live: int = 0
    pending: int = 0
    closed: int = 0
    translated: int = 0
    created: int = 0


def seed_offers(
    partner: Partner,
    offers: list[demo_content.DemoOffer],
    vocabularies: OfferVocabularies,
    editor,
) -> OfferSummary:
    """The partner's demo offers, each added once (found again by its slug)."""
    summary = OfferSummary(partner)
    page = PartnerPage.objects.filter(pk=partner.page_id).first()
    if page is None:
        return summary
    for demo in offers:
        offer = OfferPage.objects.child_of(page).filter(slug=offer_slug(demo)).first()
        if offer is None:
            offer = seed_one_offer(partner, page, demo, vocabularies, editor)
            summary.created += 1
        state = offer.state
        summary.live += state == "validated"
        summary.pending += state == "pending"
        summary.closed += state in ("filled", "deleted")
        summary.translated += (
            OfferPage.objects.filter(
                translation_key=offer.translation_key, alias_of__isnull=True
            )
            .exclude(pk=offer.pk)
            .exists()
        )
    return summary


def offer_slug(demo: demo_content.DemoOffer) -> str:
    return slugify(f"{demo.title} {demo.reference}")[:80]


def seed_one_offer(
    partner: Partner,
    parent: PartnerPage,
    demo: demo_content.DemoOffer,
    vocabularies: OfferVocabularies,
    editor,
) -> OfferPage:
    """One offer, published (or submitted) through Wagtail, then given its history.

    As for news, the history is made up after publishing: the publication moves
    back to ``demo.days_ago`` (the expiry follows, 60 days later), and daily
    views and "apply" clicks are written for the days it has been online. A
    filled or deleted offer is closed the way "Mes offres" does it.
    """
    user = partner.members.order_by("pk").first()
    now = timezone.now()
    if demo.expires_in_days is not None:
        published_at = now - timedelta(
            days=OfferPage.lifetime_days() - demo.expires_in_days
        )
    else:
        published_at = now - timedelta(days=demo.days_ago)
    low, high = demo.salary or (None, None)
    starts = (
        None
        if demo.starts_in_days is None
        else timezone.localdate() + timedelta(days=demo.starts_in_days)
    )
    with transaction.atomic():
        offer = OfferPage(
            title=demo.title,
            slug=offer_slug(demo),
            live=False,
            owner=user,
            reference=demo.reference,
            company_description=offer_lifecycle.company_description_of(parent),
            mission="".join(demo.mission),
            contract_type=vocabularies.contract_types[demo.contract_type],
            seniority=vocabularies.seniorities[demo.seniority],
            sector=(
                vocabularies.sectors[demo.sector] if demo.sector else parent.sector
            ),
            city=demo.city,
            country=demo.country,
            remote_allowed=demo.remote_allowed,
            salary_min=low,
            salary_max=high,
            salary_currency=demo.currency,
            salary_period=demo.period,
            available_immediately=starts is None,
            available_from=starts,
            contact_name=demo.contact_name,
            contact=demo.contact,
            created_at=published_at,
        )
        # Before the first save, as the admin form does: the draft has them too.
        offer.skills.add(*demo.skills)
        offer = parent.add_child(instance=offer)
        revision = offer.save_revision(user=user)
        if demo.state == "pending":
            # What "Envoyer pour modération" does: the editors approve it.
            workflow = offer.get_workflow()
            if workflow is not None:
                workflow.start(offer, user)
        else:
            # A moderated partner's offer goes live when an editor approves it.
            publisher = editor if partner.moderates(offer) else user
            revision.publish(user=publisher)
        offer.refresh_from_db()
        # After the publication, as for news: the aliases are copies at once.
        create_aliases_for_new_page(offer)
        pages = [offer]
        if demo.state != "pending":
            pages += [
                translate(offer, code, _offer_strings(partner, demo, code, text))
                for code, text in demo.translations.items()
            ]
    if demo.state == "pending":
        return offer
    # wagtail-localize publishes translations when the transaction commits:
    # the history below must come after.
    with transaction.atomic():
        OfferPage.objects.filter(translation_key=offer.translation_key).update(
            created_at=published_at,
            first_published_at=published_at,
            last_published_at=published_at,
            expire_at=OfferPage.expiry_after(published_at),
        )
        Revision.objects.filter(
            base_content_type=offer.content_type,
            object_id__in=[str(p.pk) for p in pages],
        ).update(created_at=published_at)
        first_day = timezone.localtime(published_at).date()
        days_online = (timezone.localdate() - first_day).days + 1
        if demo.state in ("filled", "deleted"):
            days_online = max(1, days_online - 10)
        _offer_history(pages, demo, first_day, days_online)
        if demo.state in ("filled", "deleted"):
            offer_lifecycle.close(offer, user, demo.state)
            closed_at = published_at + timedelta(days=days_online)
            OfferPage.objects.filter(translation_key=offer.translation_key).update(
                closed_at=closed_at
            )
        offer.refresh_from_db()
    return offer


def _offer_strings(partner: Partner, demo, code: str, text) -> dict[str, str]:
    """Segments of the French offer -> translated: title, mission, company."""
    rich_texts = list(zip(demo.mission, text.mission, strict=True))
    for demo_partner in demo_content.PARTNERS:
        translated = demo_partner.translations.get(code)
        if demo_partner.name == partner.name and translated is not None:
            # The company description is the partner's presentation text.
            rich_texts += zip(
                demo_partner.paragraphs, translated.paragraphs, strict=True
            )
    return string_mapping([(demo.title, text.title)], rich_texts)


def _offer_history(pages, demo, first_day, days_online: int) -> None:
    """Daily views and "apply" clicks, written in bulk (French and translations)."""
    views = demo_content.daily_views(demo, days_online)
    clicks = demo_content.daily_apply_clicks(demo, views)
    rows = []
    # Most readers read French; a translation gets its share.
    for share, page in zip((1, 0.3), pages, strict=False):
        for n, (day_views, day_clicks) in enumerate(zip(views, clicks, strict=True)):
            if round(day_views * share) or round(day_clicks * share):
                rows.append(
                    OfferDailyStats(
                        page_id=page.pk,
                        translation_key=page.translation_key,
                        day=first_day + timedelta(days=n),
                        views=round(day_views * share),
                        apply_clicks=round(day_clicks * share),
                    )
                )
    OfferDailyStats.objects.bulk_create(rows)


# -- accounts ------------------------------------------------------------------


def _account(email: str, password: str, **fields):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email, email=email)
    for name, value in fields.items():
        setattr(user, name, value)
    user.is_active = True
    user.set_password(password)
    user.save()
    PersonalDetails.for_user(user)
    return user


def seed_accounts() -> list[Account]:
    _account(
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        first_name="Ada",
        last_name="Admin",
        is_superuser=True,
        is_staff=True,
    )
    editor = _account(
        EDITOR_EMAIL,
        EDITOR_PASSWORD,
        first_name="Eda",
        last_name="Éditrice",
        is_superuser=False,
        is_staff=False,
    )
    editors, _created = Group.objects.get_or_create(name=partner_settings.EDITORS_GROUP)
    editor.groups.add(editors)

    partner = Partner.objects.get(name=demo_content.PARTNERS[0].name)
    partner_user = partner.members.filter(email__iexact=PARTNER_EMAIL).first()
    if partner_user is None:
        raise CommandError(
            f"{PARTNER_EMAIL} is not a user of {partner.name}: "
            "was the demo partner created by hand?"
        )
    partner_user.set_password(PARTNER_PASSWORD)
    partner_user.is_active = True
    partner_user.save()
    return [
        Account(ADMIN_EMAIL, ADMIN_PASSWORD, "superuser"),
        Account(EDITOR_EMAIL, EDITOR_PASSWORD, "editor (group Editors)"),
        Account(PARTNER_EMAIL, PARTNER_PASSWORD, f"partner user of {partner.name}"),
    ]


def seed_members():
    """Alumni of the public site, who like news; returns the users and accounts."""
    users, accounts = [], []
    for member in demo_content.MEMBERS:
        users.append(
            _account(
                member.email,
                MEMBER_PASSWORD,
                first_name=member.first_name,
                last_name=member.last_name,
                is_superuser=False,
                is_staff=False,
            )
        )
        accounts.append(
            Account(member.email, MEMBER_PASSWORD, "alumni member (public site)")
        )
    seed_member_profiles(users)
    return users, accounts


#: Profiles of the demo members: e-mail → profile fields, skills, languages.
MEMBER_PROFILES = {
    "amina@alumni.test": (
        {
            "country": "SN",
            "city": "Dakar",
            "institution": "Sorbonne Université",
            "field_of_study": "Énergies renouvelables",
            "degree": "master",
            "graduation_year": 2019,
            "employer": "Senelec",
            "job_title": "Ingénieure solaire",
            "bio": "<p>Ingénieure, je développe des centrales solaires au Sénégal.</p>",
            "accepts_partner_contact": True,
        },
        ["Énergie solaire", "Gestion de projet"],
        ["fr", "wo", "en"],
    ),
    "lucas@alumni.test": (
        {
            "country": "BR",
            "city": "São Paulo",
            "institution": "HEC Paris",
            "field_of_study": "Finance",
            "degree": "mba",
            "graduation_year": 2016,
            "employer": "Banco do Brasil",
            "job_title": "Analyste",
            "show_employer": False,
        },
        ["Finance", "Audit"],
        ["pt", "fr", "en"],
    ),
    "thao@alumni.test": (
        {
            "country": "VN",
            "city": "Hanoï",
            "institution": "Université Paris-Saclay",
            "field_of_study": "Informatique",
            "degree": "engineer",
            "graduation_year": 2021,
            "employer": "Mekong Numérique",
            "job_title": "Développeuse",
            "accepts_partner_contact": True,
        },
        ["Python", "Data science"],
        ["vi", "fr"],
    ),
}


def seed_member_profiles(users) -> None:
    """Complete profiles for the demo members, addresses confirmed for log in."""
    from allauth.account.models import EmailAddress

    from alumni_partner.models import AlumniProfile, Sector

    sector = Sector.objects.filter(locale__language_code="fr").first()
    for user in users:
        EmailAddress.objects.update_or_create(
            user=user,
            email=user.email,
            defaults={"verified": True, "primary": True},
        )
        fields, skills, languages = MEMBER_PROFILES.get(user.email, ({}, [], []))
        profile = AlumniProfile.for_user(user)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.sector = profile.sector or sector
        profile.set_mailing_consent(True)
        profile.save()
        profile.skills.set(skills)
        profile.set_languages(languages)
        profile.save()
        helios = Partner.objects.filter(name=demo_content.PARTNERS[0].name).first()
        if helios is not None:
            profile.following.add(helios)
