"""Costing with sessions grouped (the reports read alike sessions once, with a count) gives exactly
the figures of the sessions one by one; figures are exact, whatever order sessions come in; and
the quick count of planned sessions agrees with listing them."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from provision import costing
from provision.costing import DeliveredSession

rates = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
fixed = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
grouped = st.lists(
    st.builds(
        DeliveredSession,
        minutes=st.integers(0, 120),
        hourly_rate=rates,
        present=st.frozensets(st.integers(1, 12), max_size=6),
        count=st.integers(1, 40),
    ),
    max_size=12,
)
enrolled = st.frozensets(st.integers(1, 12), max_size=8)


def one_by_one(sessions: list[DeliveredSession]) -> list[DeliveredSession]:
    return [
        DeliveredSession(s.minutes, s.hourly_rate, s.present)
        for s in sessions
        for _ in range(s.count)
    ]


def exactly(minutes: int, rate: Decimal, among: int) -> Fraction:
    return Fraction(minutes) * Fraction(rate) / 60 / among


@given(grouped, fixed, enrolled)
def test_grouped_sessions_cost_the_same_as_one_by_one(ss, fixed_costs, pupils):
    single = one_by_one(ss)
    assert costing.provision_cost(ss, fixed_costs) == costing.provision_cost(single, fixed_costs)
    assert costing.delivered_hours(ss) == costing.delivered_hours(single)
    assert costing.pupil_shares(ss, fixed_costs, pupils) == costing.pupil_shares(
        single, fixed_costs, pupils
    )


@given(grouped, fixed, enrolled, st.randoms())
def test_figures_do_not_depend_on_the_order_of_sessions(ss, fixed_costs, pupils, rnd):
    single = one_by_one(ss)
    shuffled = list(single)
    rnd.shuffle(shuffled)
    assert costing.provision_cost_exact(single, fixed_costs) == costing.provision_cost_exact(
        shuffled, fixed_costs
    )
    assert costing.pupil_shares_exact(single, fixed_costs, pupils) == costing.pupil_shares_exact(
        shuffled, fixed_costs, pupils
    )


@given(grouped, fixed, enrolled)
def test_shares_are_exactly_the_formula(ss, fixed_costs, pupils):
    """Each share is the sum over the sessions the pupil was at of cost / pupils present (or
    / pupils enrolled if nobody came), plus an equal part of the fixed costs; they add up to the
    cost exactly when someone is enrolled."""
    expected: dict[int, Fraction] = {p: Fraction(0) for p in pupils}
    for s in ss:
        among = s.present or pupils
        for p in among:
            expected[p] = expected.get(p, Fraction(0)) + s.count * exactly(
                s.minutes, s.hourly_rate, len(among)
            )
    for p in pupils:
        expected[p] += Fraction(fixed_costs) / len(pupils)
    shares = costing.pupil_shares_exact(ss, fixed_costs, pupils)
    assert shares == expected
    if pupils:
        assert sum(shares.values(), Fraction(0)) == costing.provision_cost_exact(ss, fixed_costs)


@given(grouped, fixed)
def test_exact_figures_stay_within_a_hair_of_the_old_decimal_sums(ss, fixed_costs):
    """Before, each session's cost was a 28-digit Decimal added in database order: the figures
    were the same to far below a penny, and differed only where the true figure is exactly half
    a penny or half a tenth of an hour (then the exact figure rounds as money() says)."""
    old = sum(
        (Decimal(s.minutes) / Decimal(60) * s.hourly_rate for s in one_by_one(ss)), Decimal(0)
    )
    assert abs(costing.provision_cost(ss, fixed_costs) - (old + fixed_costs)) < Decimal("1e-20")


def test_half_a_penny_rounds_up():
    # 50 minutes at £18.15 an hour is £15.125: the old 28-digit division made it £15.1249…9.
    session = DeliveredSession(50, Decimal("18.15"), frozenset({1}))
    assert costing.provision_cost([session], Decimal(0)) == Decimal("15.125")
    assert costing.money(costing.provision_cost([session], Decimal(0))) == Decimal("15.13")
    assert costing.pupil_shares([session], Decimal(0), [1]) == {1: Decimal("15.125")}


TERMS = [
    costing.Term(date(2025, 9, 3), date(2025, 12, 19)),
    costing.Term(date(2026, 1, 5), date(2026, 3, 27)),
    costing.Term(date(2026, 3, 20), date(2026, 4, 2)),  # overlaps the one before
]


@given(
    st.sets(st.integers(0, 6), max_size=7),
    st.dates(date(2025, 8, 1), date(2026, 4, 30)),
    st.integers(-3, 300),
)
def test_planned_count_is_the_number_of_planned_dates(weekdays, start, length):
    end = start + timedelta(days=length)
    assert costing.planned_count(weekdays, start, end, TERMS) == len(
        costing.planned_dates(weekdays, start, end, TERMS)
    )
