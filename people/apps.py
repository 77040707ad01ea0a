from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The school's people and its year: staff and parent invitations, memberships, classes and
    TA assignments, the installation's schools, and the new school year's rollover."""

    name = "people"
    default_auto_field = "django.db.models.BigAutoField"
