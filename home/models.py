"""The home page of the demo site."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The network's home page: an introduction and the latest partners."""

    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from alumni_partner.models import PartnerIndexPage, PartnerPage

        context = super().get_context(request, *args, **kwargs)
        context["partner_index"] = (
            PartnerIndexPage.objects.child_of(self).live().first()
        )
        context["latest_partners"] = (
            PartnerPage.objects.descendant_of(self)
            .live()
            .public()
            .select_related("logo")
            .order_by("-first_published_at")[:6]
        )
        return context
