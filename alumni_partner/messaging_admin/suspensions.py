"""The suspended senders, and "Reinstate" (editors only).

- ``""`` (and ``results/``): every suspended mailbox, the latest first, with
  who suspended it, when and why;
- ``<pk>/reinstate/``: POST only; the mailbox may write again.
"""

from __future__ import annotations

from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from wagtail.admin.ui.tables import BaseColumn, Column, NumberColumn

from ..messaging import moderation
from ..models import Mailbox
from .reports import (
    TEMPLATES,
    EditorsIndexView,
    check_editor,
    local_datetime,
    person,
    reports_about,
)
from .viewsets import suspensions_url


def suspended_mailboxes():
    return (
        Mailbox.objects.filter(suspended_at__isnull=False)
        .select_related("user", "partner", "suspended_by")
        .annotate(sender_reports=reports_about("pk"))
    )


class ReinstateColumn(BaseColumn):
    """A "Reinstate" button (POST with the CSRF token)."""

    cell_template_name = f"{TEMPLATES}/reinstate_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context.update(
            {
                "mailbox": instance,
                "csrf_token": get_token(request),
                "reinstate_url": suspensions_url("reinstate", instance.pk),
                "next_url": request.get_full_path(),
            }
        )
        return context


class SuspendedIndexView(EditorsIndexView):
    """Every suspended sender, the latest suspension first."""

    model = Mailbox
    page_title = gettext_lazy("Suspended senders")
    header_icon = "lock"
    default_ordering = "-suspended_at"
    table_classname = "listing message-suspensions-listing"

    def get_index_url(self):
        return suspensions_url("index")

    def get_index_results_url(self):
        return suspensions_url("index_results")

    def get_base_queryset(self):
        return suspended_mailboxes()

    @cached_property
    def columns(self):
        return [
            Column(
                "display_name",
                label=pgettext_lazy("person who wrote a message", "Sender"),
                accessor="display_name",
            ),
            Column(
                "suspended_at",
                label=gettext_lazy("Suspended"),
                accessor=lambda box: local_datetime(box.suspended_at),
                sort_key="suspended_at",
            ),
            Column(
                "suspended_by",
                label=gettext_lazy("By"),
                accessor=lambda box: person(box.suspended_by),
            ),
            Column(
                "suspension_reason",
                label=gettext_lazy("Reason"),
                accessor=lambda box: box.suspension_reason or "—",
            ),
            NumberColumn("sender_reports", label=gettext_lazy("Reports")),
            ReinstateColumn("reinstate", label=gettext_lazy("Actions")),
        ]

    @cached_property
    def no_results_message(self):
        return _("No sender is suspended.")


class ReinstateView(View):
    """POST: the mailbox may write again; back to where the editor was."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        check_editor(request.user)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        mailbox = get_object_or_404(
            Mailbox.objects.select_related("user", "partner"), pk=pk
        )
        if moderation.reinstate(mailbox, by=request.user):
            messages.success(
                request,
                _("%(sender)s may send messages again.")
                % {"sender": mailbox.display_name},
            )
        else:
            messages.warning(
                request,
                _("%(sender)s was not suspended: nothing was changed.")
                % {"sender": mailbox.display_name},
            )
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=False
        ):
            next_url = suspensions_url("index")
        return redirect(next_url)


urlpatterns = [
    path("", SuspendedIndexView.as_view(), name="index"),
    path(
        "results/", SuspendedIndexView.as_view(results_only=True), name="index_results"
    ),
    path("<int:pk>/reinstate/", ReinstateView.as_view(), name="reinstate"),
]
