"""England's figures from the DfE's "Education, health and care plans" 2025 release (SEN2,
calendar year 2024; shared/data/education-health-and-care-plans_2025/data, OGL v3): the national
rows of requests.csv, timeliness_20_week.csv and annual_reviews.csv. Kept here so an installation
needs no copy of the release; statutory/tests/test_figures.py checks them against the files when
they are present. A pure module."""

from dataclasses import dataclass


@dataclass(frozen=True)
class National:
    year: int
    requests: int  # requests_received_in_year
    decisions_6_weeks: float | None  # request_outcome_six_weeks_pc
    plans_20_weeks: float  # pc_plans_issued_within_20_weeks (including exceptions)
    plans_20_weeks_ex: float  # PC_plans_issued_20_weeks_ex (excluding exceptions)
    reviews_4_weeks: float | None  # pc_decsion_4weeks


SOURCE = (
    "Department for Education, ‘Education, health and care plans’ (2025 release, SEN2), "
    "England, calendar year"
)
# By calendar year; "x" in the release (not published) is None.
BY_YEAR: dict[int, National] = {
    2019: National(2019, 82329, None, 58.7, 60.4, None),
    2020: National(2020, 75951, None, 55.6, 58.0, None),
    2021: National(2021, 93302, None, 57.9, 59.9, None),
    2022: National(2022, 114482, None, 47.7, 49.2, None),
    2023: National(2023, 138242, 84.8, 49.1, 50.3, None),
    2024: National(2024, 154489, 84.8, 45.9, 46.4, 44.4),
}
LATEST = BY_YEAR[max(BY_YEAR)]


def for_year(year: int) -> National:
    """The national figures for `year`, or the latest published before it (the LA's current year
    is compared with the latest national year)."""
    earlier = [y for y in BY_YEAR if y <= year]
    return BY_YEAR[max(earlier)] if earlier else BY_YEAR[min(BY_YEAR)]
