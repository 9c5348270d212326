"""An index on ``lower(email)`` of Django's user table, for the alumni import.

The import finds existing accounts by e-mail whatever its case
(``Lower("email") IN (...)``, 2,000 addresses a chunk). Without an index
each chunk reads the whole user table: about a hundred scans of a growing
table for 200,000 lines. SQLite and PostgreSQL both index the expression.
"""

from django.db import migrations

INDEX = "alumni_user_email_lower"


class Migration(migrations.Migration):
    dependencies = [
        ("alumni_partner", "0011_directory_city_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {INDEX} ON auth_user (lower(email))",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
