"""Issue 15's bad input on the web forms and the API: a decision dated before its request, an
amended plan dated before its review, an exception with no dates: a field error, nothing written."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.tests.test_api import Caller
from statutory import services
from statutory.models import AnnualReview, EHCRequest, RegException

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _request(world):
    received = timezone.localdate() - timedelta(weeks=4)
    return services.ehc_request_create(
        pupil=world.amy, by=world.users["senco"], source="2", received_date=received
    )


def _review(world):
    plan = services.ehc_plan_issue(
        pupil=world.ben, issue_date=timezone.localdate() - timedelta(days=380),
        by=world.users["senco"],
    )  # fmt: skip
    meeting = timezone.localdate() - timedelta(days=20)
    return services.annual_review_record(plan=plan, by=world.users["senco"], meeting_date=meeting)


def test_the_forms_give_field_errors_and_write_nothing(world):
    ehc, review = _request(world), _review(world)
    la = Client()
    la.force_login(world.users["la_officer"])
    early = la.post(
        reverse("ehc_request_decision", args=[ehc.pk]),
        {"decision": "Y", **_date("decision_date", ehc.received_date - timedelta(days=1)),
         "assessment_outcome": "A"},
    )  # fmt: skip
    assert early.status_code == 200 and "cannot be before the request" in early.content.decode()
    assert EHCRequest.objects.get(pk=ehc.pk).decision == "A"
    undated = la.post(
        reverse("ehc_exception_add", args=[ehc.pk]), {"kind": "personal_circumstances"}
    )
    assert undated.status_code == 200 and "govuk-error-summary" in undated.content.decode()
    assert not RegException.objects.exists()
    amended = la.post(
        reverse("ehc_review_decision", args=[review.pk]),
        {"outcome": "A", **_date("decision_date", review.meeting_date),
         **_date("amended_plan_date", review.meeting_date - timedelta(days=1))},
    )  # fmt: skip
    assert amended.status_code == 200 and "cannot be before the meeting" in amended.content.decode()
    stored = AnnualReview.objects.get(pk=review.pk)
    assert (stored.outcome, stored.amended_plan_date) == ("", None)
    assert not review.plan.versions.exists()


def test_the_api_gives_field_errors_and_writes_nothing(world):
    ehc, review = _request(world), _review(world)
    la = Caller(world.users["la_officer"])
    early = la.patch(
        f"/ehc-requests/{ehc.pk}",
        {"decision": "Y", "decision_date": (ehc.received_date - timedelta(days=1)).isoformat()},
    )
    assert early.status_code == 422 and "decision_date" in early.content.decode()
    assert EHCRequest.objects.get(pk=ehc.pk).decision == "A"
    undated = la.post(f"/ehc-requests/{ehc.pk}/exceptions", {"kind": "absence_from_area"})
    assert undated.status_code == 422 and not RegException.objects.exists()
    amended = la.patch(
        f"/annual-reviews/{review.pk}/decision",
        {"outcome": "A", "decision_date": review.meeting_date.isoformat(),
         "amended_plan_date": (review.meeting_date - timedelta(days=1)).isoformat()},
    )  # fmt: skip
    assert amended.status_code == 422 and "amended_plan_date" in amended.content.decode()
    assert AnnualReview.objects.get(pk=review.pk).outcome == ""
    assert not review.plan.versions.exists()
