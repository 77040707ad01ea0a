from django.urls import path

from interop import views

urlpatterns = [
    path("ctf/", views.ctf_upload, name="ctf_upload"),
    path("ctf/confirm", views.ctf_confirm, name="ctf_confirm"),
]
