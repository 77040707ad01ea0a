from django.apps import AppConfig


class StatutoryConfig(AppConfig):
    name = "statutory"
    verbose_name = "EHC needs assessments and plans"
