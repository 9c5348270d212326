"""Translatable vocabularies that visitors read: sectors and partner categories."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin


class Vocabulary(TranslatableMixin, models.Model):
    """A translatable named term; ordered by name within its locale."""

    name = models.CharField(_("name"), max_length=120)

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sector(Vocabulary):
    """A sector of activity (guide 2.1: "le secteur d'activité")."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class PartnerCategory(Vocabulary):
    """A kind of partner organisation: company, school, embassy..."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("partner category")
        verbose_name_plural = _("partner categories")


class NewsType(Vocabulary):
    """A kind of news (guide 3.2: "le type de news"): event, call, award..."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("news type")
        verbose_name_plural = _("news types")


class AudienceGroup(Vocabulary):
    """A group of alumni a news is meant for (guide 3.2: "les groupes")."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("audience group")
        verbose_name_plural = _("audience groups")
