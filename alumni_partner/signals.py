"""Signal handlers: permissions follow the page tree; news and offers get a lifetime."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from . import offer_lifecycle, page_cache, page_lifetime
from .models import NewsPage, OfferPage, PartnerPage
from .permissions import sync_page_permissions


@receiver(post_save, sender=PartnerPage)
def grant_permissions_on_new_translation(sender, instance, created, raw=False, **kw):
    """A translation or alias of a partner page is the partner's too.

    Page permissions cover one locale tree only; wagtail-localize creates the
    other locales' pages (aliases, then translations) after onboarding.
    """
    if created and not raw:
        sync_page_permissions(instance)


@receiver(page_published, sender=NewsPage)
def start_news_lifetime(sender, instance, revision=None, **kwargs):
    """Publishing a news (or approving it) gives it two months online."""
    page_lifetime.set_expiry_on_publish(instance)


@receiver(page_published, sender=OfferPage)
def start_offer_lifetime(sender, instance, revision=None, **kwargs):
    """Publishing, approving or renewing an offer: on the board for 60 days."""
    offer_lifecycle.reopen_on_publish(instance)
    page_lifetime.set_expiry_on_publish(instance)


def _renew_partner_news_version(news) -> None:
    parent_path = news.path[: -news.steplen]
    for key in Page.objects.filter(path=parent_path).values_list(
        "translation_key", flat=True
    ):
        page_cache.renew_news_version(key)


@receiver(page_published, sender=NewsPage)
@receiver(page_unpublished, sender=NewsPage)
@receiver(post_delete, sender=NewsPage)
@receiver(page_published, sender=OfferPage)
@receiver(page_unpublished, sender=OfferPage)
@receiver(post_delete, sender=OfferPage)
def refresh_partner_page_news(sender, instance, **kwargs):
    """The partner page's cached body lists its news and offers: renew its key."""
    _renew_partner_news_version(instance)


@receiver(page_published, sender=PartnerPage)
@receiver(page_unpublished, sender=PartnerPage)
@receiver(post_delete, sender=PartnerPage)
def refresh_partner_options(sender, instance, **kwargs):
    """The listings' partner filters list the live partner pages."""
    page_cache.renew_partner_list_version()
