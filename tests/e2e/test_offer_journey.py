"""Chapter 4 of the user guide, "Les offres d'emploi", in a real browser (issue 4).

A partner opens "Offres" → "Dépôt d'offres", fills every field of the offer
(the reference keeps its suggestion, the company description comes from its
page), looks at it in Wagtail's preview ("Visualiser"), goes back to the form
and publishes: "Mes offres" confirms it, validated. A visitor finds it on the
job board with the contract type, country and keyword filters (the form sent
with the keyboard), reads it (the view is counted), follows "Apply" with the
keyboard, reads it right to left under /ar/ and sees it on the partner page.
Back in "Mes offres", the partner sees the view and the click, deletes the
offer (after a confirmation) and sees it as deleted; a filter that nothing
matches shows the guide's alert. A second test walks a moderated partner's
offer: pending, approved by an editor from the dashboard, then validated and
on the board. axe-core audits the board, the offer page (also in Arabic), the
offer form and "Mes offres"; screenshots go to tests/e2e/screenshots/offers-*.png.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from playwright.sync_api import Page, expect
from wagtail.images import get_image_model
from wagtail.models import Page as WagtailPage

from alumni_partner.models import ContractType, OfferPage, Sector
from alumni_partner.offer_lifecycle import suggest_reference
from alumni_partner.permissions import apply_moderation
from tests.conftest import PASSWORD

from .helpers import Screenshots, assert_accessible, either, login, small_png
from .test_news_journey import (
    admin_shot,
    assert_admin_accessible,
    close_filters,
    expect_message,
    open_filter,
    public_status,
)
from .test_partner_journey import WAGTAIL_ADMIN_EXCLUDES, publish_partner

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed data; restoring the migrations' data
    # (root page, locales, "Editors") after each flush keeps tests independent.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: The offer form is Wagtail's page form: its Draftail editors (see
#: WAGTAIL_ADMIN_EXCLUDES) and its tag widget. Nothing else is excluded.
OFFER_FORM_EXCLUDES: dict[str, list[str]] = {
    **WAGTAIL_ADMIN_EXCLUDES,
    # Wagtail's tag widget (the "w-tag" controller of Wagtail 8.0.1) hides the
    # labelled <input id="id_skills"> and lets jQuery tag-it type into an
    # input of its own, which gets no label, aria-label or aria-labelledby
    # (tagit() is called with no option for one): the FieldPanel's label
    # names the hidden input only. The same exclusion as the news keywords'.
    "label": ["#id_skills ~ ul.tagit .tagit-new input"],
}

TITLE = "Ingénieure robotique embarquée"
KEYWORD = "robotique"
MISSION = "Vous concevrez le logiciel des capteurs de nos robots agricoles."
SKILLS = ("C++", "ROS")
CITY = "Lyon"
CONTACT_NAME = "Claire Martin"
CONTACT_EMAIL = "recrutement@acme.test"
SECTOR = "Informatique"
SENIORITY = "Confirmé (2 à 5 ans)"
NO_MATCH = "astronaute"


# --- Steps -------------------------------------------------------------------------


def sidebar_post_an_offer(page: Page) -> None:
    """Guide 4.1: the "Offres" menu opens on "Dépôt d'offres"."""
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name=either("Offers", "Offres")).click()
    sidebar.get_by_role("link", name=either("Post an offer", "Dépôt d'offres")).click()
    expect(page).to_have_url(
        re.compile(r"/admin/pages/add/alumni_partner/offerpage/\d+/$")
    )


def choose_term(page: Page, field: str, name: str) -> None:
    """Pick ``name`` in one of the vocabularies' snippet choosers."""
    page.locator(f"#id_{field}-chooser .chooser__choose-button").click()
    modal = page.locator(".modal.in .modal-content")
    expect(modal).to_be_visible()
    modal.get_by_role("link", name=name, exact=True).click()
    expect(page.locator(".modal.in")).to_have_count(0)
    expect(page.locator(f"#id_{field}-title")).to_have_text(name)


