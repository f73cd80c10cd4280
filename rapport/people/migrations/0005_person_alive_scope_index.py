"""PostgreSQL: check "alive and visible" for a person from an index alone.

Every list page counts its matches up to the cap; for a common tag or a broad
search that is 10,001 people to check for ``deleted_at IS NULL`` and, for a rep,
owner or team. From the table that means a heap page per person (0.1–0.4 s when
those pages are not cached); this partial covering index answers with an
index-only scan once autovacuum has marked the pages all-visible (measured: a
rep's count for a common tag, 0.14 s → 0.07 s). SQLite fetches such rows by rowid;
the index was not measured there, so it is PostgreSQL only.
"""

from django.db import migrations

NAME = "person_alive_scope_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {NAME} ON people_person (id, owner_id, team_id) WHERE deleted_at IS NULL"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_email_prefix_index")]
    operations = [migrations.RunPython(forwards, backwards)]
