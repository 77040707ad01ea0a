"""The compliance engine's inputs, read from the database in a fixed number of queries (one per
table, whatever the number of pupils or schools), and its findings.

`school_records` reads one school, `la_records` every school of an LA in the same queries (the
LA's report is one pass, not one per school). Rows are read as plain values, never model
instances, and only pupils with a record the rules read become PupilRecords: a pupil never on
the register with no EHC casework can have no finding."""

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import CharField, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

from accounts.models import LocalAuthority, School
from attainment.selectors import school_little_progress
from duties.models import InformationReport
from family.models import Acknowledgement, Document
from pupils.models import Pupil, RegisterEntry, TeachingGroup
from statutory import clocks, compliance
from statutory.models import AnnualReview, EHCPlan, EHCRequest, PhaseTransfer, RegException
from support.models import AssessmentView, Cycle, SpecialistInvolvement, Target, ViewSource

# The assessment views that count as specialist involvement too (SPECIALIST_NOT_INVOLVED).
SPECIALIST_SOURCES = frozenset(
    {
        ViewSource.EDUCATIONAL_PSYCHOLOGIST,
        ViewSource.SPEECH_LANGUAGE_THERAPIST,
        ViewSource.OUTREACH,
        ViewSource.OTHER_SPECIALIST,
    }
)
# reg 10(4)(a)-(d), as the engine names them.
EXCEPTION_LETTERS = {
    clocks.ExceptionKind.SCHOOL_CLOSURE: "a",
    clocks.ExceptionKind.EARLY_YEARS_CLOSURE: "b",
    clocks.ExceptionKind.PERSONAL_CIRCUMSTANCES: "c",
    clocks.ExceptionKind.ABSENCE_FROM_AREA: "d",
}
REVIEW_DECISIONS = {"M": "maintain", "A": "amend", "C": "cease"}
# The engine's phase for a school's GIAS statutory high age (an infant school's is 7); unknown,
# the school's own phase.
PHASE_BY_HIGH_AGE = {7: "infant", 9: "primary", 11: "primary", 13: "middle"}

Rows = dict[int, list[Any]]


def _of(pupils: dict[str, Any], path: str) -> dict[str, Any]:
    """The pupils' filter (on Pupil) as a filter on a model reaching them along `path`."""
    return {f"{path}__{key}": value for key, value in pupils.items()}


def _day(field: str) -> Combinable:
    """A date column to select with `_values`: on SQLite as its ISO text, which `_values` makes a
    date with date.fromisoformat (the sqlite3 module's own converter for a date column, run on
    every row of a whole LA, costs more than the query); elsewhere the column itself."""
    if connection.vendor == "sqlite":
        return Cast(field, output_field=CharField())
    return F(field)


def _rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A values_list queryset's rows straight from the cursor, skipping Django's per-row
    converters (on a whole LA's 60,000 cycles they cost more than the query)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date() -> Callable[[Any], Any]:
    """What makes a `_day` column (or a date annotation) a date as `_rows` gives it: on SQLite
    its ISO text, elsewhere a date already. Empty stays None."""
    if connection.vendor != "sqlite":
        return lambda value: value
    iso = date.fromisoformat
    return lambda value: iso(value) if value else None


def _values(qs: QuerySet[Any], dates: tuple[int, ...] = ()) -> list[tuple[Any, ...]]:
    """`_rows`, with the columns at `dates` that come back as text (`_day`'s, or an
    annotation's, on SQLite) made dates."""
    rows = _rows(qs)
    if not dates or not rows or connection.vendor != "sqlite":
        return [tuple(r) for r in rows]
    iso = date.fromisoformat
    out = []
    for row in rows:
        r = list(row)
        for i in dates:
            if isinstance(r[i], str):  # an annotation's date comes back as text
                r[i] = iso(r[i])
        out.append(tuple(r))
    return out


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while a whole LA's records (or findings) are built:
    hundreds of thousands of small objects, none in a reference cycle (plain values, tuples
    and frozen dataclasses, freed by reference counting), would otherwise set off collection
    after collection, each walking everything the process holds. Measured at LA scale: a
    quarter to a third of the report's time. Left as it was found: a caller that has paused it
    already keeps it paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _grouped(rows: Any) -> Rows:
    """{first column: [the rest of each row]}."""
    grouped: Rows = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row[1:])
    return grouped


