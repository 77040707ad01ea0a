"""Printable documents for parents and staff: the plan of a cycle, the record of its review (seed
001: given to the parents, with the date it was given recorded) and the pupil passport.

Rendered by WeasyPrint as tagged PDF (PDF/UA-1): headings, lists and tables reach screen readers,
the language and title are set, and the wording is plain English for parents. The templates are
self-contained; nothing is fetched while rendering.
"""

from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from pupils.models import Pupil
from support import rules
from support.models import Cycle, Passport, Plan, Review, TargetRating

# PDF/UA-1 makes WeasyPrint tag the structure (pdf_tags) and write the metadata it requires.
PDF_VARIANT = "pdf/ua-1"

# What each review decision means, in words a parent would use (the decision itself is
# rules.DECISIONS; test_pdf checks every decision has a line here).
DECISION_EXPLAINED: dict[str, str] = {
    "continue": "The support is working, so we will carry on with it.",
    "adjust": "We will keep going with the plan but change some of the support.",
    "change": "The support has not helped enough, so we will stop it and try something different.",
    "specialist": (
        "We will ask a specialist, for example an educational psychologist or a speech and "
        "language therapist, to help us understand {name}'s needs and how best to help."
    ),
    "ehc_request": (
        "We will ask the local council for an education, health and care (EHC) needs "
        "assessment. This is a detailed look at {name}'s needs, to decide whether {name} needs "
        "an EHC plan: a legal document setting out the support {name} must get."
    ),
    "remove": (
        "{name} has made good progress and no longer needs SEN support. We will keep checking "
        "{name}'s progress, as we do for every child, and you can talk to us at any time."
    ),
}

# SEN support and an EHC plan explained for the header of each document (census codes K and E).
PROVISION_EXPLAINED: dict[str, str] = {
    "K": "SEN support: extra help at school for special educational needs, planned by the school",
    "E": "An education, health and care (EHC) plan, agreed with the local council",
}


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The template rendered as a tagged A4 PDF (PDF/UA-1). Only data: URLs may be loaded, so
    text typed into a record can never make the renderer fetch anything."""
    html = render_to_string(template_name, context)
    # No base_url: the templates link to nothing relative (styles are inline, fonts are the
    # system's), and the fetcher refuses everything but data: URLs.
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"]))
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


def _provision(pupil: Pupil) -> str:
    entry = pupil.register_entries.filter(end_date__isnull=True).first()
    code = entry.provision if entry else "N"
    return PROVISION_EXPLAINED.get(code, "")


def _common(pupil: Pupil) -> dict[str, Any]:
    return {
        "pupil": pupil,
        "name": pupil.forename,
        "school": pupil.school,
        "provision": _provision(pupil),
        "created": timezone.now(),
    }


def plan_context(cycle: Cycle) -> dict[str, Any]:
    """What the plan document shows; 404 if the cycle has no plan yet."""
    plan = Plan.objects.filter(cycle=cycle).prefetch_related("targets").first()
    if plan is None:
        raise Http404("This cycle has no plan yet.")
    return {**_common(cycle.pupil), "cycle": cycle, "plan": plan}


def review_context(cycle: Cycle) -> dict[str, Any]:
    """What the review document shows; 404 unless the cycle's review has been completed."""
    ratings = TargetRating.objects.select_related("target").order_by("target__position", "pk")
    review = (
        Review.objects.filter(cycle=cycle)
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .first()
    )
    if review is None:
        raise Http404("This cycle has not been reviewed yet.")
    name = cycle.pupil.forename
    next_plan = Plan.objects.filter(
        cycle__pupil=cycle.pupil, cycle__number=cycle.number + 1
    ).first()
    return {
        **_common(cycle.pupil),
        "cycle": cycle,
        "plan": Plan.objects.filter(cycle=cycle).first(),
        "review": review,
        "ratings": [
            {"rating": r, "label": rules.RATING_LABELS[r.rating], "met": r.met}
            for r in review.ratings.all()
        ],
        "decision": rules.DECISIONS[review.decision],
        "decision_explained": DECISION_EXPLAINED[review.decision].format(name=name),
        "next_plan": next_plan,
    }


def passport_context(pupil: Pupil) -> dict[str, Any]:
    """What the one-page passport shows; 404 if the pupil has no passport yet."""
    passport = Passport.objects.filter(pupil=pupil).first()
    if passport is None:
        raise Http404("This pupil has no passport yet.")
    return {**_common(pupil), "passport": passport}
