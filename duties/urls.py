from django.urls import path

from duties import deployment_views, governors_views, isp_views, trace_views, training_views, views

urlpatterns = [
    path("report/", views.report_home, name="information_report"),
    path("report/new/", views.report_new, name="information_report_new"),
    path("report/<id:pk>/", views.report_version, name="information_report_version"),
    path("report/<id:pk>/edit/", views.report_edit, name="information_report_edit"),
    path("report/<id:pk>/share/", views.report_share, name="information_report_share"),
    path("report/<id:pk>/publish/", views.report_publish, name="information_report_publish"),
    path("report/<id:pk>/sent-to-la/", views.report_sent_to_la, name="information_report_sent"),
    path("report/comments/<id:pk>/answer/", views.comment_answer, name="report_comment_answer"),
]

urlpatterns += [
    path("training/", training_views.training, name="duties_training"),
    path("training/add/", training_views.training_add, name="duties_training_add"),
    path(
        "training/courses/<id:pk>/",
        training_views.course_requirements,
        name="duties_course_requirements",
    ),
    path("training/<id:pk>/certificate/", training_views.certificate, name="duties_certificate"),
]

urlpatterns += [
    path("governors/", governors_views.governors_report, name="duties_governors"),
    path("governors/pdf/", governors_views.governors_report_pdf, name="duties_governors_pdf"),
]

urlpatterns += [
    path("traces/", trace_views.sample, name="duties_traces"),
    path("traces/sample.pdf", trace_views.sample_pdf, name="duties_trace_sample_pdf"),
    path("traces/<id:pk>/", trace_views.pupil_trace, name="duties_trace"),
    path("traces/<id:pk>/pdf/", trace_views.pupil_trace_pdf, name="duties_trace_pdf"),
    path("pupils/<id:pk>/plan/", isp_views.layer, name="duties_layer"),
]

urlpatterns += [
    path("teaching-assistants/", deployment_views.ta_deployment, name="duties_ta_deployment"),
]
