"""The database itself refuses to change or delete audit events."""

from django.db import migrations


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for op in ("UPDATE", "DELETE"):
                cursor.execute(
                    f"CREATE TRIGGER core_auditevent_no_{op.lower()} BEFORE {op} ON core_auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
                )
        elif conn.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()"
            )


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for op in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS core_auditevent_no_{op}")
        elif conn.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent")
            cursor.execute("DROP FUNCTION IF EXISTS core_auditevent_append_only()")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
