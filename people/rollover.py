"""The new school year: on or after 1 September, every pupil on roll moves up an NC year and the
school's last year group leaves (on 31 August, the old year's last day). Classes belong to their
school year, so the old year's close with it (teachers' reach follows only the current year's)
and the new year's are made by hand or from the next upload or CTF. Cycles, plans and the
register are not touched. It runs once a year per school, after a preview of the same plan."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts import schooldates
from accounts.models import School, SchoolYear, User
from audit import log as audit
from audit.models import AuditAction
from people import years
from people.models import Rollover
from pupils import census
from pupils.models import Pupil, TeachingGroup


@dataclass
class RolloverPlan:
    school: School
    start_year: int  # the new year
    last_year: str  # the school's last NC year (its leavers')
    already_done: Rollover | None
    moves: list[tuple[str, str, int]] = field(default_factory=list)  # (from, to, pupils)
    leavers: list[Pupil] = field(default_factory=list)
    unchanged: int = 0  # pupils with no NC year to move to (kept as they are)
    joined: int = 0  # pupils added on or after 1 September: already in the new year's NC year
    closing_groups: int = 0
    new_year_groups: int = 0

    @property
    def label(self) -> str:
        return schooldates.school_year_label(self.start_year)

    @property
    def old_label(self) -> str:
        return schooldates.school_year_label(self.start_year - 1)

    @property
    def moving(self) -> int:
        return sum(n for _, _, n in self.moves)

    @property
    def leaving_date(self) -> date:
        return schooldates.school_year_bounds(self.start_year - 1)[1]

    def as_dict(self) -> dict[str, object]:
        return {
            "school": self.school.urn,
            "start_year": self.start_year,
            "already_done": self.already_done is not None,
            "moving_up": self.moving,
            "leaving": len(self.leavers),
            "last_nc_year": self.last_year,
            "moves": [{"from": a, "to": b, "pupils": n} for a, b, n in self.moves],
            "classes_closing": self.closing_groups,
            "joined_this_year": self.joined,
        }


def rollover_plan(school: School, today: date | None = None) -> RolloverPlan:
    """What the rollover into the school year of `today` would do (nothing is written)."""
    today = today or timezone.localdate()
    start_year = schooldates.school_year_start(today)
    last = years.last_nc_year(school.phase, school.high_age)
    plan = RolloverPlan(
        school=school,
        start_year=start_year,
        last_year=last,
        already_done=Rollover.objects.filter(school=school, start_year=start_year).first(),
    )
    moves: Counter[tuple[str, str]] = Counter()
    on_roll = Pupil.objects.filter(school=school, leaving_date__isnull=True)
    plan.joined = on_roll.filter(created_at__gte=_year_begins(start_year)).count()
    for pupil in _before(on_roll, start_year).order_by("legal_surname", "legal_forename"):
        if years.leaves(pupil.nc_year, last):
            plan.leavers.append(pupil)
            continue
        nxt = years.next_nc_year(pupil.nc_year)
        if nxt is None:
            plan.unchanged += 1
        else:
            moves[(pupil.nc_year, nxt)] += 1
    order = {code: i for i, (code, _) in enumerate(census.NC_YEARS)}
    plan.moves = sorted(
        ((a, b, n) for (a, b), n in moves.items()), key=lambda m: order.get(m[0], 99)
    )
    plan.closing_groups = TeachingGroup.objects.filter(
        school=school, school_year__start_year=start_year - 1
    ).count()
    plan.new_year_groups = TeachingGroup.objects.filter(
        school=school, school_year__start_year=start_year
    ).count()
    return plan


@transaction.atomic
def rollover_run(
    *,
    school: School,
    by: User | None,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> RolloverPlan:
    """Run the rollover into the school year of `today`, once. Refuses a second run."""
    School.objects.select_for_update().filter(pk=school.pk).first()
    plan = rollover_plan(school, today)
    if plan.already_done is not None:
        raise ValidationError({"__all__": [f"{school.name} has already moved into {plan.label}."]})
    leaving = plan.leaving_date
    on_roll = _before(
        Pupil.objects.filter(school=school, leaving_date__isnull=True), plan.start_year
    )
    rows = list(on_roll.values_list("pk", "nc_year", "admission_date"))
    leavers = [
        pk
        for pk, code, admitted in rows
        if years.leaves(code, plan.last_year) and not (admitted and admitted > leaving)
    ]
    # One UPDATE per year group (leavers first, so a leaver is not also moved up).
    changed = list(leavers)
    Pupil.objects.filter(pk__in=leavers).update(leaving_date=leaving, version=F("version") + 1)
    for before, after, _ in plan.moves:
        ids = [
            pk for pk, code, _a in rows if code == before and not years.leaves(code, plan.last_year)
        ]
        Pupil.objects.filter(pk__in=ids).update(nc_year=after, version=F("version") + 1)
        changed += ids
    SchoolYear.objects.get_or_create(school=school, start_year=plan.start_year)
    Rollover.objects.create(
        school=school,
        start_year=plan.start_year,
        ran_by=by if by is not None and by.is_authenticated else None,
        moved_up=plan.moving,
        left=len(plan.leavers),
    )
    audit.log(
        AuditAction.UPDATE,
        by,
        school,
        {
            "rollover": plan.start_year,
            "moved_up": plan.moving,
            "left": len(plan.leavers),
            "pupil_ids": changed,
        },
        request=request,
        school_id=school.pk,
    )
    return plan


def _year_begins(start_year: int) -> datetime:
    first = schooldates.school_year_bounds(start_year)[0]
    return timezone.make_aware(datetime.combine(first, time.min))


def _before(pupils: QuerySet[Pupil], start_year: int) -> QuerySet[Pupil]:
    """The pupils already on roll before the new year began: those added since (a September
    intake's CTF) were entered in the new year's NC years and do not move up."""
    return pupils.filter(created_at__lt=_year_begins(start_year))
