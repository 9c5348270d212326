"""``manage.py create_partner NAME --email EMAIL [--sector S] [--country CC]``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django_countries import countries
from wagtail.models import Locale

from alumni_partner.models import Sector
from alumni_partner.onboarding import NewPartner, onboard_partner


class Command(BaseCommand):
    help = (
        "Create a partner: its page in every locale, group, collection and first "
        "user, who receives an e-mail to set a password. Prints the page's id."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--email", required=True)
        parser.add_argument("--sector", help="Name of an existing sector.")
        parser.add_argument("--country", help="ISO 3166 code, e.g. FR.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--no-invitation",
            action="store_true",
            help="Do not send the invitation e-mail.",
        )

    def handle(self, *args, **options):
        try:
            validate_email(options["email"])
        except ValidationError:
            raise CommandError(f"Not a valid e-mail address: {options['email']}")
        sector = None
        if options["sector"]:
            # casefold() in Python: SQLite's LIKE folds ASCII letters only.
            wanted = options["sector"].casefold()
            sector = next(
                (
                    s
                    for s in Sector.objects.filter(locale=Locale.get_default())
                    if s.name.casefold() == wanted
                ),
                None,
            )
            if sector is None:
                raise CommandError(f"Unknown sector: {options['sector']}")
        country = (options["country"] or "").upper()
        if country and country not in dict(countries):
            raise CommandError(f"Unknown country code: {options['country']}")
        try:
            partner = onboard_partner(
                NewPartner(
                    name=options["name"],
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    sector=sector,
                    country=country,
                ),
                send_invitation=not options["no_invitation"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages))
        self.stdout.write(str(partner.page_id))
