"""Chapter 6 of the user guide, "Mailings", in a real browser (issue 6).

A partner's user opens "Mailing > Créer un mailing", adds recipients three
ways (typed addresses, a Latin-1 file with semicolons, a saved list) on top
of the followers, previews the mail ("Visualiser", a new tab), saves it,
finds it under "Mails en attente" with the right count, opens the recipients
(a new window), sends a test to herself (it reaches the SMTP server) and
sends it: nothing leaves. An editor validates it under "À valider"; it
reaches the SMTP server, once per address. Fetching one mail's pixel counts
an open, which "Mails envoyés" and the mailing's page show. "Modifier et
renvoyer" makes a copy. A second test stops and resumes a large mailing sent
by a real django-q2 cluster (PostgreSQL only). axe-core audits every screen;
screenshots go to tests/e2e/screenshots/mailing-*.png.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from alumni_partner.mailing import recipients
from alumni_partner.models import (
    Mailing,
    MailingStatus,
    PartnerFollow,
    RecipientList,
    RecipientListMember,
    RecipientStatus,
)
from tests.cluster import QCluster, tasks_to_broker, wait_until
from tests.smtp import SMTPServer

from .helpers import Screenshots, assert_accessible, either, login
from .test_news_journey import assert_admin_accessible
from .test_partner_journey import WAGTAIL_ADMIN_EXCLUDES, publish_partner

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Mot-de-passe-2026"
SUBJECT = "Forum des métiers de l'énergie"
TYPED = ["invite.externe@exemple.org", "pas-une-adresse"]
FILE_ROWS = ["e-mail;prénom;nom", "elodie.file@exemple.org;Élodie;Févier", ""]

#: The compose form holds Wagtail's Draftail editor; see WAGTAIL_ADMIN_EXCLUDES.
COMPOSE_EXCLUDES = WAGTAIL_ADMIN_EXCLUDES


def alumni(make_alumnus, partner):
    """Three consenting followers (one measurable), one who refused, a list."""
    made = []
    for index, (first, track) in enumerate(
        [("Amina", True), ("Lucas", False), ("Thao", False)]
    ):
        profile = make_alumnus(
            first, f"Nom{index}", email=f"{first.lower()}@alumni.test"
        )
        profile.set_mailing_consent(True)
        profile.accepts_open_tracking = track
        profile.save()
        PartnerFollow.objects.create(profile=profile, partner=partner)
        made.append(profile)
    refuses = make_alumnus("Omar", "Refus", email="omar@alumni.test")
    PartnerFollow.objects.create(profile=refuses, partner=partner)
    listed = make_alumnus("Inès", "Liste", email="ines@alumni.test")
    listed.set_mailing_consent(True)
    listed.save()
    saved = RecipientList.objects.create(partner=partner, name="Ingénieurs Maroc")
    for profile in (listed, made[0]):  # Amina is a follower too: merged
        RecipientListMember.objects.create(recipient_list=saved, profile=profile)
    return made


def open_mailing_menu(page: Page, item: re.Pattern) -> None:
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name=either("Mailing")).click()
    sidebar.get_by_role("link", name=item).click()


def compose(page: Page, shot: Screenshots, tmp_path) -> None:
    open_mailing_menu(page, either("Créer un mailing", "Create a mailing"))
    expect(page).to_have_url(re.compile(r"/admin/mailings/create/"))
    page.fill("#id_extra_addresses", "\n".join(TYPED))
    csv = tmp_path / "destinataires.csv"
    csv.write_bytes("\r\n".join(FILE_ROWS).encode("latin-1"))
    page.set_input_files("#id_recipient_file", str(csv))
    page.get_by_label("Ingénieurs Maroc").check()
    page.fill("#id_subject", SUBJECT)
    editor = page.locator(".public-DraftEditor-content")
    editor.click()
    page.keyboard.type("Bonjour {first_name}, venez au forum le 12 décembre.")
    # Draftail copies what was typed into its hidden input a moment later.
    page.wait_for_timeout(1200)
    assert_admin_accessible(page, "the compose form", COMPOSE_EXCLUDES)
    shot(page, "compose")

    # "Visualiser": a new tab, nothing saved, the form still filled here.
    with page.context.expect_page() as opened:
        page.locator("button.mailing-compose__preview").click()
    preview = opened.value
    preview.wait_for_load_state()
    shot(preview, "preview")
    expect(preview.locator("main")).to_contain_text(SUBJECT)
    frame = preview.frame_locator("iframe")
    expect(frame.locator("body")).to_contain_text("venez au forum")
    preview.close()
    assert not Mailing.objects.exists()

    page.locator("button.button-longrunning").click()
    expect(page).to_have_url(re.compile(r"/admin/mailings/pending/"))


def test_a_partner_prepares_a_mailing_an_editor_validates_it_and_it_arrives(
    e2e_site,
    live_server,
    new_context,
    make_partner,
    make_alumnus,
    editor,
    smtp_server,
    tmp_path,
):
    shot = Screenshots("mailing")
    base = live_server.url
    partner = publish_partner(make_partner, "Helios Énergie")
    user = partner.members.get()
    user.email = "contact@helios.test"  # not the generated IDN address
    user.set_password(PASSWORD)
    user.save()
    editor.set_password(PASSWORD)
    editor.save()
    alumni(make_alumnus, partner)

    page = new_context().new_page()
    login(page, base, user.email, PASSWORD)
    compose(page, shot, tmp_path)

    # Followers (3 consenting) + the list's Inès + typed + file = 6; Omar
    # refused mailings and "pas-une-adresse" is not an address.
    mailing = Mailing.objects.get()
    assert mailing.recipient_count == 6, list(mailing.recipients.values("email"))
    messages = page.locator(".messages")
    expect(messages).to_contain_text(re.compile(r"\b6\b"))
    expect(messages).to_contain_text("pas-une-adresse")
    row = page.locator("tbody tr", has_text=SUBJECT)
    expect(row).to_contain_text("6")
    assert_admin_accessible(page, "Mails en attente")
    shot(page, "pending")

    # The recipients, in a new window.
    with page.context.expect_page() as opened:
        row.get_by_role("link", name=either("Destinataires", "Recipients")).click()
    window = opened.value
    window.wait_for_load_state()
    for address in ("amina@alumni.test", "ines@alumni.test", "elodie.file@exemple.org"):
        expect(window.locator("body")).to_contain_text(address)
    expect(window.locator("body")).not_to_contain_text("omar@alumni.test")
    assert_accessible(window, "the recipients window")
    shot(window, "recipients")
    window.close()

    # A test, to her own address.
    row.get_by_role("button", name=either("test")).click()
    [test] = smtp_server.wait_for(1)
    assert test["To"] == user.email and "[TEST]" in test["Subject"]
    expect(page.locator(".messages")).to_contain_text(user.email)

    # "Envoyer": submitted, and nothing leaves before an editor validates.
    page.locator("tbody tr", has_text=SUBJECT).get_by_role(
        "link", name=either("Envoyer", "Send")
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/mailings/\d+/send/"))
    assert_admin_accessible(page, "the send confirmation")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(either("validation", "valider"))
    shot(page, "submitted")
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SUBMITTED
    smtp_server.wait_for(2)  # the editors' notice, and nothing else
    assert [m["To"] for m in smtp_server.messages[1:]] == [editor.email]
    smtp_server.clear()

    # The editor validates it.
    desk = new_context().new_page()
    login(desk, base, editor.email, PASSWORD)
    open_mailing_menu(desk, either("À valider", "To validate"))
    desk.get_by_role("link", name=SUBJECT).click()
    expect(desk.locator("main")).to_contain_text("Helios Énergie")
    assert_admin_accessible(desk, "the review screen")
    shot(desk, "review")
    desk.get_by_role("button", name=either("Approuver", "Approve")).click()
    expect(desk.locator(".messages")).to_contain_text(SUBJECT)

    # Six mails and the author's notice; every address once.
    arrived = smtp_server.wait_for(7, timeout=30)
    mails = [m for m in arrived if m["Subject"] == SUBJECT]
    counted = Counter(m["To"].split("<")[-1].rstrip(">").lower() for m in mails)
    assert sorted(counted) == sorted(mailing.recipients.values_list("email", flat=True))
    assert set(counted.values()) == {1}
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT

    # Amina consented to open tracking: her mail carries the pixel; fetch it.
    amina = next(m for m in mails if "amina@" in m["To"])
    html = amina.get_body(preferencelist=("html",)).get_content()
    pixel = re.search(r'src="(https?://[^"]+/m/o/[^"]+\.gif)"', html).group(1)
    assert page.request.get(pixel).status == 200
    lucas = next(m for m in mails if "lucas@" in m["To"])
    assert "/m/o/" not in lucas.get_body(preferencelist=("html",)).get_content()

    # "Mails envoyés": the statistics.
    open_mailing_menu(page, either("Mails envoyés", "Sent mails"))
    sent_row = page.locator("tbody tr", has_text=SUBJECT)
    expect(sent_row).to_contain_text("6")
    assert_admin_accessible(page, "Mails envoyés")
    shot(page, "sent")
    sent_row.get_by_role("link", name=SUBJECT).click()
    stats = page.locator("main")
    expect(stats).to_contain_text(either("Ouvert", "Opened"))
    assert mailing.statistics()["opened"] == 1
    assert_admin_accessible(page, "the mailing's page")
    shot(page, "statistics")

    # "Modifier et renvoyer": a copy, as a new draft, in the edit form.
    page.get_by_role(
        "button", name=either("Modifier et renvoyer", "Edit and resend")
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/mailings/\d+/edit/"))
    copy = Mailing.objects.exclude(pk=mailing.pk).get()
    assert copy.status == MailingStatus.DRAFT and copy.subject == SUBJECT
    assert copy.copied_from == mailing
    shot(page, "copy")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real django-q2 cluster locks SQLite (django-q2#144)",
)
def test_a_large_mailing_is_stopped_and_resumed_by_the_partner(
    e2e_site, live_server, new_context, make_partner, editor
):
    """2,000 addresses through a real cluster; "Stopper", then "Reprendre"."""
    shot = Screenshots("mailing-large")
    base = live_server.url
    partner = publish_partner(make_partner, "Mekong Numérique")
    user = partner.members.get()
    user.set_password(PASSWORD)
    user.save()
    total = 2000
    mailing = Mailing.objects.create(
        partner=partner,
        created_by=user,
        sender_name="Mekong",
        sender_email=user.email,
        subject="Grande campagne",
        body="<p>Bonjour {first_name}</p>",
        include_followers=False,
        extra_addresses="\n".join(f"a{i}@grand.example.org" for i in range(total)),
    )
    recipients.resolve(mailing)
    Mailing.objects.filter(pk=mailing.pk).update(status=MailingStatus.APPROVED)
    mailing.refresh_from_db()

    # A slow relay (5 ms a message) and small batches: stop lands mid-way.
    with (
        SMTPServer(delay=0.005) as relay,
        QCluster(
            smtp=relay, workers=2, settings={"ALUMNI_PARTNER_MAILING_BATCH_SIZE": 50}
        ) as cluster,
    ):
        cluster.wait_ready()
        page = new_context().new_page()
        login(page, base, user.email, PASSWORD)
        with tasks_to_broker():
            from alumni_partner.mailing import lifecycle

            lifecycle.start(mailing)
        wait_until(lambda: len(relay.messages) >= 200, timeout=60, what="200 mails")

        page.goto(f"{base}/admin/mailings/{mailing.pk}/")
        page.get_by_role("button", name=either("Stopper", "Stop")).click()
        expect(page.locator(".messages")).to_contain_text(either("stopp", "stop"))
        shot(page, "stopped")
        mailing.refresh_from_db()
        assert mailing.status == MailingStatus.STOPPED
        # Within one batch per worker, nothing more leaves.
        page.wait_for_timeout(1500)
        halted = len(relay.messages)
        page.wait_for_timeout(1500)
        assert len(relay.messages) == halted < total

        with tasks_to_broker():
            page.get_by_role("button", name=either("Reprendre", "Resume")).click()
        expect(page.locator(".messages")).to_contain_text(either("repr", "resum"))
        wait_until(
            lambda: Mailing.objects.get(pk=mailing.pk).status == MailingStatus.SENT,
            timeout=120,
            what="the end of the mailing",
            cluster=cluster,
        )
        page.reload()
        assert_admin_accessible(page, "the finished mailing's page")
        shot(page, "finished")

    received = Counter(env_to for env in relay.envelopes for env_to in env.rcpt_tos)
    assert len(received) == total and set(received.values()) == {1}
    assert mailing.recipients.filter(status=RecipientStatus.SENT).count() == total
