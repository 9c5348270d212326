"""Editors manage the offer vocabularies; a new site starts with usual terms.

The offer form needs a contract type: without terms a partner could not file
an offer until an editor made some. Existing terms are left alone.
"""

import uuid

from django.conf import settings
from django.db import migrations

from . import _editor_grants

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("contracttype", "senioritylevel")
    for action in ("add", "change", "delete", "view")
]

# In the default language (French); editors translate them in "Vocabularies".
CONTRACT_TYPES = ["CDI", "CDD", "Stage", "Alternance", "VIE", "Freelance"]
SENIORITY_LEVELS = [
    "Débutant (moins de 2 ans)",
    "Confirmé (2 à 5 ans)",
    "Expérimenté (5 à 10 ans)",
    "Senior (plus de 10 ans)",
]


def forwards(apps, schema_editor):
    _editor_grants.grant_editors(apps, EDITOR_PERMISSIONS)
    Locale = apps.get_model("wagtailcore", "Locale")
    locale = (
        Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
        or Locale.objects.order_by("pk").first()
    )
    if locale is None:
        return
    for model_name, names in (
        ("ContractType", CONTRACT_TYPES),
        ("SeniorityLevel", SENIORITY_LEVELS),
    ):
        model = apps.get_model("alumni_partner", model_name)
        if model.objects.exists():
            continue
        model.objects.bulk_create(
            model(name=name, locale=locale, translation_key=uuid.uuid4())
            for name in names
        )


def backwards(apps, schema_editor):
    _editor_grants.revoke_editors(apps, EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("alumni_partner", "0006_offers")]

    operations = [migrations.RunPython(forwards, backwards)]
