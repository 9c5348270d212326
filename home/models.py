"""The home page of the demo site."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The network's home page: an introduction, featured news, the latest partners."""

    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from alumni_partner.conf import partner_settings
        from alumni_partner.models import NewsPage, PartnerIndexPage, PartnerPage
        from alumni_partner.news_listing import NEWS_ORDER, prepare_news

        context = super().get_context(request, *args, **kwargs)
        # One query for the view restrictions, shared by both listings.
        not_private = ~Page.objects.all().private_q()
        context["partner_index"] = (
            PartnerIndexPage.objects.child_of(self).live().first()
        )
        context["latest_partners"] = (
            PartnerPage.objects.descendant_of(self)
            .live()
            .filter(not_private)
            .select_related("logo")
            .order_by("-first_published_at")[:6]
        )
        context["featured_news"] = prepare_news(
            NewsPage.objects.descendant_of(self)
            .live()
            .filter(not_private, featured_on_home=True, locale_id=self.locale_id)
            .select_related("news_type", "image")
            .order_by(*NEWS_ORDER)[: partner_settings.HOME_FEATURED_NEWS],
            locale_id=self.locale_id,
        )
        return context
