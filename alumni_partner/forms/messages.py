"""Forms of "Mes messages" (guide 7): writing, replying, reporting, searching.

The text rules (control characters removed, not empty, not too long) are the
messaging service's own (:func:`alumni_partner.messaging.clean_body` and
``clean_subject``): the forms call them, so a refusal is a field error next
to what was typed, and the service checks again whoever calls it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .. import messaging
from ..conf import partner_settings
from ..models import AlumniProfile, Mailbox, Partner
from ..models.alumni import normalize
from ..models.messaging import MESSAGE_MAX_CHARS, SUBJECT_MAX_CHARS
from ..sanitize import strip_control_characters

#: A report's reason, at most (the service keeps this many characters).
REPORT_REASON_MAX_CHARS = 2000
#: Searches shorter than this find too much to be useful.
QUERY_MIN_CHARS = 2
QUERY_MAX_CHARS = 100
#: People and organisations "Write a message" lists for one search, at most.
RECIPIENT_RESULTS = 20


def _service_clean(clean, value: str) -> str:
    """Run a service cleaner; its refusal becomes the field's error."""
    try:
        return clean(value)
    except messaging.MessagingRefused as refused:
        raise ValidationError(refused.message) from None


def body_field() -> forms.CharField:
    """The message's text; :class:`BodyForm` says its limit."""
    return forms.CharField(
        label=_("Message"),
        # The service trims and checks the length, with its own sentences
        # (clean_body); the attribute stops typing at the limit in a browser.
        strip=False,
        # dir="auto": a French message typed on the Arabic pages reads left to right.
        widget=forms.Textarea(
            attrs={"rows": 8, "maxlength": MESSAGE_MAX_CHARS, "dir": "auto"}
        ),
        error_messages={"required": _("Write your message before sending it.")},
    )


class BodyForm(forms.Form):
    """A form with the message's text, checked by the messaging service."""

    body = body_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Per form, in the request's language and number format.
        self.fields["body"].help_text = _(
            "Plain text; web links become clickable. At most %(max)s characters."
        ) % {"max": number_format(MESSAGE_MAX_CHARS, force_grouping=True)}

    def clean_body(self) -> str:
        return _service_clean(messaging.clean_body, self.cleaned_data["body"])


class ReplyForm(BodyForm):
    """An answer in a conversation."""


class ComposeForm(BodyForm):
    """A new conversation: who sends (when there is a choice), subject, text.

    ``senders`` are the mailboxes the member may write from (a partner user
    working for several partners chooses one); with a single one, the choice
    is not shown.
    """

    field_order = ["sender", "subject", "body"]

    # Not required: left out, the first mailbox offered (or the initial) sends.
    sender = forms.ChoiceField(label=_("Send as"), required=False)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_CHARS,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
        error_messages={"required": _("Give your message a subject.")},
    )

    def __init__(self, *args, senders: list[Mailbox], labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.senders = {str(box.public_id): box for box in senders}
        field = self.fields["sender"]
        field.choices = [(key, labels[box.pk]) for key, box in self.senders.items()]
        field.initial = next(iter(self.senders))
        if len(self.senders) == 1:
            field.widget = forms.HiddenInput()

    @property
    def has_sender_choice(self) -> bool:
        return len(self.senders) > 1

    def clean_sender(self) -> str:
        return self.cleaned_data["sender"] or self.get_initial_for_field(
            self.fields["sender"], "sender"
        )

    def clean_subject(self) -> str:
        return _service_clean(messaging.clean_subject, self.cleaned_data["subject"])

    @property
    def sender_box(self) -> Mailbox:
        """The chosen sending mailbox (after validation)."""
        return self.senders[self.cleaned_data["sender"]]


class ReportForm(forms.Form):
    """Reporting a message to the editors, with an optional reason."""

    reason = forms.CharField(
        label=_("Why? (optional)"),
        required=False,
        max_length=REPORT_REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self) -> str:
        return strip_control_characters(self.cleaned_data["reason"]).strip()


class QueryForm(forms.Form):
    """A GET search box; ``query`` is the cleaned text, "" when none."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_MAX_CHARS,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["q"].label = label

    def clean_q(self) -> str:
        return " ".join(strip_control_characters(self.cleaned_data["q"]).split())

    @property
    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    @property
    def too_short(self) -> bool:
        return 0 < len(self.query) < QUERY_MIN_CHARS


class RecipientSearchForm(QueryForm):
    """ "Write a message": find a listed alumnus or a partner by name."""

    def alumni(self, user, *, is_alumnus: bool) -> QuerySet:
        """Listed alumni whose names hold every word; partner-only users see
        only those who accept partners' messages; never oneself.

        Each word must be in ``search_text`` (what the directory's trigram
        index serves) and in ``sort_name`` (names only, so that an employer
        typed finds nobody).
        """
        words = normalize(self.query).split()
        words = words[: partner_settings.DIRECTORY_QUERY_MAX_WORDS]
        profiles = AlumniProfile.objects.listed().exclude(user=user)
        if not is_alumnus:
            profiles = profiles.filter(accepts_partner_contact=True)
        for word in words:
            profiles = profiles.filter(
                search_text__contains=word, sort_name__contains=word
            )
        return profiles.select_related("user").order_by("sort_name", "pk")[
            :RECIPIENT_RESULTS
        ]

    def partners(self, user) -> QuerySet:
        """Partners whose name holds every word, except those ``user`` works for."""
        partners = Partner.objects.exclude(members=user)
        for word in self.query.split():
            partners = partners.filter(name__icontains=word)
        return partners.order_by("name", "pk")[:RECIPIENT_RESULTS]


class NoticeSettingsForm(forms.Form):
    """One "e-mail me about new messages" box per mailbox the member reads."""

    def __init__(self, *args, mailboxes: list[Mailbox], labels: dict, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if len(mailboxes) == 1:
            labels = {mailboxes[0].pk: _("Tell me by e-mail about new messages")}
        self.mailboxes = {}
        for box in mailboxes:
            name = f"notices_{box.public_id.hex}"
            self.mailboxes[name] = box
            self.fields[name] = forms.BooleanField(
                label=labels[box.pk],
                required=False,
                initial=box.email_notices,
                help_text=(
                    _("Shared by everyone who works for the organisation.")
                    if box.partner_id
                    else ""
                ),
            )

    def save(self) -> int:
        """Store each mailbox's choice; returns how many changed."""
        changed = 0
        for name, box in self.mailboxes.items():
            wanted = self.cleaned_data[name]
            if box.email_notices != wanted:
                Mailbox.objects.filter(pk=box.pk).update(email_notices=wanted)
                box.email_notices = wanted
                changed += 1
        return changed
