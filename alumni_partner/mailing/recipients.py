"""Who receives a mailing (guide 6, issue 6 items 1 and 5).

:func:`resolve` (re)builds a mailing's :class:`MailingRecipient` rows from its
four sources, in this order of precedence:

1. **followers** of the partner who consent to partners' mailings
   (``AlumniProfile.objects.mailable()``), if ``include_followers``;
2. the members of each **saved list** of the *same* partner
   (``RecipientList.recipients()``; another partner's list is ignored);
3. **extra addresses** typed in the form (:func:`parse_addresses`);
4. the **file** last uploaded (``Mailing.file_addresses``, written by
   :func:`file_rows` from :func:`read_recipient_file`; see
   :meth:`ParsedAddresses.to_json` for its layout).

Addresses are merged lower-cased: one row per address, whose ``source`` is
the first source that brought it. Left out, and counted in
``removed_count``: addresses that unsubscribed from this partner
(``MailingUnsubscribe``), and addresses of an alumnus's account (compared
without case) who did not consent to partners' mailings or whose account is
inactive, even when typed by hand or read from a file. An account with no
alumni profile is an alumnus who never gave consent, unless it belongs to a
partner's staff or the site's staff. Addresses nobody's account holds (the
partner's own contacts) are kept. Names come from the alumnus's account, else
from the file or the ``Name <address>`` typed. ``track_opens`` is set only
for alumni who accept open tracking (no consent, no pixel).

Invalid addresses are left out; ``Mailing.invalid_addresses`` keeps at most
:data:`~.address_files.INVALID_SAMPLES` of them to show, and
:attr:`Resolution.invalid` says how many there were.

Everything is set-based: a handful of queries whatever the number of
addresses (``__in`` lookups by chunks, or one read of every account when
there are as many addresses; rows written by COPY on PostgreSQL and
``executemany`` on SQLite), so 100,000 addresses resolve in seconds on both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils.translation import ngettext

from ..models import AlumniProfile, Partner
from ..models.mailings import (
    EDITABLE_STATUSES,
    Mailing,
    MailingRecipient,
    MailingUnsubscribe,
    RecipientSource,
)
from .address_files import (
    INVALID_SAMPLES,
    ParsedAddresses,
    RecipientFileError,
    clean_name,
    parse_addresses,
    read_recipient_file,
)

__all__ = [
    "ParsedAddresses",
    "RecipientFileError",
    "Resolution",
    "file_rows",
    "parse_addresses",
    "read_recipient_file",
    "resolve",
]

#: Addresses per ``__in`` lookup: far below SQLite's and PostgreSQL's limits.
LOOKUP_CHUNK = 5000
#: More addresses than this, and at least as many as accounts: every account
#: is read once rather than looked up by address.
SCAN_ACCOUNTS_ABOVE = 5000
#: Rows read per round trip when streaming a large result.
FETCH_CHUNK = 5000


def file_rows(parsed: ParsedAddresses) -> list:
    """What ``Mailing.file_addresses`` stores of a :func:`read_recipient_file`."""
    return parsed.to_json()


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve` found, for the form's message."""

    #: Rows written: the mailing's recipients.
    count: int
    #: Left out: unsubscribed, or alumni without consent / with a closed account.
    removed: int
    #: Entries typed or read that are not addresses.
    invalid: int
    removed_unsubscribed: int = 0
    removed_no_consent: int = 0
    #: Recipients per source (``RecipientSource`` value → count).
    by_source: dict[str, int] = field(default_factory=dict)

    def left_out(self) -> list[str]:
        """Why addresses were left out: one sentence per reason, none if none."""
        sentences = []
        if self.removed_unsubscribed:
            sentences.append(
                ngettext(
                    "%(count)s address was left out: unsubscribed from your mailings.",
                    "%(count)s addresses were left out: unsubscribed from your "
                    "mailings.",
                    self.removed_unsubscribed,
                )
                % {"count": self.removed_unsubscribed}
            )
        if self.removed_no_consent:
            sentences.append(
                ngettext(
                    "%(count)s address was left out: an alumnus who does not accept "
                    "partners’ mailings.",
                    "%(count)s addresses were left out: alumni who do not accept "
                    "partners’ mailings.",
                    self.removed_no_consent,
                )
                % {"count": self.removed_no_consent}
            )
        return sentences

    def message(self) -> str:
        """One sentence for the partner: how many recipients, removed, invalid."""
        parts = [
            ngettext("%(count)s recipient.", "%(count)s recipients.", self.count)
            % {"count": self.count}
        ]
        parts += self.left_out()
        if self.invalid:
            parts.append(
                ngettext(
                    "%(count)s entry is not a valid e-mail address and was left out.",
                    "%(count)s entries are not valid e-mail addresses and were "
                    "left out.",
                    self.invalid,
                )
                % {"count": self.invalid}
            )
        return " ".join(parts)


