"""A decision to cease ends the plan (SEN2 CeaseReason), and the meeting's recommendation is kept
beside the LA's decision: through the service, the pages and the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from statutory import services
from statutory.models import AnnualReview, EHCPlan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _plan(world, days_ago=400):
    issued = timezone.localdate() - timedelta(days=days_ago)
    return services.ehc_plan_issue(pupil=world.ben, issue_date=issued, by=world.users["senco"])


def test_a_decision_to_cease_ends_the_plan_with_its_reason_and_date(world):
    plan = _plan(world)
    meeting = timezone.localdate() - timedelta(days=20)
    review = services.annual_review_record(
        plan=plan, by=world.users["senco"], meeting_date=meeting, recommendation="C"
    )
    decided = meeting + timedelta(days=10)
    services.annual_review_update(
        review=review, by=world.users["la_officer"], outcome="C", decision_date=decided,
        cease_reason="2",
    )  # fmt: skip
    plan = EHCPlan.objects.get(pk=plan.pk)
    assert (plan.cease_date, plan.cease_reason) == (decided, "2")
    # No next review is due on a ceased plan, and no review after the cease can be recorded.
    from statutory import selectors

    limits = selectors.plan_limits(plan, timezone.localdate())
    assert "Next annual review" not in [limit.name for limit in limits]
    with pytest.raises(ValidationError) as err:
        services.annual_review_record(
            plan=plan, by=world.users["senco"], meeting_date=timezone.localdate()
        )
    assert "meeting_date" in err.value.message_dict
    assert plan.reviews.count() == 1
    # Changing the decision to maintain re-opens the plan.
    services.annual_review_update(
        review=review, by=world.users["la_officer"], outcome="M", cease_reason=""
    )
    plan = EHCPlan.objects.get(pk=plan.pk)
    assert (plan.cease_date, plan.cease_reason) == (None, "")


def test_cease_without_a_sen2_reason_writes_nothing(world):
    plan = _plan(world)
    meeting = timezone.localdate() - timedelta(days=20)
    review = services.annual_review_record(plan=plan, by=world.users["senco"], meeting_date=meeting)
    with pytest.raises(ValidationError) as err:
        services.annual_review_update(
            review=review, by=world.users["la_officer"], outcome="C", decision_date=meeting
        )
    assert "cease_reason" in err.value.message_dict
    assert AnnualReview.objects.get(pk=review.pk).outcome == ""
    assert EHCPlan.objects.get(pk=plan.pk).cease_date is None


def test_the_la_officer_ceases_a_plan_on_the_page_and_the_plan_says_so(world):
    plan = _plan(world)
    meeting = timezone.localdate() - timedelta(days=14)
    senco = Client()
    senco.force_login(world.users["senco"])
    response = senco.post(
        reverse("ehc_review_add", args=[plan.pk]),
        {**_date("meeting_date", meeting), "recommendation": "C"},
    )
    review = plan.reviews.get()
    assert response.status_code == 302 and review.recommendation == "C"
    page = senco.get(reverse("ehc_review", args=[review.pk])).content.decode()
    assert "Cease the EHC plan" in page  # the recommendation
    la = Client()
    la.force_login(world.users["la_officer"])
    done = la.post(
        reverse("ehc_review_decision", args=[review.pk]),
        {"outcome": "C", **_date("decision_date", meeting), "cease_reason": "5"},
    )
    assert done.status_code == 302
    page = senco.get(reverse("ehc_plan", args=[plan.pk])).content.decode()
    assert 'id="ceased"' in page and "Transferred to another LA" in page
    assert "record the register change" in page  # Ben is still E on the register
    assert reverse("ehc_review_add", args=[plan.pk]) not in page
    casework = la.get(reverse("ehc_casework")).content.decode()
    assert reverse("ehc_plan", args=[plan.pk]) not in casework  # no longer in force


def test_the_api_takes_the_recommendation_and_a_cease_decision(world):
    from api.tests.test_api import Caller

    plan = _plan(world)
    meeting = (timezone.localdate() - timedelta(days=10)).isoformat()
    school = Caller(world.users["senco"])
    path = f"/ehc-plans/{plan.pk}/annual-reviews"
    bad = school.post(path, {"meeting_date": meeting, "recommendation": "X"})
    assert bad.status_code == 422 and not plan.reviews.exists()
    created = school.post(path, {"meeting_date": meeting, "recommendation": "C"})
    assert created.status_code == 201 and created.json()["recommendation"] == "C"
    review_id = created.json()["id"]
    la = Caller(world.users["la_officer"])
    decided = la.patch(
        f"/annual-reviews/{review_id}/decision",
        {"outcome": "C", "decision_date": meeting, "cease_reason": "7"},
    )
    assert decided.status_code == 200
    got = la.get(f"/ehc-plans/{plan.pk}").json()
    assert (got["cease_date"], got["cease_reason"]) == (meeting, "7")
