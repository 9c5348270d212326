"""``manage.py import_alumni FILE.csv``: output and exit status."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alumni_partner.models import AlumniImport, AlumniProfile

pytestmark = pytest.mark.django_db

GOOD = "email;prénom;nom;pays\r\namina@example.org;Amina;Diallo;SN\r\n"


def write(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "alumni.csv"
    path.write_bytes(text.encode(encoding))
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_alumni", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_and_prints_a_summary(site_tree, tmp_path):
    out, err = run(write(tmp_path, GOOD))
    assert "1 created" in out and "0 with errors" in out
    assert not err
    assert AlumniProfile.objects.get().user.first_name == "Amina"
    # Again: updated, not duplicated.
    out, _err = run(write(tmp_path, GOOD))
    assert "0 created, 1 updated" in out
    assert AlumniProfile.objects.count() == 1
    assert AlumniImport.objects.count() == 2


def test_invalid_lines_are_printed_and_fail_the_command(site_tree, tmp_path):
    text = GOOD + "not-an-email;X;Y;FR\r\nbob@example.org;Bob;B;Atlantis\r\n"
    path = write(tmp_path, text)
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_alumni", str(path), stdout=StringIO(), stderr=err)
    printed = err.getvalue()
    assert "line 3, email (not-an-email)" in printed
    assert "line 4, pays (bob@example.org)" in printed and "Atlantis" in printed
    assert "2 with errors" in str(failure.value)
    assert "Error report:" in str(failure.value)
    assert not AlumniProfile.objects.exists()


def test_skip_invalid_imports_the_rest(site_tree, tmp_path):
    path = write(tmp_path, GOOD + "not-an-email;X;Y;FR\r\n")
    out, err = run(path, "--skip-invalid")
    assert "1 created" in out and "1 with errors" in out
    assert "line 3" in err
    assert AlumniProfile.objects.count() == 1


def test_max_errors_limits_the_output(site_tree, tmp_path):
    lines = "".join(f"bad{n};;;\r\n" for n in range(5))
    path = write(tmp_path, "email;prénom;nom;pays\r\n" + lines)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_alumni",
            str(path),
            "--max-errors",
            "2",
            stdout=StringIO(),
            stderr=err,
        )
    assert err.getvalue().count("line ") == 2
    assert "5 lines with errors in all" in err.getvalue()


def test_a_file_level_failure_fails_the_command(site_tree, tmp_path):
    with pytest.raises(CommandError) as failure:
        run(write(tmp_path, "nom;ville\r\nAmina;Dakar\r\n"))
    assert "email" in str(failure.value)
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "missing.csv")


def test_exit_status_of_the_real_command(tmp_path):
    """A shell script sees the failure: non-zero exit, the reason on stderr."""
    path = write(tmp_path, "nom;ville\r\nAmina;Dakar\r\n")
    missing = subprocess.run(
        [sys.executable, "manage.py", "import_alumni", str(tmp_path / "none.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode != 0
    assert "No such file" in missing.stderr
    assert path.exists()
