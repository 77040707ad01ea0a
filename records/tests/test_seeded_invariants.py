"""Issue 13, item 7: the seeded data tells one story. Invariants of the generator (records/
seeding.py driving pupils/, support/ and provision/seeding.py), checked over a seeded primary,
secondary and special school:

- a review's decision fits its overall progress: "request an EHC needs assessment" and "stop and
  try something else" follow less than expected progress; "continue as planned" and "remove from
  the register" follow expected progress or better;
- a pupil off the register has no open cycle and no open need;
- a review rated better than expected never asks for an EHC needs assessment;
- a delivered session had a pupil there: a one-to-one session whose only pupil was absent is
  "missed" (Pupil absent), never delivered;
- a mainstream pupil with an EHC plan has a costed map whose staffing (in-class support, hours x
  weeks x the role's cost) pays for at least the top-up and the first £6,000.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from accounts.models import Phase
from provision import reports
from provision.models import Session, SessionAttendance, SpendingLine, TopUpFunding
from provision.reports.inputs import period_for
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


def test_better_than_expected_never_asks_for_an_ehc_needs_assessment(seeded):
    above = Review.objects.filter(overall_progress=OverallProgress.ABOVE)
    assert above.exists()
    assert not above.filter(decision="ehc_request").exists()


def test_a_delivered_session_had_a_pupil_there(seeded):
    present = SessionAttendance.objects.filter(present=True).values("session_id")
    assert not Session.objects.filter(delivered=True).exclude(pk__in=present).exists()
    one_to_one = Session.objects.filter(provision__intervention__group_size=1)
    missed_alone = one_to_one.filter(delivered=False, missed_reason="Pupil absent")
    assert missed_alone.exists(), "the one pupil's absences are missed sessions"
    assert one_to_one.filter(delivered=True).exists()


def test_a_pupil_with_an_ehc_plan_has_the_support_its_top_up_pays_for(seeded):
    top_ups = TopUpFunding.objects.select_related("pupil__school").exclude(
        pupil__school__phase=Phase.SPECIAL
    )
    assert top_ups.exists()
    for top_up in top_ups:
        pupil = top_up.pupil
        period = period_for(pupil.school, top_up.start_year)
        costed = reports.costed_map(pupil, period, today=TODAY)
        staffing = [line for line in costed.other if line.category == "staffing"]
        assert staffing, f"{pupil}: no in-class support for {top_up.start_year}"
        for line in staffing:
            assert line.hours_per_week and line.weeks and line.hourly_rate
            exact = line.hours_per_week * line.weeks * line.hourly_rate
            assert line.cost == exact.quantize(Decimal("0.01"))
        assert costed.planned_total >= top_up.amount, (pupil, top_up.start_year)
        assert costed.other_cost >= top_up.amount
    assert (
        SpendingLine.objects.filter(
            description="In-class support in the EHC plan (section F)"
        ).count()
        == top_ups.count()
    )
