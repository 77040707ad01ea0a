"""Database triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit events.

Installed by migrations 0002 and 0003 unless settings.SENDPATH_AUDIT_TRIGGERS is False. The test settings turn
them off so the test runner can empty tables between tests; audit/tests installs them inside a
test transaction to prove they work."""

from typing import Any

SQLITE_UP = [
    """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]
# Migration 0003. SQLite's `INSERT OR REPLACE` (and `REPLACE INTO`) over an existing id deletes
# the old row without firing a DELETE trigger (recursive triggers are off), so refuse an insert
# whose id is taken. PostgreSQL needs nothing more: `INSERT ... ON CONFLICT DO UPDATE` is an UPDATE
# and meets the update trigger, and `ON CONFLICT DO NOTHING` changes nothing.
SQLITE_NO_REPLACE_UP = [
    """CREATE TRIGGER audit_auditevent_no_replace BEFORE INSERT ON audit_auditevent
       WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_NO_REPLACE_DOWN = ["DROP TRIGGER IF EXISTS audit_auditevent_no_replace;"]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_auditevent_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();""",
    # TRUNCATE skips row triggers; refuse it too.
    """CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_change ON audit_auditevent;",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only();",
]


def install(connection: Any) -> None:
    statements = POSTGRES_UP if connection.vendor == "postgresql" else SQLITE_UP
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uninstall(connection: Any) -> None:
    statements = POSTGRES_DOWN if connection.vendor == "postgresql" else SQLITE_DOWN
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_no_replace(connection: Any) -> None:
    """Migration 0003's trigger (SQLite only)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in SQLITE_NO_REPLACE_UP:
                cursor.execute(sql)


def uninstall_no_replace(connection: Any) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in SQLITE_NO_REPLACE_DOWN:
                cursor.execute(sql)
