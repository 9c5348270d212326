"""Content for a running stack: a partner's published page, members, mailings.

Written through the plugin's own services (partner onboarding, Wagtail's
publishing, the mailing lifecycle), from whatever process holds the ORM: the
deployment test (test settings, the worker's test database) or the fault
script (a scratch database). The stack's processes run the production
settings, so passwords are hashed with a hasher production accepts
(:func:`production_password`), not with the test settings' MD5.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Every seeded account's password.
PASSWORD = "correct-horse-battery-staple"
#: The domain of every mailing recipient: the approval also mails the partner
#: and the editors, and only this domain is counted against the rows.
DOMAIN = "stack.test"


@dataclass
class Seeded:
    """What a walk through the site needs to know about the seeded content."""

    partner_id: int
    partner_name: str
    #: The partner page's path on the public site, and a sentence of its text.
    page_path: str
    page_text: str
    #: The Wagtail admin account that validates mailings.
    editor_email: str
    #: An alumnus who logs in and searches the directory...
    member_email: str
    #: ...and the one the search finds (by ``found_query``).
    found_name: str
    found_query: str
    #: Submitted mailings, waiting for the editor's validation.
    mailing_ids: list[int] = field(default_factory=list)


def production_password(password: str = PASSWORD) -> str:
    """A PBKDF2 hash of ``password``, which Django's default hashers check.

    The test settings hash with MD5, which the production settings do not
    list: an account seeded with it could not log in to the stack.
    """
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def recipient(mailing_number: int, n: int) -> str:
    """The ``n``-th recipient address of the ``mailing_number``-th mailing."""
    return f"m{mailing_number}-r{n:06d}@{DOMAIN}"


def seed(*, recipients: int = 5, mailings: int = 1) -> Seeded:
    """Build the site tree (if missing), one partner, two alumni, an editor, mailings.

    Each mailing has ``recipients`` typed addresses (``recipient()``) and is
    submitted for validation, as the partner's "Envoyer" leaves it.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.rich_text import RichText

    from alumni_partner.models import AlumniProfile
    from alumni_partner.onboarding import NewPartner, onboard_partner
    from home.bootstrap import ensure_site

    ensure_site()
    hashed = production_password()
    users = get_user_model().objects

    partner = onboard_partner(
        NewPartner(name="Énergie Atlas", email="contact@energie-atlas.test"),
        send_invitation=False,
    )
    page = partner.page
    page.street = "1 place de la République"
    page.city = "Paris"
    page.country = "FR"
    page_text = "Énergie Atlas recrute des alumni ingénieurs."
    page.presentation = [("paragraph", RichText(f"<p>{page_text}</p>"))]
    page.save_revision().publish()
    page.refresh_from_db()
    users.filter(pk__in=partner.members.values("pk")).update(password=hashed)

    def account(email: str, first: str, last: str):
        user = users.create_user(
            username=email, email=email, first_name=first, last_name=last
        )
        user.password = hashed
        user.save(update_fields=["password"])
        return user

    editor = account("editor@alumni.test", "Eda", "Editor")
    editor.groups.add(Group.objects.get(name="Editors"))

    def alumnus(first: str, last: str, email: str, **profile) -> AlumniProfile:
        found = AlumniProfile(user=account(email, first, last), **profile)
        found.save()
        return found

    alumnus("Vera", "Viewer", "vera@alumni.test", city="Lyon")
    alumnus(
        "Awa",
        "Ndiaye",
        "awa@alumni.test",
        employer="Orange",
        job_title="Ingénieure réseau",
        country="SN",
        city="Dakar",
    )

    seeded = Seeded(
        partner_id=partner.pk,
        partner_name=partner.name,
        page_path=page.url,
        page_text=page_text,
        editor_email=editor.email,
        member_email="vera@alumni.test",
        found_name="Awa Ndiaye",
        found_query="ndiaye",
    )
    for number in range(1, mailings + 1):
        seeded.mailing_ids.append(submit_mailing(partner, number, recipients).pk)
    return seeded


def submit_mailing(partner, number: int, count: int):
    """A mailing to ``count`` typed addresses, resolved and submitted.

    The service calls the compose form makes (``recipients.resolve``, then
    the lifecycle's "saved" and "submitted" steps), without the form.
    """
    from alumni_partner.mailing import lifecycle, recipients
    from alumni_partner.models import Mailing

    author = partner.members.first()
    mailing = Mailing.objects.create(
        partner=partner,
        created_by=author,
        sender_name=f"{partner.name} alumni",
        sender_email="alumni@energie-atlas.test",
        subject=f"Forum emploi n° {number}, {{first_name}}",
        body=(
            "<p>Bonjour {first_name},</p>"
            "<p>Le forum des métiers de l'énergie vous attend.</p>"
        ),
        include_followers=False,
        extra_addresses="\n".join(recipient(number, n) for n in range(count)),
    )
    resolution = recipients.resolve(mailing)
    assert resolution.count == count, resolution
    lifecycle.saved(mailing, author, created=True)
    mailing.refresh_from_db()
    assert lifecycle.submit(mailing, author)
    return mailing
