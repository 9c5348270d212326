"""Account forms: log in by e-mail, personal details (guide 2.4)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm, PasswordResetForm

from ..models import PersonalDetails


class EmailLoginForm(LoginForm):
    """Wagtail's login form, asking for the e-mail address ("votre login")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs.update(
            {"placeholder": _("Enter your e-mail address"), "autocomplete": "email"}
        )

    def clean_username(self):
        """One spelling per address: ``Bill@X.test`` and ``bill@x.test`` are one login.

        django-axes counts failures per submitted username: without this, each
        upper/lower-case variant of an address got its own failure allowance.
        Plain usernames (without ``@``) stay case-sensitive, as in Django.
        """
        username = self.cleaned_data.get("username") or ""
        if "@" in username:
            username = username.strip().lower()
        return username


class PartnerPasswordResetForm(PasswordResetForm):
    """ "Mot de passe oublié", also for a partner user who never set a password.

    Django mails only users with a usable password, so a partner user whose
    invitation link expired got nothing. Such a user (active, member of a
    partner, never logged in) gets the same link as the invitation. Enabled by
    ``WAGTAILADMIN_USER_PASSWORD_RESET_FORM`` in the demo site's settings.
    """

    def get_users(self, email):
        found = list(super().get_users(email))
        yield from found
        invited = (
            get_user_model()
            ._default_manager.filter(
                email__iexact=email,
                is_active=True,
                last_login__isnull=True,
                partners__isnull=False,
            )
            .exclude(pk__in=[user.pk for user in found])
            .distinct()
        )
        for user in invited:
            if not user.has_usable_password():
                yield user


class PersonalDetailsForm(forms.ModelForm):
    """Civility, telephone and fax; names, e-mail and password have their own panels.

    ``new_email`` is the address typed in Wagtail's name/e-mail panel of the
    same account page: it is refused if another account logs in with it.
    """

    def __init__(self, *args, new_email=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_email = (new_email or "").strip()

    def clean(self):
        cleaned = super().clean()
        if self.new_email and self.instance.user_id:
            taken = (
                get_user_model()
                ._default_manager.filter(
                    Q(email__iexact=self.new_email) | Q(username__iexact=self.new_email)
                )
                .exclude(pk=self.instance.user_id)
                .exists()
            )
            if taken:
                message = _("The address %(email)s is already used by another account.")
                raise forms.ValidationError(
                    message % {"email": self.new_email}, code="email_taken"
                )
        return cleaned

    class Meta:
        model = PersonalDetails
        fields = ["civility", "phone", "fax"]
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "fax": forms.TextInput(attrs={"type": "tel"}),
        }
