"""After "Publish" on a partner's page type: the outcome, the message, the button.

The News and Offers admins send the user back to their list with the guide's
confirmation (3.2, 4.1) rather than to Wagtail's explorer, and choose which of
Wagtail's action-menu items is the main button.
"""

from __future__ import annotations

from copy import copy as shallow_copy

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.admin import messages as admin_messages
from wagtail.admin.action_menu import SubmitForModerationMenuItem


def publication_outcome(request, page) -> str | None:
    """``"published"``, ``"scheduled"`` or ``"submitted"``; ``None`` for a save.

    Mirrors the create and edit views' choice of action: "Publish" counts
    only for a user who may publish (anyone else's click only saves a draft).
    A submission that a moderation task approved at once (a partner whose
    offers are not moderated) is published.
    """
    if request.POST.get("action-publish"):
        if not page.permissions_for_user(request.user).can_publish():
            return None
        if page.live and not page.has_unpublished_changes:
            return "published"
        if page.go_live_at and page.go_live_at > timezone.now():
            return "scheduled"
        return None
    if request.POST.get("action-submit"):
        if page.workflow_in_progress:
            return "submitted"
        if page.live and not page.has_unpublished_changes:
            return "published"
    return None


def published_page(request, page, model):
    """The freshly saved ``model`` page if this request published or submitted it.

    ``None`` for another page type, a plain save, or autosave (which posts in
    the background and expects JSON, not a redirect). The page is read again:
    a workflow may have published it behind the view's back.
    """
    if request.method != "POST" or not request.accepts("text/html"):
        return None
    if not isinstance(page, model) and page.specific_class is not model:
        return None
    if not (request.POST.get("action-publish") or request.POST.get("action-submit")):
        return None
    return model.objects.get(pk=page.pk)


def back_to_list(request, page, model, texts: dict, list_url):
    """``after_create_page`` / ``after_edit_page``: to the list, with a message.

    ``texts`` maps each outcome (``"published"``, ``"scheduled"``,
    ``"submitted"``) to a message with ``%(title)s`` (and ``%(date)s`` when
    scheduled); ``list_url(page)`` is where to go. ``None`` for a plain save
    or another page type: Wagtail's own answer stands.
    """
    specific = published_page(request, page, model)
    if specific is None:
        return None
    outcome = publication_outcome(request, specific)
    if outcome is None:
        return None
    edit_url = reverse("wagtailadmin_pages:edit", args=[specific.pk])
    buttons = [admin_messages.button(edit_url, _("Edit"))]
    if outcome == "published" and specific.url:
        buttons.insert(0, admin_messages.button(specific.url, _("View live"), True))
    values = {"title": specific.get_admin_display_title()}
    if outcome == "scheduled":
        values["date"] = go_live_text(specific)
    drop_last_success_message(request)
    admin_messages.success(request, texts[outcome] % values, buttons=buttons)
    return redirect(list_url(specific))


def go_live_text(page) -> str:
    return date_format(timezone.localtime(page.go_live_at), "SHORT_DATETIME_FORMAT")


def drop_last_success_message(request) -> None:
    """Remove Wagtail's own "Page ... published" message; keep the others."""
    storage = messages.get_messages(request)
    kept = list(storage)  # marks the storage as used: re-add what we keep
    for index in range(len(kept) - 1, -1, -1):
        if kept[index].level == messages.SUCCESS:
            del kept[index]
            break
    for message in kept:
        storage.add(message.level, message.message, message.extra_tags)


def is_screen_of(request, context, model) -> bool:
    """Whether an action menu belongs to a create or edit screen of ``model``."""
    page = context.get("page")
    if page is not None:
        return isinstance(page, model) or page.specific_class is model
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    return (
        kwargs.get("content_type_app_name") == model._meta.app_label
        and kwargs.get("content_type_model_name") == model._meta.model_name
    )


def promote(menu_items, item_class, label: str | None = None) -> bool:
    """Make the first ``item_class`` item the main button, relabelled if asked.

    The menu items are shared by every page type: a relabelled item is a copy.
    Returns whether such an item was there.
    """
    for index, item in enumerate(menu_items):
        if isinstance(item, item_class):
            if label is not None:
                item = relabelled(item, label)
            del menu_items[index]
            menu_items.insert(0, item)
            return True
    return False


def relabelled(item, label: str):
    """A copy of ``item`` that reads ``label``, whatever its own context says."""
    if isinstance(item, SubmitForModerationMenuItem):
        # Its label comes from the workflow's name ("Submit to ..."): replace
        # it after the item has worked it out.
        copy = FixedLabelSubmitMenuItem(order=item.order)
    else:
        copy = shallow_copy(item)
    copy.label = label
    return copy


class FixedLabelSubmitMenuItem(SubmitForModerationMenuItem):
    """Wagtail's "Submit" action under a label of our choosing."""

    icon_name = "upload"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["label"] = self.label
        return context
