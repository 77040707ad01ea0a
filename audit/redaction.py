"""Redact the audit events written before `audit.log` filtered its data (issue 12).

The trail is append-only: the database refuses every UPDATE (audit/triggers.py). This module is
the one place that lifts that guard, for one step: migration 0004 drops the UPDATE trigger,
rewrites each old row's `data` and `object_label` through the same allow-list `audit.log` uses
now, and puts the trigger back, all in the migration's transaction (SQLite and PostgreSQL both
roll DDL back), so a failure leaves the trigger and the rows as they were."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps as global_apps

from audit import log, triggers

# The trigger that refuses UPDATE, by database: on PostgreSQL it refuses DELETE too, so it is
# dropped and recreated whole (DELETE stays refused by the model, and nothing here deletes).
_GUARD = {"sqlite": "audit_auditevent_no_update", "postgresql": "audit_auditevent_no_change"}


def _guard_exists(connection: Any) -> bool:
    name = _GUARD[connection.vendor]
    sql = (
        "SELECT 1 FROM pg_trigger WHERE tgname = %s"
        if connection.vendor == "postgresql"
        else "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [name])
        return cursor.fetchone() is not None


@contextmanager
def update_guard_lifted(connection: Any) -> Iterator[None]:
    """Drop the UPDATE trigger for the block and recreate it after, if it was installed (the
    test settings run without triggers). Use only inside a transaction."""
    name = _GUARD[connection.vendor]
    installed = _guard_exists(connection)
    up = triggers.POSTGRES_UP if connection.vendor == "postgresql" else triggers.SQLITE_UP
    create = [sql for sql in up if f"TRIGGER {name} " in sql]
    drop = f"DROP TRIGGER {name}" + (
        " ON audit_auditevent" if connection.vendor == "postgresql" else ""
    )
    if installed:
        with connection.cursor() as cursor:
            cursor.execute(drop)
    yield
    if installed:
        with connection.cursor() as cursor:
            for sql in create:
                cursor.execute(sql)


def redacted_label(object_type: str, object_id: str, apps: Any = global_apps) -> str:
    """The label `audit.log` writes now for a record of this type: its kind and id."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return ""  # not a model ("session", "SEN register"): written with no label
    return log.label_for(str(model._meta.verbose_name), object_id)


def redact_trail(event_model: Any, connection: Any, *, apps: Any = global_apps) -> int:
    """Rewrite every event whose data or label holds more than the allow-list keeps. Returns how
    many rows changed."""
    changed = []
    for event in event_model.objects.only(
        "pk", "data", "object_type", "object_id", "object_label"
    ).iterator(chunk_size=2000):
        data = log.mask(event.data) if isinstance(event.data, dict) else {"data": log.MASK}
        label = (
            redacted_label(event.object_type, event.object_id, apps) if event.object_label else ""
        )
        if data != event.data or label != event.object_label:
            event.data, event.object_label = data, label
            changed.append(event)
    with update_guard_lifted(connection):
        event_model.objects.bulk_update(changed, ["data", "object_label"], batch_size=500)
    return len(changed)
