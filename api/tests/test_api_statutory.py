from datetime import timedelta

import pytest
from django.utils import timezone

from api.tests.test_api import Caller
from statutory import clocks, services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]


def test_a_request_reads_with_its_sen2_codes_and_its_clocks(world):
    senco = world.users["senco"]
    received = timezone.localdate() - timedelta(weeks=10)
    ehc = services.ehc_request_create(pupil=world.amy, by=senco, source="1", received_date=received)
    start = received + timedelta(weeks=1)
    services.reg_exception_add(
        ehc_request=ehc, kind="absence_from_area", start_date=start,
        end_date=start + timedelta(weeks=4), by=senco,
    )  # fmt: skip
    body = Caller(world.users["la_officer"]).get(f"/ehc-requests/{ehc.pk}").json()
    assert body["source"] == "1" and body["source_label"] == "Young person or parent"
    assert body["decision"] == "A" and body["la_code"] == world.la.code
    assert body["decision_due"] == (received + timedelta(weeks=10, days=1)).isoformat()
    assert body["week20_exceptions_apply"] is True
    assert body["exceptions"][0]["kind"] == "absence_from_area"
    listed = Caller(world.users["senco"]).get("/ehc-requests", pupil=world.amy.pk).json()
    assert [r["id"] for r in listed["items"]] == [ehc.pk]


def test_a_plan_reads_with_its_sections_and_review_due(world):
    issued = timezone.localdate() - timedelta(days=20)
    plan = services.ehc_plan_issue(
        pupil=world.ben,
        issue_date=issued,
        by=world.users["senco"],
        b_needs="Speech",
        i_urn="100001",
    )
    plan.outcomes.create(position=1, description="Speaks in class")
    body = Caller(world.users["senco"]).get(f"/ehc-plans/{plan.pk}").json()
    assert body["b_needs"] == "Speech" and body["i_urn"] == "100001"
    assert body["e_outcomes"] == [
        {"position": 1, "description": "Speaks in class", "target_ids": []}
    ]
    assert body["annual_review_due"] == clocks.annual_review_due(issued).isoformat()
    assert Caller(world.users["outsider"]).get(f"/ehc-plans/{plan.pk}").status_code == 404
