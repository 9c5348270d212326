"""How django-allauth creates, confirms and logs in the public site's members.

``ACCOUNT_ADAPTER`` points here. The rules themselves live in
:mod:`alumni_partner.alumni_accounts`; this adapter calls them at the right
moments of allauth's flows.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from . import alumni_accounts
from .models import AlumniProfile


def home_url() -> str:
    """The home page in the active language (``/``, ``/en/``...)."""
    return reverse("wagtail_serve", args=[""])


class AlumniAccountAdapter(DefaultAccountAdapter):
    """Every account signed up on the public site is an alumnus with a profile.

    Accounts the network made (partner users, imported alumni, staff) log in
    without a confirmation mail: their address is trusted on first log-in (see
    :func:`alumni_partner.alumni_accounts.trust_network_address`). Redirects
    without a ``next`` go to the home page in the visitor's language, and a
    new member's first log-in (on confirming the address) to the profile page.
    """

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            AlumniProfile.for_user(user)
        return user

    def confirm_email(self, request, email_address) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed and email_address.user_id:
            # An account created without a profile (by hand, or before the
            # adapter made one) is an alumnus's once its owner confirms it.
            alumni_accounts.profile_for(email_address.user)
        return confirmed

    def pre_login(self, request, user, **kwargs):
        response = super().pre_login(request, user, **kwargs)
        if response is None and user.is_active:
            # Before allauth's e-mail verification stage looks at the address.
            alumni_accounts.trust_network_address(user)
        return response

    def get_login_redirect_url(self, request) -> str:
        return home_url()

    def get_logout_redirect_url(self, request) -> str:
        return home_url()

    def get_signup_redirect_url(self, request) -> str:
        # Confirmed and logged in for the first time: the profile is next.
        return reverse("alumni_partner:profile")
