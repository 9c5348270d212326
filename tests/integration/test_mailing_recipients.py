"""Who receives a mailing (issue 6, items 1 and 5), on the real database.

Followers who consent, the partner's saved lists, typed addresses and a
recipient file are merged into one row per address; unsubscribed addresses
and alumni who did not consent (or whose account is closed) are left out even
when typed by hand or read from a file, and the counts say so. Open tracking
follows the alumnus's own consent, which the profile page gives and withdraws
and the GDPR export shows.
"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alumni_partner.mailing import recipients
from alumni_partner.mailing.recipients import (
    Resolution,
    file_rows,
    read_recipient_file,
    resolve,
)
from alumni_partner.models import (
    AlumniProfile,
    PartnerFollow,
    RecipientList,
    RecipientListMember,
)
from alumni_partner.models.mailings import (
    Mailing,
    MailingRecipient,
    MailingStatus,
    MailingUnsubscribe,
    RecipientSource,
    RecipientStatus,
)
from alumni_partner.personal_data import export_personal_data
from tests.integration.test_alumni_profile import form_data

pytestmark = pytest.mark.django_db

PROFILE_URL = "/accounts/profile/"


def make_mailing(partner, **fields) -> Mailing:
    fields.setdefault("include_followers", True)
    fields.setdefault("subject", "Forum emploi")
    return Mailing.objects.create(
        partner=partner,
        sender_name="Acme",
        sender_email="news@acme.test",
        body="<p>Bonjour {first_name}</p>",
        **fields,
    )


def rows_of(mailing) -> dict[str, MailingRecipient]:
    return {row.email: row for row in mailing.recipients.all()}


@pytest.fixture
def alumni(make_alumnus):
    """Alumni by role: who consents, who does not, who closed the account."""

    def make(first_name, email, *, consents=True, tracking=False, active=True):
        profile = make_alumnus(
            first_name=first_name,
            last_name="Alumnus",
            email=email,
            accepts_open_tracking=tracking,
        )
        profile.set_mailing_consent(consents)
        profile.save()
        if not active:
            profile.user.is_active = False
            profile.user.save(update_fields=["is_active"])
        return profile

    return make


def follow(profile, partner) -> None:
    PartnerFollow.objects.create(profile=profile, partner=partner)


def saved_list(partner, name, *profiles) -> RecipientList:
    recipient_list = RecipientList.objects.create(partner=partner, name=name)
    RecipientListMember.objects.bulk_create(
        RecipientListMember(recipient_list=recipient_list, profile=profile)
        for profile in profiles
    )
    return recipient_list


# --- the four sources --------------------------------------------------------------


def test_followers_who_consent_are_the_default_recipients(
    partner, other_partner, alumni
):
    ana = alumni("Ana", "ana@alumni.test")
    follow(ana, partner)
    follow(alumni("Bo", "bo@alumni.test", consents=False), partner)
    follow(alumni("Cy", "cy@alumni.test", active=False), partner)
    follow(alumni("Di", "di@alumni.test"), other_partner)

    mailing = make_mailing(partner)
    result = resolve(mailing)

    assert isinstance(result, Resolution)
    assert set(rows_of(mailing)) == {"ana@alumni.test"}
    row = rows_of(mailing)["ana@alumni.test"]
    assert (row.source, row.profile_id) == (RecipientSource.FOLLOWER, ana.pk)
    assert (row.first_name, row.last_name) == ("Ana", "Alumnus")
    assert row.status == RecipientStatus.PENDING
    # Followers who never consented are no recipients, not "removed" ones.
    assert (result.count, result.removed, result.invalid) == (1, 0, 0)
    mailing.refresh_from_db()
    assert (mailing.recipient_count, mailing.removed_count) == (1, 0)

    mailing.include_followers = False
    mailing.save()
    assert resolve(mailing).count == 0
    assert not mailing.recipients.exists()


def test_four_sources_merge_into_one_row_per_address(partner, alumni):
    ana = alumni("Ana", "Ana@Alumni.test", tracking=True)
    bo = alumni("Bo", "bo@alumni.test")
    follow(ana, partner)
    mailing = make_mailing(
        partner,
        extra_addresses=(
            "ANA@alumni.test, bo@alumni.test\n"
            "Carla Contact <carla@partner-contacts.test>; dan@partner-contacts.test"
        ),
        file_addresses=file_rows(
            read_recipient_file_bytes(
                b"email;prenom;nom\n"
                b"ana@alumni.test;Fake;Name\n"
                b"dan@partner-contacts.test;Dan;Daniel\n"
                b"eve@partner-contacts.test;Eve;Evans\n"
                b"BO@ALUMNI.TEST;Other;Bo\n"
            )
        ),
    )
    mailing.recipient_lists.set([saved_list(partner, "Ingénieurs", ana, bo)])

    result = resolve(mailing)

    rows = rows_of(mailing)
    assert list(rows) == [
        "ana@alumni.test",
        "bo@alumni.test",
        "carla@partner-contacts.test",
        "dan@partner-contacts.test",
        "eve@partner-contacts.test",
    ]
    assert MailingRecipient.objects.filter(mailing=mailing).count() == 5
    sources = {email: row.source for email, row in rows.items()}
    assert sources == {
        "ana@alumni.test": RecipientSource.FOLLOWER,
        "bo@alumni.test": RecipientSource.LIST,
        "carla@partner-contacts.test": RecipientSource.EXTRA,
        "dan@partner-contacts.test": RecipientSource.EXTRA,
        "eve@partner-contacts.test": RecipientSource.FILE,
    }
    # An alumnus is named by the account, never by what a file says.
    assert (rows["ana@alumni.test"].first_name, rows["ana@alumni.test"].profile_id) == (
        "Ana",
        ana.pk,
    )
    assert rows["bo@alumni.test"].first_name == "Bo"
    assert rows["bo@alumni.test"].profile_id == bo.pk
    assert rows["carla@partner-contacts.test"].full_name == "Carla Contact"
    # The typed address came first; the file still names the person.
    assert rows["eve@partner-contacts.test"].full_name == "Eve Evans"
    assert result.by_source == {
        RecipientSource.FOLLOWER: 1,
        RecipientSource.LIST: 1,
        RecipientSource.EXTRA: 2,
        RecipientSource.FILE: 1,
    }
    assert (result.count, result.removed, result.invalid) == (5, 0, 0)


def read_recipient_file_bytes(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return read_recipient_file(SimpleUploadedFile("contacts.csv", content))


def test_another_partners_list_is_ignored(partner, other_partner, alumni):
    ana = alumni("Ana", "ana@alumni.test")
    theirs = saved_list(other_partner, "Leurs contacts", ana)
    mailing = make_mailing(partner, include_followers=False)
    mailing.recipient_lists.set([theirs])
    assert resolve(mailing).count == 0
    assert not mailing.recipients.exists()


def test_a_list_member_who_left_the_directory_is_not_mailed(partner, alumni):
    ana = alumni("Ana", "ana@alumni.test")
    bo = alumni("Bo", "bo@alumni.test")
    AlumniProfile.objects.filter(pk=bo.pk).update(listed=False)
    mailing = make_mailing(partner, include_followers=False)
    mailing.recipient_lists.set([saved_list(partner, "Tous", ana, bo)])
    resolve(mailing)
    assert set(rows_of(mailing)) == {"ana@alumni.test"}


# --- rights: unsubscribed and non-consenting addresses -------------------------------


@pytest.mark.parametrize(
    ("lookup_chunk", "scan_above"),
    [(5000, 5000), (2, 10**9), (2, 0)],
    ids=["one-lookup", "chunked-lookups", "reading-every-account"],
)
def test_unsubscribed_and_non_consenting_are_removed_even_typed_or_in_a_file(
    partner, other_partner, alumni, alumnus, monkeypatch, lookup_chunk, scan_above
):
    # The rules hold whichever way the accounts are looked up.
    monkeypatch.setattr(recipients, "LOOKUP_CHUNK", lookup_chunk)
    monkeypatch.setattr(recipients, "SCAN_ACCOUNTS_ABOVE", scan_above)
    follower = alumni("Fay", "fay@alumni.test")
    follow(follower, partner)
    alumni("Nina", "nina@alumni.test", consents=False)
    alumni("Max", "max@alumni.test", consents=False)
    alumni("Ivo", "ivo@alumni.test", active=False)
    for email in ("fay@alumni.test", "gone@contacts.test"):
        MailingUnsubscribe.objects.create(partner=partner, email=email)
    # Unsubscribing from another partner changes nothing here.
    MailingUnsubscribe.objects.create(partner=other_partner, email="kept@contacts.test")
    staff_address = partner.members.get().email

    mailing = make_mailing(
        partner,
        # Typed in another case than the account's address.
        extra_addresses=(
            "NINA@Alumni.test\nGone@Contacts.test\nIVO@alumni.test\n"
            f"kept@contacts.test\n{staff_address.upper()}"
        ),
        file_addresses=file_rows(
            read_recipient_file_bytes(
                b"Max@ALUMNI.test\nfay@alumni.test\n"
                # A member who signed up but never opened the profile page.
                + alumnus.email.upper().encode()
                + b"\nnew@contacts.test\n"
                # More addresses than accounts, so that every account may be read.
                + b"".join(b"c%d@contacts.test\n" % i for i in range(30))
            )
        ),
    )

    result = resolve(mailing)

    assert set(rows_of(mailing)) == {
        "kept@contacts.test",
        staff_address.lower(),
        "new@contacts.test",
        *(f"c{i}@contacts.test" for i in range(30)),
    }
    assert result.removed_unsubscribed == 2  # fay (a follower), gone
    assert result.removed_no_consent == 4  # nina, max, ivo, the member without profile
    assert result.removed == 6
    assert result.count == 33
    mailing.refresh_from_db()
    assert (mailing.recipient_count, mailing.removed_count) == (33, 6)
    message = result.message()
    assert re.search(r"\b33\b", message) and re.search(r"\b2\b", message)
    assert re.search(r"\b4\b", message)


def test_open_tracking_follows_the_alumnus_consent(partner, alumni):
    follow(alumni("Tia", "tia@alumni.test", tracking=True), partner)
    follow(alumni("Uma", "uma@alumni.test", tracking=False), partner)
    typed = alumni("Val", "val@alumni.test", tracking=True)
    mailing = make_mailing(
        partner, extra_addresses="VAL@alumni.test, contact@partner-contacts.test"
    )
    resolve(mailing)
    tracked = {email: row.track_opens for email, row in rows_of(mailing).items()}
    assert tracked == {
        "tia@alumni.test": True,
        "uma@alumni.test": False,
        "val@alumni.test": True,
        "contact@partner-contacts.test": False,
    }
    assert rows_of(mailing)["val@alumni.test"].profile_id == typed.pk


def test_invalid_addresses_are_listed_and_counted(partner):
    content = b"ok@contacts.test\n" + b"".join(b"bad%d\n" % i for i in range(150))
    mailing = make_mailing(
        partner,
        include_followers=False,
        extra_addresses="typed@contacts.test, pas-une-adresse\nx@y\r\nBcc: spy@evil.test",
        file_addresses=file_rows(read_recipient_file_bytes(content)),
    )
    result = resolve(mailing)
    assert set(rows_of(mailing)) == {"typed@contacts.test", "ok@contacts.test"}
    assert result.invalid == 3 + 150
    mailing.refresh_from_db()
    assert mailing.invalid_addresses[:3] == [
        "pas-une-adresse",
        "x@y",
        "Bcc: spy@evil.test",
    ]
    assert len(mailing.invalid_addresses) == 100
    assert not MailingRecipient.objects.filter(email__contains="spy").exists()


# --- re-resolving ---------------------------------------------------------------------


def test_resolving_again_replaces_the_rows(partner, alumni):
    follow(alumni("Ana", "ana@alumni.test"), partner)
    mailing = make_mailing(partner, extra_addresses="one@contacts.test")
    resolve(mailing)
    first_ids = set(mailing.recipients.values_list("pk", flat=True))

    mailing.extra_addresses = "two@contacts.test, three@contacts.test"
    mailing.file_addresses = []
    mailing.save()
    result = resolve(mailing)

    assert set(rows_of(mailing)) == {
        "ana@alumni.test",
        "two@contacts.test",
        "three@contacts.test",
    }
    assert not first_ids & set(mailing.recipients.values_list("pk", flat=True))
    assert result.count == 3
    mailing.refresh_from_db()
    assert mailing.recipient_count == 3


@pytest.mark.parametrize(
    "status", [MailingStatus.SENDING, MailingStatus.STOPPED, MailingStatus.SENT]
)
def test_a_mailing_that_started_sending_keeps_its_recipients(partner, status):
    mailing = make_mailing(partner, extra_addresses="one@contacts.test")
    resolve(mailing)
    Mailing.objects.filter(pk=mailing.pk).update(
        status=status, started_at=timezone.now()
    )
    mailing.extra_addresses = "other@contacts.test"
    with pytest.raises(ValueError):
        resolve(mailing)
    assert set(rows_of(mailing)) == {"one@contacts.test"}


def test_an_approved_mailing_not_started_may_be_resolved_again(partner):
    mailing = make_mailing(partner, extra_addresses="one@contacts.test")
    Mailing.objects.filter(pk=mailing.pk).update(status=MailingStatus.APPROVED)
    assert resolve(mailing).count == 1


# --- size -------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_addresses(partner, alumni):
    def queries_for(count: int) -> int:
        mailing = make_mailing(
            partner,
            extra_addresses="\n".join(f"c{i}@contacts.test" for i in range(count)),
        )
        with CaptureQueriesContext(connection) as queries:
            resolve(mailing)
        return len(queries)

    follow(alumni("Ana", "ana@alumni.test"), partner)
    # Few enough rows for one INSERT each way, on every database.
    assert queries_for(2) == queries_for(40)


def test_one_hundred_thousand_addresses_resolve(partner, alumni):
    for index in range(5):
        follow(alumni(f"F{index}", f"f{index}@alumni.test"), partner)
    alumni("Nina", "nina@alumni.test", consents=False)
    MailingUnsubscribe.objects.create(partner=partner, email="c7@contacts.test")
    addresses = [f"c{i}@contacts.test" for i in range(100_000)]
    addresses[10] = "NINA@alumni.test"
    addresses[11] = "F1@alumni.test"
    mailing = make_mailing(partner, file_addresses=addresses)

    result = resolve(mailing)

    assert result.count == 5 + 100_000 - 3
    assert (result.removed_unsubscribed, result.removed_no_consent) == (1, 1)
    assert mailing.recipients.count() == result.count
    assert mailing.recipients.filter(source=RecipientSource.FILE).count() == 99_997


# --- the alumnus's consent to open tracking -------------------------------------------


@pytest.fixture
def member(client, alumni):
    profile = alumni("Ana", "ana@alumni.test")
    client.force_login(profile.user)
    return client, profile


def test_the_profile_page_gives_and_withdraws_consent_to_open_tracking(member):
    client, profile = member
    html = client.get(PROFILE_URL).content.decode()
    assert '<label for="id_accepts_open_tracking"' in html
    assert not re.search(r'name="accepts_open_tracking"[^>]*checked', html)

    response = client.post(PROFILE_URL, form_data(profile, accepts_open_tracking=True))
    assert response.status_code == 303
    profile.refresh_from_db()
    assert profile.accepts_open_tracking
    assert re.search(
        r'name="accepts_open_tracking"[^>]*checked',
        client.get(PROFILE_URL).content.decode(),
    )

    client.post(PROFILE_URL, form_data(profile, accepts_open_tracking=False))
    profile.refresh_from_db()
    assert not profile.accepts_open_tracking
    # Withdrawing it leaves the mailing consent as it was.
    assert profile.accepts_partner_mailings


def test_the_export_holds_tracking_consent_unsubscribes_and_mailings(
    member, partner, other_partner
):
    client, profile = member
    AlumniProfile.objects.filter(pk=profile.pk).update(accepts_open_tracking=True)
    follow(profile, partner)
    mailing = make_mailing(partner, subject="Forum emploi")
    resolve(mailing)
    MailingRecipient.objects.filter(mailing=mailing).update(
        status=RecipientStatus.SENT,
        sent_at=timezone.now(),
        first_opened_at=timezone.now(),
        open_count=2,
    )
    MailingUnsubscribe.objects.create(
        partner=other_partner, email="ana@alumni.test", mailing=None
    )
    MailingUnsubscribe.objects.create(partner=partner, email="someone@else.test")

    data = json.loads(client.get("/accounts/profile/export/").content)

    assert data["profile"]["partners_may_see_when_i_open_their_mailings"] is True
    assert [u["partner"] for u in data["unsubscribed_from_mailings_of"]] == ["Globex"]
    [received] = data["mailings"]
    assert received["subject"] == "Forum emploi"
    assert received["partner"] == "Acme"
    assert received["sent_at"] and received["opened"] is True
    assert received["open_count"] == 2


def test_a_partner_user_export_lists_mailings_sent_to_their_address(
    partner_user, partner
):
    mailing = make_mailing(partner, extra_addresses=partner_user.email)
    resolve(mailing)
    data = export_personal_data(partner_user)
    [row] = data["mailings"]
    assert row["opened"] is None  # no consent to tracking: nothing measured
    assert get_user_model().objects.filter(pk=partner_user.pk).exists()
