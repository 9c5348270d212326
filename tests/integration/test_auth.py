"""Logging in: by e-mail address, throttled, and "Mot de passe oublié" end to end.

Guide 2.4 ("Mail (votre login)") and DESIGN.md §4: partner users log in with
their e-mail address; repeated failures are throttled by django-axes; the
password reset mail goes through a real SMTP server (aiosmtpd).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-nouveau-mot-de-passe-77"
LOCKOUT_MESSAGE = (
    "Too many failed login attempts. For your security, signing in with this "
    "address is blocked for a while. Please try again in a few minutes."
)


def login(client, username, password, **extra):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def logged_in_user(client):
    return client.get(reverse("wagtailadmin_home")).wsgi_request.user


def test_login_page_asks_for_the_email_and_offers_password_reset(client, site_tree):
    body = client.get(reverse("wagtailadmin_login")).content.decode()
    assert 'autocomplete="email"' in body
    assert reverse("wagtailadmin_password_reset") in body


@pytest.mark.parametrize(
    "typed", ["contact@acme.test", "Contact@ACME.test", "  contact@acme.test "]
)
def test_partner_logs_in_with_its_email_in_any_case(client, partner_user, typed):
    response = login(client, typed, PASSWORD)
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert logged_in_user(client) == partner_user


def test_username_still_works_for_staff_accounts(client, site_tree):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(
        "admin", "admin@alumni.test", PASSWORD
    )
    assert login(client, "admin", PASSWORD).status_code == 302
    assert logged_in_user(client) == admin


def test_wrong_password_shows_an_error_and_does_not_log_in(client, partner_user):
    response = login(client, partner_user.email, "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "error" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_unknown_address_gets_the_same_error(client, partner_user):
    wrong = login(Client(), partner_user.email, "not-the-password")
    unknown = login(client, "nobody@nowhere.test", "not-the-password")
    assert unknown.status_code == 200
    assert (
        unknown.context["form"].non_field_errors()
        == wrong.context["form"].non_field_errors()
    )


def test_user_without_password_cannot_log_in(client, make_partner):
    from alumni_partner.onboarding import NewPartner, onboard_partner

    partner = onboard_partner(
        NewPartner(name="Nopass", email="nopass@x.test"), send_invitation=False
    )
    user = partner.members.get()
    assert not user.has_usable_password()
    assert login(client, user.email, "").status_code == 200
    assert login(client, user.email, "!").status_code == 200
    assert not logged_in_user(client).is_authenticated


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_login_with_a_clear_page(client, partner_user):
    for _attempt in range(2):
        response = login(client, partner_user.email, "wrong")
        assert response.status_code == 200  # the form, with its error
    response = login(client, partner_user.email, "wrong")
    assert response.status_code == 429

    # Locked: even the right password is refused now, with the lockout page.
    response = login(client, partner_user.email, PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    with translation.override("fr"):
        expected = translation.gettext(LOCKOUT_MESSAGE)
        title = translation.gettext("Too many failed login attempts")
    assert expected.replace("'", "&#x27;") in body
    assert f"<h1>{title}</h1>" in body
    assert 'lang="fr"' in body
    assert reverse("wagtailadmin_login") in body
    assert not logged_in_user(client).is_authenticated
    assert AccessAttempt.objects.filter(username=partner_user.email).exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_counts_every_spelling_of_an_address_as_one(client, partner_user):
    for typed in ("contact@acme.test", "CONTACT@acme.test", "Contact@Acme.Test"):
        login(client, typed, "wrong")
    response = login(client, "contact@ACME.TEST", PASSWORD)
    assert response.status_code == 429
    assert not logged_in_user(client).is_authenticated


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_is_per_address_and_device(client, partner_user, make_partner):
    other = make_partner("Globex").members.get()
    for _attempt in range(3):
        login(client, partner_user.email, "wrong")
    # Another address from the same device, the same address from elsewhere.
    assert login(Client(), other.email, PASSWORD).status_code == 302
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert login(elsewhere, partner_user.email, PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_successful_login_resets_the_failure_count(client, partner_user):
    login(client, partner_user.email, "wrong")
    login(client, partner_user.email, "wrong")
    assert login(client, partner_user.email, PASSWORD).status_code == 302
    client.post(reverse("wagtailadmin_logout"))
    login(client, partner_user.email, "wrong")
    login(client, partner_user.email, "wrong")
    assert login(client, partner_user.email, PASSWORD).status_code == 302


# ---------------------------------------------------------------------------
# "Mot de passe oublié"
# ---------------------------------------------------------------------------


def reset_link(smtp_server, message) -> str:
    body = smtp_server.body(message)
    [url] = [w for w in body.split() if "/admin/password_reset/confirm/" in w]
    return urlsplit(url).path


def test_forgotten_password_works_end_to_end_with_a_real_smtp_server(
    client, partner_user, smtp_server
):
    response = client.post(
        reverse("wagtailadmin_password_reset"), {"email": "CONTACT@acme.test"}
    )
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_password_reset_done")

    [message] = smtp_server.wait_for(1)
    assert message["To"] == partner_user.email
    assert smtp_server.envelopes[0].rcpt_tos == [partner_user.email]
    assert "noreply@alumni.example.org" in message["From"]
    link = reset_link(smtp_server, message)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    set_password_url = response.redirect_chain[-1][0]
    assert 'name="new_password1"' in response.content.decode()
    response = client.post(
        set_password_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_password_reset_complete")

    fresh = Client()
    assert login(fresh, partner_user.email, PASSWORD).status_code == 200  # old one
    assert login(fresh, partner_user.email, NEW_PASSWORD).status_code == 302
    assert logged_in_user(fresh) == partner_user

    # The link was for one use.
    again = Client().get(link, follow=True)
    assert 'name="new_password1"' not in again.content.decode()


def test_forgotten_password_for_an_unknown_address_sends_nothing(
    client, partner_user, smtp_server
):
    response = client.post(
        reverse("wagtailadmin_password_reset"), {"email": "nobody@nowhere.test"}
    )
    # Same answer as for a known address: nothing tells who has an account.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_password_reset_done")
    assert smtp_server.messages == []


def test_weak_new_password_is_refused(client, partner_user, smtp_server):
    client.post(reverse("wagtailadmin_password_reset"), {"email": partner_user.email})
    link = reset_link(smtp_server, smtp_server.wait_for(1)[0])
    response = client.get(link, follow=True)
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    partner_user.refresh_from_db()
    assert partner_user.check_password(PASSWORD)


PARTNER_RESET_FORM = "alumni_partner.forms.accounts.PartnerPasswordResetForm"


@override_settings(WAGTAILADMIN_USER_PASSWORD_RESET_FORM=PARTNER_RESET_FORM)
def test_invited_user_whose_link_expired_can_use_forgotten_password(
    client, site_tree, smtp_server
):
    from alumni_partner.onboarding import NewPartner, onboard_partner

    partner = onboard_partner(
        NewPartner(name="Initech", email="bill@initech.test"), send_invitation=False
    )
    user = partner.members.get()
    assert not user.has_usable_password()
    client.post(reverse("wagtailadmin_password_reset"), {"email": "Bill@Initech.test"})
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "bill@initech.test"
    response = client.get(reset_link(smtp_server, message), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert login(Client(), "bill@initech.test", NEW_PASSWORD).status_code == 302


@override_settings(WAGTAILADMIN_USER_PASSWORD_RESET_FORM=PARTNER_RESET_FORM)
def test_a_disabled_password_is_not_reset_by_mail(partner_user, client, smtp_server):
    """A user who has logged in before and whose password was disabled stays so."""
    from django.utils import timezone

    partner_user.set_unusable_password()
    partner_user.last_login = timezone.now()
    partner_user.save()
    client.post(reverse("wagtailadmin_password_reset"), {"email": partner_user.email})
    assert smtp_server.messages == []


# ---------------------------------------------------------------------------
# The public site's log-in (django-allauth) is throttled by the same counts
# ---------------------------------------------------------------------------


def public_login(client, login_value, password):
    return client.post(
        reverse("account_login"), {"login": login_value, "password": password}
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_public_login_too(client, partner_user):
    for _attempt in range(2):
        response = public_login(client, partner_user.email, "wrong")
        assert response.status_code == 200  # the form, with its error
        assert response.context["form"].non_field_errors()
    assert public_login(client, partner_user.email, "wrong").status_code == 429

    response = public_login(client, partner_user.email, PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    with translation.override("fr"):
        title = translation.gettext("Too many failed login attempts")
    assert f"<h1>{title}</h1>" in body
    assert f'href="{reverse("account_login")}"' in body
    assert not logged_in_user(client).is_authenticated
    assert AccessAttempt.objects.filter(username=partner_user.email).exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_admin_and_public_failures_count_against_one_address(client, partner_user):
    login(client, "contact@acme.test", "wrong")
    public_login(client, "CONTACT@acme.test", "wrong")
    public_login(client, "Contact@Acme.Test", "wrong")
    # Locked on both forms, whatever the spelling.
    assert public_login(client, "contact@acme.test", PASSWORD).status_code == 429
    assert login(client, "contact@ACME.test", PASSWORD).status_code == 429
    assert not logged_in_user(client).is_authenticated
    assert AccessAttempt.objects.count() == 1


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_successful_public_login_resets_the_failure_count(client, partner_user):
    public_login(client, partner_user.email, "wrong")
    public_login(client, partner_user.email, "wrong")
    assert public_login(client, partner_user.email, PASSWORD).status_code == 302
    client.post(reverse("account_logout"))
    public_login(client, partner_user.email, "wrong")
    public_login(client, partner_user.email, "wrong")
    assert public_login(client, partner_user.email, PASSWORD).status_code == 302
