"""Who may read the directory, and whom they may write to (guide 5).

The directory is for members: alumni with a profile, partner organisations'
users, and the editors. A partner user may contact only alumni who accept
partners' messages; an alumnus may contact any listed alumnus; nobody
writes to themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import AlumniProfile, Partner
from ..permissions import is_editor


@dataclass
class Viewer:
    """What the directory needs to know about the person reading it.

    Built once per request (three small queries at most), then asked about
    each result without touching the database.
    """

    user_id: int | None
    is_alumnus: bool = False
    is_editor: bool = False
    partners: list[Partner] = field(default_factory=list)

    @classmethod
    def of(cls, user) -> Viewer:
        if not user.is_authenticated or not user.is_active:
            return cls(user_id=None)
        return cls(
            user_id=user.pk,
            is_alumnus=AlumniProfile.objects.filter(user=user).exists(),
            is_editor=is_editor(user),
            partners=list(Partner.objects.for_user(user).order_by("name")),
        )

    @property
    def is_partner_user(self) -> bool:
        return bool(self.partners)

    @property
    def may_browse(self) -> bool:
        """Alumni, partner users and editors read the directory; nobody else."""
        return self.user_id is not None and (
            self.is_alumnus or self.is_partner_user or self.is_editor
        )

    @property
    def may_save_lists(self) -> bool:
        """Partner users save recipient lists, for the partners they work for."""
        return self.is_partner_user

    def may_contact(self, profile: AlumniProfile) -> bool:
        """Whether the envelope shows: ``profile`` must be listed (caller's query).

        An alumnus writes to any listed alumnus; a partner user only to those
        who accept partners' messages; nobody to themselves.
        """
        if self.user_id is None or profile.user_id == self.user_id:
            return False
        if self.is_alumnus:
            return True
        return self.is_partner_user and profile.accepts_partner_contact
