"""The compliance pages, mounted at /staff/compliance/."""

from django.urls import path

from statutory import compliance_views as views

urlpatterns = [
    path("", views.compliance_school, name="compliance_school"),
    path("summary/", views.compliance_summary, name="compliance_summary"),
]
