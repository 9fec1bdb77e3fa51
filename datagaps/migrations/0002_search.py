"""Full-text search of requests on PostgreSQL: pg_trgm, a stored tsvector and its GIN index.

``search_vector`` holds the title (weight A) and the description (weight B), kept by a
trigger on every insert and on updates of those columns, so neither the services nor bulk
inserts need to remember it. It is not a model field: SQLite has no tsvector, and on SQLite
this migration does nothing (``make run`` works there with the portable fallback).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = """
ALTER TABLE datagaps_datagap ADD COLUMN search_vector tsvector;
CREATE FUNCTION datagaps_datagap_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(NEW.data_needed, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER datagaps_datagap_search_vector
  BEFORE INSERT OR UPDATE OF title, data_needed ON datagaps_datagap
  FOR EACH ROW EXECUTE FUNCTION datagaps_datagap_search_vector();
UPDATE datagaps_datagap SET title = title;
CREATE INDEX datagap_search ON datagaps_datagap USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS datagap_search;
DROP TRIGGER IF EXISTS datagaps_datagap_search_vector ON datagaps_datagap;
DROP FUNCTION IF EXISTS datagaps_datagap_search_vector();
ALTER TABLE datagaps_datagap DROP COLUMN IF EXISTS search_vector;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("datagaps", "0001_initial")]

    operations = [
        # Does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
