"""The Offers admin (guide 4.1 "Dépôt d'offres", 4.2 "Mes offres").

Real database, Django's test client, Wagtail's own create/edit/preview and
workflow views. Users read the admin in English (their preferred language).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text
from wagtail.users.models import UserProfile

from alumni_partner import counters, offer_lifecycle, schedules
from alumni_partner.models import ContractType, OfferPage, OfferState, SeniorityLevel
from alumni_partner.permissions import apply_moderation

pytestmark = pytest.mark.django_db

User = get_user_model()

INDEX = reverse("alumni_partner_offers:index")
CLOSED = reverse("alumni_partner_offers:closed")
CREATE = reverse("alumni_partner_offers:create")
NO_MATCH = "No offer matches your criteria."


def url(name: str, offer) -> str:
    return reverse(f"alumni_partner_offers:{name}", args=[offer.pk])


def add_url(partner) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=("alumni_partner", "offerpage", partner.page_id)
    )


def speak(user, code: str = "en") -> None:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = code
    profile.save()


@pytest.fixture(autouse=True)
def english(partner_user, editor):
    speak(partner_user)
    speak(editor)


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def stranger_client(other_partner):
    user = other_partner.members.get()
    speak(user)
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def references(response) -> list[str]:
    """The offers' references of a list, in the order shown."""
    body = html(response)
    table = body[body.index("<tbody") :] if "<tbody" in body else ""
    return re.findall(r"<td[^>]*>\s*(ACME-\d{4}-\d{3}|[A-Z]+-REF-\d+)\s*</td>", table)


def states(response) -> list[str]:
    return re.findall(r'data-offer-state="(\w+)"', html(response))


def tab_label(response, name: str) -> str:
    match = re.search(
        rf'data-offer-tab="{name}">\s*(?:<svg.*?</svg>)?\s*([^<]+?)\s*</a>',
        html(response),
        re.S,
    )
    assert match, name
    return match.group(1)


def figure(response, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)</dd>", html(response))
    assert match, label
    return match.group(1)


def offer_form(contract_type, **extra) -> dict:
    """Every field of the offer form, as the admin posts it."""
    senior = SeniorityLevel.default_terms().first()
    data = {
        "title": "Ingénieure données",
        "slug": "ingenieure-donnees",
        "reference": "ACME-DATA-1",
        "company_description": rich_text("<p>Acme fabrique des fusées.</p>"),
        "mission": rich_text("<p>Construire nos tableaux de bord.</p>"),
        "contract_type": contract_type.pk,
        "seniority": senior.pk if senior else "",
        "sector": "",
        "skills": "Python, SQL",
        "city": "Lyon",
        "country": "FR",
        "remote_allowed": "on",
        "salary_min": "40000",
        "salary_max": "52000",
        "salary_currency": "EUR",
        "salary_period": "YEAR",
        "available_immediately": "",
        "available_from": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "contact_name": "Jeanne Martin",
        "contact": "https://acme.example/jobs/data",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        "action-publish": "action-publish",
    }
    data.update(extra)
    return nested_form_data({k: v for k, v in data.items() if v is not None})


def created(reference: str) -> OfferPage:
    """The offer in the default locale (its aliases share the reference)."""
    return OfferPage.objects.get(reference=reference, locale__language_code="fr")


def moderate(partner, offers: bool = True):
    partner.moderated = True
    partner.offers_moderated = offers
    partner.save()
    apply_moderation(partner)
    return partner


def task_action(offer, action: str) -> str:
    state = WorkflowState.objects.get(
        base_content_type__model="page",
        object_id=str(offer.pk),
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=[offer.pk, action, state.current_task_state.pk],
    )


def main_button(body: str) -> tuple[str, str]:
    """The name and label of the action menu's main button (the first one)."""
    footer = body[body.index("footer__container") :]
    button = re.search(
        r'<button[^>]*name="(action-\w+)"[^>]*>(.*?)</button>', footer, re.S
    )
    assert button
    label = re.sub(r"<svg.*?</svg>|<[^>]+>", "", button.group(2), flags=re.S)
    return button.group(1), " ".join(label.split())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# ---------------------------------------------------------------------------
# Menu and "Post an offer" (guide 4.1)
# ---------------------------------------------------------------------------


