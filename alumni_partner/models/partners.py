"""Partner organisations: the ``Partner`` record and its public pages."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.models import Collection, Locale, Orderable, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from ..blocks import PresentationBlock
from ..conf import partner_settings
from ..page_cache import CachedBodyMixin, news_version
from .taxonomy import PartnerCategory, Sector

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class PartnerQuerySet(models.QuerySet):
    def for_user(self, user) -> PartnerQuerySet:
        """The partners whose space ``user`` works in."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(members=user)


class Partner(models.Model):
    """A partner organisation's record: its page, group, collection and users.

    The group and collection live here rather than on the page, because a
    one-to-one field to ``Group`` on a translatable page breaks wagtail-localize's
    alias creation.
    """

    name = models.CharField(_("name"), max_length=255, unique=True)
    page = models.OneToOneField(
        "alumni_partner.PartnerPage",
        verbose_name=_("partner page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page in the default language; translations follow it."),
    )
    group = models.OneToOneField(
        Group, null=True, on_delete=models.SET_NULL, related_name="partner"
    )
    collection = models.OneToOneField(
        Collection, null=True, on_delete=models.SET_NULL, related_name="partner"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("users"),
        related_name="partners",
        blank=True,
    )
    moderated = models.BooleanField(
        _("moderated"),
        default=False,
        help_text=_(
            "A moderated partner submits its pages for approval by the editors "
            "instead of publishing them."
        ),
    )
    offers_moderated = models.BooleanField(
        _("moderate job offers too"),
        default=True,
        help_text=_(
            "For a moderated partner: untick to let its job offers go online at "
            "once while its news and page still wait for the editors."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def pages_in_every_locale(self) -> models.QuerySet:
        """The partner page and all its translations and aliases."""
        if self.page is None:
            return Page.objects.none()
        return Page.objects.filter(translation_key=self.page.translation_key)

    @classmethod
    def for_page(cls, page: Page) -> Partner | None:
        """The partner owning ``page``: any locale, any depth below its page."""
        partner_page = (
            PartnerPage.objects.ancestor_of(page, inclusive=True)
            .only("translation_key")
            .first()
        )
        if partner_page is None:
            return None
        return cls.objects.filter(
            page__translation_key=partner_page.translation_key
        ).first()

    def has_member(self, user: AbstractBaseUser) -> bool:
        return self.members.filter(pk=user.pk).exists()

    def moderates(self, page: Page) -> bool:
        """Whether the editors must approve ``page`` before it goes online."""
        if not self.moderated:
            return False
        if page.specific_class.__name__ == "OfferPage":
            return self.offers_moderated
        return True


def label_terms(partner_pages) -> None:
    """Set ``sector_label`` and ``category_label`` in the visitor's language.

    One query per vocabulary for a whole listing, where ``sector.localized`` in
    the template would cost one per card.
    """
    partner_pages = list(partner_pages)
    locale = Locale.get_active()
    for field, model in (("sector", Sector), ("category", PartnerCategory)):
        terms = [getattr(p, field) for p in partner_pages]
        names = model.names_in_locale(terms, locale.pk)
        for page in partner_pages:
            term = getattr(page, field)
            label = names.get(term.translation_key, term.name) if term else ""
            setattr(page, f"{field}_label", label)


class PartnerIndexPage(Page):
    """The list of partners, with filters by sector, category, country and search."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    subpage_types = ["alumni_partner.PartnerPage"]
    max_count_per_parent = 1
    template = "alumni_partner/pages/partner_index_page.html"

    class Meta:
        verbose_name = _("partner index")

    def get_context(self, request, *args, **kwargs):
        from ..views.partner_index import PartnerFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = PartnerFilterForm(request.GET or None, locale=self.locale)
        partners = (
            PartnerPage.objects.child_of(self)
            .live()
            .public()
            .select_related("logo", "sector", "category")
            .order_by("title")
        )
        if form.is_valid():
            partners = form.filter(partners)
        paginator = Paginator(partners, partner_settings.PARTNERS_PER_PAGE)
        page_of_partners = paginator.get_page(request.GET.get("page"))
        label_terms(page_of_partners.object_list)
        context["filter_form"] = form
        context["partners"] = page_of_partners
        return context


class PartnerPageForm(WagtailAdminPageForm):
    """The "Mon organisation" form: name, address and website are required."""

    REQUIRED = ("street", "city", "country", "website")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            if name in self.fields:
                self.fields[name].required = True
        for name, model in (("sector", Sector), ("category", PartnerCategory)):
            if name in self.fields:
                self.fields[name].queryset = model.default_terms()


class PartnerPage(CachedBodyMixin, Page):
    """A partner organisation's public page (guide chapters 1–2)."""

    street = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        PartnerCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    presentation = StreamField(
        PresentationBlock(), verbose_name=_("presentation"), blank=True
    )

    base_form_class = PartnerPageForm
    template = "alumni_partner/pages/partner_page.html"
    parent_page_types = ["alumni_partner.PartnerIndexPage"]
    subpage_types = ["alumni_partner.NewsPage", "alumni_partner.OfferPage"]

    search_fields = Page.search_fields + [
        index.SearchField("city"),
        index.SearchField("presentation"),
        index.FilterField("country"),
        index.FilterField("sector_id"),
        index.FilterField("category_id"),
    ]

    # Only words that a visitor reads are translated; the rest follows the source.
    override_translatable_fields = [
        TranslatableField("title"),
        TranslatableField("presentation"),
        TranslatableField("search_description"),
        SynchronizedField("street"),
        SynchronizedField("postcode"),
        SynchronizedField("city"),
        SynchronizedField("country"),
        SynchronizedField("website"),
        SynchronizedField("phone"),
        SynchronizedField("email"),
        SynchronizedField("sector"),
        SynchronizedField("category"),
        SynchronizedField("logo"),
        SynchronizedField("banner"),
        SynchronizedField("slug"),
    ]

    information_panels = [
        FieldPanel("title", heading=_("Name of the organisation")),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldPanel("country"),
            ],
            heading=_("Address"),
        ),
        MultiFieldPanel(
            [FieldPanel("website"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("Contact details"),
        ),
        FieldRowPanel([FieldPanel("sector"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("logo"), FieldPanel("banner")]),
    ]
    presentation_panels = [FieldPanel("presentation")]
    media_panels = [
        InlinePanel("documents", heading=_("Documents"), label=_("Document")),
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(information_panels, heading=_("Organisation")),
            ObjectList(presentation_panels, heading=_("Information")),
            ObjectList(media_panels, heading=_("Media")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
        ]
    )

    class Meta:
        verbose_name = _("partner page")
        verbose_name_plural = _("partner pages")

    @property
    def partner(self) -> Partner | None:
        return Partner.for_page(self)

    @property
    def address_lines(self) -> list[str]:
        locality = " ".join(p for p in (self.postcode, self.city) if p)
        return [
            line for line in (self.street, locality, self.country.name or "") if line
        ]

    @property
    def map_embed_url(self) -> str:
        """A keyless map iframe address built from the postal address.

        The visitor's browser asks the map provider; the server never geocodes.
        """
        if not self.address_lines:
            return ""
        query = quote_plus(", ".join(self.address_lines))
        return f"https://maps.google.com/maps?q={query}&output=embed"

    def get_cache_key_components(self):
        # The news version changes whenever one of its news goes on or off
        # line, so that "Latest news" is never stale (one cache read).
        return [
            *super().get_cache_key_components(),
            news_version(self.translation_key),
        ]

    def get_context(self, request, *args, **kwargs):
        from django.utils.functional import SimpleLazyObject

        context = super().get_context(request, *args, **kwargs)
        # Lazy: neither built nor queried when the body comes from the cache.
        context["brochures"] = SimpleLazyObject(
            lambda: self.documents.select_related("document").all()
        )
        return context


class PartnerDocument(Orderable):
    """A brochure shown on the partner page (guide 2.3): a PDF with a label."""

    page = ParentalKey(PartnerPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    label = models.CharField(
        _("label"),
        max_length=255,
        help_text=_("Shown on your partner page."),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    panels = [
        FieldPanel("label"),
        FieldPanel("document"),
        FieldPanel("date"),
        FieldPanel("comment"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.label
