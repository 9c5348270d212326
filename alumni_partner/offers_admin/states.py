"""An offer's state (``OfferPage.state``) as query conditions.

The list filters and sorts by state in the database, so these conditions
mirror the property's order: live, closed by the partner, expired, waiting
for the editors, scheduled, draft. They read the ``in_moderation``
annotation of ``OfferPageQuerySet.with_moderation()``.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from ..models import OfferState
from ..models.offers import ClosedReason

#: The states of each tab of "Mes offres", in the order the state sort uses.
CURRENT_STATES = (
    OfferState.VALIDATED,
    OfferState.PENDING,
    OfferState.SCHEDULED,
    OfferState.DRAFT,
    OfferState.DELETED,
)
CLOSED_STATES = (OfferState.EXPIRED, OfferState.FILLED)


def state_condition(state: str) -> Q:
    """The offers in ``state`` (the queryset must be ``with_moderation()``)."""
    open_offer = Q(live=False, closed_reason="", expired=False)
    future = Q(go_live_at__gt=timezone.now())
    conditions = {
        OfferState.VALIDATED: Q(live=True),
        OfferState.DELETED: Q(live=False, closed_reason=ClosedReason.DELETED),
        OfferState.FILLED: Q(live=False, closed_reason=ClosedReason.FILLED),
        OfferState.EXPIRED: Q(live=False, closed_reason="", expired=True),
        OfferState.PENDING: open_offer & Q(in_moderation=True),
        OfferState.SCHEDULED: open_offer & Q(in_moderation=False) & future,
        OfferState.DRAFT: open_offer & Q(in_moderation=False) & ~future,
    }
    return conditions[OfferState(state)]


def state_rank() -> Case:
    """Sorts offers by state: validated first, then pending ... filled."""
    order = (*CURRENT_STATES, *CLOSED_STATES)
    return Case(
        *(
            When(state_condition(state), then=Value(rank))
            for rank, state in enumerate(order)
        ),
        default=Value(len(order)),
        output_field=IntegerField(),
    )


#: Badge style of each state: Wagtail's primary style for offers on the board.
PRIMARY_STATES = {OfferState.VALIDATED}
