"""The SEN file as a portable document (docs/sen-file.md, docs/schemas/sen-file-1.0.schema.json):
what a leaver's next school needs, built in a fixed number of queries, checked against the
published JSON Schema, and rendered as the transfer pack's PDF.

`sen_file(pupil)` is the whole file (kind "sen-file"); `plan_file(pupil)` is the whole current
plan (kind "plan": current needs, the plan's cycle with its views, the plan), the same shape for
the pupil and the plan, which `interop.plan_import` reads back at another school. Both are plain dicts of JSON values.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import School
from provision.models import Enrolment
from pupils import census
from pupils.models import Pupil, RegisterEntry
from support import rules as support_rules
from support.models import AssessmentView, Cycle, Passport, Target, ViewSource

SCHEMA_VERSION = "1.0"
SCHEMA_ID = "https://sendpath.org.uk/schemas/sen-file-1.0.schema.json"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs/schemas/sen-file-1.0.schema.json"
SPECIALISTS = frozenset(
    {
        ViewSource.EDUCATIONAL_PSYCHOLOGIST,
        ViewSource.SPEECH_LANGUAGE_THERAPIST,
        ViewSource.OUTREACH,
        ViewSource.OTHER_SPECIALIST,
    }
)


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


def problems(document: Any) -> list[str]:
    """What is wrong with a document against the schema, each named by its JSON path."""
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    return [f"{e.json_path}: {e.message}" for e in map(_deepest, found)]


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For "not valid under any of the given schemas" (a plan or null), the error inside the
    likeliest branch, so the message names the field (`$.latest_plan.targets[0].position`)."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def _d(day: date | datetime | None) -> str | None:
    return None if day is None else day.isoformat()


def _school(school: School) -> dict[str, Any]:
    return {
        "urn": school.urn,
        "la": school.la.code if school.la_id else "",
        "estab": school.establishment_number,
        "name": school.name,
    }


def _pupil(pupil: Pupil) -> dict[str, Any]:
    return {
        "upn": pupil.upn,
        "former_upn": pupil.former_upn,
        "legal_forename": pupil.legal_forename,
        "legal_surname": pupil.legal_surname,
        "middle_names": pupil.middle_names,
        "preferred_forename": pupil.preferred_forename,
        "preferred_surname": pupil.preferred_surname,
        "date_of_birth": _d(pupil.date_of_birth),
        "sex": pupil.sex,
        "nc_year": pupil.nc_year,
        "admission_date": _d(pupil.admission_date),
        "leaving_date": _d(pupil.leaving_date),
    }


def _header(pupil: Pupil, kind: str) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "kind": kind,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "source_school": _school(pupil.school),
        "pupil": _pupil(pupil),
    }


def _loaded(pupil: Pupil) -> Pupil:
    """The pupil with everything the file reads, prefetched (a fixed number of queries)."""
    cycles = Cycle.objects.select_related("plan", "review").prefetch_related(
        Prefetch("plan__targets", queryset=Target.objects.prefetch_related("ratings")),
        Prefetch("views", queryset=AssessmentView.objects.order_by("given_on", "pk")),
    )
    enrolments = Enrolment.objects.select_related(
        "provision", "provision__intervention"
    ).prefetch_related("measures")
    return (
        Pupil.objects.select_related("school", "school__la")
        .prefetch_related(
            Prefetch(
                "register_entries", queryset=RegisterEntry.objects.select_related("decided_by")
            ),
            "needs",
            Prefetch("cycles", queryset=cycles.order_by("number")),
            Prefetch("enrolments", queryset=enrolments.order_by("start_date", "pk")),
        )
        .get(pk=pupil.pk)
    )


def _register(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {
            "provision": e.provision,
            "label": census.SEN_PROVISION_LABELS[e.provision],
            "start_date": _d(e.start_date),
            "end_date": _d(e.end_date),
            "reason": e.reason,
            "decided_by": e.decided_by_label,
        }
        for e in sorted(pupil.register_entries.all(), key=lambda e: e.start_date)
    ]


def _needs(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {
            "need_type": n.need_type,
            "label": census.SEN_TYPE_LABELS[n.need_type],
            "rank": n.rank,
            "start_date": _d(n.start_date),
            "end_date": _d(n.end_date),
            "description": n.description,
        }
        for n in sorted(pupil.needs.all(), key=lambda n: (n.start_date, n.rank))
    ]


def _view(v: AssessmentView) -> dict[str, Any]:
    return {
        "source": v.source,
        "source_label": v.get_source_display(),
        "given_by": v.given_by,
        "given_on": _d(v.given_on),
        "views": v.views,
        "strengths": v.strengths,
        "barriers": v.barriers,
        "assessments": v.assessments,
        "progress_vs_peers": v.progress_vs_peers,
    }


def _target(t: Target) -> dict[str, Any]:
    rating = next(iter(t.ratings.all()), None)
    return {
        "position": t.position,
        "description": t.description,
        "baseline": t.baseline,
        "measure": t.measure,
        "target_value": t.target_value,
        "target_date": _d(t.target_date),
        "responsible": t.responsible,
        "outcome": None
        if rating is None
        else {
            "rating": rating.rating,
            "rating_label": support_rules.RATING_LABELS[rating.rating],
            "outcome": rating.outcome,
            "outcome_label": support_rules.OUTCOMES.get(rating.outcome, rating.outcome),
            "value_reached": rating.value_reached,
            "comment": rating.comment,
        },
    }


def _plan(cycle: Cycle) -> dict[str, Any] | None:
    plan = getattr(cycle, "plan", None)
    if plan is None:
        return None
    return {
        "cycle_number": cycle.number,
        "plan_date": _d(plan.plan_date),
        "review_date": _d(plan.review_date),
        "outcomes": plan.outcomes,
        "adjustments": plan.adjustments,
        "provision": plan.provision,
        "pupil_strategies": plan.pupil_strategies,
        "parents_agreed_on": _d(plan.parents_agreed_on),
        "parent_comments": plan.parent_comments,
        "pupil_agreed": plan.pupil_agreed,
        "targets": [_target(t) for t in sorted(plan.targets.all(), key=lambda t: t.position)],
    }


def _review(cycle: Cycle) -> dict[str, Any] | None:
    review = getattr(cycle, "review", None)
    if review is None:
        return None
    return {
        "held_on": _d(review.held_on),
        "is_it_working": review.is_it_working,
        "how_much_difference": review.how_much_difference,
        "child_thinks": review.child_thinks,
        "overall_progress": review.overall_progress,
        "overall_progress_label": review.get_overall_progress_display(),
        "parent_views": review.parent_views,
        "pupil_views": review.pupil_views,
        "decision": review.decision,
        "decision_label": support_rules.DECISIONS.get(review.decision, review.decision),
        "decision_notes": review.decision_notes,
        "next_review_date": _d(review.next_review_date),
    }


def _cycle(c: Cycle) -> dict[str, Any]:
    return {
        "number": c.number,
        "opened_on": _d(c.opened_on),
        "closed_on": _d(c.closed_on),
        "views": [_view(v) for v in c.views.all() if v.source not in SPECIALISTS],
        "plan": _plan(c),
        "review": _review(c),
    }


def _cycles(pupil: Pupil) -> list[dict[str, Any]]:
    return [_cycle(c) for c in pupil.cycles.all()]


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _provision(pupil: Pupil) -> list[dict[str, Any]]:
    out = []
    for e in pupil.enrolments.all():
        measures = {m.kind: m for m in e.measures.all()}
        entry, exit_ = measures.get("entry"), measures.get("exit")
        impact = None
        if entry is not None and exit_ is not None and entry.name == exit_.name:
            impact = {
                "assessment": entry.name,
                "measure_type": entry.measure_type,
                "entry": _number(entry.value),
                "exit": _number(exit_.value),
                "change": _number(exit_.value - entry.value),
            }
        p = e.provision
        out.append(
            {
                "name": p.name,
                "intervention": p.intervention.name if p.intervention_id else "",
                "wave": p.wave,
                "session_minutes": p.session_minutes,
                "sessions_per_week": len(p.weekdays),
                "start_date": _d(e.start_date),
                "end_date": _d(e.end_date or p.end_date),
                "impact": impact,
            }
        )
    return out


def _advice(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {**_view(v), "cycle_number": c.number}
        for c in pupil.cycles.all()
        for v in c.views.all()
        if v.source in SPECIALISTS
    ]


def _passport(pupil: Pupil) -> dict[str, Any] | None:
    passport = Passport.objects.filter(pupil=pupil).first()
    if passport is None:
        return None
    return {
        "about_me": passport.about_me,
        "strengths": passport.strengths,
        "what_helps": passport.what_helps,
        "what_does_not_help": passport.what_does_not_help,
        "key_adjustments": passport.key_adjustments,
        "written_with_pupil": passport.written_with_pupil,
        "written_with_parent": passport.written_with_parent,
        "updated_on": _d(timezone.localdate(passport.updated_at)),
    }


def _planned(pupil: Pupil) -> Cycle | None:
    planned = [c for c in pupil.cycles.all() if getattr(c, "plan", None) is not None]
    return planned[-1] if planned else None


def _latest_plan(pupil: Pupil) -> dict[str, Any] | None:
    cycle = _planned(pupil)
    return None if cycle is None else _plan(cycle)


def sen_file(pupil: Pupil, *, destination: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole SEN file: register history, needs, every cycle (views, plan with targets and
    their outcomes, review), provision with its impact, specialist advice, the latest plan and
    the passport."""
    loaded = _loaded(pupil)
    return {
        **_header(loaded, "sen-file"),
        "destination_school": destination,
        "register_history": _register(loaded),
        "needs": _needs(loaded),
        "cycles": _cycles(loaded),
        "provision": _provision(loaded),
        "specialist_advice": _advice(loaded),
        "latest_plan": _latest_plan(loaded),
        "passport": _passport(loaded),
    }


