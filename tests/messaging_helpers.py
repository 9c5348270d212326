"""Shortcuts of the messaging tests."""

from __future__ import annotations

from alumni_partner import messaging
from alumni_partner.models import Mailbox, Partner


def box(owner) -> Mailbox:
    """The mailbox of an alumni profile or of a partner."""
    if isinstance(owner, Partner):
        return messaging.mailbox_of_partner(owner)
    return messaging.mailbox_of_user(owner.user)
