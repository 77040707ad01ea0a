from django.apps import AppConfig


class AttainmentConfig(AppConfig):
    name = "attainment"
    verbose_name = "Attainment and identification"
