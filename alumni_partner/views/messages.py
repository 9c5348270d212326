"""Mes messages (guide 7) on the public site: folders, search, writing, settings.

For alumni (with a profile) and partner organisations' users; anyone else
signed in gets a 403 page saying who messaging is for, and visitors the login
page. A member may read several mailboxes (a partner's, shared by its users,
and their own): list pages take ``?box=<Mailbox.public_id>``, the first one
by default; a box that is not theirs is a 404. The rules live in
:mod:`alumni_partner.messaging`; these views parse, call and render.
One conversation and what is done with it: :mod:`.message_actions`.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import messaging, rate_limits
from ..conf import partner_settings
from ..directory import Viewer, photo_url
from ..forms.messages import (
    QUERY_MIN_CHARS,
    RECIPIENT_RESULTS,
    ComposeForm,
    NoticeSettingsForm,
    QueryForm,
    RecipientSearchForm,
)
from ..messaging.inbox import describe_conversations, describe_messages, unread_counts
from ..models import AlumniProfile, Mailbox, MessageBlock, Partner
from ..templatetags.alumni_message_tags import remember_unread

TEMPLATES = "alumni_partner/messages/"
member_required = login_required(login_url="account_login")


def forbidden(request, message: str = ""):
    """The 403 page: who messaging is for, or why this action is refused."""
    return render(
        request, TEMPLATES + "forbidden.html", {"message": message}, status=403
    )


# --- Whose mailboxes ------------------------------------------------------------


@dataclass
class Mailboxes:
    """The mailboxes a member reads and the one this page shows."""

    all: list[Mailbox]
    current: Mailbox
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def several(self) -> bool:
        return len(self.all) > 1

    def query_for(self, box: Mailbox) -> str:
        """``?box=…`` for links about ``box``; nothing when there is one box."""
        return f"?box={box.public_id}" if self.several else ""

    @property
    def query(self) -> str:
        return self.query_for(self.current)

    def get(self, public_id) -> Mailbox:
        """One of the member's mailboxes by its public id; 404 for any other."""
        try:
            wanted = uuid.UUID(str(public_id))
        except ValueError:
            raise Http404 from None
        for box in self.all:
            if box.public_id == wanted:
                return box
        raise Http404

    def label(self, box: Mailbox) -> str:
        return self.labels[box.pk]


def reader_mailboxes(user) -> list[Mailbox]:
    """:func:`messaging.mailboxes_for`, with the names a page shows already read."""
    boxes = messaging.mailboxes_for(user)
    for box in boxes:
        if box.user_id == user.pk:
            box.user = user
    prefetch_related_objects([box for box in boxes if box.partner_id], "partner")
    return boxes


def box_labels(boxes: list[Mailbox]) -> dict[int, str]:
    """How a member names their mailboxes: the partner's name, or "Personal"."""
    return {
        box.pk: box.partner.name if box.partner_id else _("Personal") for box in boxes
    }


def with_mailboxes(view):
    """Signed in (else the login page, back here after) and reading a mailbox.

    The view receives the :class:`Mailboxes` after the request; ``?box=``
    chooses the current one (404 when it is not the member's).
    """

    @member_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        boxes = reader_mailboxes(request.user)
        if not boxes:
            return forbidden(request)
        mailboxes = Mailboxes(boxes, boxes[0], box_labels(boxes))
        if request.GET.get("box"):
            mailboxes.current = mailboxes.get(request.GET["box"])
        return view(request, mailboxes, *args, **kwargs)

    return wrapped


def see_other(url: str) -> HttpResponseRedirect:
    """After a POST, the page to show (303: the browser GETs it)."""
    return HttpResponseRedirect(url, status=303)


def thread_url(mailboxes: Mailboxes, box: Mailbox, thread) -> str:
    return reverse(
        "alumni_partner:message_thread", args=[thread.public_id]
    ) + mailboxes.query_for(box)


# --- Listings ---------------------------------------------------------------------

FOLDER_VIEWS = {
    "inbox": "alumni_partner:messages_inbox",
    "archive": "alumni_partner:messages_archive",
    "sent": "alumni_partner:messages_sent",
}


