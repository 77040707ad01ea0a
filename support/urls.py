from django.urls import path

from support import views

urlpatterns = [
    path("pupils/<id:pk>/register/change/", views.register_change, name="register_change"),
    path("pupils/<id:pk>/concerns/new/", views.concern_create, name="concern_create"),
    path("concerns/", views.concern_list, name="concern_list"),
    path("concerns/<id:pk>/decide/", views.concern_decide, name="concern_decide"),
    path("pupils/<id:pk>/cycles/new/", views.cycle_open, name="cycle_open"),
    path("cycles/<id:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<id:pk>/views/new/", views.view_add, name="view_add"),
    path("cycles/<id:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("cycles/<id:pk>/targets/new/", views.target_add, name="target_add"),
    path("targets/<id:pk>/remove/", views.target_remove, name="target_remove"),
    path("cycles/<id:pk>/notes/new/", views.note_add, name="note_add"),
    path("cycles/<id:pk>/amend/", views.amend, name="amend"),
    path("pupils/<id:pk>/documents/new/", views.attachment_add, name="attachment_add"),
    path("pupils/<id:pk>/specialists/new/", views.specialist_add, name="specialist_add"),
    path("documents/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("pupils/<id:pk>/passport/", views.passport, name="passport"),
    path("pupils/<id:pk>/passport/edit/", views.passport_edit, name="passport_edit"),
]
