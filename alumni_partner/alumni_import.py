"""The bulk import of alumni (issue 5, item 2): check every line, then save all.

An :class:`~alumni_partner.models.AlumniImport` holds the uploaded CSV in
private storage. :func:`run_import` works in two phases:

a. **check**: the file is recognised (:func:`alumni_csv.inspect_file`), its
   lines counted, then each line checked (:class:`alumni_csv.LineCleaner`,
   plus duplicated e-mails within the file). Progress (``processed_rows``) is
   written every :data:`PROGRESS_EVERY` lines, outside any transaction, so the
   admin page shows it. Problems go to a CSV error report (line, e-mail,
   column, message) in private storage.
b. **save**: if no line is invalid, or ``skip_invalid`` is set, the valid
   lines are saved in chunks by :class:`alumni_bulk.BulkWriter`, all inside
   ONE transaction: an error (or a worker that dies) leaves nothing behind.

Otherwise the import ends FAILED with nothing written. The import is
idempotent on the e-mail (see :mod:`alumni_partner.alumni_bulk`).

Entry points: :func:`run_import` (the background task and the benchmark),
:func:`import_file` (the ``import_alumni`` command: a path, synchronously).
"""

from __future__ import annotations

import logging
import pickle
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .alumni_bulk import BulkWriter
from .alumni_csv import (
    TEMPLATE_HEADER,
    CleanLine,
    FileFormat,
    ImportFileError,
    LineCleaner,
    LineError,
    Lookups,
    count_lines,
    inspect_file,
    read_lines,
)
from .directory.versions import renew_directory_version
from .models import AlumniImport
from .spreadsheets import BOM, csv_line

logger = logging.getLogger(__name__)

#: Lines saved per round of bulk queries.
CHUNK_SIZE = 2000
#: Lines checked between two progress writes.
PROGRESS_EVERY = 1000
#: The report quotes at most this much of an e-mail cell.
REPORT_EMAIL_CHARS = 254

Status = AlumniImport.Status


def stored_name() -> str:
    """A name for the stored upload that says nothing about its content."""
    return f"{uuid.uuid4().hex}.csv"


def import_file(
    path, *, skip_invalid: bool = False, user=None, chunk_size: int = CHUNK_SIZE
) -> AlumniImport:
    """Import the CSV at ``path`` now (the ``import_alumni`` command, benchmarks)."""
    path = Path(path)
    alumni_import = AlumniImport(
        original_name=path.name[:255], skip_invalid=skip_invalid, uploaded_by=user
    )
    with open(path, "rb") as source:
        alumni_import.file.save(stored_name(), File(source), save=True)
    return run_import(alumni_import, chunk_size=chunk_size)


def run_import(
    alumni_import: AlumniImport, *, chunk_size: int = CHUNK_SIZE
) -> AlumniImport:
    """Check, then save, the import's file (see the module's docstring).

    Runs once: an import that is no longer pending (another worker took it,
    or it already ran) is returned as it stands. Returns the import, updated.
    """
    claimed = AlumniImport.objects.filter(
        pk=alumni_import.pk, status=Status.PENDING
    ).update(status=Status.VALIDATING, started_at=timezone.now())
    alumni_import.refresh_from_db()
    if not claimed:
        return alumni_import
    started = time.monotonic()
    try:
        with open_stored(alumni_import.file) as source:
            _Run(alumni_import, source, chunk_size).run()
    except ImportFileError as error:
        finish(alumni_import, Status.FAILED, error.message)
    except Exception as error:
        # Phase b is atomic: whatever happened, nothing partial remains.
        logger.exception("Alumni import %s failed", alumni_import.pk)
        finish(
            alumni_import,
            Status.FAILED,
            _(
                "The import stopped on an unexpected error (%(error)s): nothing "
                "was saved."
            )
            % {"error": short_error(error)},
        )
    elapsed = time.monotonic() - started
    logger.info(
        "Alumni import %s: %s in %.1fs (%s lines)",
        alumni_import.pk,
        alumni_import.status,
        elapsed,
        alumni_import.total_rows,
    )
    return alumni_import


