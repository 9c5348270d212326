"""Database or cache down: a short 503 with Retry-After, then service again.

The errors are real: Django's PostgreSQL backend and Django's Redis cache
connecting to a port nothing listens to (tests/unreachable.py), which is what
a request meets while PostgreSQL or Redis restarts.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.benchmarks.content import full_partner
from tests.unreachable import unreachable_caches

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.integration.outage_urls")]


def assert_outage_page(response, language="fr"):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert f'<html lang="{language}"' in response.content.decode()


def test_a_view_whose_database_is_down_answers_503(client, caplog):
    response = client.get("/outage/database/")
    assert_outage_page(response)
    assert "Service momentanément indisponible" in response.content.decode()
    assert "Service unavailable (503) for GET /outage/database/: OperationalError" in (
        caplog.text
    )


def test_a_partner_page_whose_cache_is_down_answers_503_then_serves_again(
    client, site_tree, settings
):
    url = full_partner("Acme", images=1).page.url
    working = settings.CACHES
    settings.CACHES = unreachable_caches()
    assert_outage_page(client.get(url))

    # Redis is back: nothing was kept, the next request is served.
    settings.CACHES = working
    response = client.get(url)
    assert response.status_code == 200
    assert "Acme" in response.content.decode()


def test_the_outage_page_speaks_the_pages_language(client, site_tree, settings):
    from alumni_partner.models import PartnerPage

    partner = full_partner("Acme", images=1)
    pages = PartnerPage.objects.filter(translation_key=partner.page.translation_key)
    english = pages.get(locale__language_code="en").url
    arabic = pages.get(locale__language_code="ar").url
    settings.CACHES = unreachable_caches()

    response = client.get(english)
    assert_outage_page(response, "en")
    assert "Service temporarily unavailable" in response.content.decode()
    response = client.get(arabic)
    assert_outage_page(response, "ar")
    assert 'dir="rtl"' in response.content.decode()


def test_a_middleware_meeting_the_outage_gets_the_503_too(settings):
    # Django's own cache middleware reads the (dead) cache before any view:
    # its error never reaches a view, only got_request_exception.
    settings.CACHES = unreachable_caches()
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    response = Client(raise_request_exception=False).get("/outage/bug/")
    assert_outage_page(response)


def test_a_bug_stays_a_500(settings):
    response = Client(raise_request_exception=False).get("/outage/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
