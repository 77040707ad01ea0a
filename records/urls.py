"""The staff pupil record, included under staff/ beside pupils.urls (its URL is unchanged)."""

from django.urls import path

from records import review_views, views

urlpatterns = [
    path("pupils/<id:pk>/", views.pupil_detail, name="pupil_detail"),
    # The review form shows provision's evidence, so records/ serves it (support's view inside).
    path("cycles/<id:pk>/review/", review_views.review, name="review"),
]
