"""How django-allauth creates and greets alumni accounts."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from .models import AlumniProfile


class AlumniAccountAdapter(DefaultAccountAdapter):
    """Every account signed up on the public site is an alumnus with a profile."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            AlumniProfile.for_user(user)
        return user
