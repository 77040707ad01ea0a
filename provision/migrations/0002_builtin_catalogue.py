"""The built-in intervention catalogue (provision/catalogue.py). Reversible."""

from django.db import migrations

from provision import catalogue
from provision.catalogue import CATALOGUE


def load(apps, schema_editor):
    catalogue.load(apps.get_model("provision", "Intervention"))


def unload(apps, schema_editor):
    apps.get_model("provision", "Intervention").objects.filter(school=None, name__in=[row[0] for row in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("provision", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
