"""A partner user's mailboxes as the admin shows them: links and unread count.

Read-only, and counted once per request (the menu, the account menu and the
dashboard all ask): two queries, whatever the number of conversations. A
partner whose mailbox does not exist yet has nothing unread; its link opens
the inbox without ``?box=``, where the public site creates the mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from ..models import Partner, ThreadParticipant

_CACHE_ATTRIBUTE = "_alumni_partner_messages"


def inbox_url(mailbox_public_id=None) -> str:
    """The public inbox, of the given mailbox (``Mailbox.public_id``) if any."""
    url = reverse("alumni_partner:messages_inbox")
    if mailbox_public_id is not None:
        url += f"?box={mailbox_public_id}"
    return url


def thread_url(thread_public_id, mailbox_public_id) -> str:
    """One conversation on the public site, read from the given mailbox."""
    url = reverse("alumni_partner:message_thread", args=[thread_public_id])
    return f"{url}?box={mailbox_public_id}"


@dataclass
class PartnerMessages:
    """The partners' mailboxes a user reads in the admin, and what is unread."""

    #: ``(partner id, mailbox id or None, mailbox public id or None)``, by name.
    boxes: list[tuple[int, int | None, object]] = field(default_factory=list)
    unread: int = 0

    @property
    def mailbox_ids(self) -> list[int]:
        return [box_id for _partner, box_id, _public in self.boxes if box_id]

    @property
    def url(self) -> str:
        """The first partner's inbox (the admin's "Mes messages" link)."""
        return inbox_url(self.boxes[0][2])


def for_request(request) -> PartnerMessages | None:
    """The partner mailboxes of ``request.user``; ``None`` if not a partner user."""
    if hasattr(request, _CACHE_ATTRIBUTE):
        return getattr(request, _CACHE_ATTRIBUTE)
    found = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        boxes = list(
            Partner.objects.for_user(user)
            .order_by("name", "pk")
            .values_list("pk", "mailbox__pk", "mailbox__public_id")
        )
        if boxes:
            found = PartnerMessages(boxes=boxes)
            if found.mailbox_ids:
                found.unread = (
                    ThreadParticipant.objects.filter(mailbox_id__in=found.mailbox_ids)
                    .unread()
                    .count()
                )
    setattr(request, _CACHE_ATTRIBUTE, found)
    return found
