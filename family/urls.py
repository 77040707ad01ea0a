"""The staff's family-area pages, mounted under /staff/ by sendpath/urls.py."""

from django.urls import path

from family import views

urlpatterns = [
    path("pupils/<id:pk>/log/", views.pupil_log, name="pupil_log"),
    path("pupils/<id:pk>/log/reply/", views.pupil_log_reply, name="pupil_log_reply"),
    path("pupils/<id:pk>/key-person/", views.key_person_edit, name="key_person_edit"),
    path("school/signposting/", views.school_signposting, name="school_signposting"),
]
