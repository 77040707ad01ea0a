"""Reads of the school's duties that decide joins: training records and needs, provision run by
someone untrained for it, TA deployment. Each costs a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts import schooldates
from accounts.models import Membership, Role, School, User
from duties import tally
from duties.figures import register_rows
from duties.models import TrainingCourse, TrainingRecord
from provision import reports
from provision.models import Provision, Session
from pupils import census
from pupils.models import PupilAssignment


def training_records(school: School) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(course__school=school).select_related("course", "staff")


def trained(school: School, on: date) -> dict[int, set[int]]:
    """{course id: ids of staff who completed it on or before `on`} (one query)."""
    out: dict[int, set[int]] = defaultdict(set)
    rows = TrainingRecord.objects.filter(course__school=school, completed_on__lte=on).values_list(
        "course_id", "staff_id"
    )
    for course, staff in rows:
        out[course].add(staff)
    return out


@dataclass
class AreaNeed:
    area: str
    pupils: int  # on the register today with their primary need in the area
    staff_trained: int
    records: int
    hours: Decimal


def needs_by_area(school: School, today: date) -> list[AreaNeed]:
    """The school's needs by broad area (pupils on the register today) against who is trained in
    each area (three queries): what the SEN information report's item 5 draws on."""
    provision, areas = register_rows(school, today, today)
    table = tally.by_area(provision, areas)
    staff: dict[str, set[int]] = defaultdict(set)
    records: dict[str, int] = defaultdict(int)
    hours: dict[str, Decimal] = defaultdict(Decimal)
    rows = TrainingRecord.objects.filter(course__school=school, completed_on__lte=today)
    for staff_id, area, h in rows.values_list("staff_id", "course__area", "hours"):
        key = area or "NA"
        staff[key].add(staff_id)
        records[key] += 1
        hours[key] += h
    return [
        AreaNeed(a, table[a]["K"] + table[a]["E"], len(staff[a]), records[a], hours[a])
        for a in tally.AREAS
    ]


@dataclass
class UntrainedProvision:
    """A provision whose intervention needs training its deliverer (or the adult who delivered
    some of its sessions) has not completed."""

    provision: Provision
    missing: list[str]  # the courses its lead has not completed
    sessions_untrained: int  # sessions delivered by someone without every required course
    sessions_delivered: int
    needed: list[str] = field(default_factory=list)  # every course the intervention needs
    lacking: list[str] = field(default_factory=list)  # who ran it (lead or a session) untrained

    @property
    def share_untrained(self) -> int | None:
        return tally.percent(self.sessions_untrained, self.sessions_delivered)


def untrained_provisions(school: School, today: date) -> list[UntrainedProvision]:
    """Provisions running this school year whose intervention names training that whoever runs
    them lacks: flagged on the training page, the TA deployment, the provision's page and the
    provision list beside fidelity (records.provision_views; five queries)."""
    year_start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    required: dict[int, list[TrainingCourse]] = defaultdict(list)
    courses = TrainingCourse.objects.filter(school=school).prefetch_related("required_for")
    for course in courses:
        for intervention in course.required_for.all():
            required[intervention.pk].append(course)
    if not required:
        return []
    done = trained(school, today)
    provisions = list(
        Provision.objects.filter(
            school=school, intervention_id__in=list(required), end_date__gte=year_start
        ).select_related("staff", "intervention")
    )
    sessions: dict[int, list[int | None]] = defaultdict(list)
    rows = Session.objects.filter(provision__in=provisions, delivered=True).values_list(
        "provision_id", "delivered_by_id"
    )
    for provision_id, delivered_by in rows:
        sessions[provision_id].append(delivered_by)
    names = _names([p.staff_id for p in provisions] + [b for s in sessions.values() for b in s])
    out = []
    for p in provisions:
        needed = required[p.intervention_id]

        def lacks(user_id: int | None, needed: list[TrainingCourse] = needed) -> bool:
            return user_id is None or any(user_id not in done[c.pk] for c in needed)

        missing = [c.name for c in needed if p.staff_id is None or p.staff_id not in done[c.pk]]
        deliverers = [b if b is not None else p.staff_id for b in sessions[p.pk]]
        untrained = [b for b in deliverers if lacks(b)]
        if missing or untrained:
            who = {b for b in untrained if b is not None} | ({p.staff_id} if missing else set())
            out.append(
                UntrainedProvision(
                    p, missing, len(untrained), len(deliverers), [c.name for c in needed],
                    sorted(names.get(b, "someone not named") for b in who if b is not None),
                )
            )  # fmt: skip
    return out


