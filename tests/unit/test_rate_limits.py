"""Per-account rate limits (alumni_partner.rate_limits)."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings

from alumni_partner import rate_limits


def _user(pk):
    return SimpleNamespace(pk=pk, is_authenticated=True)


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"directory_search": (3, 60)})
def test_the_fourth_request_in_the_window_is_refused():
    user = _user(1)
    for _ in range(3):
        rate_limits.check(user, "directory_search")
    with pytest.raises(rate_limits.RateLimited) as refused:
        rate_limits.check(user, "directory_search")
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.message


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"directory_search": (1, 60)})
def test_accounts_and_actions_are_counted_apart():
    rate_limits.check(_user(1), "directory_search")
    rate_limits.check(_user(2), "directory_search")
    rate_limits.check(_user(1), "recipient_list")  # another action, default limit
    with pytest.raises(rate_limits.RateLimited):
        rate_limits.check(_user(1), "directory_search")


@override_settings(
    ALUMNI_PARTNER_RATE_LIMITS={"directory_search": [(100, 60), (2, 24 * 3600)]}
)
def test_the_longest_exceeded_window_sets_the_wait():
    user = _user(1)
    rate_limits.check(user, "directory_search")
    rate_limits.check(user, "directory_search")
    with pytest.raises(rate_limits.RateLimited) as refused:
        rate_limits.check(user, "directory_search")
    assert refused.value.retry_after > 60
    assert "h" in refused.value.message  # hours / heures


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"directory_search": None})
def test_none_means_unlimited():
    for _ in range(1000):
        rate_limits.check(_user(1), "directory_search")


def test_the_setting_overrides_defaults_action_by_action():
    with override_settings(ALUMNI_PARTNER_RATE_LIMITS={"recipient_list": (5, 10)}):
        assert rate_limits.limits("recipient_list") == [(5, 10)]
        assert rate_limits.limits("directory_search")  # default kept


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        rate_limits.check(_user(1), "no_such_action")


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"directory_search": (1, 60)})
def test_anonymous_requests_are_counted_by_address():
    factory = RequestFactory()
    first = factory.get("/", REMOTE_ADDR="192.0.2.1")
    first.user = AnonymousUser()
    other = factory.get("/", REMOTE_ADDR="192.0.2.2")
    other.user = AnonymousUser()
    rate_limits.check(first, "directory_search")
    rate_limits.check(other, "directory_search")
    with pytest.raises(rate_limits.RateLimited):
        rate_limits.check(first, "directory_search")


@override_settings(ALUMNI_PARTNER_RATE_LIMITS={"directory_search": (1, 60)})
@pytest.mark.django_db
def test_the_decorator_answers_429_with_retry_after(rf, alumnus):
    @rate_limits.limit("directory_search")
    def view(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.get("/annuaire/")
    request.user = alumnus
    assert view(request).status_code == 200
    refused = view(request)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
