"""The alumnus's own profile: edit it, see the photo, download the data, delete all.

Every view needs a logged-in member (django-allauth's login page otherwise).
Partner users have no alumni profile: they get a page saying so (404), and
never one created for them.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..accounts_adapter import home_url
from ..alumni_accounts import profile_for
from ..following import followed_partners
from ..forms.alumni import DeleteAccountForm, ProfileForm
from ..personal_data import delete_account, export_personal_data, may_delete_account

member_required = login_required(login_url="account_login")


def _no_profile(request):
    """A partner user (or an inactive account) asked for an alumni profile."""
    return render(request, "alumni_partner/profile/no_profile.html", status=404)


@member_required
@require_http_methods(["GET", "POST"])
def edit(request):
    """The profile form, the partners followed, and the GDPR links."""
    profile = profile_for(request.user)
    if profile is None:
        return _no_profile(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile has been saved."))
            return HttpResponseRedirect(reverse("alumni_partner:profile"), status=303)
    else:
        form = ProfileForm(instance=profile)
    return render(
        request,
        "alumni_partner/profile/edit.html",
        {
            "form": form,
            "profile": profile,
            "follows": followed_partners(profile),
            "may_delete": may_delete_account(request.user),
        },
    )


@member_required
@require_GET
def photo(request):
    """The owner's own photo, hidden or not (the directory serves members' view)."""
    profile = profile_for(request.user, create=False)
    if profile is None or not profile.photo:
        raise Http404
    try:
        handle = profile.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(profile.photo.name)[0]
    response = FileResponse(
        handle, content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = "inline"
    return response


@member_required
@require_GET
def export(request):
    """ "Download my data": everything held about the member, as a JSON file."""
    data = export_personal_data(request.user, request)
    response = JsonResponse(
        data, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="france-alumni-my-data-{day}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@member_required
@require_http_methods(["GET", "POST"])
def delete(request):
    """ "Delete my account": confirmed with the password, then gone at once."""
    user = request.user
    if not may_delete_account(user):
        return render(request, "alumni_partner/profile/cannot_delete.html", status=403)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        delete_account(user)
        logout(request)
        messages.success(request, _("Your account and your data have been deleted."))
        return HttpResponseRedirect(home_url(), status=303)
    return render(request, "alumni_partner/profile/delete.html", {"form": form})
