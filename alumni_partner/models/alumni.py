"""Alumni: their profile, what they share, whom they follow (guide 5).

What a member may see of another member is decided here, once:
``AlumniProfile.MEMBER_FIELDS`` lists the fields an alumnus may hide, and
every reader (directory search, facets, sorting, profile page, export) goes
through ``visible()`` / ``visible_q()``. ``search_text`` holds only the
visible words, so that searching a hidden employer cannot find its owner.
"""

from __future__ import annotations

import unicodedata
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from ..sanitize import clean_html
from ..storage import private_storage_of

#: Languages an alumnus may say they speak (ISO 639-1), in the directory's order.
LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("zh", _("Chinese")),
    ("ja", _("Japanese")),
    ("ru", _("Russian")),
    ("hi", _("Hindi")),
    ("vi", _("Vietnamese")),
    ("tr", _("Turkish")),
    ("ko", _("Korean")),
    ("pl", _("Polish")),
    ("nl", _("Dutch")),
    ("sw", _("Swahili")),
    ("wo", _("Wolof")),
]
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)


def normalize(text: str) -> str:
    """Lower case without accents: what ``search_text`` and queries compare."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


class Degree(models.TextChoices):
    """Kinds of French degree, normalised so that the directory can count them."""

    LICENCE = "licence", _("Licence (bachelor)")
    MASTER = "master", _("Master")
    ENGINEER = "engineer", _("Engineering degree")
    MBA = "mba", _("MBA")
    DOCTORATE = "doctorate", _("Doctorate")
    DIPLOMA = "diploma", _("Other diploma")
    EXCHANGE = "exchange", _("Exchange semester")


class AlumniProfileSkill(TaggedItemBase):
    content_object = models.ForeignKey(
        "alumni_partner.AlumniProfile",
        on_delete=models.CASCADE,
        related_name="tagged_skills",
    )


class AlumniProfileQuerySet(models.QuerySet):
    def _of_active_accounts(self) -> AlumniProfileQuerySet:
        # "Not one of the few inactive accounts" rather than a join on
        # ``user.is_active``: PostgreSQL reads the inactive ids from a tiny
        # partial index (migration 0016) into a hashed subplan, where the
        # join made it scan all 200,000 users for every search, count and
        # facet (45 ms of a 77 ms directory search).
        inactive = (
            get_user_model().objects.filter(is_active=False).order_by().values("pk")
        )
        return self.exclude(user_id__in=inactive)

    def listed(self) -> AlumniProfileQuerySet:
        """Profiles of the directory: listed by their owner, account active."""
        return self.filter(listed=True)._of_active_accounts()

    def mailable(self) -> AlumniProfileQuerySet:
        """Alumni who consented to partners' mailings, account active."""
        return self.filter(accepts_partner_mailings=True)._of_active_accounts()


