"""Saving a directory search as a partner's recipient list (guide 6).

The whole result set is saved, not the page on screen, and only the alumni
who consented to partners' mailings go in; the list records how many the
search found and how many it left out. One ``INSERT ... SELECT`` writes the
members, so 50,000 results save in one statement.
"""

from __future__ import annotations

from django import forms
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import Partner, RecipientList, RecipientListMember


class DuplicateListName(Exception):
    """The partner already has a list of that name."""


class RecipientListForm(forms.Form):
    """ "Saisissez le nom de votre liste", and the partner when the user has several."""

    name = forms.CharField(
        label=_("Enter the name of your list"),
        max_length=RecipientList._meta.get_field("name").max_length,
        error_messages={
            "required": _("Enter a name for the list."),
            "max_length": _("A list name has at most %(limit_value)d characters."),
        },
    )
    partner = forms.ModelChoiceField(
        label=_("For the partner"),
        queryset=Partner.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": _("Choose one of the partners you work for."),
        },
    )

    def __init__(self, data=None, *, partners: list[Partner], **kwargs):
        super().__init__(data, **kwargs)
        #: The owner when the user works for one partner only: no choice asked.
        self.only_partner = partners[0] if len(partners) == 1 else None
        if self.only_partner is not None:
            del self.fields["partner"]
        else:
            # Only the partners the user works for: another partner's id is
            # an invalid choice, never a list saved for it.
            self.fields["partner"].queryset = Partner.objects.filter(
                pk__in=[p.pk for p in partners]
            )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        if self.only_partner is not None:
            cleaned["partner"] = self.only_partner
        name, partner = cleaned.get("name"), cleaned.get("partner")
        if name and partner and partner.recipient_lists.filter(name=name).exists():
            self.add_error(
                "name",
                _(
                    "%(partner)s already has a list named “%(name)s”: choose "
                    "another name."
                )
                % {"partner": partner, "name": name},
            )
        return cleaned


def save_recipient_list(
    *, partner: Partner, name: str, profiles: QuerySet, user=None, query=None
) -> RecipientList:
    """Save ``profiles`` (a search's matches) as ``partner``'s list ``name``.

    ``profiles`` must hold listed profiles only (``DirectorySearchForm.matching()``);
    those without consent to mailings are left out and counted.
    Raises :class:`DuplicateListName` if the name is taken.
    """
    profiles = profiles.order_by().select_related(None).prefetch_related(None)
    found = profiles.count()
    consenting = profiles.filter(accepts_partner_mailings=True).values("id")
    try:
        with transaction.atomic():
            recipient_list = RecipientList.objects.create(
                partner=partner,
                name=name,
                created_by=user,
                query=query or {},
                found_count=found,
            )
            kept = _insert_members(recipient_list, consenting)
            recipient_list.left_out_count = max(found - kept, 0)
            recipient_list.save(update_fields=["left_out_count"])
    except IntegrityError as error:
        raise DuplicateListName(name) from error
    recipient_list.kept_count = kept
    return recipient_list


def _insert_members(recipient_list: RecipientList, profile_ids: QuerySet) -> int:
    """``INSERT INTO members SELECT list, id FROM (the search)``: the row count."""
    sql, params = profile_ids.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(RecipientListMember._meta.db_table)
    columns = f"{quote('recipient_list_id')}, {quote('profile_id')}"
    # Only names from the models and Django's own compiled SQL (its values
    # passed as parameters) go in the statement. The list's id is an integer
    # from the database: written inline, PostgreSQL needs no type for it.
    statement = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT DISTINCT {int(recipient_list.pk)}, found.{quote('id')} "
        f"FROM ({sql}) found"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount
