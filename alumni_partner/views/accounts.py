"""Public log in and log out of the site's members (alumni), by e-mail address.

The admin has its own login page; this one is the site's, in the visitor's
language. ``next`` is honoured only when it points to this site (Django's
``url_has_allowed_host_and_scheme``); logging out is a POST.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse

from ..forms.accounts import EmailLoginForm


def home_url() -> str:
    """The home page in the active language (``/``, ``/en/``...)."""
    return reverse("wagtail_serve", args=[""])


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "alumni_partner/accounts/login.html"
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Wagtail's "remember me" is the admin's; the site keeps Django's session.
        form.fields.pop("remember", None)
        form.fields["username"].widget.attrs.setdefault("autocomplete", "email")
        form.fields["password"].widget.attrs["autocomplete"] = "current-password"
        return form

    def get_default_redirect_url(self):
        return home_url()


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule); back to ``next`` or to the home page."""

    def get_default_redirect_url(self):
        return home_url()
