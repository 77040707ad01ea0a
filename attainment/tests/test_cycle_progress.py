"""For pupils on the register: "little or no progress" across the latest cycles, on the review form
and offered to the compliance inputs (statutory/inputs.py)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from attainment import selectors
from attainment.models import AssessmentPoint
from statutory import findings_cache, inputs
from support import services
from support.models import Cycle, Specialist, SpecialistInvolvement

from .conftest import LAST_YEAR, grow_cohort

FIRST = (date(LAST_YEAR, 9, 25), date(LAST_YEAR + 1, 1, 15))
SECOND = (date(LAST_YEAR + 1, 1, 15), date(LAST_YEAR + 1, 7, 1))


@pytest.mark.django_db
def test_a_stalling_pupil_makes_little_or_no_progress_in_both_cycles(world) -> None:
    grow_cohort(world)
    found = selectors.school_little_progress(
        world.oak.pk, {world.ben.pk: [FIRST, SECOND], world.dan.pk: [FIRST, SECOND]}
    )
    assert found == {world.ben.pk: ["Maths"]}  # Dan keeps up with his peers
    latest = selectors.cycle_progress(world.ben.pk, world.oak.pk, [FIRST, SECOND])
    assert latest.little_or_no == ["Maths"]
    (maths,) = latest.latest
    assert maths.progress == 1 and maths.peer_median == 4 and maths.little_or_no
    assert maths.words().startswith(f"Maths: +1 from 10 December {LAST_YEAR} to 20 June")


@pytest.mark.django_db
def test_the_review_form_and_the_compliance_inputs_show_it(world) -> None:
    cohort = grow_cohort(world)
    AssessmentPoint.objects.filter(pupil=world.amy).update(score=95)  # Amy (on SEN support) stalls
    senco = world.users["senco"]
    Cycle.objects.create(pupil=world.amy, number=1, opened_on=FIRST[0], closed_on=FIRST[1])
    cycle = Cycle.objects.create(pupil=world.amy, number=2, opened_on=SECOND[0])
    services.plan_save(cycle=cycle, by=senco, data={"plan_date": SECOND[0], "outcomes": "x"},
                       version=0)  # fmt: skip
    client = Client()
    client.force_login(senco)
    page = client.get(reverse("review", args=[cycle.pk])).content.decode()
    assert "What the assessment data says about this cycle" in page
    assert "little or no progress in Maths across the latest two cycles" in page
    assert inputs.little_or_no_progress(world.oak, SECOND[1]) == {world.amy.upn: ["Maths"]}
    assert cohort.maths.points.filter(pupil=world.amy, score=95).count() == 4
    # Offered to the specialist-involvement check on the compliance page, until one is recorded.
    page = client.get(reverse("compliance_school")).content.decode()
    assert 'id="progress-offers"' in page
    offers = page[page.index('id="progress-offers"') :]
    assert "Amy Adams" in offers and "Maths" in offers and f"{FIRST[0]:%-d %b %Y}" in offers
    assert reverse("specialist_add", args=[world.amy.pk]) in offers
    # The offers are cached with the findings (statutory/findings_cache.py): a new assessment
    # point moves the fingerprint, so the next visit works them out again.
    before = findings_cache.fingerprint(world.oak, SECOND[1])
    point = cohort.maths.points.filter(pupil=world.amy).first()
    assert point is not None
    AssessmentPoint.objects.create(
        pupil=world.amy,
        subject=cohort.maths,
        assessed_on=date(LAST_YEAR + 1, 7, 3),
        score=point.score,
    )
    assert findings_cache.fingerprint(world.oak, SECOND[1]) != before
    SpecialistInvolvement.objects.create(pupil=world.amy, specialist=Specialist.choices[0][0],
                                         asked_on=SECOND[0])  # fmt: skip
    assert 'id="progress-offers"' not in client.get(reverse("compliance_school")).content.decode()


def test_an_offer_leaves_out_a_pupil_with_a_specialist_or_the_finding_already() -> None:
    from statutory import compliance as c

    cycles = (c.Cycle(1, FIRST[0], FIRST[1]), c.Cycle(2, SECOND[0]))
    pupils = (
        c.PupilRecords("A1", cycles=cycles),
        c.PupilRecords("B2", cycles=cycles, specialists=(c.SpecialistInvolvement(FIRST[0]),)),
        c.PupilRecords(
            "C3", cycles=cycles, specialists=(c.SpecialistInvolvement(date(LAST_YEAR - 1, 9, 1)),)
        ),
        c.PupilRecords("D4", cycles=cycles[1:]),
        c.PupilRecords("E5", cycles=cycles),
    )
    little = {"A1": ["Maths"], "B2": ["Maths"], "C3": ["Reading"], "D4": ["Maths"],
              "E5": ["Maths"]}  # fmt: skip
    found = [c.Finding(SECOND[1], "SPECIALIST_NOT_INVOLVED", "E5", "breach", "", "")]
    offers = c.progress_offers(c.SchoolRecords("primary", pupils), little, found, SECOND[1])
    assert [(o.upn, o.subjects, o.since) for o in offers] == [
        ("A1", ("Maths",), FIRST[0]),
        ("C3", ("Reading",), FIRST[0]),  # the specialist came before the first cycle
    ]
