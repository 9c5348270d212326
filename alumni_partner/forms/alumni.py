"""Forms of alumni accounts and profiles."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AlumniSignupForm(forms.Form):
    """Names asked at sign-up, besides django-allauth's e-mail and passwords."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])
