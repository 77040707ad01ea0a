"""A year group with a history for the attainment tests: Oak's Year 5 grown to 24 pupils with
four Maths points last school year, each pupil making +6 (+2 a period) except Ben, who stalls.
ON is the July after (the flags fall back to last year's span when this year has no windows)."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone

from accounts import schooldates
from attainment.models import AssessmentPoint, Subject
from pupils.models import Pupil
from pupils.upn import make_upn
from sendpath.testing import World

LAST_YEAR = schooldates.school_year_start(timezone.localdate()) - 1
DATES = [
    date(LAST_YEAR, 9, 20),
    date(LAST_YEAR, 12, 10),
    date(LAST_YEAR + 1, 3, 20),
    date(LAST_YEAR + 1, 6, 20),
]
ON = date(LAST_YEAR + 1, 7, 1)


@dataclass
class Cohort:
    world: World
    maths: Subject
    pupils: list[Pupil]


def grow_cohort(world: World) -> Cohort:
    maths = Subject.objects.create(school=world.oak, name="Maths", min_score=80, max_score=120)
    extra = [
        Pupil.objects.create(
            school=world.oak,
            upn=make_upn(world.la.code, world.oak.establishment_number, 21, i),
            legal_forename=f"Pupil{i}",
            legal_surname="Test",
            date_of_birth=world.amy.date_of_birth,
            sex="F",
            nc_year="5",
        )
        for i in range(1, 22)
    ]
    pupils = [world.amy, world.ben, world.dan, *extra]
    points = []
    for n, pupil in enumerate(pupils):
        start = 95 + n / 2
        for k, day in enumerate(DATES):
            score = start + (0.5 * k if pupil == world.ben else 2 * k)
            points.append(AssessmentPoint(pupil=pupil, subject=maths, assessed_on=day, score=score))
    AssessmentPoint.objects.bulk_create(points)
    return Cohort(world, maths, pupils)


@pytest.fixture
def cohort(world: World) -> Cohort:
    return grow_cohort(world)
