"""Issue 13, item 7: the seeded data tells one story. Invariants of the generator (records/
seeding.py driving pupils/, support/ and provision/seeding.py), checked over a seeded primary,
secondary and special school:

- a review's decision fits its overall progress: "request an EHC needs assessment" and "stop and
  try something else" follow less than expected progress; "continue as planned" and "remove from
  the register" follow expected progress or better;
- a pupil off the register has no open cycle and no open need.
"""

from datetime import date

import pytest
from django.db import transaction

from accounts.models import Phase
from pupils.models import Need, Pupil, RegisterEntry
from pupils.seeding import SchoolSpec
from sendpath.testing import seed_for_tests
from support.models import Cycle, OverallProgress, Review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]
TODAY = date(2026, 3, 10)
SPECS = [
    SchoolSpec(Phase.PRIMARY, 220),
    SchoolSpec(Phase.SECONDARY, 220),
    SchoolSpec(Phase.SPECIAL, 50),
]
LESS = {OverallProgress.LESS, OverallProgress.LITTLE_OR_NONE}
AT_LEAST_EXPECTED = {OverallProgress.EXPECTED, OverallProgress.ABOVE}
FITS = {
    "ehc_request": LESS,
    "change": LESS,
    "specialist": LESS | {OverallProgress.EXPECTED},
    "continue": AT_LEAST_EXPECTED,
    "remove": AT_LEAST_EXPECTED,
    "adjust": set(OverallProgress),
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_for_tests(SPECS, seed=13, today=TODAY)
        transaction.set_rollback(True)


def test_review_decisions_fit_the_progress_made(seeded):
    reviews = list(Review.objects.values_list("decision", "overall_progress"))
    assert {d for d, _p in reviews} >= {"ehc_request", "continue", "remove", "adjust"}
    wrong = [(d, p) for d, p in reviews if p not in FITS[d]]
    assert wrong == []


def test_a_pupil_off_the_register_has_no_open_cycle_and_no_open_need(seeded):
    on = set(
        RegisterEntry.objects.filter(end_date__isnull=True)
        .exclude(provision="N")
        .values_list("pupil_id", flat=True)
    )
    off = set(Pupil.objects.values_list("pk", flat=True)) - on
    assert off
    assert not Cycle.objects.filter(pupil_id__in=off, closed_on__isnull=True).exists()
    assert not Need.objects.filter(pupil_id__in=off, end_date__isnull=True).exists()
