"""Alumni follow partner pages (issue 5, build item 1; guide 6: the default audience).

The rule (``alumni_partner.following``) is tested without HTTP; the button of
the partner page and ``POST /partners/<id>/follow/`` through the test client:
POST only, CSRF enforced, visitors sent to the login page and back, partner
users told why not, nobody else's follows touched. The button lives outside
the page's cached body, so each visitor sees their own state.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from alumni_partner.following import (
    CannotFollow,
    follower_profile,
    is_following,
    set_following,
    toggle_following,
)
from alumni_partner.models import AlumniProfile, PartnerFollow
from tests.integration.test_isolation_matrix import publish_partner_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_partner(partner):
    publish_partner_page(partner)
    return partner


@pytest.fixture
def member(client, profile):
    client.force_login(profile.user)
    return client


def follow_url(partner) -> str:
    return reverse("alumni_partner:partner_follow", args=[partner.pk])


def html_of(response) -> str:
    return response.content.decode()


def follows(profile, partner) -> bool:
    return PartnerFollow.objects.filter(profile=profile, partner=partner).exists()


# --- The rule, without HTTP --------------------------------------------------


def test_an_alumnus_follows_and_stops_following(live_partner, profile):
    assert set_following(profile, live_partner, True) is True
    assert set_following(profile, live_partner, True) is False  # once only
    assert is_following(profile, live_partner)
    assert list(live_partner.followers.all()) == [profile]
    assert set_following(profile, live_partner, False) is True
    assert set_following(profile, live_partner, False) is False
    assert not is_following(profile, live_partner)


def test_toggle_follows_then_unfollows(live_partner, profile):
    assert toggle_following(profile.user, live_partner) is True
    assert toggle_following(profile.user, live_partner) is False
    assert toggle_following(profile.user, live_partner, wanted=True) is True
    assert toggle_following(profile.user, live_partner, wanted=True) is True
    assert PartnerFollow.objects.count() == 1


def test_partner_users_cannot_follow(live_partner, other_partner):
    user = other_partner.members.get()
    with pytest.raises(CannotFollow):
        follower_profile(user)
    with pytest.raises(CannotFollow):
        toggle_following(user, live_partner)
    assert not AlumniProfile.objects.filter(user=user).exists()


def test_a_member_without_profile_gets_one_to_follow(live_partner, alumnus):
    assert toggle_following(alumnus, live_partner) is True
    assert follows(alumnus.alumni_profile, live_partner)


def test_a_partner_without_live_page_cannot_be_followed(partner, profile):
    assert not partner.page.live
    with pytest.raises(CannotFollow):
        set_following(profile, partner, True)


# --- The button on the partner page ----------------------------------------------


def test_member_sees_follow_then_unfollow(member, live_partner, profile):
    page_url = live_partner.page.url
    html = html_of(member.get(page_url))
    assert f'action="{follow_url(live_partner)}"' in html
    assert 'name="following" value="1"' in html
    assert 'name="csrfmiddlewaretoken"' in html

    response = member.post(
        follow_url(live_partner), {"following": "1", "next": page_url}
    )
    assert response.status_code == 303 and response.url == page_url
    assert follows(profile, live_partner)
    html = html_of(member.get(page_url))
    assert 'name="following" value="0"' in html
    assert re.search(r'class="message message-success">[^<]*Acme', html)

    member.post(follow_url(live_partner), {"following": "0", "next": page_url})
    assert not follows(profile, live_partner)
    assert 'name="following" value="1"' in html_of(member.get(page_url))


def test_the_button_is_outside_the_cached_body(client, live_partner, make_alumnus):
    """Two members and a visitor see their own state on the same cached page."""
    first, second = make_alumnus(first_name="Un"), make_alumnus(first_name="Deux")
    set_following(first, live_partner, True)
    page_url = live_partner.page.url
    html = html_of(client.get(page_url))  # the visitor fills the cache
    assert reverse("account_login") in html and follow_url(live_partner) not in html
    client.force_login(first.user)
    assert 'name="following" value="0"' in html_of(client.get(page_url))
    client.force_login(second.user)
    assert 'name="following" value="1"' in html_of(client.get(page_url))


def test_visitor_is_sent_to_the_login_page_and_back(client, live_partner):
    page_url = live_partner.page.url
    html = html_of(client.get(page_url))
    login = reverse("account_login")
    assert f'href="{login}?next={page_url}"' in html
    response = client.post(follow_url(live_partner), {"following": "1"})
    assert response.status_code == 303
    assert response.url == f"{login}?next={quote(page_url, safe='')}"
    assert PartnerFollow.objects.count() == 0


def test_partner_user_gets_a_message_instead_of_a_button(
    client, live_partner, other_partner
):
    client.force_login(other_partner.members.get())
    page_url = live_partner.page.url
    html = html_of(client.get(page_url))
    assert follow_url(live_partner) not in html
    assert 'class="follow-note"' in html
    response = client.post(follow_url(live_partner), {"following": "1"})
    assert response.status_code == 303 and response.url == page_url
    assert PartnerFollow.objects.count() == 0
    html = html_of(client.get(page_url))
    assert "message-error" in html


def test_get_is_not_allowed(member, live_partner):
    assert member.get(follow_url(live_partner)).status_code == 405
    assert PartnerFollow.objects.count() == 0


def test_csrf_is_enforced(live_partner, profile):
    client = Client(enforce_csrf_checks=True)
    client.force_login(profile.user)
    assert client.post(follow_url(live_partner), {"following": "1"}).status_code == 403
    assert not follows(profile, live_partner)
    # With the token of the page, the same post works.
    client.get(live_partner.page.url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        follow_url(live_partner), {"following": "1", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert follows(profile, live_partner)


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_next_elsewhere_is_ignored(member, live_partner, next_url):
    response = member.post(
        follow_url(live_partner), {"following": "1", "next": next_url}
    )
    assert response.status_code == 303
    assert response.url == live_partner.page.url


def test_unknown_or_offline_partner_is_not_found(member, partner, live_partner):
    assert (
        member.post(reverse("alumni_partner:partner_follow", args=[999999])).status_code
        == 404
    )
    page = live_partner.page
    page.unpublish()
    assert member.post(follow_url(live_partner), {"following": "1"}).status_code == 404


def test_another_members_follows_are_untouched(
    member, live_partner, profile, make_alumnus, other_partner
):
    publish_partner_page(other_partner)
    other = make_alumnus(first_name="Autre")
    set_following(other, live_partner, True)
    set_following(other, other_partner, True)
    member.post(follow_url(live_partner), {"following": "1"})
    member.post(follow_url(live_partner), {"following": "0"})
    member.post(follow_url(other_partner), {"following": "0"})
    assert follows(other, live_partner) and follows(other, other_partner)
    assert not follows(profile, live_partner)


def test_profile_page_lists_follows_with_unfollow_buttons(
    member, live_partner, profile, other_partner
):
    publish_partner_page(other_partner)
    set_following(profile, live_partner, True)
    set_following(profile, other_partner, True)
    profile_url = reverse("alumni_partner:profile")
    html = html_of(member.get(profile_url))
    section = html[html.index('id="follows-heading"') :]
    assert section.index("Acme") < section.index("Globex")
    assert f'href="{live_partner.page.url}"' in section
    assert f'action="{follow_url(live_partner)}"' in section
    response = member.post(
        follow_url(live_partner),
        {"following": "0", "next": f"{profile_url}#follows-heading"},
    )
    assert response.url == f"{profile_url}#follows-heading"
    assert not follows(profile, live_partner) and follows(profile, other_partner)


def test_english_page_follows_back_to_the_english_page(member, live_partner, profile):
    english = live_partner.page.get_translations().get(locale__language_code="en")
    english_url = english.url
    assert english_url.startswith("/en/")
    action = f"/en/partners/{live_partner.pk}/follow/"
    html = html_of(member.get(english_url))
    assert f'action="{action}"' in html
    response = member.post(action, {"following": "1"})
    assert response.url == english_url
    assert follows(profile, live_partner)
