"""The compliance engine's inputs, read from the database for one school in a fixed number of
queries (one per table, whatever the number of pupils), and its findings."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.models import LocalAuthority, School
from duties.models import InformationReport
from pupils.models import Pupil, RegisterEntry, TeachingGroup
from statutory import compliance
from support.models import AssessmentView, Cycle, Target, ViewSource

# The views that count as specialist involvement (SPECIALIST_NOT_INVOLVED).
SPECIALIST_SOURCES = frozenset(
    {
        ViewSource.EDUCATIONAL_PSYCHOLOGIST,
        ViewSource.SPEECH_LANGUAGE_THERAPIST,
        ViewSource.OUTREACH,
        ViewSource.OTHER_SPECIALIST,
    }
)


def _of(pupils: dict[str, Any], path: str) -> dict[str, Any]:
    """The pupils' filter (on Pupil) as a filter on a model reaching them along `path`."""
    return {f"{path}__{key}": value for key, value in pupils.items()}


def _cycles(pupils: dict[str, Any]) -> dict[int, list[compliance.Cycle]]:
    """{pupil id: cycles with their plan, targets and review}: two queries, plain values (the
    texts of plans and reviews are never loaded)."""
    targets: dict[int, list[compliance.Target]] = {}
    target_rows = (
        Target.objects.filter(**_of(pupils, "plan__cycle__pupil"))
        .order_by("plan_id", "position", "pk")
        .values_list("plan_id", "baseline", "measure", "target_value", "target_date")
    )
    for plan_id, baseline, measure, value, target_date in target_rows:
        target = compliance.Target(baseline, measure, value, target_date)
        targets.setdefault(plan_id, []).append(target)
    cycles: dict[int, list[compliance.Cycle]] = {}
    rows = Cycle.objects.filter(**_of(pupils, "pupil")).values_list(
        "pupil_id", "number", "opened_on", "closed_on",
        "plan__pk", "plan__plan_date", "plan__review_date", "plan__parents_agreed_on",
        "review__pk", "review__held_on", "review__parent_attendance",
        "review__overall_progress", "review__given_to_parents_on",
    )  # fmt: skip
    for row in rows:
        pupil_id, number, opened, closed, plan_id, plan_date, review_date, agreed = row[:8]
        review_id, held, how, progress, given = row[8:]
        plan = (
            compliance.Plan(plan_date, review_date, agreed, tuple(targets.get(plan_id, ())))
            if plan_id
            else None
        )
        review = compliance.Review(held, how, progress, given) if review_id else None
        cycles.setdefault(pupil_id, []).append(
            compliance.Cycle(number, opened, closed, plan, review)
        )
    return cycles


def _register(pupils: dict[str, Any]) -> dict[int, list[compliance.RegisterEntry]]:
    register: dict[int, list[compliance.RegisterEntry]] = {}
    rows = (
        RegisterEntry.objects.filter(**_of(pupils, "pupil"))
        .order_by("start_date", "pk")
        .values_list("pupil_id", "provision", "start_date", "end_date", "parents_informed_on")
    )
    for pupil_id, provision, start, end, told in rows:
        register.setdefault(pupil_id, []).append(
            compliance.RegisterEntry(provision, start, end, told)
        )
    return register


def _specialists(pupils: dict[str, Any]) -> dict[int, list[compliance.SpecialistInvolvement]]:
    labels = dict(ViewSource.choices)
    specialists: dict[int, list[compliance.SpecialistInvolvement]] = {}
    rows = AssessmentView.objects.filter(
        **_of(pupils, "cycle__pupil"), source__in=SPECIALIST_SOURCES
    ).values_list("cycle__pupil_id", "given_on", "source")
    for pupil_id, given_on, source in rows:
        involvement = compliance.SpecialistInvolvement(given_on, labels.get(source, source))
        specialists.setdefault(pupil_id, []).append(involvement)
    return specialists


def ehc_requests(pupil_id: int) -> tuple[compliance.EHCRequest, ...]:
    """EHC needs assessment requests: none until the EHC records (statutory's models, the EHC
    issue) exist; then read them for the school in one query in school_records, as the
    cycles are, and hand each pupil theirs."""
    return ()


