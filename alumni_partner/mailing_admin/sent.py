""" "Mails envoyés" (guide 6), a mailing's page, and stop / resume / copy.

- ``sent/``: the mailings that started sending, searched by period and
  keywords, with their figures and actions;
- ``<pk>/``: one mailing, whatever its status (the pending list links to it
  too): what it is, who receives it, what became of it (statistics) and its
  audit trail;
- ``<pk>/mail/``: the mail as its recipients received it, for a new tab;
- ``<pk>/stop/``, ``<pk>/resume/``, ``<pk>/copy/``: POST only.

Every view looks the mailing up in ``Mailing.objects.for_user``: another
partner's mailing is a 404, as if it did not exist. The state changes are
:mod:`alumni_partner.mailing.lifecycle`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, NumberColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.models import ModelLogEntry

from ..alumni_admin.columns import PartnerScopedListing
from ..conf import partner_settings
from ..mailing import lifecycle
from ..mailing.statistics import mailing_statistics
from ..models import Partner
from ..models.mailings import Mailing, MailingStatus, RecipientSource
from ..page_admin.listing import ScopedTable
from ..permissions import is_editor
from . import menus, viewsets
from .statistics import MailingStatisticsPanel

#: How many of the addresses that could not be read the mailing's page lists.
INVALID_SAMPLE = 20
#: The preview shows no script, loads nothing but images, and may be framed by
#: the admin only (the review page).
PREVIEW_CSP = (
    "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


def url(name: str, *args) -> str:
    """A mailing screen's URL (``viewsets`` is read at call time: it imports us)."""
    return viewsets.mailings_url(name, *args)


def scoped_mailings(user):
    """The mailings ``user`` may see: its partners' (every one for an editor)."""
    return Mailing.objects.for_user(user).select_related(
        "partner", "created_by", "reviewed_by"
    )


def check_access(user) -> None:
    """Partner users and editors only (the menu hides the screens from others)."""
    if not menus.works_with_mailings(user):
        raise PermissionDenied


def safe_next(request, default: str) -> str:
    """The ``next`` the form carries if it is one of ours, else ``default``."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def person(user) -> str:
    """How a user is named on the screens: full name, else address."""
    if user is None:
        return "—"
    return user.get_full_name() or user.email or user.get_username()


def local_datetime(value) -> str:
    """A moment in the reader's time zone, short; a dash for none."""
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# ---------------------------------------------------------------------------
# What a mailing is: its summary, its actions, its audit trail
# ---------------------------------------------------------------------------


def recipient_sources(mailing: Mailing) -> list[dict]:
    """Each source of the mailing's recipient rows, with what it names and counts.

    An address found in several sources counts once, under the first that
    brought it (the rows are merged by address).
    """
    counts = dict(
        mailing.recipients.values_list("source")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("source", "n")
    )
    sources = []
    if mailing.include_followers:
        sources.append(
            {
                "label": _("Alumni following the partner's page (who consented)"),
                "count": counts.get(RecipientSource.FOLLOWER, 0),
            }
        )
    lists = [recipient_list.name for recipient_list in mailing.recipient_lists.all()]
    if lists:
        sources.append(
            {
                "label": _("Saved lists"),
                "detail": ", ".join(lists),
                "count": counts.get(RecipientSource.LIST, 0),
            }
        )
    if mailing.extra_addresses.strip() or counts.get(RecipientSource.EXTRA):
        sources.append(
            {
                "label": _("Additional recipients"),
                "count": counts.get(RecipientSource.EXTRA, 0),
            }
        )
    if mailing.file_name or counts.get(RecipientSource.FILE):
        sources.append(
            {
                "label": _("Recipient file"),
                "detail": mailing.file_name,
                "count": counts.get(RecipientSource.FILE, 0),
            }
        )
    return sources


def summary_context(mailing: Mailing) -> dict:
    """What the review page and the mailing's page show of the mailing itself."""
    invalid = list(mailing.invalid_addresses or [])
    return {
        "mailing": mailing,
        "sources": recipient_sources(mailing),
        "invalid_sample": invalid[:INVALID_SAMPLE],
        "invalid_count": len(invalid),
        "attachments": [
            {
                "name": attachment.name,
                "size": attachment.size,
                "url": url("attachment", mailing.pk, attachment.pk),
            }
            for attachment in mailing.attachments.all()
        ],
        "view_url": url("view", mailing.pk),
    }


@dataclass
class Action:
    """A button of a mailing: a link, or (``post``) a small form with CSRF.

    ``next`` brings the user back after a POST, or after the confirmation
    page a ``confirm`` link opens.
    """

    name: str  # the URL name too
    label: str
    icon: str
    url: str = ""
    post: bool = False
    new_window: bool = False
    primary: bool = False
    destructive: bool = False
    confirm: bool = False
    next: str = ""


