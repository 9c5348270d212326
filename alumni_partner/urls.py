"""Public URLs of the plugin: likes, "Apply", following, profiles, the directory,
messages.

Include them inside ``i18n_patterns`` *before* Wagtail's own URLs, so that
``/news/<id>/like/`` is not taken for a page below the news feed::

    urlpatterns += i18n_patterns(
        path("", include("alumni_partner.urls")),
        path("", include(wagtail_urls)),
    )
"""

from django.urls import path

from .views import (
    beacons,
    directory,
    follows,
    likes,
    mailings,
    message_actions,
    messages,
    offers,
    profile,
)

app_name = "alumni_partner"

urlpatterns = [
    path("news/<int:page_id>/like/", likes.news_like, name="news_like"),
    path("offers/<int:pk>/apply/", offers.offer_apply, name="offer_apply"),
    # News and offer pages' view beacon: never cached, counts behind a front cache.
    path("views/<int:page_id>.gif", beacons.page_view, name="page_view"),
    path("partners/<int:partner_id>/follow/", follows.follow, name="partner_follow"),
    path("accounts/profile/", profile.edit, name="profile"),
    path("accounts/profile/photo/", profile.photo, name="profile_photo"),
    path("accounts/profile/export/", profile.export, name="profile_export"),
    path("accounts/profile/delete/", profile.delete, name="profile_delete"),
    path("annuaire/", directory.search, name="directory"),
    path("annuaire/liste/", directory.save_list, name="directory_save_list"),
    path("annuaire/<uuid:public_id>/", directory.profile, name="directory_profile"),
    path(
        "annuaire/<uuid:public_id>/photo/",
        directory.photo,
        name="directory_photo",
    ),
    # Mes messages (guide 7).
    path("messages/", messages.inbox, name="messages_inbox"),
    path("messages/archive/", messages.archive, name="messages_archive"),
    path("messages/sent/", messages.sent, name="messages_sent"),
    path("messages/search/", messages.search, name="messages_search"),
    path("messages/settings/", messages.preferences, name="messages_settings"),
    path("messages/new/", messages.new, name="message_new"),
    path(
        "messages/new/<uuid:public_id>/",
        messages.compose,
        name="message_compose",
    ),
    path(
        "messages/new/partner/<int:partner_id>/",
        messages.compose_partner,
        name="message_compose_partner",
    ),
    path("messages/<uuid:thread_id>/", message_actions.thread, name="message_thread"),
    # Links in mailings: signed tokens, no account needed.
    path("m/o/<str:token>.gif", mailings.mailing_open, name="mailing_open"),
    path("m/u/<str:token>/", mailings.unsubscribe, name="mailing_unsubscribe"),
]
