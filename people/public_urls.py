from django.urls import path

from people import views

# Opened from an invitation, before the person is a member (mounted at the site's root).
urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("family/join/", views.family_join, name="family_join"),
    path("family/join/<str:token>/", views.family_join, name="family_join_link"),
    path("install/", views.installation, name="installation"),
]
