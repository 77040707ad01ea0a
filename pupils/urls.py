from django.urls import path, register_converter

from pupils import views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "exportfmt")

urlpatterns = [
    path("", views.school_home, name="school_home"),
    path("switch-school/", views.school_switch, name="school_switch"),
    path("register/", views.register, name="register"),
    path("register.<exportfmt:fmt>", views.register_export, name="register_export"),
    path("pupils/new/", views.pupil_create, name="pupil_create"),
    path("pupils/<int:pk>/edit/", views.pupil_edit, name="pupil_edit"),
    path("pupils/<int:pk>/register/change/", views.register_change, name="register_change"),
    path(
        "pupils/<int:pk>/register/<int:entry_pk>/parents-informed/",
        views.parents_informed,
        name="parents_informed",
    ),
    path("pupils/<int:pk>/needs/new/", views.need_add, name="need_add"),
    path("pupils/<int:pk>/needs/<int:need_pk>/end/", views.need_end, name="need_end"),
]
