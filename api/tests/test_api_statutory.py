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


# ---- writes ---------------------------------------------------------------------------------------


def _errors(response) -> dict[str, str]:
    return {".".join(map(str, e["loc"][1:])): e["msg"] for e in response.json()["detail"]}


def test_the_school_records_a_past_request_and_only_the_la_records_its_decisions(world):
    from audit.models import AuditAction, AuditEvent
    from statutory.models import EHCRequest, RegException

    senco, la = Caller(world.users["senco"]), Caller(world.users["la_officer"])
    received = timezone.localdate() - timedelta(weeks=30)
    made = senco.post(
        "/ehc-requests",
        {"pupil": world.amy.pk, "source": "1", "received_date": received.isoformat()},
    )
    assert made.status_code == 201, made.json()
    ehc_id = made.json()["id"]
    assert made.json()["decision_due"] == (received + timedelta(weeks=6)).isoformat()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(ehc_id)).exists()
    decided = received + timedelta(weeks=7)
    body = {"decision": "Y", "decision_date": decided.isoformat()}
    refused = senco.patch(f"/ehc-requests/{ehc_id}", body)
    assert refused.status_code == 403 and "local authority" in refused.json()["detail"]
    assert EHCRequest.objects.get(pk=ehc_id).decision == "A"
    early = la.patch(
        f"/ehc-requests/{ehc_id}",
        {"decision": "Y", "decision_date": (received - timedelta(days=1)).isoformat()},
    )
    assert early.status_code == 422 and "decision_date" in _errors(early)
    assert EHCRequest.objects.get(pk=ehc_id).decision_date is None
    done = la.patch(f"/ehc-requests/{ehc_id}", body)
    assert done.status_code == 200 and done.json()["decision_date"] == decided.isoformat()
    # A reg 10(4) exception with no dates is a field error, and nothing is written.
    bad = la.post(f"/ehc-requests/{ehc_id}/exceptions", {"kind": "personal_circumstances"})
    assert bad.status_code == 422 and {"start_date", "end_date"} <= set(_errors(bad))
    assert not RegException.objects.exists()
    start = received + timedelta(weeks=2)
    ok = la.post(
        f"/ehc-requests/{ehc_id}/exceptions",
        {"kind": "personal_circumstances", "start_date": start.isoformat(),
         "end_date": (start + timedelta(days=9)).isoformat()},
    )  # fmt: skip
    assert ok.status_code == 201
    again = la.get(f"/ehc-requests/{ehc_id}").json()
    assert again["final_plan_due"] == (received + timedelta(weeks=20, days=10)).isoformat()
    assert again["week20_exceptions_apply"] is True
    assert (
        senco.post(
            f"/ehc-requests/{ehc_id}/exceptions",
            {"kind": "personal_circumstances", "start_date": start.isoformat(),
             "end_date": start.isoformat()},
        ).status_code
        == 403
    )  # fmt: skip


