"""An erasure also redacts the history of records about the person (their orders, the
notes about them), not only the person's own events: the audit table's trigger allows
the redaction marker on any event, still leaving every other column as it was. Every
other UPDATE, and every DELETE, is still refused by the database."""

from django.db import migrations

MARKER = '{"redacted": "erased"}'
UNCHANGED = (
    "NEW.id = OLD.id AND NEW.created_at IS {same} OLD.created_at "
    "AND NEW.actor_id IS {same} OLD.actor_id AND NEW.actor_label = OLD.actor_label "
    "AND NEW.action = OLD.action AND NEW.entity_type = OLD.entity_type "
    "AND NEW.entity_id = OLD.entity_id"
)
PERSON_ONLY = " AND OLD.entity_type = 'person'"


def _sqlite(unchanged: str) -> str:
    return (
        "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
        f"WHEN NOT (NEW.changes = '{MARKER}' AND {unchanged}) "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
    )


def _pg(unchanged: str) -> str:
    return (
        "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
        "BEGIN "
        f"IF TG_OP = 'UPDATE' AND NEW.changes = '{MARKER}'::jsonb "
        f"AND {unchanged} THEN RETURN NEW; END IF; "
        "RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql"
    )


def _apply(schema_editor, extra):
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            cursor.execute(_sqlite(UNCHANGED.format(same="") + extra))
        elif conn.vendor == "postgresql":
            cursor.execute(_pg(UNCHANGED.format(same="NOT DISTINCT FROM") + extra))


def forwards(apps, schema_editor):
    _apply(schema_editor, "")


def backwards(apps, schema_editor):
    _apply(schema_editor, PERSON_ONLY)


class Migration(migrations.Migration):
    dependencies = [("dataio", "0002_audit_allows_erasure")]
    operations = [migrations.RunPython(forwards, backwards)]
