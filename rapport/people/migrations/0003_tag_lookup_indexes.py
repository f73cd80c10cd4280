"""Covering indexes for "people (or organisations) with tag X".

Django's own indexes on the tag through tables are (record, tag) and (tag) alone:
finding the records with a tag then reads every through-table row. A
(tag, record) index answers it from the index only — 44,000 rows for a common
tag at a million people. Plain SQL because the through models are Django's.
"""

from django.db import migrations

INDEXES = (
    ("people_person_tags", "person_tags_tag_person_idx", "tag_id, person_id"),
    ("people_organization_tags", "org_tags_tag_org_idx", "tag_id, organization_id"),
)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_indexes")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX {name}",
        )
        for table, name, columns in INDEXES
    ]
