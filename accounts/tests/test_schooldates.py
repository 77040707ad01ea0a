from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from accounts.schooldates import (
    TermDates,
    birth_date_range,
    default_terms,
    expected_nc_year,
    school_year_label,
    school_year_start,
    term_problems,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def test_school_year_starts_on_1_september():
    assert school_year_start(date(2025, 8, 31)) == 2024
    assert school_year_start(date(2025, 9, 1)) == 2025
    assert school_year_label(2025) == "2025/26"


@given(days)
def test_every_day_falls_in_the_school_year_it_names(day):
    start = school_year_start(day)
    assert date(start, 9, 1) <= day <= date(start + 1, 8, 31)


@given(st.integers(2000, 2060))
def test_terms_are_in_order_and_inside_the_year(start_year):
    terms = default_terms(start_year)
    assert [t.name for t in terms] == ["autumn", "spring", "summer"]
    assert date(start_year, 9, 1) <= terms[0].start
    assert terms[-1].end <= date(start_year + 1, 8, 31)
    for a, b in zip(terms, terms[1:], strict=False):
        assert a.start < a.end < b.start


def test_year_groups_follow_the_31_august_cut_off():
    # Born 31 August 2016 and 1 September 2015 are both Year 5 in 2025/26.
    assert expected_nc_year(date(2016, 8, 31), 2025) == "5"
    assert expected_nc_year(date(2015, 9, 1), 2025) == "5"
    assert expected_nc_year(date(2016, 9, 1), 2025) == "4"
    assert expected_nc_year(date(2020, 9, 1), 2025) == "R"


@given(
    st.sampled_from(["R", *[str(n) for n in range(1, 14)]]),
    st.integers(2000, 2060),
    st.integers(0, 364),
)
def test_birth_date_range_and_expected_year_agree(year_group, start_year, offset):
    first, last = birth_date_range(year_group, start_year)
    born = min(first + timedelta(days=offset), last)
    assert expected_nc_year(born, start_year) == year_group


@given(st.integers(2000, 2060))
def test_default_terms_have_no_problems(start_year):
    assert term_problems(default_terms(start_year), start_year) == {}


@given(st.integers(2000, 2060), st.sampled_from([0, 1, 2]), st.integers(1, 200))
def test_a_term_moved_into_its_neighbour_or_out_of_the_year_is_a_problem(start_year, index, days):
    terms = default_terms(start_year)
    moved = terms[index]
    if index == 0:
        bad = TermDates(
            moved.name, moved.start - timedelta(days=days + 10), moved.end
        )  # before 1 September
    else:
        bad = TermDates(
            moved.name, terms[index - 1].end - timedelta(days=days % 20), moved.end
        )  # overlaps
    terms[index] = bad
    assert moved.name in term_problems(terms, start_year)


def test_a_term_that_ends_before_it_starts_is_a_problem():
    terms = default_terms(2025)
    terms[1] = TermDates("spring", date(2026, 3, 1), date(2026, 2, 1))
    assert term_problems(terms, 2025) == {"spring": "The term must end after it starts."}
