"""Chapter 5 of the user guide, "Annuaire des alumni", in a real browser (issue 5).

An alumna signs up on the public site (django-allauth), opens the link of the
confirmation e-mail and confirms, fills her profile, hides her employer,
consents to partners' mailings and contact, and follows a partner from its
page. The partner's user then opens the directory from the menu
(Communautés > Adhérer > L'annuaire), searches her quickly by name (her
hidden employer is neither shown nor searchable), runs an advanced search
(country + degree) with "Afficher les profils", opens her profile by
clicking the name, clicks the envelope (a new message to her, "Mes
messages"), saves the results as a recipient list ("Saisissez le nom de votre
liste"), and finds the list in the admin. axe-core audits every public screen
(also the directory in Arabic, right to left); screenshots go to
tests/e2e/screenshots/directory-*.png.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from alumni_partner.models import AlumniProfile, RecipientList, Sector

from .helpers import Screenshots, assert_accessible, either, login
from .test_partner_journey import publish_partner

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "nadia.benali@alumni.test"
PASSWORD = "Sel-de-Guérande-2026"
EMPLOYER = "Cosmodyne Maroc"


def sign_up_and_confirm(page: Page, base_url: str, shot: Screenshots) -> None:
    page.goto(f"{base_url}/")
    page.get_by_role(
        "link", name=either("S’inscrire", "S'inscrire", "Sign up")
    ).first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    page.fill("#id_first_name", "Nadia")
    page.fill("#id_last_name", "Benali")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    assert_accessible(page, "the sign-up form")
    shot(page, "signup")
    mail.outbox.clear()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(
        either("Vérifiez votre adresse", "Verify your email", "vérification")
    )
    assert_accessible(page, "the 'check your e-mail' page")
    shot(page, "verification-sent")

    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = re.sub(r"^https?://[^/]+", "", link.group(0))
    page.goto(f"{base_url}{path}")
    assert_accessible(page, "the confirmation page")
    shot(page, "confirm")
    page.locator("main form button[type=submit]").click()
    # Confirming logs her in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    expect(page.locator(".account")).to_contain_text("Nadia")


def fill_profile(page: Page, base_url: str, shot: Screenshots) -> None:
    page.goto(f"{base_url}/accounts/profile/")
    page.select_option("#id_country", "MA")
    page.fill("#id_city", "Casablanca")
    page.fill("#id_institution", "Université de Bordeaux")
    page.fill("#id_field_of_study", "Génie des procédés")
    page.select_option("#id_degree", "master")
    page.fill("#id_graduation_year", "2018")
    page.fill("#id_employer", EMPLOYER)
    page.fill("#id_job_title", "Ingénieure procédés")
    page.fill("#id_skills", "Chimie verte, Gestion de projet")
    page.uncheck("#id_show_employer")
    page.check("#id_accepts_partner_contact")
    page.check("#id_accepts_partner_mailings")
    assert_accessible(page, "the profile form")
    page.get_by_role(
        "button", name=either("Enregistrer mon profil", "Save my profile")
    ).click()
    expect(page.locator(".message").first).to_be_visible()
    expect(page.locator("#id_show_employer")).not_to_be_checked()
    shot(page, "profile")
    profile = AlumniProfile.objects.get(user__email=EMAIL)
    assert profile.employer == EMPLOYER and not profile.show_employer
    assert profile.accepts_partner_mailings and profile.mailing_consent_at
    assert "cosmodyne" not in profile.search_text


def follow(page: Page, partner_url: str, shot: Screenshots) -> None:
    page.goto(partner_url)
    button = page.locator("#follow button[type=submit]")
    expect(button).to_contain_text(either("Suivre", "Follow"))
    button.click()
    expect(page.locator("#follow")).to_contain_text(either("Vous suivez", "You follow"))
    assert_accessible(page, "the partner page with the follow button")
    shot(page, "followed")


def test_an_alumna_joins_and_a_partner_finds_her_in_the_directory(
    e2e_site, live_server, new_context, make_partner, make_alumnus
):
    shot = Screenshots("directory")
    base = live_server.url
    sector = Sector.objects.create(name="Chimie", locale=e2e_site.locale)
    partner = publish_partner(make_partner, "Chimie Atlas", sector=sector, country="MA")
    partner_url = partner.page.get_url(None)
    # Someone else in the directory, so that the searches have to choose.
    make_alumnus("Omar", "Tazi", country="MA", degree="licence", employer=EMPLOYER)

    alumna = new_context().new_page()
    sign_up_and_confirm(alumna, base, shot)
    fill_profile(alumna, base, shot)
    follow(alumna, f"{base}{partner_url}", shot)
    assert partner.followers.filter(user__email=EMAIL).exists()

    # The partner's user, logged in through the admin, opens the directory
    # from the site's menu.
    staff = new_context().new_page()
    login(staff, base, partner.members.get().email, "correct-horse-battery-staple")
    staff.goto(f"{base}/")
    staff.locator("summary", has_text=either("Communautés", "Communities")).click()
    staff.locator("nav .submenu").get_by_role(
        "link", name=either("L'annuaire", "The directory")
    ).click()
    expect(staff).to_have_url(re.compile(r"/annuaire/$"))
    assert_accessible(staff, "the directory's landing page")
    shot(staff, "landing")

    # Quick search by name; the hidden employer is neither shown nor found.
    staff.fill("#id_q", "benali")
    staff.keyboard.press("Enter")
    results = staff.locator(".directory-cards > li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Nadia Benali")
    expect(results.first).not_to_contain_text(EMPLOYER)
    shot(staff, "quick-search")
    staff.fill("#id_q", "cosmodyne")
    staff.keyboard.press("Enter")
    expect(results).to_have_count(1)  # only Omar, who shows his employer
    expect(results.first).to_contain_text("Omar Tazi")

    # Advanced search: Morocco + master, "Afficher les profils".
    staff.fill("#id_q", "")
    staff.select_option("#id_country", "MA")
    staff.locator("#directory-search").get_by_label(
        either("Master", "Master")
    ).first.check()
    staff.get_by_role(
        "button", name=either("Afficher les profils", "Show profiles")
    ).click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Nadia Benali")
    expect(staff.locator("#results-heading")).to_contain_text("1")
    assert_accessible(staff, "the directory's results")
    shot(staff, "advanced-search")

    # The profile opens by clicking the name; the employer stays hidden.
    results.first.get_by_role("link", name="Nadia Benali", exact=True).click()
    expect(staff.locator("h1")).to_contain_text("Nadia Benali")
    expect(staff.locator("main")).to_contain_text("Casablanca")
    expect(staff.locator("main")).not_to_contain_text(EMPLOYER)
    assert_accessible(staff, "a profile page")
    shot(staff, "profile-page")
    staff.go_back()

    # The envelope opens the compose page of that alumna.
    results.first.get_by_role(
        "link", name=either("Envoyer un message à Nadia", "Send a message to Nadia")
    ).click()
    expect(staff).to_have_url(re.compile(r"/messages/new/[0-9a-f-]+/$"))
    expect(staff.locator("main")).to_contain_text("Nadia Benali")
    assert_accessible(staff, "the compose page")
    shot(staff, "compose")
    staff.go_back()

    # Save the results as a recipient list ("Saisissez le nom de votre liste").
    staff.get_by_label(
        either("Saisissez le nom de votre liste", "Enter the name of your list")
    ).fill("Ingénieures au Maroc")
    staff.get_by_role(
        "button", name=either("Enregistrer la liste", "Save the list")
    ).click()
    expect(staff.locator(".message").first).to_contain_text("Ingénieures au Maroc")
    shot(staff, "list-saved")
    saved = RecipientList.objects.get(partner=partner, name="Ingénieures au Maroc")
    assert list(saved.members.values_list("user__email", flat=True)) == [EMAIL]

    # The list in the partner space.
    staff.goto(f"{base}/admin/")
    staff.goto(f"{base}/admin/recipient-lists/")
    expect(staff.locator("main")).to_contain_text("Ingénieures au Maroc")
    shot(staff, "admin-lists", scroller="main")

    # Right to left under /ar/.
    staff.goto(f"{base}/ar/annuaire/?q=benali")
    expect(staff.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(staff, "the directory in Arabic")
    shot(staff, "arabic")
