"""Trigram indexes for the builder's search as you type, on PostgreSQL only.

`icontains` is `UPPER(col::text) LIKE UPPER('%word%')`, which no b-tree serves; a GIN trigram index
on the same expression does, for words of three letters or more. SQLite (the embedded default) has
no such index and scans its few thousand rows instead.
"""

from django.db import migrations

INDEXES = {
    "programs_exercise_name_trgm": "name",
    "programs_exercise_summary_trgm": "summary",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {index} ON programs_exercise USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0009_favourites"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
