"""Database triggers that refuse UPDATE and DELETE on the audit table, on SQLite and PostgreSQL,
so the trail stays append-only even against raw SQL from the application's own connection."""

from django.db import migrations

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
POSTGRES_UP = [
    """CREATE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
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


def forwards(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
