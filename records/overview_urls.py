from django.urls import path

from records import views

urlpatterns = [
    path("", views.overview_home, name="overview_home"),
    path("compliance/", views.overview_compliance, name="overview_compliance"),
]
