"""Isolation between partners: every admin URL × another partner's objects.

Acme's user walks the whole admin URL map (``django.urls.get_resolver()``),
fills every URL that takes an object id with one of Globex's objects (its page
and their translations, aliases, revisions, workflow states, images,
documents, collection, group, user, uploads, editing sessions...), and calls
it with GET and POST (PUT and DELETE too for the REST endpoints). Each call
must be refused (403/404/405, or a redirect) and leave the database exactly as
it was; no answer may show Globex's draft title or media titles.

The URLs are enumerated, not hand-picked: a new admin URL with an id argument
that this module cannot fill fails
:func:`test_matrix_covers_every_admin_url_that_takes_an_object_id` until it is
classified here.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image as PILImage
from rest_framework.views import APIView
from taggit.models import TaggedItem
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Comment,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    ModelLogEntry,
    Page,
    PageLogEntry,
    PageSubscription,
    PageViewRestriction,
    Revision,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowPage,
    WorkflowState,
)
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.operations import TranslationCreator

from alumni_partner import news_lifecycle, offer_lifecycle, permissions
from alumni_partner.mailing import lifecycle as mailing_lifecycle
from alumni_partner.models import (
    AudienceGroup,
    ContractType,
    NewsDailyViews,
    NewsLike,
    NewsPage,
    NewsType,
    OfferPage,
    Partner,
    PartnerCategory,
    PartnerDocument,
    PartnerIndexPage,
    PartnerPage,
    Sector,
    SeniorityLevel,
)
from alumni_partner.models.mailings import (
    Mailing,
    MailingAttachment,
    MailingRecipient,
    MailingStatus,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()
User = get_user_model()

#: Words that only Globex's private objects carry: no answer to Acme may hold them.
SECRETS = ("GLOBEX-SECRET-DRAFT", "GLOBEX-SECRET-IMAGE", "GLOBEX-SECRET-DOC")


# ---------------------------------------------------------------------------
# The two partners
# ---------------------------------------------------------------------------


def png_bytes(colour=(200, 30, 30), size=(40, 20)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def partner_page_form(page, **overrides) -> dict:
    """The POST data of the "Mon organisation" edit form, from ``page``.

    ``presentation`` takes a list of ``(block_type, value)`` pairs (a
    paragraph's value is HTML, or Draftail's contentstate as a dict) and
    ``documents`` a list of inline form dicts; other keys replace fields.
    """
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    presentation = overrides.pop("presentation", [])
    documents = overrides.pop("documents", [])
    fields = {
        "title": page.title,
        "slug": page.slug,
        "street": page.street,
        "postcode": page.postcode,
        "city": page.city,
        "country": str(page.country or ""),
        "website": page.website,
        "phone": page.phone,
        "email": page.email,
        "sector": page.sector_id or "",
        "category": page.category_id or "",
        "logo": page.logo_id or "",
        "banner": page.banner_id or "",
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        **overrides,
    }
    blocks = []
    for kind, value in presentation:
        if kind == "paragraph":
            # HTML in Wagtail's storage format, or Draftail's JSON as a dict.
            value = json.dumps(value) if isinstance(value, dict) else rich_text(value)
        blocks.append((kind, value))
    return nested_form_data(
        {
            **fields,
            "presentation": streamfield(blocks),
            "documents": inline_formset(documents),
        }
    )


@dataclass
class Space:
    """A partner and everything it owns, as the matrix needs it."""

    partner: Partner
    user: object
    page: PartnerPage
    image: object
    document: object
    revision: Revision = None
    alias: Page | None = None
    translated: Page | None = None
    translation: Translation | None = None
    extra: dict = field(default_factory=dict)


def publish_partner_page(partner: Partner, **fields) -> PartnerPage:
    page = partner.page.specific
    page.street = "1 rue de la Paix"
    page.postcode = "75002"
    page.city = "Paris"
    page.country = "FR"
    page.website = f"https://{partner.name.lower()}.example"
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_media(partner: Partner, label: str):
    image = Image.objects.create(
        title=f"{partner.name} logo {label}",
        file=ImageFile(io.BytesIO(png_bytes()), name=f"{partner.name.lower()}.png"),
        collection=partner.collection,
    )
    document = Document.objects.create(
        title=f"{partner.name} brochure {label}",
        file=ContentFile(PDF_BYTES, name=f"{partner.name.lower()}.pdf"),
        collection=partner.collection,
    )
    return image, document


def build_space(make_partner, name: str, label: str) -> Space:
    partner = make_partner(name)
    user = partner.members.get()
    page = publish_partner_page(partner)
    image, document = add_media(partner, label)
    PartnerDocument.objects.create(page=page, document=document, label="Brochure")
    page.logo = image
    page.save_revision(user=user).publish()
    # A second, unpublished revision: a draft title nobody else may read.
    page.title = f"{name} {label}"
    revision = page.save_revision(user=user)
    page.refresh_from_db()
    return Space(partner, user, page, image, document, revision)


@pytest.fixture
def spaces(make_partner, editor, make_news, make_offer):
    """Acme and Globex, each with a live page, a draft, an image and a document.

    Globex also has an English translation, aliases in the other locales, a
    moderation workflow in progress, a pending multiple-upload, an editing
    session, a redirect, a comment, a live news and an archived one: every
    kind of object an admin URL takes.
    """
    acme = build_space(make_partner, "Acme", "acme-draft")
    globex = build_space(make_partner, "Globex", "GLOBEX-SECRET-DRAFT")
    globex.image.title = "Globex GLOBEX-SECRET-IMAGE"
    globex.image.save()
    globex.document.title = "Globex GLOBEX-SECRET-DOC"
    globex.document.save()

    # An English translation (through wagtail-localize) and a Spanish alias.
    english = Locale.objects.get(language_code="en")
    TranslationCreator(editor, [english]).create_translations(globex.page)
    globex.translation = Translation.objects.get(
        source__object_id=globex.page.translation_key, target_locale=english
    )
    globex.translated = Page.objects.get(
        translation_key=globex.page.translation_key, locale=english
    )
    globex.alias = Page.objects.get(
        translation_key=globex.page.translation_key, locale__language_code="es"
    )
    assert globex.alias.alias_of_id == globex.page.id
    assert globex.translated.alias_of_id is None

    # A live news (with a private draft) and an archived one, published
    # before Globex is moderated; an archived news is no longer public.
    news = make_news(globex.partner, "Globex news")
    news.title = "Globex news GLOBEX-SECRET-DRAFT"
    news.save_revision(user=globex.user)
    globex.extra["news"] = news
    archived = make_news(globex.partner, "Globex GLOBEX-SECRET-DRAFT archived news")
    news_lifecycle.archive(archived, globex.user)
    globex.extra["archived_news"] = archived
    make_news(acme.partner, "Acme news")

    # A live offer (with a private draft) and a deleted one (for the editors'
    # purge), also published before Globex is moderated.
    offer = make_offer(globex.partner, "Globex offer", reference="GLOBEX-1")
    offer.title = "Globex offer GLOBEX-SECRET-DRAFT"
    offer.save_revision(user=globex.user)
    globex.extra["offer"] = offer
    deleted_offer = make_offer(
        globex.partner, "Globex GLOBEX-SECRET-DRAFT old offer", reference="GLOBEX-2"
    )
    offer_lifecycle.delete(deleted_offer, globex.user)
    globex.extra["deleted_offer"] = deleted_offer
    make_offer(acme.partner, "Acme offer")

    # Moderated, with its draft waiting for the editors.
    globex.partner.moderated = True
    globex.partner.save()
    permissions.apply_moderation(globex.partner)
    workflow_state = globex.page.get_workflow().start(globex.page, globex.user)
    globex.extra["workflow_state"] = workflow_state
    globex.extra["task_state"] = workflow_state.current_task_state
    globex.extra["task"] = workflow_state.current_task_state.task
    globex.extra["workflow"] = workflow_state.workflow

    image_ct = ContentType.objects.get_for_model(Image)
    doc_ct = ContentType.objects.get_for_model(Document)
    globex.extra["image_upload"] = UploadedFile.objects.create(
        for_content_type=image_ct,
        file=ContentFile(png_bytes(), name="pending.png"),
        uploaded_by_user=globex.user,
    )
    globex.extra["document_upload"] = UploadedFile.objects.create(
        for_content_type=doc_ct,
        file=ContentFile(PDF_BYTES, name="pending.pdf"),
        uploaded_by_user=globex.user,
    )
    globex.extra["editing_session"] = EditingSession.objects.create(
        user=globex.user,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(globex.page.pk),
        last_seen_at=timezone.now(),
    )
    globex.extra["redirect"] = Redirect.objects.create(
        old_path="/globex-old", redirect_page=globex.page
    )
    globex.extra["comment"] = Comment.objects.create(
        page=globex.page,
        user=globex.user,
        text="GLOBEX-SECRET-DRAFT comment",
        contentpath="title",
        revision_created=globex.revision,
    )
    globex.extra["sector"] = Sector.objects.create(
        name="Énergie", locale=Locale.get_default()
    )
    globex.extra["category"] = PartnerCategory.objects.create(
        name="Entreprise", locale=Locale.get_default()
    )
    globex.extra["news_type"] = NewsType.objects.get(locale=Locale.get_default())
    globex.extra["audience_group"] = AudienceGroup.objects.create(
        name="Ingénieurs", locale=Locale.get_default()
    )
    globex.extra["contract_type"] = ContractType.objects.create(
        name="Alternance", locale=Locale.get_default()
    )
    globex.extra["seniority"] = SeniorityLevel.objects.create(
        name="Expert", locale=Locale.get_default()
    )
    return acme, globex


@pytest.fixture
def acme_client(client, spaces):
    acme, _globex = spaces
    client.force_login(acme.user)
    return client


# ---------------------------------------------------------------------------
# "Nothing changed": a snapshot of every table an admin view could touch
# ---------------------------------------------------------------------------

SNAPSHOT: list[tuple[type[models.Model], tuple[str, ...]]] = [
    (
        Page,
        (
            "id",
            "path",
            "depth",
            "numchild",
            "title",
            "draft_title",
            "slug",
            "url_path",
            "live",
            "has_unpublished_changes",
            "live_revision_id",
            "latest_revision_id",
            "locked",
            "locked_by_id",
            "alias_of_id",
            "locale_id",
            "go_live_at",
            "expire_at",
            "last_published_at",
            "show_in_menus",
        ),
    ),
    (Revision, ("id", "object_id", "approved_go_live_at")),
    (PageLogEntry, ("id",)),
    (Image, ("id", "title", "file", "collection_id", "focal_point_x")),
    (Document, ("id", "title", "file", "collection_id")),
    (Collection, ("id", "name", "path")),
    (Partner, ("id", "name", "moderated", "group_id", "collection_id", "page_id")),
    (Partner.members.through, ("partner_id", "user_id")),
    (
        User,
        ("id", "email", "username", "password", "is_superuser", "is_active"),
    ),
    (User.groups.through, ("user_id", "group_id")),
    (Group, ("id", "name")),
    (Group.permissions.through, ("group_id", "permission_id")),
    (GroupPagePermission, ("group_id", "page_id", "permission_id")),
    (GroupCollectionPermission, ("group_id", "collection_id", "permission_id")),
    (PageViewRestriction, ("id", "page_id", "restriction_type")),
    (CollectionViewRestriction, ("id", "collection_id", "restriction_type")),
    (Workflow, ("id", "name", "active")),
    (WorkflowPage, ("page_id", "workflow_id")),
    (Task, ("id", "name", "active")),
    (WorkflowState, ("id", "status", "current_task_state_id")),
    (TaskState, ("id", "status")),
    (Sector, ("id", "name", "locale_id")),
    (PartnerCategory, ("id", "name", "locale_id")),
    (Locale, ("id", "language_code")),
    (Site, ("id", "hostname", "root_page_id", "is_default_site")),
    (Redirect, ("id", "old_path", "redirect_page_id")),
    (Translation, ("id", "enabled")),
    (TranslationSource, ("id",)),
    (StringTranslation, ("id", "data")),
    (SegmentOverride, ("id", "data_json")),
    (UploadedFile, ("id", "file")),
    (Comment, ("id", "text", "resolved_at")),
    (PageSubscription, ("id", "user_id", "page_id")),
    (PartnerDocument, ("id", "page_id", "document_id", "label")),
    (TaggedItem, ("id", "object_id", "tag_id")),
    (NewsPage, ("page_ptr_id", "featured_on_home", "news_type_id", "date")),
    (NewsType, ("id", "name", "locale_id")),
    (AudienceGroup, ("id", "name", "locale_id")),
    (ContractType, ("id", "name", "locale_id")),
    (SeniorityLevel, ("id", "name", "locale_id")),
    (NewsDailyViews, ("id", "page_id", "views")),
    (NewsLike, ("id", "page_id", "user_id")),
    (
        OfferPage,
        ("page_ptr_id", "reference", "closed_reason", "closed_at", "partner_id"),
    ),
    (
        Mailing,
        (
            "id",
            "partner_id",
            "status",
            "subject",
            "body",
            "sender_email",
            "extra_addresses",
            "recipient_count",
            "reviewed_by_id",
            "review_comment",
            "started_at",
        ),
    ),
    (MailingRecipient, ("id", "mailing_id", "email", "status")),
    (MailingAttachment, ("id", "mailing_id", "name", "file")),
]


def snapshot() -> dict[str, list[tuple]]:
    return {
        model._meta.label: sorted(
            tuple(map(str, row)) for row in model.objects.values_list(*fields)
        )
        for model, fields in SNAPSHOT
    }


def diff(before: dict, after: dict) -> list[str]:
    changes = []
    for label, rows in before.items():
        gone = set(rows) - set(after[label])
        new = set(after[label]) - set(rows)
        if gone or new:
            changes.append(f"{label}: -{sorted(gone)[:3]} +{sorted(new)[:3]}")
    return changes


# ---------------------------------------------------------------------------
# The admin URL map, enumerated
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminURL:
    name: str
    route: str
    kwargs: tuple[str, ...]
    callback: object


def admin_urls() -> list[AdminURL]:
    """Every URL pattern of the admin, with its namespaced name and arguments."""
    found = []

    def walk(patterns, prefix, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                spaces = namespaces + ([pattern.namespace] if pattern.namespace else [])
                walk(pattern.url_patterns, prefix + str(pattern.pattern), spaces)
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = prefix + str(pattern.pattern)
                if not route.startswith("admin/"):
                    continue
                kwargs = tuple(pattern.pattern.regex.groupindex)
                name = ":".join([*namespaces, pattern.name])
                found.append(AdminURL(name, route, kwargs, pattern.callback))

    walk(get_resolver().url_patterns, "", [])
    return found


#: Arguments naming an object (rather than a type, a mode or a token).
OBJECT_KWARGS = {
    "page_id",
    "parent_page_id",
    "page_to_move_id",
    "destination_id",
    "page_pk",
    "pk",
    "revision_id",
    "revision_id_a",
    "revision_id_b",
    "image_id",
    "document_id",
    "doc_id",
    "collection_id",
    "uploaded_file_id",
    "task_state_id",
    "workflow_state_id",
    "task_id",
    "workflow_pk",
    "translation_id",
    "translation_source_id",
    "string_segment_id",
    "overridable_segment_id",
    "session_id",
    "object_id",
    "redirect_id",
    "attachment_pk",
}
#: Arguments naming a model type or a mode: they narrow what the URL acts on.
TYPE_KWARGS = {
    "app_label",
    "model_name",
    "app_name",
    "content_type_app_name",
    "content_type_model_name",
    "action_name",
    "action",
    "filter_spec",
    "mode",
}
#: Admin URLs with arguments that name no object at all.
NOT_OBJECT_URLS = {
    # A password reset link carries a token, not an object: test_auth covers it.
    "wagtailadmin_password_reset_confirm",
    # One generic dispatcher per registered bulk action: the ids are in the
    # query string, see test_partner_cannot_run_bulk_actions_on_another_partners_objects.
    "wagtail_bulk_action",
}

#: Settings models registered with wagtail.contrib.settings (none in the demo).
SETTINGS_MODELS: list[tuple[str, str]] = []


def _pk_for(name: str, w: dict):
    """The Globex object a ``pk`` argument names, by the URL's namespace."""
    namespace = name.rpartition(":")[0]
    table = {
        "wagtailadmin_api:pages": w["page"],
        "wagtailadmin_api:images": w["image"],
        "wagtailadmin_api:documents": w["document"],
        "wagtailadmin_pages": w["page"],
        "wagtailadmin_collections": w["collection"],
        "partners": w["partner"],
        "wagtailsnippets_alumni_partner_sector": w["sector"],
        "wagtailsnippetchoosers_alumni_partner_sector": w["sector"],
        "wagtailsnippets_alumni_partner_partnercategory": w["category"],
        "wagtailsnippetchoosers_alumni_partner_partnercategory": w["category"],
        "wagtailsnippets_alumni_partner_newstype": w["news_type"],
        "wagtailsnippetchoosers_alumni_partner_newstype": w["news_type"],
        "wagtailsnippets_alumni_partner_audiencegroup": w["audience_group"],
        "wagtailsnippetchoosers_alumni_partner_audiencegroup": w["audience_group"],
        "wagtailsnippets_alumni_partner_contracttype": w["contract_type"],
        "wagtailsnippetchoosers_alumni_partner_contracttype": w["contract_type"],
        "wagtailsnippets_alumni_partner_senioritylevel": w["seniority"],
        "wagtailsnippetchoosers_alumni_partner_senioritylevel": w["seniority"],
        "wagtail_localize": w["sector"],
        "wagtaillocales": w["locale"],
        "wagtailsites": w["site"],
        "wagtailusers_users": w["user"],
        "wagtailusers_groups": w["group"],
        "wagtailimages_chooser": w["image"],
        "wagtaildocs_chooser": w["document"],
        "wagtailsettings": None,
        # Filled by the alumni_world fixture only (None: no variant here).
        "alumni_partner_recipient_lists": w.get("recipient_list"),
        "alumni_partner_imports": w.get("alumni_import"),
        # Filled by the message_world fixture only.
        "alumni_partner_message_reports": w.get("message_report"),
        "alumni_partner_message_suspensions": w.get("suspended_mailbox"),
    }
    if namespace == "wagtailadmin_workflows":
        return w["task"] if name.endswith("_task") else w["workflow"]
    if namespace == "alumni_partner_news":
        # Each action on a news in the state it acts on: archive a live news,
        # restore or delete an archived one.
        return w["news"] if name.endswith(":archive") else w["archived_news"]
    if namespace == "alumni_partner_offers":
        # The editors' purge takes a deleted offer; every other action a live one.
        return w["deleted_offer"] if name.endswith(":purge") else w["offer"]
    if namespace == "alumni_partner_mailings":
        # Filled by the mailing_world fixture only: each screen gets a mailing
        # in the state it acts on, so only the access check stands in the way.
        state = MAILING_STATE_FOR.get(name.rpartition(":")[2], "draft")
        return w.get(f"mailing_{state}")
    if namespace not in table:
        raise LookupError(f"{name}: which object does 'pk' name?")
    return table[namespace]


