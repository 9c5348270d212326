"""Job offers: the partners' offer pages and the network's job board (guide 4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    TitleFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager, WorkflowState
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from ..conf import PRESENTATION_FEATURES
from ..page_cache import CachedBodyMixin
from .stats import OfferDailyStats
from .taxonomy import ContractType, Sector, SeniorityLevel


class OfferPageSkill(TaggedItemBase):
    """A skill an offer asks for (guide 4.1: "la compétence")."""

    content_object = ParentalKey(
        "alumni_partner.OfferPage",
        on_delete=models.CASCADE,
        related_name="tagged_skills",
    )


class OfferState(models.TextChoices):
    """Where an offer stands, as "Mes offres" shows it (guide 4.2)."""

    DRAFT = "draft", _("draft")
    PENDING = "pending", _("pending")
    SCHEDULED = "scheduled", _("scheduled")
    VALIDATED = "validated", _("validated")
    DELETED = "deleted", _("deleted")
    FILLED = "filled", _("filled")
    EXPIRED = "expired", _("expired")


class ClosedReason(models.TextChoices):
    """Why a partner took an offer off the board."""

    DELETED = "deleted", _("deleted")
    FILLED = "filled", _("filled")


class SalaryPeriod(models.TextChoices):
    YEAR = "YEAR", _("per year")
    MONTH = "MONTH", _("per month")
    WEEK = "WEEK", _("per week")
    DAY = "DAY", _("per day")
    HOUR = "HOUR", _("per hour")


CURRENCIES = [
    ("EUR", "EUR €"),
    ("USD", "USD $"),
    ("GBP", "GBP £"),
    ("CHF", "CHF"),
    ("CAD", "CAD $"),
    ("MAD", "MAD"),
    ("XOF", "XOF"),
    ("TND", "TND"),
    ("DZD", "DZD"),
    ("BRL", "BRL R$"),
    ("MXN", "MXN $"),
    ("CNY", "CNY ¥"),
    ("JPY", "JPY ¥"),
    ("INR", "INR ₹"),
]


def contact_kind(value: str) -> str | None:
    """``"email"`` or ``"url"`` for a valid apply contact, else ``None``."""
    value = (value or "").strip()
    try:
        EmailValidator()(value)
        return "email"
    except ValidationError:
        pass
    try:
        URLValidator(schemes=["http", "https"])(value)
        return "url"
    except ValidationError:
        return None


class OfferPageQuerySet(PageQuerySet):
    """Filters by an offer's state, and the counters "Mes offres" sorts on."""

    def validated(self) -> OfferPageQuerySet:
        return self.filter(live=True)

    def deleted(self) -> OfferPageQuerySet:
        return self.filter(live=False, closed_reason=ClosedReason.DELETED)

    def closed(self) -> OfferPageQuerySet:
        """Off the board by age or success: expired or filled (their own tab)."""
        return self.filter(live=False).filter(
            models.Q(closed_reason=ClosedReason.FILLED)
            | models.Q(closed_reason="", expired=True)
        )

    def current(self) -> OfferPageQuerySet:
        """Every offer of the main tab: validated, pending, drafts and deleted."""
        return self.exclude(pk__in=self.closed().values("pk"))

    def with_moderation(self) -> OfferPageQuerySet:
        """Annotate ``in_moderation``: a workflow waits for the editors."""
        return self.annotate(
            in_moderation=Exists(
                WorkflowState.objects.filter(
                    base_content_type=ContentType.objects.get_for_model(Page),
                    object_id=Cast(OuterRef("pk"), models.CharField()),
                    status=WorkflowState.STATUS_IN_PROGRESS,
                )
            )
        )

    def pending(self) -> OfferPageQuerySet:
        return (
            self.with_moderation()
            .filter(live=False, closed_reason="", in_moderation=True)
            .exclude(expired=True)
        )

    def with_counts(self) -> OfferPageQuerySet:
        """Annotate ``view_count`` and ``apply_count`` over every locale."""

        def total(field):
            return Coalesce(
                Subquery(
                    OfferDailyStats.objects.filter(
                        translation_key=OuterRef("translation_key")
                    )
                    .order_by()
                    .values("translation_key")
                    .annotate(total=Sum(field))
                    .values("total")
                ),
                0,
            )

        return self.annotate(
            view_count=total("views"), apply_count=total("apply_clicks")
        )


