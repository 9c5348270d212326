"""The first step of "Create a news" / "Post an offer": for which partner.

A user of one partner goes straight to Wagtail's create view under its
partner page; editors and users of several partners choose one first.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .listing import ScopedScreenMixin


class ChoosePartnerView(ScopedScreenMixin, WagtailAdminTemplateMixin, TemplateView):
    """One partner: straight to Wagtail's create view; several: choose one.

    Subclasses give :meth:`partner_label`, :attr:`question`
    and :meth:`get_statistics_panel`.
    """

    current_tab = "create"
    template_name = "alumni_partner/admin/choose_partner.html"
    per_page = 50
    question = ""

    def partner_label(self, partner) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if self.scope.single_partner is not None:
            return redirect(self.new_page_url(self.scope.single_partner))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        partners = self.scope.partners
        if query:
            partners = partners.filter(name__icontains=query)
        page = Paginator(partners, self.per_page).get_page(self.request.GET.get("p"))
        context.update(
            {
                "question": self.question,
                "query": query,
                "partners": [
                    (p, self.new_page_url(p), self.partner_label(p))
                    for p in page.object_list
                ],
                "page_obj": page,
                "statistics_panel": self.get_statistics_panel(),
            }
        )
        return context
