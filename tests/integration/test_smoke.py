"""The site answers: home page, partner index, admin login."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_served_in_french(client, site_tree):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


def test_partner_index_lists_published_partners_only(client, partner, other_partner):
    partner.page.save_revision().publish()
    response = client.get("/partners/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Acme" in body
    assert "Globex" not in body
