from django.urls import path

from records import family_views as v

urlpatterns = [
    path("", v.family_home, name="family_home"),
    path("language/", v.family_language, name="family_language"),
    path("children/<id:pk>/", v.family_pupil, name="family_pupil"),
    path("children/<id:pk>/views/", v.family_views, name="family_views"),
    path("children/<id:pk>/ehc/", v.family_ehc, name="family_ehc"),
    path("children/<id:pk>/reviews/<id:cycle_pk>/", v.family_review, name="family_review"),
    path("children/<id:pk>/acknowledge/", v.family_acknowledge, name="family_acknowledge"),
    path("children/<id:pk>/messages/", v.family_log, name="family_log"),
    path("children/<id:pk>/concern/", v.family_concern, name="family_concern"),
    path("children/<id:pk>/voice/", v.family_voice, name="family_voice"),
    path("children/<id:pk>/my-targets/", v.family_my_targets, name="family_my_targets"),
    path("cycles/<id:pk>/plan.pdf", v.family_plan_pdf, name="family_cycle_plan_pdf"),
    path("cycles/<id:pk>/review.pdf", v.family_review_pdf, name="family_cycle_review_pdf"),
]
