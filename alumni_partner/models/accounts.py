"""Personal details of a user beyond Django's names and e-mail (guide 2.4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDetails(models.Model):
    """Civility, telephone and fax of a user; names and e-mail stay on the user."""

    class Civility(models.TextChoices):
        MS = "ms", _("Ms")
        MR = "mr", _("Mr")
        MX = "mx", _("Mx")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_details",
    )
    civility = models.CharField(
        _("civility"), max_length=2, choices=Civility.choices, blank=True
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("personal details")
        verbose_name_plural = _("personal details")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def for_user(cls, user) -> "PersonalDetails":
        details, _created = cls.objects.get_or_create(user=user)
        return details
