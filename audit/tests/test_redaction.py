"""Migration 0004: the events written before the allow-list lose their free text, and the trail
is append-only again afterwards."""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from audit import log as audit
from audit import redaction, triggers
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
MARK = "Zq7Marker"


def old_style_event(world, **extra):
    """An event as `audit.log` wrote it before the allow-list: values copied as they were."""
    return AuditEvent.objects.create(
        actor_label="senco",
        action="update",
        object_type="support.Target",
        object_id="7",
        object_label=f"{MARK} read 20 words",
        pupil_id=world.amy.pk,
        school_id=world.oak.pk,
        data={
            "amendment": f"{MARK} reason",
            "outcomes": {"from": f"{MARK} old", "to": f"{MARK} new"},
            "review_date": {"from": "2025-10-01", "to": "2025-12-19"},
            "version": 3,
        },
        **extra,
    )


def test_redaction_keeps_the_allow_list_and_brings_the_trigger_back(world):
    event = old_style_event(world)
    session = AuditEvent.objects.create(action="login", object_type="session", data={})
    with transaction.atomic():  # DDL is transactional on SQLite and PostgreSQL
        triggers.install(connection)
        assert redaction.redact_trail(AuditEvent, connection) == 1
        event.refresh_from_db()
        assert MARK not in str(event.data) and MARK not in event.object_label
        assert event.data == {
            "amendment": audit.MASK,
            "outcomes": {"from": audit.MASK, "to": audit.MASK},
            "review_date": {"from": "2025-10-01", "to": "2025-12-19"},
            "version": 3,
        }
        assert event.object_label == "target 7"
        session.refresh_from_db()
        assert session.object_label == "" and session.data == {}
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE audit_auditevent SET data = '{}'")
        triggers.uninstall(connection)


def test_redaction_installs_no_trigger_where_there_was_none(world):
    old_style_event(world)
    with transaction.atomic():
        redaction.redact_trail(AuditEvent, connection)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET action = 'view'")  # still allowed
    assert not AuditEvent.objects.exclude(action="view").exists()


def test_redacting_twice_changes_nothing(world):
    old_style_event(world)
    redaction.redact_trail(AuditEvent, connection)
    assert redaction.redact_trail(AuditEvent, connection) == 0


def test_the_migration_runs_the_redaction_after_the_triggers():
    migration = importlib.import_module("audit.migrations.0004_redact_free_text").Migration
    assert ("audit", "0003_refuse_insert_over_existing_row") in migration.dependencies
    assert migration.operations[0].code.__module__ == "audit.migrations.0004_redact_free_text"
