"""The staff pupil record, included under staff/ beside pupils.urls (its URL is unchanged), and
the pupils to look at (records/identification.py)."""

from django.urls import path

from records import home_views, identification, provision_views, review_views, views

urlpatterns = [
    # The home lists support's concerns waiting for a decision, so records/ serves it.
    path("", home_views.school_home, name="school_home"),
    path("pupils/<id:pk>/", views.pupil_detail, name="pupil_detail"),
    # The review form shows provision's evidence, so records/ serves it (support's view inside).
    path("cycles/<id:pk>/review/", review_views.review, name="review"),
    # Provision run by someone untrained is flagged beside fidelity from duties' records.
    path("provision/", provision_views.provision_list, name="provision_list"),
    path("provision/<id:pk>/", provision_views.provision_detail, name="provision_detail"),
    path("pupils-to-look-at/", identification.look_at, name="pupils_to_look_at"),
    path(
        "pupils-to-look-at/<id:pk>/raise/",
        identification.raise_concern,
        name="flag_raise_concern",
    ),
    path(
        "pupils-to-look-at/<id:pk>/<id:subject_pk>/dismiss/",
        identification.dismiss,
        name="flag_dismiss",
    ),
]