def short_error(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


def finish(alumni_import: AlumniImport, status: str, message: str) -> None:
    """Record the outcome (outside the saving transaction)."""
    alumni_import.status = status
    alumni_import.message = message.strip()
    alumni_import.finished_at = timezone.now()
    if status == Status.FAILED:
        alumni_import.created_count = alumni_import.updated_count = 0
    alumni_import.save()


@contextmanager
def open_stored(fieldfile) -> Iterator:
    """The stored file as a plain binary file object (seekable)."""
    stored = fieldfile.storage.open(fieldfile.name, "rb")
    try:
        yield getattr(stored, "file", stored)
    finally:
        stored.close()


class _Run:
    """One run of :func:`run_import` on an open file.

    Phase a keeps the valid lines, already cleaned, in a temporary file
    (pickled by chunks): phase b reads them back rather than parsing and
    checking the CSV a second time, and memory stays flat at 200,000 lines.
    """

    def __init__(self, alumni_import: AlumniImport, source, chunk_size: int):
        self.alumni_import = alumni_import
        self.source = source
        self.chunk_size = chunk_size
        self.errors: list[LineError] = []
        self.invalid: set[int] = set()
        self.valid = 0

    def run(self) -> None:
        with tempfile.TemporaryFile(prefix="alumni-import-") as spool:
            self._run(spool)

    def _run(self, spool) -> None:
        alumni_import = self.alumni_import
        fmt = inspect_file(self.source)
        total = count_lines(self.source, fmt)
        alumni_import.total_rows = total
        alumni_import.message = fmt.describe()
        alumni_import.save(update_fields=["total_rows", "message"])
        if not total:
            raise ImportFileError(
                _("The file has a header row but no alumni lines.")
                + " "
                + fmt.describe()
            )
        self.check(fmt, LineCleaner(fmt, Lookups.load()), spool)
        if self.errors:
            self.write_report()
        if not self.valid or (self.invalid and not alumni_import.skip_invalid):
            raise ImportFileError(self.outcome(fmt, failed=True))
        AlumniImport.objects.filter(pk=alumni_import.pk).update(status=Status.IMPORTING)
        alumni_import.status = Status.IMPORTING
        writer = BulkWriter()
        spool.seek(0)
        try:
            with transaction.atomic():
                for chunk in spooled_chunks(spool):
                    save_chunk(writer, chunk)
        except Exception as error:
            logger.exception("Alumni import %s: saving failed", alumni_import.pk)
            raise ImportFileError(
                _(
                    "Saving stopped on an error (%(error)s): nothing was saved. "
                    "%(format)s"
                )
                % {"error": short_error(error), "format": fmt.describe()}
            ) from error
        # bulk_create and bulk_update send no signals: the directory's cached
        # counts are renewed here, once.
        renew_directory_version()
        alumni_import.created_count = writer.created
        alumni_import.updated_count = writer.updated
        finish(alumni_import, Status.DONE, self.outcome(fmt, failed=False))

    # --- phase a -----------------------------------------------------------

    def check(self, fmt: FileFormat, cleaner: LineCleaner, spool) -> None:
        """Check every line; the valid ones go to ``spool`` by chunks."""
        first_line: dict[str, int] = {}
        chunk: list[CleanLine] = []
        done = 0
        for raw in read_lines(self.source, fmt):
            clean, errors = cleaner.clean(raw)
            email = (clean.email if clean else raw.cells.get("email", "")).lower()
            if email and "@" in email and len(email) <= 254:
                seen = first_line.setdefault(email, raw.number)
                if seen != raw.number:
                    errors.append(
                        LineError(
                            raw.number,
                            raw.cells.get("email", ""),
                            fmt.headers["email"],
                            _("This e-mail address is already on line %(line)s.")
                            % {"line": seen},
                        )
                    )
            if errors:
                self.errors.extend(errors)
                self.invalid.add(raw.number)
            else:
                self.valid += 1
                chunk.append(clean)
                if len(chunk) >= self.chunk_size:
                    pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
                    chunk = []
            done += 1
            if done % PROGRESS_EVERY == 0:
                AlumniImport.objects.filter(pk=self.alumni_import.pk).update(
                    processed_rows=done
                )
        if chunk:
            pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
        self.alumni_import.processed_rows = done
        self.alumni_import.error_count = len(self.invalid)
        AlumniImport.objects.filter(pk=self.alumni_import.pk).update(
            processed_rows=done, error_count=len(self.invalid)
        )

    def outcome(self, fmt: FileFormat, *, failed: bool) -> str:
        invalid = len(self.invalid)
        parts = []
        if failed and not self.valid:
            parts.append(
                _("No line is valid: nothing was imported (see the error report).")
            )
        elif failed:
            parts.append(
                ngettext(
                    "%(count)s line has errors: nothing was imported. Correct the "
                    "file (see the error report) and upload it again, or tick "
                    "“import the valid lines”.",
                    "%(count)s lines have errors: nothing was imported. Correct the "
                    "file (see the error report) and upload it again, or tick "
                    "“import the valid lines”.",
                    invalid,
                )
                % {"count": invalid}
            )
        else:
            parts.append(
                _("%(created)s alumni created, %(updated)s updated.")
                % {
                    "created": self.alumni_import.created_count,
                    "updated": self.alumni_import.updated_count,
                }
            )
            if invalid:
                parts.append(
                    ngettext(
                        "%(count)s line with errors was skipped (see the error "
                        "report).",
                        "%(count)s lines with errors were skipped (see the error "
                        "report).",
                        invalid,
                    )
                    % {"count": invalid}
                )
        parts.append(fmt.describe())
        return " ".join(parts)

    def write_report(self) -> None:
        # Unguessable, like the upload's: the name is the only secret should
        # the private folder ever be served by mistake.
        name = f"{uuid.uuid4().hex}-errors.csv"
        content = report_csv(self.errors).encode("utf-8")
        self.alumni_import.report.save(name, ContentFile(content), save=False)
        AlumniImport.objects.filter(pk=self.alumni_import.pk).update(
            report=self.alumni_import.report.name
        )


def spooled_chunks(spool) -> Iterator[list[CleanLine]]:
    """The chunks phase a wrote (our own temporary file, never user input)."""
    while True:
        try:
            yield pickle.load(spool)  # noqa: S301 - written by this process
        except EOFError:
            return


def save_chunk(writer: BulkWriter, chunk: list[CleanLine]) -> None:
    """Save one chunk (a seam: tests make it fail to prove the rollback)."""
    writer.write(chunk)


def report_headers() -> list[str]:
    return [_("line"), _("e-mail"), _("column"), _("message")]


def report_csv(errors: list[LineError]) -> str:
    """The error report: UTF-8 with BOM for Excel, formulas neutralised."""
    parts = [BOM, csv_line(report_headers())]
    for error in errors:
        email = error.email
        if len(email) > REPORT_EMAIL_CHARS:
            email = email[:REPORT_EMAIL_CHARS] + "…"
        parts.append(csv_line([error.number, email, error.column, error.message]))
    return "".join(parts)


def template_csv() -> str:
    """The downloadable template: the header row the import reads best."""
    return BOM + ",".join(TEMPLATE_HEADER) + "\r\n"
