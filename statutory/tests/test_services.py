from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from pupils import services as pupil_services
from statutory import clocks, services
from statutory.models import AnnualReview, EHCPlan, EHCRequest, RegException

pytestmark = pytest.mark.django_db


def _request(world, **fields):
    today = timezone.localdate()
    return services.ehc_request_create(
        pupil=world.amy,
        by=world.users["senco"],
        source="2",
        received_date=fields.pop("received_date", today - timedelta(weeks=30)),
        **fields,
    )


def test_a_request_records_its_source_and_the_schools_la(world):
    ehc = _request(world)
    assert ehc.la == world.oak.la
    assert ehc.get_source_display() == "School or other education setting"
    assert ehc.decision == "A"
    assert AuditEvent.objects.filter(object_type__icontains="ehc", pupil_id=world.amy.pk).exists()


def test_a_decision_dated_before_its_request_is_refused_and_nothing_is_written(world):
    received = timezone.localdate() - timedelta(weeks=10)
    with pytest.raises(ValidationError) as exc:
        _request(world, received_date=received, decision="Y", decision_date=received - timedelta(1))
    assert "decision_date" in exc.value.message_dict
    assert not EHCRequest.objects.exists()


def test_codes_outside_sen2_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.ehc_request_create(
            pupil=world.amy, by=world.users["senco"], source="9", received_date=date(2025, 1, 6)
        )
    assert "source" in exc.value.message_dict


def test_an_exception_with_no_dates_is_refused(world):
    ehc = _request(world)
    with pytest.raises(ValidationError) as exc:
        services.reg_exception_add(
            ehc_request=ehc,
            kind="personal_circumstances",
            start_date=None,
            end_date=None,
            by=world.users["senco"],
        )
    assert {"start_date", "end_date"} <= set(exc.value.message_dict)
    assert not RegException.objects.exists()


def test_an_exception_moves_the_20_week_clock(world):
    ehc = _request(world)
    start = ehc.received_date + timedelta(weeks=2)
    services.reg_exception_add(
        ehc_request=ehc,
        kind="absence_from_area",
        start_date=start,
        end_date=start + timedelta(weeks=5),
        by=world.users["senco"],
    )
    due = clocks.final_plan_due(ehc.received_date, ehc.clock_exceptions())
    assert due == ehc.received_date + timedelta(weeks=25, days=1)


def test_issuing_a_plan_puts_the_pupil_on_the_register_as_e(world):
    today = timezone.localdate()
    ehc = _request(world)
    services.ehc_request_update(
        ehc_request=ehc,
        by=world.users["senco"],
        decision="Y",
        decision_date=ehc.received_date + timedelta(weeks=5),
    )
    plan = services.ehc_plan_issue(
        pupil=world.amy,
        ehc_request=ehc,
        issue_date=today - timedelta(days=3),
        by=world.users["senco"],
        b_needs="Reading and spelling",
        i_urn="100001",
    )
    assert pupil_services.current_provision(world.amy) == "E"
    ehc.refresh_from_db()
    assert ehc.final_plan_date == plan.issue_date and ehc.assessment_outcome == "Y"
    assert plan.review_due() == clocks.annual_review_due(plan.issue_date)


def test_a_plan_from_a_request_not_yet_decided_is_refused_and_the_register_stays(world):
    ehc = _request(world)
    with pytest.raises(ValidationError):
        services.ehc_plan_issue(
            pupil=world.amy,
            ehc_request=ehc,
            issue_date=timezone.localdate(),
            by=world.users["senco"],
        )
    assert not EHCPlan.objects.exists()
    assert pupil_services.current_provision(world.amy) == "K"


def test_a_plan_issued_before_the_current_register_entry_gets_a_field_error(world):
    with pytest.raises(ValidationError) as exc:
        services.ehc_plan_issue(
            pupil=world.amy, issue_date=date(2016, 1, 4), by=world.users["senco"]
        )
    assert "issue_date" in exc.value.message_dict
    assert not EHCPlan.objects.exists()


def _plan(world):
    return services.ehc_plan_issue(
        pupil=world.ben,
        issue_date=timezone.localdate() - timedelta(days=400),
        by=world.users["senco"],
    )


def test_an_amended_plan_before_its_review_is_refused(world):
    plan = _plan(world)
    meeting = timezone.localdate() - timedelta(days=30)
    with pytest.raises(ValidationError) as exc:
        services.annual_review_record(
            plan=plan,
            by=world.users["senco"],
            meeting_date=meeting,
            outcome="A",
            decision_date=meeting + timedelta(days=7),
            amended_plan_date=meeting - timedelta(1),
        )
    assert "amended_plan_date" in exc.value.message_dict
    assert not AnnualReview.objects.exists()


def test_a_review_moves_the_next_review_due(world):
    plan = _plan(world)
    meeting = timezone.localdate() - timedelta(days=30)
    services.annual_review_record(
        plan=plan,
        by=world.users["senco"],
        meeting_date=meeting,
        outcome="M",
        decision_date=meeting + timedelta(days=10),
    )
    assert plan.review_due() == clocks.add_months(meeting, 12)


def test_cease_needs_a_sen2_reason(world):
    plan = _plan(world)
    meeting = timezone.localdate() - timedelta(days=30)
    with pytest.raises(ValidationError) as exc:
        services.annual_review_record(
            plan=plan,
            by=world.users["senco"],
            meeting_date=meeting,
            outcome="C",
            decision_date=meeting,
        )
    assert "cease_reason" in exc.value.message_dict


def test_a_phase_transfer_is_due_15_february(world):
    plan = _plan(world)
    year = timezone.localdate().year + 1
    transfer = services.phase_transfer_record(
        plan=plan, kind="primary_secondary", transfer_date=date(year, 9, 1), by=world.users["senco"]
    )
    assert transfer.due() == date(year, 2, 15)
