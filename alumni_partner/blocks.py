"""StreamField blocks of the plugin's pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from . import youtube
from .conf import PRESENTATION_FEATURES


class YouTubeBlock(blocks.FieldBlock):
    """A YouTube video from its URL or its pasted ``<iframe>`` share code.

    Only the video id is kept; the page renders a youtube-nocookie iframe built
    from it, so pasted HTML is never rendered and nothing is fetched.
    """

    def __init__(self, required=True, help_text=None, **kwargs):
        self.field = forms.CharField(
            required=required,
            help_text=help_text
            or _("Paste the video's address or YouTube's Share > Embed code."),
            # StreamField shows the block's label as a heading, not a <label>:
            # without this the textarea has no accessible name (axe "label").
            widget=forms.Textarea(attrs={"rows": 2, "aria-label": _("YouTube video")}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        video_id = youtube.extract_video_id(value or "")
        if not video_id:
            raise ValidationError(
                _("This is not a YouTube video address or YouTube embed code.")
            )
        # Store a canonical URL, never the pasted markup.
        return youtube.watch_url(video_id)

    def render_basic(self, value, context=None):
        video_id = youtube.extract_video_id(value or "")
        if not video_id:
            return ""
        return mark_safe(youtube.render_iframe(video_id))  # noqa: S308 - escaped

    def get_searchable_content(self, value):
        return []

    class Meta:
        icon = "media"
        label = _("YouTube video")
        template = None


class CaptionedImageBlock(blocks.StructBlock):
    """An image with an optional caption; the alt text falls back on the title."""

    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "alumni_partner/blocks/captioned_image.html"


class PresentationBlock(blocks.StreamBlock):
    """The body of a partner's presentation (guide 2.2)."""

    paragraph = blocks.RichTextBlock(
        features=PRESENTATION_FEATURES, label=_("Text"), icon="pilcrow"
    )
    image = CaptionedImageBlock()
    video = YouTubeBlock()


class DocumentLinkBlock(blocks.StructBlock):
    """A link to a PDF of the media library, with an optional label."""

    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Label"),
        required=False,
        max_length=250,
        help_text=_("Shown instead of the document's title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "alumni_partner/blocks/document_link.html"


class NewsBodyBlock(blocks.StreamBlock):
    """The body of a news (guide 3.2: "la mise en page du contenu")."""

    paragraph = blocks.RichTextBlock(
        features=PRESENTATION_FEATURES, label=_("Text"), icon="pilcrow"
    )
    image = CaptionedImageBlock()
    video = YouTubeBlock()
    document = DocumentLinkBlock()
