"""RSS and Atom feeds of the news feed page, with the page's filters.

Served by ``NewsIndexPage`` at ``feed/rss/`` and ``feed/atom/`` (its routable
routes), so each locale has its own feeds: ``/news/feed/rss/``,
``/en/news/feed/atom/?type=3``... Items: title, link, date and a plain-text
excerpt.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .conf import partner_settings
from .news_listing import NewsFilterForm, feed_news, prepare_news


class NewsRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.form = NewsFilterForm(request.GET or None, index_page=self.index_page)
        return self.index_page

    def title(self, index_page) -> str:
        return index_page.seo_title or index_page.title

    def link(self, index_page) -> str:
        url = index_page.get_url(self.request)
        query = self.form.query_string()
        return f"{url}?{query}" if query else url

    def feed_url(self, index_page) -> str:
        return self.request.get_full_path()

    def description(self, index_page) -> str:
        return index_page.introduction or _("The latest news of our partners.")

    def items(self, index_page):
        news = feed_news(index_page, self.form)[: partner_settings.NEWS_PER_PAGE * 2]
        return prepare_news(news, locale_id=index_page.locale_id)

    def item_title(self, news) -> str:
        # RSS readers read titles as HTML (Django escapes them for this reason).
        return escape(news.title)

    def item_description(self, news) -> str:
        # The description is HTML in RSS and Atom alike: the plain-text excerpt
        # is escaped, so that markup typed into a news stays text in a reader.
        return escape(news.excerpt)

    def item_link(self, news) -> str:
        return news.get_url(self.request)

    def item_pubdate(self, news) -> datetime:
        """The news' date; its publication time when published that day."""
        published = news.first_published_at
        if published and timezone.localdate(published) == news.date:
            return published
        return timezone.make_aware(datetime.combine(news.date, time.min))

    def item_updateddate(self, news) -> datetime | None:
        return news.last_published_at

    def item_author_name(self, news) -> str:
        return news.card_partner.title if news.card_partner else ""

    def item_categories(self, news) -> list[str]:
        return [news.type_label] if news.type_label else []


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed
    subtitle = NewsRssFeed.description

    def item_title(self, news) -> str:
        # An Atom title is text (no type="html"): readers do not parse it.
        return news.title
