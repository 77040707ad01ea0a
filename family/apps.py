from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "family"
    verbose_name = "Families as partners"
    default_auto_field = "django.db.models.BigAutoField"
