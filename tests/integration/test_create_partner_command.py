"""``manage.py create_partner NAME --email EMAIL [--sector S] [--country CC]``."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Collection, Locale

from alumni_partner.models import Partner, PartnerPage, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Error messages are compared in English; the site's default is French."""
    with translation.override("en"):
        yield


@pytest.fixture
def energy(site_tree):
    return Sector.objects.create(name="Énergie", locale=Locale.get_default())


def create_partner(*args: str) -> str:
    out = io.StringIO()
    call_command("create_partner", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Partner.objects.count(),
        PartnerPage.objects.count(),
        Group.objects.count(),
        Collection.objects.count(),
        get_user_model().objects.count(),
    )


def test_prints_the_page_id_and_creates_the_page_in_every_locale(
    energy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = create_partner(
            "Helios",
            "--email",
            "Camille@Helios.test",
            "--sector",
            "ÉNERGIE",
            "--country",
            "fr",
            "--first-name",
            "Camille",
        )

    assert re.fullmatch(r"\d+\n", output), output
    page = PartnerPage.objects.get(pk=int(output))
    assert page.title == "Helios"
    assert page.locale == Locale.get_default()
    assert page.sector == energy
    assert page.country.code == "FR"
    assert not page.live, "the partner fills its page before publishing it"

    partner = Partner.objects.get(name="Helios")
    assert partner.page_id == page.pk
    assert partner.group is not None and partner.collection is not None
    user = partner.members.get()
    assert user.email == "camille@helios.test"
    assert not user.has_usable_password()

    in_every_locale = PartnerPage.objects.filter(translation_key=page.translation_key)
    assert set(in_every_locale.values_list("locale__language_code", flat=True)) == set(
        Locale.objects.values_list("language_code", flat=True)
    )
    assert Locale.objects.count() >= 5


def test_invitation_email_carries_a_working_set_password_link(
    site_tree, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        create_partner("Globex", "--email", "ada@globex.test")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@globex.test"]
    assert "Globex" in message.body
    links = re.findall(r"https?://\S+/password_reset/confirm/\S+", message.body)
    assert len(links) == 1, message.body

    path = re.sub(r"^https?://[^/]+", "", links[0])
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url,
        {"new_password1": "a-new-Passw0rd-42", "new_password2": "a-new-Passw0rd-42"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(email="ada@globex.test")
    assert user.check_password("a-new-Passw0rd-42")


def test_no_invitation_option_sends_nothing(
    site_tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        create_partner("Initech", "--email", "bob@initech.test", "--no-invitation")
    assert mail.outbox == []
    assert Partner.objects.filter(name="Initech").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Acme", "--email", "not-an-address"], "Not a valid e-mail address"),
        (["Acme", "--email", "a@acme.test", "--sector", "Astrology"], "Unknown sector"),
        (["Acme", "--email", "a@acme.test", "--country", "XX"], "Unknown country"),
        (["Acme", "--email", "a@acme.test", "--country", "France"], "Unknown country"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(energy, args, message):
    before = counts()
    with pytest.raises(CommandError, match=message):
        create_partner(*args)
    assert counts() == before


def test_a_missing_email_is_refused(site_tree):
    with pytest.raises(CommandError, match="--email"):
        create_partner("Acme")


def test_duplicate_name_is_refused_and_creates_nothing(site_tree):
    create_partner("Acme", "--email", "a@acme.test", "--no-invitation")
    before = counts()
    with pytest.raises(CommandError, match="A partner with this name already exists"):
        create_partner("ACME", "--email", "b@acme.test", "--no-invitation")
    assert counts() == before


def test_duplicate_email_is_refused(site_tree):
    create_partner("Acme", "--email", "a@acme.test", "--no-invitation")
    before = counts()
    with pytest.raises(CommandError, match="e-mail address already exists"):
        create_partner("Globex", "--email", "A@acme.test", "--no-invitation")
    assert counts() == before
