from datetime import date, timedelta

import pytest

from pupils.models import Pupil, RegisterEntry
from pupils.upn import make_upn
from statutory import inputs
from support.models import AssessmentView, Cycle, Plan, Review, Target

pytestmark = pytest.mark.django_db


def _review(cycle: Cycle, held_on: date, *, attendance: str = "in_person", progress: str = "none"):
    return Review.objects.create(
        cycle=cycle,
        held_on=held_on,
        is_it_working="No",
        how_much_difference="Little",
        happening_as_planned="Yes",
        child_reaction="Keen",
        child_thinks="Fine",
        overall_progress=progress,
        parent_attendance=attendance,
        decision="continue",
    )


def _history(pupil: Pupil, start: date) -> None:
    """On SEN support from `start`, two reviewed cycles of little progress and an open one."""
    RegisterEntry.objects.create(pupil=pupil, provision="K", start_date=start, reason="x")
    for n in (1, 2):
        opened = start + timedelta(days=100 * (n - 1))
        cycle = Cycle.objects.create(
            pupil=pupil, number=n, opened_on=opened, closed_on=opened + timedelta(days=90)
        )
        plan = Plan.objects.create(
            cycle=cycle, plan_date=opened, review_date=opened + timedelta(days=90), outcomes="o"
        )
        Target.objects.create(plan=plan, description="t", target_date=opened + timedelta(days=80))
        _review(cycle, opened + timedelta(days=90))
    cycle = Cycle.objects.create(pupil=pupil, number=3, opened_on=start + timedelta(days=200))
    Plan.objects.create(
        cycle=cycle,
        plan_date=cycle.opened_on,
        review_date=cycle.opened_on + timedelta(days=60),
        outcomes="o",
    )
    AssessmentView.objects.create(
        cycle=cycle, source="ep", given_by="Dr E", given_on=start, views="v"
    )


def test_the_records_come_from_the_database(world) -> None:
    start = date(2025, 1, 6)
    RegisterEntry.objects.filter(pupil=world.ben).delete()
    _history(world.ben, start)
    records = inputs.school_records(world.oak)
    ben = next(p for p in records.pupils if p.upn == world.ben.upn)
    assert [e.provision for e in ben.register] == ["K"]
    assert [c.number for c in sorted(ben.cycles, key=lambda c: c.number)] == [1, 2, 3]
    assert [s.who for s in ben.specialists] == ["Educational psychologist"]
    codes = {f.code for f in inputs.school_findings(world.oak, start + timedelta(days=400))}
    # Ben: never told, reviews without records given, an unagreed plan, two reviews of little
    # progress with the EP's view only before them.
    assert {
        "PARENTS_NOT_NOTIFIED",
        "RECORD_NOT_SHARED",
        "PLAN_MISSING",
        "REVIEW_OVERDUE",
        "FEWER_THAN_THREE_REVIEWS",
        "SPECIALIST_NOT_INVOLVED",
    } <= codes
    assert records.pupils and all(p.ehc_requests == () for p in records.pupils)


def test_the_queries_are_fixed_as_the_pupils_grow(world, django_assert_num_queries) -> None:
    start = date(2025, 1, 6)
    _history(world.ben, start)
    with django_assert_num_queries(12):
        inputs.school_findings(world.oak, date(2026, 3, 1))
    for i in range(30, 36):
        pupil = Pupil.objects.create(
            school=world.oak,
            upn=make_upn(world.la.code, world.oak.establishment_number, 20, i),
            legal_forename="P",
            legal_surname=str(i),
            date_of_birth=world.amy.date_of_birth,
            sex="F",
            nc_year="5",
        )
        _history(pupil, start)
    with django_assert_num_queries(12):
        found = inputs.school_findings(world.oak, date(2026, 3, 1))
    assert len({f.upn for f in found}) >= 7
