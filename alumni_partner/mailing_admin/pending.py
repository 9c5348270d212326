"""'Mails en attente' (guide 6): the mailings not sent yet, and their buttons.

The list shows the date each mailing was prepared, its subject, its number of
recipients and where it stands (saved, awaiting validation, rejected with the
editor's comment, approved for a date); each row has the guide's buttons:
the recipients (in a new window), edit, send a test to oneself, send (submit
it to the editors: nothing leaves before they validate it) and delete.

As everywhere in the mailing admin, mailings are looked up in
``Mailing.objects.for_user`` (another partner's is a 404), only partner users
and editors get in, and every change is a POST with Django's CSRF token. The
state changes are :mod:`alumni_partner.mailing.lifecycle`'s.
"""

from __future__ import annotations

import smtplib

import django_filters
from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, NumberColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .. import rate_limits
from ..alumni_admin.columns import PartnerScopedListing
from ..conf import partner_settings
from ..mailing import lifecycle, rendering
from ..models import Mailing, MailingRecipient, MailingStatus, RecipientSource
from ..models.mailings import PENDING_STATUSES, RecipientStatus
from .compose import (
    TEMPLATES,
    MailingAccessMixin,
    mailing_page_url,
    mailings_url,
    safe_next_url,
)

NAMESPACE = "alumni_partner_mailings"
RECIPIENTS_PER_PAGE = 50


def prepared_on(mailing: Mailing) -> str:
    return date_format(timezone.localtime(mailing.created_at), "SHORT_DATETIME_FORMAT")


def title_id(mailing: Mailing) -> str:
    return f"mailing-{mailing.pk}-subject"


# ---------------------------------------------------------------------------
# The list's columns
# ---------------------------------------------------------------------------


class StatusColumn(Column):
    """Saved, awaiting validation, rejected (with the comment), approved for a date."""

    cell_template_name = f"{TEMPLATES}/pending_status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        scheduled = instance.scheduled_at
        context.update(
            {
                "mailing": instance,
                "status_label": instance.get_status_display(),
                "scheduled": (
                    date_format(timezone.localtime(scheduled), "SHORT_DATETIME_FORMAT")
                    if scheduled
                    else ""
                ),
            }
        )
        return context


class ActionsColumn(BaseColumn):
    """The guide's buttons: recipients, edit, test, send, delete."""

    cell_template_name = f"{TEMPLATES}/pending_actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        pk = instance.pk
        context.update(
            {
                "mailing": instance,
                "csrf_token": get_token(request),
                "title_id": title_id(instance),
                "next_url": request.get_full_path(),
                "recipients_url": mailings_url("recipients", pk),
                "edit_url": (
                    mailings_url("edit", pk) if lifecycle.may_edit(instance) else None
                ),
                "test_url": mailings_url("send_test", pk),
                "submit_url": (
                    mailings_url("submit", pk) if instance.may_submit else None
                ),
                "delete_url": (
                    mailings_url("delete", pk)
                    if lifecycle.may_delete(instance)
                    else None
                ),
            }
        )
        return context


class PendingFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[(s.value, s.label) for s in PENDING_STATUSES],
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = Mailing
        fields = ["status"]


# ---------------------------------------------------------------------------
# "Mails en attente"
# ---------------------------------------------------------------------------


class PendingIndexView(MailingAccessMixin, PartnerScopedListing, generic.IndexView):
    """The user's partners' mailings not sent yet (every partner's for editors)."""

    model = Mailing
    page_title = gettext_lazy("Pending mails")
    header_icon = "time"
    index_url_name = f"{NAMESPACE}:pending"
    index_results_url_name = f"{NAMESPACE}:pending_results"
    add_url_name = f"{NAMESPACE}:create"
    results_template_name = f"{TEMPLATES}/pending_results.html"
    default_ordering = "-created_at"
    search_fields = ["subject"]
    search_backend_name = None
    filterset_class = PendingFilterSet
    table_classname = "listing mailing-listing"

    @property
    def paginate_by(self) -> int:
        return partner_settings.MAILING_PER_PAGE

    def get_base_queryset(self):
        return self.user_mailings().pending().select_related("partner")

    @cached_property
    def add_item_label(self):
        return _("Create a mailing")

    @cached_property
    def columns(self):
        columns = [
            Column(
                "created_at",
                label=gettext_lazy("Prepared on"),
                accessor=prepared_on,
                sort_key="created_at",
            ),
            TitleColumn(
                "subject",
                label=gettext_lazy("Subject"),
                sort_key="subject",
                get_url=mailing_page_url,
                get_title_id=title_id,
            ),
            NumberColumn(
                "recipient_count",
                label=gettext_lazy("Recipients"),
                sort_key="recipient_count",
            ),
        ]
        columns += self.partner_columns()
        columns += [
            StatusColumn("status", label=gettext_lazy("Status"), sort_key="status"),
            ActionsColumn("actions", label=gettext_lazy("Actions")),
        ]
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_url"] = mailings_url("create")
        return context


