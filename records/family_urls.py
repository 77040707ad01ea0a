from django.urls import path

from records import family_views

urlpatterns = [
    path("", family_views.family_home, name="family_home"),
    path("children/<id:pk>/", family_views.family_pupil, name="family_pupil"),
    path("children/<id:pk>/views/", family_views.family_views, name="family_views"),
    path("children/<id:pk>/ehc/", family_views.family_ehc, name="family_ehc"),
]
