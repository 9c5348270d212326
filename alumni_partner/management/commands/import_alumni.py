"""``manage.py import_alumni FILE.csv [--skip-invalid]``: the alumni import, now.

The same service as the admin's "Imports d'alumni" (alumni_import.py), run
synchronously: prints each line's errors and a summary; exits with an error
status when nothing was imported.
"""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alumni_partner.alumni_import import import_file
from alumni_partner.models import AlumniImport


def report_location(result: AlumniImport) -> str:
    """Where the operator finds the report: a path, or the storage's name."""
    try:
        return result.report.path
    except NotImplementedError:  # a remote storage (S3...)
        return result.report.name


class Command(BaseCommand):
    help = (
        "Import alumni from a CSV file (UTF-8 or Latin-1, comma or semicolon, "
        "header row with at least an e-mail column). Idempotent on the e-mail: "
        "importing again updates. A single invalid line stops the import unless "
        "--skip-invalid is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file to import.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid lines and skip the others.",
        )
        parser.add_argument(
            "--max-errors",
            type=int,
            default=100,
            help="Print at most this many errors (all are in the report file).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = import_file(path, skip_invalid=options["skip_invalid"])
        self.print_errors(result, options["max_errors"])
        summary = (
            f"{result.original_name}: {result.get_status_display()}. "
            f"{result.total_rows} lines, {result.created_count} created, "
            f"{result.updated_count} updated, {result.error_count} with errors."
        )
        if result.message:
            summary += f"\n{result.message}"
        if result.report:
            summary += f"\nError report: {report_location(result)}"
        if result.status != AlumniImport.Status.DONE:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def print_errors(self, result: AlumniImport, limit: int) -> None:
        if not result.report:
            return
        with result.report.open("rb") as report:
            rows = csv.reader(io.StringIO(report.read().decode("utf-8-sig")))
            next(rows, None)  # the header
            for printed, (line, email, column, message) in enumerate(rows):
                if printed >= limit:
                    self.stderr.write(
                        f"... {result.error_count} lines with errors in all: "
                        "see the report."
                    )
                    return
                where = f"line {line}" + (f", {column}" if column else "")
                self.stderr.write(f"{where} ({email}): {message}")
