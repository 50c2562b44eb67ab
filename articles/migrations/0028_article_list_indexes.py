from django.db import migrations

# On PostgreSQL only: SQLite has no trigram indexes, and its indexes cannot say
# where empty dates sort (its list reads the archive fast enough without).
INDEXES = [
    # The article list's order, newest first with drafts (no date yet) last:
    # a page is read along it, however many stories a search or filter keeps.
    (
        "article_list_order_idx",
        "ON articles_article (publish_at DESC NULLS LAST, id DESC)",
    ),
    # The admin's search matches any part of a word in the headline or the
    # standfirst (icontains); a trigram index finds a rare word without reading
    # every story.
    (
        "article_headline_trgm_idx",
        "ON articles_article USING gin (upper(headline::text) gin_trgm_ops)",
    ),
    (
        "article_standfirst_trgm_idx",
        "ON articles_article USING gin (upper(standfirst::text) gin_trgm_ops)",
    ),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0027_editorial_comments_and_scheduled_updates"),
    ]

    operations = [migrations.RunPython(add_indexes, drop_indexes)]
