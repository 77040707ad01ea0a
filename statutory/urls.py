from django.urls import path

from statutory import views

urlpatterns = [
    path("", views.casework, name="ehc_casework"),
    path("figures/", views.la_figures, name="ehc_la_figures"),
    path("pupils/<id:pk>/requests/new/", views.request_new, name="ehc_request_new"),
    path("pupils/<id:pk>/evidence-pack/", views.evidence_pack, name="ehc_evidence_pack"),
    path("pupils/<id:pk>/plans/new/", views.plan_new, name="ehc_plan_new"),
    path("requests/<id:pk>/plan/new/", views.plan_new_for_request, name="ehc_plan_new_for_request"),
    path("requests/<id:pk>/", views.request_detail, name="ehc_request"),
    path("requests/<id:pk>/decisions/", views.request_decision, name="ehc_request_decision"),
    path("requests/<id:pk>/caseworker/", views.request_caseworker, name="ehc_request_caseworker"),
    path("plans/<id:pk>/caseworker/", views.plan_caseworker, name="ehc_plan_caseworker"),
    path("requests/<id:pk>/exceptions/new/", views.exception_add, name="ehc_exception_add"),
    path("plans/<id:pk>/", views.plan_detail, name="ehc_plan"),
    path("plans/<id:pk>/reviews/new/", views.review_add, name="ehc_review_add"),
    path("plans/<id:pk>/transfers/new/", views.transfer_add, name="ehc_transfer_add"),
    path("plans/<id:pk>/sections/", views.plan_sections, name="ehc_plan_sections"),
    path("plans/<id:pk>/links/", views.plan_links, name="ehc_plan_links"),
    path("plans/<id:pk>/f-in-place/", views.f_in_place, name="ehc_f_in_place"),
    path("plans/<id:pk>/f-in-place.pdf", views.f_in_place_pdf, name="ehc_f_in_place_pdf"),
    path("plans/<id:pk>/documents/new/", views.plan_document_add, name="ehc_plan_document_add"),
    path("documents/<id:pk>/", views.document_download, name="ehc_document"),
    path("reviews/<id:pk>/", views.review_detail, name="ehc_review"),
    path("reviews/<id:pk>/report.pdf", views.review_report, name="ehc_review_report"),
    path("reviews/<id:pk>/report/send/", views.review_report_send, name="ehc_review_report_send"),
    path("reviews/<id:pk>/decision/", views.review_decision, name="ehc_review_decision"),
    path("reviews/<id:pk>/invitations/new/", views.invitation_add, name="ehc_invitation_add"),
    path(
        "reviews/<id:pk>/invitations/<id:invitation>/",
        views.invitation_edit,
        name="ehc_invitation_edit",
    ),
]
