"""An audit event cannot be rewritten by inserting over its id (issue 12, item 10): SQLite's
`INSERT OR REPLACE` / `REPLACE INTO` fire no DELETE trigger, so migration 0003 refuses an insert
whose id is taken; on PostgreSQL `INSERT ... ON CONFLICT DO UPDATE` meets the update trigger."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit import log as audit
from audit import triggers
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _copy_as(event_id: int, verb: str, tail: str = "") -> str:
    """`<verb> INTO audit_auditevent (...) SELECT ...` of the event with its action changed."""
    columns = [str(f.column) for f in AuditEvent._meta.concrete_fields]
    values = ["'tampered'" if c == "action" else c for c in columns]
    # Column names from the model, an int id and fixed verbs: nothing from outside.
    select = f"SELECT {', '.join(values)} FROM audit_auditevent WHERE id = {int(event_id)}"  # noqa: S608
    return f"{verb} INTO audit_auditevent ({', '.join(columns)}) {select} {tail}"


def _statements(event_id: int) -> list[str]:
    if connection.vendor == "postgresql":
        return [
            _copy_as(event_id, "INSERT", "ON CONFLICT (id) DO UPDATE SET action = excluded.action")
        ]
    return [
        _copy_as(event_id, "INSERT OR REPLACE"),
        _copy_as(event_id, "REPLACE"),
        _copy_as(event_id, "INSERT", "ON CONFLICT (id) DO UPDATE SET action = excluded.action"),
    ]


def _install() -> None:
    triggers.install(connection)
    triggers.install_no_replace(connection)


def _uninstall() -> None:
    triggers.uninstall_no_replace(connection)
    triggers.uninstall(connection)


def test_inserting_over_an_existing_event_is_refused_and_the_event_stays(world):
    event = audit.log("view", world.users["senco"], world.amy)
    with transaction.atomic():  # DDL is transactional on SQLite and PostgreSQL: rolled back after
        _install()
        for statement in _statements(event.pk):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        _uninstall()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.action == "view" and AuditEvent.objects.count() == 1


def test_new_events_are_still_written_with_the_triggers_installed(world):
    with transaction.atomic():
        _install()
        first = audit.log("view", world.users["senco"], world.amy)
        second = audit.log("view", world.users["senco"], world.ben)
        assert second.pk > first.pk
        _uninstall()


def test_without_the_new_trigger_sqlite_would_let_the_replace_through(world):
    """The control: the 0002 triggers alone do not stop INSERT OR REPLACE on SQLite."""
    if connection.vendor != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    event = audit.log("view", world.users["senco"], world.amy)
    with transaction.atomic():
        triggers.install(connection)
        with connection.cursor() as cursor:
            cursor.execute(_copy_as(event.pk, "INSERT OR REPLACE"))
        assert AuditEvent.objects.get(pk=event.pk).action == "tampered"
        triggers.uninstall(connection)
        transaction.set_rollback(True)
