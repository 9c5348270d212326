"""Signal handlers that keep permissions in step with the page tree."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import PartnerPage
from .permissions import sync_page_permissions


@receiver(post_save, sender=PartnerPage)
def grant_permissions_on_new_translation(sender, instance, created, raw=False, **kw):
    """A translation or alias of a partner page is the partner's too.

    Page permissions cover one locale tree only; wagtail-localize creates the
    other locales' pages (aliases, then translations) after onboarding.
    """
    if created and not raw:
        sync_page_permissions(instance)
