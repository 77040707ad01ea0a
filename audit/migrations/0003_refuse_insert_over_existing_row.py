"""SQLite: refuse an INSERT whose id is already taken, so `INSERT OR REPLACE` cannot rewrite an
audit event past the UPDATE and DELETE triggers of 0002 (see audit/triggers.py). Nothing to do on
PostgreSQL, where `ON CONFLICT DO UPDATE` meets the update trigger."""

from django.conf import settings
from django.db import migrations

from audit import triggers


def forwards(apps, schema_editor):
    if getattr(settings, "SENDPATH_AUDIT_TRIGGERS", True):
        triggers.install_no_replace(schema_editor.connection)


def backwards(apps, schema_editor):
    triggers.uninstall_no_replace(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
