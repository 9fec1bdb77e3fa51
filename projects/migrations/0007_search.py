"""GIN indexes for the header search on PostgreSQL, on the very expression the search ranks
(``core.search.search_vector``: title weighs A, body B), so a search is an index scan.
SQLite has no full-text search: there this migration does nothing and the search takes the
portable path.
"""

from django.db import migrations

from core.search import search_index

# (model, index name, title fields, body fields)
INDEXES = [
    ("Project", "project_search", ["name"], ["summary", "customer_value"]),
    ("Takeaway", "takeaway_search", ["title"], ["text", "tags"]),
]


def _add(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, title, body in INDEXES:
        schema_editor.add_index(
            apps.get_model("projects", model), search_index(name=name, title=title, body=body)
        )


def _remove(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _model, name, _title, _body in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_takeaway_requests")]

    operations = [migrations.RunPython(_add, _remove)]
