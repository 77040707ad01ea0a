"""The parents' EHC status page: where the request and the plan stand, the dates the law gives and
what happens next, in plain English; their own child only (the rest is in the access matrix)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from statutory import clocks, services

pytestmark = pytest.mark.django_db


def _parent(world):
    client = Client()
    client.force_login(world.users["parent"])
    return client


def test_a_request_waiting_for_the_decision_says_so_with_its_6_week_date(world):
    received = timezone.localdate() - timedelta(weeks=2)
    services.ehc_request_create(
        pupil=world.amy, by=world.users["senco"], source="1", received_date=received
    )
    page = _parent(world).get(reverse("family_ehc", args=[world.amy.pk])).content.decode()
    assert "deciding whether to carry out an EHC needs assessment" in page
    assert "from you" in page
    assert f"{clocks.decision_due(received):%-d %B %Y}" in page
    assert "within 6 weeks" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor=world.users["parent"], pupil_id=world.amy.pk
    ).exists()


def test_a_refusal_explains_the_appeal_and_an_exception_explains_the_later_dates(world):
    received = timezone.localdate() - timedelta(weeks=12)
    ehc = services.ehc_request_create(
        pupil=world.amy, by=world.users["senco"], source="2", received_date=received
    )
    start = received + timedelta(weeks=1)
    services.reg_exception_add(
        ehc_request=ehc, kind="absence_from_area", start_date=start,
        end_date=start + timedelta(weeks=5), by=world.users["la_officer"],
    )  # fmt: skip
    services.ehc_request_update(
        ehc_request=ehc, decision="N", decision_date=received + timedelta(weeks=8),
        by=world.users["la_officer"],
    )  # fmt: skip
    page = _parent(world).get(reverse("family_ehc", args=[world.amy.pk])).content.decode()
    assert "decided not to carry out an assessment" in page and "Tribunal" in page
    assert "later than usual" in page and "absent from the la&#x27;s area" in page.lower()


def test_a_plan_with_an_overdue_review_says_the_date_has_passed(world):
    from pupils.models import Need, RegisterEntry

    issued = timezone.localdate() - timedelta(days=400)
    RegisterEntry.objects.filter(pupil=world.amy).update(start_date=issued - timedelta(days=30))
    Need.objects.filter(pupil=world.amy).update(start_date=issued - timedelta(days=30))
    services.ehc_plan_issue(pupil=world.amy, issue_date=issued, by=world.users["senco"])
    page = _parent(world).get(reverse("family_ehc", args=[world.amy.pk])).content.decode()
    assert f"must be held by {clocks.annual_review_due(issued):%-d %B %Y}" in page
    assert "that date has passed" in page


def test_no_request_and_no_plan_says_how_to_ask(world):
    page = _parent(world).get(reverse("family_ehc", args=[world.amy.pk])).content.decode()
    assert 'id="no-ehc"' in page
    assert _parent(world).get(reverse("family_ehc", args=[world.ben.pk])).status_code == 404