# ---------------------------------------------------------------------------
# Accounts behind addresses
# ---------------------------------------------------------------------------


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    size = LOOKUP_CHUNK
    # Django assumes SQLite's old 999-variable cap (newer builds take 32,766).
    limit = connection.features.max_query_params
    if limit:
        size = min(size, limit - 99)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Account:
    """What the accounts holding one address say about mailing it."""

    refused: bool = False
    profile_id: int | None = None
    first_name: str = ""
    last_name: str = ""
    track_opens: bool = False


_ACCOUNT_COLUMNS = (
    "address",
    "is_active",
    "is_staff",
    "is_superuser",
    "partner_staff",
    "first_name",
    "last_name",
    "alumni_profile__pk",
    "alumni_profile__accepts_partner_mailings",
    "alumni_profile__accepts_open_tracking",
)


def _account_rows(addresses: Sequence[str]) -> Iterator[tuple]:
    """The accounts whose address (without case) is one of ``addresses``."""
    speaks_for_partner = Exists(
        Partner.members.through.objects.filter(user_id=OuterRef("pk"))
    )
    users = get_user_model().objects.annotate(
        address=Lower("email"), partner_staff=speaks_for_partner
    )
    if len(addresses) > SCAN_ACCOUNTS_ABOVE and len(addresses) >= users.count():
        # As many addresses as accounts: reading every account once costs
        # less than sending all the addresses in IN lists.
        wanted = set(addresses)
        rows = users.values_list(*_ACCOUNT_COLUMNS).order_by()
        for row in rows.iterator(chunk_size=FETCH_CHUNK):
            if row[0] in wanted:
                yield row
        return
    for chunk in _chunks(addresses):
        yield from users.filter(address__in=chunk).values_list(*_ACCOUNT_COLUMNS)


def _accounts(addresses: Sequence[str]) -> dict[str, _Account]:
    """The accounts holding ``addresses`` (compared without case), by address.

    An address is refused when any alumnus account holding it may not be
    mailed: no consent, an inactive account, or no profile at all (a member
    who never gave consent). Partner users and staff without a profile speak
    for an organisation: their addresses are kept like any contact's.
    """
    found: dict[str, _Account] = {}
    for row in _account_rows(addresses):
        address, active, staff, superuser, partner_staff = row[:5]
        first, last = clean_name(row[5]), clean_name(row[6])
        profile_id, consents, tracking = row[7:]
        account = found.setdefault(address, _Account())
        if profile_id is None:
            if not (staff or superuser or partner_staff):
                account.refused = True
            elif account.profile_id is None:
                account.first_name = account.first_name or first
                account.last_name = account.last_name or last
            continue
        if not (active and consents):
            account.refused = True
        elif account.profile_id is None:
            account.profile_id = profile_id
            account.first_name, account.last_name = first, last
            account.track_opens = tracking
    return found


