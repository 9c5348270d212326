"""An alumnus downloads all their data and deletes their account (GDPR, issue 5).

"Deletion removes them from lists, directory and search at once": the user,
profile, photo file, follows and list memberships go in one step, and the
alumnus is logged out.
"""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from alumni_partner.counters import set_like
from alumni_partner.following import set_following
from alumni_partner.models import (
    AlumniProfile,
    NewsLike,
    PartnerFollow,
    ProfileLanguage,
    RecipientList,
    RecipientListMember,
)
from alumni_partner.personal_data import (
    delete_account,
    export_personal_data,
    may_delete_account,
)
from tests.conftest import PASSWORD
from tests.integration.test_isolation_matrix import publish_partner_page

pytestmark = pytest.mark.django_db


EXPORT_URL = "/accounts/profile/export/"
DELETE_URL = "/accounts/profile/delete/"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def rich_profile(partner, other_partner, make_alumnus, make_news):
    """An alumnus with a hidden employer, a photo, follows, a list and a like."""
    publish_partner_page(partner)
    profile = make_alumnus(
        first_name="Lina",
        last_name="Haddad",
        employer="Banque Secrète",
        show_employer=False,
        city="Beyrouth",
        skills=["Finance", "Arabe"],
        languages=["ar", "fr"],
        bio="<p>Bonjour</p>",
    )
    profile.set_mailing_consent(True)
    profile.photo.save("secret.png", ContentFile(png()), save=False)
    profile.save()
    set_following(profile, partner, True)
    the_list = RecipientList.objects.create(partner=other_partner, name="Finance Liban")
    RecipientListMember.objects.create(recipient_list=the_list, profile=profile)
    news = make_news(partner, title="Forum finance")
    set_like(news, profile.user, True)
    return profile


@pytest.fixture
def member(client, rich_profile):
    client.force_login(rich_profile.user)
    return client


# --- Download my data -------------------------------------------------------------


def test_export_holds_everything_including_hidden_fields(member, rich_profile):
    response = member.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert ".json" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)

    account = data["account"]
    assert account["email"] == rich_profile.user.email
    assert (account["first_name"], account["last_name"]) == ("Lina", "Haddad")
    assert "password" not in json.dumps(account)

    profile = data["profile"]
    assert profile["employer"] == "Banque Secrète"  # hidden from members, not from her
    assert profile["members_may_see"]["employer"] is False
    assert profile["members_may_see"]["city"] is True
    assert profile["city"] == "Beyrouth"
    assert profile["skills"] == ["Arabe", "Finance"]
    assert [lang["code"] for lang in profile["languages"]] == ["ar", "fr"]
    assert profile["bio"] == "<p>Bonjour</p>"
    assert profile["partners_may_send_me_mailings"] is True
    assert profile["mailing_consent_given_at"]
    assert profile["photo"]["url"].endswith(reverse("alumni_partner:profile_photo"))

    assert [f["partner"] for f in data["partners_followed"]] == ["Acme"]
    # Of the lists, only the partners' names: the lists are the partners' work.
    assert data["in_recipient_lists_of"] == ["Globex"]
    assert "Finance Liban" not in response.content.decode()
    assert [like["news"] for like in data["news_liked"]] == ["Forum finance"]


def test_export_needs_a_login_and_is_the_members_own(
    client, rich_profile, make_alumnus
):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    other = make_alumnus(first_name="Other", employer="Ailleurs")
    client.force_login(other.user)
    content = client.get(EXPORT_URL).content.decode()
    assert "Banque Secrète" not in content and "Haddad" not in content
    assert client.post(EXPORT_URL).status_code == 405


def test_a_partner_user_gets_their_account_data_without_profile(partner_user):
    data = export_personal_data(partner_user)
    assert data["account"]["email"] == partner_user.email
    assert data["profile"] is None
    assert not AlumniProfile.objects.filter(user=partner_user).exists()


def test_profile_page_links_to_download_and_delete(member):
    html = member.get(reverse("alumni_partner:profile")).content.decode()
    assert f'href="{EXPORT_URL}"' in html
    assert f'href="{DELETE_URL}"' in html


# --- Delete my account ------------------------------------------------------------


def test_delete_page_asks_for_the_password(member):
    html = member.get(DELETE_URL).content.decode()
    assert 'type="password"' in html
    assert '<label for="id_password"' in html
    assert 'method="post"' in html