OfferPageManager = PageManager.from_queryset(OfferPageQuerySet)


class OfferPageForm(WagtailAdminPageForm):
    """The offer form (guide 4.1) and its rules.

    A new offer gets a reference suggested from its partner's offers and the
    partner's presentation as company description; both stay editable.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (
            ("contract_type", ContractType),
            ("sector", Sector),
            ("seniority", SeniorityLevel),
        ):
            if name in self.fields:
                self.fields[name].queryset = model.default_terms()
        if self.partner_page is not None and not self.instance.pk:
            from ..offer_lifecycle import company_description_of, suggest_reference

            partner = self._partner()
            if partner is not None and not self.initial.get("reference"):
                self.initial["reference"] = suggest_reference(partner)
            if not self.initial.get("company_description"):
                self.initial["company_description"] = company_description_of(
                    self.partner_page
                )
        if "expire_at" in self.fields:
            self.fields["expire_at"].help_text = _(
                "Leave empty to keep the offer online for %(days)d days from "
                "publication; renewing it starts the count again."
            ) % {"days": OfferPage.lifetime_days()}
            current = self.initial.get("expire_at")
            if not self.instance.custom_expiry or (
                current and current <= timezone.now()
            ):
                self.initial["expire_at"] = None

    @property
    def partner_page(self) -> Page | None:
        if self.parent_page is not None:
            return self.parent_page.specific
        if self.instance.pk:
            return self.instance.get_parent().specific
        return None

    def _partner(self):
        from .partners import Partner

        if self.instance.partner_id:
            return self.instance.partner
        if self.partner_page is None:
            return None
        return Partner.for_page(self.partner_page)

    def clean(self):
        cleaned = super().clean()
        if "expire_at" in self.fields:
            self.instance.custom_expiry = bool(cleaned.get("expire_at"))
        self._clean_reference(cleaned)
        self._clean_salary(cleaned)
        self._clean_availability(cleaned)
        contact = (cleaned.get("contact") or "").strip()
        if contact and contact_kind(contact) is None:
            self.add_error(
                "contact",
                _(
                    "Enter an e-mail address (jobs@example.org) or the address "
                    "of an application page starting with https://."
                ),
            )
        return cleaned

    def _clean_reference(self, cleaned) -> None:
        reference = (cleaned.get("reference") or "").strip()
        partner = self._partner()
        if not reference or partner is None:
            return
        cleaned["reference"] = reference
        clash = OfferPage.objects.filter(
            partner=partner, reference__iexact=reference
        ).exclude(translation_key=self.instance.translation_key)
        if clash.exists():
            from ..offer_lifecycle import suggest_reference

            self.add_error(
                "reference",
                _(
                    "Another of your offers already has the reference "
                    "“%(reference)s”. Choose another one, for example "
                    "“%(suggestion)s”."
                )
                % {"reference": reference, "suggestion": suggest_reference(partner)},
            )

    def _clean_salary(self, cleaned) -> None:
        low, high = cleaned.get("salary_min"), cleaned.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "salary_max",
                _("The maximum salary must be at least the minimum (%(min)s).")
                % {"min": low},
            )

    def _clean_availability(self, cleaned) -> None:
        start = cleaned.get("available_from")
        if cleaned.get("available_immediately"):
            cleaned["available_from"] = None
            return
        if start is None:
            self.add_error(
                "available_from",
                _("Give the start date, or tick “Available immediately”."),
            )
        elif "available_from" in self.changed_data and start < timezone.localdate():
            self.add_error(
                "available_from",
                _(
                    "This start date is in the past. Give a future date or "
                    "tick “Available immediately”."
                ),
            )


class OfferPage(CachedBodyMixin, Page):
    """A partner's job offer (guide 4.1), on the job board for 60 days."""

    partner = models.ForeignKey(
        "alumni_partner.Partner",
        verbose_name=_("partner"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="offers",
    )
    reference = models.CharField(
        _("reference"),
        max_length=40,
        help_text=_("Unique among your offers; the suggestion can be changed."),
    )
    company_description = RichTextField(
        _("company description"), features=PRESENTATION_FEATURES, blank=True
    )
    mission = RichTextField(_("mission description"), features=PRESENTATION_FEATURES)
    contract_type = models.ForeignKey(
        ContractType,
        verbose_name=_("contract type"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skills = ClusterTaggableManager(
        verbose_name=_("skills"),
        through=OfferPageSkill,
        blank=True,
        help_text=_("Separate skills with commas."),
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seniority = models.ForeignKey(
        SeniorityLevel,
        verbose_name=_("seniority"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"))
    remote_allowed = models.BooleanField(_("remote work possible"), default=False)
    salary_min = models.PositiveIntegerField(_("minimum salary"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("maximum salary"), null=True, blank=True)
    salary_currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCIES, default="EUR"
    )
    salary_period = models.CharField(
        _("period"),
        max_length=5,
        choices=SalaryPeriod.choices,
        default=SalaryPeriod.YEAR,
    )
    available_immediately = models.BooleanField(
        _("available immediately"), default=True
    )
    available_from = models.DateField(_("start date"), null=True, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact = models.CharField(
        _("e-mail or application link"),
        max_length=500,
        help_text=_(
            "Where candidates apply: an e-mail address or the address of your "
            "application page."
        ),
    )
    # "Date de création" in "Mes offres" (guide 4.2); Wagtail pages have none.
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False, db_index=True
    )
    # Set while the offer is off the board by the partner's choice.
    closed_reason = models.CharField(
        max_length=10, choices=ClosedReason.choices, blank=True, editable=False
    )
    closed_at = models.DateTimeField(null=True, editable=False)
    custom_expiry = models.BooleanField(default=False, editable=False)
    # The expiry the partner was reminded of: one reminder per publication.
    reminder_sent_for = models.DateTimeField(null=True, editable=False)

    objects = OfferPageManager()
    # Where serve() counts views (alumni_partner.counters).
    counter_model = OfferDailyStats

    base_form_class = OfferPageForm
    template = "alumni_partner/pages/offer_page.html"
    parent_page_types = ["alumni_partner.PartnerPage"]
    subpage_types: list[str] = []

    content_panels = [
        # TitleFieldPanel fills the slug from the title, as on Wagtail's pages:
        # a plain FieldPanel leaves the slug (in "Promote") empty and required.
        TitleFieldPanel("title", heading=_("Job title"), placeholder=False),
        FieldPanel("reference"),
        FieldPanel("company_description"),
        FieldPanel("mission"),
        FieldRowPanel(
            [
                FieldPanel("contract_type"),
                FieldPanel("seniority"),
                FieldPanel("sector"),
            ]
        ),
        FieldPanel("skills"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("remote_allowed"),
            ],
            heading=_("Location"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("salary_min"), FieldPanel("salary_max")]),
                FieldRowPanel(
                    [FieldPanel("salary_currency"), FieldPanel("salary_period")]
                ),
            ],
            heading=_("Salary range"),
        ),
        MultiFieldPanel(
            [FieldPanel("available_immediately"), FieldPanel("available_from")],
            heading=_("Availability"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact")],
            heading=_("Contact"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("reference"),
        index.SearchField("mission"),
        index.SearchField("company_description"),
        index.SearchField("city"),
        index.RelatedFields("skills", [index.SearchField("name")]),
        index.FilterField("contract_type_id"),
        index.FilterField("sector_id"),
        index.FilterField("seniority_id"),
        index.FilterField("country"),
        index.FilterField("partner_id"),
    ]

    override_translatable_fields = [
        TranslatableField("title"),
        TranslatableField("company_description"),
        TranslatableField("mission"),
        TranslatableField("search_description"),
        SynchronizedField("slug"),
        SynchronizedField("partner"),
        SynchronizedField("reference"),
        SynchronizedField("contract_type"),
        SynchronizedField("skills"),
        SynchronizedField("sector"),
        SynchronizedField("seniority"),
        SynchronizedField("city"),
        SynchronizedField("country"),
        SynchronizedField("remote_allowed"),
        SynchronizedField("salary_min"),
        SynchronizedField("salary_max"),
        SynchronizedField("salary_currency"),
        SynchronizedField("salary_period"),
        SynchronizedField("available_immediately"),
        SynchronizedField("available_from"),
        SynchronizedField("contact_name"),
        SynchronizedField("contact"),
    ]

    class Meta:
        verbose_name = _("job offer")
        verbose_name_plural = _("job offers")
        # The reference is unique per partner, checked by the form: a database
        # constraint cannot span ``locale`` (on wagtailcore_page) and these
        # columns, and translations share the reference.
        # The job board filters by country and contract type together (the
        # issue's benchmark: tests/benchmarks/bench_offers.py); the foreign
        # key's own index serves the contract type alone. Migration 0008 adds
        # the board's indexes on Wagtail's tables (publication order, search).
        indexes = [
            models.Index(fields=["partner", "reference"], name="offer_reference"),
            models.Index(fields=["country", "city"], name="offer_country_city"),
            models.Index(
                fields=["country", "contract_type"], name="offer_country_contract"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    @staticmethod
    def lifetime_days() -> int:
        from ..conf import partner_settings

        return partner_settings.OFFER_LIFETIME_DAYS

    @classmethod
    def expiry_after(cls, start: datetime) -> datetime:
        """When an offer published at ``start`` leaves the job board."""
        return start + timedelta(days=cls.lifetime_days())

    def save(self, *args, **kwargs):
        if self.partner_id is None and self.depth and self.path:
            from .partners import Partner

            self.partner = Partner.for_page(self)
        return super().save(*args, **kwargs)

    @property
    def state(self) -> OfferState:
        """Validated, pending, deleted, filled, expired, scheduled or draft."""
        if self.live:
            return OfferState.VALIDATED
        if self.closed_reason:
            return OfferState(self.closed_reason)
        if self.expired:
            return OfferState.EXPIRED
        in_moderation = getattr(self, "in_moderation", None)
        if in_moderation is None:
            in_moderation = self.workflow_in_progress
        if in_moderation:
            return OfferState.PENDING
        if self.go_live_at and self.go_live_at > timezone.now():
            return OfferState.SCHEDULED
        return OfferState.DRAFT

    @property
    def contact_kind(self) -> str | None:
        return contact_kind(self.contact)

    @property
    def apply_href(self) -> str:
        """Where "Apply" leads: a ``mailto:`` link or the application page."""
        kind = self.contact_kind
        if kind == "email":
            return f"mailto:{self.contact.strip()}"
        if kind == "url":
            return self.contact.strip()
        return ""

    # Public side: the offer page. Its views are counted by the view beacon in
    # its template (views/beacons.py), not when it is served.

    def get_context(self, request, *args, **kwargs):
        from ..offer_listing import prepare_offers

        context = super().get_context(request, *args, **kwargs)
        prepare_offers([self], locale_id=self.locale_id)
        context["offer"] = self
        return context


class OfferIndexPage(RoutablePageMixin, Page):
    """The network's job board: every partner's live offers, searchable.

    ``feed/rss/`` and ``feed/atom/`` serve the same list, with the same
    filters, as RSS and Atom.
    """

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "alumni_partner/pages/offer_index_page.html"

    class Meta:
        verbose_name = _("job board")

    def get_context(self, request, *args, **kwargs):
        from ..offer_listing import board_context

        context = super().get_context(request, *args, **kwargs)
        context.update(board_context(self, request))
        return context

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        from ..feeds import OfferRssFeed

        return OfferRssFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        from ..feeds import OfferAtomFeed

        return OfferAtomFeed(self)(request)
