"""The audit trail stays append-only, with one exception: GDPR erasure may set a
person's event's ``changes`` to exactly {"redacted": "erased"}, leaving every other
column as it was. Every other UPDATE, and every DELETE, is still refused by the database.
Replaces the triggers of core 0002 (same names), on SQLite and PostgreSQL."""

from django.db import migrations

MARKER = '{"redacted": "erased"}'
UNCHANGED = (
    "NEW.id = OLD.id AND NEW.created_at IS {same} OLD.created_at "
    "AND NEW.actor_id IS {same} OLD.actor_id AND NEW.actor_label = OLD.actor_label "
    "AND NEW.action = OLD.action AND NEW.entity_type = OLD.entity_type "
    "AND NEW.entity_id = OLD.entity_id AND OLD.entity_type = 'person'"
)
SQLITE_OLD = (
    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
)
SQLITE_NEW = (
    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    f"WHEN NOT (NEW.changes = '{MARKER}' AND {UNCHANGED.format(same='')}) "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
)
PG_OLD = (
    "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql"
)
PG_NEW = (
    "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
    "BEGIN "
    f"IF TG_OP = 'UPDATE' AND NEW.changes = '{MARKER}'::jsonb "
    f"AND {UNCHANGED.format(same='NOT DISTINCT FROM')} THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql"
)


def _apply(schema_editor, sqlite_sql, pg_sql):
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            cursor.execute(sqlite_sql)
        elif conn.vendor == "postgresql":
            cursor.execute(pg_sql)


def forwards(apps, schema_editor):
    _apply(schema_editor, SQLITE_NEW, PG_NEW)


def backwards(apps, schema_editor):
    _apply(schema_editor, SQLITE_OLD, PG_OLD)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only"), ("dataio", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
