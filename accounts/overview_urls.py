from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.overview_home, name="overview_home"),
]
