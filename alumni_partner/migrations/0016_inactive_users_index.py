"""A partial index of the inactive accounts on the user table.

The directory and the mailings keep only alumni whose account is active.
Written as a join on ``is_active``, PostgreSQL scanned the whole user table
for every search and count; written as "not one of the inactive accounts"
(``AlumniProfileQuerySet``), it reads this index, which holds only the few
deactivated accounts. The user model belongs to another app, hence SQL.
"""

from django.conf import settings
from django.db import migrations

INDEX = "alumni_inactive_users"


def _user_table(apps, schema_editor):
    user = apps.get_model(settings.AUTH_USER_MODEL)
    quote = schema_editor.quote_name
    return (
        quote(user._meta.db_table),
        quote(user._meta.pk.column),
        quote(user._meta.get_field("is_active").column),
    )


def add_index(apps, schema_editor):
    if not schema_editor.connection.features.supports_partial_indexes:
        return
    table, pk, is_active = _user_table(apps, schema_editor)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(INDEX)} "
        f"ON {table} ({pk}) WHERE NOT {is_active}"
    )


def drop_index(apps, schema_editor):
    if not schema_editor.connection.features.supports_partial_indexes:
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("alumni_partner", "0015_worker_heartbeat"),
    ]

    operations = [migrations.RunPython(add_index, drop_index)]
