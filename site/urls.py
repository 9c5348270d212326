"""URLs of the demo site: Wagtail admin, the plugin's public views, localised pages."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    # Load balancer checks: no language prefix, no session (alumni_partner.health).
    path("health/", include("alumni_partner.health")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    # Before Wagtail's pages: /news/<id>/like/ is not a page below the news feed.
    path("", include("alumni_partner.urls")),
    # Alumni accounts: sign-up, e-mail confirmation, log in, password reset.
    path("accounts/", include("allauth.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
