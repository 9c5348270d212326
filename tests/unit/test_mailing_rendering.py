"""What a recipient of a mailing receives (issue 6, items 1, 4 and 5).

``MailingRenderer`` renders a mailing once and each recipient's copy from it:
the platform's From, the partner's Reply-To, the one-click unsubscribe headers,
merge fields escaped, hostile HTML gone, a pixel only with consent, the
attachments' MIME parts built once. The test send goes through Django's SMTP
backend to a real SMTP server.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.generator import BytesGenerator
from email.header import decode_header, make_header
from email.utils import getaddresses, parseaddr
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from alumni_partner.mailing import tracking
from alumni_partner.mailing.plain_text import html_to_text
from alumni_partner.mailing.rendering import (
    SAMPLE_FIRST_NAME,
    MailingRenderer,
    preview_html,
    send_test,
)
from alumni_partner.models import Partner
from alumni_partner.models.mailings import (
    Mailing,
    MailingAttachment,
    MailingRecipient,
    RecipientSource,
)

pytestmark = pytest.mark.django_db

PLATFORM_ADDRESS = "noreply@alumni.example.org"


@pytest.fixture(autouse=True)
def _platform(settings):
    settings.DEFAULT_FROM_EMAIL = f"France Alumni <{PLATFORM_ADDRESS}>"
    settings.WAGTAILADMIN_BASE_URL = "https://alumni.example.org"


@pytest.fixture
def acme(db) -> Partner:
    """A bare partner record: rendering needs its name and id, not its page."""
    return Partner.objects.create(name="Acme")


@pytest.fixture
def member(acme):
    user = get_user_model().objects.create_user(
        username="paul@acme.test", email="paul@acme.test", first_name="Paul"
    )
    acme.members.add(user)
    return user


@pytest.fixture
def make_mailing(acme, member):
    def make(partner: Partner = acme, **fields) -> Mailing:
        fields.setdefault("sender_name", "Acme Careers")
        fields.setdefault("sender_email", "careers@acme.test")
        fields.setdefault("subject", "Forum emploi")
        fields.setdefault("body", "<p>Bonjour {first_name} {last_name},</p>")
        return Mailing.objects.create(partner=partner, created_by=member, **fields)

    return make


@pytest.fixture
def mailing(make_mailing) -> Mailing:
    return make_mailing()


def add_recipient(mailing: Mailing, email: str, **fields) -> MailingRecipient:
    fields.setdefault("first_name", "Amina")
    fields.setdefault("last_name", "Diallo")
    fields.setdefault("source", RecipientSource.FOLLOWER)
    return MailingRecipient.objects.create(mailing=mailing, email=email, **fields)


def parsed(message) -> object:
    """The message as a mail client reads it, from the bytes that would be sent."""
    return message_from_bytes(
        message.message().as_bytes(linesep="\r\n"), policy=policy.default
    )


def raw_header(received, name: str) -> str:
    """A header as sent (encoded words kept), unfolded."""
    raw = message_from_bytes(received.as_bytes(), policy=policy.compat32)[name]
    return " ".join(raw.split())


def words(text: str) -> str:
    """``text`` with every run of whitespace as one space (lines are wrapped)."""
    return " ".join(text.split())


def parts(received) -> tuple[str, str]:
    html = received.get_body(preferencelist=("html",)).get_content()
    text = received.get_body(preferencelist=("plain",)).get_content()
    return html, text


# --- headers ----------------------------------------------------------------


def test_from_is_the_platforms_address_and_reply_to_the_partners(mailing):
    recipient = add_recipient(mailing, "amina@alumni.test")
    received = parsed(MailingRenderer(mailing).message_for(recipient))

    assert getaddresses([received["From"]]) == [
        ("Acme Careers via France Alumni", PLATFORM_ADDRESS)
    ]
    assert getaddresses([received["Reply-To"]]) == [("", "careers@acme.test")]
    assert received["To"] == "amina@alumni.test"
    assert received["Subject"] == "Forum emploi"


def test_every_copy_carries_the_one_click_unsubscribe_headers(mailing, acme):
    recipient = add_recipient(mailing, "amina@alumni.test")
    received = parsed(MailingRenderer(mailing).message_for(recipient))

    url = tracking.unsubscribe_url(recipient)
    assert url.startswith("https://alumni.example.org/m/u/")
    # Folded onto its own line (longer than 78 characters): same value unfolded.
    assert received["List-Unsubscribe"].strip() == f"<{url}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["List-Id"] == f"<partner-{acme.pk}.alumni.example.org>"
    assert re.fullmatch(
        r"<mailing\.[0-9a-z]+\.\d+\.\d+@alumni\.example\.org>", received["Message-ID"]
    )
    html, text = parts(received)
    assert f'href="{url}"' in html
    assert url in text


def test_message_ids_are_stable_per_recipient_and_distinct_between_them(mailing):
    first = add_recipient(mailing, "a@alumni.test")
    second = add_recipient(mailing, "b@alumni.test")
    renderer = MailingRenderer(mailing)
    again = MailingRenderer(mailing)

    ids = [renderer.message_for(r).extra_headers["Message-ID"] for r in (first, second)]
    assert ids[0] != ids[1]
    assert again.message_for(first).extra_headers["Message-ID"] == ids[0]


def test_a_hostile_sender_name_cannot_change_the_from_address(make_mailing):
    mailing = make_mailing(
        sender_name='Evil" <ceo@bank.test>, "Boss\r\nBcc: victim@x.test'
    )
    recipient = add_recipient(mailing, "amina@alumni.test")
    received = parsed(MailingRenderer(mailing).message_for(recipient))

    addresses = getaddresses([received["From"]])
    assert len(addresses) == 1
    assert addresses[0][1] == PLATFORM_ADDRESS
    assert received["Bcc"] is None
    assert "\n" not in received["From"]


def test_a_long_non_ascii_sender_name_is_encoded(make_mailing):
    mailing = make_mailing(sender_name="Écoles d'ingénieurs " + "é" * 60)
    recipient = add_recipient(mailing, "amina@alumni.test")
    received = parsed(MailingRenderer(mailing).message_for(recipient))

    # Several RFC 2047 encoded words; Python's new parser shows spaces between
    # them (mail clients do not), so decode the way RFC 2047 says.
    name, address = parseaddr(raw_header(received, "From"))
    assert address == PLATFORM_ADDRESS
    assert str(make_header(decode_header(name))) == (
        "Écoles d'ingénieurs " + "é" * 60 + " via France Alumni"
    )


def test_subject_with_line_breaks_is_one_clean_line(make_mailing):
    mailing = make_mailing(
        subject="Forum {first_name}\r\nBcc: victim@evil.test\x1b emploi"
    )
    # PostgreSQL stores no NUL: one that got past the form is in memory only.
    mailing.subject += "\x00\u2028!"
    recipient = add_recipient(
        mailing, "amina@alumni.test", first_name="A\r\nBcc: b@evil.test"
    )
    raw = MailingRenderer(mailing).message_for(recipient).message().as_bytes()
    received = message_from_bytes(raw, policy=policy.default)

    assert received["Subject"] == (
        "Forum A Bcc: b@evil.test Bcc: victim@evil.test emploi !"
    )
    assert received["Bcc"] is None
    assert b"\nBcc:" not in raw


def test_a_broken_reply_to_is_left_out_rather_than_failing_the_send(make_mailing):
    mailing = make_mailing(sender_email="not an address\r\nBcc: x@evil.test")
    recipient = add_recipient(mailing, "amina@alumni.test")
    received = parsed(MailingRenderer(mailing).message_for(recipient))

    assert received["Reply-To"] is None
    assert received["Bcc"] is None


# --- body and merge fields ----------------------------------------------------


def test_merge_fields_are_each_recipients_names_escaped_in_html(make_mailing):
    mailing = make_mailing(
        subject="Bonjour {first_name}",
        body="<p>Cher {first_name} {last_name}, {x} {0} {first_name.__class__}</p>",
    )
    hostile = add_recipient(
        mailing,
        "a@alumni.test",
        first_name="<script>alert(1)</script>",
        last_name="O'Neil & co",
    )
    nameless = add_recipient(mailing, "b@alumni.test", first_name="", last_name="")
    renderer = MailingRenderer(mailing)

    html, text = parts(parsed(renderer.message_for(hostile)))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "O&#x27;Neil &amp; co" in html
    assert "Cher <script>alert(1)</script> O'Neil & co," in text
    assert "{x} {0} {first_name.__class__}" in text

    received = parsed(renderer.message_for(nameless))
    assert received["Subject"] == "Bonjour"
    assert "Cher  , {x}" in parts(received)[1]


def test_hostile_html_in_the_message_is_removed(make_mailing):
    mailing = make_mailing(
        body=(
            '<p onclick="steal()">Hi<script>alert(1)</script>'
            '<img src=x onerror="alert(2)">'
            '<a href="javascript:alert(3)">click</a>'
            '<iframe src="https://evil.test"></iframe>'
            '<a href="https://ok.test/path">ok</a></p>'
        )
    )
    recipient = add_recipient(mailing, "a@alumni.test")
    html, _text = parts(parsed(MailingRenderer(mailing).message_for(recipient)))

    body = html.split("<body", 1)[1]
    for forbidden in (
        "<script",
        "onclick",
        "onerror",
        "javascript:",
        "<iframe",
        "<img src=x",
    ):
        assert forbidden not in body
    assert '<a href="https://ok.test/path">ok</a>' in html


def test_links_in_the_message_are_absolute(make_mailing, make_partner):
    partner = make_partner("Initech")
    page = partner.page
    mailing = make_mailing(
        partner,
        body=(
            f'<p><a linktype="page" id="{page.pk}">notre page</a> '
            '<a href="/fr/offres/">offres</a> <a href="mailto:rh@acme.test">rh</a></p>'
        ),
    )
    recipient = add_recipient(mailing, "a@alumni.test")
    html, text = parts(parsed(MailingRenderer(mailing).message_for(recipient)))

    hrefs = re.findall(r'href="([^"]*)"', html.split("<body", 1)[1])
    assert "https://alumni.example.org/fr/offres/" in hrefs
    assert "mailto:rh@acme.test" in hrefs
    assert any(
        href.startswith("https://alumni.example.org/") and "initech" in href
        for href in hrefs
    )
    assert "offres (https://alumni.example.org/fr/offres/)" in words(text)


def test_a_long_paragraph_does_not_force_quoted_printable(make_mailing):
    mailing = make_mailing(body="<p>" + "Un très long paragraphe. " * 200 + "</p>")
    recipient = add_recipient(mailing, "a@alumni.test")
    raw = MailingRenderer(mailing).message_for(recipient).message().as_bytes()

    assert b"quoted-printable" not in raw
    assert max(len(line) for line in raw.split(b"\n")) <= 998
    html, text = parts(message_from_bytes(raw, policy=policy.default))
    assert words(html).count("Un très long paragraphe.") == 200
    assert words(text).count("Un très long paragraphe.") == 200


def test_plain_text_keeps_lists_links_and_quotes():
    text = html_to_text(
        "<h2>Titre</h2><p>Un <strong>mot</strong> et<br>une ligne.</p>"
        "<ul><li>un</li><li>deux</li></ul><ol><li>premier</li><li>second</li></ol>"
        '<blockquote><p>cité</p></blockquote><p><a href="https://x.test/">site</a> '
        '<a href="https://y.test/">https://y.test/</a></p>'
    )
    assert text == (
        "Titre\n\nUn mot et\nune ligne.\n\n- un\n- deux\n\n1. premier\n2. second\n\n"
        "> cité\n\nsite (https://x.test/) https://y.test/\n"
    )


# --- consent and pixel ------------------------------------------------------


def test_the_pixel_is_only_in_the_mail_of_recipients_who_consented(mailing):
    consenting = add_recipient(mailing, "a@alumni.test", track_opens=True)
    refusing = add_recipient(mailing, "b@alumni.test", track_opens=False)
    renderer = MailingRenderer(mailing)

    html, text = parts(parsed(renderer.message_for(consenting)))
    pixel = tracking.open_url(consenting)
    assert pixel.startswith("https://alumni.example.org/m/o/")
    assert f'<img src="{pixel}" width="1" height="1" alt=""' in html
    assert "/m/o/" not in text

    html, _text = parts(parsed(renderer.message_for(refusing)))
    assert "/m/o/" not in html
    assert "<img" not in html


def test_footer_says_why_the_recipient_gets_the_mail(mailing):
    follower = add_recipient(mailing, "a@alumni.test", source=RecipientSource.FOLLOWER)
    typed = add_recipient(mailing, "b@alumni.test", source=RecipientSource.EXTRA)
    renderer = MailingRenderer(mailing)

    follower_text = parts(parsed(renderer.message_for(follower)))[1]
    typed_text = parts(parsed(renderer.message_for(typed)))[1]
    assert re.search(r"(follow|suivez) Acme", follower_text)
    assert not re.search(r"(follow|suivez) Acme", typed_text)
    assert "Acme" in typed_text


# --- attachments ------------------------------------------------------------


def test_attachments_are_encoded_once_and_shared_by_every_copy(mailing):
    content = bytes(range(256)) * 800  # 200 KB of binary
    MailingAttachment.objects.create(
        mailing=mailing,
        file=ContentFile(content, name="programme.pdf"),
        name="programme été.pdf",
        content_type="application/pdf",
        size=len(content),
    )
    first = add_recipient(mailing, "a@alumni.test")
    second = add_recipient(mailing, "b@alumni.test")
    renderer = MailingRenderer(mailing)

    one, two = renderer.message_for(first), renderer.message_for(second)
    assert len(renderer.attachment_parts) == 1
    assert one.attachments[0] is two.attachments[0] is renderer.attachment_parts[0]

    received = parsed(two)
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "programme été.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == content
    assert "Bonjour Amina Diallo" in parts(received)[1]


def test_copies_are_the_bytes_pythons_own_generator_writes(mailing):
    """The quicker header folding and the prepared parts change no byte."""
    content = bytes(range(256)) * 40
    MailingAttachment.objects.create(
        mailing=mailing,
        file=ContentFile(content, name="a.pdf"),
        name="Très long nom de fichier pour voir le repli des en-têtes.pdf",
        content_type="application/pdf",
        size=len(content),
    )
    mailing.subject = (
        "Un sujet très long, {first_name}, pour que l'en-tête se replie " * 3
    )
    mailing.sender_name = "Service des relations avec les diplômés étrangers"
    recipient = add_recipient(mailing, "a@alumni.test", track_opens=True)
    renderer = MailingRenderer(mailing)
    for _copy in range(2):  # the second copy reuses the prepared bytes
        message = renderer.message_for(recipient).message()
        stock = BytesIO()
        BytesGenerator(stock, mangle_from_=False, policy=policy.compat32).flatten(
            message, linesep="\r\n"
        )
        assert message.as_bytes(linesep="\r\n") == stock.getvalue()


def test_an_odd_attachment_type_goes_as_octet_stream(mailing):
    MailingAttachment.objects.create(
        mailing=mailing,
        file=ContentFile(b"x", name="a.bin"),
        name="a\r\nb.bin",
        content_type="text/html\r\nX-Evil: 1",
        size=1,
    )
    recipient = add_recipient(mailing, "a@alumni.test")
    [attachment] = list(
        parsed(MailingRenderer(mailing).message_for(recipient)).iter_attachments()
    )
    assert attachment.get_content_type() == "application/octet-stream"
    assert attachment.get_filename() == "a b.bin"


# --- previews and the test send ---------------------------------------------


def test_preview_shows_sample_names_no_pixel_and_an_inert_link(mailing):
    html = preview_html(mailing)

    assert f"Bonjour {SAMPLE_FIRST_NAME}" in html
    assert "/m/o/" not in html and "/m/u/" not in html
    assert 'href="#"' in html
    assert "<img" not in html


def test_preview_with_the_users_own_names(mailing, member):
    member.last_name = "<b>Partner</b>"
    html = preview_html(mailing, member)
    assert "Bonjour Paul &lt;b&gt;Partner&lt;/b&gt;," in html


def test_preview_of_a_recipient_as_they_received_it(mailing):
    recipient = add_recipient(mailing, "a@alumni.test", track_opens=True)
    html = preview_html(mailing, recipient)
    assert "Bonjour Amina Diallo" in html
    assert "/m/o/" not in html


def test_an_unsaved_mailing_renders_for_the_compose_form(acme):
    mailing = Mailing(
        partner=acme,
        sender_name="Acme",
        sender_email="rh@acme.test",
        subject="Brouillon {first_name}",
        body="<p>Texte {first_name}</p>",
    )
    renderer = MailingRenderer(mailing)
    assert "Texte Camille" in renderer.html_for(None)
    assert renderer.attachment_parts == []
    assert renderer.subject.fill({"first_name": "Camille", "last_name": ""}) == (
        "Brouillon Camille"
    )
    assert "via" in renderer.from_header or "France Alumni" in renderer.from_header


def test_send_test_reaches_the_users_own_address(mailing, member, smtp_server):
    add_recipient(mailing, "a@alumni.test", track_opens=True)

    address = send_test(mailing, member)

    [received] = smtp_server.wait_for(1)
    assert address == "paul@acme.test"
    assert smtp_server.envelopes[0].rcpt_tos == ["paul@acme.test"]
    assert received["Subject"] == "[TEST] Forum emploi"
    assert getaddresses([received["From"]])[0][1] == PLATFORM_ADDRESS
    html, text = parts(received)
    assert "Bonjour Paul" in html and "Bonjour Paul" in text
    assert "/m/o/" not in html and "<img" not in html
    assert "/m/u/" not in html + text
    assert received["List-Unsubscribe"] is None
    recipient = mailing.recipients.get()
    assert recipient.status == "pending" and recipient.open_count == 0


def test_send_test_refuses_a_user_without_address(mailing, member):
    member.email = ""
    with pytest.raises(ValueError):
        send_test(mailing, member)
