"""The alumni CSV import, without HTTP: files, lines, report, idempotency, rollback."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from taggit.models import Tag

from alumni_partner import alumni_import
from alumni_partner.alumni_bulk import username_for
from alumni_partner.alumni_csv import degree_for
from alumni_partner.models import (
    AlumniImport,
    AlumniProfile,
    AlumniProfileSkill,
    ProfileLanguage,
    Sector,
)
from alumni_partner.spreadsheets import safe_cell

pytestmark = pytest.mark.django_db

User = get_user_model()

HEADER = (
    "email,first_name,last_name,country,city,institution,field_of_study,degree,"
    "graduation_year,employer,job_title,sector,skills,languages,listed,"
    "consent_mailings,consent_date"
)


@pytest.fixture
def sectors(site_tree):
    from wagtail.models import Locale

    energy = Sector.objects.create(name="Énergie", locale=Locale.get_default())
    english = energy.copy_for_translation(Locale.objects.get(language_code="en"))
    english.name = "Energy"
    english.save()
    return {"energy": energy, "education": Sector.objects.create(name="Éducation")}


def run(content: bytes, *, skip_invalid=False, name="alumni.csv") -> AlumniImport:
    """Store ``content`` as an upload and run the import synchronously."""
    upload = AlumniImport(original_name=name, skip_invalid=skip_invalid)
    upload.file.save(alumni_import.stored_name(), ContentFile(content), save=True)
    return alumni_import.run_import(upload)


def report_rows(upload: AlumniImport) -> list[list[str]]:
    raw = upload.report.read()
    upload.report.close()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def csv_bytes(*lines: str, header: str = HEADER, encoding="utf-8") -> bytes:
    return "\r\n".join([header, *lines]).encode(encoding)


AMINA = (
    "Amina.Diallo@Example.org,Amina,Diallo,Sénégal,Dakar,Sorbonne Université,"
    "Informatique,Master 2,2019,Helios Énergie,Ingénieure,Energy,"
    "Python|Data science,fr|wolof|English,oui,oui,2025-03-31"
)


# ---------------------------------------------------------------------------
# A good file
# ---------------------------------------------------------------------------


def test_imports_every_column_of_a_utf8_file(sectors):
    upload = run(csv_bytes(AMINA, "bob@example.org,Bob,,,,,,,,,,,,,non,non,"))

    assert upload.status == AlumniImport.Status.DONE, upload.message
    assert (upload.created_count, upload.updated_count) == (2, 0)
    assert upload.total_rows == upload.processed_rows == 2
    assert upload.error_count == 0 and not upload.report
    assert upload.started_at and upload.finished_at
    assert "UTF-8" in upload.message

    user = User.objects.get(email="Amina.Diallo@Example.org")
    assert user.username == "amina.diallo@example.org"
    assert not user.has_usable_password() and user.is_active
    profile = user.alumni_profile
    assert profile.country == "SN" and profile.city == "Dakar"
    assert profile.degree == "master" and profile.graduation_year == 2019
    # Matched in English, stored as the French (default language) term.
    assert profile.sector == sectors["energy"]
    assert sorted(profile.skills.names()) == ["Data science", "Python"]
    assert sorted(profile.language_codes()) == ["en", "fr", "wo"]
    assert profile.listed and profile.accepts_partner_mailings
    assert timezone.localtime(profile.mailing_consent_at).date() == date(2025, 3, 31)
    # Denormalised columns, computed although bulk_create skips save().
    assert "helios energie" in profile.search_text
    assert "python" in profile.search_text
    assert profile.sort_name == "diallo amina"

    bob = AlumniProfile.objects.get(user__email="bob@example.org")
    assert not bob.listed and not bob.accepts_partner_mailings
    assert bob.mailing_consent_at is None


def test_latin1_file_with_semicolons_keeps_its_accents(sectors):
    content = (
        "Courriel;Prénom;Nom;Pays;Établissement;Diplôme;Année;Compétences\r\n"
        "helene@example.org;Hélène;Lefèvre;Côte d'Ivoire;École polytechnique;"
        "Diplôme d'ingénieur;2012;Génie civil, Énergie\r\n"
    ).encode("cp1252")
    upload = run(content)

    assert upload.status == AlumniImport.Status.DONE, upload.message
    message = upload.message
    assert "1252" in message
    assert "semicolon" in message or "point-virgule" in message
    user = User.objects.get(email="helene@example.org")
    assert (user.first_name, user.last_name) == ("Hélène", "Lefèvre")
    profile = user.alumni_profile
    assert profile.country == "CI"
    assert profile.institution == "École polytechnique"
    assert profile.degree == "engineer"
    assert sorted(profile.skills.names()) == ["Génie civil", "Énergie"]


def test_utf8_with_bom_and_french_headers(sectors):
    content = "\ufeffE-mail;Prénom;Ville\r\nzoe@example.org;Zoé;Montréal\r\n"
    upload = run(content.encode("utf-8"))
    assert upload.status == AlumniImport.Status.DONE, upload.message
    assert "BOM" in upload.message
    assert User.objects.get(email="zoe@example.org").first_name == "Zoé"


def test_blank_lines_and_unknown_columns_are_ignored(sectors):
    upload = run(b"email,notes\r\n\r\na@example.org,hello\r\n,\r\n\r\n")
    assert upload.status == AlumniImport.Status.DONE, upload.message
    assert upload.total_rows == 1
    assert "notes" in upload.message


# ---------------------------------------------------------------------------
# Files that cannot be imported at all
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", ("empty", "vide")),
        (b"\r\n  \r\n", ("empty", "vide")),
        (HEADER.encode() + b"\r\n", ("no alumni", "aucun")),
        ("email\r\na@example.org\r\n".encode("utf-16"), ("UTF-16",)),
        (b"PK\x03\x04" + bytes(range(256)) * 20, ("Excel", "CSV")),
        (bytes(range(256)) * 40, ("not a CSV", "pas un fichier texte CSV")),
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 500, ("not a CSV", "CSV")),
    ],
    ids=["empty", "blank", "header-only", "utf16", "xlsx", "binary", "png"],
)
def test_file_level_failures_say_why_and_write_nothing(sectors, content, words):
    users = User.objects.count()
    upload = run(content)
    assert upload.status == AlumniImport.Status.FAILED
    assert any(word in upload.message for word in words), upload.message
    assert User.objects.count() == users
    assert not AlumniProfile.objects.exists()


def test_missing_email_column_names_the_expected_columns(sectors):
    upload = run(b"name;city\r\nAmina;Dakar\r\n")
    assert upload.status == AlumniImport.Status.FAILED
    assert "email" in upload.message and "first_name" in upload.message
    assert "graduation_year" in upload.message
    assert "“name”" in upload.message  # what the file has
    assert not AlumniProfile.objects.exists()


def test_two_columns_for_one_field_are_refused(sectors):
    upload = run(b"email,courriel\r\na@example.org,b@example.org\r\n")
    assert upload.status == AlumniImport.Status.FAILED
    assert "courriel" in upload.message


# ---------------------------------------------------------------------------
# Lines with errors
# ---------------------------------------------------------------------------


def bad_file() -> bytes:
    huge = "x" * (1024 * 1024)
    return csv_bytes(
        "good@example.org,Good,One,FR,,,,,2015,,,,,,,,",  # line 2
        "not-an-email,Bad,Email,,,,,,,,,,,,,,",  # line 3
        "GOOD@example.org,Twice,,,,,,,,,,,,,,,",  # line 4: duplicate of 2
        f"big@example.org,Big,,,,,,,,{huge},,,,,,,",  # line 5: 1 MB cell
        "year@example.org,,,,,,,,abc,,,,,,,,",  # line 6
        "country@example.org,,,Atlantis,,,,,,,,,,,,,",  # line 7
        "consent@example.org,,,,,,,,,,,,,,,oui,",  # line 8: consent without date
        '"=HYPERLINK(""http://evil.test"")",,,,,,,,,,,,,,,,',  # line 9
        "ok2@example.org,Ok,Two,France,,,,licence,2020,,,,,,,,",  # line 10
    )


def test_invalid_lines_stop_the_import_and_the_report_lists_them(sectors):
    upload = run(bad_file())

    assert upload.status == AlumniImport.Status.FAILED
    assert upload.error_count == 7
    assert upload.total_rows == upload.processed_rows == 9
    assert "7" in upload.message
    assert not User.objects.exists() and not AlumniProfile.objects.exists()

    rows = report_rows(upload)
    assert rows[0] in (
        ["line", "e-mail", "column", "message"],
        ["ligne", "e-mail", "colonne", "message"],
    )
    by_line = {}
    for line, email, column, message in rows[1:]:
        by_line.setdefault(int(line), []).append((email, column, message))
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9]
    assert by_line[3][0][1] == "email" and "not-an-email" in by_line[3][0][2]
    assert "2" in by_line[4][0][2] and by_line[4][0][0] == "GOOD@example.org"
    (big,) = by_line[5]
    assert big[1] == "employer" and "1,048,576" in big[2]
    assert len(big[2]) < 200  # the value itself is never copied
    assert by_line[6][0][1] == "graduation_year" and "abc" in by_line[6][0][2]
    assert by_line[7][0][1] == "country" and "Atlantis" in by_line[7][0][2]
    assert by_line[8][0][1] == "consent_date"
    # The hostile e-mail is neutralised for spreadsheets.
    assert by_line[9][0][0].startswith("'=HYPERLINK")


def test_skip_invalid_imports_the_valid_lines_only(sectors):
    upload = run(bad_file(), skip_invalid=True)
    assert upload.status == AlumniImport.Status.DONE, upload.message
    assert upload.created_count == 2 and upload.error_count == 7
    assert upload.report
    assert set(User.objects.values_list("email", flat=True)) == {
        "good@example.org",
        "ok2@example.org",
    }


def test_an_unreadable_line_fails_the_file_clearly(sectors, monkeypatch):
    from alumni_partner import alumni_csv

    monkeypatch.setattr(alumni_csv, "FIELD_SIZE_LIMIT", 1000)
    import csv as csv_module

    limit = csv_module.field_size_limit()
    try:
        csv_module.field_size_limit(1000)
        upload = run(csv_bytes('a@example.org,"' + "y" * 5000 + '"'))
    finally:
        csv_module.field_size_limit(limit)
    assert upload.status == AlumniImport.Status.FAILED
    assert "2" in upload.message
    assert not AlumniProfile.objects.exists()


def test_no_valid_line_at_all_with_skip_invalid(sectors):
    upload = run(b"email\r\nnope\r\n", skip_invalid=True)
    assert upload.status == AlumniImport.Status.FAILED
    assert upload.report and upload.error_count == 1


# ---------------------------------------------------------------------------
# Importing again: update, never duplicate
# ---------------------------------------------------------------------------


def test_reimport_updates_without_duplicating(sectors, make_alumnus):
    existing = make_alumnus(
        "Amina",
        "Old",
        email="amina.diallo@example.org",
        skills=["Cobol"],
        city="Thiès",
        employer="Ancien employeur",
    )
    password = existing.user.password
    first = run(csv_bytes(AMINA))
    assert (first.created_count, first.updated_count) == (0, 1), first.message
    second = run(
        csv_bytes(
            "AMINA.DIALLO@example.org,,,,,,,,,Nouvel employeur,,,,,,,",
            "new@example.org,New,,,,,,,,,,,,,,,",
        )
    )
    assert (second.created_count, second.updated_count) == (1, 1), second.message

    assert User.objects.filter(email__iexact="amina.diallo@example.org").count() == 1
    assert AlumniProfile.objects.count() == 2
    profile = AlumniProfile.objects.get(pk=existing.pk)
    user = profile.user
    assert user.password == password  # untouched
    assert user.last_name == "Diallo"  # from the first file
    assert profile.employer == "Nouvel employeur"
    # Empty cells of the second file kept the first file's values.
    assert profile.city == "Dakar" and profile.graduation_year == 2019
    assert sorted(profile.skills.names()) == ["Data science", "Python"]
    assert AlumniProfileSkill.objects.filter(content_object=profile).count() == 2
    assert "nouvel employeur" in profile.search_text
    assert "python" in profile.search_text and "cobol" not in profile.search_text


def test_existing_user_without_profile_gets_one(sectors, partner_user):
    upload = run(csv_bytes(f"{partner_user.email.upper()},,,,,,,,,,,,,,,,"))
    assert upload.created_count == 1, upload.message
    assert AlumniProfile.objects.get().user == partner_user
    assert User.objects.filter(email__iexact=partner_user.email).count() == 1


def test_the_file_never_widens_an_alumnus_privacy(sectors, make_alumnus):
    """An older spreadsheet cannot relist an alumnus or renew a withdrawn consent."""
    hidden = make_alumnus(email="hidden@example.org", listed=False)
    consenting = make_alumnus(email="consenting@example.org")
    consenting.set_mailing_consent(True)
    consenting.save()
    upload = run(
        csv_bytes(
            "hidden@example.org,,,,,,,,,,,,,,oui,oui,2024-01-01",
            "consenting@example.org,,,,,,,,,,,,,,non,non,",
        )
    )
    assert upload.status == AlumniImport.Status.DONE, upload.message
    hidden.refresh_from_db()
    consenting.refresh_from_db()
    assert not hidden.listed and not hidden.accepts_partner_mailings
    assert not consenting.listed
    assert not consenting.accepts_partner_mailings
    assert consenting.mailing_consent_at is None


def test_existing_tags_are_reused_without_case(sectors):
    python = Tag.objects.create(name="python")
    run(csv_bytes("a@example.org,,,,,,,,,,,,Python|SQL,,,,"))
    assert Tag.objects.filter(name__iexact="python").count() == 1
    profile = AlumniProfile.objects.get()
    assert python.pk in set(profile.skills.values_list("pk", flat=True))
    assert Tag.objects.filter(name="SQL").exists()


def test_an_email_used_as_another_users_username_gets_a_free_username(sectors):
    User.objects.create_user(username="taken@example.org", email="other@example.org")
    upload = run(csv_bytes("Taken@Example.org,,,,,,,,,,,,,,,,"))
    assert upload.status == AlumniImport.Status.DONE, upload.message
    # Matched by username: the same person, who changed their address since.
    assert upload.updated_count + upload.created_count == 1
    assert User.objects.count() == 1


def test_usernames_are_valid_and_bounded():
    assert username_for("A.B+tag@Example.org") == "a.b+tag@example.org"
    assert username_for("o'neil&co@example.org") == "o_neil_co@example.org"
    long = "x" * 200 + "@example.org"
    assert len(username_for(long)) <= 150
    assert username_for(long) != username_for("y" + long[1:])


# ---------------------------------------------------------------------------
# Nothing partial
# ---------------------------------------------------------------------------


def test_a_failure_while_saving_rolls_everything_back(sectors, monkeypatch):
    lines = [
        f"user{n}@example.org,User,{n},FR,,,,,,,,,Skill{n},fr,,," for n in range(9)
    ]
    calls = {"n": 0}
    original = alumni_import.save_chunk

    def failing(writer, chunk):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        original(writer, chunk)

    monkeypatch.setattr(alumni_import, "save_chunk", failing)
    upload = AlumniImport(original_name="a.csv")
    upload.file.save("a.csv", ContentFile(csv_bytes(*lines)), save=True)
    tags = Tag.objects.count()
    upload = alumni_import.run_import(upload, chunk_size=2)

    assert calls["n"] == 3  # two chunks were saved before the failure...
    assert upload.status == AlumniImport.Status.FAILED
    assert "disk full" in upload.message
    assert upload.created_count == 0
    # ... and rolled back with the rest.
    assert not User.objects.exists()
    assert not AlumniProfile.objects.exists()
    assert not ProfileLanguage.objects.exists()
    assert not AlumniProfileSkill.objects.exists()
    assert Tag.objects.count() == tags


def test_an_import_runs_once(sectors):
    upload = run(csv_bytes("a@example.org,,,,,,,,,,,,,,,,"))
    assert upload.status == AlumniImport.Status.DONE
    again = alumni_import.run_import(upload)
    assert again.status == AlumniImport.Status.DONE
    assert again.created_count == 1


def test_the_task_marks_a_crash_as_failed(sectors, monkeypatch):
    from alumni_partner import alumni_import_tasks

    upload = AlumniImport(original_name="a.csv")
    upload.file.save("a.csv", ContentFile(csv_bytes(AMINA)), save=True)

    def crash(alumni_import_, **kwargs):
        alumni_import_.status = AlumniImport.Status.IMPORTING
        alumni_import_.save()
        raise MemoryError("worker out of memory")

    monkeypatch.setattr(alumni_import_tasks, "run_import", crash)
    assert alumni_import_tasks.run(upload.pk, "en") == AlumniImport.Status.FAILED
    upload.refresh_from_db()
    assert upload.status == AlumniImport.Status.FAILED
    assert "worker out of memory" in upload.message and upload.finished_at
    assert alumni_import_tasks.run(999999, "en") == "missing"


def test_progress_is_written_while_checking(sectors, monkeypatch):
    seen = []
    original = AlumniImport.objects.filter

    monkeypatch.setattr(alumni_import, "PROGRESS_EVERY", 3)
    lines = [f"p{n}@example.org,,,,,,,,,,,,,,,," for n in range(7)]
    upload = AlumniImport(original_name="a.csv")
    upload.file.save("a.csv", ContentFile(csv_bytes(*lines)), save=True)

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        update = queryset.update

        def recorded(**values):
            if "processed_rows" in values:
                seen.append(values["processed_rows"])
            return update(**values)

        queryset.update = recorded
        return queryset

    monkeypatch.setattr(AlumniImport.objects, "filter", spy)
    alumni_import.run_import(upload)
    assert seen[:2] == [3, 6] and seen[-1] == 7


# ---------------------------------------------------------------------------
# Small rules
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "degree"),
    [
        ("Master 2 Finance", "master"),
        ("licence pro", "licence"),
        ("Diplôme d'ingénieur", "engineer"),
        ("PhD", "doctorate"),
        ("Doctorat", "doctorate"),
        ("Executive MBA", "mba"),
        ("Semestre d'échange", "exchange"),
        ("BTS", "diploma"),
        ("Engineering degree", "engineer"),
        ("Sorcellerie", None),
    ],
)
def test_degree_words(text, degree):
    assert degree_for(text) == degree


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("Amina", "Amina"),
        (None, ""),
        (2019, "2019"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_template_has_every_column():
    header = alumni_import.template_csv()
    assert header.startswith("\ufeffemail,first_name,last_name,country")
    assert "consent_date" in header
