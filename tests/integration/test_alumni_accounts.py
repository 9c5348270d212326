"""Alumni accounts on the public site (django-allauth): sign up, confirm, log in, reset.

Issue 5, build item 1: registration with e-mail confirmation, log in and out,
password reset, all in the site's look, French by default and English under
``/en/``. Mails go through Django's locmem backend (the test settings').
Accounts made by the network (partner users, imported alumni) have no
allauth ``EmailAddress`` row: their address is trusted on first log-in
(``alumni_partner.alumni_accounts``), while a sign-up must be confirmed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from alumni_partner import alumni_accounts
from alumni_partner.models import AlumniProfile
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


NEW_PASSWORD = "Un-nouveau-mot-de-passe-77"
SIGNUP = {
    "first_name": "Nadia",
    "last_name": "Benali",
    "email": "nadia.benali@alumni.test",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


def html_of(response) -> str:
    return response.content.decode()


def link_in(message, fragment: str) -> str:
    """The path of the first link of ``message`` containing ``fragment``."""
    [url] = [w for w in re.findall(r"https?://\S+", message.body) if fragment in w]
    return urlsplit(url).path


def logged_in_user(client):
    return client.get("/").wsgi_request.user


def sign_up(client, **changes):
    return client.post(reverse("account_signup"), {**SIGNUP, **changes})


# --- Sign-up and confirmation ------------------------------------------------


def test_signup_page_asks_names_email_and_two_passwords_labelled(client, site_tree):
    html = html_of(client.get(reverse("account_signup")))
    names = re.findall(r'<input[^>]* name="(\w+)"', html)
    assert [n for n in names if n != "csrfmiddlewaretoken"] == [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
    ]
    for name in ("first_name", "last_name", "email", "password1", "password2"):
        assert f'<label for="id_{name}">' in html
    # The site's own page: its header, menu and stylesheet.
    assert "site.css" in html and 'class="site-header"' in html
    assert '<html lang="fr"' in html


def test_signup_sends_a_confirmation_whose_link_confirms_and_logs_in(client, site_tree):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="nadia.benali@alumni.test")
    assert (user.first_name, user.last_name) == ("Nadia", "Benali")
    # The profile exists from the start, still unverified and not logged in.
    assert AlumniProfile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert not logged_in_user(client).is_authenticated

    [message] = mail.outbox
    assert message.to == ["nadia.benali@alumni.test"]
    # Signed by the network, naming the member (not a generated username).
    assert "France Alumni" in message.body and "Nadia Benali" in message.body
    confirm = link_in(message, "/accounts/confirm-email/")
    # GET shows a confirmation button (a mail scanner following links confirms nothing).
    page = client.get(confirm)
    assert page.status_code == 200 and 'method="post"' in html_of(page)
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(confirm)
    assert response.status_code == 302
    # First log-in: straight to the profile to fill it.
    assert response.url == reverse("alumni_partner:profile")
    assert EmailAddress.objects.get(user=user).verified
    assert logged_in_user(client) == user
    assert client.get(response.url).status_code == 200


def test_signup_errors_are_tied_to_their_fields_and_keep_what_was_typed(
    client, site_tree
):
    response = sign_up(client, password2="something-else-42", last_name="")
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="id_last_name_error"' in html
    assert re.search(r'<input[^>]*aria-describedby="id_last_name_error"', html) or (
        'aria-describedby="id_last_name_error"' in html
    )
    assert 'aria-invalid="true"' in html
    assert 'value="nadia.benali@alumni.test"' in html
    assert not get_user_model().objects.filter(email=SIGNUP["email"]).exists()
    assert mail.outbox == []


def test_signup_with_a_taken_address_creates_nothing(client, site_tree, profile):
    taken = profile.user.email
    sign_up(client, email=taken.upper())
    assert get_user_model().objects.filter(email__iexact=taken).count() == 1


def test_unverified_address_cannot_log_in_and_gets_a_new_link(client, site_tree):
    sign_up(client)
    mail.outbox.clear()

    def log_in():
        fresh = Client()
        response = fresh.post(
            reverse("account_login"),
            {"login": SIGNUP["email"], "password": NEW_PASSWORD},
        )
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        assert not logged_in_user(fresh).is_authenticated

    # Refused; within allauth's cool-down no second mail floods the inbox...
    log_in()
    assert mail.outbox == []
    # ...after it (allauth keeps the cool-down in the cache), a fresh link.
    cache.clear()
    log_in()
    [message] = mail.outbox
    assert "/accounts/confirm-email/" in message.body


def test_a_user_confirmed_without_a_profile_gets_one(client, site_tree):
    user = get_user_model().objects.create_user(
        "late@alumni.test", "late@alumni.test", PASSWORD
    )
    address = EmailAddress.objects.create(
        user=user, email=user.email, primary=True, verified=False
    )
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    [message] = mail.outbox
    client.post(link_in(message, "/accounts/confirm-email/"))
    address.refresh_from_db()
    assert address.verified
    assert AlumniProfile.objects.filter(user=user).exists()


# --- Logging in ------------------------------------------------------------------


def test_an_alumnus_made_by_the_network_logs_in_without_a_confirmation(
    client, site_tree, profile
):
    user = profile.user
    assert not EmailAddress.objects.filter(user=user).exists()
    response = client.post(
        reverse("account_login"), {"login": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/"
    assert logged_in_user(client) == user
    assert mail.outbox == []
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary


def test_partner_user_logs_in_on_the_public_site(client, partner_user):
    response = client.post(
        reverse("account_login"),
        {"login": partner_user.email, "password": PASSWORD, "next": "/partners/"},
    )
    assert response.status_code == 302 and response.url == "/partners/"
    assert logged_in_user(client) == partner_user
    assert EmailAddress.objects.get(user=partner_user).verified
    # Still no alumni profile: partner users are not in the directory.
    assert not AlumniProfile.objects.filter(user=partner_user).exists()


def test_partner_user_who_used_the_admin_first_logs_in_on_the_site(
    client, partner_user
):
    client.post(
        reverse("wagtailadmin_login"),
        {"username": partner_user.email, "password": PASSWORD},
    )
    # allauth's e-mail page would record an unknown address as unverified.
    assert client.get(reverse("account_email")).status_code == 200
    assert EmailAddress.objects.get(user=partner_user).verified
    client.post(reverse("account_logout"))
    fresh = Client()
    response = fresh.post(
        reverse("account_login"), {"login": partner_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/"
    assert logged_in_user(fresh) == partner_user
    assert mail.outbox == []


def test_an_address_stored_with_capitals_logs_in(client, site_tree):
    user = get_user_model().objects.create_user(
        "Bill.Lumbergh@Initech.TEST", "Bill.Lumbergh@Initech.TEST", PASSWORD
    )
    response = client.post(
        reverse("account_login"),
        {"login": "bill.lumbergh@initech.test", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert logged_in_user(client) == user


def test_an_inactive_account_cannot_log_in(client, site_tree, profile):
    profile.user.is_active = False
    profile.user.save()
    client.post(
        reverse("account_login"),
        {"login": profile.user.email, "password": PASSWORD},
    )
    assert not logged_in_user(client).is_authenticated
    assert not EmailAddress.objects.filter(user=profile.user, verified=True).exists()


def test_login_page_is_french_by_default_and_english_under_en(client, site_tree):
    french = html_of(client.get(reverse("account_login")))
    assert '<html lang="fr"' in french and "Connexion" in french
    english = html_of(client.get("/en/accounts/login/"))
    assert '<html lang="en"' in english and "Sign In" in english
    assert 'href="/en/accounts/signup/' in english


def test_logging_in_after_a_redirect_to_the_profile_comes_back(client, profile):
    response = client.get(reverse("alumni_partner:profile"))
    assert response.status_code == 302
    login = response.url
    assert login.startswith(reverse("account_login"))
    response = client.post(
        login,
        {
            "login": profile.user.email,
            "password": PASSWORD,
            "next": "/accounts/profile/",
        },
    )
    assert response.url == reverse("alumni_partner:profile")


# --- Password reset ------------------------------------------------------------


def reset_password(client, email: str, password: str = NEW_PASSWORD):
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [email.lower()] or message.to == [email]
    link = link_in(message, "/accounts/password/reset/key/")
    response = client.get(link)
    assert response.status_code == 302  # to the same page without the key in it
    form_url = response.url
    response = client.post(form_url, {"password1": password, "password2": password})
    assert response.status_code == 302, html_of(response)
    return message


def test_password_reset_mail_sets_a_new_password(client, site_tree, profile):
    message = reset_password(client, profile.user.email)
    assert "/accounts/password/reset/key/" in message.body
    fresh = Client()
    refused = fresh.post(
        reverse("account_login"), {"login": profile.user.email, "password": PASSWORD}
    )
    assert refused.status_code == 200
    fresh.post(
        reverse("account_login"),
        {"login": profile.user.email, "password": NEW_PASSWORD},
    )
    assert logged_in_user(fresh) == profile.user


@pytest.mark.parametrize("import_row", [False, True], ids=["no-row", "unverified-row"])
def test_an_imported_alumnus_without_password_sets_one_and_logs_in(
    client, site_tree, make_alumnus, import_row
):
    imported = make_alumnus(first_name="Ivo", last_name="Import")
    user = imported.user
    user.set_unusable_password()
    user.save()
    if import_row:
        # Whatever the import recorded: here an unverified address.
        EmailAddress.objects.create(user=user, email=user.email, verified=False)
    reset_password(client, user.email)
    assert EmailAddress.objects.get(user=user).verified
    fresh = Client()
    response = fresh.post(
        reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/"
    assert logged_in_user(fresh) == user


def test_password_reset_for_an_unknown_address_reveals_nothing(client, site_tree):
    response = client.post(
        reverse("account_reset_password"), {"email": "nobody@nowhere.test"}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    # allauth tells the address's owner that no account uses it, nothing more.
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


# --- The rules, without HTTP ---------------------------------------------------


def test_profile_for_creates_a_profile_except_for_partner_users(partner_user, alumnus):
    assert alumni_accounts.profile_for(partner_user) is None
    assert not AlumniProfile.objects.filter(user=partner_user).exists()
    assert alumni_accounts.profile_for(alumnus, create=False) is None
    created = alumni_accounts.profile_for(alumnus)
    assert created.user == alumnus
    assert alumni_accounts.profile_for(alumnus) == created


def test_trust_network_address_never_overrides_a_sign_up_row(alumnus):
    EmailAddress.objects.create(user=alumnus, email=alumnus.email, verified=False)
    assert alumni_accounts.trust_network_address(alumnus) is False
    assert not EmailAddress.objects.get(user=alumnus).verified
