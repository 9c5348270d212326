"""The "Créer un mailing" form (guide 6): recipients, sender, message, files, date.

:class:`MailingForm` is a Wagtail admin model form, so the message gets
Wagtail's Draftail editor (with the model's features) and the date Wagtail's
date picker. Its recipients come from four sources (followers, typed
addresses, a file, saved lists of the mailing's partner only); the recipient
file is read while the form is checked and only its addresses are kept (the
file itself never is: guide 6, it must be imported again on every edit).
Attachments are checked by content (:mod:`.attachments`).

:class:`FormToken` makes saving once-only: a double click on "Enregistrer"
sends the same token twice, and only the first claim wins.
"""

from __future__ import annotations

import json
import re
import secrets

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.admin.widgets import AdminDateTimeInput

from ..conf import partner_settings
from ..mailing import recipients
from ..models import Mailing, MailingAttachment, RecipientList
from ..models.mailings import MAILING_FEATURES
from ..sanitize import clean_html, strip_control_characters
from ..uploads import UploadRejected
from .attachments import (
    ALLOWED_EXTENSIONS,
    CheckedAttachment,
    allowed_types_text,
    check_attachment,
    megabytes,
    storage_name,
)

#: Typed addresses: generous for a paste of a few thousand, not a file's worth.
EXTRA_ADDRESSES_MAX_CHARS = 200_000
#: The recipient file input's hint to the browser (the content is what counts).
RECIPIENT_FILE_ACCEPT = ".csv,.txt,text/csv,text/plain"


def single_line(value: str) -> str:
    """``value`` on one line: line breaks and control characters become spaces.

    Subjects and sender names go into mail headers, where a line break
    would start a new header (header injection).
    """
    return " ".join(strip_control_characters(value or "").split())


def consenting_follower_count(partner) -> int:
    """Alumni following ``partner``'s page who accept partners' mailings."""
    return partner.followers.mailable().count()


# ---------------------------------------------------------------------------
# Double submission
# ---------------------------------------------------------------------------


class FormToken:
    """A one-time token in a hidden field: a form's POST is acted on once.

    The token is claimed with ``cache.add``, atomic on the production cache
    (Redis), so of two identical POSTs racing each other one claim succeeds
    and the other finds it taken. It is claimed only once the form is valid,
    so a form sent back with errors keeps its token.
    """

    FIELD = "form_token"
    SHAPE = re.compile(r"\A[A-Za-z0-9_-]{16,64}\Z")
    #: How long a claimed token is remembered (a form left open for a day
    #: and sent twice still saves once).
    SECONDS = 24 * 3600

    @staticmethod
    def new() -> str:
        return secrets.token_urlsafe(24)

    @classmethod
    def claim(cls, user, token: str) -> bool:
        """True the first time ``user`` sends ``token``; False every later time."""
        key = f"alumni_partner:mailing-form:{user.pk}:{token}"
        return cache.add(key, True, timeout=cls.SECONDS)


# ---------------------------------------------------------------------------
# Widgets and fields
# ---------------------------------------------------------------------------


class MailingBodyEditor(DraftailRichTextArea):
    """Draftail, also accepting HTML from a client that posts HTML, not Draftail JSON.

    Posted HTML goes through the plugin's HTML policy
    (:func:`alumni_partner.sanitize.clean_html`), then Draftail's own
    conversion, so only the mailing's features survive (no script, no style,
    no attribute but a link's address), as if it had been pasted into the
    editor. A malformed value is an empty message (a form error), never a
    server error.
    """

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        if raw is None:
            return None
        try:
            json.loads(raw)
        except ValueError:
            # The plugin's HTML policy first: Draftail's HTML reader needs
            # well-formed markup, which bleach's output is.
            converter = ContentstateConverter(self.features)
            try:
                raw = converter.from_database_format(clean_html(raw))
            except Exception:  # noqa: BLE001 - hostile markup: nothing is kept
                return ""
        try:
            return self.converter.to_database_format(raw)
        except Exception:  # noqa: BLE001 - malformed editor state: nothing is kept
            return ""


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; a list, maybe empty."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class RecipientListChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, recipient_list):
        return ngettext(
            "%(name)s (%(count)s recipient)",
            "%(name)s (%(count)s recipients)",
            recipient_list.recipient_count,
        ) % {"name": recipient_list.name, "count": recipient_list.recipient_count}


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------

