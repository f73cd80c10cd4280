"""Organisations get a switchboard phone number (E.164, blank when unknown).

On SQLite, Django would add a NOT NULL column by rebuilding the table, dropping
the search-index triggers with it (see 0006): there the column is added with a
plain ``ALTER TABLE … ADD COLUMN`` instead. PostgreSQL takes Django's own
``AddField``.
"""

from django.db import migrations, models

TABLE = "people_organization"


def _field() -> models.CharField:
    return models.CharField(blank=True, help_text="E.164", max_length=20)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN phone varchar(20) NOT NULL DEFAULT ''"
        )
        return
    field = _field()
    field.set_attributes_from_name("phone")
    schema_editor.add_field(apps.get_model("people", "Organization"), field)


def backwards(apps, schema_editor):
    # SQLite 3.35+ drops a column in place, without rebuilding the table.
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN phone")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_drop_indexes_covered_by_composites"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="organization", name="phone", field=_field()),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
