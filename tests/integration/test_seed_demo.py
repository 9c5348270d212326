"""``manage.py seed_demo``: the demo content and accounts the README promises."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Locale, WorkflowPage

from alumni_partner import demo_content, offer_lifecycle, permissions, uploads
from alumni_partner.counters import news_statistics, offer_statistics
from alumni_partner.management.commands import seed_demo
from alumni_partner.models import (
    AudienceGroup,
    ContractType,
    NewsDailyViews,
    NewsLike,
    NewsPage,
    NewsType,
    OfferDailyStats,
    OfferPage,
    Partner,
    PartnerCategory,
    PartnerDocument,
    PartnerPage,
    Sector,
    SeniorityLevel,
)

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    (seed_demo.ADMIN_EMAIL, seed_demo.ADMIN_PASSWORD),
    (seed_demo.EDITOR_EMAIL, seed_demo.EDITOR_PASSWORD),
    (seed_demo.PARTNER_EMAIL, seed_demo.PARTNER_PASSWORD),
]


def seed(scale: str = "small") -> str:
    out = io.StringIO()
    # A small directory: the demo's 3,000 alumni go through the same import.
    call_command("seed_demo", "--scale", scale, "--alumni", "60", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once for the module; each test rolls back to it.

    Seeding takes seconds (tens on PostgreSQL): the tests share one run inside
    an outer transaction, and each test's own transaction is a savepoint in it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def live_french_partner_pages():
    return PartnerPage.objects.live().filter(locale=Locale.get_default())


def counts() -> dict[str, int]:
    return {
        "partners": Partner.objects.count(),
        "pages": PartnerPage.objects.count(),
        "sectors": Sector.objects.count(),
        "categories": PartnerCategory.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "brochures": PartnerDocument.objects.count(),
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
        "locales": Locale.objects.count(),
        "news": NewsPage.objects.count(),
        "news types": NewsType.objects.count(),
        "audience groups": AudienceGroup.objects.count(),
        "daily views": NewsDailyViews.objects.count(),
        "views": NewsDailyViews.objects.aggregate(n=Sum("views"))["n"],
        "likes": NewsLike.objects.count(),
        "offers": OfferPage.objects.count(),
        "contract types": ContractType.objects.count(),
        "seniority levels": SeniorityLevel.objects.count(),
        "offer figures": OfferDailyStats.objects.count(),
        "offer views": OfferDailyStats.objects.aggregate(n=Sum("views"))["n"],
    }


def test_small_demo_content(client, seeded):
    output = seeded

    # At least five published partners, across sectors and countries.
    pages = list(live_french_partner_pages())
    assert len(pages) >= 5
    assert len({page.country.code for page in pages}) >= 5
    assert len({page.sector_id for page in pages}) >= 4
    for page in pages:
        assert page.title in output
        assert page.street and page.city and page.website and page.phone
        assert page.email and page.category_id
        partner = Partner.objects.get(page=page)
        # Images and brochures: real files, in the partner's own collection.
        for image in (page.logo, page.banner):
            assert image is not None
            assert image.collection_id == partner.collection_id
            with image.open_file() as f:
                data = f.read()
            assert len(data) <= 200 * 1024
            uploads.check_logo(image.filename, data)
        brochures = list(page.documents.select_related("document"))
        assert brochures
        for brochure in brochures:
            assert brochure.label
            document = brochure.document
            assert document.collection_id == partner.collection_id
            with document.open_file() as f:
                data = f.read()
            assert data.startswith(b"%PDF-1.4") and b"%%EOF" in data[-1024:]
            uploads.check_pdf(document.filename, data[:2048], data[-1024:])
        assert any(block.block_type == "paragraph" for block in page.presentation)
    assert any(
        block.block_type == "video" for page in pages for block in page.presentation
    )

    # Vocabularies in French with English names.
    english = Locale.objects.get(language_code="en")
    energy = Sector.objects.get(name="Énergie", locale=Locale.get_default())
    assert energy.get_translation(english).name == "Energy"
    school = PartnerCategory.objects.get(name="École", locale=Locale.get_default())
    assert school.get_translation(english).name == "School"

    # English translations are real pages (not aliases) with English content.
    translated = PartnerPage.objects.filter(locale=english, alias_of__isnull=True)
    assert translated.count() >= 2
    helios = translated.get(title="Helios Energy")
    assert helios.live
    assert "solar power plants" in str(helios.presentation)
    response = client.get("/en/partners/helios-energie/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Helios Energy" in body and "solar power plants" in body
    assert "youtube-nocookie.com/embed/" in body

    # French stays French; untranslated pages fall back on French under /en/.
    response = client.get("/partners/helios-energie/")
    assert "centrales solaires" in response.content.decode()
    teranga = PartnerPage.objects.get(title="Teranga Santé", locale__language_code="en")
    assert teranga.alias_of_id is not None
    response = client.get("/en/partners/teranga-sante/")
    assert response.status_code == 200
    assert "santé communautaire" in response.content.decode()

    # An Arabic translation, shown right to left.
    arabic = PartnerPage.objects.get(
        locale__language_code="ar", alias_of__isnull=True, live=True
    )
    response = client.get(arabic.url)
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()

    # One partner is moderated: no publish permission, a workflow on its pages.
    moderated = Partner.objects.get(moderated=True)
    assert not GroupPagePermission.objects.filter(
        group=moderated.group, permission__codename="publish_page"
    ).exists()
    assert WorkflowPage.objects.filter(page=moderated.page).exists()

    # The partner index lists them.
    response = client.get("/partners/")
    assert response.status_code == 200
    for page in pages:
        assert page.url in response.content.decode()


def test_demo_accounts_log_in_by_email_and_a_second_run_duplicates_nothing(
    client, seeded
):
    output = seeded
    User = get_user_model()
    for email, password in ACCOUNTS:
        assert email in output and password in output
        client.logout()
        response = client.post(
            "/admin/login/", {"username": email.upper(), "password": password}
        )
        assert response.status_code == 302, (email, response.content[:2000])
        assert client.get("/admin/").status_code == 200

    admin = User.objects.get(email=seed_demo.ADMIN_EMAIL)
    assert admin.is_superuser
    editor = User.objects.get(email=seed_demo.EDITOR_EMAIL)
    assert not editor.is_superuser
    assert editor.groups.filter(name="Editors").exists()
    partner_user = User.objects.get(email=seed_demo.PARTNER_EMAIL)
    assert not partner_user.is_superuser
    first = Partner.objects.get(name="Helios Énergie")
    assert first.has_member(partner_user)
    assert list(partner_user.groups.all()) == [first.group]

    # Second run: nothing new, and a changed demo password gets its value back.
    before = counts()
    editor.set_password("something-else")
    editor.save()
    output = seed()
    assert counts() == before
    assert "already there" in output
    editor.refresh_from_db()
    assert editor.check_password(seed_demo.EDITOR_PASSWORD)


def test_demo_news_with_translations_states_and_statistics(client, seeded):
    output = seeded
    french = Locale.get_default()
    english = Locale.objects.get(language_code="en")
    now = timezone.now()

    # News types and audience groups in French, with English names.
    event = NewsType.objects.get(name="Événement", locale=french)
    assert event.get_translation(english).name == "Event"
    engineers = AudienceGroup.objects.get(name="Ingénieurs", locale=french)
    assert engineers.get_translation(english).name == "Engineers"

    # Three to five news a partner, published through Wagtail: revisions,
    # an owner of the partner's team, a type, groups, keywords, a body.
    for partner in Partner.objects.all():
        news = NewsPage.objects.child_of(partner.page).filter(locale=french)
        assert 3 <= news.count() <= 5, partner.name
        assert partner.name in output
        for item in news.live():
            assert item.live_revision_id and item.first_published_at <= now
            assert item.owner is not None and partner.has_member(item.owner)
            assert item.news_type.locale_id == french.pk
            assert item.audience_groups.exists()
            assert item.keywords.exists()
            assert any(block.block_type == "paragraph" for block in item.body)
            # Online for two months from its publication.
            assert now < item.expire_at <= item.first_published_at + timedelta(days=62)
            assert item.date == timezone.localtime(item.first_published_at).date()
    live = NewsPage.objects.live().filter(locale=french)
    assert live.filter(featured_on_home=True).exists()
    assert live.exclude(image=None).exists() and live.exclude(document=None).exists()
    assert any(block.block_type == "video" for item in live for block in item.body)

    # One news leaves the site in a few days; one was archived by its partner.
    assert live.filter(expire_at__lt=now + timedelta(days=7)).count() == 1
    archived = NewsPage.objects.archived().filter(locale=french).get()
    assert archived.expire_at is None
    assert not NewsPage.objects.filter(
        translation_key=archived.translation_key, live=True
    ).exists()

    # Some news are translated into English: real pages, published.
    translated = NewsPage.objects.filter(locale=english, alias_of__isnull=True)
    assert translated.count() >= 3
    fair = translated.get(title="Solar energy careers fair in Lyon")
    assert fair.live and "Lyon" in str(fair.body)
    # The others are aliases showing their French text under /en/.
    assert NewsPage.objects.filter(locale=english, alias_of__isnull=False).exists()

    # Three months of views and a few likes, so that the statistics show.
    helios = Partner.objects.get(name="Helios Énergie")
    stats = news_statistics(
        NewsPage.objects.child_of(helios.page).filter(locale=french)
    )
    assert stats.published == 4 and stats.archived == 1
    assert stats.total_likes >= 3
    assert len([day for day in stats.days if day.views]) >= 30
    assert stats.total_views == stats.period_views > 100
    assert sum(day.likes for day in stats.days) == stats.total_likes
    days = NewsDailyViews.objects.values_list("day", flat=True)
    assert max(days) <= timezone.localdate()
    assert min(days) >= timezone.localdate() - timedelta(days=90)
    # A translation's views count for its news.
    assert NewsDailyViews.objects.filter(page=fair).exists()

    # Alumni members who like news: in the output, no access to the admin.
    User = get_user_model()
    for member in demo_content.MEMBERS:
        assert member.email in output
        user = User.objects.get(email=member.email)
        assert user.check_password(seed_demo.MEMBER_PASSWORD)
        assert not user.is_staff and not user.is_superuser
        assert not user.groups.exists()
    assert seed_demo.MEMBER_PASSWORD in output
    assert set(NewsLike.objects.values_list("user__email", flat=True)) <= {
        member.email for member in demo_content.MEMBERS
    }

    # The public side shows them: news page, English translation, the feed.
    response = client.get(
        live.get(slug="forum-des-metiers-de-lenergie-solaire-a-lyon").url
    )
    assert response.status_code == 200
    assert "Forum des métiers" in response.content.decode()
    response = client.get(fair.url)
    assert response.status_code == 200
    assert "Solar energy careers fair" in response.content.decode()
    response = client.get("/news/")
    assert response.status_code == 200
    assert "Hackathon francophone" in response.content.decode()
    assert archived.title not in response.content.decode()


def test_demo_offers_with_states_translations_and_statistics(client, seeded):
    output = seeded
    french = Locale.get_default()
    english = Locale.objects.get(language_code="en")
    now = timezone.now()

    # Contract types and seniority levels in French, with English names.
    cdi = ContractType.objects.get(name="CDI", locale=french)
    assert cdi.get_translation(english).name == "Permanent contract"
    junior = SeniorityLevel.objects.get(name=demo_content.JUNIOR, locale=french)
    assert junior.get_translation(english).name == "Entry level (under 2 years)"

    # Two to four offers a partner, complete, created through Wagtail.
    offers = OfferPage.objects.filter(locale=french)
    for partner in Partner.objects.all():
        assert 2 <= offers.child_of(partner.page).count() <= 4, partner.name
    for offer in offers.select_related("contract_type", "seniority", "sector"):
        partner = Partner.objects.get(pk=offer.partner_id)
        assert offer.get_parent().pk == partner.page_id
        assert offer.reference and offer.mission and offer.company_description
        assert offer.contract_type.locale_id == french.pk
        assert offer.seniority.locale_id == french.pk
        assert offer.sector is not None and offer.city and offer.country
        assert offer.skills.exists()
        assert offer.contact_kind in ("email", "url")
        assert offer.latest_revision_id and offer.owner is not None
        assert partner.has_member(offer.owner)
        if offer.salary_min is not None:
            assert offer.salary_min <= offer.salary_max
        if not offer.available_immediately:
            assert offer.available_from > timezone.localdate()
    # Every contract type, both ways to apply, salaries in several currencies.
    assert {offer.contract_type.name for offer in offers} == set(
        demo_content.CONTRACT_TYPES
    )
    assert {offer.contact_kind for offer in offers} == {"email", "url"}
    assert len(set(offers.values_list("salary_currency", flat=True))) >= 4
    assert offers.filter(remote_allowed=True).exists()
    assert offers.filter(available_immediately=False).exists()

    # Validated offers are on the board for 60 days from their publication.
    for offer in offers.live():
        assert offer.live_revision_id and offer.first_published_at <= now
        assert now < offer.expire_at
        assert offer.expire_at == OfferPage.expiry_after(offer.first_published_at)
        assert offer.created_at == offer.first_published_at

    # One filled, one deleted, one pending at the moderated partner.
    states = Counter(offer.state for offer in offers.with_moderation())
    assert states["filled"] == 1 and states["deleted"] == 1
    assert states["pending"] == 1 and states["draft"] == 0
    assert states["validated"] == offers.count() - 3
    pending = offers.pending().get()
    assert pending.partner.moderated
    assert pending.partner.name == "Atelier industriel du Bajío"
    assert pending.first_published_at is None
    filled = offers.get(closed_reason="filled")
    assert filled.closed_at is not None and filled.first_published_at is not None
    assert offers.closed().get() == filled
    assert offers.deleted().count() == 1

    # One of Helios Énergie's offers leaves the board in a few days: the
    # reminder will go out, and the partner can renew it.
    helios = Partner.objects.get(name="Helios Énergie")
    helios_offers = offers.child_of(helios.page)
    soon = helios_offers.live().filter(expire_at__lt=now + timedelta(days=5))
    assert soon.count() == 1
    assert offers.live().filter(expire_at__lt=now + timedelta(days=7)).count() == 1
    assert list(offer_lifecycle.offers_to_remind()) == list(soon)

    # Some offers are translated into English: real pages, published, with
    # the company description in English too.
    translated = OfferPage.objects.filter(locale=english, alias_of__isnull=True)
    assert translated.count() >= 3
    kotlin = translated.get(title="Kotlin mobile developer")
    assert kotlin.live and "banking application" in kotlin.mission
    assert "Mekong Digital" in kotlin.company_description
    assert kotlin.expire_at == kotlin.get_translation(french).expire_at
    assert OfferPage.objects.filter(locale=english, alias_of__isnull=False).exists()

    # A few weeks of views and "apply" clicks, so that the statistics show.
    stats = offer_statistics(helios_offers)
    assert stats.validated == 3 and stats.closed == 1
    assert stats.total_views > 100 and 0 < stats.total_clicks < stats.total_views
    assert len([day for day in stats.days if day.views]) >= 14
    days = OfferDailyStats.objects.values_list("day", flat=True)
    assert max(days) <= timezone.localdate()
    assert OfferDailyStats.objects.filter(page=kotlin).exists()
    assert not OfferDailyStats.objects.filter(page=pending).exists()

    # The summary lists the offers of every partner.
    assert "On the board" in output

    # The public side shows them: the job board, an offer page in English.
    response = client.get("/offres/")
    assert response.status_code == 200
    board = response.content.decode()
    assert "Développeur·se mobile Kotlin" in board
    for hidden in (pending, filled, offers.deleted().get()):
        assert hidden.title not in board
    response = client.get(kotlin.url)
    assert response.status_code == 200
    assert "Kotlin mobile developer" in response.content.decode()


def seed_large(partners: int = 3) -> str:
    """The large scale's code path at a tiny size (seconds, not minutes)."""
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--scale",
        "large",
        "--alumni",
        "60",
        "--partners",
        str(partners),
        "--news-per-partner",
        "2",
        "--offers-per-partner",
        "2",
        "--members-with-password",
        "5",
        stdout=out,
    )
    return out.getvalue()


