"""Forms of alumni accounts: sign-up, the profile, deleting the account."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from .. import uploads
from ..conf import partner_settings
from ..models import AlumniProfile, Sector
from ..models.alumni import LANGUAGES
from ..sanitize import strip_control_characters

#: Graduation years before this one are typing mistakes.
FIRST_GRADUATION_YEAR = 1950
#: Students may enter the year they expect to graduate, this far ahead.
GRADUATION_YEARS_AHEAD = 6
#: Skills: how many, and how long each (taggit's ``Tag.name`` holds 100).
MAX_SKILLS = 30
MAX_SKILL_LENGTH = 100
MAX_BIO_LENGTH = 5000


class AlumniSignupForm(forms.Form):
    """Names asked at sign-up, besides django-allauth's e-mail and passwords.

    Sign-up stays short: where the alumnus studied, what members may see and
    the consents come later, on the profile page.
    """

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def clean_first_name(self) -> str:
        return strip_control_characters(self.cleaned_data["first_name"]).strip()

    def clean_last_name(self) -> str:
        return strip_control_characters(self.cleaned_data["last_name"]).strip()

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


def parse_skills(text: str) -> list[str]:
    """Skills typed as ``"Python, data science, FLE"``: one per comma.

    Unlike taggit's parser, spaces never split a skill ("data science" is
    one); duplicates (whatever their case) count once, the first spelling wins.
    """
    names: list[str] = []
    seen: set[str] = set()
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


class ProfileForm(forms.ModelForm):
    """The alumnus's own profile: identity, studies, work, privacy and consent.

    The names belong to the user account and are saved on it; the photo is
    checked like a partner's logo (content, size, pixels) and stored under a
    random name; consent to mailings is recorded with its date
    (``AlumniProfile.set_mailing_consent``).
    """

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    photo = forms.FileField(label=_("Photo"), required=False)
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    graduation_year = forms.IntegerField(
        label=_("Graduation year"),
        required=False,
        error_messages={"invalid": _("Enter a year, such as 2015.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=2000,
        help_text=_("Separate your skills with commas, e.g. Python, marketing, FLE."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=MAX_BIO_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Paragraphs, bold, italics, lists and links are kept; any other "
            "HTML is removed."
        ),
    )
    # Explicit consent: unticked until the alumnus ticks it (set_mailing_consent).
    accepts_partner_mailings = forms.BooleanField(
        label=capfirst(
            AlumniProfile._meta.get_field("accepts_partner_mailings").verbose_name
        ),
        help_text=AlumniProfile._meta.get_field("accepts_partner_mailings").help_text,
        required=False,
    )

    #: Text fields whose control characters are dropped before saving.
    TEXT_FIELDS = (
        "first_name",
        "last_name",
        "city",
        "institution",
        "field_of_study",
        "employer",
        "job_title",
        "bio",
    )

    class Meta:
        model = AlumniProfile
        fields = [
            "country",
            "city",
            "institution",
            "field_of_study",
            "degree",
            "graduation_year",
            "employer",
            "job_title",
            "sector",
            "bio",
            "listed",
            *AlumniProfile.MEMBER_FIELDS.values(),
            "accepts_partner_contact",
            # Unticked until given: no consent, no open-tracking pixel.
            "accepts_open_tracking",
        ]
        widgets = {
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "employer": forms.TextInput(attrs={"autocomplete": "organization"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = self.instance
        user = profile.user
        self.initial.setdefault("first_name", user.first_name)
        self.initial.setdefault("last_name", user.last_name)
        self.initial.setdefault(
            "accepts_partner_mailings", profile.accepts_partner_mailings
        )
        if profile.pk:
            self.initial.setdefault(
                "skills", ", ".join(tag.name for tag in profile.skills.all())
            )
            self.initial.setdefault("languages", profile.language_codes())

        self.max_graduation_year = timezone.now().year + GRADUATION_YEARS_AHEAD
        year = self.fields["graduation_year"]
        year.widget.attrs.update(
            {"min": FIRST_GRADUATION_YEAR, "max": self.max_graduation_year}
        )
        year.help_text = _("Between %(min)s and %(max)s.") % {
            "min": FIRST_GRADUATION_YEAR,
            "max": self.max_graduation_year,
        }

        photo = self.fields["photo"]
        photo.help_text = _("Formats: %(formats)s. At most %(size)s.") % {
            "formats": ", ".join(ext.upper() for ext in uploads.LOGO_EXTENSIONS),
            "size": filesizeformat(partner_settings.LOGO_MAX_BYTES),
        }
        photo.widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in uploads.LOGO_EXTENSIONS
        )
        for field in self.fields.values():
            if isinstance(field, forms.BooleanField):
                # "☐ Photo", not "☐ Photo :": a checkbox's label is no heading.
                field.label_suffix = ""
        self._label_sectors(profile)
        self._photo: tuple[str, bytes] | None = None

    def _label_sectors(self, profile: AlumniProfile) -> None:
        """Sectors of the default language, labelled in the visitor's language."""
        field = self.fields["sector"]
        terms = Sector.default_terms()
        if profile.sector_id:
            # A term another way of saving left in another language stays chosen.
            terms = terms | Sector.objects.filter(pk=profile.sector_id)
        field.queryset = terms.order_by("name")
        try:
            locale = Locale.get_active()
        except Locale.DoesNotExist:
            return
        names: dict | None = None

        def label(term) -> str:
            nonlocal names
            if names is None:
                names = Sector.names_in_locale(list(field.queryset), locale.pk)
            return names.get(term.translation_key, term.name)

        field.label_from_instance = label

    # --- groups, for the template --------------------------------------

    def _bound(self, names) -> list:
        return [self[name] for name in names]

    @property
    def identity_fields(self) -> list:
        return self._bound(["first_name", "last_name"])

    @property
    def studies_fields(self) -> list:
        return self._bound(
            ["institution", "field_of_study", "degree", "graduation_year"]
        )

    @property
    def place_fields(self) -> list:
        return self._bound(["country", "city"])

    @property
    def work_fields(self) -> list:
        return self._bound(["employer", "job_title", "sector", "skills"])

    @property
    def visibility_fields(self) -> list:
        return self._bound(AlumniProfile.MEMBER_FIELDS.values())

    # --- checks --------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        for name in self.TEXT_FIELDS:
            value = cleaned.get(name)
            if isinstance(value, str):
                cleaned[name] = strip_control_characters(value).strip()
        for name in ("first_name", "last_name"):
            if name in cleaned and not cleaned[name]:
                self.add_error(name, forms.Field.default_error_messages["required"])
        return cleaned

    def clean_graduation_year(self) -> int | None:
        year = self.cleaned_data.get("graduation_year")
        if year is not None and not (
            FIRST_GRADUATION_YEAR <= year <= self.max_graduation_year
        ):
            raise ValidationError(
                _("Enter a year between %(min)s and %(max)s."),
                code="year_out_of_range",
                params={"min": FIRST_GRADUATION_YEAR, "max": self.max_graduation_year},
            )
        return year

    def clean_skills(self) -> list[str]:
        names = parse_skills(strip_control_characters(self.cleaned_data["skills"]))
        if len(names) > MAX_SKILLS:
            raise ValidationError(
                _("At most %(max)s skills, please."),
                code="too_many_skills",
                params={"max": MAX_SKILLS},
            )
        too_long = [name for name in names if len(name) > MAX_SKILL_LENGTH]
        if too_long:
            raise ValidationError(
                _("A skill may be at most %(max)s characters long."),
                code="skill_too_long",
                params={"max": MAX_SKILL_LENGTH},
            )
        return names

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not isinstance(upload, UploadedFile):
            return None
        limit = partner_settings.LOGO_MAX_BYTES
        content = uploads.read_upload(upload, limit)
        try:
            name, content = uploads.check_logo(
                upload.name or "",
                content,
                max_bytes=limit,
                max_pixels=partner_settings.MAX_IMAGE_PIXELS,
                size=upload.size,
            )
        except uploads.UploadRejected as rejected:
            if rejected.code == "file_too_large":
                # The shared message speaks of a logo.
                raise ValidationError(
                    _("The photo must not exceed %(max)s (this file is %(size)s)."),
                    code="file_too_large",
                    params={
                        "max": filesizeformat(limit),
                        "size": filesizeformat(upload.size),
                    },
                ) from None
            raise ValidationError(rejected.message, code=rejected.code) from None
        self._photo = (name, content)
        return upload

    # --- saving --------------------------------------------------------

    @transaction.atomic
    def save(self, commit: bool = True) -> AlumniProfile:
        """Save the profile, its user's names, skills, languages and consent.

        ``commit=False`` is not supported: skills and languages need the row.
        """
        if not commit:
            raise ValueError("ProfileForm saves everything at once.")
        data = self.cleaned_data
        profile = super().save(commit=False)
        user = profile.user
        user.first_name = data["first_name"]
        user.last_name = data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        profile.set_mailing_consent(data["accepts_partner_mailings"])

        storage = profile.photo.storage
        old_photo = profile.photo.name or ""
        new_photo = ""
        if self._photo is not None:
            name, content = self._photo
            extension = name.rpartition(".")[2].lower()
            # A random name: the file's address reveals nothing and cannot be guessed.
            profile.photo.save(
                f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False
            )
            new_photo = profile.photo.name
        elif data.get("remove_photo"):
            profile.photo = ""
        try:
            if profile.pk is None:
                profile.save()
            profile.skills.set(data["skills"])
            profile.set_languages(data["languages"])
            # After the skills: save() rebuilds search_text from the new ones.
            profile.save()
        except Exception:
            if new_photo:
                storage.delete(new_photo)
            raise
        if old_photo and old_photo != (profile.photo.name or ""):
            transaction.on_commit(lambda: storage.delete(old_photo))
        return profile


class DeleteAccountForm(forms.Form):
    """Deleting the account asks for the password: a left-open session is not enough."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("This is not your password."), code="password_incorrect"
            )
        return password