def _type_values(name: str) -> dict[str, str]:
    """Model and mode arguments that make the URL act on the object we pass."""
    values = {
        "app_label": "alumni_partner",
        "model_name": "partnerpage",
        "content_type_app_name": "alumni_partner",
        "content_type_model_name": "partnerpage",
        "app_name": "alumni_partner",
        "filter_spec": "original",
        "mode": "default",
    }
    if name.startswith(("wagtailsnippet", "wagtail_localize:s")):
        values.update(app_label="alumni_partner", model_name="sector")
    elif name.startswith("wagtailadmin_editing_sessions"):
        values.update(app_label="wagtailcore", model_name="page")
    elif name.startswith("wagtailadmin_workflows"):
        values.update(app_label="wagtailcore", model_name="groupapprovaltask")
    elif name == "wagtailadmin_tag_model_autocomplete":
        values.update(app_name="wagtailimages", model_name="image")
    return values


def url_variants(url: AdminURL, w: dict) -> list[dict]:
    """The argument sets to call ``url`` with, all naming Globex's objects.

    Raises LookupError for an argument this module does not know how to fill.
    """
    kwargs: dict = {}
    for kwarg in url.kwargs:
        if kwarg in ("page_id", "parent_page_id", "page_to_move_id", "page_pk"):
            # Only an alias can be converted; every other view gets the page.
            value = w["alias"] if "convert" in url.name else w["page"]
        elif kwarg == "destination_id":
            value = w["index"]  # a valid parent: only permissions stand in the way
        elif kwarg in ("revision_id", "revision_id_a"):
            value = w["revision"]
        elif kwarg == "revision_id_b":
            value = "latest"
        elif kwarg == "pk":
            value = _pk_for(url.name, w)
            if value is None:
                return []
        elif kwarg == "image_id":
            value = w["image"]
        elif kwarg in ("document_id", "doc_id"):
            value = w["document"]
        elif kwarg == "collection_id":
            value = w["collection"]
        elif kwarg == "uploaded_file_id":
            value = w["image_upload" if "images" in url.name else "document_upload"]
        elif kwarg == "task_state_id":
            value = w["task_state"]
        elif kwarg == "workflow_state_id":
            value = w["workflow_state"]
        elif kwarg == "task_id":
            value = w["task"]
        elif kwarg == "workflow_pk":
            value = w["workflow"]
        elif kwarg == "translation_id":
            value = w["translation"]
        elif kwarg == "translation_source_id":
            value = w["translation"].source
        elif kwarg == "string_segment_id":
            value = w["string_segment"]
        elif kwarg == "overridable_segment_id":
            value = w["overridable_segment"]
        elif kwarg == "session_id":
            value = w["editing_session"]
        elif kwarg == "object_id":
            value = str(w["page"].pk)
        elif kwarg == "redirect_id":
            value = w["redirect"]
        elif kwarg == "attachment_pk":
            value = w.get("mailing_attachment")
            if value is None:
                return []
        elif kwarg in TYPE_KWARGS:
            continue
        else:
            raise LookupError(f"{url.name}: unknown argument {kwarg!r}")
        kwargs[kwarg] = value.pk if isinstance(value, models.Model) else value

    types = _type_values(url.name)
    for kwarg in url.kwargs:
        if kwarg in TYPE_KWARGS and kwarg not in ("action_name", "action"):
            if url.name.startswith("wagtailsettings"):
                return []  # no settings model is registered
            kwargs[kwarg] = types[kwarg]

    if "action_name" in url.kwargs:
        if url.name == "wagtailadmin_api:pages:action":
            actions = sorted(PagesAdminAPIViewSet.actions)
        else:
            actions = ["approve", "reject"]
        return [{**kwargs, "action_name": action} for action in actions]
    return [kwargs]