def type_rich_text(page: Page, field: str, text: str) -> None:
    page.locator(f"[data-contentpath={field}] [contenteditable=true]").click()
    page.keyboard.type(text)


def fill_required(page: Page, title: str, start) -> None:
    """The fields every offer needs; the reference keeps its suggestion."""
    page.fill("#id_title", title)
    type_rich_text(page, "mission", MISSION)
    choose_term(page, "contract_type", "CDI")
    page.select_option("#id_country", "FR")
    page.fill("#id_contact", CONTACT_EMAIL)
    # The start date, typed (a click elsewhere closes the date picker).
    page.locator("#id_available_immediately").uncheck()
    page.fill("#id_available_from", start.isoformat())
    page.locator("#id_contact_name").click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)


def partner_posts_offer(page: Page, shot, partner, start) -> str:
    """Guide 4.1: every field, "Visualiser", back to the form, "Publier"."""
    # Suggested and prefilled: the partner may keep both.
    reference = suggest_reference(partner)
    assert re.fullmatch(r"ACME-\d{4}-003", reference), reference  # its third
    expect(page.locator("#id_reference")).to_have_value(reference)
    expect(page.locator("[data-contentpath=company_description]")).to_contain_text(
        "Acme recrute des alumni."
    )

    fill_required(page, TITLE, start)
    choose_term(page, "seniority", SENIORITY)
    choose_term(page, "sector", SECTOR)
    skills = page.locator("#id_skills ~ ul.tagit .tagit-new input")
    for skill in SKILLS:
        skills.fill(skill)
        skills.press("Enter")
    expect(page.locator("#id_skills ~ ul.tagit .tagit-label")).to_have_text(
        list(SKILLS)
    )
    page.fill("#id_city", CITY)
    page.locator("#id_remote_allowed").check()
    page.fill("#id_salary_min", "45000")
    page.fill("#id_salary_max", "55000")
    page.select_option("#id_salary_currency", "EUR")
    page.select_option("#id_salary_period", "YEAR")
    page.fill("#id_contact_name", CONTACT_NAME)
    # The slug (under "Promotion") follows the title, as on any Wagtail page.
    expect(page.locator("#id_slug")).to_have_value(
        re.compile(r"^ing.nieure-robotique-embarqu.e$")
    )
    admin_shot(shot, page, "post-form")
    assert_admin_accessible(page, "the filled offer form", OFFER_FORM_EXCLUDES)

    # "Visualiser": Wagtail's preview panel shows the offer as visitors will.
    toggle = page.locator("[data-side-panel-toggle=preview]")
    toggle.click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text(TITLE)
    expect(preview.locator(".offer-mission")).to_contain_text(MISSION)
    facts = preview.locator(".offer-facts-list")
    for text in ("CDI", SECTOR, SENIORITY, *SKILLS, CITY, CONTACT_NAME):
        expect(facts).to_contain_text(text)
    expect(facts).to_contain_text(re.compile(r"45\s000 – 55\s000 EUR"))
    shot(page, "post-preview", full_page=False)
    # Back to the form: the same button closes the panel.
    toggle.click()
    expect(page.locator("#w-preview-iframe")).to_be_hidden()
    expect(page.locator("#id_title")).to_have_value(TITLE)

    publish = page.locator("footer").get_by_role(
        "button", name=either("Publish", "Publier")
    )
    expect(publish).to_be_visible()
    publish.click()
    expect(page).to_have_url(re.compile(r"/admin/offers/$"))
    expect_message(
        page,
        f"Your offer “{TITLE}” has been saved and validated.",
        f"Votre offre « {TITLE} » a bien été enregistrée et validée.",
    )
    return reference


def row_of(page: Page, offer: OfferPage):
    return page.locator("table.offer-listing tbody tr").filter(
        has=page.locator(f"#offer-{offer.pk}-title")
    )


def state_of(page: Page, offer: OfferPage):
    return row_of(page, offer).locator("[data-offer-state]")


