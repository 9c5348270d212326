"""Renew the directory's version whenever what it counts may have changed.

The whole directory's facets and size are cached under that version
(``directory.versions``): a profile saved (a field hidden, the profile
unlisted), deleted, its skills or languages changed, or its account switched
off shows in the counts at once.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .directory.versions import renew_directory_version
from .models import AlumniProfile, AlumniProfileSkill, ProfileLanguage


@receiver(post_save, sender=AlumniProfile)
@receiver(post_delete, sender=AlumniProfile)
@receiver(post_save, sender=AlumniProfileSkill)
@receiver(post_delete, sender=AlumniProfileSkill)
@receiver(post_save, sender=ProfileLanguage)
@receiver(post_delete, sender=ProfileLanguage)
def profile_changed(sender, raw=False, **kwargs):
    if not raw:
        renew_directory_version()


@receiver(post_save, sender=get_user_model())
def account_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    """An account switched off leaves the directory; a login changes nothing."""
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    if AlumniProfile.objects.filter(user_id=instance.pk).exists():
        renew_directory_version()
