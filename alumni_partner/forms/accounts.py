"""Account forms: log in by e-mail, personal details (guide 2.4)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from ..models import PersonalDetails


class EmailLoginForm(LoginForm):
    """Wagtail's login form, asking for the e-mail address ("votre login")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs.update(
            {"placeholder": _("Enter your e-mail address"), "autocomplete": "email"}
        )


class PersonalDetailsForm(forms.ModelForm):
    """Civility, telephone and fax; names, e-mail and password have their own panels."""

    class Meta:
        model = PersonalDetails
        fields = ["civility", "phone", "fax"]
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "fax": forms.TextInput(attrs={"type": "tel"}),
        }
