"""The generator's attainment histories: every pupil has points in three subjects, most pupils are
steady and unflagged, and the planted patterns give real flags with real explanations."""

from datetime import date

import pytest

from attainment import selectors
from attainment.models import AssessmentPoint, Subject
from pupils.seeding import SchoolSpec
from sendpath.testing import seed_for_tests

TODAY = date(2026, 7, 10)


@pytest.mark.django_db
def test_a_seeded_school_has_histories_and_a_few_flags() -> None:
    result = seed_for_tests([SchoolSpec("primary", 420)], seed=5, today=TODAY)
    school_id = result.school_ids[0]
    assert result.subjects == 3 and result.assessment_points == AssessmentPoint.objects.count()
    assert set(Subject.objects.values_list("name", flat=True)) == {"Reading", "Maths", "Writing"}
    assert AssessmentPoint.objects.filter(assessed_on__gt=TODAY).count() == 0
    # Three years of six points in three subjects for a pupil there all along.
    assert result.assessment_points > 420 * 3 * 12
    flags = selectors.school_flags(school_id, TODAY)
    flagged = {f.pupil_id for f in flags}
    assert 0.02 * 420 < len(flagged) < 0.25 * 420, len(flagged)
    assert {c for f in flags for c in f.criteria} == {1, 2, 3, 4}
    assert all(f.explanation.startswith(f"{f.subject}: ") for f in flags)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_points() -> None:
    def run() -> list[tuple]:
        from django.db import transaction

        with transaction.atomic():
            seed_for_tests([SchoolSpec("primary", 60)], seed=9, today=TODAY)
            rows = list(
                AssessmentPoint.objects.order_by(
                    "pupil__upn", "subject__name", "assessed_on"
                ).values_list("pupil__upn", "subject__name", "assessed_on", "score")
            )
            transaction.set_rollback(True)
        return rows

    assert run() == run()
