"""Template tags of "Mes messages": the header's link and badge, message text,
the partner page's contact button.

The header asks on every page whether the member has messages; the answer
costs one query for an alumnus (the header has read the profile already) and
two for a partner user, nothing for a visitor, and is kept on the request so
that the menu, the header and the contact button share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.safestring import SafeString, mark_safe

from ..alumni_accounts import user_display
from ..models import AlumniProfile, Mailbox, ThreadParticipant
from ..sanitize import linkify_text
from .alumni_follow_tags import partner_id_of

register = template.Library()

_MEMO = "_alumni_messages_summary"


@dataclass
class MessagesSummary:
    """What the header shows of a member's messages."""

    user: object
    has_profile: bool
    _partner_ids: list[int] | None = None
    unread: int = 0
    url: str = field(default="")

    @property
    def partner_ids(self) -> list[int]:
        """The partners the member works for (read once, when asked)."""
        if self._partner_ids is None:
            self._partner_ids = list(self.user.partners.values_list("pk", flat=True))
        return self._partner_ids


def _has_profile(user) -> bool:
    # The header's "My profile" link reads (and caches) the same relation.
    try:
        return user.alumni_profile is not None
    except AlumniProfile.DoesNotExist:
        return False


def summary_of(request) -> MessagesSummary | None:
    """The member's unread conversations, or None when they have no mailbox."""
    if request is None:
        return None
    if hasattr(request, _MEMO):
        return getattr(request, _MEMO)
    user = getattr(request, "user", None)
    summary = None
    if user is not None and user.is_authenticated and user.is_active:
        summary = MessagesSummary(user=user, has_profile=_has_profile(user))
        if summary.has_profile:
            boxes = Mailbox.objects.filter(Q(user=user) | Q(partner__members=user))
        elif summary.partner_ids:
            boxes = Mailbox.objects.filter(partner_id__in=summary.partner_ids)
        else:
            summary = None
        if summary is not None:
            summary.unread = (
                ThreadParticipant.objects.filter(mailbox__in=boxes).unread().count()
            )
            summary.url = reverse("alumni_partner:messages_inbox")
    setattr(request, _MEMO, summary)
    return summary


def remember_unread(request, boxes, unread: int) -> None:
    """Give the header the count a messages page has just read (no query).

    ``boxes`` are all the member's mailboxes and ``unread`` their unread
    conversations together, counted after the view's own changes.
    """
    summary = MessagesSummary(
        user=request.user,
        has_profile=any(box.user_id for box in boxes),
        _partner_ids=[box.partner_id for box in boxes if box.partner_id],
        unread=unread,
        url=reverse("alumni_partner:messages_inbox"),
    )
    setattr(request, _MEMO, summary)


@register.simple_tag(takes_context=True)
def messages_summary(context) -> MessagesSummary | None:
    """``{% messages_summary as inbox %}``: ``inbox.unread``, ``inbox.url``;
    None for visitors and accounts without messages (editors…)."""
    return summary_of(context.get("request"))


@register.filter
def message_html(text: str) -> SafeString:
    """A message's plain text as HTML: escaped, links clickable, line breaks."""
    return mark_safe(linkify_text(text))  # noqa: S308 - linkify_text escapes


@register.filter
def sender_label(message) -> str:
    """Who wrote ``message``: the member, or "Helios Énergie — Jean Dupont"."""
    sender = message.sender
    if sender.partner_id and message.author_id:
        return f"{sender.display_name} — {user_display(message.author)}"
    return sender.display_name


@register.filter
def initials(name) -> str:
    """The first letters of a name's first two words, for an avatar."""
    words = [word for word in str(name or "").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper()


@register.filter
def short_when(moment) -> str:
    """The time for today's messages, the date for older ones."""
    if not moment:
        return ""
    moment = timezone.localtime(moment)
    if moment.date() == timezone.localdate():
        return time_format(moment, "TIME_FORMAT")
    return date_format(moment, "SHORT_DATE_FORMAT")


@register.inclusion_tag(
    "alumni_partner/messages/contact_button.html", takes_context=True
)
def contact_button(context, page) -> dict:
    """``{% contact_button page %}``: "Send a message" to the page's partner.

    Per visitor, so outside the partner page's cached body: visitors are sent
    to the login page and back to the form; the partner's own users and
    accounts without messages see nothing.
    """
    request = context.get("request")
    partner_id = partner_id_of(page) if page is not None else None
    if request is None or partner_id is None:
        return {"url": ""}
    url = reverse("alumni_partner:message_compose_partner", args=[partner_id])
    if not request.user.is_authenticated:
        login = reverse("account_login")
        return {
            "url": f"{login}?next={quote(url)}",
            "anonymous": True,
            "name": page.title,
        }
    summary = summary_of(request)
    if summary is None or partner_id in summary.partner_ids:
        return {"url": ""}
    return {"url": url, "anonymous": False, "name": page.title}
