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


def test_the_ehc_records_come_from_the_database(world) -> None:
    """A request with a reg 10(4) exception, a plan with an annual review and a phase
    transfer, entered through the services with their real past dates, reach the engine."""
    from statutory import services

    senco = world.users["senco"]
    received = date(2025, 1, 6)
    ehc = services.ehc_request_create(pupil=world.ben, by=senco, source="1", received_date=received)
    services.reg_exception_add(
        ehc_request=ehc,
        kind="personal_circumstances",
        start_date=received + timedelta(weeks=2),
        end_date=received + timedelta(weeks=4),
        by=senco,
    )
    services.ehc_request_update(
        ehc_request=ehc, by=senco, decision="Y", decision_date=received + timedelta(weeks=5)
    )
    plan = services.ehc_plan_issue(pupil=world.dan, issue_date=date(2024, 11, 4), by=senco)
    services.annual_review_record(plan=plan, meeting_date=date(2025, 10, 1), by=senco)
    world.dan.nc_year = "6"
    world.dan.save()
    services.phase_transfer_record(
        plan=plan, kind="primary_secondary", transfer_date=date(2026, 9, 1), by=senco
    )
    records = inputs.school_records(world.oak)
    ben = next(p for p in records.pupils if p.upn == world.ben.upn)
    [request] = ben.ehc_requests
    assert (request.requested_on, request.assessment_agreed, request.exception) == (
        received,
        True,
        "c",
    )
    amy = next(p for p in records.pupils if p.upn == world.dan.upn)
    [ehc_plan] = amy.ehc_plans
    assert [r.meeting_on for r in ehc_plan.reviews] == [date(2025, 10, 1)]
    assert [t.transfer_on for t in ehc_plan.transfers] == [date(2026, 9, 1)]
    found = {(f.code, f.upn): f for f in inputs.school_findings(world.oak, date(2026, 2, 16))}
    # No plan 20 weeks on: kept as information because of the exception.
    late = found[("EHCP_FINAL_OVERDUE", world.ben.upn)]
    assert late.severity == "info" and late.exception and "10(4)(c)" in late.exception
    assert found[("REVIEW_DECISION_OVERDUE", world.dan.upn)].severity == "breach"
    assert found[("PHASE_TRANSFER_OVERDUE", world.dan.upn)].severity == "breach"
    services.phase_transfer_update(
        transfer=plan.transfers.get(),
        named_setting="Oak Secondary",
        final_date=date(2026, 2, 10),
        by=senco,
    )
    later = {(f.code, f.upn) for f in inputs.school_findings(world.oak, date(2026, 2, 16))}
    assert ("PHASE_TRANSFER_OVERDUE", world.dan.upn) not in later


def test_the_la_report_reads_every_school_in_one_pass(world, django_assert_num_queries) -> None:
    _history(world.ben, date(2025, 1, 6))
    with django_assert_num_queries(13):  # the 12 reads, and the LA's schools
        rows = inputs.la_records(world.la, date(2026, 3, 1))
    assert [s.urn for s, _ in rows] == sorted(s.urn for s in world.la.schools.all())
    by_urn = {s.urn: r for s, r in rows}
    assert world.ben.upn in {p.upn for p in by_urn[world.oak.urn].pupils}
    assert world.ben.upn not in {p.upn for p in by_urn[world.elm.urn].pupils}
