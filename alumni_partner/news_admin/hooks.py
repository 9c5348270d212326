"""What ``wagtail_hooks`` does for the News admin, kept here beside the views.

- after publishing ("Envoyer") or submitting a news, back to the News list
  with the guide's confirmation (3.2: "Vous recevrez un message de
  confirmation vous signalant que votre news a bien été enregistrée");
- Wagtail's "Publish" reads "Send" on a news' create and edit screens;
- the news statistics on a partner user's dashboard.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.admin import messages as admin_messages
from wagtail.admin.action_menu import PublishMenuItem

from ..conf import partner_settings
from ..counters import news_statistics
from ..models import NewsPage
from .components import NewsStatisticsPanel
from .scope import NewsScope
from .views import news_url


def publication_outcome(request, news: NewsPage) -> str | None:
    """``"published"``, ``"scheduled"`` or ``"submitted"``; ``None`` for a save.

    Mirrors the create and edit views' choice of action: "Publish" counts
    only for a user who may publish (anyone else's click only saves a draft).
    """
    if request.POST.get("action-publish"):
        if not news.permissions_for_user(request.user).can_publish():
            return None
        if news.live and not news.has_unpublished_changes:
            return "published"
        if news.go_live_at and news.go_live_at > timezone.now():
            return "scheduled"
        return None
    if request.POST.get("action-submit") and news.workflow_in_progress:
        return "submitted"
    return None


def _drop_last_success_message(request) -> None:
    """Remove Wagtail's own "Page ... published" message; keep the others."""
    storage = messages.get_messages(request)
    kept = list(storage)  # marks the storage as used: re-add what we keep
    for index in range(len(kept) - 1, -1, -1):
        if kept[index].level == messages.SUCCESS:
            del kept[index]
            break
    for message in kept:
        storage.add(message.level, message.message, message.extra_tags)


def redirect_after_publishing(request, page):
    """``after_create_page`` / ``after_edit_page``: to the list, with a message."""
    # Autosave posts in the background and expects JSON, not a redirect.
    if request.method != "POST" or not request.accepts("text/html"):
        return None
    news = page.specific
    if not isinstance(news, NewsPage):
        return None
    outcome = publication_outcome(request, news)
    if outcome is None:
        return None
    title = news.get_admin_display_title()
    edit = admin_messages.button(
        reverse("wagtailadmin_pages:edit", args=[news.pk]), _("Edit")
    )
    if outcome == "published":
        text = _("Your news “%(title)s” has been saved and published.") % {
            "title": title
        }
        buttons = [edit]
        if news.url:
            buttons.insert(0, admin_messages.button(news.url, _("View live"), True))
    elif outcome == "scheduled":
        text = _(
            "Your news “%(title)s” has been saved; it will be published on %(date)s."
        ) % {
            "title": title,
            "date": date_format(
                timezone.localtime(news.go_live_at), "SHORT_DATETIME_FORMAT"
            ),
        }
        buttons = [edit]
    else:
        text = _(
            "Your news “%(title)s” has been saved and submitted for moderation."
        ) % {"title": title}
        buttons = [edit]
    _drop_last_success_message(request)
    admin_messages.success(request, text, buttons=buttons)
    archived = not news.live and news.first_published_at is not None
    return redirect(news_url("archived" if archived else "index"))


def _is_news_screen(request, context) -> bool:
    page = context.get("page")
    if page is not None:
        return isinstance(page, NewsPage) or page.specific_class is NewsPage
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    return (
        kwargs.get("content_type_app_name") == NewsPage._meta.app_label
        and kwargs.get("content_type_model_name") == NewsPage._meta.model_name
    )


def relabel_publish_as_send(menu_items, request, context) -> None:
    """``construct_page_action_menu``: "Send" ("Envoyer", guide 3.2), first.

    The menu items are shared by every page type: replace the publish item
    with a copy rather than changing it.
    """
    if not _is_news_screen(request, context):
        return
    for index, item in enumerate(menu_items):
        if isinstance(item, PublishMenuItem):
            send = copy.copy(item)
            send.label = _("Send")
            del menu_items[index]
            # The first item is the main button (the guide's "Envoyer").
            menu_items.insert(0, send)
            return


def dashboard_statistics_panel(request) -> NewsStatisticsPanel | None:
    """``construct_homepage_panels``: a partner user's news statistics."""
    scope = NewsScope(request.user)
    if scope.is_editor or not scope.own_partners:
        return None
    return NewsStatisticsPanel(
        news_statistics(scope.news(), days=partner_settings.STATS_DAYS),
        _("My news"),
        link_url=news_url("index"),
        id_prefix="dashboard-news-stats",
    )
