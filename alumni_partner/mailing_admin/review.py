"""The editors' validation (guide 6: "il ne partira qu'après validation").

- ``validation/``: the mailings waiting for an editor, every partner's,
  oldest first;
- ``<pk>/review/``: one of them in full (sender, Reply-To, recipients,
  attachments, the mail as it will arrive) and the decision: approve, or
  reject with a comment the partner reads.

Editors only, and never on a mailing of a partner the editor is a member of
(:func:`alumni_partner.mailing.lifecycle.may_validate`): a partner's user
gets a 403 for its own mailing and a 404 for another partner's, whatever it
posts. The decision is one conditional update in the lifecycle, so a double
click (or two editors at once) decides once; the second is told it was
already decided.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views import generic

from ..conf import partner_settings
from ..mailing import lifecycle
from ..models.mailings import Mailing, MailingStatus
from ..permissions import is_editor
from . import viewsets
from .sent import local_datetime, person, scoped_mailings, summary_context

APPROVE = "approve"
REJECT = "reject"


def url(name: str, *args) -> str:
    """A mailing screen's URL (``viewsets`` is read at call time: it imports us)."""
    return viewsets.mailings_url(name, *args)


def check_editor(user) -> None:
    """Editors only (a partner's user gets Wagtail's refusal)."""
    if not is_editor(user):
        raise PermissionDenied


# ---------------------------------------------------------------------------
# The queue
# ---------------------------------------------------------------------------


def review_or_detail_url(mailing: Mailing, user) -> str:
    """The review page, or the mailing's page for an editor who may not validate it."""
    if lifecycle.may_validate(user, mailing):
        return url("review", mailing.pk)
    return url("detail", mailing.pk)


def scheduled(mailing: Mailing) -> str:
    """The deferred send date, or when it goes without one."""
    if mailing.scheduled_at is None:
        return _("As soon as validated")
    return local_datetime(mailing.scheduled_at)


class ValidationIndexView(generic.IndexView):
    """Every mailing awaiting validation, the longest-waiting first."""

    model = Mailing
    page_title = gettext_lazy("Mailings to validate")
    header_icon = "tasks"
    results_template_name = (
        "alumni_partner/admin/mailings/validation_index_results.html"
    )
    default_ordering = "submitted_at"
    table_classname = "listing mailing-validation-listing"
    any_permission_required = None  # editors only: dispatch

    def dispatch(self, request, *args, **kwargs):
        check_editor(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_index_url(self):
        return url("validation")

    def get_paginate_by(self, queryset):
        return partner_settings.MAILING_PER_PAGE

    def get_base_queryset(self):
        return (
            Mailing.objects.awaiting_validation()
            .select_related("partner", "created_by")
            .defer("body", "file_addresses", "invalid_addresses", "extra_addresses")
        )

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "pk")

    @cached_property
    def columns(self):
        user = self.request.user
        return [
            TitleColumn(
                "subject",
                label=gettext_lazy("Subject"),
                sort_key="subject",
                get_url=lambda mailing: review_or_detail_url(mailing, user),
            ),
            Column(
                "partner",
                label=gettext_lazy("Partner"),
                accessor="partner.name",
                sort_key="partner__name",
            ),
            Column(
                "created_by",
                label=gettext_lazy("Prepared by"),
                accessor=lambda mailing: person(mailing.created_by),
            ),
            Column(
                "submitted_at",
                label=gettext_lazy("Submitted"),
                accessor=lambda mailing: local_datetime(mailing.submitted_at),
                sort_key="submitted_at",
            ),
            Column(
                "scheduled_at",
                label=gettext_lazy("Deferred send"),
                accessor=scheduled,
                sort_key="scheduled_at",
            ),
            NumberColumn(
                "recipient_count",
                label=gettext_lazy("Recipients"),
                sort_key="recipient_count",
            ),
        ]

    @cached_property
    def no_results_message(self):
        return _("No mailing is waiting for validation.")