def test_offers_menu_is_shown_to_partner_users_and_editors_only(
    partner_client, editor_client, site_tree
):
    for client in (partner_client, editor_client):
        body = html(client.get(reverse("wagtailadmin_home")))
        assert '"/admin/offers/create/"' in body
        assert '"/admin/offers/"' in body
        assert "Post an offer" in body and "My offers" in body

    staff = User.objects.create_user(username="staff@alumni.test", email="s@a.test")
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(staff)
    assert '"/admin/offers/"' not in html(client.get(reverse("wagtailadmin_home")))
    for target in (INDEX, CLOSED, CREATE):
        assert client.get(target).status_code in (302, 403)


def test_post_an_offer_opens_the_form_under_the_partner_page(
    partner, partner_client, make_offer
):
    make_offer(partner)
    response = partner_client.get(CREATE)
    assert response.status_code == 302
    assert response["Location"] == add_url(partner)
    form = partner_client.get(add_url(partner))
    assert form.status_code == 200
    body = html(form)
    # The reference is suggested after the existing one, the description
    # prefilled, and the main button reads "Publish".
    year = timezone.localdate().year
    assert f'value="ACME-{year}-002"' in body
    assert 'name="action-publish"' in body
    assert main_button(body) == ("action-publish", "Publish")


def test_editor_chooses_the_partner_first(partner, other_partner, editor_client):
    response = editor_client.get(CREATE)
    assert response.status_code == 200
    body = html(response)
    assert "Which partner is this offer from?" in body
    assert f'href="{add_url(partner)}"' in body
    assert f'href="{add_url(other_partner)}"' in body
    only = editor_client.get(CREATE + "?q=glob")
    assert f'href="{add_url(partner)}"' not in html(only)


