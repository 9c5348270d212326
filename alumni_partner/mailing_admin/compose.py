"""'Créer un mailing' (guide 6): create, edit, "Visualiser", attachments.

Every view checks the user works with mailings (:func:`.menus.works_with_mailings`:
partner users and editors; others get 403) and looks mailings up in
``Mailing.objects.for_user``: another partner's mailing is a 404 at every URL.
A user of one partner writes for it; editors and users of several partners
first choose the partner (``create/?partner=<id>``, any other id is a 404).

Saving runs the form, resolves the recipients
(:func:`alumni_partner.mailing.recipients.resolve`) and records the step
(:func:`alumni_partner.mailing.lifecycle.saved`, which sends an edited
mailing that was awaiting validation or approved back to the editors), in
one transaction. "Visualiser" renders the form's data as a recipient will
see it, in a new tab, and saves nothing.
"""

from __future__ import annotations

from email.header import decode_header, make_header

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.generic import TemplateView
from wagtail.admin.views import generic
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from ..mailing import lifecycle, recipients, rendering
from ..models import Mailing, MailingStatus, Partner
from ..permissions import is_editor
from ..storage import private_storage
from . import menus, viewsets
from .forms import FIELDSETS, FormToken, MailingForm

TEMPLATES = "alumni_partner/admin/mailings"
#: Invalid addresses quoted in the message after saving (the rest on the
#: recipients page).
INVALID_QUOTED = 5


def mailings_url(name: str, *args) -> str:
    return viewsets.mailings_url(name, *args)


def works_with_mailings(user) -> bool:
    # Through the module: menus imports the viewsets, which import this module.
    return menus.works_with_mailings(user)


def mailing_page_url(mailing: Mailing) -> str:
    """The mailing's own page: content, recipients, history (:mod:`.sent`)."""
    return mailings_url("detail", mailing.pk)