def cell(page: Page, offer: OfferPage, sort_key: str):
    """The row's cell in the column sorted by ``sort_key`` (found by its header)."""
    index = page.evaluate(
        """key => [...document.querySelectorAll("table.offer-listing thead th")]
            .findIndex(th => !!th.querySelector(
                `a[href*="ordering=${key}"], a[href*="ordering=-${key}"]`))""",
        sort_key,
    )
    assert index >= 0, f"no column sorted by {sort_key}"
    return row_of(page, offer).locator("td, th").nth(index)


def visitor_finds_offer(page: Page, shot, offer: OfferPage) -> None:
    """The job board from the menu; contract type, country and keyword."""
    page.goto("/")
    page.locator("nav .menu").get_by_role(
        "link", name=either("Job offers", "Offres")
    ).click()
    expect(page).to_have_url(re.compile(r"/offres/$"))
    titles = page.locator(".offer-cards .card-title a")
    expect(titles).to_have_count(4)
    assert_accessible(page, "the job board")
    shot(page, "board")

    cdi = ContractType.default_terms().get(name="CDI")
    page.select_option("#id_contract_type", str(cdi.pk))
    page.select_option("#id_country", "FR")
    # The keyboard sends the form: Enter in the keywords' search field.
    keywords = page.locator("#id_q")
    keywords.focus()
    page.keyboard.type(KEYWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"contract_type={cdi.pk}"))
    expect(page).to_have_url(re.compile(r"country=FR"))
    expect(page).to_have_url(re.compile(rf"q={KEYWORD}"))
    expect(titles).to_have_text([TITLE])
    expect(page.locator(".count")).to_contain_text("1")
    assert_accessible(page, "the filtered job board")
    shot(page, "board-filtered")

    titles.first.click()
    expect(page).to_have_url(re.compile(re.escape(offer.url) + "$"))


def visitor_reads_offer(page: Page, shot, offer: OfferPage, reference: str) -> None:
    """Every field, the partner's logo and link, JSON-LD; "Apply" by keyboard."""
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".offer-meta")).to_contain_text(reference)
    expect(page.locator(".offer-mission")).to_contain_text(MISSION)
    expect(page.locator(".offer-company")).to_contain_text("Acme recrute des alumni.")
    facts = page.locator(".offer-facts-list")
    for text in ("CDI", SECTOR, SENIORITY, *SKILLS, CITY, "France", CONTACT_NAME):
        expect(facts).to_contain_text(text)
    expect(facts).to_contain_text(re.compile(r"45\s000 – 55\s000 EUR"))
    expect(facts).to_contain_text(either("Remote work possible", "Télétravail"))
    expect(page.locator(".offer-partner img")).to_be_visible()
    [posting] = [
        json.loads(text)
        for text in page.locator(
            "script[type='application/ld+json']"
        ).all_text_contents()
        if '"JobPosting"' in text
    ]
    assert posting["title"] == TITLE
    assert posting["hiringOrganization"]["name"] == "Acme"
    assert_accessible(page, "the offer page")
    shot(page, "offer")

    # "Apply" with the keyboard: the counted link sends to the contact's
    # address (the mail program itself is outside the browser).
    apply = page.locator(".offer-apply a.apply-button")
    expect(apply).to_have_attribute("href", f"/offers/{offer.pk}/apply/")
    apply.focus()
    with page.expect_request(re.compile(r"/offers/\d+/apply/$")) as clicked:
        page.keyboard.press("Enter")
    assert clicked.value.method == "GET"
    # Chromium hands the mailto: redirect to the system: the page stays.
    expect(page).to_have_url(re.compile(re.escape(offer.url) + "$"))


def visitor_reads_arabic(page: Page, shot, offer: OfferPage) -> None:
    """Under /ar/: right to left; the French offer's words marked as French."""
    arabic = WagtailPage.objects.get(
        translation_key=offer.translation_key, locale__language_code="ar"
    )
    response = page.goto(arabic.url)
    assert response is not None and response.status == 200, response
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    heading = page.locator("h1")
    expect(heading).to_have_text(TITLE)
    expect(heading).to_have_attribute("lang", "fr")
    expect(heading).to_have_attribute("dir", "ltr")
    assert_accessible(page, "the Arabic offer page")
    shot(page, "offer-ar-rtl")


