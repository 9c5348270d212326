"""The site's URLs plus two views that need a database or cache that is down."""

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path

from alumni_site.urls import urlpatterns as site_urlpatterns
from tests.unreachable import unreachable_database


def needs_the_database(request):
    connection = unreachable_database()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()
    return HttpResponse("never")


def needs_the_cache(request):
    return HttpResponse(cache.get("anything", "never"))


def has_a_bug(request):
    raise RuntimeError("a bug, not an outage")


urlpatterns = [
    path("outage/database/", needs_the_database),
    path("outage/cache/", needs_the_cache),
    path("outage/bug/", has_a_bug),
    *site_urlpatterns,
]
