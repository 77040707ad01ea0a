"""The built-in intervention catalogue (provision/catalogue.py). Reversible."""

from django.db import migrations

from provision.catalogue import CATALOGUE


def load(apps, schema_editor):
    Intervention = apps.get_model("provision", "Intervention")
    for name, area, description, strength, size, minutes, per_week, weeks, staff, measure in CATALOGUE:
        Intervention.objects.update_or_create(
            school=None, name=name,
            defaults=dict(area=area, description=description, evidence_strength=strength, group_size=size,
                          session_minutes=minutes, sessions_per_week=per_week, weeks=weeks, staff_kind=staff, measure_type=measure),
        )


def unload(apps, schema_editor):
    apps.get_model("provision", "Intervention").objects.filter(school=None, name__in=[row[0] for row in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("provision", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
