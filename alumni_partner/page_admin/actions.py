"""A confirmation page (GET) and its action (POST) on one page of the scope.

The page is looked up in the user's scope and in the state the action needs:
another partner's page is a 404, as if it did not exist. Nothing changes on
GET; the POST carries Django's CSRF token. The business rule (and its own
permission check) stays in the lifecycle module the subclass calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .listing import ScopedScreenMixin


class ConfirmActionView(ScopedScreenMixin, WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then act on one page of the user's scope.

    Subclasses give :meth:`pages_in_state`, :meth:`may_act`, :meth:`act`
    (returns the success message), :meth:`question`, :meth:`list_url` and
    :attr:`refused` (the lifecycle's exception class).
    """

    template_name = "alumni_partner/admin/confirm.html"
    http_method_names = ["get", "post"]
    list_name = "index"
    confirm_label = gettext_lazy("OK")
    destructive = False
    refused: type[Exception] = PermissionError
    #: The context name the template reads the page under.
    object_name = "object"

    def pages_in_state(self, pages):
        raise NotImplementedError

    def may_act(self, user, page) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.scope.allowed:
            raise PermissionDenied
        self.object = get_object_or_404(
            self.pages_in_state(self.scoped_pages()), pk=kwargs["pk"]
        )
        if not self.may_act(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def next_url(self) -> str:
        wanted = self.request.POST.get("next") or self.request.GET.get("next")
        if wanted and url_has_allowed_host_and_scheme(
            wanted,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return wanted
        return self.list_url(self.list_name)

    def get_page_subtitle(self):
        return self.object.title

    def question(self) -> str:
        raise NotImplementedError

    def details(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                self.object_name: self.object,
                "question": self.question(),
                "details": self.details(),
                "confirm_label": self.confirm_label,
                "destructive": self.destructive,
                "action_url": self.request.path,
                "next_url": self.next_url,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            message = self.act()
        except self.refused:
            raise PermissionDenied
        messages.success(request, message)
        return redirect(self.next_url)

    def act(self) -> str:
        raise NotImplementedError
