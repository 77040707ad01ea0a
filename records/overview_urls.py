from django.urls import path

from family import views as family_views
from records import views

urlpatterns = [
    path("", views.overview_home, name="overview_home"),
    path("compliance/", views.overview_compliance, name="overview_compliance"),
    path("signposting/", family_views.la_signposting, name="la_signposting"),
]
