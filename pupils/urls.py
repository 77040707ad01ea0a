from django.urls import path

from pupils import views

urlpatterns = [
    path("switch-school/", views.school_switch, name="school_switch"),
    path("register/", views.register, name="register"),
    path("register.<exportfmt:fmt>", views.register_export, name="register_export"),
    path("pupils/new/", views.pupil_create, name="pupil_create"),
    path("pupils/<id:pk>/edit/", views.pupil_edit, name="pupil_edit"),
    path(
        "pupils/<id:pk>/register/<id:entry_pk>/parents-informed/",
        views.parents_informed,
        name="parents_informed",
    ),
    path("pupils/<id:pk>/needs/new/", views.need_add, name="need_add"),
    path("pupils/<id:pk>/needs/<id:need_pk>/end/", views.need_end, name="need_end"),
]
