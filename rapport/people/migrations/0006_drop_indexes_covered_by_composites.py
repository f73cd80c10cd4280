"""Drop single-column indexes that composite ones already serve.

Every index costs each insert; an import of a million people paid for these
without any query needing them:
- person/organisation ``owner_id``, ``team_id``, ``updated_at``: led by the
  (owner, -updated_at), (team, -updated_at) and (-updated_at, -id) indexes;
- e-mail, phone and affiliation ``person_id``: led by the unique (person, …);
- the tag through tables' ``person_id``/``organization_id``: led by their unique
  (record, tag), and their ``tag_id``: led by 0003's (tag, record).

Only the indexes go, by name (``DROP INDEX``). Letting Django apply the field
changes itself would rebuild these tables on SQLite, dropping the search-index
and audit triggers with them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# (table, index, columns) as Django named them when it created them.
DROPPED = (
    ("people_person", "people_person_owner_id_62c3e8e8", "owner_id"),
    ("people_person", "people_person_team_id_4e7bfd3d", "team_id"),
    ("people_person", "people_person_updated_at_2b46f1c4", "updated_at"),
    ("people_organization", "people_organization_owner_id_531141d8", "owner_id"),
    ("people_organization", "people_organization_team_id_952665c1", "team_id"),
    ("people_organization", "people_organization_updated_at_9d9d04c8", "updated_at"),
    ("people_personemail", "people_personemail_person_id_ea437548", "person_id"),
    ("people_personphone", "people_personphone_person_id_51f43c3c", "person_id"),
    ("people_affiliation", "people_affiliation_person_id_8c379ef7", "person_id"),
    ("people_person_tags", "people_person_tags_person_id_e889c71e", "person_id"),
    ("people_person_tags", "people_person_tags_tag_id_ff091006", "tag_id"),
    (
        "people_organization_tags",
        "people_organization_tags_organization_id_89450953",
        "organization_id",
    ),
    ("people_organization_tags", "people_organization_tags_tag_id_5bf12212", "tag_id"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("people", "0005_person_alive_scope_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="affiliation",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="affiliations",
                        to="people.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="organization",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="organization",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.team",
                    ),
                ),
                migrations.AlterField(
                    model_name="organization",
                    name="updated_at",
                    field=models.DateTimeField(default=django.utils.timezone.now),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.team",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="updated_at",
                    field=models.DateTimeField(default=django.utils.timezone.now),
                ),
                migrations.AlterField(
                    model_name="personemail",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="emails",
                        to="people.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="personphone",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phones",
                        to="people.person",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f"DROP INDEX IF EXISTS {name}",
                    reverse_sql=f"CREATE INDEX {name} ON {table} ({columns})",
                )
                for table, name, columns in DROPPED
            ],
        ),
    ]