def mailing_actions(mailing: Mailing, user, next_url: str = "") -> list[Action]:
    """The buttons valid for the mailing's status, in the guide's order."""
    pk = mailing.pk
    may = {
        "review": mailing.status == MailingStatus.SUBMITTED
        and lifecycle.may_validate(user, mailing),
        "recipients": mailing.is_pending,
        "edit": mailing.is_pending and lifecycle.may_edit(mailing),
        "send_test": mailing.is_pending,
        "submit": mailing.may_submit,
        "stop": mailing.may_stop,
        "resume": mailing.may_resume,
        "copy": not mailing.is_pending,
        "delete": lifecycle.may_delete(mailing),
    }
    candidates = [
        Action("view", _("View the mail as received"), "view", new_window=True),
        Action("review", _("Validate"), "tasks", primary=True),
        Action("recipients", _("View the recipients"), "group", new_window=True),
        Action("edit", _("Edit"), "edit"),
        Action("send_test", _("Send a test"), "mail", post=True),
        Action("submit", _("Send"), "arrow-right-full", confirm=True, primary=True),
        Action("stop", _("Stop sending"), "circle-xmark", post=True),
        Action("resume", _("Resume sending"), "rotate", post=True),
        Action("copy", _("Edit and resend"), "copy", post=True),
        Action("delete", _("Delete"), "bin", confirm=True, destructive=True),
    ]
    actions = []
    for action in candidates:
        if may.get(action.name, True):
            action.url = url(action.name, pk)
            action.next = next_url
            actions.append(action)
    return actions


def _step_details(action: str, data: dict) -> str:
    """What the audit trail says of a step beyond its label and comment."""
    if action == "finished":
        return _(
            "%(sent)s sent, %(failed)s failed, %(unknown)s unknown, %(skipped)s skipped"
        ) % {key: data.get(key, 0) for key in ("sent", "failed", "unknown", "skipped")}
    if action == "edited" and data.get("back_to_validation"):
        return _("Sent back for validation.")
    if action == "copied" and data.get("source"):
        return _("Copy of mailing #%(pk)s.") % {"pk": data["source"]}
    return ""


