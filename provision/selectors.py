"""Reads of the provision map: which provisions a user sees, and each provision's figures
(planned sessions, delivered, fidelity, hours, cost so far) for any list of provisions in a
constant number of queries. The formulas are provision/costing.py's; this module only gathers
their inputs.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import School
from accounts.selectors import school_calendars
from provision import costing
from provision.models import (
    Enrolment,
    Intervention,
    Measure,
    Provision,
    Session,
    SessionAttendance,
    StaffRole,
)
from support.models import Target

# Fidelity bands for the tag shown with every provision. Our choice (the Code of Practice sets
# none): most programme evaluations treat 90% of planned sessions as delivered-as-intended, and
# below three-quarters as a warning sign that the dose was too low to judge the impact.
GOOD_FIDELITY = 0.9
LOW_FIDELITY = 0.75


class _FidelityTag:
    """What the fidelity tag (provision/_fidelity.html) reads: `fidelity`, its percent and colour."""

    fidelity: float | None

    @property
    def fidelity_percent(self) -> int | None:
        return None if self.fidelity is None else round(self.fidelity * 100)

    @property
    def fidelity_colour(self) -> str:
        """The GOV.UK tag colour for the fidelity band."""
        if self.fidelity is None:
            return "grey"
        if self.fidelity >= GOOD_FIDELITY:
            return "green"
        return "yellow" if self.fidelity >= LOW_FIDELITY else "red"


@dataclass(frozen=True)
class Delivery(_FidelityTag):
    """Just a provision's fidelity to `today`: sessions delivered of those planned so far."""

    planned_to_date: int
    delivered: int
    fidelity: float | None


@dataclass(frozen=True)
class Figures(_FidelityTag):
    """A provision's delivery and cost to date (`today`)."""

    planned_total: int
    planned_to_date: int
    delivered: int
    missed: int
    unrecorded: tuple[date, ...]  # planned dates up to today with no session recorded
    fidelity: float | None
    delivered_hours: Decimal
    cost_so_far: Decimal
    pupils: int  # ever enrolled
    current_pupils: int  # enrolled today
    shares: dict[int, Decimal] = field(default_factory=dict)  # pupil id -> share of the cost


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri")


def days_label(weekdays: Iterable[int]) -> str:
    """The days a provision runs, for a row: "Mon, Wed, Fri"."""
    return ", ".join(DAY_NAMES[d] for d in sorted(weekdays) if 0 <= d < len(DAY_NAMES))


def provision_list(provisions: QuerySet[Provision]) -> QuerySet[Provision]:
    """A list of provisions with what a row shows, joined."""
    return provisions.select_related("intervention", "staff", "staff_role").order_by(
        "-start_date", "name"
    )


def current_or_past(
    provisions: QuerySet[Provision], show: str, *, today: date | None = None
) -> QuerySet[Provision]:
    """ "current" (running or still to start) or "past" (ended)."""
    today = today or timezone.localdate()
    if show == "past":
        return provisions.filter(end_date__lt=today).order_by("-end_date", "name")
    return provisions.filter(end_date__gte=today)


@dataclass(frozen=True)
class SchoolTerms:
    """A school's terms and the days it is shut in them (half-terms, closure days)."""

    terms: list[costing.Term]
    closed: frozenset[date] = frozenset()


NO_TERMS = SchoolTerms([])


def school_terms(school_ids: Iterable[int]) -> dict[int, SchoolTerms]:
    """Every term and closed day of each school, for planned sessions (one query)."""
    return {
        school_id: SchoolTerms([costing.Term(t.start, t.end) for t in c.terms], c.closed)
        for school_id, c in school_calendars(school_ids).items()
    }


@dataclass
class _Gathered:
    sessions: dict[int, list[tuple[int, date, bool, int, Decimal]]]
    present: dict[int, set[int]]
    enrolments: dict[int, list[tuple[int, date, date | None]]]


