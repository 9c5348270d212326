"""What the partner-scoped admin lists share: saved lists and mailings."""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column

from ..models import Partner
from ..permissions import is_editor


class PartnerScopedListing:
    """Mixin for an ``IndexView`` whose rows belong to partners.

    The "Partner" column only shows to those who see more than one
    partner's rows: editors, and users working for several partners.
    """

    @cached_property
    def several_partners(self) -> bool:
        user = self.request.user
        return is_editor(user) or Partner.objects.for_user(user).count() > 1

    def partner_columns(self) -> list[Column]:
        if not self.several_partners:
            return []
        return [
            Column(
                "partner",
                label=gettext_lazy("Partner"),
                accessor="partner.name",
                sort_key="partner__name",
            )
        ]