def globex_objects(globex: Space, index: Page) -> dict:
    source = globex.translation.source
    return {
        "page": globex.page,
        "alias": globex.alias,
        "index": index,
        "revision": globex.revision,
        "image": globex.image,
        "document": globex.document,
        "collection": globex.partner.collection,
        "partner": globex.partner,
        "user": globex.user,
        "group": globex.partner.group,
        "locale": Locale.objects.get(language_code="en"),
        "site": Site.objects.get(is_default_site=True),
        "translation": globex.translation,
        "string_segment": StringSegment.objects.filter(source=source).first(),
        "overridable_segment": OverridableSegment.objects.filter(source=source).first(),
        **globex.extra,
    }


def is_rest_view(callback) -> bool:
    cls = getattr(callback, "cls", None)
    return isinstance(cls, type) and issubclass(cls, APIView)


#: POST data that would complete most admin forms: whatever view forgets its
#: permission check must not get away with "the form was incomplete".
HOSTILE_POST = {
    "title": "Taken over by Acme",
    "draft_title": "Taken over by Acme",
    "slug": "taken-over",
    "name": "Taken over by Acme",
    "new_title": "Taken over by Acme",
    "new_slug": "taken-over",
    "copy_subpages": "on",
    "publish_copies": "on",
    "alias": "",
    "action-publish": "action-publish",
    "action": "publish",
    "restriction_type": "password",
    "password": "hunter2hunter2",
    "collection": "",
    "tags": "acme",
    "value": "Acme was here",
    "comment": "Approved by Acme",
    "decision": "approve",
    "subject": "Taken over by Acme",
    "sender_name": "Acme",
    "sender_email": "acme@acme.test",
    "body": "<p>Acme was here</p>",
    "extra_addresses": "victim@example.org",
    "locales": "",
    "publish_translations": "on",
}


