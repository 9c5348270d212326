"""Indexes for the job board, measured by tests/benchmarks/bench_offers.py.

With 20,000 live offers on PostgreSQL:

- ``offer_country_contract``: the board's most common filters together
  (country + contract type). The contract type alone keeps its foreign key's
  index, so the former ``offer_contract_type`` index was a duplicate.
- ``alumni_page_last_published``, on Wagtail's page table: the board lists
  offers newest first (``-last_published_at, -id``, see
  ``offer_listing.OFFER_ORDERS``). Without it each board page sorts every
  live page (about 40 ms); with it the first page reads 20 index entries
  (under 1 ms). Wagtail has no index on that column. SQLite and PostgreSQL.
- ``alumni_search_title_body``, on Wagtail's search index, PostgreSQL only:
  the database search backend matches keywords against ``title || body``,
  an expression the GIN indexes on each column cannot serve. Its own GIN
  index finds keywords without reading every entry, and gives the planner
  statistics for the expression: without them it took "python" (one offer
  in five) for a rare word and chose plans 2 to 5 times slower.

Indexes on other apps' tables are created with SQL (``IF NOT EXISTS``) and
dropped on the way back; their names say whose they are.
"""

from django.db import migrations, models

PAGE_INDEX = "alumni_page_last_published"
SEARCH_INDEX = "alumni_search_title_body"


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {quote(SEARCH_INDEX)} ON {quote(table)} "
        f"USING gin (({quote('title')} || {quote('body')}))"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"DROP INDEX IF EXISTS {schema_editor.quote_name(SEARCH_INDEX)}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("alumni_partner", "0007_offer_vocabularies"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="offerpage", name="offer_contract_type"),
        migrations.AddIndex(
            model_name="offerpage",
            index=models.Index(
                fields=["country", "contract_type"], name="offer_country_contract"
            ),
        ),
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {PAGE_INDEX} ON wagtailcore_page "
            "(last_published_at DESC, id DESC)",
            reverse_sql=f"DROP INDEX IF EXISTS {PAGE_INDEX}",
        ),
        migrations.RunPython(add_search_index, drop_search_index),
    ]
