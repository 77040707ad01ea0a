from django.urls import path

from accounts import views

urlpatterns = [
    path("terms/", views.school_terms, name="school_terms"),
    path("terms/<schoolyear:start_year>/", views.school_terms, name="school_terms_year"),
    path(
        "terms/<schoolyear:start_year>/closures/",
        views.school_closure_add,
        name="school_closure_add",
    ),
    path(
        "terms/<schoolyear:start_year>/closures/<id:pk>/remove/",
        views.school_closure_remove,
        name="school_closure_remove",
    ),
    path("sign-in/", views.school_sign_in, name="school_sign_in"),
    path("sign-in/<id:pk>/unlock/", views.school_sign_in_unlock, name="school_sign_in_unlock"),
    path(
        "sign-in/<id:pk>/two-factor/reset/",
        views.school_two_factor_reset,
        name="school_two_factor_reset",
    ),
]
