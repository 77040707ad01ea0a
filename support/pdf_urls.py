"""PDF documents and the review-given record. Mounted at the site root by sendpath/urls.py
(`path("", include("support.pdf_urls"))`), so each path names its area: staff/ or family/."""

from django.urls import path

from support import pdf_views

urlpatterns = [
    path("staff/cycles/<id:pk>/plan.pdf", pdf_views.plan_pdf, name="cycle_plan_pdf"),
    path("staff/cycles/<id:pk>/review.pdf", pdf_views.review_pdf, name="cycle_review_pdf"),
    path(
        "staff/cycles/<id:pk>/review/given/",
        pdf_views.review_given,
        name="cycle_review_given",
    ),
    path("staff/pupils/<id:pk>/passport.pdf", pdf_views.passport_pdf, name="pupil_passport_pdf"),
    # The parents' plan and review PDFs are records.family_urls' (with the signposting).
]
