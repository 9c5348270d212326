"""Editors manage the news vocabularies and feature news on the home page."""

from django.db import migrations

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("newstype", "audiencegroup")
    for action in ("add", "change", "delete", "view")
] + ["feature_newspage"]


def grant_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrate; the grant needs them now.
    app_config = apps.get_app_config("alumni_partner")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="alumni_partner", codename__in=EDITOR_PERMISSIONS
        )
    )


def revoke_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="alumni_partner",
                codename__in=EDITOR_PERMISSIONS,
            )
        )


class Migration(migrations.Migration):
    dependencies = [("alumni_partner", "0003_news")]

    operations = [migrations.RunPython(grant_editors, revoke_editors)]
