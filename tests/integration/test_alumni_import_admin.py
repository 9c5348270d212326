"""'Alumni imports' in the admin: editors upload, follow, download; partners cannot."""

from __future__ import annotations

import contextlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alumni_partner import alumni_import, alumni_import_tasks
from alumni_partner.models import AlumniImport, AlumniProfile
from alumni_partner.storage import private_storage

pytestmark = pytest.mark.django_db

GOOD = (
    "email;prénom;nom;pays;ville\r\n"
    "amina@example.org;Amina;Diallo;Sénégal;Dakar\r\n"
    "bob@example.org;Bob;Martin;France;Lyon\r\n"
).encode()


def url(name: str, *args) -> str:
    return reverse(f"alumni_partner_imports:{name}", args=args)


def upload(client, content: bytes, name="alumni.csv", **data):
    return client.post(
        url("add"), {"file": SimpleUploadedFile(name, content), **data}, follow=False
    )


def refused(response) -> bool:
    """Wagtail's refusal: a 403, or back to the dashboard with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def stored_files() -> set[str]:
    found = set()
    for folder in ("imports/alumni", "imports/reports"):
        with contextlib.suppress(FileNotFoundError):
            found |= {f"{folder}/{n}" for n in private_storage.listdir(folder)[1]}
    return found


def finished_import(content: bytes = GOOD, **fields) -> AlumniImport:
    record = AlumniImport(original_name="alumni.csv", **fields)
    record.file.save(alumni_import.stored_name(), ContentFile(content), save=True)
    return alumni_import.run_import(record)


# ---------------------------------------------------------------------------
# Editors
# ---------------------------------------------------------------------------


def test_editor_uploads_a_file_and_lands_on_its_outcome(
    editor_client, editor, django_capture_on_commit_callbacks
):
    assert editor_client.get(url("index")).status_code == 200
    form = editor_client.get(url("add"))
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, GOOD, name="promo 2019.csv")
    record = AlumniImport.objects.get()
    assert response.status_code == 302
    assert response.url == url("inspect", record.pk)
    # The worker ran (synchronously in tests): everything is saved.
    assert record.status == AlumniImport.Status.DONE, record.message
    assert record.original_name == "promo 2019.csv"
    assert record.uploaded_by == editor
    assert "promo" not in record.file.name  # stored under a random name
    assert AlumniProfile.objects.count() == 2

    page = editor_client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'http-equiv="refresh"' not in body  # finished: no more refreshing
    assert 'data-import-status="done"' in body
    assert "promo 2019.csv" in body

    listing = editor_client.get(url("index")).content.decode()
    assert "promo 2019.csv" in listing and url("inspect", record.pk) in listing


def test_a_running_import_refreshes_its_page_with_an_accessible_progress_bar(
    editor_client,
):
    record = AlumniImport.objects.create(
        original_name="big.csv",
        file="imports/alumni/big.csv",
        status=AlumniImport.Status.VALIDATING,
        total_rows=200,
        processed_rows=50,
    )
    body = editor_client.get(url("inspect", record.pk)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in body
    assert 'max="100" value="25"' in body
    assert 'aria-labelledby="alumni-import-progress-label"' in body
    assert 'id="alumni-import-progress-label"' in body
    # Still running: it cannot be deleted.
    assert refused(editor_client.post(url("delete", record.pk)))
    assert AlumniImport.objects.filter(pk=record.pk).exists()
    listing = editor_client.get(url("index")).content.decode()
    assert "<progress" in listing


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"", "empty.csv", ("empty", "vide", "submitted file is empty")),
        (b"PK\x03\x04" + bytes(range(256)) * 8, "alumni.xlsx", ("Excel",)),
        (bytes(range(256)) * 16, "junk.csv", ("not a CSV", "pas un fichier")),
        ("email\r\nx@y.org\r\n".encode("utf-16"), "u16.csv", ("UTF-16",)),
        (b"nom;ville\r\nAmina;Dakar\r\n", "nomail.csv", ("email",)),
    ],
    ids=["empty", "xlsx", "binary", "utf16", "no-email-column"],
)
def test_a_file_that_is_not_an_alumni_csv_is_refused_at_once(
    editor_client, content, name, words
):
    before = stored_files()
    response = upload(editor_client, content, name=name)
    assert response.status_code == 200
    body = response.content.decode()
    assert any(word in body for word in words), body[-3000:]
    assert "error-message" in body or "w-field__errors" in body
    assert not AlumniImport.objects.exists()
    assert stored_files() == before


def test_a_file_over_the_size_limit_is_refused(editor_client, settings):
    settings.ALUMNI_PARTNER_IMPORT_MAX_BYTES = 1024
    response = upload(editor_client, GOOD + b"x@example.org;;;;\r\n" * 100)
    assert response.status_code == 200
    assert "MB" in response.content.decode() or "Mo" in response.content.decode()
    assert not AlumniImport.objects.exists()


def test_invalid_lines_fail_the_import_and_the_report_downloads(
    editor_client, django_capture_on_commit_callbacks
):
    content = GOOD + b"not-an-email;X;Y;FR;\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, content)
    record = AlumniImport.objects.get()
    assert record.status == AlumniImport.Status.FAILED
    assert not AlumniProfile.objects.exists()
    body = editor_client.get(response.url).content.decode()
    report_url = url("report", record.pk)
    assert report_url in body

    report = editor_client.get(report_url)
    assert report.status_code == 200
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    assert report["Content-Disposition"].startswith("attachment;")
    assert "alumni-" in report["Content-Disposition"]
    text = b"".join(report.streaming_content)
    assert text.startswith(b"\xef\xbb\xbf")
    assert b"not-an-email" in text and b'"4"' in text


def test_skip_invalid_from_the_form(editor_client, django_capture_on_commit_callbacks):
    content = GOOD + b"not-an-email;X;Y;FR;\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, content, skip_invalid="on")
    record = AlumniImport.objects.get()
    assert record.skip_invalid and record.status == AlumniImport.Status.DONE
    assert (record.created_count, record.error_count) == (2, 1)


def test_a_crashing_worker_leaves_a_failed_import_and_nothing_else(
    editor_client, django_capture_on_commit_callbacks, monkeypatch
):
    def crash(record, **kwargs):
        raise RuntimeError("segmentation fault")

    monkeypatch.setattr(alumni_import_tasks, "run_import", crash)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, GOOD)
    record = AlumniImport.objects.get()
    assert record.status == AlumniImport.Status.FAILED
    assert "segmentation fault" in record.message
    assert "segmentation fault" in editor_client.get(response.url).content.decode()
    assert not AlumniProfile.objects.exists()


def test_template_download(editor_client):
    response = editor_client.get(url("template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffemail,first_name,last_name,country,city")


def test_editor_deletes_a_finished_import_and_its_files(editor_client):
    record = finished_import(GOOD + b"bad;;;;\r\n")
    files = {record.file.name, record.report.name}
    assert files <= stored_files()
    assert editor_client.get(url("delete", record.pk)).status_code == 200
    response = editor_client.post(url("delete", record.pk))
    assert response.status_code == 302
    assert not AlumniImport.objects.exists()
    assert not files & stored_files()


def test_index_query_count_does_not_grow_with_imports(editor_client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    finished_import(uploaded_by=editor)
    editor_client.get(url("index"))
    with CaptureQueriesContext(connection) as one:
        editor_client.get(url("index"))
    for _n in range(4):
        finished_import(uploaded_by=editor)
    with CaptureQueriesContext(connection) as five:
        editor_client.get(url("index"))
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]


# ---------------------------------------------------------------------------
# Partners and alumni
# ---------------------------------------------------------------------------


def test_partner_cannot_use_any_import_url(partner_client):
    record = finished_import(GOOD + b"bad;;;;\r\n")
    for path in (url("index"), url("add"), url("template"), url("inspect", record.pk)):
        assert refused(partner_client.get(path)), path
    assert refused(upload(partner_client, GOOD))
    assert refused(partner_client.post(url("delete", record.pk)))
    # The report is not even admitted to exist.
    assert partner_client.get(url("report", record.pk)).status_code == 404
    # Neither the partner's upload nor its worker ran.
    assert AlumniImport.objects.count() == 1
    assert not AlumniProfile.objects.exists()


def test_partner_sees_no_import_menu(partner_client):
    body = partner_client.get(reverse("wagtailadmin_home")).content.decode()
    assert url("index") not in body


def test_alumnus_is_sent_to_the_login_page(client, alumnus):
    record = finished_import(GOOD + b"bad;;;;\r\n")
    client.force_login(alumnus)
    for path in (url("index"), url("report", record.pk), url("template")):
        response = client.get(path)
        assert response.status_code == 302 and "login" in response.url, path
