"""Public URLs of the plugin: likes of news, members' log in and log out.

Include them inside ``i18n_patterns`` *before* Wagtail's own URLs, so that
``/news/<id>/like/`` is not taken for a page below the news feed::

    urlpatterns += i18n_patterns(
        path("", include("alumni_partner.urls")),
        path("", include(wagtail_urls)),
    )
"""

from django.urls import path

from .views import accounts, likes

app_name = "alumni_partner"

urlpatterns = [
    path("news/<int:page_id>/like/", likes.news_like, name="news_like"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
]
