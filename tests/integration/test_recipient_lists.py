"""Saving a directory search as a recipient list (guide 6: "Saisissez le nom de votre liste").

The partner's list holds the whole result set (not the page on screen), only
alumni who consented to partners' mailings, and says how many were left out.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from alumni_partner.directory import (
    DirectorySearchForm,
    DuplicateListName,
    save_recipient_list,
)
from alumni_partner.models import RecipientList, RecipientListMember

pytestmark = pytest.mark.django_db

SAVE = "/annuaire/liste/"


@pytest.fixture
def alumni(site_tree, make_alumnus):
    """Five Python developers, three of whom accept partners' mailings."""
    people = {}
    for n, consents in enumerate((True, True, True, False, False)):
        people[n] = make_alumnus(
            "Dev",
            f"Number{n}",
            skills=["Python"],
            accepts_partner_mailings=consents,
        )
    people["other"] = make_alumnus("Chef", "Cuisinier", skills=["Cuisine"])
    return people


def save(client, name="Développeurs", query="skills=python", **post):
    return client.post(f"{SAVE}?{query}" if query else SAVE, {"name": name, **post})


def test_a_partner_saves_the_search_as_a_list_of_consenting_alumni(
    partner_client, partner, alumni
):
    response = save(partner_client)
    assert response.status_code == 302
    assert response["Location"] == "/annuaire/?skills=python"
    saved = RecipientList.objects.get(partner=partner)
    assert saved.name == "Développeurs"
    assert saved.found_count == 5
    assert saved.left_out_count == 2
    assert saved.query == {"skills": ["python"]}
    assert set(saved.members.all()) == {alumni[0], alumni[1], alumni[2]}
    message = partner_client.get(response["Location"]).content.decode()
    assert "Développeurs" in message
    assert "3" in message and "2" in message


def test_the_whole_result_set_is_saved_not_the_page(
    partner_client, partner, site_tree, make_alumnus
):
    for n in range(27):
        make_alumnus("Many", f"P{n:02d}", accepts_partner_mailings=True)
    with override_settings(ALUMNI_PARTNER_DIRECTORY_PER_PAGE=5):
        assert save(partner_client, query="q=many&page=2").status_code == 302
    saved = RecipientList.objects.get(partner=partner)
    assert saved.members.count() == saved.found_count == 27
    assert saved.left_out_count == 0
    assert "page" not in saved.query


def test_unlisted_inactive_and_hidden_field_profiles_stay_out(
    partner_client, partner, site_tree, make_alumnus
):
    make_alumnus("Kept", "One", skills=["Python"], accepts_partner_mailings=True)
    make_alumnus(
        "Un", "Listed", skills=["Python"], accepts_partner_mailings=True, listed=False
    )
    inactive = make_alumnus(
        "In", "Active", skills=["Python"], accepts_partner_mailings=True
    )
    get_user_model().objects.filter(pk=inactive.user_id).update(is_active=False)
    make_alumnus(
        "Hides",
        "Skills",
        skills=["Python"],
        accepts_partner_mailings=True,
        show_skills=False,
    )
    save(partner_client)
    saved = RecipientList.objects.get(partner=partner)
    assert [p.display_name for p in saved.members.all()] == ["Kept One"]
    assert saved.found_count == 1


def test_the_save_form_shows_on_results_for_partner_users_only(
    partner_client, client, alumni
):
    body = partner_client.get("/annuaire/?skills=python").content.decode()
    assert f'action="{SAVE}?skills=python"' in body
    assert 'name="name"' in body
    # Three of the five accept mailings: the page says so before saving.
    assert partner_client.get("/annuaire/?skills=python").context["mailable_count"] == 3
    client.force_login(alumni["other"].user)
    assert SAVE not in client.get("/annuaire/?skills=python").content.decode()


def test_a_duplicate_name_is_refused_and_nothing_is_lost(
    partner_client, partner, alumni
):
    save(partner_client)
    response = save(partner_client, query="skills=python&country=FR")
    assert response.status_code == 200
    errors = response.context["list_form"].errors["name"]
    assert errors
    body = response.content.decode()
    assert 'value="Développeurs"' in body  # the name typed
    assert "skills=python&amp;country=FR" in body  # the search
    assert RecipientList.objects.filter(partner=partner).count() == 1


