"""What ``wagtail_hooks`` does for the News admin, kept here beside the views.

- after publishing ("Envoyer") or submitting a news, back to the News list
  with the guide's confirmation (3.2: "Vous recevrez un message de
  confirmation vous signalant que votre news a bien été enregistrée");
- Wagtail's "Publish" reads "Send" on a news' create and edit screens;
- the news statistics on a partner user's dashboard.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.action_menu import PublishMenuItem

from ..conf import partner_settings
from ..counters import news_statistics
from ..models import NewsPage
from ..page_admin.publishing import back_to_list, is_screen_of, promote
from .components import NewsStatisticsPanel
from .scope import NewsScope
from .views import news_url

#: Guide 3.2: "un message de confirmation vous signalant que votre news a
#: bien été enregistrée", by outcome.
MESSAGES = {
    "published": gettext_lazy("Your news “%(title)s” has been saved and published."),
    "scheduled": gettext_lazy(
        "Your news “%(title)s” has been saved; it will be published on %(date)s."
    ),
    "submitted": gettext_lazy(
        "Your news “%(title)s” has been saved and submitted for moderation."
    ),
}


def _list_of(news: NewsPage) -> str:
    archived = not news.live and news.first_published_at is not None
    return news_url("archived" if archived else "index")


def redirect_after_publishing(request, page):
    """``after_create_page`` / ``after_edit_page``: to the list, with a message."""
    return back_to_list(request, page, NewsPage, MESSAGES, _list_of)


def relabel_publish_as_send(menu_items, request, context) -> None:
    """``construct_page_action_menu``: "Send" ("Envoyer", guide 3.2), first."""
    if is_screen_of(request, context, NewsPage):
        # The first item is the main button (the guide's "Envoyer").
        promote(menu_items, PublishMenuItem, _("Send"))


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
