"""The demo's findings on its own day (issue 16, "Data and speed"): a few of each code, most
pupils on the register clean."""

from collections import Counter
from datetime import date

import pytest

from accounts.models import LocalAuthority
from duties.models import InformationReport
from pupils.models import RegisterEntry
from records.demo import build_demo
from statutory import compliance, inputs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]

# A day in the spring term (the demo is built on a day up to today: services refuse future dates):
# the phase transfers (15 February, 31 March) are then within their eight weeks' warning.
TODAY = date(2026, 1, 20)


def test_the_demo_shows_a_few_of_each_code_and_most_pupils_clean() -> None:
    build_demo(TODAY)
    la = LocalAuthority.objects.get(code="820")
    found = inputs.la_report(la, TODAY)["findings"]
    by_code = Counter(f["code"] for f in found)
    on_register = set(
        RegisterEntry.objects.filter(provision__in=("K", "E"), start_date__lte=TODAY)
        .exclude(end_date__lt=TODAY)
        .values_list("pupil__upn", flat=True)
    )
    with_findings = {f["upn"] for f in found if f["upn"]} & on_register
    spread = f"{dict(by_code)}; {len(with_findings)} of {len(on_register)} with findings"
    # The demo's SEN information report is published on the day it is built (duties/seeding.py):
    # it cannot be stale, so that code is the one the demo does not show.
    fresh = InformationReport.objects.filter(published_on__gt=compliance.add_months(TODAY, -12))
    assert fresh.exists() and "SEN_INFORMATION_REPORT_STALE" not in by_code, spread
    for code in compliance.CODES:
        if code != "SEN_INFORMATION_REPORT_STALE":
            assert 1 <= by_code[code] <= len(on_register) // 8, (code, spread)
    assert len(with_findings) <= len(on_register) // 3, spread
