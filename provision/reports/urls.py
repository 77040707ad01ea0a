"""The provision reports, mounted at /staff/provision/ beside provision/urls.py."""

from django.urls import path

from provision.reports import budget_views, views

urlpatterns = [
    path("map/", views.provision_map, name="provision_map"),
    path("map.xlsx", views.provision_map_xlsx, name="provision_map_xlsx"),
    path("map.pdf", views.provision_map_pdf, name="provision_map_pdf"),
    path("pupils/<id:pk>/costed-map/", views.pupil_costed_map, name="pupil_costed_map"),
    path(
        "pupils/<id:pk>/costed-map.xlsx",
        views.pupil_costed_map_xlsx,
        name="pupil_costed_map_xlsx",
    ),
    path("pupils/<id:pk>/costed-map.pdf", views.pupil_costed_map_pdf, name="pupil_costed_map_pdf"),
    path("pupils/<id:pk>/top-up/", views.pupil_top_up, name="pupil_top_up"),
    path("impact/", views.provision_impact, name="provision_impact"),
    path("budget/", views.provision_budget, name="provision_budget"),
    path("budget/spending/add/", budget_views.spending_line_add, name="spending_line_add"),
    path(
        "budget/spending/<id:pk>/remove/",
        budget_views.spending_line_remove,
        name="spending_line_remove",
    ),
    path("import/", views.provision_import, name="provision_import"),
    path(
        "import/template.xlsx",
        views.provision_import_template,
        name="provision_import_template",
    ),
]
