"""Personal information (guide 2.4): civility, names, phone, fax, e-mail, password.

Wagtail's account page with the plugin's "Personal information" panel beside
Wagtail's name/e-mail and password panels; required fields are marked with *,
saving shows a confirmation.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import querydict_from_html

from alumni_partner.models import PersonalDetails
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ACCOUNT = "/admin/account/"
SAVED = "Your account settings have been changed successfully!"


def account_form(client) -> dict:
    """The account page's form data, as the browser would post it unchanged."""
    html = client.get(ACCOUNT).content.decode()
    forms = WagtailTestUtils.get_soup(html).find_all("form")
    index = next(
        i
        for i, form in enumerate(forms)
        if form.find(attrs={"name": "name_email-email"})
    )
    return querydict_from_html(html, form_index=index)


NAMES = {"name_email-first_name": "Wile", "name_email-last_name": "Coyote"}


def save(client, **changes):
    """Post the account form with ``changes``; names are required, so filled."""
    data = account_form(client)
    for name, value in NAMES.items():
        data[name] = data.get(name) or value
    for name, value in changes.items():
        data[name] = value
    return client.post(ACCOUNT, data)


def test_account_page_has_the_personal_information_panel(partner_user, partner_client):
    assert reverse("wagtailadmin_account") == ACCOUNT
    response = partner_client.get(ACCOUNT)
    assert response.status_code == 200
    html = response.content.decode()
    for field in (
        "personal_details-civility",
        "personal_details-phone",
        "personal_details-fax",
        "name_email-first_name",
        "name_email-last_name",
        "name_email-email",
    ):
        assert f'name="{field}"' in html, field
    with translation.override("fr"):
        assert translation.gettext("Personal information") in html
    # Civility offers the model's choices.
    for value, _label in PersonalDetails.Civility.choices:
        assert f'value="{value}"' in html
    # The password is changed on the same page.
    assert "password" in html.lower()


def test_required_fields_are_marked_with_a_star(partner_client):
    html = partner_client.get(ACCOUNT).content.decode()
    for field in ("name_email-first_name", "name_email-last_name", "name_email-email"):
        label = re.search(
            rf'<label[^>]*for="id_{field}"[^>]*>(.*?)</label>', html, re.S
        )
        assert label, field
        assert "*" in label.group(1), (field, label.group(1))
    for field in ("personal_details-phone", "personal_details-fax"):
        label = re.search(
            rf'<label[^>]*for="id_{field}"[^>]*>(.*?)</label>', html, re.S
        )
        assert label and "*" not in label.group(1), field


def test_saving_personal_information_shows_a_confirmation(partner_user, partner_client):
    response = save(
        partner_client,
        **{
            "personal_details-civility": "ms",
            "personal_details-phone": "+33 1 23 45 67 89",
            "personal_details-fax": "+33 1 23 45 67 00",
            "name_email-first_name": "Wile",
            "name_email-last_name": "Coyote",
        },
    )
    assert response.status_code == 302
    assert response.url == ACCOUNT
    with translation.override("fr"):
        expected = translation.gettext(SAVED)
    assert expected in [str(m).strip() for m in get_messages(response.wsgi_request)]

    details = PersonalDetails.objects.get(user=partner_user)
    assert (details.civility, details.phone, details.fax) == (
        "ms",
        "+33 1 23 45 67 89",
        "+33 1 23 45 67 00",
    )
    partner_user.refresh_from_db()
    assert (partner_user.first_name, partner_user.last_name) == ("Wile", "Coyote")

    html = partner_client.get(ACCOUNT).content.decode()
    assert expected.replace("!", "") in html.replace("&#x27;", "'")
    assert 'value="+33 1 23 45 67 89"' in html


@pytest.mark.parametrize(
    "field", ["name_email-first_name", "name_email-last_name", "name_email-email"]
)
def test_missing_required_field_is_an_error_and_nothing_is_saved(
    partner_user, partner_client, field
):
    response = save(
        partner_client, **{field: "", "personal_details-phone": "+33 9 99 99 99 99"}
    )
    assert response.status_code == 200
    assert 'class="error-message"' in response.content.decode() or "error" in (
        response.content.decode()
    )
    assert PersonalDetails.objects.get(user=partner_user).phone == ""
    partner_user.refresh_from_db()
    assert partner_user.email == "contact@acme.test"


def test_malformed_email_is_refused(partner_user, partner_client):
    response = save(partner_client, **{"name_email-email": "not-an-address"})
    assert response.status_code == 200
    partner_user.refresh_from_db()
    assert partner_user.email == "contact@acme.test"


def test_changing_the_email_changes_the_login(partner_user, partner_client):
    response = save(partner_client, **{"name_email-email": "wile@acme.test"})
    assert response.status_code == 302
    partner_user.refresh_from_db()
    assert partner_user.email == "wile@acme.test"

    client = Client()
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "Wile@Acme.test", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(ACCOUNT).wsgi_request.user == partner_user


def test_email_of_another_account_is_refused(
    partner_user, partner_client, make_partner, editor
):
    other = make_partner("Globex").members.get()
    for taken in (other.email.upper(), editor.email):
        response = save(partner_client, **{"name_email-email": taken})
        assert response.status_code == 200, taken
        with translation.override("fr"):
            expected = translation.gettext(
                "The address %(email)s is already used by another account."
            ) % {"email": taken}
        assert escape(expected) in response.content.decode()
        partner_user.refresh_from_db()
        assert partner_user.email == "contact@acme.test"

    # Logging in with the other account's address still reaches that account.
    client = Client()
    client.post(
        reverse("wagtailadmin_login"), {"username": other.email, "password": PASSWORD}
    )
    assert client.get(ACCOUNT).wsgi_request.user == other


def test_changing_the_password_on_the_account_page(partner_user, partner_client):
    html = partner_client.get(ACCOUNT).content.decode()
    names = set(re.findall(r'name="(password-[^"]+)"', html))
    assert {
        "password-old_password",
        "password-new_password1",
        "password-new_password2",
    } <= names
    response = save(
        partner_client,
        **{
            "password-old_password": PASSWORD,
            "password-new_password1": "Encore-un-mot-de-passe-88",
            "password-new_password2": "Encore-un-mot-de-passe-88",
        },
    )
    assert response.status_code == 302
    partner_user.refresh_from_db()
    assert partner_user.check_password("Encore-un-mot-de-passe-88")
    # Still logged in after changing the password.
    assert partner_client.get(ACCOUNT).wsgi_request.user == partner_user


def test_account_page_works_for_an_editor_without_personal_details(
    editor_client, editor
):
    PersonalDetails.objects.filter(user=editor).delete()
    assert editor_client.get(ACCOUNT).status_code == 200
    response = save(editor_client, **{"personal_details-civility": "mx"})
    assert response.status_code == 302
    assert PersonalDetails.objects.get(user=editor).civility == "mx"