def test_partner_posts_an_offer_with_every_field(
    partner, partner_client, contract_type
):
    response = partner_client.post(add_url(partner), offer_form(contract_type))
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == INDEX
    offer = created("ACME-DATA-1")
    assert offer.live and offer.state == OfferState.VALIDATED
    assert offer.partner == partner
    assert offer.city == "Lyon" and str(offer.country) == "FR"
    assert offer.remote_allowed
    assert (offer.salary_min, offer.salary_max) == (40000, 52000)
    assert offer.contact_kind == "url"
    assert offer.contact_name == "Jeanne Martin"
    assert sorted(tag.name for tag in offer.skills.all()) == ["Python", "SQL"]
    assert not offer.available_immediately
    assert offer.expire_at is not None

    listing = partner_client.get(INDEX)
    assert any(
        "Your offer “Ingénieure données” has been saved and validated." in message
        for message in messages_of(listing)
    )
    assert "ACME-DATA-1" in html(listing)
    assert states(listing) == ["validated"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # English or French, whichever the admin speaks.
        (
            {"salary_min": "60000"},
            "salary_max",
            "at least the minimum|au moins égal au minimum",
        ),
        (
            {"available_from": "2020-01-01"},
            "available_from",
            "This start date is in the past|Cette date de début est passée",
        ),
        (
            {"contact": "call Jeanne"},
            "contact",
            "Enter an e-mail address|Saisissez une adresse e-mail",
        ),
        (
            {"reference": "acme-taken"},
            "reference",
            "already has the reference|porte déjà la référence",
        ),
    ],
)
def test_offer_form_explains_bad_input(
    partner, partner_client, make_offer, contract_type, changes, field, message
):
    make_offer(partner, reference="ACME-TAKEN")
    response = partner_client.post(
        add_url(partner), offer_form(contract_type, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert re.search(message, " ".join(errors[field])), errors[field]
    assert not OfferPage.objects.filter(slug="ingenieure-donnees").exists()


def test_offer_preview_shows_the_offer_as_visitors_will(
    partner, partner_client, make_offer
):
    draft = make_offer(partner, title="Brouillon de poste", publish=False)
    response = partner_client.get(
        reverse("wagtailadmin_pages:view_draft", args=[draft.pk])
    )
    assert response.status_code == 200
    assert "Brouillon de poste" in html(response)
    # A preview counts no view.
    assert not draft.counter_model.objects.filter(page_id=draft.pk).exists()


def test_visualiser_previews_the_form_before_it_is_saved(
    partner, partner_client, contract_type
):
    """Guide 4.1 "visualiser": Wagtail's preview of the form as typed."""
    preview = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("alumni_partner", "offerpage", partner.page_id),
    )
    data = offer_form(contract_type, title="Chargée de projet")
    del data["action-publish"]
    answer = partner_client.post(preview, data)
    assert answer.status_code == 200 and answer.json()["is_valid"]
    response = partner_client.get(preview)
    assert response.status_code == 200
    body = html(response)
    assert "Chargée de projet" in body and "Construire nos tableaux de bord." in body
    assert not OfferPage.objects.filter(slug="ingenieure-donnees").exists()


# ---------------------------------------------------------------------------
# Moderation: pending, then validated by an editor
# ---------------------------------------------------------------------------


def test_moderated_partner_offer_is_pending_until_an_editor_approves(
    partner, partner_client, editor_client, contract_type
):
    moderate(partner)
    form = html(partner_client.get(add_url(partner)))
    assert 'name="action-publish"' not in form
    data = offer_form(contract_type)
    del data["action-publish"]
    data["action-submit"] = "action-submit"
    response = partner_client.post(add_url(partner), data)
    assert response.status_code == 302
    assert response["Location"] == INDEX
    offer = created("ACME-DATA-1")
    assert not offer.live and offer.state == OfferState.PENDING
    listing = partner_client.get(INDEX)
    assert states(listing) == ["pending"]
    assert any(
        "pending until an editor validates it" in m for m in messages_of(listing)
    )

    # The partner cannot approve its own offer; the editor can.
    partner_client.post(task_action(offer, "approve"), {"comment": ""})
    offer.refresh_from_db()
    assert not offer.live
    response = editor_client.post(task_action(offer, "approve"), {"comment": "OK"})
    assert response.status_code in (200, 302)
    offer.refresh_from_db()
    assert offer.live and offer.state == OfferState.VALIDATED
    assert states(partner_client.get(INDEX)) == ["validated"]


def test_partner_whose_news_only_are_moderated_publishes_offers_at_once(
    partner, partner_client, contract_type
):
    moderate(partner, offers=False)
    form = html(partner_client.get(add_url(partner)))
    # Its group may not publish: Wagtail's "Submit" is the main button, and it
    # reads "Publish" because the task approves the offer at once.
    assert main_button(form) == ("action-submit", "Publish")
    data = offer_form(contract_type)
    del data["action-publish"]
    data["action-submit"] = "action-submit"
    response = partner_client.post(add_url(partner), data)
    assert response.status_code == 302
    assert response["Location"] == INDEX
    offer = created("ACME-DATA-1")
    assert offer.live and offer.state == OfferState.VALIDATED
    listing = partner_client.get(INDEX)
    assert any("has been saved and validated" in m for m in messages_of(listing))


# ---------------------------------------------------------------------------
# "Mes offres" (guide 4.2): tabs, columns, filters, sorting, pages
# ---------------------------------------------------------------------------


@pytest.fixture
def mixed(partner, other_partner, make_offer, editor):
    """Acme's offers in every state, and one of Globex's."""
    user = partner.members.get()
    offers = {
        "validated": make_offer(partner, "Analyste", reference="A-REF-1"),
        "draft": make_offer(partner, "Stagiaire", reference="B-REF-2", publish=False),
        "deleted": make_offer(partner, "Comptable", reference="C-REF-3"),
        "filled": make_offer(partner, "Designer", reference="D-REF-4"),
        "expired": make_offer(partner, "Juriste", reference="E-REF-5"),
    }
    offer_lifecycle.delete(offers["deleted"], user)
    offer_lifecycle.mark_filled(offers["filled"], user)
    expired = offers["expired"]
    OfferPage.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    schedules.publish_scheduled()
    make_offer(other_partner, "Globex job", reference="G-REF-9")
    for offer in offers.values():
        offer.refresh_from_db()
    return offers


def test_my_offers_lists_the_partners_offers_with_their_state(mixed, partner_client):
    response = partner_client.get(INDEX)
    assert response.status_code == 200
    body = html(response)
    assert tab_label(response, "create") == "Post an offer"
    # "Post an offer" is the tab; Wagtail's own "Add" button is not shown.
    assert "Add job offer" not in body
    assert tab_label(response, "current") == "My offers (3)"
    assert tab_label(response, "closed") == "Expired and filled (2)"
    assert sorted(states(response)) == ["deleted", "draft", "validated"]
    assert "Globex job" not in body and "G-REF-9" not in body
    for heading in (
        "Reference",
        "State",
        "Created",
        "Views",
        "Apply clicks",
        "Job title",
    ):
        assert heading in body
    # A deleted offer stays listed; it can be purged by editors only.
    assert url("purge", mixed["deleted"]) not in body
    closed = partner_client.get(CLOSED)
    assert sorted(states(closed)) == ["expired", "filled"]
    assert 'aria-current="page" data-offer-tab="closed"' in html(closed)
    # Closed offers can be renewed in one click from the list.
    assert f'action="{url("renew", mixed["filled"])}"' in html(closed)


def test_row_actions_view_the_live_offer_or_preview_the_others(mixed, partner_client):
    body = html(partner_client.get(INDEX))
    live = mixed["validated"]
    assert f'href="{live.url}"' in body or live.get_url() in body
    assert reverse("wagtailadmin_pages:view_draft", args=[mixed["draft"].pk]) in body
    assert reverse("wagtailadmin_pages:edit", args=[live.pk]) in body
    assert url("delete", live) in body and url("fill", live) in body
    assert url("fill", mixed["draft"]) not in body
    assert 'target="_blank"' in body


def test_filters_by_state_contract_type_and_keywords(
    mixed, partner, partner_client, make_offer
):
    cdd = ContractType.default_terms().exclude(name="CDI").first()
    make_offer(partner, "Data scientist", reference="F-REF-6", contract_type=cdd)

    def shown(query):
        return sorted(states(partner_client.get(INDEX + query)))

    assert shown("?state=validated") == ["validated", "validated"]
    assert shown("?state=deleted&state=draft") == ["deleted", "draft"]
    assert len(shown(f"?contract_type={cdd.pk}")) == 1
    response = partner_client.get(INDEX + "?keywords=analyste")
    assert "A-REF-1" in html(response) and "B-REF-2" not in html(response)
    response = partner_client.get(INDEX + "?keywords=f-ref")
    assert "Data scientist" in html(response)
    assert sorted(states(partner_client.get(CLOSED + "?state=filled"))) == ["filled"]


def test_malformed_filters_are_reported_not_a_crash(
    mixed, partner_client, editor_client
):
    for query in (
        "?state=bogus",
        "?contract_type=abc",
        "?contract_type=999999",
        "?keywords=" + "x" * 500,
        "?partner=xyz",
        "?ordering=nonsense",
        "?p=999",
        "?p=abc",
        "?state=%00",
    ):
        for client in (partner_client, editor_client):
            response = client.get(INDEX + query)
            assert response.status_code in (200, 404), query
    response = partner_client.get(INDEX + "?state=bogus&keywords=analyste")
    body = html(response)
    assert "Some filters could not be applied" in body
    # The valid filter still applies.
    assert "A-REF-1" in body and "B-REF-2" not in body


def test_empty_state_messages(partner, partner_client, make_offer):
    response = partner_client.get(INDEX)
    body = html(response)
    assert "You have not posted any offer yet." in body
    assert f'href="{add_url(partner)}"' in body
    assert NO_MATCH not in body

    make_offer(partner, "Analyste")
    response = partner_client.get(INDEX + "?keywords=astronaute")
    body = html(response)
    assert NO_MATCH in body
    assert 'role="alert"' in body
    # The results fragment (filters applied without reloading) says it too.
    fragment = partner_client.get(
        reverse("alumni_partner_offers:index_results") + "?keywords=astronaute"
    )
    assert NO_MATCH in html(fragment)
    assert NO_MATCH in html(partner_client.get(CLOSED + "?state=filled"))


def test_columns_sort_both_ways(mixed, partner, partner_client, make_offer):
    counters.add_views(mixed["validated"], timezone.localdate(), 5)
    counters.add_views(mixed["draft"], timezone.localdate(), 2)
    assert references(partner_client.get(INDEX + "?ordering=reference")) == [
        "A-REF-1",
        "B-REF-2",
        "C-REF-3",
    ]
    assert references(partner_client.get(INDEX + "?ordering=-reference")) == [
        "C-REF-3",
        "B-REF-2",
        "A-REF-1",
    ]
    assert references(partner_client.get(INDEX + "?ordering=-views"))[:2] == [
        "A-REF-1",
        "B-REF-2",
    ]
    assert states(partner_client.get(INDEX + "?ordering=state")) == [
        "validated",
        "draft",
        "deleted",
    ]
    for key in (
        "title",
        "-title",
        "created",
        "-created",
        "clicks",
        "-clicks",
        "-state",
    ):
        response = partner_client.get(INDEX + f"?ordering={key}")
        assert response.status_code == 200
        assert len(states(response)) == 3
    assert "ordering=reference" in html(partner_client.get(INDEX))


def test_pagination(partner, partner_client, make_offer, settings):
    settings.ALUMNI_PARTNER_OFFERS_ADMIN_PER_PAGE = 2
    for number in range(5):
        make_offer(partner, f"Poste {number}", reference=f"P-REF-{number}")
    first = partner_client.get(INDEX + "?ordering=reference")
    assert references(first) == ["P-REF-0", "P-REF-1"]
    third = partner_client.get(INDEX + "?ordering=reference&p=3")
    assert references(third) == ["P-REF-4"]
    assert partner_client.get(INDEX + "?p=99").status_code in (200, 404)


def test_list_queries_do_not_grow_with_rows(partner, partner_client, make_offer):
    make_offer(partner, "Un", reference="Q-REF-1")
    partner_client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        partner_client.get(INDEX)
    for number in range(2, 8):
        offer = make_offer(partner, f"Poste {number}", reference=f"Q-REF-{number}")
        counters.add_views(offer, timezone.localdate(), number)
    with CaptureQueriesContext(connection) as many:
        response = partner_client.get(INDEX + "?ordering=-views")
    assert len(states(response)) == 7
    assert len(many.captured_queries) <= len(few.captured_queries) + 2


# ---------------------------------------------------------------------------
# Actions: delete, fill, renew, duplicate, purge
# ---------------------------------------------------------------------------


def test_delete_asks_then_keeps_the_offer_as_deleted(partner_client, offer):
    page = partner_client.get(url("delete", offer) + f"?next={INDEX}")
    assert page.status_code == 200
    body = html(page)
    assert offer.title in body and ">OK</button>" in body and "Cancel" in body
    assert 'name="csrfmiddlewaretoken"' in body
    offer.refresh_from_db()
    assert offer.live  # a GET changes nothing
    response = partner_client.post(url("delete", offer), {"next": INDEX})
    assert response.status_code == 302 and response["Location"] == INDEX
    offer.refresh_from_db()
    assert not offer.live and offer.state == OfferState.DELETED
    assert states(partner_client.get(INDEX)) == ["deleted"]
    # Deleted once: no second delete.
    assert partner_client.get(url("delete", offer)).status_code == 404


def test_fill_moves_the_offer_to_the_closed_tab(partner_client, offer):
    page = partner_client.get(url("fill", offer))
    assert page.status_code == 200 and "Mark as filled" in html(page)
    partner_client.post(url("fill", offer))
    offer.refresh_from_db()
    assert offer.state == OfferState.FILLED
    assert states(partner_client.get(INDEX)) == []
    assert states(partner_client.get(CLOSED)) == ["filled"]
    assert partner_client.get(url("fill", offer)).status_code == 404


def test_renew_from_the_reminder_link_in_one_click(partner, partner_client, offer):
    with freeze_time(offer.expire_at + timedelta(minutes=5)):
        schedules.publish_scheduled()
        offer.refresh_from_db()
        assert offer.state == OfferState.EXPIRED
        partner_client.force_login(partner.members.get())  # the session aged too
        page = partner_client.get(url("renew", offer))
        assert page.status_code == 200
        body = html(page)
        assert "Renew" in body and 'method="post"' in body
        response = partner_client.post(url("renew", offer))
        assert response.status_code == 302 and response["Location"] == INDEX
        offer.refresh_from_db()
        assert offer.live and offer.state == OfferState.VALIDATED
        assert offer.expire_at > timezone.now() + timedelta(days=59)


def test_renew_refuses_an_offer_never_published(partner, partner_client, make_offer):
    draft = make_offer(partner, publish=False)
    assert partner_client.get(url("renew", draft)).status_code == 404
    assert partner_client.post(url("renew", draft)).status_code == 404


def test_duplicate_opens_the_copy_as_a_draft(partner_client, offer):
    assert partner_client.get(url("duplicate", offer)).status_code == 405
    response = partner_client.post(url("duplicate", offer))
    assert response.status_code == 302
    copy = OfferPage.objects.exclude(pk=offer.pk).get(
        partner=offer.partner, locale=offer.locale
    )
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[copy.pk])
    assert copy.state == OfferState.DRAFT and copy.reference != offer.reference
    edit = partner_client.get(response["Location"])
    assert any("saved as a draft" in m for m in messages_of(edit))


