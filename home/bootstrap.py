"""The demo site's page tree: locales, a home page and a partner index per locale.

Idempotent: ``seed_demo`` and the test fixtures call :func:`ensure_site`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, Site, WorkflowPage
from wagtail_localize.models import LocaleSynchronization
from wagtail_localize.synctree import synchronize_tree

from alumni_partner.models import NewsIndexPage, OfferIndexPage, PartnerIndexPage

from .models import HomePage


def ensure_locales() -> Locale:
    """Every site language as a Locale, each synchronised from the default one."""
    default = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
    if default is None:
        default = Locale.objects.order_by("pk").first()
        if default is None:
            default = Locale.objects.create(language_code=settings.LANGUAGE_CODE)
        else:
            default.language_code = settings.LANGUAGE_CODE
            default.save()
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        if code == default.language_code:
            continue
        locale, _created = Locale.objects.get_or_create(language_code=code)
        LocaleSynchronization.objects.get_or_create(
            locale=locale, defaults={"sync_from": default}
        )
    return default


@transaction.atomic
def ensure_site() -> HomePage:
    """The French home page, served by the default Site, and the partner index."""
    default = ensure_locales()
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=default).first()
    if home is None:
        home = root.add_child(
            instance=HomePage(
                title="France Alumni",
                slug="accueil",
                locale=default,
                introduction=(
                    "<p>Le réseau des diplômés étrangers de l'enseignement "
                    "supérieur français et de ses partenaires.</p>"
                ),
            )
        )
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site is None:
            Site.objects.create(
                hostname="localhost", root_page=home, is_default_site=True
            )
        else:
            site.root_page = home
            site.site_name = str(_("France Alumni"))
            site.save()
        if old_root is not None and old_root.specific_class is Page:
            # Wagtail's "Welcome" placeholder page.
            old_root.delete()
    if not PartnerIndexPage.objects.filter(locale=default).exists():
        index = home.add_child(
            instance=PartnerIndexPage(
                title="Nos partenaires",
                slug="partners",
                locale=default,
                introduction=(
                    "Entreprises, écoles et ambassades qui accompagnent les alumni."
                ),
            )
        )
        index.save_revision().publish()
    if not NewsIndexPage.objects.filter(locale=default).exists():
        feed = home.add_child(
            instance=NewsIndexPage(
                title="Actualités",
                slug="news",
                locale=default,
                introduction="Les dernières nouvelles des partenaires du réseau.",
            )
        )
        feed.save_revision().publish()
    if not OfferIndexPage.objects.filter(locale=default).exists():
        board = home.add_child(
            instance=OfferIndexPage(
                title="Offres d'emploi",
                slug="offres",
                locale=default,
                introduction="Les offres d'emploi et de stage des partenaires.",
            )
        )
        board.save_revision().publish()
    # Wagtail's default "Moderators approval" workflow on the root would put every
    # partner's "Publish" beside a "Submit": partners publish directly unless an
    # editor switches them to moderated (alumni_partner.permissions).
    WorkflowPage.objects.filter(page=root).delete()
    for sync in LocaleSynchronization.objects.select_related("locale", "sync_from"):
        # synchronize_tree reads every page, a few queries each (half an hour
        # on the large demo's 210,000 pages), to alias those missing from the
        # locale: one query tells whether there are any.
        missing = Page.objects.filter(locale=sync.sync_from, depth__gt=1).exclude(
            translation_key__in=Page.objects.filter(locale=sync.locale).values(
                "translation_key"
            )
        )
        if missing.exists():
            synchronize_tree(sync.sync_from, sync.locale)
    return home
