"""'Listes de destinataires' (guide 6): the lists a partner saved from the directory.

A partner's users see, rename and delete their partner's lists; editors every
partner's. Every view starts from ``RecipientList.objects.for_user``: another
partner's list is a 404 for every URL, as if it did not exist. Lists are not
created here: they are saved from the directory's results
(:mod:`alumni_partner.directory.lists`). Members are shown as members see
them in the directory (visible fields only), and only while they are still
listed and consenting (``RecipientList.recipients``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views import generic

from ..conf import partner_settings
from ..directory import member_values, sector_names
from ..directory.presentation import field_label
from ..models import RecipientList
from .columns import PartnerScopedListing
from .viewsets import AlumniRecordViewSet

NAMESPACE = "alumni_partner_recipient_lists"
#: The member-view fields the members table shows, after the name.
MEMBER_COLUMNS = ("job_title", "employer", "country", "city", "institution")


def lists_url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


def scoped_lists(user):
    """The lists ``user`` may see, with what the screens show of them."""
    return (
        RecipientList.objects.for_user(user)
        .with_recipient_count()
        .select_related("partner", "created_by")
    )


class ScopedListMixin:
    """Looks lists up among the user's own partners' lists only (else 404)."""

    def get_queryset(self):
        return scoped_lists(self.request.user)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        pk = self.kwargs.get(getattr(self, "pk_url_kwarg", "pk"))
        return get_object_or_404(self.get_queryset(), pk=pk)


# ---------------------------------------------------------------------------
# The list of lists
# ---------------------------------------------------------------------------


def created_on(recipient_list: RecipientList) -> str:
    return date_format(
        timezone.localtime(recipient_list.created_at), "SHORT_DATE_FORMAT"
    )


def created_by(recipient_list: RecipientList) -> str:
    user = recipient_list.created_by
    if user is None:
        return "—"
    return user.get_full_name() or user.email


class RecipientListIndexView(PartnerScopedListing, generic.IndexView):
    """The user's partners' lists: name, partner, date, author, counts."""

    page_title = gettext_lazy("Recipient lists")
    default_ordering = "-created_at"
    results_template_name = "alumni_partner/admin/alumni/list_index_results.html"
    search_fields = ["name"]
    search_backend_name = None

    def get_base_queryset(self):
        return scoped_lists(self.request.user)

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "name",
                label=gettext_lazy("Name"),
                sort_key="name",
                get_url=lambda instance: lists_url("inspect", instance.pk),
            )
        ]
        columns += self.partner_columns()
        columns += [
            Column(
                "created_at",
                label=gettext_lazy("Created"),
                accessor=created_on,
                sort_key="created_at",
            ),
            Column("created_by", label=gettext_lazy("Created by"), accessor=created_by),
            NumberColumn(
                "recipient_count",
                label=gettext_lazy("Recipients"),
                sort_key="recipient_count",
            ),
            NumberColumn(
                "left_out_count",
                label=gettext_lazy("Left out (no consent)"),
                sort_key="left_out_count",
            ),
        ]
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["directory_url"] = reverse("alumni_partner:directory")
        return context


# ---------------------------------------------------------------------------
# One list: its members
# ---------------------------------------------------------------------------


class RecipientListDetailView(ScopedListMixin, generic.InspectView):
    """The list's members as the directory shows them, a page at a time."""

    template_name = "alumni_partner/admin/alumni/list_detail.html"
    page_title = gettext_lazy("Recipient list")

    def get_page_subtitle(self):
        return self.object.name

    def get_fields(self):
        # The template shows what it needs; the generic field list would
        # render every member of a many-to-many relation.
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recipient_list = self.object
        members = (
            recipient_list.recipients()
            .select_related("user", "sector")
            .prefetch_related("skills", "spoken_languages")
            .order_by("sort_name", "pk")
        )
        paginator = Paginator(members, partner_settings.ALUMNI_ADMIN_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        names = sector_names()
        rows = []
        for profile in page.object_list:
            values = member_values(profile, names)
            rows.append(
                (profile.display_name, [values.get(f, "") for f in MEMBER_COLUMNS])
            )
        context.update(
            {
                "recipient_list": recipient_list,
                "page_obj": page,
                "paginator": paginator,
                "rows": rows,
                "member_headers": [field_label("name")]
                + [field_label(name) for name in MEMBER_COLUMNS],
                "edit_url": lists_url("edit", recipient_list.pk),
                "delete_url": lists_url("delete", recipient_list.pk),
                "index_url": lists_url("index"),
            }
        )
        return context


# ---------------------------------------------------------------------------
# Rename, delete
# ---------------------------------------------------------------------------


class RenameForm(forms.ModelForm):
    """The list's name, unique among its partner's lists."""

    class Meta:
        model = RecipientList
        fields = ["name"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Enter a name for the list."))
        taken = (
            RecipientList.objects.filter(partner_id=self.instance.partner_id, name=name)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if taken:
            raise ValidationError(
                _(
                    "%(partner)s already has a list named “%(name)s”: choose "
                    "another name."
                )
                % {"partner": self.instance.partner, "name": name}
            )
        return name


class RecipientListRenameView(ScopedListMixin, generic.EditView):
    page_title = gettext_lazy("Rename the list")
    submit_button_label = gettext_lazy("Rename")
    success_message = gettext_lazy("The list has been renamed “%(object)s”.")

    def get_success_url(self):
        return lists_url("inspect", self.object.pk)

    def get_success_buttons(self):
        return []

    def get_success_message(self):
        return _("The list has been renamed “%(name)s”.") % {"name": self.object.name}


class RecipientListDeleteView(ScopedListMixin, generic.DeleteView):
    @property
    def confirmation_message(self):
        return _(
            "Delete the list “%(name)s” (%(count)s recipients)? The alumni stay "
            "in the directory; mailings already sent are not affected."
        ) % {"name": self.object.name, "count": self.object.recipient_count}

    def get_success_message(self):
        return _("The list “%(name)s” has been deleted.") % {"name": self.object.name}


# ---------------------------------------------------------------------------
# The viewset
# ---------------------------------------------------------------------------


class RecipientListViewSet(AlumniRecordViewSet):
    """``/admin/recipient-lists/``: the lists, their members, rename, delete."""

    model = RecipientList
    icon = "list-ul"
    menu_label = gettext_lazy("Recipient lists")
    menu_name = "recipient-lists"
    url_prefix = "recipient-lists"
    url_namespace = NAMESPACE
    index_view_class = RecipientListIndexView
    inspect_view_class = RecipientListDetailView
    edit_view_class = RecipientListRenameView
    delete_view_class = RecipientListDeleteView
    form_fields = ["name"]

    def get_form_class(self, for_update=False):
        return RenameForm

    def get_common_view_kwargs(self, **kwargs):
        # Lists are saved from the directory: no "add" screen, no history.
        return super().get_common_view_kwargs(
            add_url_name=None, history_url_name=None, usage_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/rename/", self.edit_view, name="edit"),
            path("<int:pk>/delete/", self.delete_view, name="delete"),
        ]
