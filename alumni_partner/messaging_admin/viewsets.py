"""``/admin/message-reports/`` and ``/admin/message-suspensions/``, for editors.

Two viewsets under one "Message moderation" menu: the reported messages
(with the count of those to review in the menu) and the suspended senders.
Every view checks :func:`alumni_partner.permissions.is_editor` itself:
partner users and alumni are refused at every URL, GET or POST.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from ..models import ReportStatus
from .menus import EditorsMenuItem, ReportsMenuItem

REPORTS = "alumni_partner_message_reports"
SUSPENSIONS = "alumni_partner_message_suspensions"


def reports_url(name: str, *args) -> str:
    return reverse(f"{REPORTS}:{name}", args=args)


def report_url(pk: int) -> str:
    """A report's page in the admin (the editors' e-mail links to it)."""
    return reports_url("detail", pk)


def suspensions_url(name: str, *args) -> str:
    return reverse(f"{SUSPENSIONS}:{name}", args=args)


class ReportsViewSet(ViewSet):
    """The reported messages; the menu opens those to review."""

    name = "message-reports"
    url_namespace = REPORTS
    icon = "warning"
    menu_label = _("Reports")
    menu_name = "message-reports"
    menu_item_class = ReportsMenuItem

    @cached_property
    def menu_url(self):
        return reports_url("index") + f"?status={ReportStatus.OPEN}"

    def get_urlpatterns(self):
        from . import reports

        return reports.urlpatterns


class SuspensionsViewSet(ViewSet):
    """The senders whose messaging is suspended, each with "Reinstate"."""

    name = "message-suspensions"
    url_namespace = SUSPENSIONS
    icon = "lock"
    menu_label = _("Suspended senders")
    menu_name = "message-suspensions"
    menu_item_class = EditorsMenuItem

    def get_urlpatterns(self):
        from . import suspensions

        return suspensions.urlpatterns


class MessageModerationViewSetGroup(ViewSetGroup):
    """ "Message moderation" (editors): reports, suspended senders."""

    items = (ReportsViewSet, SuspensionsViewSet)
    menu_label = _("Message moderation")
    menu_name = "message-moderation"
    menu_icon = "warning"
    menu_order = 6
