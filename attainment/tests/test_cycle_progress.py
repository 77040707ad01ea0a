"""For pupils on the register: "little or no progress" across the latest cycles, on the review form
and offered to the compliance inputs (statutory/inputs.py)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from attainment import selectors
from attainment.models import AssessmentPoint
from statutory import inputs
from support import services
from support.models import Cycle

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