class AlumniProfile(models.Model):
    """An alumnus's profile: identity, studies, work, and what they share."""

    #: Fields an alumnus may hide from members, and the flag that shows each.
    MEMBER_FIELDS = {
        "photo": "show_photo",
        "country": "show_country",
        "city": "show_city",
        "institution": "show_institution",
        "field_of_study": "show_field_of_study",
        "degree": "show_degree",
        "graduation_year": "show_graduation_year",
        "employer": "show_employer",
        "job_title": "show_job_title",
        "sector": "show_sector",
        "skills": "show_skills",
        "languages": "show_languages",
        "bio": "show_bio",
    }
    #: Visible text fields that quick search reads, besides the names.
    SEARCHED_FIELDS = ("employer", "institution", "job_title", "field_of_study")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alumni_profile",
    )
    # Directory URLs use this, not the row id, so profiles cannot be walked.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Private: a hidden photo must not be reachable through MEDIA_URL. The
    # profile and directory views serve it after checking who asks.
    photo = models.ImageField(
        _("photo"),
        upload_to="alumni/photos/",
        storage=private_storage_of,
        blank=True,
        max_length=255,
    )
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    institution = models.CharField(_("French institution"), max_length=200, blank=True)
    field_of_study = models.CharField(_("field of study"), max_length=200, blank=True)
    degree = models.CharField(
        _("degree"), max_length=20, choices=Degree.choices, blank=True
    )
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"), null=True, blank=True
    )
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    sector = models.ForeignKey(
        "alumni_partner.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skills = TaggableManager(
        verbose_name=_("skills"), through=AlumniProfileSkill, blank=True
    )
    bio = models.TextField(_("about me"), blank=True)

    listed = models.BooleanField(
        _("list me in the directory"),
        default=True,
        help_text=_("Unticked, members and partners cannot find you at all."),
    )
    show_photo = models.BooleanField(_("photo"), default=True)
    show_country = models.BooleanField(_("country"), default=True)
    show_city = models.BooleanField(_("city"), default=True)
    show_institution = models.BooleanField(_("French institution"), default=True)
    show_field_of_study = models.BooleanField(_("field of study"), default=True)
    show_degree = models.BooleanField(_("degree"), default=True)
    show_graduation_year = models.BooleanField(_("graduation year"), default=True)
    show_employer = models.BooleanField(_("employer"), default=True)
    show_job_title = models.BooleanField(_("job title"), default=True)
    show_sector = models.BooleanField(_("sector"), default=True)
    show_skills = models.BooleanField(_("skills"), default=True)
    show_languages = models.BooleanField(_("languages"), default=True)
    show_bio = models.BooleanField(_("about me"), default=True)

    accepts_partner_contact = models.BooleanField(
        _("partners may contact me"),
        default=False,
        help_text=_("Partner organisations may send you messages."),
    )
    accepts_partner_mailings = models.BooleanField(
        _("partners may send me mailings"),
        default=False,
        help_text=_(
            "Partner organisations you follow, or whose search finds you, may "
            "e-mail you. You can withdraw this at any time."
        ),
    )
    mailing_consent_at = models.DateTimeField(
        _("mailing consent given on"), null=True, blank=True, editable=False
    )
    # CNIL (March 2026): measuring whether one person opened a mail needs
    # that person's consent; without it their mailings carry no pixel.
    accepts_open_tracking = models.BooleanField(
        _("partners may see whether I open their mailings"),
        default=False,
        help_text=_(
            "Mailings then carry an invisible image that tells the partner the "
            "mail was opened. Without it, your openings are not measured."
        ),
    )

    following = models.ManyToManyField(
        "alumni_partner.Partner",
        through="alumni_partner.PartnerFollow",
        related_name="followers",
        blank=True,
        verbose_name=_("partners followed"),
    )

    # Denormalised for the directory: names sort without a join, and quick
    # search reads one indexed column holding only what members may see.
    sort_name = models.CharField(max_length=301, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AlumniProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("alumni profile")
        verbose_name_plural = _("alumni profiles")
        indexes = [
            models.Index(fields=["listed", "sort_name"], name="alumni_listed_name"),
            models.Index(fields=["country", "listed"], name="alumni_country"),
            models.Index(fields=["graduation_year"], name="alumni_grad_year"),
            models.Index(fields=["degree"], name="alumni_degree"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.bio = clean_html(self.bio) if self.bio else ""
        self.refresh_denormalised()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_name"}
        super().save(*args, **kwargs)

    # --- identity --------------------------------------------------------

    @property
    def display_name(self) -> str:
        full = self.user.get_full_name().strip()
        return full or self.user.email.split("@")[0]

    # --- visibility ------------------------------------------------------

    def shows(self, field: str) -> bool:
        """Whether members may see ``field`` of this profile."""
        return bool(getattr(self, self.MEMBER_FIELDS[field]))

    def visible(self, field: str):
        """The value of ``field`` as a member sees it: empty when hidden."""
        if not self.shows(field):
            return None
        if field == "skills":
            return [tag.name for tag in self.skills.all()]
        if field == "languages":
            return self.language_codes()
        return getattr(self, field)

    @classmethod
    def visible_q(cls, field: str, condition: Q) -> Q:
        """``condition`` on ``field``, true only where its owner shows the field."""
        return condition & Q(**{cls.MEMBER_FIELDS[field]: True})

    def language_codes(self) -> list[str]:
        return [row.code for row in self.spoken_languages.all()]

    def set_languages(self, codes) -> None:
        """Replace the spoken languages with ``codes`` (unknown codes are dropped)."""
        wanted = [code for code in dict.fromkeys(codes) if code in LANGUAGE_CODES]
        self.spoken_languages.exclude(code__in=wanted).delete()
        existing = set(self.spoken_languages.values_list("code", flat=True))
        ProfileLanguage.objects.bulk_create(
            ProfileLanguage(profile=self, code=code)
            for code in wanted
            if code not in existing
        )

    # --- consent ---------------------------------------------------------

    def set_mailing_consent(self, accepts: bool) -> None:
        """Record consent to partners' mailings with its date (withdrawal clears it)."""
        if accepts and not (self.accepts_partner_mailings and self.mailing_consent_at):
            self.mailing_consent_at = timezone.now()
        if not accepts:
            self.mailing_consent_at = None
        self.accepts_partner_mailings = accepts

    # --- denormalised columns -------------------------------------------

    def build_search_text(self, skill_names=None) -> str:
        """The words quick search may match: names and visible fields only."""
        words = [self.user.first_name, self.user.last_name]
        words += [getattr(self, f) for f in self.SEARCHED_FIELDS if self.shows(f)]
        if self.shows("skills"):
            if skill_names is None:
                skill_names = [tag.name for tag in self.skills.all()] if self.pk else []
            words += list(skill_names)
        return normalize(" ".join(w for w in words if w))

    def build_sort_name(self) -> str:
        return normalize(f"{self.user.last_name} {self.user.first_name}")[:301]

    def refresh_denormalised(self, skill_names=None) -> None:
        self.search_text = self.build_search_text(skill_names)
        self.sort_name = self.build_sort_name()

    @classmethod
    def for_user(cls, user) -> AlumniProfile:
        """The user's profile, created empty on first use."""
        profile, _created = cls.objects.get_or_create(user=user)
        return profile


class ProfileLanguage(models.Model):
    """A language an alumnus speaks (one row each: the directory counts them)."""

    profile = models.ForeignKey(
        AlumniProfile, on_delete=models.CASCADE, related_name="spoken_languages"
    )
    code = models.CharField(_("language"), max_length=8, choices=LANGUAGES)

    class Meta:
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "code"], name="profile_language_once"
            )
        ]
        indexes = [models.Index(fields=["code", "profile"])]

    def __str__(self) -> str:
        return self.get_code_display()


class PartnerFollow(models.Model):
    """An alumnus follows a partner: the default audience of its mailings."""

    profile = models.ForeignKey(
        AlumniProfile, on_delete=models.CASCADE, related_name="follows"
    )
    partner = models.ForeignKey(
        "alumni_partner.Partner", on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "profile"], name="partner_follow_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile} → {self.partner}"
