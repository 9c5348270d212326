"""Log in with an e-mail address (guide 2.4: "Mail (votre login)")."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Authenticates by e-mail address, case-insensitively; usernames still work.

    The admin's form passes ``username``; the public site's (django-allauth)
    passes ``email``: both are looked up here, so that an address stored as
    ``Bill@Initech.TEST`` logs in from either form on every database (allauth's
    own backend compares addresses exactly, which PostgreSQL does by case).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email")
        if username is None or password is None:
            return None
        User = get_user_model()
        candidates = User._default_manager.filter(email__iexact=username.strip())
        user = candidates.first() if candidates.count() == 1 else None
        if user is None:
            user = User._default_manager.filter(username=username).first()
        if user is None:
            # Same cost as a real check, so timing does not reveal addresses.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """The address django-axes counts failures against, in one spelling.

    The admin's form posts ``username``; django-allauth's posts ``login`` and
    authenticates with ``email``. Without one key per address, each form (and
    each upper/lower-case variant) got its own failure allowance.
    """
    credentials = credentials or {}
    value = (
        credentials.get("username")
        or credentials.get("email")
        or request.POST.get("login")
        or request.POST.get("username")
        or ""
    )
    value = str(value).strip()
    return value.lower() if "@" in value else value
