"""RSS and Atom feeds of the news feed and the job board, with their filters.

Served by ``NewsIndexPage`` and ``OfferIndexPage`` at ``feed/rss/`` and
``feed/atom/`` (their routable routes), so each locale has its own feeds:
``/news/feed/rss/``, ``/en/offres/feed/atom/?contract_type=3``... Items:
title, link, date and a plain-text summary.
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
from .offer_listing import OfferFilterForm, board_offers, prepare_offers


class ListingRssFeed(Feed):
    """The RSS feed of an index page's listing, filtered like the page.

    Subclasses set :attr:`form_class` and say what the items are.
    """

    feed_type = Rss201rev2Feed
    form_class: type = NewsFilterForm

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.form = self.form_class(request.GET or None, index_page=self.index_page)
        return self.index_page

    def title(self, index_page) -> str:
        return index_page.seo_title or index_page.title

    def link(self, index_page) -> str:
        url = index_page.get_url(self.request)
        query = self.form.query_string()
        return f"{url}?{query}" if query else url

    def feed_url(self, index_page) -> str:
        return self.request.get_full_path()

    def item_title(self, item) -> str:
        # RSS readers read titles as HTML (Django escapes them for this reason).
        return escape(item.title)

    def item_link(self, item) -> str:
        return item.get_url(self.request)

    def item_author_name(self, item) -> str:
        return item.card_partner.title if item.card_partner else ""


class AtomFeedMixin:
    """The Atom flavour of a :class:`ListingRssFeed`."""

    feed_type = Atom1Feed

    def subtitle(self, index_page) -> str:
        return self.description(index_page)

    def item_title(self, item) -> str:
        # An Atom title is text (no type="html"): readers do not parse it.
        return item.title


class NewsRssFeed(ListingRssFeed):
    form_class = NewsFilterForm

    def description(self, index_page) -> str:
        return index_page.introduction or _("The latest news of our partners.")

    def items(self, index_page):
        news = feed_news(index_page, self.form)[: partner_settings.NEWS_PER_PAGE * 2]
        return prepare_news(news, locale_id=index_page.locale_id)

    def item_description(self, news) -> str:
        # The description is HTML in RSS and Atom alike: the plain-text excerpt
        # is escaped, so that markup typed into a news stays text in a reader.
        return escape(news.excerpt)

    def item_pubdate(self, news) -> datetime:
        """The news' date; its publication time when published that day."""
        published = news.first_published_at
        if published and timezone.localdate(published) == news.date:
            return published
        return timezone.make_aware(datetime.combine(news.date, time.min))

    def item_updateddate(self, news) -> datetime | None:
        return news.last_published_at

    def item_categories(self, news) -> list[str]:
        return [news.type_label] if news.type_label else []


class NewsAtomFeed(AtomFeedMixin, NewsRssFeed):
    pass


class OfferRssFeed(ListingRssFeed):
    """The job board's latest offers, with the board's filters and keywords."""

    form_class = OfferFilterForm

    def description(self, index_page) -> str:
        return index_page.introduction or _("The latest job offers of our partners.")

    def items(self, index_page):
        offers = board_offers(index_page, self.form)[: partner_settings.OFFERS_PER_PAGE]
        return prepare_offers(offers, index_page.locale_id)

    def item_description(self, offer) -> str:
        # Plain text, escaped once for readers that take it as HTML.
        where = ", ".join(part for part in (offer.city, offer.country.name) if part)
        parts = [offer.contract_label, where, offer.excerpt]
        return escape(" — ".join(part for part in parts if part))

    def item_pubdate(self, offer) -> datetime | None:
        return offer.last_published_at

    def item_updateddate(self, offer) -> datetime | None:
        return offer.last_published_at

    def item_categories(self, offer) -> list[str]:
        return [label for label in (offer.contract_label, offer.sector_label) if label]


class OfferAtomFeed(AtomFeedMixin, OfferRssFeed):
    pass
