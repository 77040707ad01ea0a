"""Closed days (half-term, training days, bank holidays) are not planned: planned sessions over a
range with closures are those without closures less the pattern's weekdays that fall in them."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from provision import costing

TERMS = [
    costing.Term(date(2025, 9, 3), date(2025, 12, 19)),
    costing.Term(date(2026, 1, 5), date(2026, 3, 27)),
]
weekdays = st.sets(st.integers(0, 6), min_size=1)
starts = st.dates(date(2025, 8, 1), date(2026, 4, 15))
closures = st.frozensets(st.dates(date(2025, 8, 1), date(2026, 4, 30)), max_size=30)


@given(weekdays, starts, st.integers(0, 240), closures)
def test_planned_with_closures_is_planned_without_less_the_pattern_days_closed(
    days, start, length, closed
):
    end = start + timedelta(days=length)
    without = costing.planned_dates(days, start, end, TERMS)
    lost = sum(1 for d in without if d in closed)
    assert costing.planned_count(days, start, end, TERMS, closed) == len(without) - lost
    assert costing.planned_dates(days, start, end, TERMS, closed) == [
        d for d in without if d not in closed
    ]


@given(weekdays, starts, st.integers(0, 240), closures)
def test_no_planned_date_is_closed(days, start, length, closed):
    planned = costing.planned_dates(days, start, start + timedelta(days=length), TERMS, closed)
    assert not set(planned) & closed


def test_a_february_half_term_week_takes_its_sessions_off():
    spring = [costing.Term(date(2026, 1, 5), date(2026, 3, 27))]
    half_term = {date(2026, 2, 16) + timedelta(days=i) for i in range(5)}
    start, end = date(2026, 1, 5), date(2026, 3, 27)
    assert costing.planned_count([0, 3], start, end, spring) == 24
    assert costing.planned_count([0, 3], start, end, spring, half_term) == 22
