"""Covering indexes on the open register entries and open needs, for the register's counts on
PostgreSQL.

`register_counts` joins a school's pupils on roll to their open K or E entry (provision, parents
told) and open primary need (type), grouped. PostgreSQL plans that as a hash join over every open
entry in the authority, reading each from the table; with these indexes it reads them from the
index alone (index-only scans, no table pages).
The unique constraints (register_one_open_entry_per_pupil, need_one_open_per_rank) index the same
rows but not the columns the counts read.

PostgreSQL only: SQLite already walks the school's pupils and looks each one up quickly, and
with these indexes present its planner, which has no statistics, turned to scanning every open
entry instead, which was slower. On SQLite the migration does nothing.

The models do not declare these indexes (they are the database's business, like the planner's
statistics), so `makemigrations` proposes nothing for them.
"""

from typing import Any

from django.db import migrations, models

INDEXES = [
    (
        "registerentry",
        models.Index(
            fields=["pupil", "provision", "parents_informed_on"],
            condition=models.Q(end_date__isnull=True),
            name="register_open_entry_cover",
        ),
    ),
    (
        "need",
        models.Index(
            fields=["pupil", "rank", "need_type"],
            condition=models.Q(end_date__isnull=True),
            name="need_open_by_rank_cover",
        ),
    ),
]


def add_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.add_index(apps.get_model("pupils", model_name), index)


def remove_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.remove_index(apps.get_model("pupils", model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("pupils", "0002_index_pupils_on_roll_by_school"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes, elidable=False)]
