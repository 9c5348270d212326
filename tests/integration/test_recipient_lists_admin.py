"""'Recipient lists' in the admin (guide 6): a partner's own lists only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alumni_partner.models import RecipientList, RecipientListMember

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"alumni_partner_recipient_lists:{name}", args=args)


def refused(response) -> bool:
    """Wagtail's refusal: a 403, or back to the dashboard with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def consenting(make_alumnus, first_name, last_name, **fields):
    profile = make_alumnus(first_name, last_name, **fields)
    profile.set_mailing_consent(True)
    profile.save()
    return profile


def make_list(partner, name, profiles, *, left_out=0, user=None) -> RecipientList:
    recipient_list = RecipientList.objects.create(
        partner=partner,
        name=name,
        created_by=user,
        found_count=len(profiles) + left_out,
        left_out_count=left_out,
    )
    RecipientListMember.objects.bulk_create(
        RecipientListMember(recipient_list=recipient_list, profile=p) for p in profiles
    )
    return recipient_list


@pytest.fixture
def lists(partner, other_partner, partner_user, make_alumnus):
    amina = consenting(
        make_alumnus,
        "Amina",
        "Diallo",
        employer="Secret Employer SA",
        show_employer=False,
        job_title="Ingénieure",
        city="Dakar",
    )
    bob = consenting(make_alumnus, "Bob", "Martin", employer="Acme Corp")
    gone = consenting(make_alumnus, "Gone", "Unlisted")
    ours = make_list(
        partner, "Ingénieurs Dakar", [amina, bob, gone], left_out=4, user=partner_user
    )
    gone.listed = False  # left the directory after the list was saved
    gone.save()
    theirs = make_list(other_partner, "GLOBEX-SECRET-LIST", [amina])
    return {"ours": ours, "theirs": theirs, "amina": amina, "bob": bob}


# ---------------------------------------------------------------------------
# A partner's own lists
# ---------------------------------------------------------------------------


