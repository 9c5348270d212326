"""The editors' directory in the admin and its CSV export (issue 5, item 5).

The same search as the public directory (``DirectorySearchForm``) and the
same projection: editors see what members see, no more: hidden
fields stay hidden, unlisted alumni never appear, and the e-mail address,
which members never see, is not exported. The export adds the consent
flags, which the editors need to answer an alumnus or a partner.

Both are rate-limited per account (``directory_search``, ``directory_export``):
a stolen editor account must not copy the directory in an afternoon. The
export streams (``StreamingHttpResponse``): 200,000 lines never sit in memory.
Every cell goes through :func:`alumni_partner.spreadsheets.safe_cell`.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .. import rate_limits
from ..conf import partner_settings
from ..directory import (
    EXPORT_FIELDS,
    DirectorySearchForm,
    export_header,
    export_row,
)
from ..directory.presentation import field_label
from ..permissions import is_editor
from ..spreadsheets import csv_text

logger = logging.getLogger(__name__)

NAMESPACE = "alumni_partner_directory"
#: Rows read from the database at a time while exporting.
EXPORT_CHUNK = 2000
#: The member-view columns the admin table shows (the export has them all).
TABLE_FIELDS = ("job_title", "employer", "country", "city", "graduation_year")


def limited(request, exc: rate_limits.RateLimited):
    """The admin's 429 page: what happened and how long to wait."""
    response = render(
        request,
        "alumni_partner/admin/alumni/rate_limited.html",
        {"message": exc.message, "page_title": _("Too many requests")},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def search_form(request) -> DirectorySearchForm:
    form = DirectorySearchForm(request.GET or None)
    form.is_valid()
    return form


def consent_cells(profile) -> list[str]:
    """The consent flags an export shows: contact, mailings and its date."""
    consent_at = profile.mailing_consent_at
    return [
        _("yes") if profile.accepts_partner_contact else _("no"),
        _("yes") if profile.accepts_partner_mailings else _("no"),
        (
            date_format(timezone.localtime(consent_at), "Y-m-d")
            if consent_at and profile.accepts_partner_mailings
            else ""
        ),
    ]


def export_headers() -> list[str]:
    return [
        *export_header(),
        _("Accepts partners' messages"),
        _("Accepts partners' mailings"),
        _("Mailing consent date"),
    ]


def export_lines(form: DirectorySearchForm):
    """The export's rows: header, then one per profile found (listed only)."""
    yield export_headers()
    names = form.sector_names
    for profile in form.results().iterator(chunk_size=EXPORT_CHUNK):
        yield [*export_row(profile, names), *consent_cells(profile)]


class AdminDirectoryView(WagtailAdminTemplateMixin, TemplateView):
    """The directory, for editors, with the public search's criteria."""

    template_name = "alumni_partner/admin/alumni/directory.html"
    page_title = gettext_lazy("Directory")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not is_editor(request.user):
            raise PermissionDenied
        try:
            rate_limits.check(request, "directory_search")
        except rate_limits.RateLimited as exc:
            return limited(request, exc)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = search_form(self.request)
        paginator = Paginator(form.results(), partner_settings.ALUMNI_ADMIN_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        names = form.sector_names
        rows = []
        for profile in page.object_list:
            row = dict(zip(EXPORT_FIELDS, export_row(profile, names), strict=True))
            rows.append(
                {
                    "name": row["name"],
                    "values": [row[field] for field in TABLE_FIELDS],
                    "consent": consent_cells(profile),
                }
            )
        form.describe_fields()
        query = urlencode(form.query_items())
        advanced = [
            form[name] for name in DirectorySearchForm.ADVANCED if name in form.fields
        ]
        context.update(
            {
                "form": form,
                "advanced_fields": advanced,
                "advanced_given": any(
                    self.request.GET.getlist(name)
                    for name in DirectorySearchForm.ADVANCED
                ),
                "page_obj": page,
                "paginator": paginator,
                "rows": rows,
                "headers": _table_headers(),
                "query": query,
                "export_url": reverse(f"{NAMESPACE}:export")
                + (f"?{query}" if query else ""),
                "public_url": reverse("alumni_partner:directory"),
            }
        )
        return context


def _table_headers() -> list[str]:
    return [
        field_label("name"),
        *(field_label(name) for name in TABLE_FIELDS),
        _("Messages"),
        _("Mailings"),
    ]


def export(request):
    """The current search's profiles as CSV (UTF-8 with BOM), streamed."""
    if not is_editor(request.user):
        raise PermissionDenied
    try:
        rate_limits.check(request, "directory_export")
    except rate_limits.RateLimited as exc:
        return limited(request, exc)
    form = search_form(request)
    # Personal data leaving the site: who took what, for the record.
    logger.info(
        "Directory export by user %s, criteria %s",
        request.user.pk,
        sorted(form.criteria()),
    )
    response = StreamingHttpResponse(
        csv_text(export_lines(form)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="directory-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