def visitor_sees_partner_page(page: Page, shot, offer: OfferPage) -> None:
    page.goto(offer.url)
    page.locator(".offer-partner a").click()
    expect(page).to_have_url(re.compile(r"/partners/acme/$"))
    listed = page.locator(".partner-offers .card-title a")
    expect(listed).to_have_text([TITLE, "Technicien de maintenance", "Comptable"])
    shot(page, "partner-page")


def confirm_delete(page: Page, offer: OfferPage, shot) -> None:
    row_of(page, offer).locator("[data-offer-action=delete]").click()
    form = page.locator("form.offer-confirm")
    expect(form.locator("h2")).to_have_text(
        either(
            f"Delete the offer “{TITLE}” ({offer.reference})?",
            f"Supprimer l'offre « {TITLE} » ({offer.reference})",
        )
    )
    assert_admin_accessible(page, "the delete confirmation")
    admin_shot(shot, page, "confirm-delete")
    form.get_by_role("button", name="OK").click()


def logo_for(partner) -> None:
    """The partner page's logo, which the board and the offer page show."""
    image = get_image_model()(
        title="Logo Acme", file=ImageFile(io.BytesIO(small_png()), name="acme.png")
    )
    image.save()
    page = partner.page
    page.logo = image
    page.save_revision().publish()


# --- The journeys ------------------------------------------------------------------


def test_offer_journey(
    e2e_site, make_partner, make_offer, new_context, live_server, settings
):
    # As in the news journey: no autosave racing the instant "Publier".
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    shot = Screenshots("offers-journey")
    Sector.objects.create(name=SECTOR)
    partner = publish_partner(make_partner, "Acme")
    logo_for(partner)
    other = publish_partner(make_partner, "Globex", country="MA", city="Casablanca")
    # What the filters have to leave out: another contract type, another
    # country, another keyword.
    make_offer(
        partner,
        "Comptable",
        contract_type=ContractType.default_terms().get(name="CDD"),
    )
    make_offer(other, "Ingénieur robotique", country="MA", city="Casablanca")
    make_offer(partner, "Technicien de maintenance")
    start = timezone.localdate() + timedelta(days=30)

    # Guide 4.1: "Offres" → "Dépôt d'offres".
    page = new_context().new_page()
    login(page, live_server.url, "contact@acme.test", PASSWORD)
    sidebar_post_an_offer(page)
    reference = partner_posts_offer(page, shot, partner, start)
    offer = OfferPage.objects.get(title=TITLE, locale__language_code="fr")
    assert offer.live and offer.reference == reference
    assert offer.partner == partner
    assert sorted(tag.name for tag in offer.skills.all()) == sorted(SKILLS)
    assert (offer.salary_min, offer.salary_max) == (45000, 55000)
    assert offer.available_from == start and not offer.available_immediately
    assert offer.remote_allowed and offer.seniority.name == SENIORITY
    # Guide 4.2: "Mes offres", with its state, validated.
    expect(state_of(page, offer)).to_have_text(either("validated", "validée"))
    expect(cell(page, offer, "views")).to_have_text("0")
    admin_shot(shot, page, "my-offers-published")

    visitor = new_context().new_page()
    visitor_finds_offer(visitor, shot, offer)
    visitor_reads_offer(visitor, shot, offer, reference)
    visitor_reads_arabic(visitor, shot, offer)
    visitor_sees_partner_page(visitor, shot, offer)

    # Guide 4.2: one view (one visitor, whatever the language) and one click.
    page.reload()
    expect(cell(page, offer, "views")).to_have_text("1")
    expect(cell(page, offer, "clicks")).to_have_text("1")
    expect(cell(page, offer, "reference")).to_have_text(reference)
    assert_admin_accessible(page, "My offers")
    admin_shot(shot, page, "my-offers-counted")

    # Delete, after its confirmation: kept in the list, as deleted.
    confirm_delete(page, offer, shot)
    expect(page).to_have_url(re.compile(r"/admin/offers/"))
    expect_message(
        page,
        f"The offer “{TITLE}” has been deleted.",
        f"L'offre « {TITLE} » a été supprimée.",
    )
    expect(state_of(page, offer)).to_have_text(either("deleted", "supprimée"))
    assert public_status(page, offer.url) == 404
    admin_shot(shot, page, "my-offers-deleted")

    # A keyword that no offer has: the guide's alert.
    panel = open_filter(page, "keywords")
    panel.locator("input[name=keywords]").fill(NO_MATCH)
    expect(page).to_have_url(re.compile(rf"keywords={NO_MATCH}"))
    close_filters(page)
    alert = page.locator(".offer-empty[role=alert]")
    expect(alert).to_have_text(
        either(
            "No offer matches your criteria.",
            "Aucune offre ne correspond à vos critères",
        )
    )
    expect(page.locator("table.offer-listing tbody tr")).to_have_count(0)
    assert_admin_accessible(page, "My offers, nothing matches")
    admin_shot(shot, page, "my-offers-empty")


