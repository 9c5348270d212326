"""Admin screens of the plugin, built on Wagtail's viewsets."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import onboarding, permissions
from .models import (
    AudienceGroup,
    ContractType,
    NewsType,
    Partner,
    PartnerCategory,
    Sector,
    SeniorityLevel,
)


class PartnerCreateForm(forms.ModelForm):
    """Everything onboarding needs: the organisation and its first user."""

    email = forms.EmailField(
        label=_("E-mail of the first user"),
        help_text=_("They receive an e-mail with a link to set their password."),
    )
    first_name = forms.CharField(label=_("First name"), required=False)
    last_name = forms.CharField(label=_("Last name"), required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=PartnerCategory.objects.none(), required=False
    )
    country = CountryField(blank=True).formfield(label=_("Country"), required=False)

    class Meta:
        model = Partner
        fields = ["name", "moderated", "offers_moderated"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from wagtail.models import Locale

        default = Locale.get_default()
        self.fields["sector"].queryset = Sector.objects.filter(locale=default)
        self.fields["category"].queryset = PartnerCategory.objects.filter(
            locale=default
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and cleaned.get("email"):
            try:
                onboarding.validate_new_partner(self.new_partner())
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def new_partner(self) -> onboarding.NewPartner:
        data = self.cleaned_data
        return onboarding.NewPartner(
            name=data["name"],
            email=data["email"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            sector=data.get("sector"),
            category=data.get("category"),
            country=data.get("country") or "",
        )


class PartnerEditForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "moderated", "offers_moderated"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)


class PartnerCreateView(generic.CreateView):
    def save_instance(self):
        partner = onboarding.onboard_partner(self.form.new_partner())
        if self.form.cleaned_data.get("moderated"):
            partner.moderated = True
            partner.offers_moderated = self.form.cleaned_data["offers_moderated"]
            partner.save(update_fields=["moderated", "offers_moderated"])
            permissions.apply_moderation(partner)
        return partner

    def get_success_message(self, instance):
        return _("Partner '%(name)s' created; an invitation was sent to %(email)s.") % {
            "name": instance.name,
            "email": self.form.cleaned_data["email"],
        }


class PartnerEditView(generic.EditView):
    def save_instance(self):
        partner = super().save_instance()
        if "moderated" in self.form.changed_data:
            permissions.apply_moderation(partner)
        return partner


class MembersColumn(Column):
    def get_value(self, instance):
        return ", ".join(user.email for user in instance.members.all())


class PartnerViewSet(ModelViewSet):
    """Editors create partners (onboarding) and switch them to "moderated"."""

    model = Partner
    icon = "group"
    menu_label = _("Partners")
    menu_order = 250
    add_to_admin_menu = True
    add_to_settings_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    search_fields = ["name"]
    search_backend_name = None
    list_filter = ["moderated"]
    add_view_class = PartnerCreateView
    edit_view_class = PartnerEditView

    def get_form_class(self, for_update=False):
        return PartnerEditForm if for_update else PartnerCreateForm

    def get_queryset(self, request):
        return Partner.objects.prefetch_related("members").select_related("page")

    @property
    def list_display(self):
        return [
            "name",
            BooleanColumn("moderated", label=_("Moderated")),
            MembersColumn("members", label=_("Users")),
            DateColumn("created_at", label=_("Created")),
        ]


class VocabularyViewSet(SnippetViewSet):
    """A translatable list of terms, edited by the editorial staff."""

    icon = "tag"
    search_fields = ["name"]
    search_backend_name = None
    list_display = ["name"]


class SectorViewSet(VocabularyViewSet):
    model = Sector
    menu_label = _("Sectors")


class PartnerCategoryViewSet(VocabularyViewSet):
    model = PartnerCategory
    menu_label = _("Partner categories")


class NewsTypeViewSet(VocabularyViewSet):
    model = NewsType
    menu_label = _("News types")


class AudienceGroupViewSet(VocabularyViewSet):
    model = AudienceGroup
    menu_label = _("Audience groups")


class ContractTypeViewSet(VocabularyViewSet):
    model = ContractType
    menu_label = _("Contract types")


class SeniorityLevelViewSet(VocabularyViewSet):
    model = SeniorityLevel
    menu_label = _("Seniority levels")


class VocabularyViewSetGroup(SnippetViewSetGroup):
    """The translatable terms that describe partners, their news and offers."""

    items = (
        SectorViewSet,
        PartnerCategoryViewSet,
        NewsTypeViewSet,
        AudienceGroupViewSet,
        ContractTypeViewSet,
        SeniorityLevelViewSet,
    )
    menu_icon = "tag"
    menu_label = _("Vocabularies")
    menu_name = "partner-vocabularies"
    menu_order = 260
