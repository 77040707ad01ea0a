"""Make the audit table append-only in the database itself (see audit/triggers.py)."""

from django.conf import settings
from django.db import migrations

from audit import triggers


def forwards(apps, schema_editor):
    if getattr(settings, "SENDPATH_AUDIT_TRIGGERS", True):
        triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