@dataclass
class Finding:
    url: str
    method: str
    problem: str

    def __str__(self) -> str:
        return f"{self.method} {self.url}: {self.problem}"


class Prober:
    """Calls URLs as Acme and records every answer that is not a refusal."""

    #: Views that may answer 200 with one of Globex's ids, and why. Their
    #: answers are still checked: no secret shown, nothing changed.
    READ_ONLY_OK = {
        # Sectors, partner categories, news types and audience groups are the
        # site's shared vocabulary.
        "wagtailsnippetchoosers_alumni_partner_sector:chosen": "shared vocabulary",
        "wagtailsnippetchoosers_alumni_partner_partnercategory:chosen": "shared",
        "wagtailsnippetchoosers_alumni_partner_newstype:chosen": "shared",
        "wagtailsnippetchoosers_alumni_partner_audiencegroup:chosen": "shared",
        "wagtailsnippetchoosers_alumni_partner_contracttype:chosen": "shared",
        "wagtailsnippetchoosers_alumni_partner_senioritylevel:chosen": "shared",
        "wagtail_localize:snippets_api_detail": "shared vocabulary (a sector)",
        # Answers the task's name ("Partner moderation"), the same for everyone.
        "wagtailadmin_workflows:task_chosen": "workflow task names are not private",
        # Deletes the session only if it is the caller's own: a no-op here.
        "wagtailadmin_editing_sessions:release": "acts on one's own sessions only",
    }

    def __init__(self, client, acme: Space, globex: Space):
        self.client = client
        self.acme = acme
        self.globex = globex
        self.findings: list[Finding] = []
        self.calls = 0
        self.before = snapshot()
        self.foreign_links = [
            reverse("wagtailadmin_pages:edit", args=[globex.page.pk]),
            *(
                reverse("wagtailadmin_pages:edit", args=[news.pk])
                for news in (globex.extra["news"], globex.extra["archived_news"])
            ),
            *(
                reverse("wagtailadmin_pages:edit", args=[offer.pk])
                for offer in (globex.extra["offer"], globex.extra["deleted_offer"])
            ),
            reverse("wagtailimages:edit", args=[globex.image.pk]),
            reverse("wagtaildocs:edit", args=[globex.document.pk]),
        ]

    def leaks(self, body: str) -> list[str]:
        found = [secret for secret in SECRETS if secret.lower() in body.lower()]
        found += [link for link in self.foreign_links if f'"{link}' in body]
        return found

    def probe(self, url: str, method: str, name: str, allowed_ok: bool = False):
        self.calls += 1
        call = getattr(self.client, method.lower())
        kwargs = {}
        if method == "POST":
            kwargs["data"] = HOSTILE_POST
        elif method == "PUT":
            kwargs["data"] = "value=Acme+was+here"
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        try:
            response = call(url, **kwargs)
        except Exception as error:  # a crash is a finding, not the end of the walk
            self.findings.append(Finding(url, method, f"raised {error!r}"))
            self._check_state(url, method)
            return None
        status = response.status_code
        body = (
            response.content.decode(errors="replace")
            if not getattr(response, "streaming", False)
            else ""
        )
        if status >= 500:
            self.findings.append(Finding(url, method, f"server error {status}"))
        elif 200 <= status < 300 and not (allowed_ok or name in self.READ_ONLY_OK):
            self.findings.append(Finding(url, method, f"answered {status} ({name})"))
        leaked = self.leaks(body)
        if leaked:
            self.findings.append(Finding(url, method, f"shows {leaked}"))
        self._check_state(url, method)
        return response

    def _check_state(self, url, method):
        after = snapshot()
        changes = diff(self.before, after)
        if changes:
            self.findings.append(Finding(url, method, "changed " + "; ".join(changes)))
            self.before = after

    def assert_clean(self):
        assert not self.findings, (
            f"{len(self.findings)} of {self.calls} calls were not refused cleanly:\n"
            + "\n".join(map(str, self.findings))
        )


def object_urls(prefixes: tuple[str, ...], w: dict) -> list[tuple[AdminURL, str]]:
    """Every admin URL under ``prefixes`` that takes an object id, filled in."""
    result = []
    for url in admin_urls():
        if url.name in NOT_OBJECT_URLS or not (set(url.kwargs) & OBJECT_KWARGS):
            continue
        if not url.name.startswith(prefixes):
            continue
        for kwargs in url_variants(url, w):
            result.append((url, reverse(url.name, kwargs=kwargs)))
    return result


