from django.urls import path

from provision import views

urlpatterns = [
    # "" and "<id:pk>/" (the list and a provision's page) are served by records.provision_views.
    path("new/", views.provision_create, name="provision_create"),
    path("interventions/", views.library, name="provision_library"),
    path("interventions/new/", views.intervention_add, name="provision_intervention_add"),
    path("staff-roles/", views.staff_roles, name="provision_staff_roles"),
    path("staff-roles/<id:pk>/", views.staff_role_edit, name="provision_staff_role_edit"),
    path("<id:pk>/edit/", views.provision_edit, name="provision_edit"),
    path("<id:pk>/pupils/new/", views.enrol, name="provision_enrol"),
    path("<id:pk>/register/", views.session_register, name="provision_register"),
    path("enrolments/<id:pk>/end/", views.enrolment_end, name="provision_enrolment_end"),
    path("enrolments/<id:pk>/data/", views.measures, name="provision_measures"),
]
