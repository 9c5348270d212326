"""Wagtail hooks: admin menus, viewsets, account panels, editor features, guards."""

from __future__ import annotations

import wagtail.admin.rich_text.editors.draftail.features as draftail_features
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    InlineStyleElementHandler,
)
from wagtail.admin.ui.components import Component
from wagtail.admin.views.account import BaseSettingsPanel

from . import admin_views, isolation
from .alumni_admin import menus as alumni_menus
from .alumni_admin import policies as alumni_policies
from .forms.accounts import PersonalDetailsForm
from .mailing import lifecycle as mailing_lifecycle
from .mailing_admin import menus as mailing_menus
from .mailing_admin.viewsets import MailingViewSet
from .messaging_admin import hooks as messaging_admin_hooks
from .models import Partner, PartnerIndexPage, PartnerPage, PersonalDetails
from .news_admin import hooks as news_hooks
from .news_admin.viewsets import NewsViewSet
from .offers_admin import hooks as offer_hooks
from .offers_admin.viewsets import OffersViewSet
from .permissions import is_editor
from .viewsets import PartnerViewSet, VocabularyViewSetGroup

# Before any viewset asks for them (Wagtail refuses a policy registered late).
alumni_policies.register()
# "Mes messages" (partner users), message moderation (editors): guide 7.
messaging_admin_hooks.register()


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "my-organisation/",
            admin_views.my_organisation,
            name="alumni_partner_my_organisation",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_partner_viewset():
    return PartnerViewSet("partners")


@hooks.register("register_admin_viewset")
def register_vocabularies():
    return VocabularyViewSetGroup()


@hooks.register("register_admin_viewset")
def register_news_viewset():
    """The "News" menu: create, published (N), archived (N) (guide 3.1)."""
    return NewsViewSet("news")


@hooks.register("register_admin_viewset")
def register_offers_viewset():
    """The "Offers" menu: "Post an offer", "My offers" (guide 4.1, 4.2)."""
    return OffersViewSet("offers")


@hooks.register("register_admin_viewset")
def register_directory_viewsets():
    """ "Annuaire": the editors' directory and alumni imports (issue 5)."""
    return alumni_menus.DirectoryViewSetGroup()


@hooks.register("register_admin_viewset")
def register_mailing_viewsets():
    """ "Mailing": create, pending, sent, to validate, recipient lists (guide 6)."""
    return alumni_menus.MailingViewSetGroup()


@hooks.register("register_admin_viewset")
def register_mailing_screens():
    """Compose, pending, validation and sent mailings (guide 6)."""
    return MailingViewSet()


for _factory in mailing_menus.MENU_ITEMS:
    hooks.register(alumni_menus.MAILING_SUBMENU_HOOK, _factory)


@hooks.register("register_log_actions")
def register_mailing_log_actions(actions):
    """The steps of a mailing's audit trail, with their labels."""
    for action, label in mailing_lifecycle.ACTIONS.items():
        actions.register_action(mailing_lifecycle.action_name(action), label, label)


@hooks.register("register_admin_menu_item")
def register_public_directory_link():
    """ "Annuaire" for partner users: the public directory (DESIGN.md §6)."""
    return alumni_menus.public_directory_menu_item()


@hooks.register("insert_global_admin_css")
def partner_admin_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("alumni_partner/css/admin.css")
    )