def probe_all(prober: Prober, urls: list[tuple[AdminURL, str]]) -> None:
    for url, path in urls:
        methods = ["GET", "POST"]
        if is_rest_view(url.callback):
            methods += ["PUT", "DELETE"]
        for method in methods:
            prober.probe(path, method, url.name)


# ---------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------

PAGE_URLS = (
    "wagtailadmin_pages:",
    "wagtailadmin_explore",
    "wagtailadmin_choose_page",
    "wagtailadmin_api:pages",
    "wagtailadmin_workflows",
    "wagtailadmin_editing_sessions",
    "wagtail_localize",
    "wagtailforms",
    "wagtailredirects",
    "alumni_partner_news",
    "alumni_partner_offers",
)
MEDIA_URLS = (
    "wagtailimages",
    "wagtaildocs",
    "wagtailadmin_api:images",
    "wagtailadmin_api:documents",
    "wagtailadmin_collections",
)
OTHER_URLS = (
    "partners",
    "wagtailsnippets",
    "wagtailsnippetchoosers",
    "wagtailusers",
    "wagtaillocales",
    "wagtailsites",
    "wagtailsettings",
)


@pytest.fixture
def world(spaces):
    acme, globex = spaces
    index = PartnerIndexPage.objects.get(locale=Locale.get_default())
    return acme, globex, globex_objects(globex, index)


def test_matrix_covers_every_admin_url_that_takes_an_object_id(world):
    _acme, _globex, w = world
    unknown, uncovered = [], []
    groups = (
        PAGE_URLS + MEDIA_URLS + OTHER_URLS + ALUMNI_URLS + MAILING_URLS + MESSAGE_URLS
    )
    for url in admin_urls():
        if url.name in NOT_OBJECT_URLS or not url.kwargs:
            continue
        extra = set(url.kwargs) - OBJECT_KWARGS - TYPE_KWARGS
        if extra:
            unknown.append(f"{url.name} ({url.route}): {sorted(extra)}")
            continue
        if set(url.kwargs) & OBJECT_KWARGS and not url.name.startswith(groups):
            uncovered.append(url.name)
            continue
        try:
            url_variants(url, w)
        except LookupError as error:
            unknown.append(str(error))
    assert not unknown, "Admin URLs the matrix cannot fill:\n" + "\n".join(unknown)
    assert not uncovered, "Admin URLs in no matrix group:\n" + "\n".join(uncovered)

    # The namespaces the issue names are all there, with their id-taking views.
    names = {url.name for url, _path in object_urls(groups, w)}
    for required in (
        "wagtailadmin_pages:edit",
        "wagtailadmin_pages:preview_on_edit",
        "wagtailadmin_pages:view_draft",
        "wagtailadmin_pages:unpublish",
        "wagtailadmin_pages:delete",
        "wagtailadmin_pages:move",
        "wagtailadmin_pages:copy",
        "wagtailadmin_pages:revisions_index",
        "wagtailadmin_pages:revisions_view",
        "wagtailadmin_pages:revisions_compare",
        "wagtailadmin_pages:revisions_revert",
        "wagtailadmin_pages:history",
        "wagtailadmin_pages:lock",
        "wagtailadmin_pages:unlock",
        "wagtailadmin_pages:convert_alias",
        "wagtailadmin_pages:workflow_action",
        "wagtailadmin_explore",
        "wagtail_localize:submit_page_translation",
        "wagtail_localize:convert_to_alias",
        "wagtailimages:edit",
        "wagtailimages:delete",
        "wagtailimages_chooser:chosen",
        "wagtaildocs:edit",
        "wagtaildocs:delete",
        "wagtaildocs_chooser:chosen",
        "wagtailadmin_collections:edit",
        "wagtailadmin_collections:delete",
        "wagtailsnippets_alumni_partner_sector:edit",
        "partners:edit",
        "partners:delete",
        "wagtailsnippets_alumni_partner_newstype:edit",
        "wagtailsnippets_alumni_partner_audiencegroup:delete",
        "alumni_partner_news:archive",
        "alumni_partner_news:restore",
        "alumni_partner_news:delete",
        "alumni_partner_offers:renew",
        "alumni_partner_offers:fill",
        "alumni_partner_offers:duplicate",
        "alumni_partner_offers:delete",
        "alumni_partner_offers:purge",
        "wagtailadmin_api:pages:detail",
        "wagtailadmin_api:pages:action",
    ):
        assert required in names, required
    assert len(names) > 80


def test_matrix_notices_an_answer_a_leak_and_a_change(world, editor):
    """The matrix's checks work: an editor, who may do all this, is reported."""
    from django.test import Client

    acme, globex, _w = world
    editor_client = Client()
    editor_client.force_login(editor)
    prober = Prober(editor_client, acme, globex)
    prober.probe(reverse("wagtailadmin_pages:edit", args=[globex.page.pk]), "GET", "e")
    prober.probe(reverse("wagtailadmin_pages:lock", args=[globex.page.pk]), "POST", "l")
    problems = " | ".join(finding.problem for finding in prober.findings)
    assert "answered 200" in problems
    assert "GLOBEX-SECRET-DRAFT" in problems
    assert "changed wagtailcore.Page" in problems


def test_partner_cannot_reach_another_partners_pages_by_any_admin_url(
    acme_client, world
):
    acme, globex, w = world
    prober = Prober(acme_client, acme, globex)
    urls = object_urls(PAGE_URLS, w)
    probe_all(prober, urls)
    # The English translation is Globex's too: its edit view (the translation
    # editor) and its publish button are refused like the source page's.
    translated_edit = reverse("wagtailadmin_pages:edit", args=[globex.translated.pk])
    prober.probe(translated_edit, "GET", "translation editor")
    prober.probe(translated_edit, "POST", "translation editor")
    prober.assert_clean()

    globex.page.refresh_from_db()
    assert globex.page.live
    assert globex.page.title == "Globex"
    assert globex.page.draft_title == "Globex GLOBEX-SECRET-DRAFT"
    assert Revision.page_revisions.filter(object_id=str(globex.page.pk)).count() == 4


def test_partner_cannot_reach_another_partners_media_by_any_admin_url(
    acme_client, world
):
    acme, globex, w = world
    prober = Prober(acme_client, acme, globex)
    probe_all(prober, object_urls(MEDIA_URLS, w))
    prober.assert_clean()
    assert Image.objects.filter(pk=globex.image.pk).exists()
    assert Document.objects.filter(pk=globex.document.pk).exists()
    assert Collection.objects.filter(pk=globex.partner.collection_id).exists()


def test_partner_cannot_reach_partners_snippets_users_or_settings_by_any_admin_url(
    acme_client, world
):
    acme, globex, w = world
    prober = Prober(acme_client, acme, globex)
    probe_all(prober, object_urls(OTHER_URLS, w))
    prober.assert_clean()
    assert Partner.objects.filter(pk=globex.partner.pk, name="Globex").exists()


