"""News: the partners' news pages and the network-wide news feed (guide chapter 3)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from ..blocks import NewsBodyBlock
from ..page_cache import CachedBodyMixin
from ..page_lifetime import add_months
from .stats import NewsDailyViews, NewsLike
from .taxonomy import AudienceGroup, NewsType

FEATURE_PERMISSION = "alumni_partner.feature_newspage"


class NewsPageTag(TaggedItemBase):
    """A keyword on a news (guide 3.3: "trier les news par ... mots clés")."""

    content_object = ParentalKey(
        "alumni_partner.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPageQuerySet(PageQuerySet):
    """Filters by lifecycle state and the counters the admin list sorts on."""

    def published(self) -> NewsPageQuerySet:
        return self.filter(live=True)

    def archived(self) -> NewsPageQuerySet:
        """Published once, offline now: expired or archived by hand."""
        return self.filter(live=False, first_published_at__isnull=False)

    def unpublished_drafts(self) -> NewsPageQuerySet:
        """Never published: drafts and news waiting for moderation."""
        return self.filter(live=False, first_published_at__isnull=True)

    def of_partner_page(self, partner_page: Page) -> NewsPageQuerySet:
        return self.child_of(partner_page)

    def with_counts(self) -> NewsPageQuerySet:
        """Annotate ``view_count`` and ``like_count``, summed over every locale.

        Counters are keyed by ``translation_key``: the French page, its
        translations and its aliases are one news for the statistics.
        """
        views = (
            NewsDailyViews.objects.filter(translation_key=OuterRef("translation_key"))
            .order_by()
            .values("translation_key")
            .annotate(total=Sum("views"))
            .values("total")
        )
        likes = (
            NewsLike.objects.filter(translation_key=OuterRef("translation_key"))
            .order_by()
            .values("translation_key")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(
            view_count=Coalesce(Subquery(views), 0),
            like_count=Coalesce(Subquery(likes), 0),
        )


NewsPageManager = PageManager.from_queryset(NewsPageQuerySet)


class NewsPageForm(WagtailAdminPageForm):
    """The news form: vocabularies in the default language and the expiry rule.

    With the expiry left empty, every publication sets a fresh one (guide 3.2:
    "pour prolonger une news, il suffit de l'éditer et de l'enregistrer à
    nouveau"); an expiry the partner types in is kept (``custom_expiry``).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (
            ("news_type", NewsType),
            ("audience_groups", AudienceGroup),
        ):
            if name in self.fields:
                self.fields[name].queryset = model.default_terms()
        if "expire_at" in self.fields:
            # Blank unless the partner chose an expiry: the automatic one is
            # shown in the status panel and restarts at every publication.
            current = self.initial.get("expire_at")
            if not self.instance.custom_expiry or (
                current and current <= timezone.now()
            ):
                self.initial["expire_at"] = None
            self.fields["expire_at"].help_text = _(
                "Leave empty to keep the news online for %(months)d months "
                "from publication; publishing again extends it."
            ) % {"months": NewsPage.lifetime_months()}

    def clean(self):
        if "expire_at" in self.fields:
            self.instance.custom_expiry = bool(self.cleaned_data.get("expire_at"))
        go_live_at = self.cleaned_data.get("go_live_at")
        if (
            "go_live_at" in self.changed_data
            and go_live_at
            and go_live_at < timezone.now() - timedelta(minutes=1)
        ):
            self.add_error(
                "go_live_at",
                _(
                    "This go-live date is in the past. Leave it empty to "
                    "publish the news now."
                ),
            )
        return super().clean()


