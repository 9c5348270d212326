"""Alumni follow partner pages: the default audience of the partner's mailings.

One rule, called by the partner page's button, the profile page's list and
tests alike: an alumnus (a member with an alumni profile, created on first use
for anyone who is not a partner user) may follow the partner of any live
partner page; partner users speak for an organisation and may not.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .alumni_accounts import is_partner_user, profile_for
from .models import AlumniProfile, Partner, PartnerFollow


class CannotFollow(Exception):
    """Following was refused for a reason the user should read."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def followable(partner: Partner) -> bool:
    """Whether alumni may follow ``partner``: its page is online."""
    return partner.page_id is not None and partner.page.live


def follower_profile(user) -> AlumniProfile:
    """The profile that follows on behalf of ``user``, or :class:`CannotFollow`."""
    profile = profile_for(user)
    if profile is None:
        if is_partner_user(user):
            raise CannotFollow(
                _(
                    "Partner accounts cannot follow organisations: following is "
                    "for alumni accounts."
                )
            )
        raise CannotFollow(_("Log in with your alumni account to follow."))
    return profile


def is_following(profile: AlumniProfile | None, partner: Partner) -> bool:
    if profile is None:
        return False
    return PartnerFollow.objects.filter(profile=profile, partner=partner).exists()


def set_following(profile: AlumniProfile, partner: Partner, wanted: bool) -> bool:
    """Follow or stop following ``partner``; returns whether anything changed.

    Following twice (a double click, two tabs) keeps one row.
    """
    if wanted:
        if not followable(partner):
            raise CannotFollow(_("This organisation cannot be followed."))
        _follow, created = PartnerFollow.objects.get_or_create(
            profile=profile, partner=partner
        )
        return created
    deleted, _rows = PartnerFollow.objects.filter(
        profile=profile, partner=partner
    ).delete()
    return bool(deleted)


def toggle_following(user, partner: Partner, wanted: bool | None = None) -> bool:
    """Apply the follow button of ``user``; returns whether they now follow.

    ``wanted`` is the state the button asked for; ``None`` toggles.
    """
    profile = follower_profile(user)
    if wanted is None:
        wanted = not is_following(profile, partner)
    set_following(profile, partner, wanted)
    return wanted


def followed_partners(profile: AlumniProfile):
    """The follows of ``profile`` with their partner and page, by partner name."""
    return (
        profile.follows.select_related("partner", "partner__page")
        .order_by("partner__name")
        .all()
    )
