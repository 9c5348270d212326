"""``/admin/mailings/``: one URL namespace for every mailing screen.

The screens live in modules named for what they show: :mod:`.compose`
(create, edit, "Visualiser"), :mod:`.pending` ("Mails en attente" and its
actions), :mod:`.review` (the editors' validation) and :mod:`.sent` ("Mails
envoyés", a mailing's page, statistics, stop, resume, copy). Each checks the
user's access itself, from ``Mailing.objects.for_user``: another partner's
mailing is a 404 at every URL.
"""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.viewsets.base import ViewSet

from . import compose, pending, review, sent

NAMESPACE = "alumni_partner_mailings"


def mailings_url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


class MailingViewSet(ViewSet):
    """The mailing screens; their menu items come from :mod:`.menus`."""

    name = "mailings"
    url_prefix = "mailings"
    url_namespace = NAMESPACE
    icon = "mail"

    def get_urlpatterns(self):
        return [
            *compose.urlpatterns,
            *pending.urlpatterns,
            *review.urlpatterns,
            *sent.urlpatterns,
        ]
