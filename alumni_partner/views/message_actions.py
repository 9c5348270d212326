"""One conversation of "Mes messages" (guide 7): read it, answer, and act on it.

``/messages/<Thread.public_id>/`` is the conversation of one of the member's
mailboxes, which must take part in it and not have deleted it: for anyone
else it does not exist (404), whatever the method. GET shows it and marks it
read; POST answers (``send``) or acts, by the name of the button pressed:
``mark_unread``, ``archive``, ``unarchive``, ``delete`` (asks first),
``block``, ``unblock``, ``report`` (the button's value is the message's
public id). Each action says what it did on the next page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import messaging
from ..forms.messages import ReplyForm, ReportForm
from ..messaging.inbox import counterparts
from ..models import Mailbox, MessageBlock, Thread, ThreadParticipant
from .messages import (
    TEMPLATES,
    Mailboxes,
    page_context,
    see_other,
    thread_url,
    with_mailboxes,
)

#: The buttons of the conversation page, besides ``send``.
ACTIONS = (
    "mark_unread",
    "archive",
    "unarchive",
    "delete",
    "block",
    "unblock",
    "report",
)


@dataclass
class Conversation:
    """The member's side of a thread: which mailbox, facing whom."""

    part: ThreadParticipant
    box: Mailbox
    other: Mailbox | None
    mailboxes: Mailboxes

    @property
    def thread(self) -> Thread:
        return self.part.thread

    @property
    def url(self) -> str:
        return thread_url(self.mailboxes, self.box, self.thread)

    def folder_url(self, name: str = "inbox") -> str:
        return reverse(f"alumni_partner:messages_{name}") + self.mailboxes.query_for(
            self.box
        )

    @property
    def other_name(self) -> str:
        return self.other.display_name if self.other else _("a former member")


def conversation_or_404(request, mailboxes: Mailboxes, thread_id) -> Conversation:
    """The member's side of the thread, or 404 (not theirs, deleted, unknown).

    With ``?box=``, that mailbox's side only; else the first of the member's
    mailboxes that takes part.
    """
    boxes = [mailboxes.current] if request.GET.get("box") else mailboxes.all
    parts = {
        part.mailbox_id: part
        for part in ThreadParticipant.objects.select_related("thread").filter(
            thread__public_id=thread_id, mailbox__in=boxes, hidden=False
        )
    }
    box = next((box for box in boxes if box.pk in parts), None)
    if box is None:
        raise Http404
    part = parts[box.pk]
    # The tabs, search box and links of the page are this mailbox's.
    mailboxes.current = box
    other = counterparts(box, [part.thread_id]).get(part.thread_id)
    return Conversation(part=part, box=box, other=other, mailboxes=mailboxes)


@require_http_methods(["GET", "POST"])
@with_mailboxes
def thread(request, mailboxes: Mailboxes, thread_id):
    """The conversation, oldest message first, with the reply form and actions."""
    conversation = conversation_or_404(request, mailboxes, thread_id)
    if request.method == "POST":
        action = next((name for name in ACTIONS if name in request.POST), "send")
        return HANDLERS[action](request, conversation)
    if conversation.part.unread_count:
        messaging.mark_read(conversation.part)
    return render_thread(request, conversation)


def render_thread(
    request,
    conversation: Conversation,
    *,
    reply_form: ReplyForm | None = None,
    refusal: str = "",
    report: dict | None = None,
    status: int = 200,
):
    box, other = conversation.box, conversation.other
    shown = list(
        conversation.part.visible_messages().select_related(
            "sender__user", "sender__partner", "author"
        )
    )
    for message in shown:
        message.from_me = message.sender_id == box.pk
    context = page_context(request, conversation.mailboxes, "thread")
    context.update(
        conversation=conversation,
        thread=conversation.thread,
        part=conversation.part,
        other=other,
        thread_messages=shown,
        reply_form=reply_form or ReplyForm(),
        refusal=refusal,
        report=report or {},
        blocked=other is not None
        and MessageBlock.objects.filter(blocker=box, blocked=other).exists(),
        action_url=conversation.url,
    )
    return render(request, TEMPLATES + "thread.html", context, status=status)