class MyOrganisationMenuItem(MenuItem):
    def is_shown(self, request):
        return Partner.objects.for_user(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_my_organisation_menu_item():
    return MyOrganisationMenuItem(
        _("Mon organisation"),
        reverse("alumni_partner_my_organisation"),
        name="my-organisation",
        icon_name="home",
        order=1,
    )


class MyOrganisationPanel(Component):
    """Dashboard panel: the partner's organisation, one click from editing."""

    name = "my_organisation"
    order = 10

    def __init__(self, partners):
        self.partners = partners

    def render_html(self, parent_context=None):
        return render_to_string(
            "alumni_partner/admin/my_organisation_panel.html",
            {"partners": self.partners},
        )


@hooks.register("construct_homepage_panels")
def add_my_organisation_panel(request, panels):
    partners = list(Partner.objects.for_user(request.user).select_related("page"))
    if partners:
        panels.insert(0, MyOrganisationPanel(partners))


class PersonalDetailsPanel(BaseSettingsPanel):
    """Civility, telephone and fax, beside Wagtail's name/e-mail and password."""

    name = "personal_details"
    title = _("Personal information")
    order = 110
    form_class = PersonalDetailsForm
    form_object = "personal_details"

    template_name = "alumni_partner/admin/personal_details_panel.html"

    def get_form(self):
        kwargs = {
            "instance": PersonalDetails.for_user(self.user),
            "prefix": self.name,
        }
        if self.request.method == "POST":
            # The e-mail is the login: Wagtail's name/e-mail panel does not
            # check that no other account uses it, so this panel does.
            return self.form_class(
                self.request.POST,
                new_email=self.request.POST.get("name_email-email"),
                **kwargs,
            )
        return self.form_class(**kwargs)


@hooks.register("register_account_settings_panel")
def register_personal_details_panel(request, user, profile):
    return PersonalDetailsPanel(request, user, profile)


@hooks.register("register_rich_text_features")
def register_underline_feature(features):
    """Underline (guide 2.2: "Souligné (CTRL+U)"), stored as ``<u>``."""
    feature_name = "underline"
    features.register_editor_plugin(
        "draftail",
        feature_name,
        draftail_features.InlineStyleFeature(
            {"type": "UNDERLINE", "icon": "underline", "description": _("Underline")}
        ),
    )
    features.register_converter_rule(
        "contentstate",
        feature_name,
        {
            "from_database_format": {"u": InlineStyleElementHandler("UNDERLINE")},
            "to_database_format": {"style_map": {"UNDERLINE": "u"}},
        },
    )


STRUCTURE_REFUSALS = {
    "delete": _("Only editors may delete a partner page."),
    "move": _("Only editors may move a partner page."),
    "copy": _("Only editors may copy a partner page."),
}


def _guard_structure(request, page, action: str):
    """Partner pages and the partner index are placed by editors only."""
    if isinstance(page.specific, (PartnerPage, PartnerIndexPage)) and not is_editor(
        request.user
    ):
        raise PermissionDenied(STRUCTURE_REFUSALS[action])


@hooks.register("before_delete_page")
def forbid_partner_page_delete(request, page):
    _guard_structure(request, page, "delete")


@hooks.register("before_move_page")
def forbid_partner_page_move(request, page, destination):
    _guard_structure(request, page, "move")


@hooks.register("before_copy_page")
def forbid_partner_page_copy(request, page):
    _guard_structure(request, page, "copy")


@hooks.register("after_edit_page")
def confirm_organisation_saved(request, page):
    """Guide 2.1: "les informations ont été bien enregistrées"."""
    # Autosave posts the form in the background and expects JSON: the message
    # would pile up until the next page load.
    if isinstance(page.specific, PartnerPage) and request.accepts("text/html"):
        from django.contrib import messages

        messages.success(request, _("Your information has been saved."))


@hooks.register("before_bulk_action")
def forbid_partner_page_bulk_structure(request, action_type, objects, action_class):
    if action_type in ("delete", "move"):
        for page in objects:
            _guard_structure(request, page, action_type)


# Isolation on Wagtail's side doors (alumni_partner.isolation). The order makes
# these run after Wagtail's own registrations, which they replace.
@hooks.register("construct_admin_api", order=100)
def restrict_admin_api(router):
    isolation.restrict_admin_api(router)


for _bulk_action in isolation.guarded_bulk_actions():
    hooks.register("register_bulk_action", _bulk_action, order=100)


@hooks.register("register_admin_viewset")
def register_partner_page_viewset():
    return isolation.PartnerPageViewSet("partner_pages")


# order=-1: before wagtail-localize's URLs, so that these paths resolve here.
@hooks.register("register_admin_urls", order=-1)
def register_translations_report_urls():
    return isolation.translations_report_urls()


@hooks.register("construct_page_chooser_queryset")
def hide_other_partners_pages_from_chooser(pages, request):
    return isolation.guard_page_chooser(pages, request)


# The News and Offers admins (alumni_partner.news_admin, offers_admin).
# order=100: after wagtail-localize's after_create_page hook, which creates the
# new page's aliases, since a hook that answers with a redirect stops the ones
# after it.
AFTER_PUBLISHING = (
    news_hooks.redirect_after_publishing,
    offer_hooks.redirect_after_publishing,
)


def _redirect_after_publishing(request, page):
    for hook in AFTER_PUBLISHING:
        response = hook(request, page)
        if response is not None:
            return response
    return None


@hooks.register("after_create_page", order=100)
def page_created(request, page):
    return _redirect_after_publishing(request, page)


@hooks.register("after_edit_page", order=100)
def page_edited(request, page):
    return _redirect_after_publishing(request, page)


@hooks.register("construct_page_action_menu")
def main_action_buttons(menu_items, request, context):
    """News: "Send" first (guide 3.2); offers: "Publish" first (guide 4.1)."""
    news_hooks.relabel_publish_as_send(menu_items, request, context)
    offer_hooks.main_button_publish(menu_items, request, context)


@hooks.register("construct_homepage_panels")
def add_statistics_panels(request, panels):
    for panel in (
        news_hooks.dashboard_statistics_panel(request),
        offer_hooks.dashboard_statistics_panel(request),
    ):
        if panel is not None:
            panels.append(panel)