class NewsPage(CachedBodyMixin, Page):
    """A partner's news (guide 3.2), online for two months after publication."""

    news_type = models.ForeignKey(
        NewsType,
        verbose_name=_("type of news"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    audience_groups = ParentalManyToManyField(
        AudienceGroup,
        verbose_name=_("groups"),
        blank=True,
        related_name="+",
        help_text=_("The groups of alumni this news is meant for."),
    )
    body = StreamField(NewsBodyBlock(), verbose_name=_("content"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    keywords = ClusterTaggableManager(
        verbose_name=_("keywords"), through=NewsPageTag, blank=True
    )
    # Set by the form when the partner types an expiry; otherwise every
    # publication restarts the two-month clock.
    custom_expiry = models.BooleanField(default=False, editable=False)
    featured_on_home = models.BooleanField(
        _("featured on the home page"),
        default=False,
        help_text=_("Only the editorial staff can feature a news."),
    )

    objects = NewsPageManager()
    # Where serve() counts views (alumni_partner.counters).
    counter_model = NewsDailyViews

    base_form_class = NewsPageForm
    template = "alumni_partner/pages/news_page.html"
    parent_page_types = ["alumni_partner.PartnerPage"]
    subpage_types: list[str] = []

    content_panels = [
        FieldPanel("news_type"),
        FieldPanel("date"),
        FieldPanel("audience_groups", widget=forms.CheckboxSelectMultiple),
        *Page.content_panels,
        FieldPanel("body"),
        FieldPanel("image"),
        FieldPanel("document"),
        FieldPanel("keywords"),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("featured_on_home", permission=FEATURE_PERMISSION)],
            heading=_("Home page"),
            permission=FEATURE_PERMISSION,
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.RelatedFields("keywords", [index.SearchField("name")]),
        index.FilterField("news_type_id"),
        index.FilterField("date"),
        index.FilterField("featured_on_home"),
    ]

    override_translatable_fields = [
        TranslatableField("title"),
        TranslatableField("body"),
        TranslatableField("search_description"),
        SynchronizedField("slug"),
        SynchronizedField("news_type"),
        SynchronizedField("date"),
        SynchronizedField("audience_groups"),
        SynchronizedField("image"),
        SynchronizedField("document"),
        SynchronizedField("keywords"),
        SynchronizedField("featured_on_home"),
    ]

    class Meta:
        verbose_name = _("news")
        verbose_name_plural = _("news")
        permissions = [("feature_newspage", _("Can feature a news on the home page"))]

    @staticmethod
    def lifetime_months() -> int:
        from ..conf import partner_settings

        return partner_settings.NEWS_LIFETIME_MONTHS

    @classmethod
    def expiry_after(cls, start: datetime) -> datetime:
        """When a news published at ``start`` leaves the public site."""
        return add_months(start, cls.lifetime_months())

    @property
    def partner_page(self):
        """The partner page this news belongs to, in the news' locale."""
        return self.get_parent().specific

    # Public side: the news page and its like button. Its views are counted by
    # the view beacon in its template (views/beacons.py), not when it is
    # served: a front cache may serve it without Django.

    def get_context(self, request, *args, **kwargs):
        from django.utils.functional import SimpleLazyObject

        from ..counters import has_liked, like_count
        from ..news_listing import prepare_news

        context = super().get_context(request, *args, **kwargs)

        def details():
            partner_page = self.get_parent()
            prepare_news(
                [self],
                locale_id=self.locale_id,
                partner_page=partner_page,
                audiences=True,
            )
            return self

        # Lazy: neither built nor queried when the body comes from the cache.
        context["news"] = SimpleLazyObject(details)
        context["like_count"] = like_count(self)
        context["has_liked"] = has_liked(self, request.user)
        return context


class NewsIndexPage(RoutablePageMixin, Page):
    """The network-wide news feed: every partner's live news, with filters.

    Lists the public news of its locale under its home page, newest first,
    filtered by type, group and partner; ``feed/rss/`` and ``feed/atom/``
    serve the same list, with the same filters, as RSS and Atom.
    """

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "alumni_partner/pages/news_index_page.html"

    class Meta:
        verbose_name = _("news feed")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from ..conf import partner_settings
        from ..news_listing import NewsFilterForm, feed_news, prepare_news

        context = super().get_context(request, *args, **kwargs)
        form = NewsFilterForm(request.GET or None, index_page=self)
        paginator = Paginator(feed_news(self, form), partner_settings.NEWS_PER_PAGE)
        news = paginator.get_page(request.GET.get("page"))
        news.object_list = prepare_news(news.object_list, locale_id=self.locale_id)
        context["filter_form"] = form
        context["news_list"] = news
        context["feed_query"] = form.query_string()
        return context

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        from ..feeds import NewsRssFeed

        return NewsRssFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        from ..feeds import NewsAtomFeed

        return NewsAtomFeed(self)(request)