def ehc_plans(pupil_id: int) -> tuple[compliance.EHCPlan, ...]:
    """EHC plans and their annual reviews: none until the EHC records exist (as ehc_requests)."""
    return ()


def information_report(school: School) -> compliance.InformationReport | None:
    """The SEN information report's last publication (duties.models, one query): None (no
    finding) while the school has not started one in sendpath; a version started but never
    published reads as never published."""
    dates = InformationReport.objects.filter(school=school).values_list("published_on", flat=True)
    rows = list(dates)
    if not rows:
        return None
    published = [d for d in rows if d is not None]
    return compliance.InformationReport(published_on=max(published) if published else None)


def _pupil_records(pupils: dict[str, Any]) -> tuple[compliance.PupilRecords, ...]:
    """The records of the pupils matching the filter `pupils` (on Pupil): five queries."""
    register, cycles, specialists = _register(pupils), _cycles(pupils), _specialists(pupils)
    rows = Pupil.objects.filter(**pupils).order_by("pk").values_list("pk", "upn", "nc_year")
    return tuple(
        compliance.PupilRecords(
            upn=upn,
            nc_year=nc_year,
            register=tuple(register.get(pk, ())),
            cycles=tuple(cycles.get(pk, ())),
            specialists=tuple(specialists.get(pk, ())),
            ehc_requests=ehc_requests(pk),
            ehc_plans=ehc_plans(pk),
        )
        for pk, upn, nc_year in rows
    )


def school_records(school: School) -> compliance.SchoolRecords:
    """Everything the engine reads for one school: pupils with their register, cycles (plan,
    targets, review) and specialist views. Five queries, whatever the number of pupils."""
    return compliance.SchoolRecords(
        phase=school.phase,
        pupils=_pupil_records({"school": school}),
        information_report=information_report(school),
    )


def pupil_findings(pupil: Pupil, on: date) -> list[compliance.Finding]:
    """One pupil's own findings on `on` (for the pupil record): five queries."""
    records = compliance.SchoolRecords(
        phase=pupil.school.phase, pupils=_pupil_records({"pk": pupil.pk})
    )
    return compliance.findings(records, on)


def school_findings(school: School, on: date) -> list[compliance.Finding]:
    """The school's findings on `on`."""
    return compliance.findings(school_records(school), on)


@dataclass(frozen=True)
class PupilRef:
    """What the compliance page shows of a pupil and links to."""

    pk: int
    name: str
    open_cycle_id: int | None
    group_ids: frozenset[int]


def pupil_refs(pupils: QuerySet[Pupil], start_year: int) -> dict[str, PupilRef]:
    """{UPN: PupilRef} for these pupils (a visible_pupils queryset): three queries."""
    open_cycles = Cycle.objects.filter(closed_on__isnull=True).only("pk", "pupil_id")
    groups = TeachingGroup.objects.filter(school_year__start_year=start_year).only("pk")
    rows = pupils.only(
        "pk", "upn", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"
    ).prefetch_related(
        Prefetch("cycles", queryset=open_cycles, to_attr="open_cycles"),
        Prefetch("teaching_groups", queryset=groups, to_attr="this_years_groups"),
    )
    return {
        p.upn: PupilRef(
            pk=p.pk,
            name=p.full_name,
            open_cycle_id=p.open_cycles[0].pk if p.open_cycles else None,  # type: ignore[attr-defined]
            group_ids=frozenset(g.pk for g in p.this_years_groups),  # type: ignore[attr-defined]
        )
        for p in rows
    }


def school_report(school: School, on: date) -> dict[str, Any]:
    """The issue's JSON: {"school": URN, "on": DATE, "findings": [...]}."""
    found = school_findings(school, on)
    return {"school": school.urn, "on": on.isoformat(), "findings": [f.as_json() for f in found]}


def la_report(la: LocalAuthority, on: date) -> dict[str, Any]:
    """The same across an LA's schools, with `school` (its URN) on each finding."""
    findings = []
    for school in School.objects.filter(la=la).order_by("urn"):
        findings += [{"school": school.urn, **f.as_json()} for f in school_findings(school, on)]
    return {"la": la.code, "on": on.isoformat(), "findings": findings}
