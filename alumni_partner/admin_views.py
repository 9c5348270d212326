"""Small admin views that are not a viewset: "Mon organisation"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .models import Partner


def my_organisation(request: HttpRequest) -> HttpResponse:
    """Open the user's own partner page for editing, in one click (guide 2.1)."""
    partners = list(Partner.objects.for_user(request.user).exclude(page=None))
    if len(partners) == 1:
        return redirect("wagtailadmin_pages:edit", partners[0].page_id)
    if not partners:
        messages.warning(request, _("Your account is not attached to any partner."))
        return redirect("wagtailadmin_home")
    return OrganisationChoiceView.as_view(partners=partners)(request)


class OrganisationChoiceView(WagtailAdminTemplateMixin, TemplateView):
    """For the rare user who works for several partners."""

    template_name = "alumni_partner/admin/organisation_choice.html"
    page_title = _("Mon organisation")
    partners: list = []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partners"] = [
            (p, reverse("wagtailadmin_pages:edit", args=[p.page_id]))
            for p in self.partners
        ]
        return context
