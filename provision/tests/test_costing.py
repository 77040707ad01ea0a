"""The costing and impact formulas (issue 4): costs are never negative, shares add up to the total,
a delivered session never lowers delivered hours."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provision import costing
from provision.costing import DeliveredSession, EntryExit

rates = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
pupil_ids = st.integers(1, 30)
sessions = st.lists(
    st.builds(
        DeliveredSession,
        minutes=st.integers(0, 120),
        hourly_rate=rates,
        present=st.frozensets(pupil_ids, max_size=8),
    ),
    max_size=25,
)
fixed = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)


@given(sessions, fixed)
def test_costs_are_never_negative(ss, fixed_costs):
    assert costing.provision_cost(ss, fixed_costs) >= 0


@given(sessions, fixed, st.frozensets(pupil_ids, min_size=1, max_size=10))
def test_shares_sum_to_the_total(ss, fixed_costs, enrolled):
    shares = costing.pupil_shares(ss, fixed_costs, enrolled)
    total = costing.provision_cost(ss, fixed_costs)
    assert abs(sum(shares.values(), Decimal(0)) - total) < Decimal("0.000001")
    assert all(share >= 0 for share in shares.values())


@given(
    sessions,
    st.builds(
        DeliveredSession,
        minutes=st.integers(0, 120),
        hourly_rate=rates,
        present=st.frozensets(pupil_ids),
    ),
)
def test_adding_a_delivered_session_never_lowers_hours_or_cost(ss, extra):
    assert costing.delivered_hours([*ss, extra]) >= costing.delivered_hours(ss)
    assert costing.provision_cost([*ss, extra], Decimal(0)) >= costing.provision_cost(
        ss, Decimal(0)
    )


def test_a_worked_example():
    # Two 30-minute sessions by a £20/h TA for pupils 1 and 2, pupil 2 absent from the second, £30 of books.
    ss = [
        DeliveredSession(30, Decimal(20), frozenset({1, 2})),
        DeliveredSession(30, Decimal(20), frozenset({1})),
    ]
    assert costing.provision_cost(ss, Decimal(30)) == Decimal(50)
    assert costing.pupil_shares(ss, Decimal(30), [1, 2]) == {1: Decimal(30), 2: Decimal(20)}


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        costing.session_staff_cost(-1, Decimal(10))
    with pytest.raises(ValueError):
        costing.fidelity(-1, 3)
    ok = costing.DeliveredSession(30, Decimal(20), frozenset({1}))
    bad_rate = costing.DeliveredSession(30, Decimal(-20), frozenset({1}))
    # A rate is checked once, when first seen; minutes are checked for every session.
    bad_minutes = costing.DeliveredSession(-30, Decimal(20), frozenset({1}))
    for sessions in ([bad_rate], [ok, bad_minutes]):
        with pytest.raises(ValueError):
            costing.provision_cost_exact(sessions, Decimal(0))
        with pytest.raises(ValueError):
            costing.pupil_shares_whole(sessions, Decimal(0), [1])


@given(st.integers(0, 200), st.integers(0, 200))
def test_fidelity_is_delivered_over_planned(delivered, planned):
    f = costing.fidelity(delivered, planned)
    assert f is None if planned == 0 else f == delivered / planned


TERMS = [
    costing.Term(date(2025, 9, 3), date(2025, 12, 19)),
    costing.Term(date(2026, 1, 5), date(2026, 3, 27)),
]


def test_planned_dates_skip_the_holidays():
    dates = costing.planned_dates([0, 2], date(2025, 12, 15), date(2026, 1, 9), TERMS)
    assert dates == [date(2025, 12, 15), date(2025, 12, 17), date(2026, 1, 5), date(2026, 1, 7)]


@given(
    st.sets(st.integers(0, 4), min_size=1),
    st.dates(date(2025, 9, 1), date(2026, 3, 31)),
    st.integers(0, 120),
)
def test_planned_dates_are_inside_terms_on_the_days_asked(weekdays, start, length):
    for day in costing.planned_dates(weekdays, start, start + timedelta(days=length), TERMS):
        assert day.weekday() in weekdays and any(t.start <= day <= t.end for t in TERMS)


def ee(pupil, entry, exit_, months=3, kind=costing.AGE_EQUIVALENT):
    start = date(2025, 9, 15)
    return EntryExit(
        pupil, kind, entry, start, exit_, start + timedelta(days=round(30.44 * months))
    )


def test_ratio_gain_for_age_equivalents():
    # 6 months of reading age gained in 3 months: twice the typical rate.
    assert costing.gain_against_expected(ee(1, 84, 90)) == pytest.approx(2.0, rel=0.01)


def test_impact_line_with_a_small_sample_marked():
    line = costing.impact(
        results=[ee(1, 84, 90), ee(2, 80, 83)],
        pupils=4,
        total_cost=Decimal("400"),
        targets_met=3,
        targets_rated=4,
    )
    assert line.small_sample and line.with_data == 2 and line.pupils == 4
    assert line.average_gain == 4.5 and line.cost_per_pupil == Decimal("100.00")
    assert line.cost_per_unit_gain == Decimal("22.22") and line.met_targets_share == 0.75


def test_no_cost_per_unit_of_gain_without_a_positive_gain():
    line = costing.impact(
        results=[ee(1, 90, 88, kind=costing.STANDARDISED)] * 6,
        pupils=6,
        total_cost=Decimal(600),
        targets_met=0,
        targets_rated=0,
    )
    assert (
        line.cost_per_unit_gain is None and not line.small_sample and line.met_targets_share is None
    )