def safe_next_url(request, default: str) -> str:
    """``next`` (query or form) if it stays on this site; else ``default``."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


# ---------------------------------------------------------------------------
# Who may: every mailing view starts here
# ---------------------------------------------------------------------------


def writable_partners(user):
    """The partners ``user`` may write mailings for: editors, every partner."""
    if is_editor(user):
        return Partner.objects.all()
    return Partner.objects.for_user(user)


class MailingAccessMixin:
    """Partner users and editors only; mailings looked up in the user's scope."""

    # Access is decided here, not by Django model permissions (partner
    # groups hold none on mailings).
    permission_policy = None

    def dispatch(self, request, *args, **kwargs):
        if not works_with_mailings(request.user):
            raise PermissionDenied
        if "pk" in kwargs:
            # Before anything else, even the HTTP method: another partner's
            # mailing is a 404 at every URL, whatever the request.
            self.mailing = self.get_mailing(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def user_mailings(self):
        return Mailing.objects.for_user(self.request.user)

    def get_mailing(self, pk) -> Mailing:
        """The user's mailing ``pk``, or 404 (another partner's does not exist here)."""
        return get_object_or_404(self.user_mailings().select_related("partner"), pk=pk)


class PartnerChoiceMixin(MailingAccessMixin):
    """The partner of a new mailing: the user's only one, or ``?partner=``."""

    @cached_property
    def partners(self):
        return writable_partners(self.request.user)

    @cached_property
    def several_partners(self) -> bool:
        return is_editor(self.request.user) or self.partners.count() > 1

    @cached_property
    def partner(self) -> Partner | None:
        """None while a user of several partners has not chosen one."""
        if not self.several_partners:
            return self.partners.first()
        wanted = self.request.GET.get("partner")
        if not wanted:
            return None
        if not wanted.isdigit():
            raise Http404
        return get_object_or_404(self.partners, pk=int(wanted))

    def partner_query(self) -> str:
        return f"?partner={self.partner.pk}" if self.several_partners else ""


# ---------------------------------------------------------------------------
# Saving, and what the partner is told about the recipients
# ---------------------------------------------------------------------------

#: The fields an edit writes: never the status or the editors' review, which
#: may have changed since the form was opened.
CONTENT_FIELDS = (
    "include_followers",
    "extra_addresses",
    "sender_name",
    "sender_email",
    "subject",
    "body",
    "scheduled_at",
    "file_name",
    "file_addresses",
    "updated_at",
)


class NoLongerEditable(Exception):
    """The mailing started (or was deleted) while the form was open."""


def save_mailing(form: MailingForm, user) -> tuple[Mailing, recipients.Resolution]:
    """Save the form's mailing, resolve its recipients, record the step; all or nothing.

    An edit locks the mailing's row and checks it may still be edited: the
    engine starts a mailing with a conditional UPDATE, which waits for the
    lock, so a mailing never changes under a running send.
    """
    created = form.instance.pk is None
    stored: list[str] = []
    try:
        with transaction.atomic():
            mailing = form.save(commit=False)
            if created:
                mailing.created_by = user
                mailing.save()
            else:
                current = (
                    Mailing.objects.select_for_update().filter(pk=mailing.pk).first()
                )
                if current is None or not lifecycle.may_edit(current):
                    raise NoLongerEditable
                mailing.save(update_fields=CONTENT_FIELDS)
            form.save_m2m()
            form.save_attachments(mailing, stored=stored)
            resolution = recipients.resolve(mailing)
            lifecycle.saved(mailing, user, created=created)
    except BaseException:
        # The rows are rolled back; the files written so far must go too.
        for name in stored:
            private_storage.delete(name)
        raise
    mailing.refresh_from_db()
    return mailing, resolution


def report_recipients(
    request,
    mailing: Mailing,
    resolution: recipients.Resolution,
    *,
    back_to_validation: bool,
) -> None:
    """The messages after saving: how many recipients, who was left out and why."""
    parts = [
        ngettext(
            "The mailing “%(subject)s” has been saved with %(count)s recipient.",
            "The mailing “%(subject)s” has been saved with %(count)s recipients.",
            resolution.count,
        )
        % {"subject": mailing.subject, "count": resolution.count}
    ]
    parts += resolution.left_out()
    if back_to_validation:
        parts.append(
            _("It goes back to the editors for validation, as it was changed.")
        )
    elif resolution.count:
        parts.append(
            _(
                "Nothing is sent before an editor validates it: use “Send” when "
                "it is ready."
            )
        )
    messages.success(request, " ".join(parts))

    if resolution.invalid:
        sample = mailing.invalid_addresses or []
        quoted = ", ".join(sample[:INVALID_QUOTED])
        if resolution.invalid > len(sample[:INVALID_QUOTED]):
            quoted += "…"
        messages.warning(
            request,
            ngettext(
                "%(count)s entry is not a valid e-mail address and was left out: "
                "%(addresses)s",
                "%(count)s entries are not valid e-mail addresses and were left "
                "out: %(addresses)s",
                resolution.invalid,
            )
            % {"count": resolution.invalid, "addresses": quoted},
        )
    if not resolution.count:
        messages.warning(
            request,
            _(
                "This mailing has no recipients: it cannot be sent until you add "
                "some (edit it)."
            ),
        )


# ---------------------------------------------------------------------------
# The form's screen, shared by create and edit
# ---------------------------------------------------------------------------


class ComposeMixin:
    """What create and edit share: the template, the fieldsets, saving."""

    model = Mailing
    form_class = MailingForm
    template_name = f"{TEMPLATES}/compose.html"
    header_icon = "mail"
    index_url_name = "alumni_partner_mailings:pending"
    submit_button_label = gettext_lazy("Save")
    submit_button_active_label = gettext_lazy("Saving…")
    error_message = gettext_lazy(
        "The mailing could not be saved: correct the errors below."
    )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["partner"] = self.mailing_partner
        return kwargs

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": mailings_url("pending"), "label": _("Pending mails")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_page_subtitle(self):
        return None

    def fieldsets(self, form):
        return [
            (legend, [form[name] for name in names if name in form.fields])
            for legend, names in FIELDSETS
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            {
                "fieldsets": self.fieldsets(form),
                "partner": self.mailing_partner,
                "files_lost": form.is_bound and form.errors and form.had_files,
                "pending_url": mailings_url("pending"),
            }
        )
        return context

    def form_valid(self, form):
        self.form = form
        if not FormToken.claim(self.request.user, form.cleaned_data["form_token"]):
            messages.info(
                self.request,
                _(
                    "This form had already been sent: the mailing was saved once, "
                    "and is listed here."
                ),
            )
            return redirect(mailings_url("pending"))
        status_before = form.instance.status if form.instance.pk else None
        try:
            self.object, resolution = save_mailing(form, self.request.user)
        except NoLongerEditable:
            messages.error(
                self.request,
                _("This mailing is being sent: it can no longer be changed."),
            )
            return redirect(mailings_url("pending"))
        back = status_before in (MailingStatus.SUBMITTED, MailingStatus.APPROVED)
        report_recipients(
            self.request, self.object, resolution, back_to_validation=back
        )
        return redirect(mailings_url("pending"))


class ChoosePartnerView(PartnerChoiceMixin, WagtailAdminTemplateMixin, TemplateView):
    """For editors and users of several partners: which partner writes."""

    template_name = f"{TEMPLATES}/compose_choose_partner.html"
    page_title = gettext_lazy("Create a mailing")
    header_icon = "mail"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        partners = self.partners
        if query:
            partners = partners.filter(name__icontains=query)
        page = Paginator(partners.order_by("name"), self.per_page).get_page(
            self.request.GET.get("p")
        )
        create_url = mailings_url("create")
        context.update(
            {
                "query": query,
                "partners": [(p, f"{create_url}?partner={p.pk}") for p in page],
                "page_obj": page,
            }
        )
        return context


class MailingCreateView(PartnerChoiceMixin, ComposeMixin, generic.CreateView):
    """'Créer un mailing': recipients, sender, message, attachments, date."""

    page_title = gettext_lazy("Create a mailing")
    add_url_name = "alumni_partner_mailings:create"
    edit_url_name = "alumni_partner_mailings:edit"

    def dispatch(self, request, *args, **kwargs):
        if works_with_mailings(request.user) and self.partner is None:
            if request.method != "GET":
                raise Http404
            return ChoosePartnerView.as_view()(request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def mailing_partner(self) -> Partner:
        return self.partner

    def get_add_url(self):
        return mailings_url("create") + self.partner_query()

    def get_initial(self):
        return {
            "sender_name": self.partner.name,
            "sender_email": self.request.user.email,
            "include_followers": True,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "preview_url": mailings_url("preview") + self.partner_query(),
                "choose_partner_url": (
                    mailings_url("create") if self.several_partners else None
                ),
            }
        )
        return context


class MailingEditView(MailingAccessMixin, ComposeMixin, generic.EditView):
    """Edit a pending mailing; a recipient file must be imported again (guide 6)."""

    page_title = gettext_lazy("Edit the mailing")
    edit_url_name = "alumni_partner_mailings:edit"
    delete_url_name = "alumni_partner_mailings:delete"
    pk_url_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        if works_with_mailings(request.user):
            mailing = self.get_mailing(kwargs["pk"])
            if not lifecycle.may_edit(mailing):
                messages.error(
                    request,
                    _("This mailing has started sending: it can no longer be changed."),
                )
                return redirect(mailing_page_url(mailing))
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        # Found in the user's scope by MailingAccessMixin.dispatch.
        return self.mailing

    @property
    def mailing_partner(self) -> Partner:
        return self.object.partner

    def get_page_subtitle(self):
        return self.object.subject

    def get_edit_url(self):
        return mailings_url("edit", self.object.pk)

    def get_delete_url(self):
        return mailings_url("delete", self.object.pk)

    def get_success_url(self):
        return mailings_url("pending")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing = self.object
        context.update(
            {
                "mailing": mailing,
                "preview_url": mailings_url("preview", mailing.pk),
                "back_to_validation": mailing.status
                in (MailingStatus.SUBMITTED, MailingStatus.APPROVED),
                "delete_url": mailings_url("delete", mailing.pk),
            }
        )
        return context


# ---------------------------------------------------------------------------
# "Visualiser"
# ---------------------------------------------------------------------------


def _readable(header: str) -> str:
    """A header as people read it (RFC 2047 encoded words decoded)."""
    return str(make_header(decode_header(header)))


def preview_headers(renderer, mailing: Mailing) -> list[tuple[str, str]]:
    """The headers a recipient's mail client shows, as (label, value)."""
    if mailing.scheduled_at:
        when = date_format(timezone.localtime(mailing.scheduled_at), "DATETIME_FORMAT")
        sending = _("On %(date)s, once validated") % {"date": when}
    else:
        sending = _("As soon as an editor validates it")
    # A context of their own: Django's catalogue translates a bare "From"
    # as a preposition.
    return [
        (pgettext("mail header", "From"), _readable(renderer.from_header)),
        (pgettext("mail header", "Reply-To"), _readable(renderer.reply_to or "")),
        (
            pgettext("mail header", "To"),
            _("Each recipient, one by one (nobody sees the others)"),
        ),
        (pgettext("mail header", "Subject"), mailing.subject),
        (pgettext("mail header", "Sending"), sending),
    ]


def attachment_names(form: MailingForm | None, mailing: Mailing) -> list[str]:
    """The files the mail would carry: those kept and those just chosen."""
    if form is None:
        return [a.name for a in mailing.attachments.all()]
    kept = [a.name for a in form.kept_attachments()]
    return kept + [checked.name for _upload, checked in form.new_attachments]


class MailingPreviewView(PartnerChoiceMixin, WagtailAdminTemplateMixin, TemplateView):
    """The mail as a recipient will receive it: headers, then the message.

    POST (the compose form's "Visualiser", ``formtarget=_blank``): the form's
    data, valid or not, never saved (no token is claimed, no file stored).
    GET ``<pk>/preview/``: a saved mailing.
    """

    http_method_names = ["get", "post"]
    template_name = f"{TEMPLATES}/compose_preview.html"
    page_title = gettext_lazy("Preview of the mailing")
    header_icon = "view"
    form = None

    def get(self, request, pk=None):
        if pk is None:
            return redirect(mailings_url("create"))
        return self.render_preview(self.mailing)

    def post(self, request, pk=None):
        if pk is None:
            partner, instance = self.partner, None
            if partner is None:
                raise Http404
        else:
            instance = self.mailing
            if not lifecycle.may_edit(instance):
                raise Http404
            partner = instance.partner
        self.form = MailingForm(
            request.POST,
            request.FILES,
            instance=instance,
            partner=partner,
            for_user=request.user,
        )
        if not self.form.is_valid():
            return self.render_preview(None)
        # Not saved: save(commit=False) only fills the instance in memory.
        return self.render_preview(self.form.save(commit=False))

    def get_breadcrumbs_items(self):
        # A page of its own, in its own tab: the plain header.
        return []

    def render_preview(self, mailing: Mailing | None):
        self.previewed = mailing
        response = self.render_to_response(self.get_context_data())
        # The preview may hold what the partner has not saved yet.
        response["Cache-Control"] = "private, no-store"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mailing, form = self.previewed, self.form
        context.update(
            {"form": form, "mailing": mailing, "pending_url": mailings_url("pending")}
        )
        if mailing is not None:
            renderer = rendering.MailingRenderer(mailing)
            context.update(
                {
                    "headers": preview_headers(renderer, mailing),
                    "attachment_names": attachment_names(form, mailing),
                    # What rendering.preview_html gives, from the same renderer.
                    "html": renderer.html_for(None, live=False),
                }
            )
        return context


# ---------------------------------------------------------------------------
# Attachments, for those who may see the mailing
# ---------------------------------------------------------------------------


def download_attachment(request, pk: int, attachment_pk: int):
    """One attachment of a mailing of the user's scope (else 404)."""
    if not works_with_mailings(request.user):
        raise PermissionDenied
    mailing = get_object_or_404(Mailing.objects.for_user(request.user), pk=pk)
    attachment = get_object_or_404(mailing.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("create/", MailingCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", MailingEditView.as_view(), name="edit"),
    path("preview/", MailingPreviewView.as_view(), name="preview"),
    path("<int:pk>/preview/", MailingPreviewView.as_view(), name="preview"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        download_attachment,
        name="attachment",
    ),
]
