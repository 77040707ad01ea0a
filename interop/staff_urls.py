from django.urls import path

from interop import plan_views
from interop import transfer_views as views

urlpatterns = [
    path("pupils/<id:pk>/leaving/", views.leaving_page, name="leaving"),
    path("pupils/<id:pk>/leaving/sent", views.leaving_sent, name="leaving_sent"),
    path("pupils/<id:pk>/leaving/archive", views.leaving_archive, name="leaving_archive"),
    path("pupils/<id:pk>/leaving/ctf.xml", views.leaver_ctf, name="leaver_ctf"),
    path("pupils/<id:pk>/sen-file.json", views.sen_file_json, name="sen_file_json"),
    path("pupils/<id:pk>/sen-file.pdf", views.sen_file_pdf, name="sen_file_pdf"),
    path("pupils/<id:pk>/plan-import/", plan_views.plan_upload, name="plan_upload"),
    path("pupils/<id:pk>/plan-import/confirm", plan_views.plan_confirm, name="plan_confirm"),
    path("leavers/", views.leavers, name="leavers"),
]
