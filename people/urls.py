from django.urls import path

from people import views

# Mounted at /staff/school/ beside the term dates and sign-in pages (accounts.school_urls).
urlpatterns = [
    path("staff/", views.school_staff, name="school_staff"),
    path("staff/<id:pk>/role/", views.membership_role, name="membership_role"),
    path("staff/<id:pk>/end/", views.membership_end, name="membership_end"),
    path("staff/invitations/<id:pk>/cancel/", views.invitation_cancel, name="invitation_cancel"),
    path("families/", views.school_families, name="school_families"),
    path("families/new/", views.contact_add, name="contact_add"),
    path("families/<id:pk>/", views.contact_detail, name="contact_detail"),
    path("families/<id:pk>/invite/", views.parent_invite, name="parent_invite"),
    path("classes/", views.school_classes, name="school_classes"),
    path("classes/<schoolyear:start_year>/", views.school_classes, name="school_classes_year"),
    path("classes/group/<id:pk>/", views.group_detail, name="group_detail"),
    path("classes/upload/", views.classes_upload, name="classes_upload"),
    path("classes/upload/<str:token>/", views.classes_upload_map, name="classes_upload_map"),
    path("assignments/", views.ta_assignments, name="ta_assignments"),
    path("assignments/<id:pk>/end/", views.assignment_end, name="assignment_end"),
    path("new-year/", views.school_rollover, name="school_rollover"),
]
