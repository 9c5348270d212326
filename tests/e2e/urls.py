"""The demo site's URLs plus uploaded media, for the browser tests' live server.

The test settings run with ``DEBUG = False``, so the site's own URLconf does not
serve ``MEDIA_URL``; without this, logos and image previews would be broken
images in the screenshots. ``i18n_patterns`` stays at the top level, so locale
prefixes keep working.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from alumni_site import urls as site_urls

urlpatterns = [
    re_path(
        r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
    *site_urls.urlpatterns,
]
