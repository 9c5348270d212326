"""The alumnus's profile page: edit everything, bad input refused, privacy kept.

Issue 5, build item 1: identity, photo (checked like logos), studies, work,
skills, languages, a sanitised bio, what members may see, and consent to
partners' mailings recorded with its date. ``search_text`` (what quick search
reads) never holds a hidden field.
"""

from __future__ import annotations

import io
import re

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.models import Locale

from alumni_partner.forms.alumni import ProfileForm, parse_skills
from alumni_partner.models import AlumniProfile, Degree, Sector
from alumni_partner.models.alumni import normalize

pytestmark = pytest.mark.django_db


PROFILE_URL = "/accounts/profile/"


def png(size=(60, 60), colour=(0, 59, 128)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def noisy_png(min_bytes: int) -> bytes:
    """A real PNG bigger than ``min_bytes`` (random pixels do not compress)."""
    import os

    side = 300
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        if buffer.tell() > min_bytes:
            return buffer.getvalue()
        side += 100


def form_data(profile: AlumniProfile, **changes) -> dict:
    """What the page posts for ``profile`` unchanged, with ``changes``."""
    form = ProfileForm(instance=profile)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "photo":
            continue
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        if value is None:
            value = ""
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    return data


@pytest.fixture
def member(client, profile):
    client.force_login(profile.user)
    return client


@pytest.fixture
def sector(site_tree):
    return Sector.objects.create(name="Énergie", locale=Locale.get_default())


def html_of(response) -> str:
    return response.content.decode()


def save(member, profile, files=None, **changes):
    data = form_data(profile, **changes)
    if files:
        data.update(files)
    return member.post(PROFILE_URL, data)


# --- Access ------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client, site_tree):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/accounts/profile/" in response.url.replace("%2F", "/")


def test_a_member_without_profile_gets_one(client, site_tree, alumnus):
    client.force_login(alumnus)
    assert client.get(PROFILE_URL).status_code == 200
    assert AlumniProfile.objects.filter(user=alumnus).exists()


def test_a_partner_user_gets_a_clear_page_and_no_profile(client, partner_user):
    client.force_login(partner_user)
    for url in (PROFILE_URL, reverse("alumni_partner:profile_photo")):
        response = client.get(url)
        assert response.status_code == 404
    response = client.get(PROFILE_URL)
    assert reverse("wagtailadmin_home") in html_of(response)
    assert not AlumniProfile.objects.filter(user=partner_user).exists()


def test_the_page_labels_every_field_and_groups_what_members_may_see(member, site_tree):
    html = html_of(member.get(PROFILE_URL))
    form = ProfileForm(instance=AlumniProfile.objects.get())
    for name in form.fields:
        if name == "remove_photo":
            continue  # only offered when there is a photo
        if name == "languages":
            assert re.search(r"<legend[^>]*>[^<]*(Languages I speak|Langues)", html)
        else:
            assert f'<label for="id_{name}"' in html, name
    visibility = html[html.index('class="visibility"') :]
    visibility = visibility[: visibility.index("</fieldset>")]
    for flag in AlumniProfile.MEMBER_FIELDS.values():
        assert f'name="{flag}"' in visibility
    assert re.search(r"(What members may see|Ce que les membres)", visibility)
    # Consent to mailings is unticked until given.
    assert re.search(
        r'<input type="checkbox" name="accepts_partner_mailings"[^>]*>', html
    )
    assert not re.search(r'name="accepts_partner_mailings"[^>]*checked', html)


# --- Happy path ----------------------------------------------------------------


def test_member_edits_the_whole_profile(member, profile, sector):
    response = save(
        member,
        profile,
        first_name="Aminata",
        last_name="Diallo-Sy",
        country="SN",
        city="Dakar",
        institution="Sciences Po",
        field_of_study="Relations internationales",
        degree=Degree.MASTER,
        graduation_year="2016",
        employer="Orange",
        job_title="Cheffe de projet",
        sector=sector.pk,
        skills="Python, data science,  gestion de projet , python",
        languages=["fr", "wo", "en"],
        bio="<p>Bonjour <strong>à tous</strong></p>",
        show_employer=False,
        accepts_partner_contact=True,
        accepts_partner_mailings=True,
    )
    assert response.status_code == 303
    assert response.url == PROFILE_URL
    profile.refresh_from_db()
    user = profile.user
    assert (user.first_name, user.last_name) == ("Aminata", "Diallo-Sy")
    assert profile.country.code == "SN" and profile.city == "Dakar"
    assert profile.institution == "Sciences Po"
    assert profile.degree == "master" and profile.graduation_year == 2016
    assert profile.employer == "Orange" and not profile.show_employer
    assert profile.sector == sector
    assert sorted(t.name for t in profile.skills.all()) == [
        "Python",
        "data science",
        "gestion de projet",
    ]
    assert sorted(profile.language_codes()) == ["en", "fr", "wo"]
    assert profile.bio == "<p>Bonjour <strong>à tous</strong></p>"
    assert profile.accepts_partner_contact and profile.accepts_partner_mailings
    assert profile.mailing_consent_at is not None
    # search_text was rebuilt with the new skills, without the hidden employer.
    assert "data science" in profile.search_text
    assert "gestion de projet" in profile.search_text
    assert "orange" not in profile.search_text
    assert "aminata" in profile.search_text

    page = html_of(member.get(PROFILE_URL))
    assert re.search(r"(Your profile has been saved|Votre profil)", page)
    assert 'value="Python, data science, gestion de projet"' in page
    assert re.search(r"(Consent given on|Consentement donné le)", page)


def test_consent_keeps_its_first_date_and_withdrawal_clears_it(member, profile):
    save(member, profile, accepts_partner_mailings=True)
    profile.refresh_from_db()
    given = profile.mailing_consent_at
    assert given is not None and given <= timezone.now()
    save(member, profile, accepts_partner_mailings=True, city="Lyon")
    profile.refresh_from_db()
    assert profile.mailing_consent_at == given
    save(member, profile, accepts_partner_mailings=False)
    profile.refresh_from_db()
    assert not profile.accepts_partner_mailings
    assert profile.mailing_consent_at is None


def test_unlisting_and_hiding_fields(member, profile):
    assert profile in AlumniProfile.objects.listed()
    save(member, profile, listed=False, show_city=False, city="Rabat")
    profile.refresh_from_db()
    assert not profile.listed and not profile.show_city
    assert profile not in AlumniProfile.objects.listed()
    assert profile.visible("city") is None


def test_sectors_are_labelled_in_the_visitors_language(member, profile, sector):
    english = sector.copy_for_translation(Locale.objects.get(language_code="en"))
    english.name = "Energy"
    english.save()
    assert "Energy" in html_of(member.get("/en/accounts/profile/"))
    html = html_of(member.get(PROFILE_URL))
    assert "Énergie" in html and "Energy" not in html


# --- The photo ----------------------------------------------------------------


def test_photo_is_stored_under_a_random_name_and_served_to_its_owner(
    member, profile, client
):
    response = save(
        member,
        profile,
        files={"photo": SimpleUploadedFile("moi.png", png(), "image/png")},
    )
    assert response.status_code == 303
    profile.refresh_from_db()
    name = profile.photo.name
    assert name.startswith("alumni/photos/") and name.endswith(".png")
    assert "moi" not in name
    assert profile.photo.storage.exists(name)

    served = member.get(reverse("alumni_partner:profile_photo"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png()
    assert "private" in served["Cache-Control"]


def test_replacing_then_removing_the_photo_deletes_the_files(
    member, profile, django_capture_on_commit_callbacks
):
    save(
        member,
        profile,
        files={"photo": SimpleUploadedFile("a.png", png(), "image/png")},
    )
    profile.refresh_from_db()
    first = profile.photo.name
    storage = profile.photo.storage
    with django_capture_on_commit_callbacks(execute=True):
        save(
            member,
            profile,
            files={"photo": SimpleUploadedFile("b.gif", gif(), "image/gif")},
        )
    profile.refresh_from_db()
    second = profile.photo.name
    assert second != first and second.endswith(".gif")
    assert not storage.exists(first) and storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        save(member, profile, remove_photo=True)
    profile.refresh_from_db()
    assert not profile.photo
    assert not storage.exists(second)
    assert member.get(reverse("alumni_partner:profile_photo")).status_code == 404


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, "GIF")
    return buffer.getvalue()


def test_another_member_cannot_see_a_photo_through_the_owner_url(
    client, profile, make_alumnus, member
):
    save(
        member,
        profile,
        files={"photo": SimpleUploadedFile("a.png", png(), "image/png")},
    )
    other = make_alumnus(first_name="Other")
    client.force_login(other.user)
    # The URL names no profile: each member only ever gets their own (none here).
    assert client.get(reverse("alumni_partner:profile_photo")).status_code == 404
    client.logout()
    response = client.get(reverse("alumni_partner:profile_photo"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            lambda: SimpleUploadedFile("big.png", noisy_png(205 * 1024), "image/png"),
            r"(must not exceed|ne doit pas dépasser|200)",
        ),
        (
            lambda: SimpleUploadedFile("fake.png", b"GIF? no, a text file " * 20),
            r"(not an image|pas une image)",
        ),
        (
            lambda: SimpleUploadedFile("page.svg", b"<svg onload=alert(1)></svg>"),
            r"(not allowed|accepté)",
        ),
        (
            lambda: SimpleUploadedFile("cut.png", png()[:80], "image/png"),
            r"(damaged|endommagée|incomplete|incomplète)",
        ),
    ],
    ids=["oversized", "fake-image", "svg", "truncated"],
)
def test_a_refused_photo_gives_a_field_error_and_stores_nothing(
    member, profile, upload, message
):
    storage = AlumniProfile._meta.get_field("photo").storage
    before = (
        storage.listdir("alumni/photos")[1] if storage.exists("alumni/photos") else []
    )
    response = save(member, profile, files={"photo": upload()}, city="Tunis")
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="id_photo_error"' in html
    assert re.search(message, html, re.IGNORECASE), html[
        html.index("id_photo_error") :
    ][:400]
    assert 'aria-describedby="id_photo_helptext id_photo_error"' in html
    # What was typed is kept; nothing was saved or stored.
    assert 'value="Tunis"' in html
    profile.refresh_from_db()
    assert not profile.photo and profile.city == ""
    after = (
        storage.listdir("alumni/photos")[1] if storage.exists("alumni/photos") else []
    )
    assert sorted(after) == sorted(before)


# --- Bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    "year, message",
    [
        ("abc", r"(Enter a year|Saisissez une année)"),
        ("3000", r"(between 1950 and|entre 1950 et)"),
        ("1949", r"(between 1950 and|entre 1950 et)"),
        ("-5", r"(between 1950 and|entre 1950 et)"),
        ("9" * 5000, r"(Enter a year|Saisissez une année)"),
    ],
    ids=["letters", "3000", "1949", "negative", "huge"],
)
def test_graduation_year_out_of_range_is_refused_clearly(
    member, profile, year, message
):
    response = save(member, profile, graduation_year=year, city="Hanoï")
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="id_graduation_year_error"' in html
    assert re.search(message, html)
    assert 'value="Hanoï"' in html
    profile.refresh_from_db()
    assert profile.graduation_year is None and profile.city == ""