def _unsubscribed(partner_id: int) -> set[str]:
    """Every address that left this partner's mailings (lower-cased)."""
    rows = MailingUnsubscribe.objects.filter(partner_id=partner_id).values_list(
        "email", flat=True
    )
    return {email.lower() for email in rows.iterator(chunk_size=FETCH_CHUNK)}


# ---------------------------------------------------------------------------
# Resolving
# ---------------------------------------------------------------------------


class _Candidate:
    """One address on its way to becoming a ``MailingRecipient`` row."""

    __slots__ = ("source", "first_name", "last_name", "profile_id", "track_opens")

    def __init__(
        self, source, first_name="", last_name="", profile_id=None, track=False
    ):
        self.source = source
        self.first_name = first_name
        self.last_name = last_name
        self.profile_id = profile_id
        self.track_opens = track


_PROFILE_COLUMNS = (
    "pk",
    "user__email",
    "user__first_name",
    "user__last_name",
    "accepts_open_tracking",
)


def _add_profiles(candidates: dict[str, _Candidate], profiles, source: str) -> None:
    rows = profiles.values_list(*_PROFILE_COLUMNS).order_by("pk")
    for pk, email, first, last, tracking in rows.iterator(chunk_size=FETCH_CHUNK):
        address = (email or "").strip().lower()
        if address and address not in candidates:
            candidates[address] = _Candidate(
                source, clean_name(first), clean_name(last), pk, tracking
            )


def _add_typed(
    candidates: dict[str, _Candidate], parsed: ParsedAddresses, source: str
) -> None:
    for address in parsed.valid:
        if address not in candidates:
            first, last = parsed.names.get(address, ("", ""))
            candidates[address] = _Candidate(source, first, last)


@dataclass
class _Sources:
    """The candidates of a mailing, before the rules take some out."""

    candidates: dict[str, _Candidate]
    #: Entries typed or read that are not addresses: a sample, and how many.
    invalid_sample: list[str]
    invalid_count: int


def _gather(mailing: Mailing) -> _Sources:
    candidates: dict[str, _Candidate] = {}
    if mailing.include_followers:
        followers = AlumniProfile.objects.mailable().filter(
            follows__partner_id=mailing.partner_id
        )
        _add_profiles(candidates, followers, RecipientSource.FOLLOWER)
    own_lists = mailing.recipient_lists.filter(partner_id=mailing.partner_id)
    for recipient_list in own_lists.order_by("pk"):
        _add_profiles(candidates, recipient_list.recipients(), RecipientSource.LIST)
    typed = parse_addresses(mailing.extra_addresses)
    _add_typed(candidates, typed, RecipientSource.EXTRA)
    from_file = ParsedAddresses.from_json(mailing.file_addresses)
    _add_typed(candidates, from_file, RecipientSource.FILE)
    return _Sources(
        candidates,
        invalid_sample=(typed.invalid + from_file.invalid)[:INVALID_SAMPLES],
        invalid_count=typed.invalid_count + from_file.invalid_count,
    )


def _lock_unstarted(mailing: Mailing) -> None:
    """Lock the mailing's row; ValueError if it started sending.

    The lock keeps the engine from starting the mailing halfway through.
    """
    status = (
        Mailing.objects.select_for_update()
        .filter(pk=mailing.pk)
        .values_list("status", "started_at")
        .first()
    )
    if status is None or status[0] not in EDITABLE_STATUSES or status[1] is not None:
        raise ValueError(
            "The recipients of a mailing cannot change once it started sending."
        )


@dataclass
class _Outcome:
    """The candidates kept, and how many each rule left out."""

    kept: list[tuple[str, _Candidate]] = field(default_factory=list)
    removed_unsubscribed: int = 0
    removed_no_consent: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


