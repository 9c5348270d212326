"""Whose news a user may see in the News admin.

A partner's users see the news of their own partner pages, in the default
locale (the language news are written in; translations and aliases follow
their source). Editors see every partner's news.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from wagtail.models import Locale

from ..models import NewsPage, Partner
from ..permissions import is_editor


class NewsScope:
    """The partners and news visible to ``user`` in the News admin."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def is_editor(self) -> bool:
        return is_editor(self.user)

    @cached_property
    def partners(self) -> QuerySet:
        """Partners with a page whose news the user sees, by name."""
        if self.is_editor:
            return Partner.objects.exclude(page=None).select_related("page")
        return self._own_partners_query()

    @cached_property
    def own_partners(self) -> list[Partner]:
        """The partners the user works for (empty for most editors)."""
        return list(self._own_partners_query())

    def _own_partners_query(self) -> QuerySet:
        return (
            Partner.objects.for_user(self.user)
            .exclude(page=None)
            .select_related("page")
        )

    @cached_property
    def allowed(self) -> bool:
        return self.is_editor or bool(self.own_partners)

    @cached_property
    def several_partners(self) -> bool:
        """Whether the lists offer a "Partner" filter."""
        return self.is_editor or len(self.own_partners) > 1

    def news(self, partner: Partner | None = None) -> QuerySet:
        """The news in the default locale, of ``partner`` or of the whole scope.

        ``partner`` must come from :attr:`partners`.
        """
        news = NewsPage.objects.filter(locale_id=Locale.get_default().pk)
        if partner is not None:
            if partner.page is None:
                return news.none()
            return news.child_of(partner.page)
        if self.is_editor:
            return news
        pages = [partner.page for partner in self.own_partners]
        if not pages:
            return news.none()
        condition = Q()
        for page in pages:
            condition |= Q(path__startswith=page.path, depth=page.depth + 1)
        return news.filter(condition)