def large_counts() -> dict[str, int]:
    from wagtail.models import Collection, Page, Revision
    from wagtail.search.models import IndexEntry

    from alumni_partner.models import PartnerFollow

    return {
        **counts(),
        "all pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "collections": Collection.objects.count(),
        "page permissions": GroupPagePermission.objects.count(),
        "follows": PartnerFollow.objects.count(),
        "index entries": IndexEntry.objects.count(),
    }


def test_large_scale_adds_partners_with_pages_that_serve_in_bulk(client, seeded):
    from allauth.account.models import EmailAddress
    from wagtail.models import Collection, Page

    from alumni_partner import demo_scale
    from alumni_partner.models import AlumniProfile, PartnerFollow

    before = large_counts()
    output = seed_large()
    assert "Large scale: 3 partners with 2 news and 2 offers each" in output
    for part in ("small demo content", "directory", "3 partners", "total"):
        assert part in output
    specs = demo_scale.partner_specs(3)
    partners = list(Partner.objects.filter(name__in=[s.name for s in specs]))
    assert len(partners) == 3
    locales = Locale.objects.count()
    after = large_counts()
    # Each partner: its page, 2 news and 2 offers, in every locale (aliases).
    assert after["all pages"] - before["all pages"] == 3 * 5 * locales
    assert after["news"] - before["news"] == 3 * 2 * locales
    assert after["offers"] - before["offers"] == 3 * 2 * locales
    # One revision per French page; the aliases have none, as in Wagtail.
    assert after["revisions"] - before["revisions"] == 3 * 5
    assert after["index entries"] - before["index entries"] >= 3 * 5 * locales
    assert Page.find_problems() == ([], [], [], [], [])
    assert Collection.find_problems() == ([], [], [], [], [])

    partner = next(p for p in partners if p.name == specs[0].name)
    page = PartnerPage.objects.get(pk=partner.page_id)
    assert page.live and page.locale == Locale.get_default()
    assert page.live_revision_id == page.latest_revision_id is not None
    assert page.latest_revision.as_object().title == page.title
    pages = Page.objects.filter(translation_key=page.translation_key)
    assert pages.count() == locales
    assert set(pages.exclude(pk=page.pk).values_list("alias_of", flat=True)) == {
        page.pk
    }
    # Onboarding's group, collection and permissions, on every locale's page.
    assert partner.collection.get_parent() == Collection.get_first_root_node()
    assert GroupPagePermission.objects.filter(
        group=partner.group, page__in=pages
    ).count() == locales * len(permissions.page_permission_codenames(False))
    user = partner.members.get()
    assert user.email == specs[0].email
    assert user.check_password(seed_demo.PARTNER_PASSWORD)
    assert list(user.groups.all()) == [partner.group]

    # Real pages: they serve, in French and in the other languages.
    news = NewsPage.objects.child_of(page).live()
    offers = OfferPage.objects.child_of(page).live()
    assert news.count() == 2 and offers.count() == 2
    news_item, offer = news.first(), offers.first()
    assert news_item.keywords.count() == 2 and news_item.audience_groups.exists()
    assert offer.skills.count() == 3 and offer.partner_id == partner.pk
    assert offer.expire_at > timezone.now() and news_item.expire_at > timezone.now()
    english = PartnerPage.objects.get(
        translation_key=page.translation_key, locale__language_code="en"
    )
    for url, text in (
        (page.url, page.title),
        (english.url, page.title),
        (news_item.url, news_item.title),
        (offer.url, offer.title),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    # ...and show in the partner index, the news feed and the job board,
    # whose keyword search finds them (search index entries).
    assert page.title in client.get("/partners/").content.decode()
    feed = client.get(f"/news/?partner={page.pk}").content.decode()
    assert news_item.title in feed
    board = client.get("/offres/", {"q": "Atlas"}).content.decode()
    assert offer.url in board

    # The partner's user finds its news and offers in the admin, and not
    # another bulk partner's page.
    client.force_login(user)
    assert news_item.title in client.get("/admin/news/").content.decode()
    assert offer.reference in client.get("/admin/offers/").content.decode()
    other = next(p for p in partners if p.pk != partner.pk)
    assert client.get(f"/admin/pages/{other.page_id}/edit/").status_code in (302, 403)
    client.logout()

    # Alumni follow the new partners; the first ones may log in.
    assert PartnerFollow.objects.filter(partner__in=partners).exists()
    imported = AlumniProfile.objects.filter(
        user__email__endswith="@directory.alumni.test"
    )
    first = imported.order_by("pk").select_related("user").first().user
    assert EmailAddress.objects.get(user=first).verified
    response = client.post(
        "/accounts/login/",
        {"login": first.email, "password": seed_demo.MEMBER_PASSWORD},
    )
    assert response.status_code == 302

    # Idempotent: a second run adds nothing.
    output = seed_large()
    assert "3 partners were already there" in output
    assert large_counts() == after


def test_the_directory_is_seeded_through_the_import_and_members_can_log_in(
    client, seeded
):
    from alumni_partner.models import AlumniProfile, PartnerFollow

    output = seeded
    imported = AlumniProfile.objects.filter(
        user__email__endswith="@directory.alumni.test"
    )
    assert imported.count() == 60
    assert "Directory: 60 imported alumni" in output
    assert PartnerFollow.objects.exists()
    assert imported.filter(show_employer=False).exists()
    seed()  # idempotent: nobody twice
    assert imported.count() == 60
    amina = AlumniProfile.objects.get(user__email="amina@alumni.test")
    assert amina.accepts_partner_mailings and amina.mailing_consent_at
    assert amina.following.filter(name="Helios Énergie").exists()
    response = client.post(
        "/accounts/login/",
        {"login": "amina@alumni.test", "password": seed_demo.MEMBER_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200

    # The mailings of guide 6, seeded by the same run.
    assert_demo_mailings(output)

    # The conversations of guide 7: Helios Énergie has unread messages (its
    # badge shows), two alumni write to each other; none twice, no notice.
    from alumni_partner import messaging
    from alumni_partner.models import Mailbox, Thread

    assert "Messages: 3 conversations made" in output
    helios_box = Mailbox.objects.get(partner__name="Helios Énergie")
    assert messaging.unread_count(helios_box) >= 1
    between_alumni = Thread.objects.get(started_by__user__email="lucas@alumni.test")
    assert between_alumni.participants.filter(mailbox__partner=None).count() == 2
    assert Thread.objects.count() == 3  # the second run made none
    assert not Mailbox.objects.filter(notice_pending_since__isnull=False).exists()
    client.force_login(get_user_model().objects.get(email=seed_demo.PARTNER_EMAIL))
    home = client.get("/admin/").content.decode()
    assert 'data-unread-count="2"' in home


def assert_demo_mailings(output: str) -> None:
    from alumni_partner.models import Mailing, MailingStatus

    helios = Mailing.objects.filter(partner__name="Helios Énergie")
    assert sorted(helios.values_list("status", flat=True)) == sorted(
        [MailingStatus.SENT, MailingStatus.SUBMITTED, MailingStatus.DRAFT]
    )
    assert "Mailings: 3 made" in output
    sent = helios.get(status=MailingStatus.SENT)
    stats = sent.statistics()
    # Only consenting followers were kept, and every row has an outcome.
    assert stats["total"] == sent.recipient_count > 0
    assert stats["sent"] + stats["failed"] == stats["total"]
    assert stats["opened"] <= stats["trackable"]
    assert sent.recipients.filter(profile__accepts_partner_mailings=False).count() == 0
    pending = helios.get(status=MailingStatus.SUBMITTED)
    assert set(pending.recipients.values_list("email", flat=True)) == {
        "amina@alumni.test",
        "lucas@alumni.test",
        "thao@alumni.test",
    }
    assert helios.count() == 3  # the second run of the caller made none
