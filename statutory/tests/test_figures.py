"""The LA's EHC figures beside England's: the pure counting (statutory/figures.py), the national
constants against the DfE's files, and the LA officer's page."""

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from statutory import figures, national, services

RELEASE = Path(settings.BASE_DIR).parent / "shared/data/education-health-and-care-plans_2025/data"


def test_shares_are_counted_as_the_release_counts_them():
    received = date(2024, 1, 8)
    requests = [
        # decided in 6 weeks to the day; plan in 20 weeks to the day
        figures.RequestFact(received, received + timedelta(weeks=6),
                            received + timedelta(weeks=20), False),
        # decided a day late; plan a day late, with an exception
        figures.RequestFact(received, received + timedelta(weeks=6, days=1),
                            received + timedelta(weeks=20, days=1), True),
        # received in 2023, decided in 2024: counted in 2024's decisions, not its requests
        figures.RequestFact(date(2023, 12, 1), date(2024, 1, 5), None, False),
        figures.RequestFact(date(2024, 11, 1), None, None, False),  # not decided yet
    ]  # fmt: skip
    reviews = [
        figures.ReviewFact(date(2024, 3, 1), date(2024, 3, 29)),
        figures.ReviewFact(date(2024, 3, 1), date(2024, 3, 30)),
        figures.ReviewFact(date(2023, 12, 1), None),
    ]
    got = figures.la_figures(2024, requests, reviews)
    assert got.requests == 3
    assert (got.decisions_6_weeks.part, got.decisions_6_weeks.whole) == (2, 3)
    assert got.decisions_6_weeks.percent == 66.7
    assert (got.plans_20_weeks.part, got.plans_20_weeks.whole) == (1, 2)
    assert (got.plans_20_weeks_ex.part, got.plans_20_weeks_ex.whole) == (1, 1)
    assert got.reviews_4_weeks.percent == 50.0
    assert figures.la_figures(2030, requests, reviews).plans_20_weeks.percent is None


@hypothesis_settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(date(2023, 1, 1), date(2024, 12, 31)),
            st.integers(0, 200),
            st.integers(0, 300),
            st.booleans(),
        ),
        max_size=15,
    )
)
def test_a_share_is_never_more_than_its_whole_and_without_exceptions_is_a_subset(rows):
    facts = [
        figures.RequestFact(r, r + timedelta(days=d), r + timedelta(days=p), e)
        for r, d, p, e in rows
    ]
    got = figures.la_figures(2024, facts, [])
    for share in (got.decisions_6_weeks, got.plans_20_weeks, got.plans_20_weeks_ex):
        assert 0 <= share.part <= share.whole
    assert got.plans_20_weeks_ex.whole <= got.plans_20_weeks.whole
    assert got.plans_20_weeks_ex.part <= got.plans_20_weeks.part


def _national_row(name: str, year: int) -> dict[str, str]:
    with (RELEASE / name).open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if (
                row["geographic_level"] == "National"
                and row["breakdown"].startswith("All")
                and (int(row["time_period"]) == year)
            ):
                return row
    raise LookupError(year)


@pytest.mark.skipif(not RELEASE.exists(), reason="the DfE release is not beside the repository")
@pytest.mark.parametrize("year", sorted(national.BY_YEAR))
def test_the_national_figures_are_the_releases(year):
    def number(value: str) -> float | None:
        return None if value == "x" else float(value)

    ours = national.BY_YEAR[year]
    timeliness = _national_row("timeliness_20_week.csv", year)
    requests = _national_row("requests.csv", year)
    assert ours.requests == int(requests["requests_received_in_year"])
    assert ours.decisions_6_weeks == number(requests["request_outcome_six_weeks_pc"])
    assert ours.plans_20_weeks == number(timeliness["pc_plans_issued_within_20_weeks"])
    assert ours.plans_20_weeks_ex == number(timeliness["PC_plans_issued_20_weeks_ex"])
    if year == 2024:
        reviews = _national_row("annual_reviews.csv", year)
        assert ours.reviews_4_weeks == number(reviews["pc_decsion_4weeks"])


def test_a_later_year_is_compared_with_the_latest_national_year():
    assert national.for_year(2026) == national.LATEST == national.BY_YEAR[2024]
    assert national.for_year(2021).year == 2021


@pytest.mark.django_db
@pytest.mark.usefixtures("builtin_catalogue")
def test_the_la_officer_sees_the_las_figures_beside_englands(world):
    today = timezone.localdate()
    year_start = date(today.year, 1, 1)
    senco = world.users["senco"]
    received = max(year_start, today - timedelta(weeks=30))
    ehc = services.ehc_request_create(pupil=world.amy, by=senco, source="2",
                                      received_date=received)  # fmt: skip
    services.ehc_request_update(
        ehc_request=ehc, by=world.users["la_officer"], decision="Y",
        decision_date=min(today, received + timedelta(weeks=5)),
    )  # fmt: skip
    client = Client()
    client.force_login(world.users["la_officer"])
    url = reverse("ehc_la_figures")
    assert url in client.get(reverse("ehc_casework")).content.decode()
    page = client.get(url, {"year": today.year}).content.decode()
    assert 'id="figures"' in page and 'id="figures-chart"' in page and 'id="chart-data"' in page
    assert "100.0% <span" in page and "(1 of 1)" in page  # decided within 6 weeks
    assert "45.9%" in page and "46.4%" in page and "44.4%" in page  # England, 2024
    assert "154,489" in page
    for name in ("senco", "teacher", "trust_officer"):
        client.force_login(world.users[name])
        assert client.get(url).status_code == 403
