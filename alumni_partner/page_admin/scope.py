"""Whose partner pages (news, offers) a user may see in the admin lists.

A partner's users see the pages under their own partner pages, in the default
locale (the language they are written in; translations and aliases follow
their source). Editors see every partner's.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from wagtail.models import Locale

from ..models import Partner
from ..permissions import is_editor


class PartnerScope:
    """The partners visible to ``user``, and their child pages of one type."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def is_editor(self) -> bool:
        return is_editor(self.user)

    @cached_property
    def partners(self) -> QuerySet:
        """Partners with a page whose children the user sees, by name."""
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

    @cached_property
    def single_partner(self) -> Partner | None:
        """The one partner a non-editor works for, if there is exactly one."""
        own = self.own_partners
        if not self.is_editor and len(own) == 1:
            return own[0]
        return None

    def children(self, model, partner: Partner | None = None) -> QuerySet:
        """``model`` pages in the default locale, of ``partner`` or of the scope.

        ``partner`` must come from :attr:`partners`.
        """
        pages = model.objects.filter(locale_id=Locale.get_default().pk)
        if partner is not None:
            if partner.page is None:
                return pages.none()
            return pages.child_of(partner.page)
        if self.is_editor:
            return pages
        parents = [partner.page for partner in self.own_partners]
        if not parents:
            return pages.none()
        condition = Q()
        for parent in parents:
            condition |= Q(path__startswith=parent.path, depth=parent.depth + 1)
        return pages.filter(condition)