def test_a_plan_entered_by_sections_reviewed_and_amended_keeps_its_old_version(world):
    from statutory.models import AnnualReview, PlanVersion

    senco, la = Caller(world.users["senco"]), Caller(world.users["la_officer"])
    today = timezone.localdate()
    issued = today - timedelta(days=400)
    made = senco.post(
        "/ehc-plans",
        {"pupil": world.ben.pk, "issue_date": issued.isoformat(), "b_needs": "Speech",
         "e_outcomes": ["Speaks in class", "Reads a page"], "f_provision": ["SaLT weekly"]},
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    plan_id = made.json()["id"]
    assert [o["description"] for o in made.json()["e_outcomes"]] == [
        "Speaks in class",
        "Reads a page",
    ]
    meeting = today - timedelta(days=30)
    review = senco.post(
        f"/ehc-plans/{plan_id}/annual-reviews", {"meeting_date": meeting.isoformat()}
    )
    assert review.status_code == 201
    review_id = review.json()["id"]
    assert review.json()["decision_due"] == (meeting + timedelta(weeks=4)).isoformat()
    short = senco.post(
        f"/annual-reviews/{review_id}/invitations",
        {"invitee": "educational_psychologist", "invited_date": (meeting - timedelta(days=10)).isoformat()},
    )  # fmt: skip
    assert short.status_code == 201 and short.json()["short_notice"] is True
    after = senco.post(
        f"/annual-reviews/{review_id}/invitations",
        {"invitee": "parent", "invited_date": (meeting + timedelta(days=1)).isoformat()},
    )
    assert after.status_code == 422 and "invited_date" in _errors(after)
    advice = senco.patch(
        f"/annual-reviews/{review_id}/invitations/{short.json()['id']}",
        {"advice_received_date": (meeting - timedelta(days=3)).isoformat()},
    )
    assert advice.status_code == 200 and advice.json()["advice_late"] is True
    sent = senco.patch(
        f"/annual-reviews/{review_id}",
        {"report_sent_date": (meeting + timedelta(days=7)).isoformat()},
    )
    assert sent.status_code == 200
    # The LA decides: the school may not.
    amend = {"outcome": "A", "decision_date": (meeting + timedelta(days=20)).isoformat(),
             "draft_date": (meeting + timedelta(days=20)).isoformat()}  # fmt: skip
    assert senco.patch(f"/annual-reviews/{review_id}/decision", amend).status_code == 403
    assert not PlanVersion.objects.exists()
    decided = la.patch(f"/annual-reviews/{review_id}/decision", amend)
    assert decided.status_code == 200 and decided.json()["outcome"] == "A"
    # The amended plan: B changes; the version it replaces is kept as it was.
    changed = la.patch(f"/ehc-plans/{plan_id}", {"b_needs": "Speech and language"})
    assert changed.status_code == 200 and changed.json()["amendment"] == 1
    versions = senco.get(f"/ehc-plans/{plan_id}/versions").json()
    assert len(versions) == 1
    assert versions[0]["number"] == 0 and versions[0]["final_date"] == issued.isoformat()
    assert versions[0]["sections"]["b_needs"] == "Speech"
    assert versions[0]["e_outcomes"] == ["Speaks in class", "Reads a page"]
    assert versions[0]["changed_sections"] == ["b_needs"]
    # A final amended plan before its proposed amendments: a field error, nothing written.
    early = la.patch(
        f"/annual-reviews/{review_id}/decision",
        {"amended_plan_date": (meeting + timedelta(days=10)).isoformat()},
    )
    assert early.status_code == 422 and "amended_plan_date" in _errors(early)
    assert AnnualReview.objects.get(pk=review_id).amended_plan_date is None
    # The decision to amend stands once the amendment has begun.
    back = la.patch(f"/annual-reviews/{review_id}/decision", {"outcome": "M"})
    assert back.status_code == 422 and "outcome" in _errors(back)


def test_a_phase_transfer_names_its_setting_before_its_final_date(world):
    senco = Caller(world.users["senco"])
    plan = services.ehc_plan_issue(
        pupil=world.ben,
        issue_date=timezone.localdate() - timedelta(days=100),
        by=world.users["senco"],
    )
    year = timezone.localdate().year + 1
    made = senco.post(
        f"/ehc-plans/{plan.pk}/phase-transfers",
        {"kind": "primary_secondary", "transfer_date": f"{year}-09-01"},
    )
    assert made.status_code == 201 and made.json()["due"] == f"{year}-02-15"
    tid = made.json()["id"]
    past = timezone.localdate().isoformat()
    unnamed = senco.patch(f"/phase-transfers/{tid}", {"final_date": past})
    assert unnamed.status_code == 422 and "named_setting" in _errors(unnamed)
    named = senco.patch(
        f"/phase-transfers/{tid}", {"final_date": past, "named_setting": "Hill High"}
    )
    assert named.status_code == 200 and named.json()["final_date"] == past
    assert (
        senco.get(f"/ehc-plans/{plan.pk}").json()["phase_transfers"][0]["named_setting"]
        == "Hill High"
    )
