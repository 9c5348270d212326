"""Translatable vocabularies that visitors read: sectors and partner categories."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, TranslatableMixin


class Vocabulary(TranslatableMixin, models.Model):
    """A translatable named term; ordered by name within its locale."""

    name = models.CharField(_("name"), max_length=120)

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default_terms(cls) -> models.QuerySet:
        """One entry per term: the terms in the default language.

        Forms and filters choose among these; pages show the visitor's
        translation. Not ``get_default_locale()``, which for a page is its
        parent's locale.
        """
        return cls.objects.filter(locale_id=Locale.get_default().pk)

    @classmethod
    def names_in_locale(cls, terms: Iterable, locale_id: int) -> dict:
        """``{translation_key: name}`` of ``terms`` in the locale, in one query.

        No query when every term is already in that locale (a French page under
        the French site): callers fall back on the term's own name.
        """
        terms = [term for term in terms if term is not None]
        if all(term.locale_id == locale_id for term in terms):
            return {}
        return dict(
            cls.objects.filter(
                locale_id=locale_id,
                translation_key__in={term.translation_key for term in terms},
            ).values_list("translation_key", "name")
        )


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


class ContractType(Vocabulary):
    """A kind of job contract (guide 4.1: "le type de contrat"): CDI, internship..."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("contract type")
        verbose_name_plural = _("contract types")


class SeniorityLevel(Vocabulary):
    """The experience an offer asks for (guide 4.1: "l'ancienneté")."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("seniority level")
        verbose_name_plural = _("seniority levels")
