"""Purging the front cache: a page's URLs and the listings that show it.

Public pages are kept by a front cache for ``PUBLIC_CACHE_SECONDS``
(:mod:`alumni_partner.http_cache`). With Wagtail's front-end cache app
configured (``WAGTAILFRONTENDCACHE``, e.g. its ``HTTPBackend`` sending PURGE
to Varnish), publishing shows at once instead: Wagtail purges the page that is
published or unpublished (and each of its aliases, which get their own
signal), and the handlers below add the pages that *show* it, in every
locale:

==============================  ==============================================
change                          also purged (every language)
==============================  ==============================================
a news goes on or off line      its partner's page, the news feed and its RSS
                                and Atom feeds, the home page (featured news)
an offer goes on or off line    its partner's page, the job board and its feeds
a partner page goes on or off   the partner index, the home page (latest
line                            partners), the news feed and the job board
                                (their partner filter lists live partners)
a page moved, or its slug       its old URL and its descendants' old URLs, and
changed                         the listings above for its old and new parent
==============================  ==============================================

"On or off line" is Wagtail's ``page_published`` and ``page_unpublished``:
publishing, approval of a moderated page, unpublishing, archiving, deleting
(Wagtail unpublishes a page before deleting it) and scheduled expiry
(``publish_scheduled``, run by the django-q2 schedule). The URLs go to
Wagtail's purge task, which runs on the django-q2 cluster after the
transaction commits (``alumni_partner.task_backend``).

A listing's filtered and paginated variants (``/offres/?q=python``,
``/news/?page=2``) have URLs nobody can list: purge them in the front cache
by prefix (the Varnish example in docs/deploy.md bans every query string of a
purged path), or let ``PUBLIC_CACHE_SECONDS`` expire them. Nothing here runs
when no purge backend is configured.
"""

from __future__ import annotations

import copy

from django.apps import apps
from django.dispatch import receiver
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Page, Site
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from .models import (
    NewsIndexPage,
    NewsPage,
    OfferIndexPage,
    OfferPage,
    PartnerIndexPage,
    PartnerPage,
)

#: The listings' own feeds (RoutablePageMixin routes) are purged with them.
FEED_ROUTES = ("rss", "atom")


def purging_enabled() -> bool:
    """Whether a purge backend is configured (``WAGTAILFRONTENDCACHE``)."""
    return bool(get_backends())


def _in_every_locale(pages) -> list[Page]:
    """The live pages that share a translation key with ``pages`` (a queryset)."""
    return list(
        Page.objects.live()
        .filter(translation_key__in=pages.values("translation_key"))
        .specific(defer=True)
    )


def _home_pages() -> list[Page]:
    """Every site's root page in every locale (the home page lists news, partners)."""
    return _in_every_locale(
        Page.objects.filter(pk__in=Site.objects.values("root_page_id"))
    )


def _add_listings(batch: PurgeBatch, *index_classes: type[Page]) -> None:
    """The live listing pages of these types in every locale, with their feeds."""
    for index_class in index_classes:
        for index in index_class.objects.live():
            batch.add_page(index)
            url = index.get_full_url(batch)
            if url and index_class in (NewsIndexPage, OfferIndexPage):
                batch.add_urls(
                    url + index.reverse_subpage(route).lstrip("/")
                    for route in FEED_ROUTES
                )


def add_pages_showing(
    batch: PurgeBatch, page: Page, *, parent_path: str | None = None
) -> None:
    """Add to ``batch`` the pages whose content shows ``page``, in every locale.

    ``parent_path`` is the tree path of the page's parent, when it is not
    the current one (a page that was just moved away from it).
    """
    page_class = page.specific_class
    if page_class is None:
        return
    if issubclass(page_class, (NewsPage, OfferPage)):
        parent_path = parent_path or page.path[: -page.steplen]
        batch.add_pages(_in_every_locale(Page.objects.filter(path=parent_path)))
        if issubclass(page_class, NewsPage):
            _add_listings(batch, NewsIndexPage)
            batch.add_pages(_home_pages())
        else:
            _add_listings(batch, OfferIndexPage)
    elif issubclass(page_class, PartnerPage):
        _add_listings(batch, PartnerIndexPage, NewsIndexPage, OfferIndexPage)
        batch.add_pages(_home_pages())


def _wagtail_purges_the_page() -> bool:
    """Wagtail's app purges every published or unpublished page itself."""
    return apps.is_installed("wagtail.contrib.frontend_cache")


def _add_old_urls(
    batch: PurgeBatch, page: Page, old_url_path: str, new_url_path: str
) -> None:
    """The URLs ``page`` and its descendants had under ``old_url_path``."""
    if old_url_path == new_url_path:
        return
    for each in [page, *page.get_descendants()]:
        before = copy.copy(each)
        before.url_path = old_url_path + each.url_path[len(new_url_path) :]
        url = before.get_full_url(batch)
        if url:
            batch.add_url(url)


def _on_or_off_line(sender, instance, **kwargs) -> None:
    """A page published or unpublished: purge the listings that show it.

    An alias (another locale's copy of a page not yet translated) gets its
    own signal when its source does: its source's handler already added the
    listings of every locale.
    """
    if instance.alias_of_id is not None or not purging_enabled():
        return
    batch = PurgeBatch()
    if not _wagtail_purges_the_page():
        batch.add_pages(
            Page.objects.filter(translation_key=instance.translation_key).specific(
                defer=True
            )
        )
    add_pages_showing(batch, instance)
    batch.purge()


@receiver(page_published)
def purge_on_publish(sender, instance, **kwargs) -> None:
    """See :func:`_on_or_off_line`."""
    _on_or_off_line(sender, instance, **kwargs)


@receiver(page_unpublished)
def purge_on_unpublish(sender, instance, **kwargs) -> None:
    """See :func:`_on_or_off_line`; also runs before a live page is deleted."""
    _on_or_off_line(sender, instance, **kwargs)


@receiver(post_page_move)
def purge_on_move(
    sender,
    instance,
    parent_page_before=None,
    url_path_before="",
    url_path_after="",
    **kwargs,
) -> None:
    """A moved page: its old URLs, and the listings of its old and new place."""
    if not purging_enabled():
        return
    batch = PurgeBatch()
    _add_old_urls(batch, instance, url_path_before, url_path_after)
    add_pages_showing(batch, instance)
    if parent_page_before is not None:
        add_pages_showing(batch, instance, parent_path=parent_page_before.path)
    batch.purge()


@receiver(page_slug_changed)
def purge_on_slug_change(sender, instance, instance_before, **kwargs) -> None:
    """A new slug: the old URLs of the page and its descendants.

    The new URL and the listings are purged by ``page_published``, which a
    slug change of a live page comes with.
    """
    if not purging_enabled():
        return
    batch = PurgeBatch()
    _add_old_urls(batch, instance, instance_before.url_path, instance.url_path)
    batch.purge()
