"""Public URLs of the plugin: likes of news, "Apply" on offers, log in and out.

Include them inside ``i18n_patterns`` *before* Wagtail's own URLs, so that
``/news/<id>/like/`` is not taken for a page below the news feed::

    urlpatterns += i18n_patterns(
        path("", include("alumni_partner.urls")),
        path("", include(wagtail_urls)),
    )
"""

from django.urls import path

from .views import accounts, likes, offers

app_name = "alumni_partner"

urlpatterns = [
    path("news/<int:page_id>/like/", likes.news_like, name="news_like"),
    path("offers/<int:pk>/apply/", offers.offer_apply, name="offer_apply"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
]