def audit_trail(mailing: Mailing) -> list[dict]:
    """Every step of the mailing, oldest first: date, label, who, comment."""
    prefix = lifecycle.action_name("")
    entries = (
        ModelLogEntry.objects.for_instance(mailing)
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    steps = []
    for entry in entries:
        data = entry.data or {}
        action = entry.action.removeprefix(prefix)
        steps.append(
            {
                "timestamp": entry.timestamp,
                "action": action,
                "label": entry.message,
                "user": person(entry.user) if entry.user_id else _("system"),
                "comment": (data.get("comment") or "").strip(),
                "details": _step_details(action, data),
            }
        )
    return steps


# ---------------------------------------------------------------------------
# A mailing's page
# ---------------------------------------------------------------------------


class MailingDetailView(generic.WagtailAdminTemplateMixin, TemplateView):
    """One mailing, any status: summary, actions, statistics, audit trail."""

    template_name = "alumni_partner/admin/mailings/detail.html"
    page_title = gettext_lazy("Mailing")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        check_access(request.user)
        self.mailing = get_object_or_404(scoped_mailings(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.mailing.subject

    def list_url(self) -> str:
        return url("pending") if self.mailing.is_pending else url("sent")

    def get_breadcrumbs_items(self):
        label = _("Pending mails") if self.mailing.is_pending else _("Sent mails")
        return self.breadcrumbs_items + [
            {"url": self.list_url(), "label": label},
            {"url": "", "label": self.mailing.subject},
        ]

    def statistics_panel(self):
        if self.mailing.started_at is None:
            return None
        return MailingStatisticsPanel(
            mailing_statistics(self.mailing), _("Statistics"), heading_level=2
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = self.mailing
        panel = self.statistics_panel()
        context.update(summary_context(mailing))
        context.update(
            {
                "status": mailing.get_status_display(),
                "MailingStatus": MailingStatus,
                "actions": mailing_actions(
                    mailing, self.request.user, self.request.get_full_path()
                ),
                "statistics_panel": panel,
                "statistics": panel.statistics if panel else None,
                "chart_width": panel.chart()["width"] if panel else 0,
                "trail": audit_trail(mailing),
                "is_editor": is_editor(self.request.user),
            }
        )
        return context


@method_decorator(xframe_options_sameorigin, name="dispatch")
class MailView(View):
    """The mail as its recipients received it (names left as merge fields)."""

    http_method_names = ["get"]

    def get(self, request, pk):
        from ..mailing import rendering

        check_access(request.user)
        mailing = get_object_or_404(scoped_mailings(request.user), pk=pk)
        response = HttpResponse(rendering.preview_html(mailing))
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["Referrer-Policy"] = "no-referrer"
        return response


# ---------------------------------------------------------------------------
# Stop, resume, copy: POST only
# ---------------------------------------------------------------------------


class MailingActionView(View):
    """POST: act on one mailing of the user's partners, then go back."""

    http_method_names = ["post"]

    def post(self, request, pk):
        check_access(request.user)
        self.mailing = get_object_or_404(scoped_mailings(request.user), pk=pk)
        return self.act(request)

    def back(self, request):
        return redirect(safe_next(request, url("detail", self.mailing.pk)))

    def act(self, request):
        raise NotImplementedError


class StopView(MailingActionView):
    """ "Stopper le mail en cours d'envoi": the workers halt within one batch."""

    def act(self, request):
        subject = self.mailing.subject
        if lifecycle.stop(self.mailing, request.user):
            messages.success(
                request,
                _(
                    "“%(subject)s” is stopped: the messages already handed to a "
                    "worker (at most one batch of %(batch)s) still leave, then "
                    "nothing more is sent until you resume it."
                )
                % {"subject": subject, "batch": partner_settings.MAILING_BATCH_SIZE},
            )
        else:
            messages.warning(
                request,
                _("“%(subject)s” was not being sent (%(status)s): nothing to stop.")
                % {"subject": subject, "status": self.mailing.get_status_display()},
            )
        return self.back(request)


class ResumeView(MailingActionView):
    """Go on where it stopped: only the addresses still waiting receive it."""

    def act(self, request):
        subject = self.mailing.subject
        if lifecycle.resume(self.mailing, request.user):
            messages.success(
                request,
                _(
                    "Sending of “%(subject)s” resumes: only the recipients who "
                    "have not received it yet will."
                )
                % {"subject": subject},
            )
        else:
            messages.warning(
                request,
                _("“%(subject)s” was not stopped (%(status)s): nothing to resume.")
                % {"subject": subject, "status": self.mailing.get_status_display()},
            )
        return self.back(request)


class CopyView(MailingActionView):
    """ "Modifier et renvoyer": a new draft with the same content, to edit.

    A double click must not make two drafts: while the user has a draft copy
    of this mailing that was not sent for validation yet, they get that one.
    """

    def act(self, request):
        user = request.user
        with transaction.atomic():
            # Serialises two clicks on PostgreSQL; SQLite serialises writers.
            Mailing.objects.select_for_update().filter(pk=self.mailing.pk).first()
            existing = (
                self.mailing.copies.filter(created_by=user, status=MailingStatus.DRAFT)
                .order_by("-created_at")
                .first()
            )
            copy = existing or lifecycle.copy(self.mailing, user)
        if existing is not None:
            messages.info(
                request,
                _(
                    "You already have a draft copy of “%(subject)s”: here it is. "
                    "Edit it, then send it for validation."
                )
                % {"subject": copy.subject},
            )
        else:
            messages.success(
                request,
                _(
                    "A copy of “%(subject)s” has been saved as a new mailing. "
                    "Edit it, then send it for validation; a recipient file is "
                    "not copied: import it again if you need it."
                )
                % {"subject": copy.subject},
            )
        return redirect(url("edit", copy.pk))


# ---------------------------------------------------------------------------
# "Mails envoyés"
# ---------------------------------------------------------------------------


class KeywordsFilter(django_filters.CharFilter):
    """Mailings whose subject or message holds every word (case-insensitive)."""

    def filter(self, qs, value):
        for word in (value or "").split():
            qs = qs.filter(Q(subject__icontains=word) | Q(body__icontains=word))
        return qs


class SentFilterSet(WagtailFilterSet):
    """Period (when sending started) and keywords; the partner for editors."""

    period = django_filters.DateFromToRangeFilter(
        field_name="started_at",
        label=gettext_lazy("Period"),
        widget=DateRangePickerWidget,
        help_text=gettext_lazy("When sending started, from and to (both included)."),
    )
    keywords = KeywordsFilter(
        label=gettext_lazy("Keywords"),
        help_text=gettext_lazy("Words of the subject or of the message."),
    )

    class Meta:
        model = Mailing
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        partners = partners_of(request.user)
        if partners.count() > 1:
            partner = django_filters.ModelChoiceFilter(
                field_name="partner",
                label=_("Partner"),
                queryset=partners,
                empty_label=_("All partners"),
            )
            partner.parent = self
            partner.model = Mailing
            self.filters = {"partner": partner, **self.filters}

    def errors_by_label(self) -> list[tuple[str, list[str]]]:
        """Each malformed filter's label and messages, to show above the list."""
        if self.is_valid():
            return []
        return [
            (str(self.form[name].label), list(errors))
            for name, errors in self.form.errors.items()
            if name in self.form.fields
        ]


def partners_of(user):
    """The partners whose mailings ``user`` sees."""
    if is_editor(user):
        return Partner.objects.order_by("name")
    return Partner.objects.for_user(user).order_by("name")


def subject_id(mailing: Mailing) -> str:
    """The id of the subject's cell, which names the row's buttons."""
    return f"mailing-{mailing.pk}-subject"


class MailingStatusColumn(Column):
    cell_template_name = "wagtailadmin/tables/status_tag_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = instance.get_status_display()
        context["primary"] = instance.status == MailingStatus.SENDING
        return context


class SentActionsColumn(BaseColumn):
    """View the mail, stop or resume, edit and resend, delete."""

    cell_template_name = "alumni_partner/admin/mailings/sent_actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["actions"] = mailing_actions(
            instance, request.user, parent_context["table"].next_url
        )
        context["subject_id"] = subject_id(instance)
        # The cell renders without the request's context: its forms need the token.
        context["csrf_token"] = get_token(request)
        return context


class SentIndexView(PartnerScopedListing, generic.IndexView):
    """The mailings that started sending, newest first, with their figures."""

    model = Mailing
    page_title = gettext_lazy("Sent mails")
    header_icon = "mail"
    results_template_name = "alumni_partner/admin/mailings/sent_index_results.html"
    filterset_class = SentFilterSet
    default_ordering = "-started_at"
    table_class = ScopedTable
    table_classname = "listing mailing-sent-listing"
    any_permission_required = None  # check_access decides

    def dispatch(self, request, *args, **kwargs):
        check_access(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_index_url(self):
        return url("sent")

    def get_index_results_url(self):
        return url("sent_results")

    def get_paginate_by(self, queryset):
        return partner_settings.MAILING_PER_PAGE

    def get_base_queryset(self):
        return (
            Mailing.objects.for_user(self.request.user)
            .sent()
            .with_statistics()
            .select_related("partner")
            .defer("body", "file_addresses", "invalid_addresses", "extra_addresses")
        )

    @cached_property
    def columns(self):
        columns = [
            Column(
                "started_at",
                label=gettext_lazy("Sent on"),
                accessor=lambda mailing: local_datetime(mailing.started_at),
                sort_key="started_at",
            ),
            TitleColumn(
                "subject",
                label=gettext_lazy("Subject"),
                sort_key="subject",
                get_url=lambda mailing: url("detail", mailing.pk),
                get_title_id=subject_id,
            ),
        ]
        columns += self.partner_columns()
        columns += [
            NumberColumn(
                "recipient_count",
                label=gettext_lazy("Recipients"),
                sort_key="recipient_count",
            ),
            NumberColumn(
                "sent_count", label=gettext_lazy("Sent"), sort_key="sent_count"
            ),
            NumberColumn(
                "failed_count", label=gettext_lazy("Failed"), sort_key="failed_count"
            ),
            NumberColumn(
                "opened_count", label=gettext_lazy("Opened"), sort_key="opened_count"
            ),
            MailingStatusColumn(
                "status", label=gettext_lazy("Status"), sort_key="status"
            ),
            SentActionsColumn("actions", label=gettext_lazy("Actions")),
        ]
        return columns

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        # Ties (and mailings stopped before they started) in a stable order.
        return queryset.order_by(*queryset.query.order_by, "-pk")

    def filter_queryset(self, queryset):
        if self.filters:
            # The valid filters apply even when another one is malformed; the
            # malformed one is reported above the list.
            self.filters.is_valid()
            queryset = self.filters.filter_queryset(queryset)
        return queryset

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "next_url": self.next_url}

    @cached_property
    def next_url(self) -> str:
        """This list, its filters and page: where row actions come back to."""
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        encoded = query.urlencode()
        return self.index_url + (f"?{encoded}" if encoded else "")

    @cached_property
    def no_results_message(self):
        if self.is_filtering or self.is_searching:
            return _("No sent mailing matches these filters.")
        return _(
            "No mailing has been sent yet. A mailing shows here once an editor "
            "validated it and its sending started."
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_errors"] = (
            self.filters.errors_by_label() if self.filters else []
        )
        context["pending_url"] = url("pending")
        return context


urlpatterns = [
    path("sent/", SentIndexView.as_view(), name="sent"),
    path(
        "sent/results/",
        SentIndexView.as_view(results_only=True),
        name="sent_results",
    ),
    path("<int:pk>/", MailingDetailView.as_view(), name="detail"),
    path("<int:pk>/mail/", MailView.as_view(), name="view"),
    path("<int:pk>/stop/", StopView.as_view(), name="stop"),
    path("<int:pk>/resume/", ResumeView.as_view(), name="resume"),
    path("<int:pk>/copy/", CopyView.as_view(), name="copy"),
]
