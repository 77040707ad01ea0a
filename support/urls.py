from django.urls import path

from support import views

urlpatterns = [
    path("pupils/<int:pk>/concerns/new/", views.concern_create, name="concern_create"),
    path("concerns/<int:pk>/decide/", views.concern_decide, name="concern_decide"),
    path("pupils/<int:pk>/cycles/new/", views.cycle_open, name="cycle_open"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/views/new/", views.view_add, name="view_add"),
    path("cycles/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("cycles/<int:pk>/targets/new/", views.target_add, name="target_add"),
    path("targets/<int:pk>/remove/", views.target_remove, name="target_remove"),
    path("cycles/<int:pk>/notes/new/", views.note_add, name="note_add"),
    path("cycles/<int:pk>/review/", views.review, name="review"),
    path("cycles/<int:pk>/amend/", views.amend, name="amend"),
    path("pupils/<int:pk>/documents/new/", views.attachment_add, name="attachment_add"),
    path("documents/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("pupils/<int:pk>/passport/", views.passport, name="passport"),
    path("pupils/<int:pk>/passport/edit/", views.passport_edit, name="passport_edit"),
]
