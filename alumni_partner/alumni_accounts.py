"""Alumni accounts: who has an alumni profile, and which addresses are trusted.

**Profiles.** Every member of the public site who is not a partner user is an
alumnus and owns an :class:`~alumni_partner.models.AlumniProfile`. Sign-up
creates it (``accounts_adapter``); an account made another way (the admin, an
e-mail confirmed later, an editor) gets it on first use through
:func:`profile_for`. Partner users speak for an organisation, not for
themselves: they never get one, so they never appear in the directory.

**Addresses the network vouches for.** The site runs django-allauth with
mandatory e-mail verification: an account whose address has no *verified*
``EmailAddress`` row is refused at log-in, and allauth even creates an
unverified row on the fly and mails a confirmation link instead of logging the
person in. Accounts that the network made rather than their owner — partner
users (onboarding), imported alumni (the bulk import), staff accounts (the
admin) — have no row at all: their address was given by the network, which is
how the invitation or the "forgotten password" mail reaches its owner. Such an
address is trusted: the first time the account logs in (on the public site or
in the admin), it is recorded as verified and primary
(:func:`trust_network_address`). An account made by sign-up always has its row
from the start, unverified until the link of the confirmation mail is
followed, so this does not weaken the check of sign-up.

A password reset by e-mail link proves that the person reads the mailbox, so
it verifies the account's address as well (:func:`verify_after_password_reset`):
an imported alumnus who never had a password sets one with "Mot de passe
oublié" and logs in, whatever the import recorded.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in
from django.db import IntegrityError, transaction
from django.dispatch import receiver

from .models import AlumniProfile


def is_partner_user(user) -> bool:
    """Whether ``user`` works for a partner organisation (a member of a ``Partner``)."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return False
    return user.partners.exists()


def user_display(user) -> str:
    """How allauth names a member (messages, mails): full name, else address.

    ``ACCOUNT_USER_DISPLAY`` points here; allauth's default, the username, is
    a generated word that the member never chose.
    """
    return (user.get_full_name() or "").strip() or user.email or user.get_username()


def profile_for(user, *, create: bool = True) -> AlumniProfile | None:
    """The alumni profile of ``user``; ``None`` for partner users and visitors.

    A member without a profile who is not a partner user gets an empty one
    (``create=False`` only looks).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    profile = AlumniProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    if not create or is_partner_user(user):
        return None
    return AlumniProfile.for_user(user)


def trust_network_address(user) -> bool:
    """Record the address of an account the network made as verified.

    Only for an account without any ``EmailAddress`` row (see the module's
    docstring); returns whether a row was created.
    """
    email = (user.email or "").strip()
    if not email or EmailAddress.objects.filter(user=user).exists():
        return False
    try:
        with transaction.atomic():
            EmailAddress.objects.create(
                user=user, email=email.lower(), verified=True, primary=True
            )
    except IntegrityError:
        # Another account holds this address as verified: nothing is vouched for.
        return False
    return True


def verify_after_password_reset(user) -> None:
    """The reset link reached the account's address: record it as verified."""
    email = (user.email or "").strip()
    if not email:
        return
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        trust_network_address(user)
        return
    if not address.verified:
        try:
            with transaction.atomic():
                address.verified = True
                if not EmailAddress.objects.filter(user=user, primary=True).exists():
                    address.primary = True
                address.save(update_fields=["verified", "primary"])
        except IntegrityError:
            # Verified by another account meanwhile: leave both as they are.
            pass


@receiver(password_reset, dispatch_uid="alumni_partner.verify_after_password_reset")
def _verify_after_password_reset(sender, request, user, **kwargs) -> None:
    verify_after_password_reset(user)


@receiver(user_logged_in, dispatch_uid="alumni_partner.trust_network_address")
def _trust_on_any_login(sender, request, user, **kwargs) -> None:
    # Logging in to the admin too: otherwise allauth's e-mail page, opened
    # afterwards, would record the address as unverified and the next log-in
    # on the public site would ask a partner user to confirm it.
    trust_network_address(user)
