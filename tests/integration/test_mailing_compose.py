"""'Créer un mailing' (guide 6): the form, its sources, files, preview and edit.

A partner composes a mailing as the guide describes it: the alumni following
its page by default, plus typed addresses, a recipient file and saved lists;
a sender, a subject, a rich-text message with merge fields, attachments and
a deferred date. "Visualiser" shows the mail and saves nothing. Bad input is a
clear error on its field and nothing is stored; editing asks for the file
again (guide 6's "Remarque") and sends a validated mailing back to the editors.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import rich_text

from alumni_partner.mailing import lifecycle
from alumni_partner.mailing_admin.attachments import check_attachment
from alumni_partner.mailing_admin.forms import FormToken
from alumni_partner.models import (
    Mailing,
    MailingAttachment,
    MailingRecipient,
    MailingStatus,
    MailingUnsubscribe,
    PartnerFollow,
    RecipientList,
    RecipientListMember,
)
from alumni_partner.models.mailings import MAILING_FEATURES, RecipientSource
from alumni_partner.uploads import UploadRejected

pytestmark = pytest.mark.django_db

NS = "alumni_partner_mailings"
SAVED = re.compile(r"saved|enregistr", re.I)
UNSUBSCRIBED = re.compile(r"unsubscribed|désinscri|desinscri", re.I)
NOT_VALID = re.compile(r"not (a )?valid|invalide|non valide", re.I)
AGAIN = re.compile(r"again|nouveau|réimport", re.I)
ALREADY = re.compile(r"already|déjà", re.I)
PAST = re.compile(r"passed|future|passée|futur", re.I)
CHOOSE_FILES_AGAIN = re.compile(
    r"choose the recipient file and the attachments again|de nouveau", re.I
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def url(name: str, *args) -> str:
    return reverse(f"{NS}:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def png_bytes(size=(20, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def private_files() -> list[str]:
    root = settings.ALUMNI_PARTNER_PRIVATE_ROOT
    found = []
    for folder, _dirs, files in os.walk(os.path.join(root, "mailings")):
        found += [os.path.join(folder, f) for f in files]
    return found


def consenting(make_alumnus, first, last, email=None, **fields):
    profile = make_alumnus(first, last, email=email, **fields)
    profile.set_mailing_consent(True)
    profile.save()
    return profile


def form_data(**overrides) -> dict:
    """What the browser posts for a valid mailing (a fresh form token each time)."""
    data = {
        "form_token": FormToken.new(),
        "include_followers": "on",
        "extra_addresses": "",
        "sender_name": "Acme RH",
        "sender_email": "rh@acme.test",
        "subject": "Forum emploi {first_name}",
        "body": rich_text(
            "<p>Bonjour {first_name} {last_name}, venez au forum.</p>",
            features=MAILING_FEATURES,
        ),
        "scheduled_at": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def audience(partner, other_partner, make_alumnus):
    """Followers (two consenting, one not), a saved list, an unsubscribed address."""
    amina = consenting(make_alumnus, "Amina", "Diallo", email="amina@alumni.test")
    bob = consenting(make_alumnus, "Bob", "Martin", email="bob@alumni.test")
    shy = make_alumnus("Shy", "NoConsent", email="shy@alumni.test")
    carla = consenting(make_alumnus, "Carla", "Listed", email="carla@alumni.test")
    for profile in (amina, bob, shy):
        PartnerFollow.objects.create(profile=profile, partner=partner)
    ours = RecipientList.objects.create(partner=partner, name="Ingénieurs")
    for profile in (carla, amina):
        RecipientListMember.objects.create(recipient_list=ours, profile=profile)
    theirs = RecipientList.objects.create(partner=other_partner, name="GLOBEX-LIST")
    RecipientListMember.objects.create(recipient_list=theirs, profile=carla)
    MailingUnsubscribe.objects.create(partner=partner, email="gone@example.org")
    return {"ours": ours, "theirs": theirs, "shy": shy}


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------


def test_form_offers_the_guides_fields_with_sensible_defaults(
    partner_client, partner, partner_user, audience
):
    response = partner_client.get(url("create"))
    assert response.status_code == 200
    body = response.content.decode()
    form = response.context["form"]
    # A partner user with one partner never chooses a partner.
    assert "partner" not in form.fields
    assert form["sender_name"].value() == partner.name
    assert form["sender_email"].value() == partner_user.email
    assert form["include_followers"].value() is True
    # Two followers consent (the third did not): the count says so.
    assert "2 alumni follow your page" in body or "2 alumni" in body
    # Only the partner's own lists are offered.
    assert "Ingénieurs" in body and "GLOBEX-LIST" not in body
    # Recipient sources grouped in a fieldset; Draftail for the message;
    # several attachments; Wagtail's date picker; "Visualiser" in a new tab.
    assert "<fieldset" in body and "<legend" in body
    assert "data-draftail-input" in body
    assert re.search(r'<input[^>]+name="attachments"[^>]+multiple', body)
    assert re.search(
        r'formaction="/admin/mailings/preview/"[^>]*formtarget="_blank"', body
    )
    assert 'name="form_token"' in body


def test_create_with_every_source_merges_and_counts(
    partner_client, partner, partner_user, audience
):
    csv = (
        "Nom;Prénom;E-mail\n"
        "Dupré;Hélène;helene@example.org\n"
        "Martin;Bob;BOB@alumni.test\n"  # also a follower: merged
        "Shy;NoConsent;shy@alumni.test\n"  # no consent: left out
        ";;pas-une-adresse\n"
        "\n"
    ).encode("latin-1")
    data = form_data(
        extra_addresses=(
            "partner.contact@example.org; Jean Dupont <jean@example.org>\n"
            "gone@example.org, amina@alumni.test, invalid@@address"
        ),
        recipient_lists=[str(audience["ours"].pk)],
        recipient_file=upload("liste.csv", csv, "text/csv"),
    )
    response = partner_client.post(url("create"), data, follow=True)
    assert response.status_code == 200
    mailing = Mailing.objects.get()
    assert mailing.partner == partner
    assert mailing.created_by == partner_user
    assert mailing.status == MailingStatus.DRAFT

    rows = {r.email: r for r in MailingRecipient.objects.filter(mailing=mailing)}
    assert set(rows) == {
        "amina@alumni.test",
        "bob@alumni.test",
        "carla@alumni.test",
        "partner.contact@example.org",
        "jean@example.org",
        "helene@example.org",
    }
    assert rows["amina@alumni.test"].source == RecipientSource.FOLLOWER
    assert rows["carla@alumni.test"].source == RecipientSource.LIST
    assert rows["jean@example.org"].source == RecipientSource.EXTRA
    assert rows["helene@example.org"].source == RecipientSource.FILE
    assert rows["helene@example.org"].first_name == "Hélène"
    assert mailing.recipient_count == 6
    # Unsubscribed (typed) and the non-consenting alumnus (file) were removed.
    assert mailing.removed_count == 2
    assert set(mailing.invalid_addresses) >= {"invalid@@address", "pas-une-adresse"}
    assert mailing.file_name == "liste.csv"
    assert mailing.file_addresses

    notes = " ".join(messages_of(response))
    assert SAVED.search(notes) and "6" in notes
    assert UNSUBSCRIBED.search(notes)
    assert NOT_VALID.search(notes) and "invalid@@address" in notes
    assert response.redirect_chain[-1][0] == url("pending")
    assert ModelLogEntry.objects.filter(
        object_id=str(mailing.pk), action="alumni_partner.mailing.created"
    ).exists()


def test_a_mailing_without_recipients_is_saved_with_a_warning(partner_client):
    response = partner_client.post(
        url("create"), form_data(include_followers=None), follow=True
    )
    mailing = Mailing.objects.get()
    assert mailing.recipient_count == 0
    assert any(
        re.search(r"no recipients|aucun destinataire", m, re.I)
        for m in messages_of(response)
    )


def test_another_partners_list_is_a_form_error(partner_client, audience):
    response = partner_client.post(
        url("create"),
        form_data(recipient_lists=[str(audience["theirs"].pk)]),
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("recipient_lists")
    assert not Mailing.objects.exists()


def test_unreadable_recipient_file_is_refused_and_keeps_the_rest(partner_client):
    data = form_data(
        subject="Ce sujet reste",
        recipient_file=upload("photo.csv", png_bytes(), "text/csv"),
    )
    response = partner_client.post(url("create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("recipient_file")
    # The rest of the form is kept; the files must be chosen again, and it says so.
    assert form["subject"].value() == "Ce sujet reste"
    assert CHOOSE_FILES_AGAIN.search(response.content.decode())
    assert not Mailing.objects.exists()


def test_subject_and_sender_are_kept_on_one_line(partner_client):
    partner_client.post(
        url("create"),
        form_data(
            subject="Forum\r\nBcc: victim@example.org",
            sender_name="Acme\nX-Evil: 1",
        ),
    )
    mailing = Mailing.objects.get()
    assert "\n" not in mailing.subject and "\r" not in mailing.subject
    assert mailing.subject == "Forum Bcc: victim@example.org"
    assert mailing.sender_name == "Acme X-Evil: 1"


def test_sender_email_with_a_line_break_is_refused(partner_client):
    response = partner_client.post(
        url("create"), form_data(sender_email="rh@acme.test\r\nBcc: x@evil.test")
    )
    assert response.context["form"].has_error("sender_email")
    assert not Mailing.objects.exists()


HOSTILE = (
    '<script>alert("x")</script><p onclick="steal()">Bonjour '
    '<a href="javascript:alert(1)">clic</a> <img src=x onerror=alert(1)>'
    '<style>body{display:none}</style><iframe src="https://evil.test"></iframe>'
    '<a href="https://ok.example.org/">lien</a></p>'
)
#: What a crafted client may post as Draftail's own state.
HOSTILE_STATE = json.dumps(
    {
        "blocks": [
            {
                "key": "a1",
                "type": "unstyled",
                "depth": 0,
                "text": "Bonjour <script>alert(1)</script> clic lien",
                "inlineStyleRanges": [],
                "entityRanges": [
                    {"offset": 34, "length": 4, "key": 0},
                    {"offset": 39, "length": 4, "key": 1},
                ],
            },
            {
                "key": "a2",
                "type": "atomic",
                "depth": 0,
                "text": " ",
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 1, "key": 2}],
            },
        ],
        "entityMap": {
            "0": {
                "type": "LINK",
                "mutability": "MUTABLE",
                "data": {"url": "javascript:alert(1)"},
            },
            "1": {
                "type": "LINK",
                "mutability": "MUTABLE",
                "data": {"url": "https://ok.example.org/"},
            },
            "2": {
                "type": "IMAGE",
                "mutability": "IMMUTABLE",
                "data": {"src": "x", "alt": "x", "onerror": "alert(1)"},
            },
        },
    }
)


@pytest.mark.parametrize("body", [HOSTILE, HOSTILE_STATE], ids=["html", "state"])
def test_hostile_html_in_the_message_is_not_kept(partner_client, body):
    response = partner_client.post(url("create"), form_data(body=body))
    assert response.status_code == 302
    stored = Mailing.objects.get().body
    for bad in ("<script", "onclick", "javascript:", "<img", "<style", "<iframe"):
        assert bad not in stored
    assert "onerror" not in stored
    assert "Bonjour" in stored
    assert 'href="https://ok.example.org/"' in stored


def test_deferred_date_must_be_in_the_future(partner_client):
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    response = partner_client.post(url("create"), form_data(scheduled_at=past))
    assert response.status_code == 200
    errors = response.context["form"].errors["scheduled_at"]
    assert PAST.search(" ".join(errors))
    assert not Mailing.objects.exists()

    future = timezone.localtime() + timedelta(days=3)
    partner_client.post(
        url("create"), form_data(scheduled_at=future.strftime("%Y-%m-%d %H:%M"))
    )
    assert Mailing.objects.get().scheduled_at.date() == future.date()


def test_double_post_of_the_form_creates_one_mailing(partner_client):
    data = form_data()
    first = partner_client.post(url("create"), data)
    second = partner_client.post(url("create"), data, follow=True)
    assert first.status_code == 302
    assert Mailing.objects.count() == 1
    assert any(ALREADY.search(m) for m in messages_of(second))


def test_a_form_without_its_token_is_refused(partner_client):
    response = partner_client.post(url("create"), form_data(form_token=None))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Mailing.objects.exists()


def test_a_form_sent_back_with_errors_keeps_its_token(partner_client):
    data = form_data(subject="")
    assert partner_client.post(url("create"), data).status_code == 200
    data["subject"] = "Corrigé"
    assert partner_client.post(url("create"), data).status_code == 302
    assert Mailing.objects.get().subject == "Corrigé"


# ---------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------


def test_real_pdf_and_png_are_attached_in_private_storage(
    partner_client, other_partner, client, django_capture_on_commit_callbacks
):
    data = form_data(
        attachments=[
            upload("programme.pdf", PDF, "application/pdf"),
            upload("plan.png", png_bytes(), "image/png"),
        ]
    )
    response = partner_client.post(url("create"), data)
    assert response.status_code == 302
    mailing = Mailing.objects.get()
    attachments = {a.name: a for a in mailing.attachments.all()}
    assert set(attachments) == {"programme.pdf", "plan.png"}
    assert attachments["programme.pdf"].content_type == "application/pdf"
    assert attachments["plan.png"].content_type == "image/png"
    assert attachments["programme.pdf"].size == len(PDF)
    stored = attachments["programme.pdf"].file.path
    assert stored.startswith(str(settings.ALUMNI_PARTNER_PRIVATE_ROOT))
    assert not stored.startswith(str(settings.MEDIA_ROOT))

    # Downloadable by those who may see the mailing, and them only.
    link = url("attachment", mailing.pk, attachments["programme.pdf"].pk)
    download = partner_client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(other_partner.members.get())
    assert client.get(link).status_code == 404


REFUSED_FILES = {
    "fake pdf": (
        "programme.pdf",
        EXE,
        re.compile(r"not a PDF|pas un (document )?PDF", re.I),
    ),
    "renamed exe as text": (
        "notes.txt",
        EXE,
        re.compile(r"not a text|binaire|binary", re.I),
    ),
    "renamed exe as docx": ("cv.docx", EXE, re.compile(r"not a valid|valide", re.I)),
    "program": (
        "setup.exe",
        EXE,
        re.compile(r"cannot be attached|allowed|autoris", re.I),
    ),
    "fake png": ("plan.png", PDF, re.compile(r"not an image|pas une image", re.I)),
}


@pytest.mark.parametrize("case", REFUSED_FILES, ids=list(REFUSED_FILES))
def test_files_that_are_not_what_they_claim_are_refused(partner_client, case):
    name, data, message = REFUSED_FILES[case]
    before = private_files()
    response = partner_client.post(
        url("create"),
        form_data(attachments=[upload(name, data), upload("ok.pdf", PDF)]),
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["attachments"])
    assert message.search(errors), errors
    assert name in errors
    assert not Mailing.objects.exists()
    assert not MailingAttachment.objects.exists()
    assert private_files() == before


def test_oversize_attachment_and_total_are_refused(partner_client, settings):
    before = private_files()
    settings.ALUMNI_PARTNER_MAILING_ATTACHMENT_MAX_BYTES = 1000
    settings.ALUMNI_PARTNER_MAILING_ATTACHMENTS_MAX_TOTAL_BYTES = 1500
    big = PDF[:-6] + b" " * 1200 + b"%%EOF\n"
    response = partner_client.post(
        url("create"), form_data(attachments=[upload("gros.pdf", big)])
    )
    errors = " ".join(response.context["form"].errors["attachments"])
    assert "gros.pdf" in errors and re.search(r"at most|au plus|maximum", errors)

    medium = PDF[:-6] + b" " * 700 + b"%%EOF\n"
    response = partner_client.post(
        url("create"),
        form_data(attachments=[upload("a.pdf", medium), upload("b.pdf", medium)]),
    )
    errors = " ".join(response.context["form"].errors["attachments"])
    assert re.search(r"together|au total|ensemble", errors)
    assert not Mailing.objects.exists()
    assert private_files() == before


def docx_bytes(
    main="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    extra=(),
):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        for member in extra:
            archive.writestr(member, b"\x00")
    return out.getvalue()


def odt_bytes(mimetype="application/vnd.oasis.opendocument.text"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("lettre.docx", docx_bytes(), "wordprocessingml"),
        ("compte.odt", odt_bytes(), "opendocument.text"),
        ("notes.txt", "Café à midi\n".encode("latin-1"), "text/plain"),
        ("liste.csv", "nom;mail\nÉlodie;e@x.org\n".encode(), "text/csv"),
        ("photo.jpg", png_bytes(), "image/png"),  # content wins: stored as .png
    ],
)
def test_office_documents_text_and_images_are_accepted_by_content(
    name, data, content_type
):
    checked = check_attachment(upload(name, data), max_bytes=10**6)
    assert content_type in checked.content_type


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("macro.docx", docx_bytes(extra=("word/vbaProject.bin",))),
        (
            "macro.docx",
            docx_bytes(main="application/vnd.ms-word.document.macroEnabled.main+xml"),
        ),
        ("tableur.xlsx", docx_bytes()),  # a Word package named .xlsx
        ("compte.ods", odt_bytes()),  # a text document named .ods
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 40),
    ],
)
def test_office_documents_that_are_not_what_they_claim_are_refused(name, data):
    with pytest.raises(UploadRejected):
        check_attachment(upload(name, data), max_bytes=10**6)


# ---------------------------------------------------------------------------
# "Visualiser"
# ---------------------------------------------------------------------------


def test_preview_renders_the_unsaved_form_and_saves_nothing(partner_client):
    before = private_files()
    data = form_data(
        subject="Forum {first_name}",
        sender_name="Acme RH",
        attachments=[upload("programme.pdf", PDF)],
    )
    response = partner_client.post(url("preview"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<iframe" in body and "sandbox" in body and "srcdoc=" in body
    assert "Acme RH" in body
    assert "rh@acme.test" in body  # Reply-To
    assert settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">") in body  # From
    assert "programme.pdf" in body
    assert "venez au forum" in body
    assert "no-store" in response["Cache-Control"]
    assert not Mailing.objects.exists()
    assert not MailingAttachment.objects.exists()
    assert private_files() == before
    # The token was not used: the same form can still be saved.
    data["attachments"] = [upload("programme.pdf", PDF)]
    assert partner_client.post(url("create"), data).status_code == 302
    assert Mailing.objects.count() == 1


def test_preview_of_an_invalid_form_shows_the_errors(partner_client):
    response = partner_client.post(url("preview"), form_data(subject="", body=""))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<iframe" not in response.content.decode()
    assert not Mailing.objects.exists()


def test_preview_of_a_saved_mailing(partner_client):
    partner_client.post(url("create"), form_data())
    mailing = Mailing.objects.get()
    response = partner_client.get(url("preview", mailing.pk))
    assert response.status_code == 200
    assert "srcdoc=" in response.content.decode()


def test_preview_never_runs_scripts_of_the_message(partner_client):
    response = partner_client.post(url("preview"), form_data(body=HOSTILE))
    body = response.content.decode()
    assert "<script" not in body.split("<iframe", 1)[1].split("</iframe>")[0]
    assert "javascript:" not in body


# ---------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------


def create_with_file(partner_client) -> Mailing:
    csv = b"email\nfile.one@example.org\nfile.two@example.org\n"
    partner_client.post(
        url("create"),
        form_data(
            include_followers=None,
            extra_addresses="typed@example.org",
            recipient_file=upload("fichier.csv", csv, "text/csv"),
        ),
    )
    return Mailing.objects.get()


def test_editing_asks_for_the_file_again_and_drops_it_otherwise(partner_client):
    mailing = create_with_file(partner_client)
    assert mailing.recipient_count == 3

    page = partner_client.get(url("edit", mailing.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert AGAIN.search(text) and "fichier.csv" in text
    assert page.context["form"]["extra_addresses"].value() == "typed@example.org"

    # Saved without choosing the file again: its addresses are gone.
    data = form_data(include_followers=None, extra_addresses="typed@example.org")
    partner_client.post(url("edit", mailing.pk), data)
    mailing.refresh_from_db()
    assert mailing.file_name == "" and mailing.file_addresses == []
    assert list(mailing.recipients.values_list("email", flat=True)) == [
        "typed@example.org"
    ]

    # Imported again: back in.
    data = form_data(
        include_followers=None,
        extra_addresses="typed@example.org",
        recipient_file=upload("nouveau.csv", b"email\nnew@example.org\n", "text/csv"),
    )
    partner_client.post(url("edit", mailing.pk), data)
    mailing.refresh_from_db()
    assert mailing.file_name == "nouveau.csv"
    assert set(mailing.recipients.values_list("email", flat=True)) == {
        "typed@example.org",
        "new@example.org",
    }
    assert Mailing.objects.count() == 1


def test_editing_an_approved_mailing_sends_it_back_to_validation(
    partner_client, editor
):
    mailing = create_with_file(partner_client)
    mailing.scheduled_at = timezone.now() + timedelta(days=5)
    mailing.save()
    assert lifecycle.submit(mailing, mailing.created_by)
    assert lifecycle.approve(mailing, editor)
    assert mailing.status == MailingStatus.APPROVED

    page = partner_client.get(url("edit", mailing.pk))
    assert re.search(r"validat", page.content.decode(), re.I)

    response = partner_client.post(
        url("edit", mailing.pk),
        form_data(
            subject="Corrigé",
            include_followers=None,
            extra_addresses="typed@example.org",
        ),
        follow=True,
    )
    mailing.refresh_from_db()
    assert mailing.subject == "Corrigé"
    assert mailing.status == MailingStatus.SUBMITTED
    assert mailing.reviewed_by is None
    assert any(re.search(r"validat", m, re.I) for m in messages_of(response))


def test_a_rejection_survives_an_edit_made_from_an_older_form(partner_client, editor):
    """The edit writes the content, never the status an editor just changed."""
    mailing = create_with_file(partner_client)
    lifecycle.submit(mailing, mailing.created_by)
    page = partner_client.get(url("edit", mailing.pk))
    token = page.context["form"]["form_token"].value()
    lifecycle.reject(mailing, editor, "Trop long")
    partner_client.post(
        url("edit", mailing.pk),
        form_data(form_token=token, include_followers=None, extra_addresses="a@b.org"),
    )
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.REJECTED
    assert mailing.review_comment == "Trop long"


def test_a_sent_mailing_cannot_be_edited(partner_client):
    mailing = create_with_file(partner_client)
    Mailing.objects.filter(pk=mailing.pk).update(status=MailingStatus.SENT)
    assert partner_client.get(url("edit", mailing.pk)).status_code == 302
    partner_client.post(url("edit", mailing.pk), form_data(subject="Changé"))
    mailing.refresh_from_db()
    assert mailing.subject != "Changé"


def test_editing_removes_ticked_attachments_and_their_files(
    partner_client, django_capture_on_commit_callbacks
):
    partner_client.post(
        url("create"),
        form_data(attachments=[upload("a.pdf", PDF), upload("b.png", png_bytes())]),
    )
    mailing = Mailing.objects.get()
    a = mailing.attachments.get(name="a.pdf")
    path = a.file.path
    page = partner_client.get(url("edit", mailing.pk))
    assert "a.pdf" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        partner_client.post(
            url("edit", mailing.pk),
            form_data(remove_attachments=[str(a.pk)]),
        )
    assert list(mailing.attachments.values_list("name", flat=True)) == ["b.png"]
    assert not os.path.exists(path)


# ---------------------------------------------------------------------------
# Editors and users of several partners choose the partner
# ---------------------------------------------------------------------------


def test_editor_chooses_the_partner_then_writes_for_it(
    editor_client, partner, other_partner, audience
):
    chooser = editor_client.get(url("create"))
    assert chooser.status_code == 200
    text = chooser.content.decode()
    assert partner.name in text and other_partner.name in text

    form_url = url("create") + f"?partner={other_partner.pk}"
    page = editor_client.get(form_url)
    assert page.status_code == 200
    assert "GLOBEX-LIST" in page.content.decode()
    assert "Ingénieurs" not in page.content.decode()

    data = form_data(recipient_lists=[str(audience["theirs"].pk)])
    assert editor_client.post(form_url, data).status_code == 302
    mailing = Mailing.objects.get()
    assert mailing.partner == other_partner
    assert mailing.recipient_count == 1  # Carla, from Globex's list


def test_partner_user_cannot_write_for_another_partner(
    client, partner, other_partner, make_partner
):
    third = make_partner("Initech")
    user = partner.members.get()
    third.members.add(user)  # now a user of two partners
    client.force_login(user)
    assert client.get(url("create") + f"?partner={other_partner.pk}").status_code == 404
    response = client.post(url("create") + f"?partner={other_partner.pk}", form_data())
    assert response.status_code == 404
    assert client.get(url("create") + f"?partner={third.pk}").status_code == 200
    assert not Mailing.objects.exists()