def _gather(ids: list[int]) -> _Gathered:
    sessions: dict[int, list[tuple[int, date, bool, int, Decimal]]] = defaultdict(list)
    rows = Session.objects.filter(provision_id__in=ids).values_list(
        "pk", "provision_id", "on", "delivered", "minutes", "staff_role__hourly_cost"
    )
    for pk, provision_id, on, delivered, minutes, rate in rows:
        sessions[provision_id].append((pk, on, delivered, minutes, rate))
    present: dict[int, set[int]] = defaultdict(set)
    for session_id, pupil_id in SessionAttendance.objects.filter(
        session__provision_id__in=ids, present=True
    ).values_list("session_id", "pupil_id"):
        present[session_id].add(pupil_id)
    enrolments: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for provision_id, pupil_id, start, end in Enrolment.objects.filter(
        provision_id__in=ids
    ).values_list("provision_id", "pupil_id", "start_date", "end_date"):
        enrolments[provision_id].append((pupil_id, start, end))
    return _Gathered(sessions, present, enrolments)


def _figures(p: Provision, terms: SchoolTerms, g: _Gathered, today: date) -> Figures:
    planned = costing.planned_dates(p.weekdays, p.start_date, p.end_date, terms.terms, terms.closed)
    to_date = [d for d in planned if d <= today]
    sessions = g.sessions.get(p.pk, [])
    delivered = [
        costing.DeliveredSession(minutes, rate, frozenset(g.present.get(pk, set())))
        for pk, _on, was_delivered, minutes, rate in sessions
        if was_delivered
    ]
    recorded = {on for _pk, on, _d, _m, _r in sessions}
    enrolled = g.enrolments.get(p.pk, [])
    return Figures(
        planned_total=len(planned),
        planned_to_date=len(to_date),
        delivered=len(delivered),
        missed=len(sessions) - len(delivered),
        unrecorded=tuple(d for d in to_date if d not in recorded),
        fidelity=costing.fidelity(len(delivered), len(to_date)),
        delivered_hours=costing.delivered_hours(delivered),
        cost_so_far=costing.money(costing.provision_cost(delivered, p.fixed_costs)),
        pupils=len(enrolled),
        current_pupils=sum(
            1 for _pid, start, end in enrolled if start <= today and (end is None or end >= today)
        ),
        shares=costing.pupil_shares(delivered, p.fixed_costs, [pid for pid, _s, _e in enrolled]),
    )


def provision_figures(
    provisions: Iterable[Provision], *, today: date | None = None
) -> dict[int, Figures]:
    """Each provision's figures to `today` (default: today), keyed by provision id. Four queries
    whatever the number of provisions (plus one if `provisions` is an unevaluated queryset)."""
    today = today or timezone.localdate()
    items = list(provisions)
    if not items:
        return {}
    ids = [p.pk for p in items]
    terms = school_terms(p.school_id for p in items)
    gathered = _gather(ids)
    return {p.pk: _figures(p, terms.get(p.school_id, NO_TERMS), gathered, today) for p in items}


def with_delivery(
    provisions: QuerySet[Provision], *, today: date | None = None
) -> list[tuple[Provision, Delivery]]:
    """Each provision with its fidelity tag's figures, for pages that show no costs (the pupil
    record): two queries whatever the number of provisions — the provisions with their delivered
    sessions counted, and their schools' terms. `provision_figures` gives the same fidelity."""
    today = today or timezone.localdate()
    # Counted by a subquery per provision: joining the sessions and grouping made the database
    # group by every column of the provisions (and sort them) on SQLite.
    delivered_count = (
        Session.objects.filter(provision=OuterRef("pk"), delivered=True)
        .order_by()
        .values("provision")
        .annotate(n=Count("pk"))
        .values("n")
    )
    items = list(
        provisions.annotate(
            delivered_n=Coalesce(Subquery(delivered_count, output_field=IntegerField()), 0)
        )
    )
    terms = school_terms(p.school_id for p in items)
    out: list[tuple[Provision, Delivery]] = []
    for p in items:
        school = terms.get(p.school_id, NO_TERMS)
        planned = costing.planned_count(
            p.weekdays, p.start_date, min(p.end_date, today), school.terms, school.closed
        )
        delivered: int = p.delivered_n  # type: ignore[attr-defined]
        out.append((p, Delivery(planned, delivered, costing.fidelity(delivered, planned))))
    return out