# ---------------------------------------------------------------------------
# One mailing: read it, decide
# ---------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """The editor's comment and decision (the button pressed)."""

    comment = forms.CharField(
        label=gettext_lazy("Comment for the partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Required to reject: say what to change. The partner reads it on "
            "the mailing and receives it by e-mail."
        ),
    )
    decision = forms.ChoiceField(
        choices=[(APPROVE, APPROVE), (REJECT, REJECT)],
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("Choose “Approve” or “Reject”."),
            "invalid_choice": gettext_lazy("Choose “Approve” or “Reject”."),
        },
    )

    def clean(self):
        data = super().clean()
        data["comment"] = (data.get("comment") or "").strip()
        if data.get("decision") == REJECT and not data["comment"]:
            self.add_error(
                "comment",
                _(
                    "Say why the mailing is rejected: the partner reads your "
                    "comment to correct it."
                ),
            )
        return data


class ReviewView(generic.WagtailAdminTemplateMixin, FormView):
    """The mailing as it will go, and the "Approve" / "Reject" form."""

    template_name = "alumni_partner/admin/mailings/review.html"
    form_class = ReviewForm
    page_title = gettext_lazy("Validate a mailing")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        # Another partner's mailing is a 404 for a partner's user (for_user),
        # its own a refusal; so is an editor's of a partner it belongs to.
        self.mailing = get_object_or_404(scoped_mailings(request.user), pk=kwargs["pk"])
        if not lifecycle.may_validate(request.user, self.mailing):
            raise PermissionDenied
        if self.mailing.status != MailingStatus.SUBMITTED:
            self.already_decided(request)
            return redirect(url("detail", self.mailing.pk))
        return super().dispatch(request, *args, **kwargs)

    def already_decided(self, request) -> None:
        mailing = self.mailing
        if mailing.reviewed_at is not None:
            text = _(
                "“%(subject)s” has already been decided (%(status)s by %(editor)s "
                "on %(date)s): nothing was changed."
            ) % {
                "subject": mailing.subject,
                "status": mailing.get_status_display().lower(),
                "editor": person(mailing.reviewed_by),
                "date": local_datetime(mailing.reviewed_at),
            }
        else:
            text = _(
                "“%(subject)s” is not waiting for validation (%(status)s): nothing "
                "was changed."
            ) % {"subject": mailing.subject, "status": mailing.get_status_display()}
        messages.warning(request, text)

    def get_page_subtitle(self):
        return self.mailing.subject

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": url("validation"), "label": _("Mailings to validate")},
            {"url": "", "label": self.mailing.subject},
        ]

    def get_context_data(self, **kwargs):
        from ..mailing.rendering import preview_html

        context = super().get_context_data(**kwargs)
        context.update(summary_context(self.mailing))
        context.update(
            {
                "preview": preview_html(self.mailing),
                "detail_url": url("detail", self.mailing.pk),
                "APPROVE": APPROVE,
                "REJECT": REJECT,
            }
        )
        return context

    def form_valid(self, form):
        mailing, user = self.mailing, self.request.user
        comment = form.cleaned_data["comment"]
        if form.cleaned_data["decision"] == APPROVE:
            moved = lifecycle.approve(mailing, user, comment)
        else:
            moved = lifecycle.reject(mailing, user, comment)
        if not moved:
            # Decided meanwhile (a double click, another editor).
            self.already_decided(self.request)
            return redirect(url("detail", mailing.pk))
        messages.success(self.request, self.success_message(mailing))
        return redirect(url("validation"))

    def success_message(self, mailing: Mailing) -> str:
        if mailing.status == MailingStatus.REJECTED:
            return _(
                "“%(subject)s” has been rejected; %(partner)s reads your comment."
            ) % {"subject": mailing.subject, "partner": mailing.partner.name}
        if mailing.scheduled_at and mailing.scheduled_at > timezone.now():
            return _(
                "“%(subject)s” has been approved: it will be sent on %(date)s."
            ) % {
                "subject": mailing.subject,
                "date": date_format(
                    timezone.localtime(mailing.scheduled_at), "DATETIME_FORMAT"
                ),
            }
        return _("“%(subject)s” has been approved: sending starts now.") % {
            "subject": mailing.subject
        }


urlpatterns = [
    path("validation/", ValidationIndexView.as_view(), name="validation"),
    path("<int:pk>/review/", ReviewView.as_view(), name="review"),
]
