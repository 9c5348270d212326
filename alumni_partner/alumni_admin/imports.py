"""'Imports d'alumni': upload a CSV, follow its progress, read its error report.

Editors only (:data:`.policies.import_policy`). The upload is checked at
once (size, text or binary, encoding, header with an e-mail column) so that
a wrong file is a form error, never a stored upload; the lines are checked
and saved by a django-q2 worker (:mod:`alumni_partner.alumni_import_tasks`),
and the import's page refreshes itself until the worker is done. The stored
CSV and its report live in private storage: they are only ever sent by
:func:`download_report`, to editors.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import get_valid_filename
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views import generic

from .. import alumni_import, alumni_import_tasks
from ..alumni_csv import TEMPLATE_HEADER, ImportFileError, inspect_file
from ..conf import partner_settings
from ..models import AlumniImport
from ..permissions import is_editor
from .viewsets import AlumniRecordViewSet

NAMESPACE = "alumni_partner_imports"
#: Seconds between two refreshes of a running import's page.
REFRESH_SECONDS = 3


def imports_url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


# ---------------------------------------------------------------------------
# The upload form
# ---------------------------------------------------------------------------


class ImportForm(forms.ModelForm):
    """The CSV and "import the valid lines"; the file is looked at before it is kept."""

    class Meta:
        model = AlumniImport
        fields = ["file", "skip_invalid"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A CSV file (UTF-8 or Latin-1, columns separated by commas or "
            "semicolons) of at most %(size)s MB, with a header row. Only the "
            "e-mail column is required; the others may be: %(columns)s."
        ) % {
            "size": megabytes(partner_settings.IMPORT_MAX_BYTES),
            "columns": ", ".join(TEMPLATE_HEADER[1:]),
        }
        self.fields["skip_invalid"].help_text = _(
            "Unticked, a single invalid line stops the import and nothing is "
            "saved. Either way the error report lists every invalid line."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = partner_settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _(
                    "This file is %(size)s MB; the import takes files of at most "
                    "%(max)s MB. Split it into several files."
                )
                % {"size": megabytes(upload.size), "max": megabytes(limit)},
                code="too_large",
            )
        source = getattr(upload, "file", upload)
        try:
            self.file_format = inspect_file(source)
        except ImportFileError as error:
            raise ValidationError(error.message, code="not_csv") from error
        finally:
            source.seek(0)
        # Stored under a random name; the original one is kept for display.
        self.original_name = os.path.basename(upload.name)[:255]
        upload.name = alumni_import.stored_name()
        return upload

    def save(self, commit=True):
        instance = super().save(commit=False)
        instance.original_name = self.original_name
        if commit:
            instance.save()
        return instance


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


class StatusColumn(Column):
    cell_template_name = "alumni_partner/admin/alumni/import_status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["alumni_import"] = instance
        return context


def uploaded_on(alumni_import: AlumniImport) -> str:
    return date_format(
        timezone.localtime(alumni_import.created_at), "SHORT_DATETIME_FORMAT"
    )


def uploaded_by(alumni_import: AlumniImport) -> str:
    user = alumni_import.uploaded_by
    if user is None:
        return _("command line")
    return user.get_full_name() or user.email


class ImportIndexView(generic.IndexView):
    """Every import, newest first, with its counts and progress."""

    page_title = gettext_lazy("Alumni imports")
    default_ordering = "-created_at"
    results_template_name = "alumni_partner/admin/alumni/import_index_results.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("uploaded_by")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "original_name",
                label=gettext_lazy("File"),
                sort_key="original_name",
                get_url=lambda instance: imports_url("inspect", instance.pk),
            ),
            Column(
                "created_at",
                label=gettext_lazy("Uploaded"),
                accessor=uploaded_on,
                sort_key="created_at",
            ),
            Column("uploaded_by", label=gettext_lazy("By"), accessor=uploaded_by),
            StatusColumn("status", label=gettext_lazy("Status"), sort_key="status"),
            NumberColumn("total_rows", label=gettext_lazy("Lines")),
            NumberColumn("created_count", label=gettext_lazy("Created")),
            NumberColumn("updated_count", label=gettext_lazy("Updated")),
            NumberColumn("error_count", label=gettext_lazy("Errors")),
        ]

    @cached_property
    def add_item_label(self):
        return _("Import a file")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template_url"] = imports_url("template")
        return context


# ---------------------------------------------------------------------------
# Upload
# ---------------------------------------------------------------------------


class ImportCreateView(generic.CreateView):
    """Upload: checked at once, then handed to a worker; opens the import's page."""

    page_title = gettext_lazy("Import alumni")
    submit_button_label = gettext_lazy("Import")
    submit_button_active_label = gettext_lazy("Uploading…")
    template_name = "alumni_partner/admin/alumni/import_create.html"

    def get_page_subtitle(self):
        return _("Import alumni")

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.uploaded_by = self.request.user
        instance.save()
        # After the commit: the worker must find the row and the file.
        alumni_import_tasks.enqueue(instance, language=get_language())
        return instance

    def get_success_message(self, instance):
        return _("“%(name)s” is being imported: this page shows its progress.") % {
            "name": instance.original_name
        }

    def get_success_buttons(self):
        return []

    def get_success_url(self):
        return imports_url("inspect", self.object.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template_url"] = imports_url("template")
        context["max_size"] = megabytes(partner_settings.IMPORT_MAX_BYTES)
        return context


# ---------------------------------------------------------------------------
# One import: progress, outcome, report
# ---------------------------------------------------------------------------


class ImportDetailView(generic.InspectView):
    """The import's progress (refreshing itself while it runs) and outcome."""

    template_name = "alumni_partner/admin/alumni/import_detail.html"
    page_title = gettext_lazy("Alumni import")

    def get_page_subtitle(self):
        return self.object.original_name

    def get_fields(self):
        # The template shows what it needs; the generic field list would
        # render every member of a many-to-many relation.
        return []

    @cached_property
    def stalled(self) -> bool:
        """Running for longer than a worker may: the worker probably died."""
        started = self.object.started_at or self.object.created_at
        limit = timedelta(seconds=partner_settings.IMPORT_TIMEOUT_SECONDS)
        return not self.object.finished and timezone.now() - started > limit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alumni_import = self.object
        context.update(
            {
                "alumni_import": alumni_import,
                "refresh_seconds": (
                    None if alumni_import.finished or self.stalled else REFRESH_SECONDS
                ),
                "stalled": self.stalled,
                "report_url": (
                    imports_url("report", alumni_import.pk)
                    if alumni_import.report
                    else None
                ),
                "index_url": imports_url("index"),
                "add_url": imports_url("add"),
                "Status": AlumniImport.Status,
            }
        )
        return context


class ImportDeleteView(generic.DeleteView):
    """Deletes a finished import's record, its stored CSV and its report."""

    def get_object(self, queryset=None):
        alumni_import = super().get_object(queryset)
        if not alumni_import.finished:
            raise PermissionDenied
        return alumni_import

    @property
    def confirmation_message(self):
        return _(
            "Delete the record of the import “%(name)s”, its stored file and its "
            "error report? The imported alumni stay."
        ) % {"name": self.object.original_name}

    def delete_action(self):
        files = [f for f in (self.object.file, self.object.report) if f]
        super().delete_action()
        for stored in files:
            stored.storage.delete(stored.name)


def download_report(request, pk: int):
    """The error report, as an attachment; editors only (others: 404)."""
    if not is_editor(request.user):
        raise Http404
    alumni_import = get_object_or_404(AlumniImport, pk=pk)
    if not alumni_import.report:
        raise Http404
    try:
        stored = alumni_import.report.storage.open(alumni_import.report.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    stem = os.path.splitext(alumni_import.original_name)[0] or "import"
    name = get_valid_filename(f"{stem}-{_('errors')}.csv") or "errors.csv"
    response = FileResponse(
        stored, as_attachment=True, filename=name, content_type="text/csv"
    )
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download_template(request):
    """The header row the import reads, as a CSV to fill in; editors only."""
    if not is_editor(request.user):
        raise PermissionDenied
    response = HttpResponse(
        alumni_import.template_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="alumni-import.csv"'
    return response


# ---------------------------------------------------------------------------
# The viewset
# ---------------------------------------------------------------------------


class AlumniImportViewSet(AlumniRecordViewSet):
    """``/admin/alumni-imports/``: list, upload, progress, report, template."""

    model = AlumniImport
    icon = "upload"
    menu_label = gettext_lazy("Alumni imports")
    menu_name = "alumni-imports"
    url_prefix = "alumni-imports"
    url_namespace = NAMESPACE
    index_view_class = ImportIndexView
    add_view_class = ImportCreateView
    inspect_view_class = ImportDetailView
    delete_view_class = ImportDeleteView
    form_fields = ["file", "skip_invalid"]

    def get_form_class(self, for_update=False):
        return ImportForm

    def get_common_view_kwargs(self, **kwargs):
        # No edit, history or usage screens: an import is a record, not a document.
        return super().get_common_view_kwargs(
            edit_url_name=None, history_url_name=None, usage_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/delete/", self.delete_view, name="delete"),
            path("<int:pk>/report/", download_report, name="report"),
            path("template/", download_template, name="template"),
        ]