def test_a_wrong_password_deletes_nothing(member, rich_profile):
    response = member.post(DELETE_URL, {"password": "not-mine"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_password_error"' in html
    assert AlumniProfile.objects.filter(pk=rich_profile.pk).exists()
    assert member.get(reverse("alumni_partner:profile")).status_code == 200


def test_deletion_removes_everything_at_once_and_logs_out(
    member, rich_profile, make_alumnus, partner, django_capture_on_commit_callbacks
):
    other = make_alumnus(first_name="Reste")
    set_following(other, partner, True)
    the_list = RecipientList.objects.get()
    RecipientListMember.objects.create(recipient_list=the_list, profile=other)
    user_id, profile_id = rich_profile.user_id, rich_profile.pk
    photo = rich_profile.photo.name
    storage = rich_profile.photo.storage
    assert storage.exists(photo)
    assert rich_profile in AlumniProfile.objects.listed()

    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 303 and response.url == "/"

    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not AlumniProfile.objects.filter(pk=profile_id).exists()
    assert not AlumniProfile.objects.listed().filter(pk=profile_id).exists()
    assert list(the_list.members.all()) == [other]
    assert not PartnerFollow.objects.filter(profile_id=profile_id).exists()
    assert not ProfileLanguage.objects.filter(profile_id=profile_id).exists()
    assert not NewsLike.objects.filter(user_id=user_id).exists()
    assert not AlumniProfile.objects.filter(search_text__contains="haddad").exists()
    assert not storage.exists(photo)
    # The other alumnus keeps everything.
    assert PartnerFollow.objects.filter(profile=other).exists()

    # Logged out, with a message, and the old session opens nothing.
    assert "_auth_user_id" not in member.session
    home = member.get("/")
    assert not home.wsgi_request.user.is_authenticated
    assert "message-success" in home.content.decode()
    assert member.get(reverse("alumni_partner:profile")).status_code == 302


def test_delete_account_without_http(rich_profile, django_capture_on_commit_callbacks):
    photo, storage = rich_profile.photo.name, rich_profile.photo.storage
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(rich_profile.user)
    assert not AlumniProfile.objects.exists()
    assert not RecipientListMember.objects.exists()
    assert (
        RecipientList.objects.get().name == "Finance Liban"
    )  # the partner's list stays
    assert not storage.exists(photo)


def test_delete_needs_post_with_csrf(rich_profile):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rich_profile.user)
    assert client.post(DELETE_URL, {"password": PASSWORD}).status_code == 403
    assert AlumniProfile.objects.filter(pk=rich_profile.pk).exists()


def test_accounts_of_the_partner_space_are_not_deleted_here(
    client, partner_user, editor, alumnus
):
    assert may_delete_account(alumnus)
    for user in (partner_user, editor):
        assert not may_delete_account(user)
        client.force_login(user)
        assert client.get(DELETE_URL).status_code == 403
        assert client.post(DELETE_URL, {"password": PASSWORD}).status_code == 403
        assert get_user_model().objects.filter(pk=user.pk).exists()


def test_deletion_erases_the_member_from_mailings_but_keeps_the_refusal(
    rich_profile, partner
):
    from alumni_partner.models import (
        Mailing,
        MailingRecipient,
        MailingUnsubscribe,
        RecipientStatus,
    )

    address = rich_profile.user.email.lower()
    sent = Mailing.objects.create(
        partner=partner, sender_name="P", sender_email="p@p.test", subject="A"
    )
    waiting = Mailing.objects.create(
        partner=partner, sender_name="P", sender_email="p@p.test", subject="B"
    )
    MailingRecipient.objects.create(
        mailing=sent,
        email=address,
        first_name="Lina",
        profile=rich_profile,
        source="follower",
        status=RecipientStatus.SENT,
    )
    MailingRecipient.objects.create(
        mailing=waiting, email=address, profile=rich_profile, source="follower"
    )
    MailingUnsubscribe.objects.create(partner=partner, email=address, mailing=sent)

    delete_account(rich_profile.user)

    # The sent row keeps the partner's totals, under nobody's address.
    row = MailingRecipient.objects.get()
    assert row.mailing == sent and row.status == RecipientStatus.SENT
    assert row.email.endswith("@erased.invalid") and not row.first_name
    assert not MailingRecipient.objects.filter(email=address).exists()
    # Her refusal stays, so a partner's file cannot bring the address back.
    assert MailingUnsubscribe.objects.filter(email=address).exists()
