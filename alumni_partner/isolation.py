"""Isolation between partners on Wagtail's side doors (DESIGN.md §4, §10).

Group page and collection permissions protect Wagtail's edit, publish and
delete views. A few read-only doors show objects to anyone who can log in to
the admin, whatever their permissions; the isolation matrix
(``tests/integration/test_isolation_matrix.py``) found these in Wagtail 8.0.1:

- the admin API's image and document endpoints list every image and document;
- the page explorer shows any page as a parent (title of its latest draft,
  status), because a partner's explorable root is the tree root once it holds
  permissions in several locales;
- the page chooser lists every page with the title of its latest draft;
- bulk action confirmation pages list the objects one may *not* act on, with
  their titles;
- the "confirm workflow cancellation" step answers for any page;
- wagtail-localize's translations report lists every translation, with links.

Each door gets the same rule: a partner user sees the pages it may explore
(its own pages, their ancestors and descendants) and the media of the
collections it holds permissions on; editors see everything.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.views.pages.workflow import ConfirmWorkflowCancellationView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry
from wagtail_localize.views.report import TranslationsReportView

from .models import PartnerIndexPage, PartnerPage
from .permissions import is_editor

# ---------------------------------------------------------------------------
# What a user may see
# ---------------------------------------------------------------------------


def visible_pages(user) -> QuerySet:
    """Pages ``user`` may see in the admin: explorable ones; editors see all."""
    if is_editor(user):
        return Page.objects.all()
    return PagePermissionPolicy().explorable_instances(user)


def may_see_page(user, page_id) -> bool:
    return visible_pages(user).filter(pk=page_id).exists()


def _in_a_partner_space():
    """``Exists`` condition: the outer page is a partner page or lies below one.

    A page's ancestors' paths are prefixes of its path, one length per depth:
    one indexed equality per depth at which partner pages live (usually one).
    """
    depths = PartnerPage.objects.order_by().values_list("depth", flat=True).distinct()
    condition = Q()
    for depth in sorted(depths):
        condition |= Q(path=Substr(OuterRef("path"), 1, depth * Page.steplen))
    if not condition:
        return None
    return Exists(PartnerPage.objects.filter(condition))


def choosable_pages(pages: QuerySet, user) -> QuerySet:
    """Pages offered by the page chooser: no other partner's pages.

    A partner may link to its own pages and to the site's pages outside every
    partner space (home, partner index...): the chooser shows the latest draft
    title of each page, which is private to its partner until published.
    """
    if is_editor(user):
        return pages
    in_a_partner_space = _in_a_partner_space()
    if in_a_partner_space is None:
        return pages
    explorable = visible_pages(user).values("pk")
    # One ``pk__in`` subquery: the chooser's search runs this queryset through
    # the search backend, whose filters take plain field lookups only.
    choosable = Page.objects.filter(Q(pk__in=explorable) | ~in_a_partner_space)
    return pages.filter(pk__in=choosable.values("pk"))


def may_choose_page(user, page_id) -> bool:
    return choosable_pages(Page.objects.filter(pk=page_id), user).exists()


def visible_images(user) -> QuerySet:
    policy = policy_registry.get_by_type(get_image_model())
    return policy.instances_user_has_any_permission_for(user, ["change", "choose"])


def visible_documents(user) -> QuerySet:
    policy = policy_registry.get_by_type(get_document_model())
    return policy.instances_user_has_any_permission_for(user, ["change", "choose"])


# ---------------------------------------------------------------------------
# Admin API: images and documents of one's own collections only
# ---------------------------------------------------------------------------


class PartnerImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(pk__in=visible_images(self.request.user).values("pk"))
        )


class PartnerDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(pk__in=visible_documents(self.request.user).values("pk"))
        )


def restrict_admin_api(router) -> None:
    """Replace Wagtail's image and document endpoints of the admin API."""
    router.register_endpoint("images", PartnerImagesAdminAPIViewSet)
    router.register_endpoint("documents", PartnerDocumentsAdminAPIViewSet)


# ---------------------------------------------------------------------------
# Bulk actions: never list the objects one cannot even see
# ---------------------------------------------------------------------------


def _visible_for_model(model):
    if issubclass(model, Page):
        return visible_pages
    if issubclass(model, get_image_model()):
        return visible_images
    if issubclass(model, get_document_model()):
        return visible_documents
    return None