def test_moderated_partner_offer_waits_for_an_editor(
    e2e_site, make_partner, make_offer, editor, new_context, live_server, settings
):
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    shot = Screenshots("offers-moderated")
    partner = publish_partner(make_partner, "Acme")
    partner.moderated = True
    partner.save()
    apply_moderation(partner)
    title = "Chargée de projets agricoles"

    page = new_context().new_page()
    login(page, live_server.url, "contact@acme.test", PASSWORD)
    sidebar_post_an_offer(page)
    fill_required(page, title, timezone.localdate() + timedelta(days=10))
    # No "Publier" here: Wagtail's "Submit" to the editors is the main button.
    footer = page.locator("footer")
    expect(footer.locator("button[name=action-publish]")).to_have_count(0)
    submit = footer.get_by_role("button", name=either("Submit to", "Soumettre à"))
    expect(submit).to_be_visible()
    expect(submit).to_have_attribute("name", "action-submit")
    admin_shot(shot, page, "form")
    submit.click()
    expect(page).to_have_url(re.compile(r"/admin/offers/$"))
    expect_message(
        page,
        f"Your offer “{title}” has been saved; it is pending until an editor "
        "validates it.",
        f"Votre offre « {title} » a bien été enregistrée",
    )
    offer = OfferPage.objects.get(title=title, locale__language_code="fr")
    assert not offer.live
    expect(state_of(page, offer)).to_have_text(either("pending", "en attente"))
    admin_shot(shot, page, "pending")
    assert public_status(page, offer.url) == 404

    # The editor approves it from the dashboard's list of pages to review.
    reviewer = new_context().new_page()
    login(reviewer, live_server.url, editor.email, PASSWORD)
    awaiting = reviewer.locator("table.listing--dashboard tbody tr").filter(
        has_text=title
    )
    expect(awaiting).to_be_visible()
    shot(reviewer, "editor-dashboard")
    awaiting.locator(".w-dropdown__toggle").click()
    with reviewer.expect_navigation():
        awaiting.get_by_role(
            "button", name=re.compile(r"^\s*(Approve|Approuver)\s*$")
        ).click()
    expect(
        reviewer.locator("table.listing--dashboard tbody tr").filter(has_text=title)
    ).to_have_count(0)
    shot(reviewer, "editor-approved")

    # The partner sees it validated, and it is on the job board.
    page.reload()
    expect(state_of(page, offer)).to_have_text(either("validated", "validée"))
    admin_shot(shot, page, "validated")
    offer.refresh_from_db()
    assert offer.live
    page.goto("/offres/")
    expect(page.locator(".offer-cards .card-title a")).to_have_text([title])
    shot(page, "on-the-board")
