"""``manage.py alumni_personal_data export|erase EMAIL``: a GDPR request by staff.

The same export and erasure as an alumnus's own profile page
(:mod:`alumni_partner.personal_data`), for a request that reaches the network
by mail or post::

    manage.py alumni_personal_data export amina@example.org --output amina.json
    manage.py alumni_personal_data erase amina@example.org --yes

Accounts that open the partner space (partner users, editors, staff) are not
erased here, as on the profile page: take them out of their partner or groups
in the admin first.
"""

from __future__ import annotations

import json
import os
import sys

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from alumni_partner.personal_data import (
    delete_account,
    export_personal_data,
    may_delete_account,
)


def find_account(email: str):
    """The one account whose address (primary or confirmed secondary) is ``email``."""
    users = get_user_model().objects
    address = email.strip()
    found = list(users.filter(email__iexact=address)[:2])
    if not found:
        found = list(
            users.filter(
                pk__in=EmailAddress.objects.filter(email__iexact=address).values("user")
            )[:2]
        )
    if not found:
        raise CommandError(f"No account with the address {address}.")
    if len(found) > 1:
        raise CommandError(
            f"Several accounts have the address {address}: settle it in the admin."
        )
    return found[0]


class Command(BaseCommand):
    help = (
        "Export (as JSON) or erase everything the site holds about one alumnus, "
        "found by e-mail address: the GDPR requests of the profile page, for staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument(
            "--output",
            help="export: write the JSON to this file (readable by its owner "
            "only) instead of standard output.",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="erase: do not ask for confirmation.",
        )

    def handle(self, *args, action: str, email: str, **options):
        user = find_account(email)
        if action == "export":
            self._export(user, options["output"])
        else:
            self._erase(user, options["yes"])

    def _export(self, user, output: str | None) -> None:
        text = json.dumps(export_personal_data(user), ensure_ascii=False, indent=2)
        if not output:
            self.stdout.write(text)
            return
        # The export is personal data: nobody else on the machine may read it.
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        self.stderr.write(f"Wrote the data of {user.email} to {output}.")

    def _erase(self, user, confirmed: bool) -> None:
        if not may_delete_account(user):
            raise CommandError(
                f"{user.email} opens the partner space (partner user, editor or "
                "staff): take the account out of its partner or groups in the "
                "admin first."
            )
        if not confirmed:
            if not sys.stdin.isatty():
                raise CommandError("Pass --yes to erase without being asked.")
            answer = input(
                f"Erase the account of {user.email} and all its data? [y/N] "
            )
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing erased.")
        address = user.email
        delete_account(user)
        self.stdout.write(f"Erased the account of {address} and its data.")
