"""The pure rules of the new school year."""

from hypothesis import given
from hypothesis import strategies as st

from people import years
from pupils import census


def test_nc_years_follow_the_census_order():
    assert [years.next_nc_year(c) for c in ("N1", "N2", "R", "1", "6", "11", "13")] == [
        "N2",
        "R",
        "1",
        "2",
        "7",
        "12",
        "14",
    ]
    assert years.next_nc_year("14") is None
    assert years.next_nc_year("X") is None
    assert tuple(code for code, _ in census.NC_YEARS) == years.ORDER


def test_leavers_come_from_the_phase_or_the_age_range():
    assert years.last_nc_year("primary") == "6"
    assert years.last_nc_year("secondary") == "11"
    assert years.last_nc_year("secondary", 18) == "13"  # a sixth form
    assert years.last_nc_year("secondary", 16) == "11"
    assert years.last_nc_year("primary", 9) == "4"  # a first school
    assert years.last_nc_year("primary", 7) == "2"  # an infant school
    assert years.leaves("6", "6") and years.leaves("7", "6") and not years.leaves("5", "6")


@given(st.sampled_from(years.ORDER), st.sampled_from(years.ORDER))
def test_a_pupil_either_leaves_or_moves_to_a_later_year(code, last):
    nxt = years.next_nc_year(code)
    if not years.leaves(code, last):
        assert nxt is not None and years.ORDER.index(nxt) == years.ORDER.index(code) + 1
        assert years.ORDER.index(nxt) <= years.ORDER.index(last)
