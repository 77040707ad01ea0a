from django.urls import path

from interop import transfer_views, views

urlpatterns = [
    path("ctf/", views.ctf_upload, name="ctf_upload"),
    path("ctf/confirm", views.ctf_confirm, name="ctf_confirm"),
    path("sen-file/", transfer_views.sen_file_upload, name="sen_file_upload"),
]
