"""Shared by the data migrations that grant model permissions to "Editors".

Django's migration loader skips modules whose name starts with an underscore.
"""


def grant_editors(apps, codenames) -> None:
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
            content_type__app_label="alumni_partner", codename__in=codenames
        )
    )


def revoke_editors(apps, codenames) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="alumni_partner", codename__in=codenames
            )
        )
