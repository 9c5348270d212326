"""Quick search of the directory on PostgreSQL: a trigram index on ``search_text``.

The directory matches each word of a quick search anywhere in the visible
words of a profile (``search_text LIKE '%word%'``). Without an index that
reads all 200,000 rows; ``pg_trgm``'s GIN index finds the rows holding a word
of three letters or more directly. ``pg_trgm`` is a trusted extension: the
database's owner may create it. SQLite scans, which is fine at its scale.
"""

from django.db import migrations

INDEX = "alumni_search_text_trgm"


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("alumni_partner", "AlumniProfile")._meta.db_table
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {quote(INDEX)} ON {quote(table)} "
        f"USING gin ({quote('search_text')} gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [("alumni_partner", "0009_alumni")]

    operations = [migrations.RunPython(add_trigram_index, drop_trigram_index)]
