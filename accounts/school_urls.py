from django.urls import path

from accounts import views

urlpatterns = [
    path("terms/", views.school_terms, name="school_terms"),
    path("terms/<schoolyear:start_year>/", views.school_terms, name="school_terms_year"),
]
