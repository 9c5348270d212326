"""The links a mailing carries: the open pixel and the unsubscribe page (issue 6).

Opens are counted once per recipient (then in total) and only for recipients
who consented; a bad token gets the same GIF and counts nothing. A GET of the
unsubscribe link never unsubscribes (link scanners fetch it); a POST does, from
the page's button or from a mail provider's RFC 8058 one-click request without
session or CSRF token. Tokens cannot be forged, enumerated or bent to another
mailing or purpose.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import int_to_base36

from alumni_partner.mailing import tracking
from alumni_partner.mailing.rendering import MailingRenderer
from alumni_partner.models.mailings import (
    Mailing,
    MailingRecipient,
    MailingUnsubscribe,
    RecipientSource,
)
from alumni_partner.views.mailings import PIXEL_GIF

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture(autouse=True)
def _platform(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://alumni.example.org"


def make_mailing(partner, subject: str = "Forum emploi") -> Mailing:
    return Mailing.objects.create(
        partner=partner,
        sender_name="Acme",
        sender_email="rh@acme.test",
        subject=subject,
        body="<p>Bonjour {first_name}</p>",
    )


def add_recipient(mailing, email, track_opens=True) -> MailingRecipient:
    return MailingRecipient.objects.create(
        mailing=mailing,
        email=email,
        first_name="Amina",
        source=RecipientSource.FOLLOWER,
        track_opens=track_opens,
    )


@pytest.fixture
def mailing(partner) -> Mailing:
    return make_mailing(partner)


@pytest.fixture
def recipient(mailing) -> MailingRecipient:
    return add_recipient(mailing, "amina@alumni.test")


def path_of(url: str) -> str:
    return urlsplit(url).path


def pixel_path(recipient) -> str:
    return path_of(tracking.open_url(recipient))


def unsubscribe_path(recipient) -> str:
    return path_of(tracking.unsubscribe_url(recipient))


def forge(token: str, mailing_id: int, recipient_id: int) -> str:
    """``token`` with other ids and the original signature."""
    signature = token.rsplit(".", 1)[1]
    return f"{int_to_base36(mailing_id)}-{int_to_base36(recipient_id)}.{signature}"


def assert_gif(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == PIXEL_GIF
    assert "no-store" in response["Cache-Control"]


# --- links ------------------------------------------------------------------


def test_links_are_absolute_on_the_sites_base_url(recipient):
    assert re.fullmatch(
        r"https://alumni\.example\.org/m/o/[0-9a-z]+-[0-9a-z]+\.[\w-]+\.gif",
        tracking.open_url(recipient),
    )
    assert re.fullmatch(
        r"https://alumni\.example\.org/m/u/[0-9a-z]+-[0-9a-z]+\.[\w-]+/",
        tracking.unsubscribe_url(recipient),
    )
    assert tracking.open_url(recipient) != tracking.open_url(
        add_recipient(recipient.mailing, "b@alumni.test")
    )


# --- the open pixel -----------------------------------------------------------


def test_the_pixel_counts_the_first_open_once_and_every_open_in_total(
    client, recipient
):
    assert_gif(client.get(pixel_path(recipient)))
    recipient.refresh_from_db()
    first_opened_at = recipient.first_opened_at
    assert first_opened_at is not None
    assert recipient.open_count == 1

    assert_gif(client.get(pixel_path(recipient)))
    assert_gif(client.get(pixel_path(recipient)))
    recipient.refresh_from_db()
    assert recipient.first_opened_at == first_opened_at
    assert recipient.open_count == 3

    stats = recipient.mailing.statistics()
    assert stats["opened"] == 1
    assert stats["opens"] == 3


def test_the_pixel_counts_nothing_for_a_recipient_who_did_not_consent(client, mailing):
    refusing = add_recipient(mailing, "b@alumni.test", track_opens=False)

    assert_gif(client.get(pixel_path(refusing)))

    refusing.refresh_from_db()
    assert refusing.open_count == 0 and refusing.first_opened_at is None


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "1-1.",
        "1-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "x" * 500,
        "%00",
    ],
)
def test_a_bad_token_gets_the_same_gif_and_counts_nothing(client, recipient, token):
    assert_gif(client.get(f"/m/o/{token}.gif"))
    recipient.refresh_from_db()
    assert recipient.open_count == 0


def test_a_tampered_token_counts_nothing(client, mailing, recipient):
    neighbour = add_recipient(mailing, "b@alumni.test")
    token = tracking.make_token(recipient, tracking.OPEN)

    forged = forge(token, mailing.pk, neighbour.pk)
    assert_gif(client.get(f"/m/o/{forged}.gif"))
    # An unsubscribe token is no open token.
    unsubscribe_token = tracking.make_token(neighbour, tracking.UNSUBSCRIBE)
    assert_gif(client.get(f"/m/o/{unsubscribe_token}.gif"))

    neighbour.refresh_from_db()
    assert neighbour.open_count == 0


def test_a_head_request_counts_nothing(client, recipient):
    response = client.head(pixel_path(recipient))
    assert response.status_code == 200
    recipient.refresh_from_db()
    assert recipient.open_count == 0


def test_a_post_to_the_pixel_is_refused(client, recipient):
    assert client.post(pixel_path(recipient)).status_code == 405
    recipient.refresh_from_db()
    assert recipient.open_count == 0


def test_the_pixel_of_a_sent_copy_counts_its_open(recipient, smtp_server, client):
    """The URL in the mail that arrived is the one that counts."""
    MailingRenderer(recipient.mailing).message_for(recipient).send()
    [received] = smtp_server.wait_for(1)
    html = received.get_body(preferencelist=("html",)).get_content()
    [src] = re.findall(r'<img src="([^"]+)"', html)

    assert_gif(client.get(path_of(src)))

    recipient.refresh_from_db()
    assert recipient.open_count == 1


# --- unsubscribing ------------------------------------------------------------


def test_get_shows_the_partner_and_one_button_but_does_not_unsubscribe(
    client, recipient, partner
):
    response = client.get(unsubscribe_path(recipient))

    assert response.status_code == 200
    html = response.content.decode()
    assert partner.name in html
    assert "amina@alumni.test" in html
    assert re.search(r'<html lang="fr"', html)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    assert form and form[1] == unsubscribe_path(recipient)
    assert '<button type="submit"' in form[2]
    assert response["Referrer-Policy"] == "no-referrer"
    assert not MailingUnsubscribe.objects.exists()


def test_the_page_speaks_english_under_en(client, recipient):
    response = client.get("/en" + unsubscribe_path(recipient))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Unsubscribe" in html
    assert not MailingUnsubscribe.objects.exists()


def test_post_unsubscribes_from_the_partner_for_good(client, recipient, partner):
    response = client.post(unsubscribe_path(recipient))

    assert response.status_code == 200
    assert re.search(
        r"(no longer receive|ne recevrez plus).*Acme", response.content.decode()
    )
    record = MailingUnsubscribe.objects.get()
    assert (record.partner, record.email, record.mailing) == (
        partner,
        "amina@alumni.test",
        recipient.mailing,
    )
    # Nothing else is marked: the engine and the resolution read this record.
    recipient.refresh_from_db()
    assert recipient.status == "pending"

    again = client.get(unsubscribe_path(recipient))
    assert re.search(r"(no longer receive|ne recevez plus)", again.content.decode())
    assert "<form" not in again.content.decode().split("<main", 1)[1]


def test_the_one_click_post_of_a_mail_provider_works_without_csrf(recipient):
    provider = Client(enforce_csrf_checks=True)

    response = provider.post(
        unsubscribe_path(recipient),
        data=ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert MailingUnsubscribe.objects.filter(email="amina@alumni.test").exists()


def test_unsubscribing_twice_records_once(client, mailing, recipient, partner):
    client.post(unsubscribe_path(recipient))
    client.post(unsubscribe_path(recipient), data={"List-Unsubscribe": "One-Click"})
    # The same address in the partner's next mailing: still one record.
    later = add_recipient(make_mailing(partner, "Suite"), "Amina@alumni.test")
    client.post(unsubscribe_path(later))

    assert MailingUnsubscribe.objects.count() == 1
    assert MailingUnsubscribe.objects.get().mailing == mailing


def test_unsubscribing_from_one_partner_leaves_the_others(
    client, recipient, other_partner
):
    other = add_recipient(make_mailing(other_partner), "amina@alumni.test")
    client.post(unsubscribe_path(recipient))

    assert not MailingUnsubscribe.objects.filter(partner=other_partner).exists()
    client.post(unsubscribe_path(other))
    assert MailingUnsubscribe.objects.count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_token_is_a_clear_404(client, mailing, recipient, method):
    neighbour = add_recipient(mailing, "b@alumni.test")
    token = tracking.make_token(recipient, tracking.UNSUBSCRIBE)

    for bad in (
        "garbage",
        forge(token, mailing.pk, neighbour.pk),
        tracking.make_token(neighbour, tracking.OPEN),  # another purpose
        token[:-1],  # cut by a mail program
    ):
        response = getattr(client, method)(
            reverse("alumni_partner:mailing_unsubscribe", args=[bad])
        )
        assert response.status_code == 404
        assert re.search(r"(Invalid link|Lien non valide)", response.content.decode())
    assert not MailingUnsubscribe.objects.exists()


def test_a_token_of_mailing_a_cannot_be_bent_to_mailing_b(
    client, partner, other_partner
):
    mailing_a = make_mailing(partner)
    mailing_b = make_mailing(other_partner)
    in_a = add_recipient(mailing_a, "amina@alumni.test")
    # Same recipient id space: B's row, A's signature.
    in_b = add_recipient(mailing_b, "bob@alumni.test")
    token = tracking.make_token(in_a, tracking.UNSUBSCRIBE)

    assert (
        tracking.recipient_for(forge(token, mailing_b.pk, in_a.pk), "unsubscribe")
        is None
    )
    assert (
        tracking.recipient_for(forge(token, mailing_b.pk, in_b.pk), "unsubscribe")
        is None
    )
    response = client.post(f"/m/u/{forge(token, mailing_b.pk, in_b.pk)}/")

    assert response.status_code == 404
    assert not MailingUnsubscribe.objects.exists()


def test_the_list_unsubscribe_header_of_a_sent_copy_works(recipient, smtp_server):
    MailingRenderer(recipient.mailing).message_for(recipient).send()
    [received] = smtp_server.wait_for(1)
    url = received["List-Unsubscribe"].strip().strip("<>")

    response = Client(enforce_csrf_checks=True).post(
        path_of(url), data=ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert MailingUnsubscribe.objects.get().email == "amina@alumni.test"


# --- cost -------------------------------------------------------------------


def test_an_open_costs_one_update_and_a_bad_token_no_query(
    client, recipient, django_assert_num_queries
):
    path = pixel_path(recipient)
    with django_assert_num_queries(1):
        client.get(path)
    with django_assert_num_queries(0):
        client.get("/m/o/1-1.forged.gif")


def test_the_unsubscribe_page_costs_a_few_queries(
    client, recipient, django_assert_max_num_queries
):
    client.get(unsubscribe_path(recipient))  # warm the site's menu cache
    # The recipient with its mailing and partner, "already unsubscribed?", and
    # what the site's base template reads.
    with django_assert_max_num_queries(4):
        client.get(unsubscribe_path(recipient))


def test_unsubscribe_links_outlive_the_deletion_of_a_sent_mailing(
    client, mailing, recipient, partner
):
    from django.utils import timezone

    from alumni_partner.mailing import lifecycle
    from alumni_partner.models.mailings import MailingStatus

    Mailing.objects.filter(pk=mailing.pk).update(
        status=MailingStatus.SENT, started_at=timezone.now()
    )
    mailing.refresh_from_db()

    assert lifecycle.delete(mailing, None)

    # Gone from every screen, but the mails already sent still unsubscribe.
    assert not Mailing.objects.for_user(partner.members.first()).exists()
    response = client.post(unsubscribe_path(recipient))
    assert response.status_code == 200
    assert MailingUnsubscribe.objects.filter(
        partner=partner, email="amina@alumni.test"
    ).exists()
    # A mailing that never started is deleted for good, rows and all.
    draft = make_mailing(partner, subject="Brouillon")
    add_recipient(draft, "lucas@alumni.test")
    assert lifecycle.delete(draft, None)
    assert not Mailing.objects.filter(pk=draft.pk).exists()
