"""Shared fixtures: the site tree, partners built through real onboarding, users."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from alumni_partner.models import Partner
from alumni_partner.onboarding import NewPartner, onboard_partner

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, as its database starts empty.

    Cached fragments, option lists and versions would otherwise outlive the
    rows they were built from (the test settings' local-memory cache lives as
    long as the worker process).
    """
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _french_first():
    """Each test starts in French, the site's default language.

    A request to an ``/en/`` page leaves English active in the worker's
    thread, so ``reverse()`` in the next test's body would give ``/en/...``.
    """
    from django.utils import translation

    with translation.override("fr"):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the site tree once per test database, not once per test.

    Building it (locales, home page, indexes, their translations) is the
    costliest part of most tests' set-up, about half a second on PostgreSQL;
    each test's transaction then starts from it and ``site_tree`` only looks
    it up. Transactional tests with ``serialized_rollback`` (the browser
    tests) get the tree back too: the saved contents they are restored from
    are taken again once it is built. Other transactional tests empty the
    tables, and the next test's ``ensure_site`` builds the tree again.
    """
    from django.db import connections

    from home.bootstrap import ensure_site

    with django_db_blocker.unblock():
        ensure_site()
        for connection in connections.all():
            if getattr(connection, "_test_serialized_contents", None) is not None:
                connection._test_serialized_contents = (
                    connection.creation.serialize_db_to_string()
                )


@pytest.fixture
def site_tree(db):
    """Locales, the French home page and the partner index, synchronised."""
    from home.bootstrap import ensure_site

    return ensure_site()


@pytest.fixture
def make_partner(site_tree):
    """Onboard a partner exactly as the admin action does; its user gets PASSWORD."""

    def make(name: str = "Acme", email: str | None = None, **kwargs) -> Partner:
        email = email or f"contact@{name.lower().replace(' ', '-')}.test"
        partner = onboard_partner(
            NewPartner(name=name, email=email, **kwargs), send_invitation=False
        )
        user = partner.members.get()
        user.set_password(PASSWORD)
        user.save()
        return partner

    return make


@pytest.fixture
def partner(make_partner) -> Partner:
    return make_partner("Acme")


@pytest.fixture
def other_partner(make_partner) -> Partner:
    return make_partner("Globex")


@pytest.fixture
def partner_user(partner):
    return partner.members.get()


@pytest.fixture
def editor(site_tree):
    user = get_user_model().objects.create_user(
        username="editor@alumni.test",
        email="editor@alumni.test",
        password=PASSWORD,
        first_name="Eda",
        last_name="Editor",
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) that Django's SMTP backend sends to."""
    from tests.smtp import SMTPServer

    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        yield server


@pytest.fixture
def news_type(site_tree):
    from alumni_partner.models import NewsType

    return NewsType.objects.create(name="Événement")


@pytest.fixture
def audience_group(site_tree):
    from alumni_partner.models import AudienceGroup

    return AudienceGroup.objects.create(name="Ingénieurs")


@pytest.fixture
def make_news(news_type):
    """A news under ``partner``'s French page, published through Wagtail's actions."""
    from wagtail_localize.synctree import create_aliases_for_new_page

    from alumni_partner.models import NewsPage

    def make(partner: Partner, title: str = "Forum emploi", publish=True, **fields):
        fields.setdefault("news_type", news_type)
        news = partner.page.add_child(
            instance=NewsPage(title=title, live=False, **fields)
        )
        # As the admin does (wagtail-localize's after_create_page hook).
        create_aliases_for_new_page(news)
        revision = news.save_revision(user=partner.members.first())
        if publish:
            revision.publish(user=partner.members.first())
        news.refresh_from_db()
        return news

    return make


@pytest.fixture
def news(partner, make_news):
    return make_news(partner)


@pytest.fixture
def alumnus(db):
    """A registered member of the public site: no access to the admin."""
    return get_user_model().objects.create_user(
        username="alumnus@alumni.test",
        email="alumnus@alumni.test",
        password=PASSWORD,
        first_name="Amina",
        last_name="Alumna",
    )


@pytest.fixture
def contract_type(site_tree):
    """The "CDI" term the offers migration creates in the default language."""
    from alumni_partner.models import ContractType

    return ContractType.default_terms().get(name="CDI")


@pytest.fixture
def make_offer(contract_type):
    """An offer under ``partner``'s French page, published through Wagtail's actions."""
    from wagtail_localize.synctree import create_aliases_for_new_page

    from alumni_partner.models import OfferPage
    from alumni_partner.offer_lifecycle import suggest_reference

    def make(
        partner: Partner, title: str = "Développeur Python", publish=True, **fields
    ):
        fields.setdefault("contract_type", contract_type)
        fields.setdefault("reference", suggest_reference(partner))
        fields.setdefault("mission", "<p>Construire le réseau des alumni.</p>")
        fields.setdefault("country", "FR")
        fields.setdefault("city", "Paris")
        fields.setdefault("contact", "jobs@acme.test")
        offer = partner.page.add_child(
            instance=OfferPage(title=title, live=False, **fields)
        )
        create_aliases_for_new_page(offer)
        revision = offer.save_revision(user=partner.members.first())
        if publish:
            revision.publish(user=partner.members.first())
        offer.refresh_from_db()
        return offer

    return make


@pytest.fixture
def offer(partner, make_offer):
    return make_offer(partner)


@pytest.fixture
def make_alumnus(db):
    """An active alumnus with a profile (password PASSWORD); ``fields`` go on the profile.

    ``skills`` (names) and ``languages`` (codes) are set after the first save,
    and ``search_text`` is rebuilt with them.
    """
    from alumni_partner.models import AlumniProfile

    counter = {"n": 0}

    def make(
        first_name: str = "Amina",
        last_name: str = "Diallo",
        email: str | None = None,
        skills=(),
        languages=(),
        **fields,
    ) -> AlumniProfile:
        counter["n"] += 1
        email = email or f"{first_name}.{last_name}.{counter['n']}@alumni.test".lower()
        user = get_user_model().objects.create_user(
            username=email,
            email=email,
            password=PASSWORD,
            first_name=first_name,
            last_name=last_name,
        )
        profile = AlumniProfile(user=user, **fields)
        profile.save()
        if skills:
            profile.skills.set(list(skills))
        if languages:
            profile.set_languages(languages)
        if skills:
            profile.save()
        return profile

    return make


@pytest.fixture
def profile(make_alumnus):
    """An alumnus's profile (Amina Diallo), every field shown, no consent yet."""
    return make_alumnus()
