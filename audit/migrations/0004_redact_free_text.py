"""Redact what the trail kept before `audit.log` filtered its data: plan text, amendment reasons,
target descriptions in labels (issue 12). The one write the append-only trail ever accepts: see
audit/redaction.py for how the UPDATE trigger is lifted for this step only."""

from django.db import migrations

from audit import redaction


def forwards(apps, schema_editor):
    # The model as it is now (not the historical one) names record kinds for the labels; the
    # events themselves are read and written through the historical model.
    redaction.redact_trail(apps.get_model("audit", "AuditEvent"), schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_refuse_insert_over_existing_row")]
    # Nothing to undo: what was redacted is gone, which is the point.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