def provision_record(provision_id: int) -> Provision:
    """One provision with everything its page shows, in a handful of queries."""
    return (
        Provision.objects.select_related("school", "intervention", "staff", "staff_role")
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.select_related("pupil")
                .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("on")))
                .order_by("pupil__legal_surname", "pupil__legal_forename"),
            ),
            Prefetch(
                "sessions",
                queryset=Session.objects.select_related("staff_role", "delivered_by")
                .prefetch_related(
                    Prefetch(
                        "attendance", queryset=SessionAttendance.objects.select_related("pupil")
                    )
                )
                .order_by("-on"),
            ),
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("plan__cycle__pupil").order_by(
                    "plan__cycle__pupil__legal_surname", "position"
                ),
            ),
        )
        .get(pk=provision_id)
    )


def library(school: School, area: str = "") -> QuerySet[Intervention]:
    """The built-in catalogue and the school's own interventions, optionally for one broad area."""
    rows = Intervention.objects.filter(Q(school__isnull=True) | Q(school=school))
    if area:
        rows = rows.filter(area=area)
    return rows.order_by("area", "name")


def staff_roles(school: School) -> QuerySet[StaffRole]:
    return StaffRole.objects.filter(school=school).order_by("hourly_cost", "name")


def linkable_targets(provision: Provision) -> QuerySet[Target]:
    """Targets that may be linked to the provision: those in the open plans of its pupils, and
    any already linked."""
    pupils = provision.enrolments.values("pupil_id")
    return (
        Target.objects.filter(
            Q(plan__cycle__pupil_id__in=pupils, plan__cycle__closed_on__isnull=True)
            | Q(provisions=provision)
        )
        .select_related("plan__cycle__pupil")
        .distinct()
        .order_by("plan__cycle__pupil__legal_surname", "position")
    )


@dataclass(frozen=True)
class TargetEvidence(_FidelityTag):
    """What one provision linked to a target shows about a pupil, beside the target on the review
    form: the pupil's attendance, the provision's fidelity and the pupil's entry and exit data."""

    provision: Provision
    attended: int  # sessions the pupil was marked present at
    marked: int  # delivered sessions the pupil's attendance was taken at
    planned_to_date: int
    delivered: int
    fidelity: float | None
    entry: Measure | None
    exit: Measure | None

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.attended / self.marked) if self.marked else None


def target_evidence(
    target_ids: Iterable[int], pupil_id: int, *, today: date | None = None
) -> dict[int, list[TargetEvidence]]:
    """For each target, the provisions linked to it with the pupil's attendance, the fidelity
    and the pupil's entry/exit data: five queries whatever the number of targets."""
    today = today or timezone.localdate()
    ids = list(target_ids)
    links = list(
        Provision.targets.through.objects.filter(target_id__in=ids).values_list(
            "target_id", "provision_id"
        )
    )
    if not links:
        return {}
    provisions = {
        p.pk: (p, d)
        for p, d in with_delivery(
            Provision.objects.filter(pk__in={pid for _t, pid in links})
            .select_related("intervention")
            .order_by("start_date", "name"),
            today=today,
        )
    }
    attendance: dict[int, list[bool]] = defaultdict(list)
    for provision_id, present in SessionAttendance.objects.filter(
        pupil_id=pupil_id, session__provision_id__in=provisions, session__delivered=True
    ).values_list("session__provision_id", "present"):
        attendance[provision_id].append(present)
    measures: dict[tuple[int, str], Measure] = {}
    for m in Measure.objects.filter(
        enrolment__pupil_id=pupil_id, enrolment__provision_id__in=provisions
    ).select_related("enrolment"):
        measures[(m.enrolment.provision_id, m.kind)] = m
    out: dict[int, list[TargetEvidence]] = defaultdict(list)
    for target_id, provision_id in links:
        p, d = provisions[provision_id]
        marks = attendance.get(provision_id, [])
        out[target_id].append(
            TargetEvidence(
                provision=p,
                attended=sum(marks),
                marked=len(marks),
                planned_to_date=d.planned_to_date,
                delivered=d.delivered,
                fidelity=d.fidelity,
                entry=measures.get((provision_id, "entry")),
                exit=measures.get((provision_id, "exit")),
            )
        )
    for items in out.values():
        items.sort(key=lambda e: (e.provision.start_date, e.provision.name))
    return dict(out)