# ---------------------------------------------------------------------------
# The recipients of one mailing (a new window)
# ---------------------------------------------------------------------------


class RecipientSourceFilterSet(WagtailFilterSet):
    source = django_filters.ChoiceFilter(
        label=gettext_lazy("Source"),
        choices=RecipientSource.choices,
        empty_label=gettext_lazy("All"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=RecipientStatus.choices,
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = MailingRecipient
        fields = ["source", "status"]


def recipient_name(recipient: MailingRecipient) -> str:
    return recipient.full_name or "—"


class RecipientsView(MailingAccessMixin, generic.IndexView):
    """Who receives the mailing: address, name, source, status; searchable."""

    model = MailingRecipient
    template_name = f"{TEMPLATES}/recipients.html"
    results_template_name = f"{TEMPLATES}/recipients_results.html"
    header_icon = "group"
    default_ordering = "email"
    search_fields = ["email", "first_name", "last_name"]
    search_backend_name = None
    filterset_class = RecipientSourceFilterSet
    paginate_by = RECIPIENTS_PER_PAGE

    def get_page_title(self):
        return _("Recipients of the mailing")

    def get_page_subtitle(self):
        return self.mailing.subject

    def get_base_queryset(self):
        return MailingRecipient.objects.filter(mailing=self.mailing)

    def get_index_url(self):
        return mailings_url("recipients", self.mailing.pk)

    def get_index_results_url(self):
        return mailings_url("recipients_results", self.mailing.pk)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": mailings_url("pending"), "label": _("Pending mails")},
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    @cached_property
    def columns(self):
        return [
            Column("email", label=gettext_lazy("E-mail address"), sort_key="email"),
            Column("name", label=gettext_lazy("Name"), accessor=recipient_name),
            Column(
                "source",
                label=gettext_lazy("Source"),
                accessor="get_source_display",
                sort_key="source",
            ),
            Column(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                sort_key="status",
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "mailing": self.mailing,
                "invalid_addresses": self.mailing.invalid_addresses or [],
            }
        )
        return context


# ---------------------------------------------------------------------------
# Send a test to oneself
# ---------------------------------------------------------------------------


class SendTestView(MailingAccessMixin, View):
    """POST: the mailing goes to the user's own address, subject "[TEST]"."""

    http_method_names = ["post"]

    def post(self, request, pk):
        mailing = self.mailing
        next_url = safe_next_url(request, mailings_url("pending"))
        try:
            rate_limits.check(request, "mailing_test")
        except rate_limits.RateLimited as exc:
            messages.error(request, exc.message)
            return redirect(next_url)
        try:
            address = rendering.send_test(mailing, request.user)
        except ValueError:
            messages.error(
                request,
                _(
                    "Your account has no e-mail address: add one in your account "
                    "settings to receive tests."
                ),
            )
        except (smtplib.SMTPException, OSError):
            messages.error(
                request,
                _(
                    "The test could not be sent (the mail server did not "
                    "answer). Try again later."
                ),
            )
        else:
            lifecycle.record(mailing, "test_sent", request.user, to=address)
            messages.success(
                request, _("A test was sent to %(address)s.") % {"address": address}
            )
        return redirect(next_url)


# ---------------------------------------------------------------------------
# Confirmations: send (submit to validation), delete
# ---------------------------------------------------------------------------


class ConfirmMailingView(MailingAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """A question, OK (a POST with CSRF) or Cancel; the action in :meth:`act`."""

    template_name = f"{TEMPLATES}/confirm_action.html"
    http_method_names = ["get", "post"]
    header_icon = "mail"
    confirm_label = gettext_lazy("OK")
    destructive = False

    @cached_property
    def next_url(self) -> str:
        return safe_next_url(self.request, mailings_url("pending"))

    def get_page_subtitle(self):
        return self.mailing.subject

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": mailings_url("pending"), "label": _("Pending mails")},
            {"url": "", "label": self.get_page_title()},
        ]

    def question(self) -> str:
        raise NotImplementedError

    def details(self) -> list[str]:
        return []

    def refusal(self) -> str:
        """Why the action cannot be done now ("" when it can)."""
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "mailing": self.mailing,
                "question": self.question(),
                "details": self.details(),
                "refusal": self.refusal(),
                "confirm_label": self.confirm_label,
                "destructive": self.destructive,
                "action_url": self.request.path,
                "next_url": self.next_url,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        return self.act()

    def act(self):
        raise NotImplementedError


class SubmitView(ConfirmMailingView):
    """ "Envoyer": to the editors; nothing leaves before they validate it."""

    page_title = gettext_lazy("Send the mailing")
    confirm_label = gettext_lazy("Send for validation")

    def question(self) -> str:
        return _("Send “%(subject)s” to its %(count)s recipients?") % {
            "subject": self.mailing.subject,
            "count": self.mailing.recipient_count,
        }

    def details(self) -> list[str]:
        mailing = self.mailing
        lines = [
            _(
                "The mailing goes to the editors first: nothing leaves before an "
                "editor validates it. You will see their decision in “Pending "
                "mails”."
            )
        ]
        if mailing.scheduled_at:
            lines.append(
                _("Once validated, it is sent on %(date)s.")
                % {
                    "date": date_format(
                        timezone.localtime(mailing.scheduled_at), "DATETIME_FORMAT"
                    )
                }
            )
        else:
            lines.append(_("Once validated, it is sent at once."))
        return lines

    def refusal(self) -> str:
        mailing = self.mailing
        if mailing.status == MailingStatus.SUBMITTED:
            return _("This mailing is already awaiting validation by the editors.")
        if not mailing.may_submit:
            return _("This mailing has already been validated (%(status)s).") % {
                "status": mailing.get_status_display()
            }
        if mailing.recipient_count == 0:
            return _(
                "This mailing has no recipients: edit it to add some before sending it."
            )
        return ""

    def act(self):
        mailing = self.mailing
        try:
            moved = lifecycle.submit(mailing, self.request.user)
        except lifecycle.TransitionRefused as refused:
            messages.error(self.request, str(refused))
            return redirect(self.next_url)
        if moved:
            messages.success(
                self.request,
                _(
                    "“%(subject)s” has been sent to the editors for validation: "
                    "nothing leaves before they validate it."
                )
                % {"subject": mailing.subject},
            )
        elif mailing.status == MailingStatus.SUBMITTED:
            # A double click, or two tabs: the first POST did it.
            messages.info(
                self.request,
                _("“%(subject)s” is already awaiting validation.")
                % {"subject": mailing.subject},
            )
        else:
            messages.info(
                self.request,
                _("“%(subject)s” cannot be sent for validation now (%(status)s).")
                % {"subject": mailing.subject, "status": mailing.get_status_display()},
            )
        return redirect(self.next_url)


class DeleteView(ConfirmMailingView):
    """Delete a mailing (any but one being sent), its recipients and its files."""

    page_title = gettext_lazy("Delete the mailing")
    confirm_label = gettext_lazy("Delete")
    destructive = True

    def question(self) -> str:
        return _("Delete the mailing “%(subject)s”?") % {
            "subject": self.mailing.subject
        }

    def details(self) -> list[str]:
        lines = [_("Its attachments and statistics are deleted too.")]
        if self.mailing.status in (MailingStatus.SUBMITTED, MailingStatus.APPROVED):
            lines.append(_("It will not be sent."))
        return lines

    def refusal(self) -> str:
        if not lifecycle.may_delete(self.mailing):
            return _("This mailing is being sent: stop it before deleting it.")
        return ""

    def act(self):
        mailing = self.mailing
        if not lifecycle.may_delete(mailing):
            messages.error(self.request, self.refusal())
            return redirect(self.next_url)
        deleted = lifecycle.delete(mailing, self.request.user)
        if not deleted:
            messages.error(self.request, self.refusal() or _("Nothing was deleted."))
            return redirect(self.next_url)
        messages.success(
            self.request,
            _("The mailing “%(subject)s” has been deleted.")
            % {"subject": mailing.subject},
        )
        # Back where the user came from, unless it was the deleted mailing's page.
        own_pages = mailings_url("edit", mailing.pk).removesuffix("edit/")
        next_url = self.next_url
        if next_url.startswith(own_pages):
            next_url = mailings_url("pending")
        return redirect(next_url)


urlpatterns = [
    path("pending/", PendingIndexView.as_view(), name="pending"),
    path(
        "pending/results/",
        PendingIndexView.as_view(results_only=True),
        name="pending_results",
    ),
    path("<int:pk>/recipients/", RecipientsView.as_view(), name="recipients"),
    path(
        "<int:pk>/recipients/results/",
        RecipientsView.as_view(results_only=True),
        name="recipients_results",
    ),
    path("<int:pk>/test/", SendTestView.as_view(), name="send_test"),
    path("<int:pk>/send/", SubmitView.as_view(), name="submit"),
    path("<int:pk>/delete/", DeleteView.as_view(), name="delete"),
]
