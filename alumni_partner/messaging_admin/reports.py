"""The reported messages (issue 7: "anyone can report a message to editors").

- ``""`` (and ``results/``): every report, newest first, filtered by status;
- ``<pk>/``: one report: the message (shown inert), its sender and author,
  who reported it and why, how many reports the sender has; "Dismiss",
  "Suspend the sender" (with a reason), or "Reinstate" a suspended sender;
- ``<pk>/dismiss/``, ``<pk>/suspend/``: POST only.

Editors only (:func:`check_editor`), whatever the method. The decisions are
:mod:`alumni_partner.messaging.moderation`'s.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic

from ..conf import partner_settings
from ..messaging import moderation
from ..models import Mailbox, MessageReport, ReportStatus
from ..permissions import is_editor
from ..sanitize import linkify_text
from .viewsets import reports_url, suspensions_url

TEMPLATES = "alumni_partner/admin/messages"


def check_editor(user) -> None:
    """Editors only: anyone else gets Wagtail's refusal."""
    if not is_editor(user):
        raise PermissionDenied


def local_datetime(value) -> str:
    if value is None:
        return "—"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.email or user.get_username()


def reports_about(sender_field: str = "message__sender"):
    """How many reports there are about the sender of the row's message."""
    counted = (
        MessageReport.objects.filter(message__sender=OuterRef(sender_field))
        .order_by()
        .values("message__sender")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def reports_queryset():
    return MessageReport.objects.select_related(
        "message__sender__user",
        "message__sender__partner",
        "reporter__user",
        "reporter__partner",
    ).annotate(sender_reports=reports_about())


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


class ReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=ReportStatus.choices,
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = MessageReport
        fields: list[str] = []


class EditorsOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        check_editor(request.user)
        return super().dispatch(request, *args, **kwargs)


class EditorsIndexView(EditorsOnlyMixin, generic.IndexView):
    """What the moderation listings share: editors only, a page size, a stable order."""

    any_permission_required = None  # editors only: dispatch

    def get_paginate_by(self, queryset):
        return partner_settings.MESSAGES_PER_PAGE

    def order_queryset(self, queryset):
        # The primary key breaks ties, so that pages never repeat or skip a row.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")


class ReportIndexView(EditorsIndexView):
    """Every report, newest first; the menu opens those to review."""

    model = MessageReport
    page_title = gettext_lazy("Message reports")
    header_icon = "warning"
    filterset_class = ReportFilterSet
    default_ordering = "-created_at"
    table_classname = "listing message-reports-listing"
    results_template_name = f"{TEMPLATES}/reports_results.html"

    def get_index_url(self):
        return reports_url("index")

    def get_index_results_url(self):
        return reports_url("index_results")

    def get_base_queryset(self):
        return reports_queryset()

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "created_at",
                label=gettext_lazy("Reported"),
                accessor=lambda report: local_datetime(report.created_at),
                sort_key="created_at",
                get_url=lambda report: reports_url("detail", report.pk),
            ),
            Column(
                "sender",
                label=pgettext_lazy("person who wrote a message", "Sender"),
                accessor=lambda report: report.message.sender.display_name,
            ),
            Column(
                "reporter",
                label=gettext_lazy("Reported by"),
                accessor=lambda report: report.reporter.display_name,
            ),
            StatusTagColumn(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                primary=lambda report: report.status == ReportStatus.OPEN,
            ),
            NumberColumn(
                "sender_reports",
                label=gettext_lazy("Reports about the sender"),
            ),
        ]

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return _("No report matches these filters.")
        return _("No message has been reported.")


# ---------------------------------------------------------------------------
# One report
# ---------------------------------------------------------------------------


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the suspension"),
        required=False,
        max_length=moderation.REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For the editors' record (optional); the sender is told only that "
            "their messaging is suspended."
        ),
    )


class ReportMixin:
    """Editors only; the report named by ``pk`` (a 404 if there is none)."""

    def dispatch(self, request, *args, **kwargs):
        check_editor(request.user)
        self.report = get_object_or_404(reports_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ReportView(ReportMixin, generic.WagtailAdminTemplateMixin, TemplateView):
    """The report in full and the editors' decisions."""

    template_name = f"{TEMPLATES}/report.html"
    page_title = gettext_lazy("Message report")
    header_icon = "warning"

    def get_page_subtitle(self):
        return self.report.message.sender.display_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reports_url("index"), "label": _("Message reports")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        message = report.message
        sender: Mailbox = message.sender
        about_sender = MessageReport.objects.filter(message__sender=sender)
        context.update(
            {
                "report": report,
                "message": message,
                "subject": message.thread.subject,
                # Plain text, escaped, links made clickable: shown inert.
                "message_html": mark_safe(linkify_text(message.body)),  # noqa: S308
                "sender": sender,
                "author": person(message.author) if message.author_id else "",
                "reporter_user": (
                    person(report.reported_by) if report.reported_by_id else ""
                ),
                "sender_reports": about_sender.count(),
                "sender_open_reports": about_sender.filter(
                    status=ReportStatus.OPEN
                ).count(),
                "suspended_by": person(sender.suspended_by)
                if sender.suspended_by_id
                else "",
                "suspend_form": kwargs.get("suspend_form") or SuspendForm(),
                "dismiss_url": reports_url("dismiss", report.pk),
                "suspend_url": reports_url("suspend", report.pk),
                "reinstate_url": suspensions_url("reinstate", sender.pk),
                "next_url": reports_url("detail", report.pk),
                "ReportStatus": ReportStatus,
            }
        )
        return context


class DismissView(ReportMixin, View):
    """POST: the report is closed without action."""

    http_method_names = ["post"]

    def post(self, request, pk):
        report = self.report
        if moderation.dismiss(report, by=request.user):
            messages.success(
                request,
                _("The report about %(sender)s has been dismissed.")
                % {"sender": report.message.sender.display_name},
            )
        else:
            messages.warning(
                request,
                _("This report had already been handled: nothing was changed."),
            )
        return redirect(reports_url("index") + f"?status={ReportStatus.OPEN}")


class SuspendView(ReportMixin, View):
    """POST: the report's sender may no longer write (with an optional reason)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        form = SuspendForm(request.POST)
        sender = self.report.message.sender
        if not form.is_valid():
            view = ReportView()
            view.setup(request, pk=pk)
            view.report = self.report
            return view.render_to_response(view.get_context_data(suspend_form=form))
        if moderation.suspend(
            sender, by=request.user, reason=form.cleaned_data["reason"]
        ):
            messages.success(
                request,
                _(
                    "%(sender)s can no longer send messages; their open reports "
                    "are settled."
                )
                % {"sender": sender.display_name},
            )
        else:
            messages.warning(
                request,
                _("%(sender)s was already suspended: nothing was changed.")
                % {"sender": sender.display_name},
            )
        return redirect(reports_url("detail", self.report.pk))


urlpatterns = [
    path("", ReportIndexView.as_view(), name="index"),
    path("results/", ReportIndexView.as_view(results_only=True), name="index_results"),
    path("<int:pk>/", ReportView.as_view(), name="detail"),
    path("<int:pk>/dismiss/", DismissView.as_view(), name="dismiss"),
    path("<int:pk>/suspend/", SuspendView.as_view(), name="suspend"),
]