def test_partner_cannot_run_bulk_actions_on_another_partners_objects(
    acme_client, world
):
    acme, globex, w = world
    prober = Prober(acme_client, acme, globex)
    bulk_action_registry._scan_for_bulk_actions()
    targets = {
        ("wagtailcore", "page"): [globex.page, globex.translated],
        ("wagtailimages", "image"): [globex.image],
        ("wagtaildocs", "document"): [globex.document],
        (User._meta.app_label, User._meta.model_name): [globex.user],
    }
    actions = [
        (app, model, action)
        for app, by_model in bulk_action_registry.actions.items()
        for model, by_action in by_model.items()
        for action in by_action
    ]
    assert {("wagtailcore", "page", a) for a in ("delete", "move", "publish")} <= set(
        actions
    )
    assert ("wagtailcore", "page", "unpublish") in actions
    for app, model, action in actions:
        objects = targets.get((app, model))
        if objects is None:
            objects = [w["sector"]] if model == "sector" else [w["category"]]
        ids = "&".join(f"id={obj.pk}" for obj in objects)
        url = reverse("wagtail_bulk_action", args=[app, model, action]) + "?" + ids
        # The confirmation page may list the objects as "no access": fine, as
        # long as it shows no draft title and acts on nothing.
        prober.probe(url, "GET", "bulk action", allowed_ok=True)
        post = {
            "collection": acme.partner.collection_id,
            "tags": "acme",
            "chooserFieldName": w["index"].pk,
            "include_descendants": "on",
            "role": acme.partner.group_id,
            "mark_as_active": "false",
        }
        prober.calls += 1
        acme_client.post(url, post)
        prober._check_state(url, "POST")
    prober.assert_clean()
    globex.page.refresh_from_db()
    assert globex.page.live


def test_partner_cannot_list_another_partners_pages_or_media(acme_client, world):
    """Listings, search, choosers, reports and the admin API: Globex never shows."""
    acme, globex, w = world
    prober = Prober(acme_client, acme, globex)
    # Logging out ends the walk; the "failwhale" page raises on purpose.
    skip = {"wagtailadmin_logout", "wagtailadmin_error_test"}
    for url in admin_urls():
        if url.kwargs or url.name in skip or "password_reset" in url.name:
            continue
        prober.probe(reverse(url.name), "GET", url.name, allowed_ok=True)

    index = w["index"]
    searches = [
        reverse("wagtailadmin_pages:search") + "?q=Globex",
        reverse("wagtailadmin_explore", args=[index.pk]),
        reverse("wagtailadmin_choose_page_child", args=[index.pk]),
        reverse("wagtailadmin_choose_page") + "?q=Globex",
        reverse("wagtailadmin_choose_page_search") + "?q=Globex",
        reverse("wagtailimages:index") + "?q=Globex",
        reverse("wagtailimages_chooser:choose") + "?q=Globex",
        reverse("wagtaildocs:index") + "?q=Globex",
        reverse("wagtaildocs_chooser:choose") + "?q=Globex",
        "/admin/api/main/pages/",
        f"/admin/api/main/pages/?child_of={index.pk}",
        "/admin/api/main/pages/?search=Globex",
        "/admin/api/main/images/",
        "/admin/api/main/documents/",
    ]
    for url in searches:
        response = prober.probe(url, "GET", url, allowed_ok=True)
        assert response is not None and response.status_code == 200, url
        body = response.content.decode()
        # Globex's page, image and document are not listed (its live title may
        # appear only as a public page would show it: never with an admin link).
        for pk in (globex.page.pk, globex.translated.pk, globex.alias.pk):
            assert f'"id": {pk},' not in body, (url, pk)
            assert f"/admin/pages/{pk}/" not in body, (url, pk)
        assert f"/admin/images/{globex.image.pk}/" not in body, url
        assert f"/admin/documents/edit/{globex.document.pk}/" not in body, url
    prober.assert_clean()

    response = acme_client.get(reverse("wagtailadmin_pages:search") + "?q=Acme")
    assert f"/admin/pages/{acme.page.pk}/" in response.content.decode()


# ---------------------------------------------------------------------------
# Positive control: the same user does all this on its own objects
# ---------------------------------------------------------------------------


def test_partner_edits_publishes_and_uploads_in_its_own_space(acme_client, world):
    acme, _globex, _w = world
    page = acme.page
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert acme_client.get(url).status_code == 200
    assert (
        acme_client.get(
            reverse("wagtailadmin_pages:view_draft", args=[page.pk])
        ).status_code
        == 200
    )
    assert (
        acme_client.get(
            reverse("wagtailadmin_pages:history", args=[page.pk])
        ).status_code
        == 200
    )
    revisions = reverse("wagtailadmin_pages:revisions_index", args=[page.pk])
    assert acme_client.get(revisions, follow=True).status_code == 200
    data = partner_page_form(
        page,
        title="Acme Corporation",
        street="2 avenue de l'Opéra",
        postcode="75001",
        logo=acme.image.pk,
    )
    data["action-publish"] = "action-publish"
    response = acme_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    page.refresh_from_db()
    assert page.live and page.title == "Acme Corporation"
    assert not page.has_unpublished_changes

    upload = ContentFile(png_bytes((10, 120, 10)), name="acme-new.png")
    response = acme_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Acme new logo",
            "collection": acme.partner.collection_id,
            "file": upload,
            "tags": "",
        },
    )
    assert response.status_code == 302
    assert Image.objects.filter(
        title="Acme new logo", collection=acme.partner.collection
    ).exists()

    # Its image listing shows its own image and collection only.
    body = acme_client.get(reverse("wagtailimages:index")).content.decode()
    assert "Acme new logo" in body


def test_partner_cannot_upload_into_another_partners_collection(acme_client, world):
    acme, globex, _w = world
    for url, model, upload in (
        (
            reverse("wagtailimages:add"),
            Image,
            ContentFile(png_bytes(), name="drop.png"),
        ),
        (
            reverse("wagtaildocs:add"),
            Document,
            ContentFile(PDF_BYTES, name="drop.pdf"),
        ),
    ):
        theirs = set(model.objects.filter(collection=globex.partner.collection))
        acme_client.post(
            url,
            {
                "title": "Dropped into Globex",
                "collection": globex.partner.collection_id,
                "file": upload,
            },
        )
        # Refused, or (the collection field is hidden when a user has only
        # one collection) stored in Acme's own collection.
        assert set(model.objects.filter(collection=globex.partner.collection)) == theirs
        dropped = model.objects.filter(title="Dropped into Globex")
        assert all(obj.collection_id == acme.partner.collection_id for obj in dropped)


def test_partner_logs_in_with_its_password_and_sees_only_its_own_space(client, world):
    acme, globex, _w = world
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": acme.user.email, "password": PASSWORD},
        follow=True,
    )
    body = response.content.decode()
    assert response.wsgi_request.user == acme.user
    assert "Acme" in body
    assert "GLOBEX-SECRET" not in body
    assert f"/admin/pages/{globex.page.pk}/" not in body
    assert not acme.user.has_perm("wagtailusers.add_user")
    assert not Permission.objects.filter(
        group__partner=acme.partner, content_type__app_label="auth"
    ).exists()