def test_next_years_graduates_are_welcome(member, profile):
    year = timezone.now().year + 6
    assert save(member, profile, graduation_year=str(year)).status_code == 303
    profile.refresh_from_db()
    assert profile.graduation_year == year


@pytest.mark.parametrize(
    "field",
    [
        "first_name",
        "last_name",
        "city",
        "institution",
        "employer",
        "job_title",
        "bio",
        "skills",
    ],
)
def test_ten_thousand_characters_are_refused_on_every_text_field(
    member, profile, field
):
    response = save(member, profile, **{field: "x" * 10_000})
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html_of(response)
    profile.refresh_from_db()
    assert getattr(profile, field, "") != "x" * 10_000


def test_a_skill_longer_than_a_tag_or_too_many_skills_are_refused(member, profile):
    response = save(member, profile, skills="ok, " + "y" * 101)
    assert 'id="id_skills_error"' in html_of(response)
    response = save(member, profile, skills=", ".join(f"s{i}" for i in range(31)))
    assert 'id="id_skills_error"' in html_of(response)
    assert profile.skills.count() == 0


def test_unknown_choices_are_refused(member, profile):
    response = save(
        member, profile, country="XX", degree="wizard", languages=["fr", "klingon"]
    )
    html = html_of(response)
    for name in ("country", "degree", "languages"):
        assert f'id="id_{name}_error"' in html
    profile.refresh_from_db()
    assert not profile.country and not profile.degree
    assert profile.language_codes() == []


