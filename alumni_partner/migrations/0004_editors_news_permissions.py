"""Editors manage the news vocabularies and feature news on the home page."""

from django.db import migrations

from . import _editor_grants

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("newstype", "audiencegroup")
    for action in ("add", "change", "delete", "view")
] + ["feature_newspage"]


def grant_editors(apps, schema_editor):
    _editor_grants.grant_editors(apps, EDITOR_PERMISSIONS)


def revoke_editors(apps, schema_editor):
    _editor_grants.revoke_editors(apps, EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("alumni_partner", "0003_news")]

    operations = [migrations.RunPython(grant_editors, revoke_editors)]