def test_only_editors_purge_deleted_offers(
    partner, partner_client, editor_client, offer
):
    offer_lifecycle.delete(offer, partner.members.get())
    # Refused: Wagtail turns the refusal into a redirect with a message.
    assert partner_client.get(url("purge", offer)).status_code in (302, 403)
    assert partner_client.post(url("purge", offer)).status_code in (302, 403)
    assert OfferPage.objects.filter(pk=offer.pk).exists()
    body = html(editor_client.get(INDEX))
    assert url("purge", offer) in body
    page = editor_client.get(url("purge", offer))
    assert page.status_code == 200 and "Delete permanently" in html(page)
    editor_client.post(url("purge", offer))
    assert not OfferPage.objects.filter(translation_key=offer.translation_key).exists()


def test_purge_refuses_an_offer_not_deleted(editor_client, offer):
    assert editor_client.get(url("purge", offer)).status_code == 404


def test_actions_need_the_csrf_token(partner_user, offer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_user)
    for name in ("delete", "fill", "renew", "duplicate"):
        assert client.post(url(name, offer)).status_code == 403, name
    offer.refresh_from_db()
    assert offer.live
    assert OfferPage.objects.count() == offer.aliases.count() + 1


def test_next_url_cannot_leave_the_site(partner_client, offer):
    response = partner_client.post(
        url("fill", offer), {"next": "https://evil.example/steal"}
    )
    assert response["Location"] == INDEX