class HideUnseenObjectsMixin:
    """Drop, from a bulk action's "no access" list, objects the user may not see.

    Wagtail lists them by title ("You don't have permission to delete..."),
    which shows another partner's draft titles and media titles to whoever
    guesses their ids.
    """

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        visible = _visible_for_model(self.model)
        hidden = extra.get("items_with_no_access") or []
        if visible is not None and hidden:
            seen = set(
                visible(self.request.user)
                .filter(pk__in=[obj.pk for obj in hidden])
                .values_list("pk", flat=True)
            )
            extra["items_with_no_access"] = [obj for obj in hidden if obj.pk in seen]
        return objects, extra


def guarded_bulk_actions() -> list[type]:
    """Wagtail's page, image and document bulk actions, with the mixin."""
    from wagtail.admin.views.pages.bulk_actions.delete import (
        DeleteBulkAction as PageDelete,
    )
    from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
    from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
    from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction
    from wagtail.documents.views.bulk_actions.add_tags import (
        AddTagsBulkAction as DocumentTags,
    )
    from wagtail.documents.views.bulk_actions.add_to_collection import (
        AddToCollectionBulkAction as DocumentCollection,
    )
    from wagtail.documents.views.bulk_actions.delete import (
        DeleteBulkAction as DocumentDelete,
    )
    from wagtail.images.views.bulk_actions.add_tags import (
        AddTagsBulkAction as ImageTags,
    )
    from wagtail.images.views.bulk_actions.add_to_collection import (
        AddToCollectionBulkAction as ImageCollection,
    )
    from wagtail.images.views.bulk_actions.delete import (
        DeleteBulkAction as ImageDelete,
    )

    return [
        type(f"Partner{cls.__name__}", (HideUnseenObjectsMixin, cls), {})
        for cls in (
            PageDelete,
            MoveBulkAction,
            PublishBulkAction,
            UnpublishBulkAction,
            ImageTags,
            ImageCollection,
            ImageDelete,
            DocumentTags,
            DocumentCollection,
            DocumentDelete,
        )
    ]


# ---------------------------------------------------------------------------
# Page views: the explorer and the workflow cancellation step
# ---------------------------------------------------------------------------


class PartnerExplorableIndexView(ExplorableIndexView):
    """The explorer, refusing to show a page the user may not explore."""

    def get(self, request, parent_page_id=None):
        if parent_page_id and not may_see_page(request.user, parent_page_id):
            raise PermissionDenied
        return super().get(request, parent_page_id)


class PartnerConfirmWorkflowCancellationView(ConfirmWorkflowCancellationView):
    """Wagtail answers this step for any page; only its editors may ask."""

    def dispatch(self, request, *args, **kwargs):
        if not self.object.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PartnerPageViewSet(PageViewSet):
    """Wagtail's page views for partner pages, with the guards above.

    Registered for ``PartnerPage`` and, as a parent, for the partner index and
    the partner page, so that exploring either goes through the guarded view.
    """

    model = PartnerPage
    index_view_class = PartnerExplorableIndexView
    confirm_workflow_cancellation_view_class = PartnerConfirmWorkflowCancellationView

    @cached_property
    def parent_models(self):
        return [PartnerIndexPage, PartnerPage]


def guard_page_chooser(pages: QuerySet, request) -> QuerySet:
    """``construct_page_chooser_queryset``: no other partner's pages.

    Browsing into another partner's page is refused too: the chooser shows the
    parent page's latest draft title above its children.
    """
    match = getattr(request, "resolver_match", None)
    parent_page_id = match.kwargs.get("parent_page_id") if match else None
    if parent_page_id and not may_choose_page(request.user, parent_page_id):
        raise PermissionDenied
    return choosable_pages(pages, request.user)


# ---------------------------------------------------------------------------
# wagtail-localize's translations report: the translations of visible pages
# ---------------------------------------------------------------------------


class PartnerTranslationsReportView(TranslationsReportView):
    def get_queryset(self):
        translations = super().get_queryset()
        if not translations.ordered:  # stable pagination
            translations = translations.order_by("-pk")
        if is_editor(self.request.user):
            return translations
        keys = visible_pages(self.request.user).values("translation_key")
        return translations.filter(source__object_id__in=keys)


def translations_report_urls() -> list:
    """Served in place of wagtail-localize's report (same paths, earlier hook)."""
    return [
        path(
            "localize/reports/translations/",
            PartnerTranslationsReportView.as_view(),
            name="alumni_partner_translations_report",
        ),
        path(
            "localize/reports/translations/results/",
            PartnerTranslationsReportView.as_view(results_only=True),
            name="alumni_partner_translations_report_results",
        ),
    ]