#: The fieldsets of the form, in the guide's order: (legend, field names).
FIELDSETS = (
    (
        gettext_lazy("Recipients"),
        (
            "include_followers",
            "extra_addresses",
            "recipient_file",
            "recipient_lists",
        ),
    ),
    (
        gettext_lazy("Sender"),
        ("sender_name", "sender_email"),
    ),
    (
        gettext_lazy("Message"),
        ("subject", "body", "attachments", "remove_attachments"),
    ),
    (
        gettext_lazy("Sending"),
        ("scheduled_at",),
    ),
)


class MailingForm(WagtailAdminModelForm):
    """A mailing of ``partner``, by ``for_user``; ``instance`` when editing.

    After ``is_valid()``: :attr:`recipient_file` holds the addresses read from
    the file (or None: no new file), :attr:`new_attachments` the checked
    uploads. :meth:`save` stores the mailing, its lists, file addresses and
    attachments; resolving the recipients is the caller's next step.
    """

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    recipient_file = forms.FileField(
        label=gettext_lazy("Recipient file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": RECIPIENT_FILE_ACCEPT}),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Attachments"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)}
        ),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Remove these attachments"),
        queryset=MailingAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Mailing
        fields = [
            "include_followers",
            "extra_addresses",
            "recipient_lists",
            "sender_name",
            "sender_email",
            "subject",
            "body",
            "scheduled_at",
        ]
        field_classes = {"recipient_lists": RecipientListChoiceField}
        widgets = {
            "body": MailingBodyEditor(features=MAILING_FEATURES),
            "scheduled_at": AdminDateTimeInput,
            "recipient_lists": forms.CheckboxSelectMultiple,
            "extra_addresses": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.recipient_file_addresses: recipients.ParsedAddresses | None = None
        self.new_attachments: list[tuple[object, CheckedAttachment]] = []
        editing = self.instance.pk is not None

        fields = self.fields
        followers = consenting_follower_count(partner)
        fields["include_followers"].help_text = ngettext(
            "%(count)s alumnus follows your page and accepts partners’ mailings.",
            "%(count)s alumni follow your page and accept partners’ mailings.",
            followers,
        ) % {"count": followers}
        fields["extra_addresses"].help_text = _(
            "One address a line, or separated by commas or semicolons. Invalid "
            "addresses are left out and listed once the mailing is saved."
        )
        fields["recipient_file"].help_text = _(
            "A CSV file (an e-mail column; first and last name columns are read "
            "too) or a text file with one address a line, UTF-8 or Latin-1, at "
            "most %(size)s MB."
        ) % {"size": megabytes(partner_settings.MAILING_RECIPIENT_FILE_MAX_BYTES)}
        lists = fields["recipient_lists"]
        lists.queryset = (
            RecipientList.objects.filter(partner=partner)
            .with_recipient_count()
            .order_by("name")
        )
        lists.error_messages["invalid_choice"] = _(
            "“%(value)s” is not one of your saved lists."
        )
        lists.help_text = _(
            "Lists saved from a search in the directory. Alumni who appear in "
            "several sources receive the mailing once."
        )
        fields["sender_name"].help_text = _(
            "Shown as the sender’s name, followed by the platform’s name."
        )
        fields["sender_email"].help_text = _(
            "Replies go to this address (Reply-To). The mail itself is sent from "
            "the platform’s address, so that mail providers accept it."
        )
        fields["subject"].help_text = _("On one line.")
        fields["body"].help_text = _(
            "Write {first_name} or {last_name} where each recipient’s first or "
            "last name should appear. An unsubscribe link is added at the end."
        )
        fields["attachments"].help_text = _(
            "One or more files: %(types)s; each at most %(each)s MB, all "
            "together at most %(total)s MB."
        ) % {
            "types": allowed_types_text(),
            "each": megabytes(partner_settings.MAILING_ATTACHMENT_MAX_BYTES),
            "total": megabytes(partner_settings.MAILING_ATTACHMENTS_MAX_TOTAL_BYTES),
        }
        fields["scheduled_at"].help_text = _(
            "Leave empty to send as soon as an editor validates the mailing."
        )
        attachments = self.instance.attachments.all() if editing else None
        if attachments:
            fields["remove_attachments"].queryset = attachments
        else:
            del fields["remove_attachments"]
        if not self.is_bound:
            fields["form_token"].initial = FormToken.new()

    # --- one field at a time ----------------------------------------------

    def clean_sender_name(self) -> str:
        name = single_line(self.cleaned_data.get("sender_name"))
        if not name:
            raise ValidationError(_("Enter the sender’s name."), code="required")
        return name

    def clean_subject(self) -> str:
        subject = single_line(self.cleaned_data.get("subject"))
        if not subject:
            raise ValidationError(_("Enter a subject."), code="required")
        return subject

    def clean_extra_addresses(self) -> str:
        text = strip_control_characters(self.cleaned_data.get("extra_addresses", ""))
        if len(text) > EXTRA_ADDRESSES_MAX_CHARS:
            raise ValidationError(
                _(
                    "Too many addresses to type in: put them in a file and use "
                    "“Recipient file”."
                ),
                code="too_long",
            )
        return text.strip()

    def clean_recipient_file(self):
        upload = self.cleaned_data.get("recipient_file")
        if not upload:
            return None
        limit = partner_settings.MAILING_RECIPIENT_FILE_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _(
                    "This file is %(size)s MB; a recipient file may be at most "
                    "%(max)s MB."
                )
                % {"size": megabytes(upload.size), "max": megabytes(limit)},
                code="too_large",
            )
        try:
            self.recipient_file_addresses = recipients.read_recipient_file(upload)
        except recipients.RecipientFileError as error:
            raise ValidationError(str(error), code="recipient_file") from error
        return upload

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        limit = partner_settings.MAILING_ATTACHMENT_MAX_BYTES
        errors, checked = [], []
        for upload in uploads:
            try:
                checked.append((upload, check_attachment(upload, max_bytes=limit)))
            except UploadRejected as error:
                errors.append(ValidationError(error.message, code=error.code))
        if errors:
            raise ValidationError(errors)
        self.new_attachments = checked
        return uploads

    def clean_scheduled_at(self):
        when = self.cleaned_data.get("scheduled_at")
        if when is not None and when <= timezone.now():
            raise ValidationError(
                _(
                    "This date has passed: choose a date and time in the future, "
                    "or leave the field empty to send as soon as the mailing is "
                    "validated."
                ),
                code="past",
            )
        return when

    # --- the whole form -----------------------------------------------------

    def kept_attachments(self):
        if self.instance.pk is None:
            return []
        removed = {a.pk for a in self.cleaned_data.get("remove_attachments") or []}
        return [a for a in self.instance.attachments.all() if a.pk not in removed]

    def clean(self):
        cleaned = super().clean()
        if not FormToken.SHAPE.match(cleaned.get("form_token") or ""):
            # Not a field the user sees: said above the form.
            self.add_error(
                None,
                ValidationError(
                    _("This form is incomplete: reload the page and try again."),
                    code="token",
                ),
            )
        if "attachments" in cleaned and not self.has_error("remove_attachments"):
            total = sum(a.size for a in self.kept_attachments()) + sum(
                checked.size for _upload, checked in self.new_attachments
            )
            limit = partner_settings.MAILING_ATTACHMENTS_MAX_TOTAL_BYTES
            if total > limit:
                self.add_error(
                    "attachments",
                    ValidationError(
                        _(
                            "The attachments come to %(size)s MB together; a "
                            "mailing may carry at most %(max)s MB. Remove some, or "
                            "send a link instead."
                        )
                        % {"size": megabytes(total), "max": megabytes(limit)},
                        code="total_too_large",
                    ),
                )
        return cleaned

    @property
    def had_files(self) -> bool:
        """Whether files were sent (a browser does not keep them when errors show)."""
        return bool(self.files and any(self.files.getlist(k) for k in self.files))

    # --- saving -------------------------------------------------------------

    def apply_file_addresses(self, mailing: Mailing) -> None:
        """A new file replaces the last one's addresses; no new file drops them."""
        parsed = self.recipient_file_addresses
        upload = self.cleaned_data.get("recipient_file")
        if parsed is None or upload is None:
            mailing.file_name = ""
            mailing.file_addresses = []
            return
        mailing.file_name = single_line(upload.name)[:255]
        mailing.file_addresses = recipients.file_rows(parsed)

    def save(self, commit=True):
        """Store the mailing, its lists, file addresses and attachments."""
        mailing = super().save(commit=False)
        mailing.partner = self.partner
        self.apply_file_addresses(mailing)
        if commit:
            mailing.save()
            self.save_m2m()
            self.save_attachments(mailing, stored=[])
        return mailing

    def save_attachments(self, mailing: Mailing, stored: list[str]) -> None:
        """Remove the ticked attachments and add the new ones.

        The path of every file written is appended to ``stored`` as it is
        written, so that the caller can remove them if the transaction fails.
        """
        for attachment in self.cleaned_data.get("remove_attachments") or []:
            attachment.delete()
        for upload, checked in self.new_attachments:
            attachment = MailingAttachment(
                mailing=mailing,
                name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
            )
            upload.seek(0)
            attachment.file.save(storage_name(checked.name), upload, save=False)
            stored.append(attachment.file.name)
            attachment.save()
