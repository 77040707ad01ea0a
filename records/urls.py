"""The staff pupil record, included under staff/ beside pupils.urls (its URL is unchanged)."""

from django.urls import path

from records import home_views, review_views, views

urlpatterns = [
    # The home lists support's concerns waiting for a decision, so records/ serves it.
    path("", home_views.school_home, name="school_home"),
    path("pupils/<id:pk>/", views.pupil_detail, name="pupil_detail"),
    # The review form shows provision's evidence, so records/ serves it (support's view inside).
    path("cycles/<id:pk>/review/", review_views.review, name="review"),
]