def test_the_service_refuses_a_duplicate_name_too(partner, alumni):
    profiles = DirectorySearchForm(None).matching()
    save_recipient_list(partner=partner, name="Tous", profiles=profiles)
    with pytest.raises(DuplicateListName):
        save_recipient_list(partner=partner, name="Tous", profiles=profiles)
    assert RecipientList.objects.count() == 1


def test_an_empty_name_is_refused(partner_client, alumni):
    response = save(partner_client, name="   ")
    assert response.status_code == 200
    assert "name" in response.context["list_form"].errors
    assert not RecipientList.objects.exists()


def test_only_partner_users_save_lists(client, site_tree, alumni, editor):
    client.force_login(alumni["other"].user)
    assert save(client).status_code == 403
    client.force_login(editor)
    assert save(client).status_code == 403
    assert not RecipientList.objects.exists()


def test_anonymous_visitors_and_gets_are_refused(client, alumni, partner_client):
    assert Client().post(SAVE, {"name": "x"}).status_code == 302
    assert partner_client.get(SAVE).status_code == 405
    assert not RecipientList.objects.exists()


def test_saving_needs_the_csrf_token(partner_user, alumni):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_user)
    assert client.post(f"{SAVE}?skills=python", {"name": "x"}).status_code == 403
    assert not RecipientList.objects.exists()


def test_a_user_of_two_partners_chooses_which_owns_the_list(
    client, partner, other_partner, partner_user, alumni, make_partner
):
    other_partner.members.add(partner_user)
    client.force_login(partner_user)
    body = client.get("/annuaire/?skills=python").content.decode()
    assert '<select name="partner"' in body
    assert save(client, partner=other_partner.pk).status_code == 302
    assert RecipientList.objects.get().partner == other_partner
    # A third partner, not theirs, is an invalid choice: nothing saved.
    third = make_partner("Initech")
    response = save(client, name="Autre", partner=third.pk)
    assert response.status_code == 200
    assert "partner" in response.context["list_form"].errors
    assert not RecipientList.objects.filter(partner=third).exists()


def test_a_partner_cannot_save_a_list_for_another_partner(
    partner_client, partner, other_partner, alumni
):
    """Another partner's id in the form is ignored: the list is the user's partner's."""
    save(partner_client, partner=other_partner.pk)
    assert not RecipientList.objects.filter(partner=other_partner).exists()
    assert RecipientList.objects.get().partner == partner


def test_another_partners_list_names_are_not_an_oracle(
    partner_client, partner, other_partner, alumni
):
    """Globex's list "Développeurs" does not stop Acme's, nor show up."""
    profiles = DirectorySearchForm(None).matching()
    save_recipient_list(partner=other_partner, name="Développeurs", profiles=profiles)
    assert save(partner_client).status_code == 302
    assert RecipientList.objects.filter(name="Développeurs").count() == 2
    user = partner.members.get()
    assert list(RecipientList.objects.for_user(user)) == [
        RecipientList.objects.get(partner=partner)
    ]


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"recipient_list": (1, 3600)})
def test_saving_lists_is_rate_limited(partner_client, alumni):
    assert save(partner_client, name="Une").status_code == 302
    response = save(partner_client, name="Deux")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert RecipientList.objects.count() == 1


def test_saving_takes_the_same_few_queries_for_any_number_of_alumni(
    partner, site_tree, make_alumnus, django_assert_max_num_queries
):
    for n in range(40):
        make_alumnus("Bulk", f"N{n:02d}", accepts_partner_mailings=n % 4 != 0)
    form = DirectorySearchForm(None)
    with django_assert_max_num_queries(8):
        saved = save_recipient_list(
            partner=partner, name="Tous", profiles=form.matching()
        )
    assert saved.found_count == 40
    assert saved.left_out_count == 10
    assert RecipientListMember.objects.filter(recipient_list=saved).count() == 30
    assert reverse("alumni_partner:directory_save_list") == SAVE
