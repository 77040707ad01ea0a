"""Issue 13 (rough edges): an amendment corrects a reviewed target's rating or outcome, with a
reason, and the original stays visible."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sendpath.testing import review_data
from support import services
from support.models import Amendment, TargetRating

TODAY = timezone.localdate()


@pytest.fixture
def rating(world):
    senco = world.users["senco"]
    cycle = services.cycle_open(pupil=world.amy, opened_on=TODAY - timedelta(days=60), by=senco)
    plan = services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={"plan_date": TODAY - timedelta(days=60), "review_date": TODAY, "outcomes": "Reads"},
    )
    target = services.target_add(
        plan=plan, by=senco, data={"description": "Read 20 words", "target_date": TODAY}
    )
    services.review_complete(
        cycle=cycle,
        data=review_data(),
        by=senco,
        ratings={target.pk: {"rating": 0, "value_reached": "12", "outcome": "achieved"}},
    )
    return TargetRating.objects.get(target=target)


def test_a_wrong_outcome_is_corrected_with_a_reason_and_the_original_kept(world, rating):
    services.rating_amend(
        rating=rating,
        changes={"outcome": "partly_achieved", "rating": -1},
        reason="12 of 20 is not achieved: entered in error",
        by=world.users["senco"],
    )
    rating.refresh_from_db()
    assert (rating.outcome, rating.rating, rating.met) == ("partly_achieved", -1, False)
    (amendment,) = Amendment.objects.filter(cycle=rating.review.cycle)
    assert amendment.what == "target 1" and "entered in error" in amendment.reason
    assert amendment.changes == {
        "outcome": {"from": "achieved", "to": "partly_achieved"},
        "rating": {"from": 0, "to": -1},
    }
    client = Client()
    client.force_login(world.users["senco"])
    page = client.get(reverse("cycle_detail", args=[rating.review.cycle_id])).content.decode()
    assert "(outcome was achieved, now partly_achieved)" in page  # the original stays visible
    assert "outcome: <strong>partly achieved</strong>" in page


@pytest.mark.parametrize(
    ("changes", "reason", "field"),
    [
        ({"outcome": "met"}, "typo", "outcome"),
        ({"rating": 3}, "typo", "rating"),
        ({"outcome": "not_achieved"}, "  ", "reason"),
        ({"comment": "x"}, "typo", "changes"),
    ],
)
def test_a_bad_correction_is_refused_and_nothing_changes(world, rating, changes, reason, field):
    with pytest.raises(ValidationError) as exc:
        services.rating_amend(
            rating=rating, changes=changes, reason=reason, by=world.users["senco"]
        )
    assert field in exc.value.message_dict
    rating.refresh_from_db()
    assert (rating.outcome, rating.rating) == ("achieved", 0)
    assert not Amendment.objects.exists()
