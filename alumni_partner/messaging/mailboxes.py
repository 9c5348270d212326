"""Whose mailbox is whose: a member's own, and the partners' shared ones."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import AlumniProfile, Mailbox, Partner


def _get_or_create(**owner) -> Mailbox:
    try:
        with transaction.atomic():
            return Mailbox.objects.get_or_create(**owner)[0]
    except IntegrityError:  # created by a concurrent request meanwhile
        return Mailbox.objects.get(**owner)


def mailbox_of_user(user) -> Mailbox:
    """The member's own mailbox, created on first use."""
    return _get_or_create(user=user)


def mailbox_of_partner(partner: Partner) -> Mailbox:
    """The partner organisation's mailbox, shared by its users."""
    return _get_or_create(partner=partner)


def mailboxes_for(user) -> list[Mailbox]:
    """The mailboxes ``user`` reads: the partners' they work for, then their own.

    A partner user reads the partner's mailbox; an alumnus their own; someone
    who is both reads both (partners first: that is who the admin's menu opens).
    Visitors, inactive accounts and staff who are neither get none.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    boxes = [mailbox_of_partner(p) for p in Partner.objects.for_user(user)]
    if AlumniProfile.objects.filter(user=user).exists():
        boxes.append(mailbox_of_user(user))
    return boxes


def may_read(user, mailbox: Mailbox) -> bool:
    """Whether ``user`` reads ``mailbox`` (its owner, or one of the partner's users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if mailbox.partner_id:
        return mailbox.partner.members.filter(pk=user.pk).exists()
    return mailbox.user_id == user.pk
