"""Every finding the API can set up is reproducible from outside (issue 16): the records are
created through the API alone, with their real past dates, the finding appears on
GET /schools/{id}/compliance?on=DATE with its code, upn and due, and the record that resolves
it, added through the API too, makes it go away. No record is set up through the ORM."""

from datetime import date, timedelta
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from accounts.schooldates import school_year_start
from api.tests.test_api import Caller, new_pupil_body
from pupils.upn import make_upn
from sendpath.testing import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]

TODAY = timezone.localdate
SERIAL = count(950)


def _ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()


def _iso(day: date) -> str:
    return day.isoformat()


class School:
    """The school's SENCo and the LA's officer, both speaking only through the API."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.senco = Caller(world.users["senco"])
        self.la = Caller(world.users["la_officer"])

    def pupil(self, nc_year: str = "4", dob: str = "2017-03-04") -> dict[str, Any]:
        w = self.world
        upn = make_upn(w.la.code, w.oak.establishment_number, 21, next(SERIAL))
        body = new_pupil_body(w, upn=upn, nc_year=nc_year, date_of_birth=dob)
        return _ok(self.senco.post("/pupils", body))

    def on_register(self, pupil: dict[str, Any], since: date, provision: str = "K") -> int:
        body = {"pupil": pupil["id"], "provision": provision, "start_date": _iso(since),
                "reason": "Assessment showed a specific learning difficulty"}  # fmt: skip
        return _ok(self.senco.post("/register-entries", body))["id"]

    def tell_parents(self, entry_id: int, on: date) -> None:
        body = {"informed_on": _iso(on), "how": "letter"}
        _ok(self.senco.patch(f"/register-entries/{entry_id}", body), 200)

    def cycle(self, pupil: dict[str, Any], opened: date) -> int:
        body = {"pupil": pupil["id"], "opened_on": _iso(opened)}
        return _ok(self.senco.post("/cycles", body))["id"]

    def plan(self, cycle_id: int, made: date, review: date, agreed: date | None) -> None:
        body = {"plan_date": _iso(made), "review_date": _iso(review), "outcomes": "Reads aloud",
                "parents_agreed_on": _iso(agreed) if agreed else None}  # fmt: skip
        _ok(self.senco.client.put(
            f"/api/v1/cycles/{cycle_id}/plan", body, content_type="application/json"
        ))  # fmt: skip

    def target(self, cycle_id: int, due: date, *, smart: bool = True) -> int:
        body = {"description": "Reads 40 words a minute", "target_date": _iso(due),
                "measure": "words a minute", "target_value": "40",
                "baseline": "25" if smart else ""}  # fmt: skip
        return _ok(self.senco.post(f"/cycles/{cycle_id}/plan/targets", body))["id"]

    def review(
        self, cycle_id: int, held: date, targets: list[int], *, progress: str = "expected",
        parents: str = "in_person", next_review: date | None = None,
    ) -> int | None:  # fmt: skip
        body = {
            "held_on": _iso(held), "is_it_working": "Partly", "how_much_difference": "Some",
            "happening_as_planned": "Yes", "child_reaction": "Keen", "child_thinks": "Fine",
            "overall_progress": progress, "parent_attendance": parents, "decision": "continue",
            "next_review_date": _iso(next_review) if next_review else None,
            "ratings": [{"target_id": t, "rating": 0} for t in targets],
        }  # fmt: skip
        return _ok(self.senco.post(f"/cycles/{cycle_id}/review", body))["next_cycle_id"]

    def findings(self, on: date, code: str, upn: str | None) -> list[dict[str, Any]]:
        url = f"/schools/{self.world.oak.pk}/compliance"
        body = _ok(self.senco.get(url, on=_iso(on)), 200)
        return [f for f in body["findings"] if f["code"] == code and f["upn"] == upn]

    def dues(self, on: date, code: str, upn: str | None) -> list[str]:
        return [f["due"] for f in self.findings(on, code, upn)]


@pytest.fixture
def school(world: World) -> School:
    return School(world)


def test_parents_not_notified_and_plan_missing_from_a_past_placement(school: School) -> None:
    today = TODAY()
    pupil, since = school.pupil(), today - timedelta(days=60)
    entry = school.on_register(pupil, since)
    assert school.dues(today, "PARENTS_NOT_NOTIFIED", pupil["upn"]) == [
        _iso(since + timedelta(days=14))
    ]
    assert school.dues(today, "PLAN_MISSING", pupil["upn"]) == [_iso(since + timedelta(days=28))]
    school.tell_parents(entry, since + timedelta(days=3))
    assert school.dues(today, "PARENTS_NOT_NOTIFIED", pupil["upn"]) == []
    # A plan not agreed with the parents is still missing; once agreed it is not.
    cycle = school.cycle(pupil, since + timedelta(days=5))
    school.plan(cycle, since + timedelta(days=5), today + timedelta(days=30), None)
    assert school.dues(today, "PLAN_MISSING", pupil["upn"]) == [_iso(since + timedelta(days=28))]
    body = school.senco.get(f"/cycles/{cycle}/plan").json()
    agreed = {"version": body["version"], "outcomes": "Reads aloud",
              "parents_agreed_on": _iso(since + timedelta(days=10))}  # fmt: skip
    _ok(school.senco.client.put(
        f"/api/v1/cycles/{cycle}/plan", agreed, content_type="application/json"
    ), 200)  # fmt: skip
    assert school.dues(today, "PLAN_MISSING", pupil["upn"]) == []


def test_no_smart_targets_review_overdue_and_record_not_shared(school: School) -> None:
    today = TODAY()
    pupil, since = school.pupil(), today - timedelta(days=90)
    school.tell_parents(school.on_register(pupil, since), since)
    cycle = school.cycle(pupil, since)
    agreed, review_by = since + timedelta(days=7), today - timedelta(days=30)
    school.plan(cycle, since, review_by, agreed)
    vague = school.target(cycle, review_by, smart=False)
    assert school.dues(today, "NO_SMART_TARGETS", pupil["upn"]) == [_iso(agreed)]
    smart = school.target(cycle, review_by)
    assert school.dues(today, "NO_SMART_TARGETS", pupil["upn"]) == []
    assert school.dues(today, "REVIEW_OVERDUE", pupil["upn"]) == [_iso(review_by)]
    held = today - timedelta(days=20)
    school.review(cycle, held, [vague, smart], next_review=today + timedelta(days=60))
    assert school.dues(today, "REVIEW_OVERDUE", pupil["upn"]) == []
    assert school.dues(today, "RECORD_NOT_SHARED", pupil["upn"]) == [
        _iso(held + timedelta(days=14))
    ]
    given = {"given_on": _iso(held + timedelta(days=2))}
    _ok(school.senco.post(f"/cycles/{cycle}/review/given-to-parents", given), 200)
    assert school.dues(today, "RECORD_NOT_SHARED", pupil["upn"]) == []


def _review_and_go_on(
    school: School, cycle: int, day: date, next_review: date, **review: Any
) -> int:
    """Review `cycle` on `day` (rating every target, one added now), give the parents the
    record that day, and agree the next cycle's plan with them: the next cycle's id."""
    school.target(cycle, day)
    targets = _ok(school.senco.get(f"/cycles/{cycle}/plan/targets"), 200)["items"]
    nxt = school.review(cycle, day, [t["id"] for t in targets], next_review=next_review, **review)
    _ok(school.senco.post(f"/cycles/{cycle}/review/given-to-parents", {"given_on": _iso(day)}), 200)
    assert nxt is not None
    plan = _ok(school.senco.get(f"/cycles/{nxt}/plan"), 200)
    agreed = {"version": plan["version"], "outcomes": "Reads aloud",
              "parents_agreed_on": _iso(day)}  # fmt: skip
    _ok(school.senco.client.put(
        f"/api/v1/cycles/{nxt}/plan", agreed, content_type="application/json"
    ), 200)  # fmt: skip
    return nxt


def _first_cycle(school: School, pupil: dict[str, Any], since: date, review_by: date) -> int:
    cycle = school.cycle(pupil, since)
    school.plan(cycle, since, review_by, since)
    return cycle


def test_fewer_than_three_reviews_counts_only_those_the_parents_took_part_in(
    school: School,
) -> None:
    today = TODAY()
    pupil, since = school.pupil(), today - timedelta(days=400)
    school.tell_parents(school.on_register(pupil, since), since)
    days = [today - timedelta(days=d) for d in (300, 200, 100, 10)]
    cycle = _first_cycle(school, pupil, since, days[0])
    cycle = _review_and_go_on(school, cycle, days[0], days[1])
    cycle = _review_and_go_on(school, cycle, days[1], days[2], parents="video")
    [found] = school.findings(today, "FEWER_THAN_THREE_REVIEWS", pupil["upn"])
    assert found["due"] == _iso(today) and found["severity"] == "breach"
    assert found["reason"].startswith("2 of 2 reviews")
    # A third review the parents did not take part in does not count; one by written views does.
    cycle = _review_and_go_on(school, cycle, days[2], days[3], parents="absent")
    [found] = school.findings(today, "FEWER_THAN_THREE_REVIEWS", pupil["upn"])
    assert found["reason"].startswith("2 of 3 reviews")
    _review_and_go_on(school, cycle, days[3], today + timedelta(days=60), parents="written")
    assert school.findings(today, "FEWER_THAN_THREE_REVIEWS", pupil["upn"]) == []


def test_specialist_not_involved_after_two_reviews_of_little_progress(school: School) -> None:
    today = TODAY()
    pupil, since = school.pupil(), today - timedelta(days=200)
    school.tell_parents(school.on_register(pupil, since), since)
    first, second = today - timedelta(days=120), today - timedelta(days=40)
    cycle = _first_cycle(school, pupil, since, first)
    cycle = _review_and_go_on(school, cycle, first, second, progress="none")
    _review_and_go_on(school, cycle, second, today + timedelta(days=60), progress="none")
    assert school.dues(today, "SPECIALIST_NOT_INVOLVED", pupil["upn"]) == [_iso(second)]
    body = {"specialist": "educational_psychologist",
            "asked_on": _iso(first + timedelta(days=10))}  # fmt: skip
    _ok(school.senco.post(f"/pupils/{pupil['id']}/specialist-involvements", body))
    assert school.dues(today, "SPECIALIST_NOT_INVOLVED", pupil["upn"]) == []


# ---- EHC needs assessments and plans: the school records, the LA decides ----------------------


def _weeks(day: date, weeks: int) -> str:
    return _iso(day + timedelta(weeks=weeks))


def test_the_request_clocks_from_a_past_request(school: School) -> None:
    today = TODAY()
    pupil, asked = school.pupil(), today - timedelta(weeks=25)
    body = {"pupil": pupil["id"], "source": "1", "received_date": _iso(asked)}
    request = _ok(school.senco.post("/ehc-requests", body))["id"]
    assert school.dues(today, "EHCNA_DECISION_OVERDUE", pupil["upn"]) == [_weeks(asked, 6)]
    decided = {"decision": "Y", "decision_date": _weeks(asked, 5)}
    _ok(school.la.patch(f"/ehc-requests/{request}", decided), 200)
    assert school.dues(today, "EHCNA_DECISION_OVERDUE", pupil["upn"]) == []
    assert school.dues(today, "EHCP_NOT_ISSUE_DECISION_OVERDUE", pupil["upn"]) == [
        _weeks(asked, 16)
    ]
    assert school.dues(today, "EHCP_FINAL_OVERDUE", pupil["upn"]) == [_weeks(asked, 20)]
    draft = {"assessment_outcome": "Y", "assessment_outcome_date": _weeks(asked, 14),
             "draft_plan_date": _weeks(asked, 14)}  # fmt: skip
    _ok(school.la.patch(f"/ehc-requests/{request}", draft), 200)
    assert school.dues(today, "EHCP_NOT_ISSUE_DECISION_OVERDUE", pupil["upn"]) == []
    assert school.dues(today, "EHCP_FINAL_OVERDUE", pupil["upn"]) == [_weeks(asked, 20)]
    final = {"final_plan_date": _weeks(asked, 22)}
    _ok(school.la.patch(f"/ehc-requests/{request}", final), 200)
    assert school.dues(today, "EHCP_FINAL_OVERDUE", pupil["upn"]) == []


def test_the_annual_review_clocks_from_a_past_plan(school: School) -> None:
    today = TODAY()
    pupil, issued = school.pupil(), today - timedelta(days=400)
    body = {"pupil": pupil["id"], "issue_date": _iso(issued), "b_needs": "Speech"}
    plan = _ok(school.senco.post("/ehc-plans", body))["id"]
    year_on = _iso(issued.replace(year=issued.year + 1))
    assert school.dues(today, "ANNUAL_REVIEW_OVERDUE", pupil["upn"]) == [year_on]
    met = today - timedelta(weeks=14)
    review = {"meeting_date": _iso(met), "recommendation": "A"}
    review_id = _ok(school.senco.post(f"/ehc-plans/{plan}/annual-reviews", review))["id"]
    assert school.dues(today, "ANNUAL_REVIEW_OVERDUE", pupil["upn"]) == []
    assert school.dues(today, "REVIEW_DECISION_OVERDUE", pupil["upn"]) == [_weeks(met, 4)]
    amend = {"outcome": "A", "decision_date": _weeks(met, 2), "draft_date": _weeks(met, 2)}
    _ok(school.la.patch(f"/annual-reviews/{review_id}/decision", amend), 200)
    assert school.dues(today, "REVIEW_DECISION_OVERDUE", pupil["upn"]) == []
    assert school.dues(today, "AMENDED_PLAN_OVERDUE", pupil["upn"]) == [_weeks(met, 12)]
    final = {"amended_plan_date": _weeks(met, 13)}
    _ok(school.la.patch(f"/annual-reviews/{review_id}/decision", final), 200)
    assert school.dues(today, "AMENDED_PLAN_OVERDUE", pupil["upn"]) == []
    # Within 8 weeks of the next review: due soon, from the last meeting.
    next_due = _iso(met.replace(year=met.year + 1))
    soon = met.replace(year=met.year + 1) - timedelta(weeks=4)
    assert school.dues(soon, "ANNUAL_REVIEW_DUE", pupil["upn"]) == [next_due]
    nearly = {"meeting_date": _iso(today - timedelta(days=1))}
    _ok(school.senco.post(f"/ehc-plans/{plan}/annual-reviews", nearly))
    assert school.dues(soon, "ANNUAL_REVIEW_DUE", pupil["upn"]) == []


def test_a_phase_transfer_not_final_by_15_february(school: School) -> None:
    today = TODAY()
    year = school_year_start(today) + 1
    pupil = school.pupil(nc_year="6", dob=f"{year - 12}-03-04")
    issued = today - timedelta(days=100)
    body = {"pupil": pupil["id"], "issue_date": _iso(issued)}
    plan = _ok(school.senco.post("/ehc-plans", body))["id"]
    move = {"kind": "primary_secondary", "transfer_date": f"{year}-09-01"}
    transfer = _ok(school.senco.post(f"/ehc-plans/{plan}/phase-transfers", move))["id"]
    after = date(year, 2, 16)
    assert school.dues(after, "PHASE_TRANSFER_OVERDUE", pupil["upn"]) == [f"{year}-02-15"]
    final = {"named_setting": "Hill High", "final_date": _iso(today)}
    _ok(school.senco.patch(f"/phase-transfers/{transfer}", final), 200)
    assert school.dues(after, "PHASE_TRANSFER_OVERDUE", pupil["upn"]) == []


# ---- the school: its SEN information report -----------------------------------------------------


def test_a_stale_information_report_from_a_past_publication(school: School) -> None:
    today = TODAY()
    url = f"/schools/{school.world.oak.pk}/information-reports"
    old = today - timedelta(days=400)
    made = _ok(school.senco.post(url, {"start_year": old.year - 1, "published_on": _iso(old)}))
    assert made["status"] == "published" and made["published_on"] == _iso(old)
    year_on = _iso(old.replace(year=old.year + 1))
    assert school.dues(today, "SEN_INFORMATION_REPORT_STALE", None) == [year_on]
    recent = today - timedelta(days=30)
    _ok(school.senco.post(url, {"start_year": recent.year - 1, "published_on": _iso(recent)}))
    assert school.dues(today, "SEN_INFORMATION_REPORT_STALE", None) == []


def test_a_past_publication_is_refused_in_the_future_or_out_of_order(school: School) -> None:
    from audit.models import AuditAction, AuditEvent
    from duties.models import InformationReport

    today, w = TODAY(), school.world
    url = f"/schools/{w.oak.pk}/information-reports"
    future = school.senco.post(
        url, {"start_year": 2025, "published_on": _iso(today + timedelta(1))}
    )
    assert future.status_code == 422
    assert [e["loc"] for e in future.json()["detail"]] == [["body", "published_on"]]
    assert not InformationReport.objects.exists()
    made = _ok(school.senco.post(url, {"start_year": 2025, "published_on": _iso(today)}))
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(made["id"])).exists()
    earlier = school.senco.post(url, {"start_year": 2024, "published_on": "2024-10-01"})
    assert earlier.status_code == 422 and "later publication" in earlier.json()["detail"][0]["msg"]
    assert InformationReport.objects.count() == 1
    body = {"start_year": 2025, "published_on": _iso(today)}
    assert Caller(w.users["teacher"]).post(url, body).status_code == 403
    assert Caller(w.users["outsider"]).post(url, body).status_code == 404
    assert InformationReport.objects.count() == 1
