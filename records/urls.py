"""The staff pupil record, included under staff/ beside pupils.urls (its URL is unchanged)."""

from django.urls import path

from records import views

urlpatterns = [
    path("pupils/<id:pk>/", views.pupil_detail, name="pupil_detail"),
]
