"""Who receives a mailing. (Skeleton: the recipients helper fills it in.)"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedAddresses:
    """Addresses read from a text box or a file: kept, and refused as typed."""

    valid: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


class RecipientFileError(ValueError):
    """A recipient file that cannot be read at all; ``str()`` is the form error."""


def parse_addresses(text: str) -> ParsedAddresses:
    raise NotImplementedError


def read_recipient_file(uploaded) -> ParsedAddresses:
    raise NotImplementedError


def resolve(mailing) -> None:
    raise NotImplementedError
