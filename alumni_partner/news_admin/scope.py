"""Whose news a user may see in the News admin (see :mod:`..page_admin.scope`)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import NewsPage, Partner
from ..page_admin.scope import PartnerScope


class NewsScope(PartnerScope):
    """The partners and news visible to ``user`` in the News admin."""

    def news(self, partner: Partner | None = None) -> QuerySet:
        """The news in the default locale, of ``partner`` or of the whole scope."""
        return self.children(NewsPage, partner)
