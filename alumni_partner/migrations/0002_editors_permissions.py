"""Editors manage partners and the vocabularies that describe them."""

from django.db import migrations

from . import _editor_grants

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("partner", "sector", "partnercategory")
    for action in ("add", "change", "delete", "view")
]


def grant_editors(apps, schema_editor):
    _editor_grants.grant_editors(apps, EDITOR_PERMISSIONS)


def revoke_editors(apps, schema_editor):
    _editor_grants.revoke_editors(apps, EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("alumni_partner", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant_editors, revoke_editors)]
