"""The alumni directory's pages (guide 5) and saving a search as a list (guide 6).

Members only: alumni, partner organisations' users and editors; anyone else
signed in gets a 403 page saying who the directory is for, and visitors the
login page. Searches, profile views, photos and lists are rate-limited per
account, and pages hold at most ``DIRECTORY_PER_PAGE`` profiles: nothing
here returns profiles in bulk.
"""

from __future__ import annotations

import functools
import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import rate_limits
from ..conf import partner_settings
from ..directory import (
    DirectorySearchForm,
    DuplicateListName,
    RecipientListForm,
    Viewer,
    directory_count,
    directory_facets,
    directory_size,
    member_view,
    photo_url,
    prepare_results,
    save_recipient_list,
)
from ..directory.facets import link_facets, mailable_count
from ..models import AlumniProfile
from ..sanitize import clean_html

SEARCH_TEMPLATE = "alumni_partner/directory/search.html"
PROFILE_TEMPLATE = "alumni_partner/directory/profile.html"
FORBIDDEN_TEMPLATE = "alumni_partner/directory/forbidden.html"


def forbidden(request, message: str = ""):
    """The 403 page: who the directory is for, and how to get in."""
    return render(request, FORBIDDEN_TEMPLATE, {"message": message}, status=403)


def members_only(view):
    """Signed in (else allauth's login page, back here after) and a member.

    The view receives the :class:`~alumni_partner.directory.Viewer` after
    the request.
    """

    @login_required(login_url="account_login")
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        viewer = Viewer.of(request.user)
        if not viewer.may_browse:
            return forbidden(request)
        return view(request, viewer, *args, **kwargs)

    return wrapped


def rate_limited(action: str):
    """Count each call as ``action`` for the account; 429 past its limit."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                rate_limits.check(request, action)
            except rate_limits.RateLimited as exc:
                return rate_limits.response(request, exc)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def listed_profiles():
    """The profiles a member may open: listed, active, with what a page shows."""
    return (
        AlumniProfile.objects.listed()
        .select_related("user", "sector")
        .prefetch_related("skills", "spoken_languages")
    )


def search_context(request, viewer: Viewer, list_form=None) -> dict:
    """The search page: the form, a page of results, their count and facets."""
    form = DirectorySearchForm(request.GET or None)
    form.is_valid()
    context = {"form": form, "viewer": viewer, "searched": form.searched}
    query_items = form.query_items()
    context["query"] = urlencode(query_items)
    if form.searched:
        # Counting a broad search reads every row it finds: cached like facets.
        count = directory_count(form)
        page = form.page_of_results(
            count, request.GET.get("page"), partner_settings.DIRECTORY_PER_PAGE
        )
        page.object_list = prepare_results(
            page.object_list, viewer, names=form.sector_names
        )
        context.update(results=page, count=count)
        # A refused list comes back with its errors even if nothing matches.
        if viewer.may_save_lists and (count or list_form is not None):
            context["list_form"] = list_form or RecipientListForm(
                partners=viewer.partners
            )
            context["mailable_count"] = mailable_count(form)
    else:
        context["directory_size"] = directory_size()
    context["facets"] = link_facets(
        directory_facets(form), form, reverse("alumni_partner:directory")
    )
    # Unknown skills and the like are noticed while the results are read.
    form.describe_fields()
    return context


@require_GET
@members_only
@rate_limited("directory_search")
def search(request, viewer: Viewer):
    """Quick and advanced search, then "Afficher les profils" (guide 5)."""
    return render(request, SEARCH_TEMPLATE, search_context(request, viewer))


@require_POST
@members_only
@rate_limited("recipient_list")
def save_list(request, viewer: Viewer):
    """Save the current search's results (all pages) as a recipient list.

    The search comes in the query string, the list's name in the POST.
    """
    if not viewer.may_save_lists:
        return forbidden(
            request, _("Only partner organisations' users can save recipient lists.")
        )
    list_form = RecipientListForm(request.POST, partners=viewer.partners)
    if list_form.is_valid():
        form = DirectorySearchForm(request.GET or None)
        query = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
        name = list_form.cleaned_data["name"]
        try:
            saved = save_recipient_list(
                partner=list_form.cleaned_data["partner"],
                name=name,
                profiles=form.matching(),
                user=request.user,
                query=query,
            )
        except DuplicateListName:
            list_form.add_error(
                "name", _("A list with this name already exists: choose another name.")
            )
        else:
            messages.success(
                request,
                _(
                    "List “%(name)s” saved: %(kept)s recipients; %(left_out)s "
                    "profiles left out because they did not consent to mailings."
                )
                % {
                    "name": saved.name,
                    "kept": saved.kept_count,
                    "left_out": saved.left_out_count,
                },
            )
            query_string = urlencode(
                [(k, v) for k, values in query.items() for v in values]
            )
            url = reverse("alumni_partner:directory")
            return HttpResponseRedirect(
                f"{url}?{query_string}" if query_string else url
            )
    # Nothing lost: the search and the name typed come back with the error.
    return render(
        request, SEARCH_TEMPLATE, search_context(request, viewer, list_form=list_form)
    )


@require_GET
@members_only
@rate_limited("directory_profile")
def profile(request, viewer: Viewer, public_id):
    """A listed profile, as members see it: hidden fields are not there."""
    found = get_object_or_404(listed_profiles(), public_id=public_id)
    bio = found.visible("bio")
    context = {
        "profile": found,
        "fields": member_view(found),
        "photo_src": photo_url(found),
        # Sanitised on save; again here, for rows written without save().
        "bio": clean_html(bio) if bio else "",
        "compose_url": (
            reverse("alumni_partner:message_compose", args=[found.public_id])
            if viewer.may_contact(found)
            else ""
        ),
        "viewer": viewer,
    }
    return render(request, PROFILE_TEMPLATE, context)


@require_GET
@members_only
@rate_limited("directory_photo")
def photo(request, viewer: Viewer, public_id):
    """The photo of a listed profile that shows it; 404 otherwise.

    Served through this view, never from a public media URL, so that hiding
    the photo or leaving the directory takes it away at once.
    """
    found = get_object_or_404(
        AlumniProfile.objects.listed().only("photo", "show_photo"),
        public_id=public_id,
        show_photo=True,
    )
    content_type = mimetypes.guess_type(found.photo.name or "")[0] or ""
    if not found.photo or not content_type.startswith("image/"):
        raise Http404
    try:
        handle = found.photo.open("rb")
    except OSError as error:
        raise Http404 from error
    # Not the uploaded file's name, which may say more than the photo.
    extension = mimetypes.guess_extension(content_type) or ""
    response = FileResponse(
        handle, content_type=content_type, filename=f"photo{extension}"
    )
    # Members only: no shared cache keeps it, and a browser only briefly.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