def test_partner_explores_and_chooses_its_own_page_only(acme_client, world):
    acme, globex, w = world
    index = w["index"]
    for url in (
        reverse("wagtailadmin_explore", args=[index.pk]),
        reverse("wagtailadmin_choose_page_child", args=[index.pk]),
    ):
        response = acme_client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert f"/admin/pages/{acme.page.pk}/" in body, url
        assert f"/admin/pages/{globex.page.pk}/" not in body, url
    assert (
        acme_client.get(
            reverse("wagtailadmin_explore", args=[acme.page.pk])
        ).status_code
        == 200
    )
    search = reverse("wagtailadmin_choose_page_search") + "?q=Acme"
    assert f"/admin/pages/{acme.page.pk}/" in acme_client.get(search).content.decode()
    # The chooser still offers the site's pages outside every partner space.
    body = acme_client.get(reverse("wagtailadmin_choose_page")).content.decode()
    assert "France Alumni" in body
    # Its own image in the admin API.
    images = acme_client.get("/admin/api/main/images/").json()["items"]
    assert [item["id"] for item in images] == [acme.image.pk]


def test_editor_explores_chooses_and_lists_every_partner(world, editor):
    from django.test import Client

    acme, globex, w = world
    client = Client()
    client.force_login(editor)
    index = w["index"]
    for url in (
        reverse("wagtailadmin_explore", args=[index.pk]),
        reverse("wagtailadmin_choose_page_child", args=[index.pk]),
    ):
        body = client.get(url).content.decode()
        for page in (acme.page, globex.page):
            assert f"/admin/pages/{page.pk}/" in body, (url, page)
    assert (
        client.get(reverse("wagtailadmin_explore", args=[globex.page.pk])).status_code
        == 200
    )
    images = client.get("/admin/api/main/images/").json()["items"]
    assert {acme.image.pk, globex.image.pk} <= {item["id"] for item in images}
    report = client.get(reverse("wagtail_localize:translations_report"))
    assert f"/admin/pages/{globex.translated.pk}/edit/" in report.content.decode()


# ---------------------------------------------------------------------------
# Recipient lists saved from the public directory (guide 6)
# ---------------------------------------------------------------------------


def test_partner_cannot_save_into_or_list_another_partners_recipient_lists(
    acme_client, world
):
    """Acme's user posts Globex's id and Globex's list name: Globex is untouched.

    The id is ignored (a user of one partner saves for that partner only),
    and Globex's list names are no oracle: Acme may reuse one.
    """
    from alumni_partner.models import RecipientList

    acme, globex, _w = world
    globex_list = RecipientList.objects.create(
        partner=globex.partner, name="GLOBEX-SECRET-LIST"
    )
    before = snapshot()
    response = acme_client.post(
        reverse("alumni_partner:directory_save_list") + "?q=",
        {"name": "GLOBEX-SECRET-LIST", "partner": globex.partner.pk},
    )
    assert response.status_code == 302
    assert diff(before, snapshot()) == []
    assert list(RecipientList.objects.filter(partner=globex.partner)) == [globex_list]
    assert not globex_list.memberships.exists()
    acme_list = RecipientList.objects.get(partner=acme.partner)
    assert list(RecipientList.objects.for_user(acme.user)) == [acme_list]
    assert globex_list not in RecipientList.objects.for_user(acme.user)


# ---------------------------------------------------------------------------
# Recipient lists and alumni imports in the admin (issue 5)
# ---------------------------------------------------------------------------

ALUMNI_URLS = ("alumni_partner_recipient_lists", "alumni_partner_imports")


@pytest.fixture
def alumni_world(world, editor, make_alumnus):
    """``world`` plus a recipient list of Globex and an editors' alumni import."""
    from alumni_partner import alumni_import
    from alumni_partner.models import AlumniImport, RecipientList

    acme, globex, w = world
    member = make_alumnus("Gina", "Globex", employer="GLOBEX-SECRET-DRAFT employer")
    member.set_mailing_consent(True)
    member.save()
    w["recipient_list"] = RecipientList.objects.create(
        partner=globex.partner, name="GLOBEX-SECRET-DRAFT list", created_by=globex.user
    )
    w["recipient_list"].memberships.create(profile=member)
    RecipientList.objects.create(partner=acme.partner, name="Acme list")
    record = AlumniImport(original_name="alumni.csv", uploaded_by=editor)
    record.file.save("matrix.csv", ContentFile(b"email\r\nnot-an-email\r\n"), save=True)
    w["alumni_import"] = alumni_import.run_import(record)
    assert w["alumni_import"].report
    return acme, globex, w


def test_partner_cannot_reach_another_partners_lists_or_the_imports(
    acme_client, alumni_world
):
    from alumni_partner.models import AlumniImport, RecipientList

    acme, globex, w = alumni_world
    prober = Prober(acme_client, acme, globex)
    urls = object_urls(ALUMNI_URLS, w)
    names = {url.name for url, _path in urls}
    assert {
        "alumni_partner_recipient_lists:inspect",
        "alumni_partner_recipient_lists:edit",
        "alumni_partner_recipient_lists:delete",
        "alumni_partner_imports:inspect",
        "alumni_partner_imports:delete",
        "alumni_partner_imports:report",
    } <= names
    probe_all(prober, urls)
    prober.assert_clean()
    # Nothing changed (these tables are not in the snapshot).
    globex_list = RecipientList.objects.get(pk=w["recipient_list"].pk)
    assert globex_list.name == "GLOBEX-SECRET-DRAFT list"
    assert globex_list.memberships.count() == 1
    assert AlumniImport.objects.filter(pk=w["alumni_import"].pk).exists()
    # Acme's own list index shows its list only.
    body = acme_client.get(reverse("alumni_partner_recipient_lists:index")).content
    assert b"Acme list" in body and b"GLOBEX" not in body


# ---------------------------------------------------------------------------
# Mailings (issue 6): every screen of /admin/mailings/, GET and POST
# ---------------------------------------------------------------------------

MAILING_URLS = ("alumni_partner_mailings",)
#: The state of the mailing each screen acts on (by URL name); others: a draft.
MAILING_STATE_FOR = {
    "review": "submitted",
    "stop": "sending",
    "resume": "stopped",
    "copy": "sent",
    "detail": "sent",
    "view": "sent",
}