def _on_register(path: str, on: date | None) -> Q:
    """With `on`, the rows (reaching Pupil along `path`) of pupils with a K or E register entry
    that had started by `on` and had not ended before it; without, every row. Only such a pupil
    can be on the register on `on` (compliance._on_register_since), and only a pupil on the
    register has findings from cycles, targets or specialists: a whole LA's history of cycles
    is mostly other pupils'."""
    if on is None:
        return Q()
    entries = RegisterEntry.objects.filter(
        pupil=OuterRef(path), provision__in=compliance.ON_REGISTER, start_date__lte=on
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    return Q(Exists(entries))


def _targets(pupils: dict[str, Any], on: date | None) -> dict[int, tuple[compliance.Target, ...]]:
    """{plan id: its targets (baseline, measure, target value, date)}. With `on`, only the plans of cycles
    open on that day (NO_SMART_TARGETS reads no other): a whole LA's history has ~180,000."""
    rows = Target.objects.filter(**_of(pupils, "plan__cycle__pupil"))
    if on is not None:
        rows = rows.filter(plan__cycle__opened_on__lte=on).filter(
            Q(plan__cycle__closed_on__isnull=True) | Q(plan__cycle__closed_on__gt=on)
        )
        rows = rows.filter(_on_register("plan__cycle__pupil", on))
    grouped: dict[int, list[compliance.Target]] = defaultdict(list)
    Tgt, day = compliance.Target, _as_date()
    for plan_id, baseline, measure, value, target_date in _rows(
        rows.order_by().values_list(
            "plan_id", "baseline", "measure", "target_value", _day("target_date")
        )
    ):
        grouped[plan_id].append(Tgt(baseline, measure, value, day(target_date)))
    return {plan_id: tuple(targets) for plan_id, targets in grouped.items()}


def _cycles(pupils: dict[str, Any], on: date | None) -> dict[int, list[compliance.Cycle]]:
    """{pupil id: cycles with their plan, targets and review}: two queries, plain values (the
    texts of plans and reviews are never loaded)."""
    targets = _targets(pupils, on)
    cycles: dict[int, list[compliance.Cycle]] = defaultdict(list)
    # A parent's acknowledgement of the review record counts as the record given (issue 17).
    found = (
        Cycle.objects.filter(**_of(pupils, "pupil"))
        .filter(_on_register("pupil", on))
        .annotate(acknowledged=_first_acknowledged())
    )
    rows = _rows(found.order_by().values_list(
        "pupil_id", "number", _day("opened_on"), _day("closed_on"),
        "plan__pk", _day("plan__plan_date"), _day("plan__review_date"),
        _day("plan__parents_agreed_on"),
        "review__pk", _day("review__held_on"), "review__parent_attendance",
        "review__overall_progress", _day("review__given_to_parents_on"), "acknowledged",
    ))  # fmt: skip
    # One pass over the rows, each date made once (a whole LA has ~50,000 cycles).
    Plan, Review, Cycle_, day = compliance.Plan, compliance.Review, compliance.Cycle, _as_date()
    no_targets: tuple[compliance.Target, ...] = ()
    for row in rows:
        pupil_id, number, opened, closed, plan_id, plan_date, review_date, agreed = row[:8]
        review_id, held, how, progress, given, acknowledged = row[8:]
        plan = review = None
        if plan_id:
            plan = Plan(
                day(plan_date), day(review_date), day(agreed), targets.get(plan_id, no_targets)
            )
        if review_id:
            given, acknowledged = day(given), day(acknowledged)
            if acknowledged is not None and (given is None or acknowledged < given):
                given = acknowledged
            review = Review(day(held), how, progress, given)
        cycles[pupil_id].append(Cycle_(number, day(opened), day(closed), plan, review))
    return cycles


def _first_acknowledged() -> Subquery:
    """The first date a parent confirmed they received and read the cycle's review record
    (family.Acknowledgement, issue 17): the record has then been given to the parents, whether
    or not the SENCo also recorded giving it (RECORD_NOT_SHARED)."""
    first = (
        Acknowledgement.objects.filter(cycle=OuterRef("pk"), document=Document.REVIEW)
        .values("cycle")
        .annotate(first=Min("acknowledged_on"))
        .values("first")
    )
    return Subquery(first)


def _register(pupils: dict[str, Any]) -> dict[int, list[compliance.RegisterEntry]]:
    register: dict[int, list[compliance.RegisterEntry]] = defaultdict(list)
    rows = _rows(
        RegisterEntry.objects.filter(**_of(pupils, "pupil"))
        .order_by("start_date", "pk")
        .values_list(
            "pupil_id",
            "provision",
            _day("start_date"),
            _day("end_date"),
            _day("parents_informed_on"),
        )
    )
    Entry, day = compliance.RegisterEntry, _as_date()
    for pupil_id, provision, start, end, told in rows:
        register[pupil_id].append(Entry(provision, day(start), day(end), day(told)))
    return register


def _specialists(
    pupils: dict[str, Any], on: date | None
) -> dict[int, list[compliance.SpecialistInvolvement]]:
    """Each specialist involvement from the day the school asked, and each specialist's view
    in an assessment from the day it was given: two queries. With `on`, only those of pupils
    who may be on the register that day (`_on_register`)."""
    specialists: dict[int, list[compliance.SpecialistInvolvement]] = defaultdict(list)
    labels = dict(ViewSource.choices)
    views = _values(
        AssessmentView.objects.filter(**_of(pupils, "cycle__pupil"), source__in=SPECIALIST_SOURCES)
        .filter(_on_register("cycle__pupil", on))
        .order_by()
        .values_list("cycle__pupil_id", _day("given_on"), "source"),
        (1,),
    )
    for pupil_id, given_on, source in views:
        involvement = compliance.SpecialistInvolvement(given_on, labels.get(source, source))
        specialists[pupil_id].append(involvement)
    involvements = _values(
        SpecialistInvolvement.objects.filter(**_of(pupils, "pupil"))
        .filter(_on_register("pupil", on))
        .order_by()
        .values_list("pupil_id", _day("asked_on"), "specialist"),
        (1,),
    )
    for pupil_id, asked_on, who in involvements:
        specialists[pupil_id].append(compliance.SpecialistInvolvement(asked_on, who))
    return specialists


def _exception_letter(received: date, exceptions: list[clocks.LimitException]) -> str | None:
    """The reg 10(4) exception that applies to a request: one that touched its 20 weeks (SEN2
    Week20), the first such by date; None if none did."""
    touching = [e for e in exceptions if clocks.week20_exceptions_apply(received, [e])]
    if not touching:
        return None
    return EXCEPTION_LETTERS[min(touching, key=lambda e: e.start).kind]


def _ehc_requests(
    pupils: dict[str, Any], issued: dict[int, date]
) -> dict[int, list[compliance.EHCRequest]]:
    """{pupil id: requests}: two queries. `issued` is {request id: its plan's issue date}."""
    exceptions: dict[int, list[clocks.LimitException]] = defaultdict(list)
    for request_id, kind, start, end in RegException.objects.filter(
        **_of(pupils, "request__pupil")
    ).values_list("request_id", "kind", "start_date", "end_date"):
        exceptions[request_id].append(clocks.LimitException(clocks.ExceptionKind(kind), start, end))
    requests: dict[int, list[compliance.EHCRequest]] = defaultdict(list)
    rows = EHCRequest.objects.filter(**_of(pupils, "pupil")).order_by().values_list(
        "pk", "pupil_id", "received_date", "decision", "decision_date",
        "assessment_outcome", "assessment_outcome_date", "draft_plan_date", "final_plan_date",
    )  # fmt: skip
    for pk, pupil_id, received, decision, decided, outcome, outcome_on, draft, final in rows:
        if decision == "H":  # decided before the period SEN2 collects: decided, and agreed
            decided = decided or received
        final = final or issued.get(pk)
        not_issuing = outcome_on if outcome in ("N", "W") else None
        requests[pupil_id].append(
            compliance.EHCRequest(
                requested_on=received,
                assessment_decided_on=decided if decision in ("Y", "N", "W", "H") else None,
                assessment_agreed=decision in ("Y", "H"),
                not_to_issue_on=not_issuing,
                draft_issued_on=draft or final,
                final_issued_on=final,
                exception=_exception_letter(received, exceptions.get(pk, [])),
            )
        )
    return requests


def _ehc_plans(
    pupils: dict[str, Any],
) -> tuple[dict[int, list[compliance.EHCPlan]], dict[int, date]]:
    """{pupil id: plans with their annual reviews and phase transfers} and {request id: issue
    date}: three queries."""
    reviews: Rows = _grouped(
        AnnualReview.objects.filter(**_of(pupils, "plan__pupil"))
        .order_by()
        .values_list("plan_id", "meeting_date", "outcome", "decision_date", "amended_plan_date")
    )
    transfers: Rows = _grouped(
        PhaseTransfer.objects.filter(**_of(pupils, "plan__pupil"))
        .order_by()
        .values_list("plan_id", "transfer_date", "final_date")
    )
    plans: dict[int, list[compliance.EHCPlan]] = defaultdict(list)
    issued: dict[int, date] = {}
    rows = (
        EHCPlan.objects.filter(**_of(pupils, "pupil"))
        .order_by()
        .values_list("pk", "pupil_id", "request_id", "issue_date", "cease_date")
    )
    for pk, pupil_id, request_id, issue_date, cease_date in rows:
        if request_id:
            issued[request_id] = issue_date
        plans[pupil_id].append(
            compliance.EHCPlan(
                issued_on=issue_date,
                ceased_on=cease_date,
                reviews=tuple(
                    compliance.AnnualReview(
                        meeting_on=met,
                        decision=REVIEW_DECISIONS.get(outcome),
                        decision_on=decided,
                        amended_final_on=amended,
                    )
                    for met, outcome, decided, amended in reviews.get(pk, ())
                ),
                transfers=tuple(
                    compliance.PhaseTransfer(moved, final) for moved, final in transfers.get(pk, ())
                ),
            )
        )
    return plans, issued


def information_reports(schools: Any) -> dict[int, compliance.InformationReport]:
    """{school id: its SEN information report's last publication} (duties.models) for the
    schools in `schools` (a filter value for school_id__in), one query. A school that has not
    started a report in sendpath is left out (no finding); a version started but never
    published reads as never published."""
    latest: dict[int, date | None] = {}
    rows = InformationReport.objects.filter(school_id__in=schools).values_list(
        "school_id", "published_on"
    )
    for school_id, published in rows:
        if published is not None or school_id not in latest:
            latest[school_id] = max(filter(None, (latest.get(school_id), published)), default=None)
    return {k: compliance.InformationReport(published_on=v) for k, v in latest.items()}


def information_report(school: School) -> compliance.InformationReport | None:
    """One school's (information_reports)."""
    return information_reports([school.pk]).get(school.pk)


def engine_phase(school: School) -> str:
    """The phase the engine reads for who transfers (reg 2(1))."""
    return PHASE_BY_HIGH_AGE.get(school.high_age or 0, school.phase)


def _pupil_records(
    pupils: dict[str, Any], on: date | None
) -> dict[int, list[compliance.PupilRecords]]:
    """{school id: the records of its pupils matching the filter `pupils` (on Pupil)}: ten
    queries. Only pupils with a register entry, an EHC request or an EHC plan (no other pupil
    can have a finding); none who had left by `on`."""
    with bulk():
        return _read_pupil_records(pupils, on)


def _read_pupil_records(
    pupils: dict[str, Any], on: date | None
) -> dict[int, list[compliance.PupilRecords]]:
    register, specialists = _register(pupils), _specialists(pupils, on)
    cycles = _cycles(pupils, on)
    plans, issued = _ehc_plans(pupils)
    requests = _ehc_requests(pupils, issued)
    # Only a pupil with a register entry, an EHC request or an EHC plan can have a finding.
    with_records = (
        Q(Exists(RegisterEntry.objects.filter(pupil=OuterRef("pk"))))
        | Q(Exists(EHCRequest.objects.filter(pupil=OuterRef("pk"))))
        | Q(Exists(EHCPlan.objects.filter(pupil=OuterRef("pk"))))
    )
    rows = Pupil.objects.filter(**pupils).filter(with_records)
    if on is not None:
        rows = rows.exclude(leaving_date__lte=on)
    by_school: dict[int, list[compliance.PupilRecords]] = defaultdict(list)
    for pk, school_id, upn, nc_year in _values(
        rows.order_by("pk").values_list("pk", "school_id", "upn", "nc_year")
    ):
        if pk not in register and pk not in requests and pk not in plans:
            continue
        by_school[school_id].append(
            compliance.PupilRecords(
                upn=upn,
                nc_year=nc_year,
                register=tuple(register.get(pk, ())),
                cycles=tuple(cycles.get(pk, ())),
                specialists=tuple(specialists.get(pk, ())),
                ehc_requests=tuple(requests.get(pk, ())),
                ehc_plans=tuple(plans.get(pk, ())),
            )
        )
    return by_school


def school_records(school: School, on: date | None = None) -> compliance.SchoolRecords:
    """Everything the engine reads for one school: pupils with their register, cycles (plan,
    targets, review), specialists and EHC casework, in ten queries whatever the number of
    pupils. With `on`, only what the findings on that day read (the SENCo page's 12 months of
    counts need the whole history: no `on`)."""
    pupils = _pupil_records({"school": school}, on)
    return compliance.SchoolRecords(
        phase=engine_phase(school),
        pupils=tuple(pupils.get(school.pk, ())),
        information_report=information_report(school),
    )


def schools_records(
    schools: QuerySet[School], on: date
) -> list[tuple[School, compliance.SchoolRecords]]:
    """Each of `schools` (an LA's, a trust's) with its records on `on`, by URN: the same ten
    queries as one school, whatever the number of schools."""
    by_school = _pupil_records({"school__in": schools.values("pk")}, on)
    reports = information_reports(schools.values("pk"))
    return [
        (
            school,
            compliance.SchoolRecords(
                phase=engine_phase(school),
                pupils=tuple(by_school.get(school.pk, ())),
                information_report=reports.get(school.pk),
            ),
        )
        for school in schools.order_by("urn")
    ]


def la_records(la: LocalAuthority, on: date) -> list[tuple[School, compliance.SchoolRecords]]:
    """Every school of the LA with its records on `on`."""
    return schools_records(School.objects.filter(la=la), on)


def pupil_findings(pupil: Pupil, on: date) -> list[compliance.Finding]:
    """One pupil's own findings on `on` (for the pupil record): ten queries."""
    pupils = _pupil_records({"pk": pupil.pk}, None)
    records = compliance.SchoolRecords(
        phase=engine_phase(pupil.school), pupils=tuple(pupils.get(pupil.school_id, ()))
    )
    return compliance.findings(records, on)


def school_findings(school: School, on: date) -> list[compliance.Finding]:
    """The school's findings on `on`."""
    records = school_records(school, on)
    with bulk():
        return compliance.findings(records, on)


@dataclass(frozen=True)
class PupilRef:
    """What the compliance page shows of a pupil and links to."""

    pk: int
    name: str
    open_cycle_id: int | None
    group_ids: frozenset[int]


def pupil_refs(
    pupils: QuerySet[Pupil], start_year: int, upns: Iterable[str] | None = None
) -> dict[str, PupilRef]:
    """{UPN: PupilRef} for these pupils (a visible_pupils queryset), only those with a UPN in
    `upns` if given (the page's findings: a school has thousands of pupils and a few with
    findings): three queries of plain values."""
    if upns is not None:
        pupils = pupils.filter(upn__in=sorted(set(upns)))
    rows = list(
        pupils.order_by().only(
            "pk", "upn", "legal_forename", "legal_surname", "preferred_forename",
            "preferred_surname",
        )
    )  # fmt: skip
    ids = [p.pk for p in rows]
    open_cycle: dict[int, int] = {}
    # The newest open cycle first (Cycle's ordering), as the pupil's pages link to it.
    for pupil_id, cycle_id in Cycle.objects.filter(
        pupil_id__in=ids, closed_on__isnull=True
    ).values_list("pupil_id", "pk"):
        open_cycle.setdefault(pupil_id, cycle_id)
    groups: dict[int, set[int]] = defaultdict(set)
    for pupil_id, group_id in TeachingGroup.pupils.through.objects.filter(
        pupil_id__in=ids, teachinggroup__school_year__start_year=start_year
    ).values_list("pupil_id", "teachinggroup_id"):
        groups[pupil_id].add(group_id)
    return {
        p.upn: PupilRef(
            pk=p.pk,
            name=p.full_name,
            open_cycle_id=open_cycle.get(p.pk),
            group_ids=frozenset(groups.get(p.pk, ())),
        )
        for p in rows
    }


def school_report(school: School, on: date) -> dict[str, Any]:
    """The issue's JSON: {"school": URN, "on": DATE, "findings": [...]}."""
    found = school_findings(school, on)
    return {"school": school.urn, "on": on.isoformat(), "findings": [f.as_json() for f in found]}


def schools_findings(
    schools: QuerySet[School], on: date, soon: timedelta = compliance.SOON
) -> list[tuple[School, list[compliance.Finding]]]:
    """Each of `schools` with its findings on `on`: one pass of reads. `soon`: how far ahead a
    duty shows as due soon (the reminders look as far as their readers ask)."""
    records = schools_records(schools, on)
    with bulk():
        return [(school, compliance.findings(r, on, soon)) for school, r in records]


def la_report(la: LocalAuthority, on: date) -> dict[str, Any]:
    """The same across an LA's schools, with `school` (its URN) on each finding."""
    findings = [
        {"school": school.urn, **f.as_json()}
        for school, found in schools_findings(School.objects.filter(la=la), on)
        for f in found
    ]
    return {"la": la.code, "on": on.isoformat(), "findings": findings}


def little_or_no_progress(school: School, on: date) -> dict[str, list[str]]:
    """Offered to the checks beside the reviews' own judgement (issue 18): for each pupil on the
    register, by UPN, the subjects where the assessment data shows little or no progress in each
    of their latest two cycles (attainment.selectors.school_little_progress). Four queries."""
    on_register = RegisterEntry.objects.filter(
        pupil__school=school, end_date__isnull=True, provision__in=("K", "E")
    ).values_list("pupil_id", flat=True)
    periods: dict[int, list[tuple[date, date]]] = defaultdict(list)
    rows = Cycle.objects.filter(pupil_id__in=on_register, opened_on__lte=on).order_by(
        "pupil_id", "number"
    )
    for pupil_id, opened, closed in rows.values_list("pupil_id", "opened_on", "closed_on"):
        periods[pupil_id].append((opened, min(closed or on, on)))
    found = school_little_progress(school.pk, dict(periods))
    upns = dict(Pupil.objects.filter(pk__in=list(found)).values_list("pk", "upn"))
    return {upns[pk]: subjects for pk, subjects in found.items()}


def progress_offers(
    school: School, on: date, found: Iterable[compliance.Finding]
) -> list[compliance.ProgressOffer]:
    """The assessment data's offers to the specialist-involvement check (issue 18,
    compliance.progress_offers): the records read only for the few pupils the data points at."""
    little = little_or_no_progress(school, on)
    if not little:
        return []
    pupils = _pupil_records({"school_id": school.pk, "upn__in": sorted(little)}, None)
    records = compliance.SchoolRecords(
        phase=engine_phase(school), pupils=tuple(pupils.get(school.pk, ()))
    )
    return compliance.progress_offers(records, little, found, on)