# ---------------------------------------------------------------------------
# Isolation: another partner's offers, through every action
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["delete", "fill", "renew", "duplicate", "purge"])
def test_partner_cannot_act_on_another_partners_offer(name, stranger_client, offer):
    before = OfferPage.objects.count()
    for method in ("get", "post"):
        response = getattr(stranger_client, method)(url(name, offer), {"next": INDEX})
        assert response.status_code in (302, 403, 404, 405), (name, method)
    offer.refresh_from_db()
    assert offer.live and offer.state == OfferState.VALIDATED
    assert OfferPage.objects.count() == before


def test_partner_does_not_list_or_filter_another_partners_offers(
    partner, stranger_client, offer
):
    for target in (
        INDEX,
        CLOSED,
        INDEX + f"?partner={partner.pk}",
        INDEX + f"?keywords={offer.reference}",
        CREATE,
    ):
        response = stranger_client.get(target, follow=True)
        assert response.status_code == 200, target
        body = html(response)
        assert references(response) == [], target
        assert offer.title not in body, target
        assert reverse("wagtailadmin_pages:edit", args=[offer.pk]) not in body
    # Nor its statistics.
    counters.add_views(offer, timezone.localdate(), 40)
    response = stranger_client.get(INDEX)
    assert figure(response, "Views, all time") == "0"


