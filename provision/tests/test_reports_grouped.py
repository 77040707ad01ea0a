"""The reports' fast path: the database groups alike sessions (reports.inputs.held_sessions) and the
map's figures are costing's formulas over the sessions one by one, on a hand-built example with
absences, a session nobody came to, a session delivered by another role, a late joiner and a
half-penny session cost."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from provision import costing, reports
from provision.models import Enrolment, Provision, StaffRole, Wave
from provision.reports import inputs as report_inputs
from provision.tests.test_reports import AFTER, TERMS_2024, YEAR, catalogue, make_terms, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(world):
    make_terms(world.oak, YEAR, TERMS_2024)
    ta = StaffRole.objects.create(school=world.oak, name="TA", kind="ta2", hourly_cost="18.15")
    hlta = StaffRole.objects.create(school=world.oak, name="HLTA", kind="hlta", hourly_cost="22.35")
    p = Provision.objects.create(
        school=world.oak,
        intervention=catalogue("Toe by Toe", "CL"),
        name="Reading group",
        wave=Wave.TARGETED,
        staff_role=ta,
        weekdays=[0, 2, 4],
        session_minutes=50,
        start_date=date(2024, 12, 2),
        end_date=date(2025, 2, 28),
        resource_cost=Decimal("10.00"),
    )
    amy, ben, dan = world.amy, world.ben, world.dan
    Enrolment.objects.create(provision=p, pupil=amy, start_date=p.start_date)
    Enrolment.objects.create(provision=p, pupil=ben, start_date=p.start_date)
    Enrolment.objects.create(provision=p, pupil=dan, start_date=date(2025, 1, 6))
    session(p, date(2024, 12, 2), [amy, ben])
    session(p, date(2024, 12, 4), [amy], absent=[ben])  # £15.125 for Amy alone
    session(p, date(2024, 12, 6), [], absent=[amy, ben])  # nobody came: shared by the group
    session(p, date(2025, 1, 6), [amy, ben, dan])
    session(p, date(2025, 1, 8), [amy, ben, dan])
    s = session(p, date(2025, 1, 10), [ben, dan], absent=[amy])
    s.staff_role = hlta
    s.save()
    session(p, date(2025, 1, 13), [], delivered=False)
    return p


def one_by_one(p: Provision, window: report_inputs.Window) -> list[costing.DeliveredSession]:
    return [
        costing.DeliveredSession(
            s.minutes,
            s.staff_role.hourly_cost,
            frozenset(a.pupil_id for a in s.attendance.all() if a.present),
        )
        for s in p.sessions.filter(delivered=True, on__range=(window.start, window.end))
    ]


def test_grouped_sessions_give_the_figures_of_the_sessions_one_by_one(group, world):
    period = reports.period_for(world.oak, YEAR)
    with CaptureQueriesContext(connection) as ctx:
        held = report_inputs.held_sessions([group.pk], period, AFTER)
    assert len(ctx.captured_queries) == 1
    for w in period.windows[:2]:
        grouped = [h.sessions for h in held[(group.pk, w.name)]]
        single = one_by_one(group, w)
        assert sum(s.count for s in grouped) == len(single) > 0
        enrolled = [e.pupil_id for e in group.enrolments.all()]
        assert costing.provision_cost(grouped, Decimal(0)) == costing.provision_cost(
            single, Decimal(0)
        )
        assert costing.pupil_shares(grouped, Decimal(0), enrolled) == costing.pupil_shares(
            single, Decimal(0), enrolled
        )
        assert costing.delivered_hours(grouped) == costing.delivered_hours(single)


def test_sessions_read_without_the_pupils_present_give_the_same_cost_hours_and_counts(group, world):
    """Impact for cost reads the sessions without who was there (held_sessions(who=False)):
    cost, hours and sessions held are those of the sessions one by one; shares cannot be asked."""
    period = reports.period_for(world.oak, YEAR)
    with CaptureQueriesContext(connection) as ctx:
        held = report_inputs.held_sessions([group.pk], period, AFTER, who=False)
    assert len(ctx.captured_queries) == 1
    assert "attendance" not in ctx.captured_queries[0]["sql"]
    for w in period.windows[:2]:
        grouped = [h.sessions for h in held[(group.pk, w.name)]]
        single = one_by_one(group, w)
        assert all(not s.present for s in grouped)
        assert sum(s.count for s in grouped) == len(single) > 0
        assert costing.provision_cost_exact(grouped, Decimal(0)) == costing.provision_cost_exact(
            single, Decimal(0)
        )
        assert costing.delivered_hours(grouped) == costing.delivered_hours(single)
    before = report_inputs.held_sessions([group.pk], period, date(2024, 12, 5), who=False)
    assert sum(h.by_today for h in before[(group.pk, "autumn")]) == 2  # 2 and 4 December
    pts = report_inputs.provision_terms([group], held, {}, period, AFTER, who_read=False)
    with pytest.raises(ValueError, match="pupils present were not read"):
        _ = pts[0].whole_shares


def test_the_map_of_the_example_worked_by_hand(group, world):
    m = reports.provision_map(
        world.oak,
        reports.period_for(world.oak, YEAR),
        reports.MapFilters(),
        named=True,
        today=AFTER,
    )
    term = {r.key: r for r in m.by_term}
    # Autumn: three 50-minute sessions at £18.15 (£15.125 each) and the £10 of books.
    assert term["autumn"].cost == Decimal("55.375") and term["autumn"].cost_shown == Decimal(
        "55.38"
    )
    # Spring: two at £18.15 and one by the £22.35 HLTA (£18.625).
    assert term["spring"].cost == Decimal("48.875")
    assert (term["autumn"].delivered, term["spring"].delivered) == (3, 3)
    assert m.total.hours == Decimal(5)
    # Amy: half of 2 Dec, all of 4 Dec, half of the empty 6 Dec (Dan joined later), half the
    # books; then a third of 6 and 8 January.
    amy_autumn = Decimal("15.125") / 2 + Decimal("15.125") + Decimal("15.125") / 2 + 5
    amy_spring = Decimal("15.125") * 2 / 3
    shares = {
        line.pupil.forename: line.cost
        for line in reports.provision_map(
            world.oak,
            reports.period_for(world.oak, YEAR),
            reports.MapFilters(provision=group.pk),
            named=True,
            today=AFTER,
        ).pupils
        or []
    }
    assert costing.money(shares["Amy"]) == costing.money(amy_autumn + amy_spring)
    assert sum(shares.values()) == m.total.cost
