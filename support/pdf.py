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
from django.utils.translation import gettext, gettext_noop
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from pupils.models import Pupil
from support import rules
from support.models import Attendance, Cycle, OverallProgress, Passport, Plan, Review, TargetRating

# PDF/UA-1 makes WeasyPrint tag the structure (pdf_tags) and write the metadata it requires.
PDF_VARIANT = "pdf/ua-1"

# What each review decision means, in words a parent would use (the decision itself is
# rules.DECISIONS; test_pdf checks every decision has a line here). Each is translated when the
# document is rendered, in the language active then (a parent's own, for the family's PDFs).
DECISION_EXPLAINED: dict[str, str] = {
    "continue": gettext_noop("The support is working, so we will carry on with it."),
    "adjust": gettext_noop("We will keep going with the plan but change some of the support."),
    "change": gettext_noop(
        "The support has not helped enough, so we will stop it and try something different."
    ),
    "specialist": gettext_noop(
        "We will ask a specialist, for example an educational psychologist or a speech and "
        "language therapist, to help us understand %(name)s's needs and how best to help."
    ),
    "ehc_request": gettext_noop(
        "We will ask the local council for an education, health and care (EHC) needs "
        "assessment. This is a detailed look at %(name)s's needs, to decide whether %(name)s "
        "needs an EHC plan: a legal document setting out the support %(name)s must get."
    ),
    "remove": gettext_noop(
        "%(name)s has made good progress and no longer needs SEN support. We will keep checking "
        "%(name)s's progress, as we do for every child, and you can talk to us at any time."
    ),
}

# SEN support and an EHC plan explained for the header of each document (census codes K and E).
PROVISION_EXPLAINED: dict[str, str] = {
    "K": gettext_noop(
        "SEN support: extra help at school for special educational needs, planned by the school"
    ),
    "E": gettext_noop("An education, health and care (EHC) plan, agreed with the local council"),
}

# The words of rules' and support's fixed lists, for parents: rules are pure (no Django, so no
# gettext), so their English is repeated here, where it can be translated. test_pdf checks that
# these say what the lists say.
DECISION_WORDS: dict[str, str] = {
    "continue": gettext_noop("Continue as planned"),
    "adjust": gettext_noop("Adjust the support"),
    "change": gettext_noop("Stop and try something else"),
    "specialist": gettext_noop("Involve a specialist"),
    "ehc_request": gettext_noop("Request an EHC needs assessment"),
    "remove": gettext_noop("Remove from the SEN register"),
}
RATING_WORDS: dict[int, str] = {
    -2: gettext_noop("Well below expected"),
    -1: gettext_noop("Below expected"),
    0: gettext_noop("As expected"),
    1: gettext_noop("Above expected"),
    2: gettext_noop("Well above expected"),
}
OUTCOME_WORDS: dict[str, str] = {
    rules.ACHIEVED: gettext_noop("Achieved"),
    rules.PARTLY_ACHIEVED: gettext_noop("Partly achieved"),
    rules.NOT_ACHIEVED: gettext_noop("Not yet achieved"),
    rules.NOT_YET_DUE: gettext_noop("Not yet due: its date is after this review"),
}
PROGRESS_WORDS: dict[str, str] = {
    OverallProgress.ABOVE: gettext_noop("Better than expected"),
    OverallProgress.EXPECTED: gettext_noop("As expected"),
    OverallProgress.LESS: gettext_noop("Less than expected"),
    OverallProgress.LITTLE_OR_NONE: gettext_noop("Little or no progress"),
}
ATTENDANCE_WORDS: dict[str, str] = {
    Attendance.IN_PERSON: gettext_noop("In person"),
    Attendance.PHONE: gettext_noop("By phone"),
    Attendance.VIDEO: gettext_noop("By video call"),
    Attendance.WRITTEN: gettext_noop("Sent views in writing"),
    Attendance.NOT_PRESENT: gettext_noop("Did not take part"),
}


def _words(table: dict[Any, str], key: Any, fallback: str) -> str:
    return gettext(table[key]) if key in table else fallback


def year_label(nc_year: str) -> str:
    """The pupil's year group in the active language ("Year 5", "Reception")."""
    if nc_year.isdigit():
        return gettext("Year %(year)s") % {"year": nc_year}
    named = {
        "N1": gettext_noop("Nursery 1"),
        "N2": gettext_noop("Nursery 2"),
        "R": gettext_noop("Reception"),
    }
    return gettext(named[nc_year]) if nc_year in named else nc_year


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
    return gettext(PROVISION_EXPLAINED[code]) if code in PROVISION_EXPLAINED else ""


def _common(pupil: Pupil) -> dict[str, Any]:
    return {
        "pupil": pupil,
        "name": pupil.forename,
        "school": pupil.school,
        "provision": _provision(pupil),
        "year_label": year_label(pupil.nc_year),
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
            {
                "rating": r,
                "label": gettext(RATING_WORDS[r.rating]),
                "outcome": gettext(OUTCOME_WORDS[r.outcome]),
                "met": r.met,
            }
            for r in review.ratings.all()
        ],
        "decision": gettext(DECISION_WORDS[review.decision]),
        "decision_explained": gettext(DECISION_EXPLAINED[review.decision]) % {"name": name},
        "attendance": _words(
            ATTENDANCE_WORDS, review.parent_attendance, review.get_parent_attendance_display()
        ),
        "overall_progress": _words(
            PROGRESS_WORDS, review.overall_progress, review.get_overall_progress_display()
        ),
        "next_plan": next_plan,
    }


def passport_context(pupil: Pupil) -> dict[str, Any]:
    """What the one-page passport shows; 404 if the pupil has no passport yet."""
    passport = Passport.objects.filter(pupil=pupil).first()
    if passport is None:
        raise Http404("This pupil has no passport yet.")
    return {**_common(pupil), "passport": passport}