def test_editor_sees_every_partner_and_filters_by_partner(
    mixed, partner, other_partner, editor_client
):
    body = html(editor_client.get(INDEX))
    assert "A-REF-1" in body and "G-REF-9" in body
    only = html(editor_client.get(INDEX + f"?partner={other_partner.pk}"))
    assert "G-REF-9" in only and "A-REF-1" not in only


# ---------------------------------------------------------------------------
# Statistics: views and apply clicks (issue item 6)
# ---------------------------------------------------------------------------


def test_statistics_panel_shows_views_and_apply_clicks(
    mixed, partner_client, partner, other_partner
):
    today = timezone.localdate()
    validated = mixed["validated"]
    counters.add_views(validated, today, 6)
    counters.add_views(mixed["filled"], today - timedelta(days=3), 4)
    counters._increment(validated, today, "apply_clicks", 2)
    theirs = created("G-REF-9")
    counters.add_views(theirs, today, 100)
    response = partner_client.get(INDEX)
    assert figure(response, "Validated offers") == "1"
    assert figure(response, "Views, all time") == "10"
    assert figure(response, "Apply clicks, all time") == "2"
    body = html(response)
    assert body.count("stats-panel__bar--clicks") == 1
    assert body.count("stats-panel__bar--views") == 2
    assert "Views and apply clicks per day" in body
    # The row shows its views and clicks.
    row = body[body.index("A-REF-1") :]
    row = row[: row.index("</tr>")]
    assert re.search(r">\s*6\s*<", row) and re.search(r">\s*2\s*<", row)

    home = partner_client.get(reverse("wagtailadmin_home"))
    assert figure(home, "Apply clicks, all time") == "2"
    assert 'href="/admin/offers/"' in html(home)
