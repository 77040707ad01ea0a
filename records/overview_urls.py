from django.urls import path

from records import views

urlpatterns = [
    path("", views.overview_home, name="overview_home"),
]
