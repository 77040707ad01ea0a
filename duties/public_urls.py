from django.urls import path

from duties import family_views, public_views

urlpatterns = [
    path(
        "schools/<str:urn>/sen-information-report/",
        public_views.public_report,
        name="public_information_report",
    ),
    path(
        "schools/<str:urn>/sen-information-report/pdf/",
        public_views.public_report_pdf,
        name="public_information_report_pdf",
    ),
    path(
        "family/sen-information-report/",
        family_views.family_report,
        name="family_information_report",
    ),
]
