"""Partner onboarding from the admin: one form makes a partner's whole space.

Guide chapter 1 and DESIGN.md §4: an editor creates the partner; its first user
gets an e-mail (through a real SMTP server) with a link to set a password,
then logs in with the e-mail address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
)

from alumni_partner.models import Partner, PartnerPage, PersonalDetails, Sector

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "Un-mot-de-passe-solide-42"


def create_form(**overrides) -> dict:
    return {
        "name": "Initech",
        "email": "Bill.Lumbergh@Initech.test",
        "first_name": "Bill",
        "last_name": "Lumbergh",
        "sector": "",
        "category": "",
        "country": "US",
        **overrides,
    }


def counts() -> dict:
    return {
        "partners": Partner.objects.count(),
        "pages": Page.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "users": User.objects.count(),
    }


@pytest.fixture
def onboarded(editor_client, smtp_server, django_capture_on_commit_callbacks):
    """Initech, created by an editor through the partners admin."""
    sector = Sector.objects.create(name="Logiciel", locale=Locale.get_default())
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("partners:add"), create_form(sector=sector.pk)
        )
    assert response.status_code == 302, response.context["form"].errors
    return Partner.objects.get(name="Initech"), response


def test_editor_opens_the_partner_creation_form(editor_client, site_tree):
    response = editor_client.get(reverse("partners:add"))
    assert response.status_code == 200
    body = response.content.decode()
    for field in ("name", "email", "first_name", "last_name", "sector", "country"):
        assert f'name="{field}"' in body
    assert reverse("partners:index") in [
        item.url for item in _menu_items(editor_client)
    ]


def test_editor_creates_a_partner_with_its_page_in_every_locale(onboarded):
    partner, response = onboarded
    assert response.url == reverse("partners:index")

    pages = list(partner.pages_in_every_locale().specific())
    codes = sorted(page.locale.language_code for page in pages)
    assert codes == sorted(code for code, _name in _languages())
    source = partner.page
    assert source.locale == Locale.get_default()
    assert isinstance(source, PartnerPage)
    assert source.title == "Initech"
    assert source.sector.name == "Logiciel"
    assert source.country == "US"
    assert not source.live  # the partner fills "Mon organisation" first
    for page in pages:
        if page.pk != source.pk:
            assert page.alias_of_id == source.pk  # French until translated


def _languages():
    from django.conf import settings

    return settings.WAGTAIL_CONTENT_LANGUAGES


def test_partner_group_holds_permissions_on_its_own_pages_only(onboarded):
    partner, _response = onboarded
    group = partner.group
    pages = set(partner.pages_in_every_locale().values_list("pk", flat=True))

    granted = GroupPagePermission.objects.filter(group=group)
    assert set(granted.values_list("page_id", flat=True)) == pages
    for page_id in pages:
        assert set(
            granted.filter(page_id=page_id).values_list(
                "permission__codename", flat=True
            )
        ) == {"add_page", "change_page", "lock_page", "unlock_page", "publish_page"}

    media = GroupCollectionPermission.objects.filter(group=group)
    assert set(media.values_list("collection_id", flat=True)) == {partner.collection_id}
    assert set(media.values_list("permission__codename", flat=True)) == {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }
    assert partner.collection.name == "Initech"
    assert partner.collection.get_parent() == Collection.get_first_root_node()

    # Model permissions: admin access only; nothing on users or groups
    # (anyone who may change users can make themselves superuser, wagtail#14100).
    assert list(group.permissions.values_list("codename", flat=True)) == [
        "access_admin"
    ]
    assert not Permission.objects.filter(
        group=group, content_type__app_label__in=["auth", "wagtailusers"]
    ).exists()


def test_first_user_has_no_password_and_receives_an_invitation(onboarded, smtp_server):
    partner, _response = onboarded
    user = partner.members.get()
    assert user.email == "bill.lumbergh@initech.test"
    assert user.first_name == "Bill" and user.last_name == "Lumbergh"
    assert not user.has_usable_password()
    assert not user.is_superuser and not user.is_staff
    assert list(user.groups.all()) == [partner.group]
    assert PersonalDetails.objects.filter(user=user).exists()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "bill.lumbergh@initech.test"
    assert "Initech" in smtp_server.body(message)
    assert "/admin/password_reset/confirm/" in smtp_server.body(message)
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["bill.lumbergh@initech.test"]


def setup_link(smtp_server) -> str:
    body = smtp_server.body(smtp_server.wait_for(1)[0])
    [url] = [word for word in body.split() if "/admin/password_reset/confirm/" in word]
    return urlsplit(url).path


def test_invitation_link_sets_the_password_and_the_user_logs_in_by_email(
    onboarded, smtp_server
):
    partner, _response = onboarded
    client = Client()
    link = setup_link(smtp_server)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    assert 'name="new_password1"' in response.content.decode()

    response = client.post(
        form_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user = partner.members.get()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    again = Client().get(link, follow=True)
    assert 'name="new_password1"' not in again.content.decode()

    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "Bill.Lumbergh@initech.TEST", "password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == user
    # "Mon organisation" opens its page for editing in one click.
    response = client.get(reverse("alumni_partner_my_organisation"))
    assert response.url == reverse("wagtailadmin_pages:edit", args=[partner.page_id])


def test_partner_user_cannot_open_the_partners_admin(partner, partner_client):
    for url in (
        reverse("partners:index"),
        reverse("partners:add"),
        reverse("partners:edit", args=[partner.pk]),
        reverse("partners:delete", args=[partner.pk]),
        reverse("partners:inspect", args=[partner.pk]),
    ):
        response = partner_client.get(url)
        # Refused: a 403, or Wagtail's redirect to the dashboard with an error.
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response.url == reverse("wagtailadmin_home"), url
    before = counts()
    partner_client.post(reverse("partners:add"), create_form())
    assert counts() == before
    assert reverse("partners:index") not in [
        item.url for item in _menu_items(partner_client)
    ]


def _menu_items(client):
    from wagtail.admin.menu import admin_menu

    request = client.get(reverse("wagtailadmin_home")).wsgi_request
    return admin_menu.menu_items_for_request(request)


def test_duplicate_name_is_refused_and_nothing_is_created(
    editor_client, partner, smtp_server, django_capture_on_commit_callbacks
):
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("partners:add"), create_form(name="acme", email="new@acme.test")
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    with translation.override("fr"):
        expected = translation.gettext("A partner with this name already exists.")
    assert errors["name"] == [expected]
    assert counts() == before
    assert smtp_server.messages == []


def test_email_already_used_is_refused_and_nothing_is_created(
    editor_client, partner, smtp_server, django_capture_on_commit_callbacks
):
    before = counts()
    used = partner.members.get().email.upper()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("partners:add"), create_form(email=used))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert counts() == before
    assert smtp_server.messages == []


def test_address_a_user_moved_away_from_is_still_refused(
    editor_client, partner, smtp_server
):
    """The old address stays that account's username: reusing it was a 500."""
    user = partner.members.get()
    old_address = user.email
    user.email = "wile@acme.test"
    user.save()
    before = counts()
    response = editor_client.post(
        reverse("partners:add"), create_form(email=old_address)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("email", ""), ("email", "not-an-address"), ("country", "XX")],
)
def test_missing_or_malformed_fields_are_form_errors(
    editor_client, site_tree, field, value
):
    before = counts()
    response = editor_client.post(
        reverse("partners:add"), create_form(**{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert counts() == before
