"""Writing to an alumnus from the directory's envelope (guide 5 → guide 7).

Until the messaging feature opens, this page shows whom the message would
go to and the form, and says plainly that nothing can be sent yet: a
submitted message comes back with that notice, and nothing is stored or
sent. The messaging issue replaces this module.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ..directory import Viewer, photo_url
from ..models import AlumniProfile
from .directory import forbidden, members_only

TEMPLATE = "alumni_partner/directory/message_compose.html"


class ComposeForm(forms.Form):
    """A message's subject and text."""

    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


@require_http_methods(["GET", "POST"])
@members_only
def compose(request, viewer: Viewer, public_id):
    """A new message to a listed alumnus the viewer may contact."""
    recipient = get_object_or_404(
        AlumniProfile.objects.listed().select_related("user"), public_id=public_id
    )
    if recipient.user_id == request.user.pk:
        return forbidden(request, _("You cannot write to yourself."))
    if not (viewer.is_alumnus or viewer.is_partner_user):
        return forbidden(
            request, _("Only alumni and partner organisations can write to alumni.")
        )
    if not viewer.may_contact(recipient):
        return forbidden(
            request,
            _("This alumnus does not accept messages from partner organisations."),
        )
    form = ComposeForm(request.POST or None)
    not_sent = False
    if request.method == "POST":
        form.is_valid()
        not_sent = True
    return render(
        request,
        TEMPLATE,
        {
            "recipient": recipient,
            "photo_src": photo_url(recipient),
            "form": form,
            "not_sent": not_sent,
        },
    )