@pytest.fixture
def mailing_world(world):
    """``world`` plus Globex's mailings in every state, and one of Acme's."""
    acme, globex, w = world
    now = timezone.now()

    def mailing(partner, user, status, **fields):
        created = Mailing.objects.create(
            partner=partner,
            created_by=user,
            sender_name=partner.name,
            sender_email=f"news@{partner.name.lower()}.test",
            subject=f"{partner.name} {status} mailing",
            body=f"<p>{partner.name} news</p>",
            include_followers=False,
            extra_addresses=f"guest@{partner.name.lower()}.example",
            recipient_count=1,
            status=status,
            **fields,
        )
        created.recipients.create(
            email=f"guest@{partner.name.lower()}.example", source="extra"
        )
        mailing_lifecycle.record(created, "created", user)
        return created

    def secret(status, **fields):
        globex_mailing = mailing(globex.partner, globex.user, status, **fields)
        globex_mailing.subject = f"GLOBEX-SECRET-DRAFT {status} mailing"
        globex_mailing.body = "<p>GLOBEX-SECRET-DRAFT news</p>"
        globex_mailing.save()
        return globex_mailing

    w["mailing_draft"] = secret(MailingStatus.DRAFT)
    w["mailing_submitted"] = secret(MailingStatus.SUBMITTED, submitted_at=now)
    w["mailing_sending"] = secret(MailingStatus.SENDING, started_at=now)
    w["mailing_stopped"] = secret(MailingStatus.STOPPED, started_at=now)
    w["mailing_sent"] = secret(MailingStatus.SENT, started_at=now, finished_at=now)
    attachment = MailingAttachment(
        mailing=w["mailing_draft"],
        name="GLOBEX-SECRET-DOC.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    attachment.file.save("globex.pdf", ContentFile(PDF_BYTES), save=True)
    w["mailing_attachment"] = attachment
    w["acme_mailing"] = mailing(
        acme.partner, acme.user, MailingStatus.SENT, started_at=now, finished_at=now
    )
    return acme, globex, w


def test_partner_cannot_reach_another_partners_mailings_by_any_url(
    acme_client, mailing_world, mailoutbox
):
    acme, globex, w = mailing_world
    prober = Prober(acme_client, acme, globex)
    urls = object_urls(MAILING_URLS, w)
    names = {url.name for url, _path in urls}
    assert {
        "alumni_partner_mailings:review",
        "alumni_partner_mailings:detail",
        "alumni_partner_mailings:view",
        "alumni_partner_mailings:stop",
        "alumni_partner_mailings:resume",
        "alumni_partner_mailings:copy",
        "alumni_partner_mailings:edit",
        "alumni_partner_mailings:preview",
        "alumni_partner_mailings:recipients",
        "alumni_partner_mailings:send_test",
        "alumni_partner_mailings:submit",
        "alumni_partner_mailings:delete",
        "alumni_partner_mailings:attachment",
    } <= names
    log_entries = ModelLogEntry.objects.count()
    mailoutbox.clear()  # the fixture's moderation notice

    probe_all(prober, urls)

    prober.assert_clean()
    assert ModelLogEntry.objects.count() == log_entries
    assert [(m.to, m.subject) for m in mailoutbox] == []  # no test mail, no notice
    for state in ("draft", "submitted", "sending", "stopped", "sent"):
        before = w[f"mailing_{state}"]
        after = Mailing.objects.get(pk=before.pk)
        assert (after.status, after.subject) == (before.status, before.subject)
    # No copy of Globex's mailing landed in Acme's space.
    acme_mailings = Mailing.objects.filter(partner=acme.partner)
    assert list(acme_mailings) == [w["acme_mailing"]]


def test_partner_lists_show_no_other_partners_mailing(acme_client, mailing_world):
    acme, globex, w = mailing_world
    for name in ("pending", "sent", "sent_results"):
        response = acme_client.get(reverse(f"alumni_partner_mailings:{name}"))
        assert response.status_code == 200, name
        assert b"GLOBEX-SECRET" not in response.content, name
    sent = acme_client.get(reverse("alumni_partner_mailings:sent")).content
    assert b"Acme sent mailing" in sent
    # The editors' queue is not theirs, nor Wagtail's history of the mailings.
    validation = acme_client.get(reverse("alumni_partner_mailings:validation"))
    assert validation.status_code in (302, 403)
    assert b"GLOBEX-SECRET" not in validation.content
    history = acme_client.get(reverse("wagtailadmin_reports:site_history"))
    assert b"GLOBEX-SECRET" not in history.content

    # Writing "for Globex" by its id: Acme's user writes for Acme only.
    def globex_mailings():
        return set(
            Mailing.objects.filter(partner=globex.partner).values_list(
                "id", "subject", "status", "body"
            )
        )

    before = globex_mailings()
    create = reverse("alumni_partner_mailings:create")
    target = f"{create}?partner={globex.partner.pk}"
    for method in ("get", "post"):
        response = getattr(acme_client, method)(target, HOSTILE_POST)
        assert response.status_code in (200, 302, 403, 404)
        assert b"GLOBEX-SECRET" not in response.content
    assert globex_mailings() == before


def test_editor_of_a_partner_cannot_validate_its_mailing_by_any_url(
    client, mailing_world, editor
):
    """An editor who is one of Globex's users does not validate Globex's mailings."""
    acme, globex, w = mailing_world
    globex.partner.members.add(editor)
    client.force_login(editor)
    review = reverse("alumni_partner_mailings:review", args=[w["mailing_submitted"].pk])
    for method in ("get", "post"):
        response = getattr(client, method)(review, HOSTILE_POST)
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response.url == reverse(
            "wagtailadmin_home"
        )
    submitted = Mailing.objects.get(pk=w["mailing_submitted"].pk)
    assert submitted.status == MailingStatus.SUBMITTED
    assert submitted.reviewed_by_id is None


# ---------------------------------------------------------------------------
# Message moderation (issue 7): editors only, at every URL, GET and POST
# ---------------------------------------------------------------------------

MESSAGE_URLS = (
    "alumni_partner_message_reports",
    "alumni_partner_message_suspensions",
)


@pytest.fixture
def message_world(world, make_alumnus):
    """``world`` plus an open report about a member's message to Globex, and
    Globex's own mailbox suspended after a report about its message."""
    from alumni_partner import messaging

    acme, globex, w = world
    gina = make_alumnus("Gina", "Globex", accepts_partner_contact=True)
    member = messaging.mailbox_of_user(gina.user)
    globex_box = messaging.mailbox_of_partner(globex.partner)
    thread = messaging.start_thread(
        member, globex_box, "GLOBEX-SECRET-DRAFT subject", "GLOBEX-SECRET-DRAFT text"
    )
    w["message_report"] = messaging.report(
        thread.messages.get(), globex_box, "GLOBEX-SECRET-DRAFT reason"
    )
    answer = messaging.reply(thread, globex_box, "GLOBEX-SECRET-DRAFT answer")
    messaging.report(answer, member, "GLOBEX-SECRET-DRAFT complaint")
    messaging.suspend(globex_box, by=None, reason="GLOBEX-SECRET-DRAFT reason")
    w["suspended_mailbox"] = globex_box
    return acme, globex, w


def test_partner_cannot_reach_message_moderation_by_any_url(
    acme_client, message_world, mailoutbox
):
    from alumni_partner.models import Mailbox, MessageReport

    acme, globex, w = message_world
    urls = object_urls(MESSAGE_URLS, w)
    names = {url.name for url, _path in urls}
    assert {
        "alumni_partner_message_reports:detail",
        "alumni_partner_message_reports:dismiss",
        "alumni_partner_message_reports:suspend",
        "alumni_partner_message_suspensions:reinstate",
    } <= names
    lists = [
        reverse(f"{namespace}:{name}")
        for namespace in MESSAGE_URLS
        for name in ("index", "index_results")
    ]

    def state():
        return (
            sorted(MessageReport.objects.values_list("pk", "status", "handled_by_id")),
            sorted(Mailbox.objects.values_list("pk", "suspended_at")),
        )

    before = state()
    log_entries = ModelLogEntry.objects.count()
    mailoutbox.clear()  # the fixture's moderation notice
    prober = Prober(acme_client, acme, globex)
    probe_all(prober, urls)
    for path in lists:
        for method in ("GET", "POST"):
            prober.probe(path, method, path)
    prober.assert_clean()
    assert state() == before
    assert ModelLogEntry.objects.count() == log_entries
    assert mailoutbox == []
    # The sidebar offers Acme's user no moderation menu.
    home = acme_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "message-reports" not in home and "GLOBEX-SECRET" not in home
