from django.urls import path

from duties import views

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