def page_context(request, mailboxes: Mailboxes, tab: str) -> dict:
    """What every page of "Mes messages" shows: heading, boxes, tabs (one query)."""
    counts = unread_counts(mailboxes.all)
    remember_unread(request, mailboxes.all, sum(counts.values()))
    view_name = FOLDER_VIEWS.get(tab, "alumni_partner:messages_inbox")
    switch = [
        {
            "label": mailboxes.label(box),
            "unread": counts.get(box.pk, 0),
            "url": reverse(view_name) + f"?box={box.public_id}",
            "current": box.pk == mailboxes.current.pk,
        }
        for box in mailboxes.all
    ]
    return {
        "mailboxes": mailboxes,
        "box": mailboxes.current,
        "box_label": mailboxes.label(mailboxes.current),
        "box_query": mailboxes.query,
        "switch": switch if mailboxes.several else [],
        "unread": counts.get(mailboxes.current.pk, 0),
        "tab": tab,
    }


def paginate(request, items):
    return Paginator(items, partner_settings.MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )


def folder(name: str):
    """The view of one folder: its conversations (or messages), a page at a time."""

    @require_GET
    @with_mailboxes
    def view(request, mailboxes: Mailboxes):
        box = mailboxes.current
        if name == "sent":
            page = paginate(request, messaging.sent(box))
            page.object_list = describe_messages(box, page.object_list)
        else:
            page = paginate(request, messaging.conversations(box, name))
            page.object_list = describe_conversations(box, page.object_list)
        context = page_context(request, mailboxes, name)
        context.update(
            listing=page, search_form=QueryForm(label=_("Search my messages"))
        )
        return render(request, TEMPLATES + "folder.html", context)

    view.__name__ = view.__qualname__ = name
    view.__doc__ = f"The {name} folder of « Mes messages » (guide 7)."
    return view


inbox = folder("inbox")
archive = folder("archive")
sent = folder("sent")


@require_GET
@with_mailboxes
def search(request, mailboxes: Mailboxes):
    """The current mailbox's messages holding the words typed, latest first."""
    form = QueryForm(request.GET or None, label=_("Search my messages"))
    context = page_context(request, mailboxes, "search")
    context["search_form"] = form
    query = form.query
    if query:
        box = mailboxes.current
        page = paginate(request, messaging.search(box, query))
        page.object_list = describe_messages(box, page.object_list, around=query)
        context.update(listing=page, query=query)
    elif "q" in request.GET and form.is_valid():
        context["notice"] = _("Type a word to search your messages.")
    return render(request, TEMPLATES + "search.html", context)


