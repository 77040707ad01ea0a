"""The compliance engine's inputs, read from the database for one school in a fixed number of
queries (one per table, whatever the number of pupils), and its findings."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.models import LocalAuthority, School
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


def _cycle(cycle: Cycle) -> compliance.Cycle:
    plan = getattr(cycle, "plan", None)
    review = getattr(cycle, "review", None)
    return compliance.Cycle(
        number=cycle.number,
        opened_on=cycle.opened_on,
        closed_on=cycle.closed_on,
        plan=compliance.Plan(
            plan_date=plan.plan_date,
            review_date=plan.review_date,
            parents_agreed_on=plan.parents_agreed_on,
            targets=tuple(
                compliance.Target(t.baseline, t.measure, t.target_value, t.target_date)
                for t in plan.targets.all()
            ),
        )
        if plan
        else None,
        review=compliance.Review(
            held_on=review.held_on,
            parent_attendance=review.parent_attendance,
            overall_progress=review.overall_progress,
            given_to_parents_on=review.given_to_parents_on,
        )
        if review
        else None,
    )


def _pupil(
    pupil: Pupil, specialists: list[compliance.SpecialistInvolvement]
) -> compliance.PupilRecords:
    return compliance.PupilRecords(
        upn=pupil.upn,
        nc_year=pupil.nc_year,
        register=tuple(
            compliance.RegisterEntry(e.provision, e.start_date, e.end_date, e.parents_informed_on)
            for e in pupil.register_entries.all()
        ),
        cycles=tuple(_cycle(c) for c in pupil.cycles.all()),
        specialists=tuple(specialists),
        ehc_requests=ehc_requests(pupil),
        ehc_plans=ehc_plans(pupil),
    )


def ehc_requests(pupil: Pupil) -> tuple[compliance.EHCRequest, ...]:
    """EHC needs assessment requests: none until the EHC records (statutory's models, the EHC
    issue) exist; then read them here, prefetched in school_records."""
    return ()


def ehc_plans(pupil: Pupil) -> tuple[compliance.EHCPlan, ...]:
    """EHC plans and their annual reviews: none until the EHC records exist (as ehc_requests)."""
    return ()


def information_report(school: School) -> compliance.InformationReport | None:
    """The SEN information report's publication: None (no finding) until the school-duties
    issue records it on the school."""
    return None


def school_records(school: School) -> compliance.SchoolRecords:
    """Everything the engine reads for one school: pupils with their register, cycles (plan,
    targets, review) and specialist views. Five queries, whatever the number of pupils."""
    cycles = Cycle.objects.select_related("plan", "review").prefetch_related(
        Prefetch("plan__targets", queryset=Target.objects.order_by("position", "pk"))
    )
    pupils = (
        Pupil.objects.filter(school=school)
        .only("pk", "upn", "nc_year", "school_id")
        .order_by("pk")
        .prefetch_related(
            Prefetch("register_entries", queryset=RegisterEntry.objects.order_by("start_date")),
            Prefetch("cycles", queryset=cycles),
        )
    )
    labels = dict(ViewSource.choices)
    specialists: dict[int, list[compliance.SpecialistInvolvement]] = {}
    specialist_views = AssessmentView.objects.filter(
        cycle__pupil__school=school, source__in=SPECIALIST_SOURCES
    ).values_list("cycle__pupil_id", "given_on", "source")
    for pupil_id, given_on, source in specialist_views:
        involvement = compliance.SpecialistInvolvement(given_on, labels.get(source, source))
        specialists.setdefault(pupil_id, []).append(involvement)
    return compliance.SchoolRecords(
        phase=school.phase,
        pupils=tuple(_pupil(p, specialists.get(p.pk, [])) for p in pupils),
        information_report=information_report(school),
    )


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