def test_names_are_required(member, profile):
    response = save(member, profile, first_name="   ")
    assert 'id="id_first_name_error"' in html_of(response)
    profile.user.refresh_from_db()
    assert profile.user.first_name == "Amina"


def test_hostile_bio_is_sanitised_and_never_runs(member, profile):
    hostile = (
        "<p>Salut</p><script>alert('xss')</script>"
        '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">lien</a>'
        "<iframe src=//evil.example></iframe>"
    )
    assert save(member, profile, bio=hostile).status_code == 303
    profile.refresh_from_db()
    assert "<p>Salut</p>" in profile.bio
    for bad in ("<script", "onerror", "javascript:", "<iframe", "<img"):
        assert bad not in profile.bio
    html = html_of(member.get(PROFILE_URL))
    assert "<script>alert" not in html
    assert "onerror=" not in html


def test_hostile_text_fields_are_escaped_on_the_page(member, profile):
    script = "<script>alert('x')</script>"
    save(member, profile, city=script, first_name=script)
    html = html_of(member.get(PROFILE_URL))
    assert script not in html
    assert "&lt;script&gt;" in html


def test_control_characters_are_dropped_and_nul_refused(member, profile):
    assert save(member, profile, city="Da\x07kar\x1b").status_code == 303
    profile.refresh_from_db()
    assert profile.city == "Dakar"
    response = save(member, profile, city="Da\x00kar")
    assert 'id="id_city_error"' in html_of(response)