# --- Actions ----------------------------------------------------------------------


def send(request, conversation: Conversation):
    """Answer; a refusal (blocked, suspended…) is said above the text kept (403)."""
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render_thread(request, conversation, reply_form=form)
    try:
        message = messaging.reply(
            conversation.thread,
            conversation.box,
            form.cleaned_data["body"],
            author=request.user,
        )
    except messaging.MessagingRefused as refused:
        return render_thread(
            request, conversation, reply_form=form, refusal=refused.message, status=403
        )
    messages.success(request, _("Your reply has been sent."))
    return see_other(f"{conversation.url}#m-{message.public_id}")


def mark_unread(request, conversation: Conversation):
    messaging.mark_unread(conversation.part)
    messages.success(
        request,
        _("The conversation “%(subject)s” is marked as unread.")
        % {"subject": conversation.thread.subject},
    )
    folder = "archive" if conversation.part.archived else "inbox"
    return see_other(conversation.folder_url(folder))


def archive(request, conversation: Conversation):
    messaging.set_archived(conversation.part, True)
    messages.success(
        request,
        _(
            "The conversation “%(subject)s” is archived. A new message will "
            "bring it back to your inbox."
        )
        % {"subject": conversation.thread.subject},
    )
    return see_other(conversation.folder_url("inbox"))


def unarchive(request, conversation: Conversation):
    messaging.set_archived(conversation.part, False)
    messages.success(request, _("The conversation is back in your inbox."))
    return see_other(conversation.url)


def delete(request, conversation: Conversation):
    """Asks first (a page with "Delete" and "Cancel"); deletes for the member only."""
    if request.POST.get("confirm") != "yes":
        context = page_context(request, conversation.mailboxes, "thread")
        context.update(conversation=conversation, thread=conversation.thread)
        return render(request, TEMPLATES + "confirm_delete.html", context)
    messaging.delete_for(conversation.part)
    messages.success(
        request,
        _(
            "The conversation “%(subject)s” is deleted from your messages; "
            "%(name)s still has it."
        )
        % {"subject": conversation.thread.subject, "name": conversation.other_name},
    )
    return see_other(conversation.folder_url("inbox"))


def _other_or_404(conversation: Conversation) -> Mailbox:
    if conversation.other is None:
        raise Http404
    return conversation.other


def block(request, conversation: Conversation):
    other = _other_or_404(conversation)
    messaging.block(conversation.box, other)
    messages.success(
        request,
        _("You have blocked %(name)s: they can no longer write to you.")
        % {"name": other.display_name},
    )
    return see_other(conversation.url)


def unblock(request, conversation: Conversation):
    other = _other_or_404(conversation)
    messaging.unblock(conversation.box, other)
    messages.success(
        request, _("%(name)s can write to you again.") % {"name": other.display_name}
    )
    return see_other(conversation.url)


def report(request, conversation: Conversation):
    """Report one of the other party's messages to the editors."""
    try:
        wanted = uuid.UUID(request.POST.get("report", ""))
    except ValueError:
        raise Http404 from None
    message = conversation.part.visible_messages().filter(public_id=wanted).first()
    if message is None:
        raise Http404
    form = ReportForm(request.POST)
    if not form.is_valid():
        report = {
            "id": message.public_id,
            "reason": request.POST.get("reason", ""),
            "errors": form.errors.get("reason", []),
        }
        return render_thread(request, conversation, report=report)
    try:
        messaging.report(
            message, conversation.box, form.cleaned_data["reason"], user=request.user
        )
    except messaging.MessagingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _(
                "The message has been reported to the editors, who will read it. "
                "Thank you."
            ),
        )
    return see_other(conversation.url)


HANDLERS = {
    "send": send,
    "mark_unread": mark_unread,
    "archive": archive,
    "unarchive": unarchive,
    "delete": delete,
    "block": block,
    "unblock": unblock,
    "report": report,
}
