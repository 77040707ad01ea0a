"""The compliance engine on seeded data (records/seeding.py, at national rates): the reads for a
day give the same findings as the whole history, and the data gives a realistic spread."""

from datetime import date, timedelta

import pytest

from accounts.models import LocalAuthority
from records.seeding import seed_schools
from statutory import compliance, inputs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]

TODAY = date(2026, 12, 3)


@pytest.fixture
def seeded() -> LocalAuthority:
    seed_schools(schools=2, pupils_per_school=300, seed=16, today=TODAY, years_of_history=3)
    return LocalAuthority.objects.filter(schools__isnull=False).distinct().get()


def test_the_reads_for_a_day_give_the_findings_of_the_whole_history(seeded) -> None:
    """school_records(school, on) leaves out what cannot change a finding on `on` (targets of
    closed cycles, cycles and specialists of pupils off the register that day): the findings are
    the same as from every record, on days across the seeded history."""
    days = [TODAY - timedelta(days=d) for d in (0, 1, 45, 120, 200, 365, 500)]
    compared = 0
    for school in seeded.schools.all():
        whole = inputs.school_records(school)
        for on in days:
            expected = compliance.findings(whole, on)
            assert inputs.school_findings(school, on) == expected, (school, on)
            compared += len(expected)
    rows = inputs.schools_findings(seeded.schools.all(), TODAY)
    for school, found in rows:
        assert found == compliance.findings(inputs.school_records(school), TODAY)
    assert compared > 100  # the comparison saw findings


def test_an_la_report_is_its_schools_reports(seeded) -> None:
    report = inputs.la_report(seeded, TODAY)
    expected = [
        {"school": school.urn, **finding}
        for school in seeded.schools.order_by("urn")
        for finding in inputs.school_report(school, TODAY)["findings"]
    ]
    assert report["findings"] == expected