def _names(ids: Iterable[int | None]) -> dict[int, str]:
    """{user id: full name} (one query)."""
    return {
        u.pk: u.get_full_name() or u.get_username()
        for u in User.objects.filter(pk__in={i for i in ids if i is not None})
    }


def school_staff(school: School) -> list[tuple[int, str]]:
    """(user id, name) of the school's staff who may deliver provision, for a form."""
    rows = (
        Membership.objects.filter(school=school)
        .exclude(role__in=[Role.PARENT, Role.SEN_GOVERNOR, Role.DATA_PROTECTION_OFFICER])
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    seen: dict[int, str] = {}
    for m in rows:
        seen.setdefault(m.user_id, m.user.get_full_name() or m.user.get_username())
    return list(seen.items())


@dataclass
class DeployedProvision:
    provision: Provision
    pupils: int
    hours_a_week: Decimal
    cost_a_week: Decimal
    impact: Any  # provision.reports.ImpactLine, or None before any session
    untrained: bool


@dataclass
class Deployment:
    """One teaching assistant's support: pupils they support in class (open assignments), the
    interventions they deliver with hours a week, cost and impact (the EEF's "Making best use of
    teaching assistants" asks for exactly this)."""

    user: User
    in_class: list[Any] = field(default_factory=list)  # PupilAssignment rows
    provisions: list[DeployedProvision] = field(default_factory=list)

    @property
    def hours_a_week(self) -> Decimal:
        return sum((p.hours_a_week for p in self.provisions), Decimal(0))

    @property
    def cost_a_week(self) -> Decimal:
        return sum((p.cost_a_week for p in self.provisions), Decimal(0))

    @property
    def intervention_pupils(self) -> int:
        return sum(p.pupils for p in self.provisions)


def ta_deployment(school: School, today: date) -> list[Deployment]:
    """Every teaching assistant of the school with their in-class pupils and the provision they
    lead this school year: a fixed number of queries."""
    tas = {
        m.user_id: Deployment(m.user)
        for m in Membership.objects.filter(school=school, role=Role.TEACHING_ASSISTANT)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    }
    assigned = PupilAssignment.objects.filter(
        staff_id__in=list(tas), pupil__school=school, end_date__isnull=True
    ).select_related("pupil")
    for a in assigned.order_by("pupil__legal_surname"):
        tas[a.staff_id].in_class.append(a)
    year = schooldates.school_year_start(today)
    period = reports.period_for(school, year)
    lines = {line.name: line for line in reports.impact(school, period, today=today).provisions}
    flagged = {u.provision.pk for u in untrained_provisions(school, today)}
    running = (
        Provision.objects.filter(school=school, staff_id__in=list(tas), end_date__gte=period.start)
        .select_related("staff_role", "intervention")
        .annotate(pupils=Count("enrolments", filter=Q(enrolments__end_date__isnull=True)))
    )
    for p in running.order_by("name"):
        hours = Decimal(len(p.weekdays) * p.session_minutes) / 60
        tas[p.staff_id].provisions.append(  # type: ignore[index]
            DeployedProvision(
                provision=p,
                pupils=p.pupils,  # type: ignore[attr-defined]
                hours_a_week=hours.quantize(Decimal("0.1")),
                cost_a_week=(hours * p.staff_role.hourly_cost).quantize(Decimal("0.01")),
                impact=lines.get(p.name),
                untrained=p.pk in flagged,
            )
        )
    return list(tas.values())


def area_label(code: str) -> str:
    return census.BROAD_AREA_LABELS.get(code, code)