def _apply_rules(
    candidates: dict[str, _Candidate],
    unsubscribed: set[str],
    accounts: dict[str, _Account],
) -> _Outcome:
    """Leave out who may not be mailed; name and link the alumni kept."""
    outcome = _Outcome()
    for address, candidate in candidates.items():
        if address in unsubscribed:
            outcome.removed_unsubscribed += 1
            continue
        account = accounts.get(address)
        if account is not None:
            if account.refused:
                outcome.removed_no_consent += 1
                continue
            if account.profile_id is not None:
                candidate.profile_id = account.profile_id
                candidate.track_opens = account.track_opens
                candidate.first_name = account.first_name
                candidate.last_name = account.last_name
            elif not (candidate.first_name or candidate.last_name):
                candidate.first_name = account.first_name
                candidate.last_name = account.last_name
        source = candidate.source
        outcome.by_source[source] = outcome.by_source.get(source, 0) + 1
        outcome.kept.append((address, candidate))
    return outcome


def _column_default(model_field):
    value = model_field.get_default()
    if isinstance(value, str):
        value = str(value)  # a TextChoices member: its plain value
    return model_field.get_db_prep_save(value, connection)


#: The columns :func:`_write_rows` fills; the others get their model default.
_WRITTEN = (
    "mailing_id",
    "email",
    "first_name",
    "last_name",
    "profile_id",
    "source",
    "track_opens",
)


def _write_rows(mailing_id: int, kept: list[tuple[str, _Candidate]]) -> None:
    """INSERT the recipient rows: 100,000 in a second or two.

    Not ``bulk_create``: it compiles SQL value by value, and on SQLite sends
    62 rows a statement (Django's 999-parameter cap): 11 seconds for 100,000
    rows. PostgreSQL takes them with COPY (multi-row INSERTs cost as much in
    client-side binding, ``executemany`` a server round per row); SQLite, in
    process, with ``executemany``.
    """
    meta = MailingRecipient._meta
    written = [meta.get_field(name.removesuffix("_id")) for name in _WRITTEN]
    others = [f for f in meta.concrete_fields if not f.primary_key and f not in written]
    # Constants, the same for every row (no column has a callable default).
    defaults = tuple(_column_default(f) for f in others)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in [*written, *others])
    values = [
        (
            mailing_id,
            address,
            candidate.first_name,
            candidate.last_name,
            candidate.profile_id,
            str(candidate.source),
            bool(candidate.track_opens),
            *defaults,
        )
        for address, candidate in kept
    ]
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * (len(written) + len(others)))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            values,
        )


def resolve(mailing: Mailing) -> Resolution:
    """Rebuild ``mailing``'s recipient rows from its sources (see the module).

    Replaces the rows of a previous resolution and stores ``recipient_count``,
    ``removed_count`` and ``invalid_addresses`` on the mailing (the instance
    too). Raises ValueError for a mailing that started sending.
    """
    with transaction.atomic():
        _lock_unstarted(mailing)
        sources = _gather(mailing)
        typed = [a for a, c in sources.candidates.items() if c.profile_id is None]
        outcome = _apply_rules(
            sources.candidates, _unsubscribed(mailing.partner_id), _accounts(typed)
        )
        MailingRecipient.objects.filter(mailing_id=mailing.pk).delete()
        _write_rows(mailing.pk, outcome.kept)
        mailing.recipient_count = len(outcome.kept)
        mailing.removed_count = (
            outcome.removed_unsubscribed + outcome.removed_no_consent
        )
        mailing.invalid_addresses = sources.invalid_sample
        Mailing.objects.filter(pk=mailing.pk).update(
            recipient_count=mailing.recipient_count,
            removed_count=mailing.removed_count,
            invalid_addresses=mailing.invalid_addresses,
        )
    return Resolution(
        count=mailing.recipient_count,
        removed=mailing.removed_count,
        invalid=sources.invalid_count,
        removed_unsubscribed=outcome.removed_unsubscribed,
        removed_no_consent=outcome.removed_no_consent,
        by_source=outcome.by_source,
    )