def plan_file(pupil: Pupil) -> dict[str, Any]:
    """The whole current plan (kind "plan"), what settings exchange and
    `interop.plan_import` reads: the pupil, the school, the current needs, the cycle of the
    latest plan (its views, the plan, its review if held) and that plan again as `latest_plan`
    with its outcomes, targets, provision and review date."""
    loaded = _loaded(pupil)
    cycle = _planned(loaded)
    current = [n for n in _needs(loaded) if n["end_date"] is None]
    return {
        **_header(loaded, "plan"),
        "needs": current,
        "cycles": [] if cycle is None else [_cycle(cycle)],
        "latest_plan": None if cycle is None else _plan(cycle),
    }


def pdf_context(document: dict[str, Any]) -> dict[str, Any]:
    """What the transfer pack's PDF template reads: the document itself (so the PDF and the
    JSON say the same), with the names it prints."""
    pupil = document["pupil"]
    forename = pupil["preferred_forename"] or pupil["legal_forename"]
    surname = pupil["preferred_surname"] or pupil["legal_surname"]
    return {
        "doc": document,
        "school": document["source_school"],
        "created": timezone.now(),
        "name": forename,
        "full_name": f"{forename} {surname}",
        "nc_year_label": census.NC_YEAR_LABELS.get(pupil["nc_year"], pupil["nc_year"]),
    }
