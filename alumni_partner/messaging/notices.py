"""E-mail notices of new messages and of reports (filled in by the notices work).

:func:`message_arrived` is called inside the transaction that stores a
message; :func:`report_filed` when a member reports one.
"""

from __future__ import annotations


def message_arrived(mailboxes, sender) -> None:
    """``mailboxes`` have a new message from ``sender``: schedule their notice."""


def report_filed(report) -> None:
    """A message was reported: the editors are told."""
