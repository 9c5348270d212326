"""``manage.py alumni_personal_data``: staff answer a GDPR request by e-mail."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from alumni_partner.models import AlumniProfile

pytestmark = pytest.mark.django_db


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("alumni_personal_data", *arguments, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_finds_the_alumnus_by_address_in_any_case(make_alumnus):
    profile = make_alumnus("Lina", "Haddad", email="lina@alumni.test", city="Beyrouth")
    data = json.loads(run("export", "LINA@alumni.test"))
    assert data["account"]["email"] == "lina@alumni.test"
    assert data["profile"]["city"] == "Beyrouth"
    assert data["profile"]["public_id"] == str(profile.public_id)


def test_export_to_a_file_only_its_owner_reads(make_alumnus, tmp_path):
    make_alumnus("Lina", "Haddad", email="lina@alumni.test")
    output = tmp_path / "lina.json"
    run("export", "lina@alumni.test", "--output", str(output))
    assert json.loads(output.read_text())["account"]["email"] == "lina@alumni.test"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600


def test_erase_removes_the_account_and_its_profile(make_alumnus):
    profile = make_alumnus("Lina", "Haddad", email="lina@alumni.test")
    assert "Erased the account of lina@alumni.test" in run(
        "erase", "lina@alumni.test", "--yes"
    )
    assert not get_user_model().objects.filter(email="lina@alumni.test").exists()
    assert not AlumniProfile.objects.filter(pk=profile.pk).exists()


def test_erase_without_yes_asks_and_keeps_everything_when_not_asked(make_alumnus):
    make_alumnus("Lina", "Haddad", email="lina@alumni.test")
    with pytest.raises(CommandError, match="--yes"):
        run("erase", "lina@alumni.test")
    assert get_user_model().objects.filter(email="lina@alumni.test").exists()


def test_a_partner_user_is_not_erased_here(partner_user):
    with pytest.raises(CommandError, match="opens the partner space"):
        run("erase", partner_user.email, "--yes")
    assert get_user_model().objects.filter(pk=partner_user.pk).exists()


def test_an_unknown_address_is_said(db):
    with pytest.raises(CommandError, match="No account with the address"):
        run("export", "nobody@alumni.test")