def test_get_and_post_only(member):
    assert member.put(PROFILE_URL).status_code == 405


def test_csrf_is_enforced(profile):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(profile.user)
    response = client.post(PROFILE_URL, form_data(profile, city="Paris"))
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.city == ""


# --- search_text, without HTTP ----------------------------------------------------


def test_build_search_text_holds_names_and_visible_fields_only():
    user = get_user_model()(first_name="Élodie", last_name="N'Diaye")
    profile = AlumniProfile(
        user=user,
        employer="Société Secrète",
        institution="École Polytechnique",
        job_title="Ingénieure",
        field_of_study="Mécanique",
        show_employer=False,
    )
    text = profile.build_search_text(skill_names=["Rust", "Télécoms"])
    assert text == normalize(
        "Élodie N'Diaye École Polytechnique Ingénieure Mécanique Rust Télécoms"
    )
    assert "secrete" not in text and "societe" not in text
    profile.show_skills = False
    assert "rust" not in profile.build_search_text(skill_names=["Rust"])


def test_search_text_after_hiding_the_employer_through_the_page(member, profile):
    save(member, profile, employer="Banque Hidden", show_employer=True)
    profile.refresh_from_db()
    assert "banque hidden" in profile.search_text
    save(member, profile, employer="Banque Hidden", show_employer=False)
    profile.refresh_from_db()
    assert "hidden" not in profile.search_text
    assert not AlumniProfile.objects.filter(search_text__contains="hidden").exists()


def test_parse_skills_splits_on_commas_only():
    assert parse_skills(" data  science, Python,python ,, FLE ") == [
        "data science",
        "Python",
        "FLE",
    ]
    assert parse_skills("") == []
