"""The news form in Wagtail's editor: "Envoyer" publishes, dates are checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from alumni_partner.models import NewsPage
from alumni_partner.news_lifecycle import expiry_from

pytestmark = pytest.mark.django_db


def _add_url(partner):
    return reverse(
        "wagtailadmin_pages:add", args=("alumni_partner", "newspage", partner.page.pk)
    )


def _data(news_type, audience_group, **extra):
    data = {
        "news_type": news_type.pk,
        "date": "2026-11-20",
        "title": "Forum des métiers",
        "slug": "forum-des-metiers",
        "body": streamfield(
            [("paragraph", rich_text("<p>Rendez-vous le 3 décembre.</p>"))]
        ),
        "keywords": "emploi, forum",
        "action-publish": "action-publish",
    }
    data.update(extra)
    data = nested_form_data(data)
    # nested_form_data would read a list as a formset.
    data["audience_groups"] = [audience_group.pk]
    return data


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_sending_publishes_with_a_two_month_expiry(
    partner, partner_client, news_type, audience_group
):
    response = partner_client.post(_add_url(partner), _data(news_type, audience_group))
    assert response.status_code == 302
    news = NewsPage.objects.get(slug="forum-des-metiers", locale__language_code="fr")
    assert news.live
    assert news.expire_at == expiry_from(news.last_published_at)
    assert not news.custom_expiry
    assert list(news.audience_groups.all()) == [audience_group]
    assert sorted(news.keywords.names()) == ["emploi", "forum"]
    assert news.get_parent().pk == partner.page.pk
    # wagtail-localize's hook gave it an alias in every other locale.
    assert NewsPage.objects.filter(translation_key=news.translation_key).count() == 5


def test_a_typed_expiry_is_kept(partner, partner_client, news_type, audience_group):
    wanted = timezone.now() + timedelta(days=10)
    partner_client.post(
        _add_url(partner), _data(news_type, audience_group, expire_at=_local(wanted))
    )
    news = NewsPage.objects.get(slug="forum-des-metiers", locale__language_code="fr")
    assert news.custom_expiry
    assert _local(news.expire_at) == _local(wanted)


def test_editing_without_touching_the_expiry_extends_it(
    partner, partner_client, news_type, audience_group, make_news
):
    news = make_news(partner, slug="forum", news_type=news_type)
    first_expiry = news.expire_at
    edit = reverse("wagtailadmin_pages:edit", args=(news.pk,))
    form = partner_client.get(edit).context["form"]
    # The automatic expiry is not in the field: left empty, it restarts.
    assert form.initial.get("expire_at") is None
    response = partner_client.post(edit, _data(news_type, audience_group, slug="forum"))
    assert response.status_code == 302
    news.refresh_from_db()
    assert news.expire_at >= first_expiry
    assert news.expire_at == expiry_from(news.last_published_at)


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"expire_at": "2020-01-01 10:00"},
            "expire_at",
            "Expiry date/time must be in the future.",
        ),
        (
            {"go_live_at": "2020-01-01 10:00"},
            "go_live_at",
            "This go-live date is in the past. Leave it empty to publish the news now.",
        ),
        (
            {
                "go_live_at": "2099-06-01 10:00",
                "expire_at": "2099-05-01 10:00",
            },
            "expire_at",
            "Go live date/time must be before expiry date/time",
        ),
        ({"date": "31/02/2026"}, "date", "Enter a valid date."),
        ({"expire_at": "not a date"}, "expire_at", "Enter a valid date/time."),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(
    partner, partner_client, news_type, audience_group, extra, field, message
):
    response = partner_client.post(
        _add_url(partner), _data(news_type, audience_group, **extra)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    with translation.override("fr"):
        assert gettext(message) in errors[field], errors
    assert not NewsPage.objects.filter(slug="forum-des-metiers").exists()


def test_the_vocabularies_offer_one_entry_per_term(
    partner, partner_client, news_type, audience_group
):
    from wagtail.models import Locale

    news_type.copy_for_translation(Locale.objects.get(language_code="en")).save()
    form = partner_client.get(_add_url(partner)).context["form"]
    assert list(form.fields["news_type"].queryset) == [news_type]
    assert list(form.fields["audience_groups"].queryset) == [audience_group]


def test_preview_renders_without_counting_a_view(
    partner, partner_client, news_type, audience_group
):
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=("alumni_partner", "newspage", partner.page.pk),
    )
    data = _data(news_type, audience_group)
    del data["action-publish"]
    response = partner_client.post(url, data)
    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    response = partner_client.get(url, HTTP_USER_AGENT="Mozilla/5.0")
    assert response.status_code == 200
    assert "Forum des métiers" in response.content.decode()
    from alumni_partner.models import NewsDailyViews

    assert not NewsDailyViews.objects.exists()


def test_a_typed_expiry_shows_again_and_stays_when_editing(
    partner, partner_client, news_type, audience_group, make_news
):
    wanted = timezone.now() + timedelta(days=10)
    news = make_news(partner, slug="forum", expire_at=wanted, custom_expiry=True)
    edit = reverse("wagtailadmin_pages:edit", args=(news.pk,))
    form = partner_client.get(edit).context["form"]
    assert form.initial["expire_at"] == wanted
    response = partner_client.post(
        edit,
        _data(news_type, audience_group, slug="forum", expire_at=_local(wanted)),
    )
    assert response.status_code == 302
    news.refresh_from_db()
    assert news.custom_expiry
    assert _local(news.expire_at) == _local(wanted)
