"""Recipient lists a partner saves from a directory search (guide 6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecipientListQuerySet(models.QuerySet):
    def for_user(self, user) -> RecipientListQuerySet:
        """Lists of the partners ``user`` works for; every list for an editor."""
        from ..permissions import is_editor

        if not user.is_authenticated:
            return self.none()
        if is_editor(user):
            return self.all()
        return self.filter(partner__members=user)

    def with_recipient_count(self) -> RecipientListQuerySet:
        """Annotates ``recipient_count``: how many :meth:`RecipientList.recipients`."""
        return self.annotate(
            recipient_count=models.Count(
                "memberships",
                filter=models.Q(
                    memberships__profile__listed=True,
                    memberships__profile__accepts_partner_mailings=True,
                    memberships__profile__user__is_active=True,
                ),
            )
        )


class RecipientList(models.Model):
    """A named snapshot of a directory search, owned by a partner.

    Only alumni who consented to partners' mailings are kept; how many the
    search found but the list left out is recorded, so the partner knows.
    """

    partner = models.ForeignKey(
        "alumni_partner.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="recipient_lists",
    )
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    #: The search's query string, to tell later what the list was made of.
    query = models.JSONField(_("search"), default=dict, blank=True)
    found_count = models.PositiveIntegerField(_("profiles found"), default=0)
    left_out_count = models.PositiveIntegerField(
        _("left out (no consent to mailings)"), default=0
    )
    members = models.ManyToManyField(
        "alumni_partner.AlumniProfile",
        through="alumni_partner.RecipientListMember",
        related_name="recipient_lists",
        verbose_name=_("recipients"),
    )

    objects = RecipientListQuerySet.as_manager()

    class Meta:
        verbose_name = _("recipient list")
        verbose_name_plural = _("recipient lists")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "name"], name="recipient_list_name_per_partner"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def recipients(self):
        """The members one may still show and write to.

        An alumnus who has since left the directory, withdrawn consent or
        closed the account is no longer shown, nor counted (a deleted
        account leaves the list at once, by cascade).
        """
        from .alumni import AlumniProfile

        return AlumniProfile.objects.listed().filter(
            accepts_partner_mailings=True, list_memberships__recipient_list=self
        )


class RecipientListMember(models.Model):
    recipient_list = models.ForeignKey(
        RecipientList, on_delete=models.CASCADE, related_name="memberships"
    )
    profile = models.ForeignKey(
        "alumni_partner.AlumniProfile",
        on_delete=models.CASCADE,
        related_name="list_memberships",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_list", "profile"], name="recipient_list_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_list_id}: {self.profile_id}"