def test_partner_sees_its_lists_with_their_counts(partner_client, lists):
    response = partner_client.get(url("index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ingénieurs Dakar" in body
    assert "GLOBEX-SECRET-LIST" not in body
    assert url("inspect", lists["ours"].pk) in body
    assert url("inspect", lists["theirs"].pk) not in body
    rows = {row.name: row for row in response.context["object_list"]}
    # Two recipients: the alumnus who left the directory is no longer counted.
    assert rows["Ingénieurs Dakar"].recipient_count == 2
    assert rows["Ingénieurs Dakar"].left_out_count == 4


def test_index_sorts_searches_and_shows_the_partner_to_editors(editor_client, lists):
    body = editor_client.get(url("index")).content.decode()
    assert "Ingénieurs Dakar" in body and "GLOBEX-SECRET-LIST" in body
    assert "Globex" in body  # the partner column
    for key in ("name", "-recipient_count", "left_out_count", "created_at"):
        assert editor_client.get(url("index") + f"?ordering={key}").status_code == 200
    found = editor_client.get(url("index") + "?q=dakar")
    assert [row.name for row in found.context["object_list"]] == ["Ingénieurs Dakar"]


def test_empty_state_explains_where_lists_come_from(partner_client):
    body = partner_client.get(url("index")).content.decode()
    assert reverse("alumni_partner:directory") in body
    assert "recipient-lists-empty" in body


def test_detail_lists_members_with_visible_fields_only(partner_client, lists):
    response = partner_client.get(url("inspect", lists["ours"].pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amina Diallo" in body and "Bob Martin" in body
    assert "Ingénieure" in body and "Acme Corp" in body
    assert "Secret Employer SA" not in body  # hidden by Amina
    assert "Gone Unlisted" not in body  # no longer listed
    assert "@alumni.test" not in body  # no e-mail addresses


def test_detail_is_paginated(partner_client, partner, make_alumnus, settings):
    settings.ALUMNI_PARTNER_ALUMNI_ADMIN_PER_PAGE = 2
    people = [consenting(make_alumnus, f"P{n}", f"Person{n}") for n in range(5)]
    recipient_list = make_list(partner, "Five", people)
    first = partner_client.get(url("inspect", recipient_list.pk))
    assert len(first.context["rows"]) == 2
    last = partner_client.get(url("inspect", recipient_list.pk) + "?p=3")
    assert len(last.context["rows"]) == 1
    # A page out of range or unreadable is the nearest page, never an error.
    assert (
        partner_client.get(url("inspect", recipient_list.pk) + "?p=x").status_code
        == 200
    )


def test_partner_renames_a_list(partner_client, lists, other_partner):
    recipient_list = lists["ours"]
    assert partner_client.get(url("edit", recipient_list.pk)).status_code == 200
    response = partner_client.post(
        url("edit", recipient_list.pk), {"name": "  Dakar   2026 "}
    )
    assert response.status_code == 302
    recipient_list.refresh_from_db()
    assert recipient_list.name == "Dakar 2026"
    # Another partner may use the same name; the partner itself may not.
    make_list(recipient_list.partner, "Taken", [])
    response = partner_client.post(url("edit", recipient_list.pk), {"name": "Taken"})
    assert response.status_code == 200
    assert "Taken" in response.content.decode()
    recipient_list.refresh_from_db()
    assert recipient_list.name == "Dakar 2026"
    RecipientList.objects.create(partner=other_partner, name="Shared name")
    response = partner_client.post(
        url("edit", recipient_list.pk), {"name": "Shared name"}
    )
    assert response.status_code == 302


def test_partner_deletes_a_list_after_confirming(partner_client, lists):
    recipient_list = lists["ours"]
    confirm = partner_client.get(url("delete", recipient_list.pk))
    assert confirm.status_code == 200
    assert "Ingénieurs Dakar" in confirm.content.decode()
    assert RecipientList.objects.filter(pk=recipient_list.pk).exists()
    response = partner_client.post(url("delete", recipient_list.pk))
    assert response.status_code == 302
    assert not RecipientList.objects.filter(pk=recipient_list.pk).exists()
    # The alumni stay.
    lists["amina"].refresh_from_db()


def test_changes_need_the_csrf_token(partner_user, lists):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_user)
    recipient_list = lists["ours"]
    assert client.post(url("delete", recipient_list.pk)).status_code == 403
    assert client.post(url("edit", recipient_list.pk), {"name": "x"}).status_code == 403
    recipient_list.refresh_from_db()
    assert recipient_list.name == "Ingénieurs Dakar"


def test_there_is_no_add_screen(partner_client, editor_client):
    for client in (partner_client, editor_client):
        body = client.get(url("index")).content.decode()
        assert "/admin/recipient-lists/new/" not in body
        assert client.get("/admin/recipient-lists/new/").status_code == 404


# ---------------------------------------------------------------------------
# Another partner's list: 404 everywhere, nothing changes
# ---------------------------------------------------------------------------


def test_another_partners_list_is_a_404_on_every_url(partner_client, lists):
    theirs = lists["theirs"]
    for name in ("inspect", "edit", "delete"):
        path = url(name, theirs.pk)
        for method in ("get", "post"):
            response = getattr(partner_client, method)(path, {"name": "Taken over"})
            assert response.status_code == 404, (method, path)
            assert "GLOBEX-SECRET-LIST" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.name == "GLOBEX-SECRET-LIST"
    assert theirs.memberships.count() == 1


def test_editor_manages_every_partners_lists(editor_client, lists):
    theirs = lists["theirs"]
    assert editor_client.get(url("inspect", theirs.pk)).status_code == 200
    response = editor_client.post(url("edit", theirs.pk), {"name": "Renamed by editor"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.name == "Renamed by editor"


def test_alumnus_and_visitors_are_sent_to_the_login_page(client, alumnus, lists):
    for path in (url("index"), url("inspect", lists["ours"].pk)):
        assert "login" in client.get(path).url
    client.force_login(alumnus)
    for path in (url("index"), url("inspect", lists["ours"].pk)):
        response = client.get(path)
        assert response.status_code == 302 and "login" in response.url


def test_user_of_no_partner_is_refused(client, site_tree, lists):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    staff = get_user_model().objects.create_user("staff@x.test", "staff@x.test", "pw")
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert refused(client.get(url("index")))
    assert client.get(url("inspect", lists["ours"].pk)).status_code in (302, 403, 404)


# ---------------------------------------------------------------------------
# Menus and query counts
# ---------------------------------------------------------------------------


def test_menus_of_a_partner_user(partner_client):
    body = partner_client.get(reverse("wagtailadmin_home")).content.decode()
    assert url("index") in body  # Mailing > Recipient lists
    assert reverse("alumni_partner:directory") in body  # Annuaire: public directory
    assert reverse("alumni_partner_directory:index") not in body
    assert reverse("alumni_partner_imports:index") not in body


def test_menus_of_an_editor(editor_client):
    body = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert url("index") in body
    assert reverse("alumni_partner_directory:index") in body
    assert reverse("alumni_partner_imports:index") in body


def test_query_counts_do_not_grow_with_lists_or_members(
    partner_client, partner, make_alumnus
):
    people = [consenting(make_alumnus, f"P{n}", f"Person{n}") for n in range(2)]
    first = make_list(partner, "L0", people[:1])
    partner_client.get(url("index"))
    with CaptureQueriesContext(connection) as one_list:
        partner_client.get(url("index"))
    with CaptureQueriesContext(connection) as one_member:
        partner_client.get(url("inspect", first.pk))
    more = [
        consenting(make_alumnus, f"Q{n}", f"More{n}", skills=["Python"])
        for n in range(4)
    ]
    for n in range(1, 5):
        make_list(partner, f"L{n}", people + more)
    RecipientListMember.objects.bulk_create(
        RecipientListMember(recipient_list=first, profile=p) for p in people[1:] + more
    )
    with CaptureQueriesContext(connection) as five_lists:
        partner_client.get(url("index"))
    with CaptureQueriesContext(connection) as six_members:
        partner_client.get(url("inspect", first.pk))
    assert len(five_lists) == len(one_list)
    assert len(six_members) == len(one_member), "\n".join(
        q["sql"][:150] for q in six_members.captured_queries
    )
