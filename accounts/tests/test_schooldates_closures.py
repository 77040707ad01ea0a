"""Half-terms, closure days and the bank holidays table (pure rules, no database)."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from accounts.schooldates import (
    BANK_HOLIDAYS_ENGLAND_AND_WALES,
    TermDates,
    bank_holidays_in,
    closed_dates,
    default_terms,
    half_term_problem,
    term_problems,
)

years = st.integers(2023, 2027)


@given(years)
def test_default_half_terms_are_a_week_in_late_october_mid_february_and_late_may(start_year):
    autumn, spring, summer = default_terms(start_year)
    for term, month, days in ((autumn, 10, range(23, 32)), (spring, 2, range(12, 20))):
        assert term.half_term_start is not None and term.half_term_start.month == month
        assert term.half_term_start.day in days
    assert summer.half_term_start is not None and summer.half_term_start >= date(
        start_year + 1, 5, 25
    )
    for term in (autumn, spring, summer):
        assert term.half_term_start is not None and term.half_term_start.weekday() == 0
        assert term.half_term_end == term.half_term_start + timedelta(days=4)
        assert half_term_problem(term) == ""


@given(years, st.integers(-200, 200), st.integers(0, 20))
def test_a_half_term_outside_its_term_is_a_problem(start_year, shift, length):
    autumn = default_terms(start_year)[0]
    first = autumn.start + timedelta(days=shift)
    moved = replace(autumn, half_term_start=first, half_term_end=first + timedelta(days=length))
    inside = autumn.start < first and first + timedelta(days=length) < autumn.end
    assert (half_term_problem(moved) == "") == inside
    if not inside:
        assert "autumn_half_term" in term_problems([moved], start_year)


def test_half_of_a_half_term_is_a_problem():
    autumn = TermDates("autumn", date(2025, 9, 3), date(2025, 12, 19), date(2025, 10, 27))
    assert "both" in half_term_problem(autumn)


@given(years, st.frozensets(st.dates(date(2023, 1, 1), date(2028, 12, 31)), max_size=20))
def test_closed_dates_are_the_half_terms_and_the_closures_inside_the_terms(start_year, closures):
    terms = default_terms(start_year)
    closed = closed_dates(terms, list(closures))
    for day in closed:
        assert any(t.start <= day <= t.end for t in terms)
    for t in terms:
        assert set(t.half_term_days()) <= closed
    in_terms = {d for d in closures if any(t.start <= d <= t.end for t in terms)}
    assert in_terms <= closed


def test_the_bank_holidays_table_covers_2023_to_2027_and_falls_on_weekdays():
    by_year = {
        y: [d for d in BANK_HOLIDAYS_ENGLAND_AND_WALES if d.year == y] for y in range(2023, 2028)
    }
    assert {y: len(days) for y, days in by_year.items()} == {
        2023: 9,  # with the coronation of King Charles III
        2024: 8,
        2025: 8,
        2026: 8,
        2027: 8,
    }
    assert all(d.weekday() < 5 for d in BANK_HOLIDAYS_ENGLAND_AND_WALES)
    # The early May bank holiday of 2026 falls in the summer term; Easter in the holidays.
    terms = default_terms(2025)
    assert date(2026, 5, 4) in bank_holidays_in(terms)
    assert date(2026, 4, 6) not in bank_holidays_in(terms)
