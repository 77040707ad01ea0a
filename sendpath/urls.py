from django.urls import include, path

from api.api import api
from sendpath import converters, views

converters.register()  # <id:>, <schoolyear:>, <exportfmt:>, before the apps' URLs are read

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("staff/", include("pupils.urls")),
    path("staff/", include("records.urls")),
    path("staff/", include("attainment.urls")),
    path("staff/", include("support.urls")),
    path("staff/provision/", include("provision.urls")),
    path("staff/provision/", include("provision.reports.urls")),
    path("staff/audit/", include("audit.urls")),
    path("staff/school/", include("accounts.school_urls")),
    path("staff/school/", include("people.urls")),
    path("", include("people.public_urls")),
    path("staff/import/", include("interop.urls")),
    path("staff/", include("interop.staff_urls")),
    path("staff/compliance/", include("statutory.compliance_urls")),
    path("staff/", include("family.urls")),
    path("staff/duties/", include("duties.urls")),
    path("", include("duties.public_urls")),
    path("family/", include("records.family_urls")),
    path("overview/", include("records.overview_urls")),
    path("ehc/", include("statutory.urls")),
    path("api/v1/", api.urls),
    path("", include("support.pdf_urls")),
]

handler403 = "sendpath.views.forbidden"
handler404 = "sendpath.views.not_found"
handler500 = "sendpath.views.server_error"
