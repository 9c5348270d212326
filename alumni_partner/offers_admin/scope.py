"""Whose offers a user may see in the Offers admin (see :mod:`..page_admin.scope`)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import OfferPage, Partner
from ..page_admin.scope import PartnerScope


class OfferScope(PartnerScope):
    """The partners and offers visible to ``user`` in the Offers admin."""

    def offers(self, partner: Partner | None = None) -> QuerySet:
        """The offers in the default locale, of ``partner`` or of the whole scope."""
        return self.children(OfferPage, partner)
