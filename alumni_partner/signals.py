"""Signal handlers: permissions follow the page tree; news get their lifetime."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from . import news_lifecycle
from .models import NewsPage, PartnerPage
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
    news_lifecycle.set_expiry_on_publish(instance)