# --- Settings ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@with_mailboxes
def preferences(request, mailboxes: Mailboxes):
    """E-mail notices of each mailbox, and the members blocked, with "Unblock"."""
    here = reverse("alumni_partner:messages_settings") + mailboxes.query
    if request.method == "POST" and "unblock" in request.POST:
        blocker = mailboxes.get(request.POST.get("blocker"))
        blocked = get_object_or_404(
            Mailbox.objects.select_related("user", "partner"),
            public_id=_uuid_or_404(request.POST["unblock"]),
        )
        if messaging.unblock(blocker, blocked):
            messages.success(
                request,
                _("%(name)s can write to you again.") % {"name": blocked.display_name},
            )
        return see_other(here)
    form = NoticeSettingsForm(
        request.POST or None, mailboxes=mailboxes.all, labels=mailboxes.labels
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choices about e-mail notices are saved."))
        return see_other(here)
    blocks = (
        MessageBlock.objects.filter(blocker__in=mailboxes.all)
        .select_related("blocked__user", "blocked__partner")
        .order_by("-created_at", "-pk")
    )
    by_pk = {box.pk: box for box in mailboxes.all}
    for block in blocks:
        block.blocker_label = mailboxes.labels[block.blocker_id]
        block.blocker_public_id = by_pk[block.blocker_id].public_id
    context = page_context(request, mailboxes, "settings")
    context.update(form=form, blocks=blocks)
    return render(request, TEMPLATES + "settings.html", context)


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


# --- Writing ----------------------------------------------------------------------


@require_GET
@with_mailboxes
def new(request, mailboxes: Mailboxes):
    """ "Write a message": find an alumnus or a partner by name, then write.

    Alumni are found as in the directory (listed ones, names only, partner
    users only those who accept partners' messages); each search counts
    against the directory's rate limit.
    """
    form = RecipientSearchForm(request.GET or None, label=_("Name"))
    context = page_context(request, mailboxes, "new")
    context["form"] = form
    query = form.query
    if form.too_short:
        context["notice"] = _("Type at least %(n)d characters.") % {
            "n": QUERY_MIN_CHARS
        }
    elif query:
        try:
            rate_limits.check(request, "directory_search")
        except rate_limits.RateLimited as exc:
            return rate_limits.response(request, exc)
        is_alumnus = any(box.user_id for box in mailboxes.all)
        alumni = list(form.alumni(request.user, is_alumnus=is_alumnus))
        partners = list(form.partners(request.user))
        context.update(
            query=query,
            alumni=alumni,
            partners=partners,
            many=max(len(alumni), len(partners)) >= RECIPIENT_RESULTS,
        )
    elif "q" in request.GET and form.is_valid():
        context["notice"] = _("Type the name of an alumnus or of an organisation.")
    return render(request, TEMPLATES + "new.html", context)


@require_http_methods(["GET", "POST"])
@with_mailboxes
def compose(request, mailboxes: Mailboxes, public_id):
    """A new conversation with a listed alumnus the member may contact.

    An alumnus writes to any listed alumnus; a partner user to those who
    accept partners' messages (``Viewer.may_contact``); someone who is both
    chooses among the mailboxes allowed.
    """
    recipient = get_object_or_404(
        AlumniProfile.objects.filter(listed=True).select_related("user"),
        public_id=public_id,
    )
    if not recipient.user.is_active:
        return forbidden(request, _("This member's account is no longer active."))
    if recipient.user_id == request.user.pk:
        return forbidden(request, _("You cannot write to yourself."))
    if not Viewer.of(request.user).may_contact(recipient):
        return forbidden(
            request,
            _("This alumnus does not accept messages from partner organisations."),
        )
    senders = [
        box
        for box in mailboxes.all
        if not box.partner_id or recipient.accepts_partner_contact
    ]
    to = messaging.mailbox_of_user(recipient.user)
    to.user = recipient.user
    extra = {
        "recipient_name": recipient.display_name,
        "recipient_url": reverse(
            "alumni_partner:directory_profile", args=[recipient.public_id]
        ),
        "photo_src": photo_url(recipient),
    }
    return _compose(request, mailboxes, senders, to, extra)


@require_http_methods(["GET", "POST"])
@with_mailboxes
def compose_partner(request, mailboxes: Mailboxes, partner_id: int):
    """A new conversation with a partner organisation (its shared mailbox)."""
    partner = get_object_or_404(Partner.objects.select_related("page"), pk=partner_id)
    to = messaging.mailbox_of_partner(partner)
    to.partner = partner
    senders = [box for box in mailboxes.all if box.pk != to.pk]
    if not senders:
        return forbidden(request, _("You cannot write to your own organisation."))
    page = partner.page
    extra = {
        "recipient_name": partner.name,
        "recipient_url": page.get_url(request) if page and page.live else "",
        "photo_src": "",
    }
    return _compose(request, mailboxes, senders, to, extra)


def _compose(request, mailboxes: Mailboxes, senders, to: Mailbox, extra: dict):
    """The compose form; sent, the new conversation; refused, the reason and
    the text typed (403)."""
    current = str(mailboxes.current.public_id)
    initial = (
        {"sender": current}
        if any(str(box.public_id) == current for box in senders)
        else {}
    )
    form = ComposeForm(
        request.POST or None, senders=senders, labels=mailboxes.labels, initial=initial
    )
    refusal, status = "", 200
    if request.method == "POST" and form.is_valid():
        sender = form.sender_box
        try:
            thread = messaging.start_thread(
                sender,
                to,
                form.cleaned_data["subject"],
                form.cleaned_data["body"],
                author=request.user,
            )
        except messaging.MessagingRefused as refused:
            refusal, status = refused.message, 403
        else:
            messages.success(
                request,
                _("Your message has been sent to %(name)s.")
                % {"name": extra["recipient_name"]},
            )
            return see_other(thread_url(mailboxes, sender, thread))
    context = page_context(request, mailboxes, "new")
    context.update(extra, form=form, refusal=refusal)
    return render(request, TEMPLATES + "compose.html", context, status=status)
