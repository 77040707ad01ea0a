"""Attainment's pages, included under staff/."""

from django.urls import path

from attainment import views

urlpatterns = [
    path("attainment/import/", views.import_upload, name="attainment_import"),
    path("attainment/import/<str:token>/", views.import_map, name="attainment_import_map"),
    path("attainment/settings/", views.identification_settings, name="identification_settings"),
    path("pupils/<id:pk>/progress/", views.pupil_progress, name="pupil_progress"),
    path("attainment/points/<id:pk>/remove/", views.point_remove, name="assessment_point_remove"),
]
