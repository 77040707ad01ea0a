"""The graduated approach through the API, on the real stack: token auth, access rules, the support
services and the database (house style §7). A whole cycle is driven as the SENCo; each write is
tried by a role that may not make it (403) and by callers outside reach (404); refusals are 422
(or 409 for a stale version) and write nothing."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Role
from api.tests.test_api import Caller as BaseCaller
from api.tests.test_api import error_locs, queries_for
from audit.models import AuditAction, AuditEvent
from pupils.models import Contact, FamilyLink
from sendpath.testing import World, review_data
from support import services
from support.models import (
    Amendment,
    AssessmentView,
    Concern,
    Cycle,
    DoNote,
    Passport,
    Plan,
    Review,
    Target,
)

API = "/api/v1"


class Caller(BaseCaller):
    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.put(API + path, json.dumps(body), content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path)


@pytest.fixture
def as_(world: World) -> Callable[[str], Caller]:
    """as_("senco") -> a Caller for that persona."""
    return lambda name: Caller(world.users[name])


def day(offset: int) -> str:
    """An ISO date `offset` days from today (negative: in the past)."""
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


SMART_TARGET = {
    "description": "Read 40 of the 45 Year 2 common exception words",
    "baseline": "18 of 45",
    "measure": "Word check, read aloud to the TA",
    "target_value": "40",
    "responsible": "Class TA",
}
VAGUE_TARGET = {"description": "Improve her confidence in reading"}


def review_body(ratings: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    answers = {
        "held_on": day(0),
        "how_much_difference": "Reading age up six months",
        "happening_as_planned": "Yes, three times a week with the TA",
        "attendees": "Class teacher",
        "parent_views": "Pleased",
        "pupil_views": "It helps",
        "decision_notes": "Keep the group; add a reading buddy",
    }
    return {**review_data(**(answers | overrides)), "ratings": ratings}


@pytest.fixture
def planned(world: World) -> dict[str, Any]:
    """Amy's cycle 1 opened 30 days ago, with a plan dated then and one SMART target, written
    through the services (the API's own writes are tested below)."""
    senco = world.users["senco"]
    opened = timezone.localdate() - timedelta(days=30)
    cycle = services.cycle_open(pupil=world.amy, opened_on=opened, by=senco)
    plan = services.plan_save(
        cycle=cycle,
        data={"plan_date": opened, "review_date": opened + timedelta(days=60), "outcomes": "Reads"},
        by=senco,
        version=0,
    )
    target = services.target_add(
        plan=plan, data={**SMART_TARGET, "target_date": opened + timedelta(days=50)}, by=senco
    )
    return {"cycle": cycle, "plan": plan, "target": target}


@pytest.fixture
def reviewed(world: World, planned: dict[str, Any]) -> dict[str, Any]:
    """Amy's cycle 1 reviewed today (locked) and cycle 2 opened."""
    review, next_cycle = services.review_complete(
        cycle=planned["cycle"],
        data=services.review_input({**review_body([]), "held_on": timezone.localdate()}),
        ratings={planned["target"].pk: {"rating": 1}},
        by=world.users["senco"],
    )
    return {**planned, "review": review, "next_cycle": next_cycle}


# ---- the schema ---------------------------------------------------------------------------------


def test_openapi_lists_the_graduated_approach(world: World, as_: Any) -> None:
    schema = ok(as_("senco").client.get(f"{API}/openapi.json"))
    paths = {p.removeprefix(API): set(ops) for p, ops in schema["paths"].items()}
    assert paths["/concerns"] == {"get", "post"}
    assert paths["/concerns/{concern_id}/decision"] == {"post"}
    assert paths["/cycles/{cycle_id}"] == {"get"}
    assert paths["/cycles/{cycle_id}/plan"] == {"get", "put"}
    assert paths["/cycles/{cycle_id}/plan/targets"] == {"get", "post"}
    assert paths["/cycles/{cycle_id}/review"] == {"get", "post"}
    assert paths["/cycles/{cycle_id}/review/given-to-parents"] == {"post"}
    assert paths["/cycles/{cycle_id}/amendments"] == {"get", "post"}
    assert paths["/targets/{target_id}"] == {"get", "delete"}
    assert paths["/pupils/{pupil_id}/passport"] == {"get", "put"}
    put_plan = schema["paths"][f"{API}/cycles/{{cycle_id}}/plan"]["put"]
    assert "409" in put_plan["responses"]
    decision = schema["components"]["schemas"]["ReviewIn"]["properties"]["decision"]
    assert decision["enum"] == [
        "continue",
        "adjust",
        "change",
        "specialist",
        "ehc_request",
        "remove",
    ]


# ---- the whole cycle, as the SENCo (with the teacher's view and note) --------------------------


def test_senco_drives_a_whole_cycle_through_the_api(world: World, as_: Any) -> None:
    senco, teacher = as_("senco"), as_("teacher")
    concern = ok(
        senco.post(
            "/concerns",
            {
                "pupil": world.amy.pk,
                "source": "teacher",
                "raised_on": day(-40),
                "area": "CL",
                "what_was_seen": "Cannot blend CVC words",
            },
        ),
        201,
    )
    assert (concern["is_open"], concern["cycle_id"], concern["outcome"]) == (True, None, "")

    decided = ok(
        senco.post(
            f"/concerns/{concern['id']}/decision",
            {"outcome": "assess", "decided_on": day(-35), "considered": "Attendance 97%, no EAL"},
        )
    )
    assert decided["is_open"] is False
    cycle_id = decided["cycle_id"]
    cycle = ok(senco.get(f"/cycles/{cycle_id}"))
    assert (cycle["number"], cycle["opened_on"], cycle["is_open"]) == (1, day(-35), True)
    assert (cycle["concern_id"], cycle["plan"], cycle["review"]) == (concern["id"], None, None)

    view = {"source": "teacher", "given_by": "Ms Teacher", "given_on": day(-34)}
    ok(teacher.post(f"/cycles/{cycle_id}/views", {**view, "views": "Guesses from pictures"}), 201)
    parent_view = {**view, "source": "parent", "given_by": "Pat Adams", "views": "Hates reading"}
    ok(senco.post(f"/cycles/{cycle_id}/views", parent_view), 201)

    plan = {"plan_date": day(-33), "review_date": day(30), "outcomes": "Amy reads for pleasure"}
    written = ok(senco.put(f"/cycles/{cycle_id}/plan", plan), 201)
    assert (written["version"], written["targets"]) == (1, [])

    smart = ok(
        senco.post(f"/cycles/{cycle_id}/plan/targets", {**SMART_TARGET, "target_date": day(-5)}),
        201,
    )
    assert smart["smart_warnings"] == []
    vague = ok(
        senco.post(f"/cycles/{cycle_id}/plan/targets", {**VAGUE_TARGET, "target_date": day(-5)}),
        201,
    )
    codes = {w["code"] for w in vague["smart_warnings"]}
    assert {"vague_words", "no_measure", "no_baseline"} <= codes
    assert all(w["message"] for w in vague["smart_warnings"])

    note = {"on": day(-20), "kind": "support", "text": "Phonics group, 3 x 20 minutes"}
    written_note = ok(teacher.post(f"/cycles/{cycle_id}/notes", note), 201)
    assert written_note["author_id"] == world.users["teacher"].pk

    ratings = [
        {"target_id": smart["id"], "rating": 1, "value_reached": "42"},
        {"target_id": vague["id"], "rating": -1, "comment": "Still avoids reading aloud"},
    ]
    review = ok(senco.post(f"/cycles/{cycle_id}/review", review_body(ratings)), 201)
    assert review["decision"] == "continue"
    assert {(r["target_id"], r["rating"], r["met"]) for r in review["ratings"]} == {
        (smart["id"], 1, True),
        (vague["id"], -1, False),
    }
    next_id = review["next_cycle_id"]
    assert next_id is not None and next_id != cycle_id

    done = ok(senco.get(f"/cycles/{cycle_id}"))
    assert (done["is_open"], done["closed_on"], done["review"]["id"]) == (
        False,
        day(0),
        review["id"],
    )
    assert len(done["views"]) == 2 and len(done["notes"]) == 1
    assert [t["smart_warnings"] == [] for t in done["plan"]["targets"]] == [True, False]

    carried = ok(senco.get(f"/cycles/{next_id}/plan/targets"))["items"]
    assert [(t["description"], t["carried_from_id"]) for t in carried] == [
        (VAGUE_TARGET["description"], vague["id"])
    ]
    following = ok(senco.get(f"/cycles/{next_id}"))
    assert (following["number"], following["is_open"]) == (2, True)
    assert ok(senco.get(f"/cycles/{cycle_id}/review"))["next_cycle_id"] == next_id

    again = senco.post(f"/cycles/{cycle_id}/review", review_body(ratings))
    assert error_locs(again) == [["body", "cycle"]]
    assert Review.objects.filter(cycle__pupil=world.amy).count() == 1


# ---- reads: reach, and the audit of full views -------------------------------------------------


def test_reading_a_cycle_is_audited(world: World, as_: Any, planned: dict[str, Any]) -> None:
    ok(as_("teacher").get(f"/cycles/{planned['cycle'].pk}"))
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="support.Cycle")
    assert (event.actor, event.pupil_id, event.via) == (world.users["teacher"], world.amy.pk, "api")
    ok(as_("teacher").get(f"/cycles/{planned['cycle'].pk}/plan"))
    ok(as_("teacher").get("/cycles"))
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == 1


@pytest.mark.parametrize("persona", ["ta", "outsider", "la_officer", "governor", "nobody"])
def test_a_cycle_outside_reach_is_404(
    world: World, as_: Any, reviewed: dict[str, Any], persona: str
) -> None:
    caller, cycle_id = as_(persona), reviewed["cycle"].pk
    for path in ["", "/plan", "/plan/targets", "/review", "/views", "/notes", "/amendments"]:
        assert caller.get(f"/cycles/{cycle_id}{path}").status_code == 404, path
    assert caller.get(f"/targets/{reviewed['target'].pk}").status_code == 404
    assert caller.get(f"/pupils/{world.amy.pk}/passport").status_code == 404
    assert caller.get("/cycles").json()["count"] == 0
    note = {"on": day(0), "text": "x"}
    assert caller.post(f"/cycles/{reviewed['next_cycle'].pk}/notes", note).status_code == 404
    assert (
        caller.put(f"/cycles/{reviewed['next_cycle'].pk}/plan", {"outcomes": "x"}).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_the_ta_reads_the_pupil_they_support(world: World, as_: Any) -> None:
    senco = world.users["senco"]
    ben_cycle = services.cycle_open(pupil=world.ben, opened_on=timezone.localdate(), by=senco)
    services.cycle_open(pupil=world.amy, opened_on=timezone.localdate(), by=senco)
    ta = as_("ta")
    assert [c["pupil"]["id"] for c in ok(ta.get("/cycles"))["items"]] == [world.ben.pk]
    ok(ta.get(f"/cycles/{ben_cycle.pk}"))
    view = {"source": "ta", "given_by": "Ta", "given_on": day(0), "views": "Needs prompts"}
    ok(ta.post(f"/cycles/{ben_cycle.pk}/views", view), 201)


def test_a_parent_reads_their_own_childs_records_but_writes_nothing(
    world: World, as_: Any, reviewed: dict[str, Any]
) -> None:
    parent, cycle_id = as_("parent"), reviewed["cycle"].pk
    services.passport_save(
        pupil=world.amy, data={"about_me": "I like horses"}, by=world.users["senco"], version=0
    )
    assert ok(parent.get("/cycles"))["count"] == 2
    cycle = ok(parent.get(f"/cycles/{cycle_id}"))
    assert cycle["plan"]["targets"][0]["id"] == reviewed["target"].pk
    assert cycle["review"]["ratings"][0]["rating"] == 1
    assert (cycle["views"], cycle["notes"], cycle["amendments"]) == (None, None, None)
    ok(parent.get(f"/cycles/{cycle_id}/plan"))
    ok(parent.get(f"/cycles/{cycle_id}/review"))
    ok(parent.get(f"/targets/{reviewed['target'].pk}"))
    # Staff working records are not the family's to read.
    for path in ("/views", "/notes", "/amendments"):
        assert parent.get(f"/cycles/{cycle_id}{path}").status_code == 404, path
    concern = services.concern_raise(
        pupil=world.amy,
        source="teacher",
        raised_on=timezone.localdate(),
        area="CL",
        what_was_seen="Slow to start",
        by=world.users["teacher"],
    )
    assert ok(parent.get("/concerns"))["count"] == 0
    assert parent.get(f"/concerns/{concern.pk}").status_code == 404
    assert ok(parent.get(f"/pupils/{world.amy.pk}/passport"))["about_me"] == "I like horses"

    open_id = reviewed["next_cycle"].pk
    view = {"source": "parent", "given_by": "Pat", "given_on": day(0), "views": "Tired"}
    writes = [
        parent.post(f"/cycles/{open_id}/views", view),
        parent.post(f"/cycles/{open_id}/notes", {"on": day(0), "text": "Read at home"}),
        parent.put(f"/cycles/{open_id}/plan", {"version": 1, "outcomes": "x"}),
        parent.post(f"/cycles/{open_id}/plan/targets", {**SMART_TARGET, "target_date": day(90)}),
        parent.put(f"/pupils/{world.amy.pk}/passport", {"version": 1, "about_me": "x"}),
        parent.post(
            "/concerns",
            {
                "pupil": world.amy.pk,
                "source": "parent",
                "raised_on": day(0),
                "area": "SEMH",
                "what_was_seen": "Upset",
            },
        ),
    ]
    assert [w.status_code for w in writes] == [403] * len(writes)
    assert not AssessmentView.objects.exists() and not DoNote.objects.exists()
    assert Concern.objects.get() == concern


def test_a_parent_cannot_see_other_children(world: World, as_: Any) -> None:
    cycle = services.cycle_open(
        pupil=world.ben, opened_on=timezone.localdate(), by=world.users["senco"]
    )
    assert as_("parent").get(f"/cycles/{cycle.pk}").status_code == 404
    assert as_("parent").get(f"/pupils/{world.ben.pk}/passport").status_code == 404


def test_a_teacher_who_is_a_parent_writes_only_as_staff(world: World, as_: Any) -> None:
    """Dan's mother teaches at Oak but not Dan: she reads his record as his parent, and may not
    add to it as a teacher."""
    teacher = world.users["teacher"]
    Membership.objects.create(user=teacher, role=Role.PARENT, school=world.oak)
    contact = Contact.objects.create(school=world.oak, forename="T", surname="Dale", user=teacher)
    FamilyLink.objects.create(pupil=world.dan, contact=contact, relationship="mother")
    cycle = services.cycle_open(
        pupil=world.dan, opened_on=timezone.localdate(), by=world.users["senco"]
    )
    caller = as_("teacher")
    assert ok(caller.get(f"/cycles/{cycle.pk}"))["notes"] is None
    assert ok(as_("senco").get(f"/cycles/{cycle.pk}"))["notes"] == []
    response = caller.post(f"/cycles/{cycle.pk}/notes", {"on": day(0), "text": "Homework done"})
    assert response.status_code == 403
    assert not DoNote.objects.exists()


# ---- writes the role may not make -----------------------------------------------------------------


def test_a_teacher_contributes_but_does_not_run_the_cycle(
    world: World, as_: Any, planned: dict[str, Any]
) -> None:
    teacher, cycle_id = as_("teacher"), planned["cycle"].pk
    concern = {
        "pupil": world.amy.pk,
        "source": "teacher",
        "raised_on": day(0),
        "area": "CI",
        "what_was_seen": "Does not answer questions",
    }
    concern_id = ok(teacher.post("/concerns", concern), 201)["id"]
    refused = [
        teacher.post(
            f"/concerns/{concern_id}/decision",
            {"outcome": "monitor", "decided_on": day(0), "considered": "x"},
        ),
        teacher.post("/cycles", {"pupil": world.ben.pk}),
        teacher.put(f"/cycles/{cycle_id}/plan", {"version": 1, "outcomes": "Changed"}),
        teacher.post(f"/cycles/{cycle_id}/plan/targets", {**SMART_TARGET, "target_date": day(5)}),
        teacher.delete(f"/targets/{planned['target'].pk}"),
        teacher.post(
            f"/cycles/{cycle_id}/review",
            review_body([{"target_id": planned["target"].pk, "rating": 0}]),
        ),
        teacher.put(f"/pupils/{world.amy.pk}/passport", {"about_me": "x"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "SENCo" in refused[2].json()["detail"]
    assert Concern.objects.get(pk=concern_id).is_open
    assert Plan.objects.get().outcomes == "Reads"
    assert Target.objects.count() == 1
    assert not Review.objects.exists() and not Passport.objects.exists()
    assert not Cycle.objects.filter(pupil=world.ben).exists()


# ---- concerns ---------------------------------------------------------------------------------------


def test_concern_decisions_are_checked(world: World, as_: Any) -> None:
    senco = as_("senco")
    body = {"pupil": world.ben.pk, "source": "parent", "raised_on": day(-3), "area": "SEMH"}
    assert error_locs(senco.post("/concerns", {**body, "what_was_seen": " "})) == [
        ["body", "what_was_seen"]
    ]
    assert error_locs(senco.post("/concerns", {**body, "source": "x", "what_was_seen": "y"})) == [
        ["body", "source"]
    ]
    concern = ok(senco.post("/concerns", {**body, "what_was_seen": "Upset at drop-off"}), 201)
    path = f"/concerns/{concern['id']}/decision"
    decision = {"outcome": "other_factor", "decided_on": day(0), "considered": "Moving house"}
    assert error_locs(senco.post(path, decision)) == [["body", "other_factors"]]
    decided = ok(senco.post(path, {**decision, "other_factors": ["housing"]}))
    assert (decided["outcome"], decided["other_factors"], decided["cycle_id"]) == (
        "other_factor",
        ["housing"],
        None,
    )
    assert error_locs(senco.post(path, {**decision, "other_factors": ["housing"]})) == [
        ["body", "outcome"]
    ]
    assert not world.ben.cycles.exists()


def test_concerns_filter(world: World, as_: Any) -> None:
    senco = world.users["senco"]
    for pupil in (world.amy, world.ben, world.cara):
        services.concern_raise(
            pupil=pupil,
            source="teacher",
            raised_on=timezone.localdate(),
            area="CL",
            what_was_seen="Slow",
            by=senco if pupil != world.cara else world.users["outsider"],
        )
    decided = Concern.objects.get(pupil=world.ben)
    services.concern_decide(
        concern=decided,
        outcome="monitor",
        decided_on=timezone.localdate(),
        considered="x",
        by=senco,
    )
    caller = as_("senco")
    assert ok(caller.get("/concerns"))["count"] == 2
    assert ok(caller.get("/concerns", open="true"))["count"] == 1
    assert ok(caller.get("/concerns", open="false"))["items"][0]["id"] == decided.pk
    assert ok(caller.get("/concerns", pupil=world.amy.pk))["count"] == 1
    assert ok(caller.get("/concerns", upn=world.ben.upn))["count"] == 1
    assert ok(caller.get("/concerns", school=world.elm.pk))["count"] == 0
    assert as_("teacher").get(f"/concerns/{decided.pk}").status_code == 200
    assert as_("ta").get(f"/concerns/{Concern.objects.get(pupil=world.amy).pk}").status_code == 404


# ---- cycles and plans: refusals ------------------------------------------------------------------


def test_a_second_open_cycle_is_422(world: World, as_: Any, planned: dict[str, Any]) -> None:
    response = as_("senco").post("/cycles", {"pupil": world.amy.pk})
    assert error_locs(response) == [["body", "cycle"]]
    assert "still open" in response.json()["detail"][0]["msg"]
    assert Cycle.objects.filter(pupil=world.amy).count() == 1


def test_cycles_filter(world: World, as_: Any, reviewed: dict[str, Any]) -> None:
    senco = as_("senco")
    assert ok(senco.get("/cycles"))["count"] == 2
    [open_cycle] = ok(senco.get("/cycles", open="true"))["items"]
    assert (open_cycle["number"], open_cycle["plan_id"], open_cycle["review_id"]) == (
        2,
        reviewed["next_cycle"].plan.pk,
        None,
    )
    [closed] = ok(senco.get("/cycles", open="false"))["items"]
    assert closed["review_id"] == reviewed["review"].pk
    assert ok(senco.get("/cycles", pupil=world.ben.pk))["count"] == 0
    assert ok(senco.get("/cycles", school=world.oak.pk, upn=world.amy.upn))["count"] == 2


def test_a_target_dated_before_the_plan_is_422(
    world: World, as_: Any, planned: dict[str, Any]
) -> None:
    path = f"/cycles/{planned['cycle'].pk}/plan/targets"
    response = as_("senco").post(path, {**SMART_TARGET, "target_date": day(-31)})
    assert [loc[-1] for loc in error_locs(response)] == ["target_date"]
    assert Target.objects.count() == 1


def test_a_target_needs_a_plan(world: World, as_: Any) -> None:
    cycle = services.cycle_open(
        pupil=world.amy, opened_on=timezone.localdate(), by=world.users["senco"]
    )
    response = as_("senco").post(
        f"/cycles/{cycle.pk}/plan/targets", {**SMART_TARGET, "target_date": day(5)}
    )
    assert response.status_code == 404
    assert "no plan" in response.json()["detail"]
    assert as_("senco").get(f"/cycles/{cycle.pk}/plan").status_code == 404
    assert ok(as_("senco").get(f"/cycles/{cycle.pk}/plan/targets"))["count"] == 0


def test_a_stale_plan_version_is_409(world: World, as_: Any, planned: dict[str, Any]) -> None:
    senco, path = as_("senco"), f"/cycles/{planned['cycle'].pk}/plan"
    first = ok(senco.put(path, {"version": 1, "outcomes": "Reads for pleasure"}))
    assert first["version"] == 2
    assert first["plan_date"] == planned["plan"].plan_date.isoformat()  # left out: unchanged
    stale = senco.put(path, {"version": 1, "outcomes": "Overwrites the other change"})
    assert stale.status_code == 409
    assert [item["loc"] for item in stale.json()["detail"]] == [["body", "version"]]
    assert set(stale.json()["detail"][0]) == {"loc", "msg", "type"}
    assert error_locs(senco.put(path, {"outcomes": "No version"})) == [["body", "version"]]
    plan = Plan.objects.get()
    assert (plan.version, plan.outcomes) == (2, "Reads for pleasure")


def test_plan_dates_are_checked(world: World, as_: Any, planned: dict[str, Any]) -> None:
    path = f"/cycles/{planned['cycle'].pk}/plan"
    body = {"version": 1, "outcomes": "x", "plan_date": day(-10), "review_date": day(-11)}
    assert error_locs(as_("senco").put(path, body)) == [["body", "review_date"]]
    assert Plan.objects.get().version == 1


def test_a_target_is_removed_only_while_the_cycle_is_open(
    world: World, as_: Any, reviewed: dict[str, Any]
) -> None:
    senco = as_("senco")
    locked = reviewed["target"]
    assert error_locs(senco.delete(f"/targets/{locked.pk}")) == [["body", "cycle"]]
    assert Target.objects.filter(pk=locked.pk).exists()
    carried_plan = reviewed["next_cycle"].plan
    extra = services.target_add(
        plan=carried_plan,
        data={**SMART_TARGET, "target_date": carried_plan.plan_date},
        by=world.users["senco"],
    )
    assert as_("outsider").delete(f"/targets/{extra.pk}").status_code == 404
    assert senco.delete(f"/targets/{extra.pk}").status_code == 204
    assert not Target.objects.filter(pk=extra.pk).exists()


# ---- a locked cycle: reviews, amendments ----------------------------------------------------------


def test_a_locked_cycle_refuses_changes(world: World, as_: Any, reviewed: dict[str, Any]) -> None:
    senco, cycle_id = as_("senco"), reviewed["cycle"].pk
    ratings = [{"target_id": reviewed["target"].pk, "rating": 0}]
    assert error_locs(senco.post(f"/cycles/{cycle_id}/review", review_body(ratings))) == [
        ["body", "cycle"]
    ]
    assert error_locs(senco.put(f"/cycles/{cycle_id}/plan", {"version": 1, "outcomes": "x"})) == [
        ["body", "cycle"]
    ]
    assert error_locs(senco.post(f"/cycles/{cycle_id}/notes", {"on": day(0), "text": "x"})) == [
        ["body", "cycle"]
    ]
    for method in ("put", "patch"):
        response = getattr(senco, method)(f"/cycles/{cycle_id}/review", {"decision": "remove"})
        assert response.status_code == 405
        assert "amendment" in response.json()["detail"]
    assert as_("outsider").patch(f"/cycles/{cycle_id}/review", {}).status_code == 404
    review = Review.objects.get(cycle_id=cycle_id)
    assert (review.decision, review.ratings.get().rating) == ("continue", 1)


@pytest.mark.parametrize(
    ("ratings", "loc"),
    [
        ([], ["body", "ratings"]),
        ([{"target_id": 0, "rating": 3}], ["body", "ratings", 0, "rating"]),
        ([{"target_id": 0, "rating": 1}, {"target_id": 0, "rating": 1}], ["body", "ratings"]),
        ([{"target_id": 0, "rating": 1}, {"target_id": 999999, "rating": 1}], ["body", "ratings"]),
    ],
)
def test_review_ratings_are_checked(
    world: World, as_: Any, planned: dict[str, Any], ratings: list[dict[str, Any]], loc: list[Any]
) -> None:
    for rating in ratings:
        rating["target_id"] = rating["target_id"] or planned["target"].pk
    response = as_("senco").post(f"/cycles/{planned['cycle'].pk}/review", review_body(ratings))
    assert error_locs(response) == [loc]
    assert not Review.objects.exists()
    assert Cycle.objects.get(pk=planned["cycle"].pk).closed_on is None


def test_review_fields_are_checked(world: World, as_: Any, planned: dict[str, Any]) -> None:
    ratings = [{"target_id": planned["target"].pk, "rating": 0}]
    body = review_body(ratings, decision="give_up", held_on=day(1))
    response = as_("senco").post(f"/cycles/{planned['cycle'].pk}/review", body)
    assert sorted(error_locs(response)) == [["body", "decision"], ["body", "held_on"]]
    assert not Review.objects.exists()


def test_removal_from_the_register_opens_no_next_cycle(
    world: World, as_: Any, planned: dict[str, Any]
) -> None:
    ratings = [{"target_id": planned["target"].pk, "rating": 2}]
    body = review_body(ratings, decision="remove")
    review = ok(as_("senco").post(f"/cycles/{planned['cycle'].pk}/review", body), 201)
    assert review["next_cycle_id"] is None
    assert Cycle.objects.filter(pupil=world.amy).count() == 1


def test_an_amendment_needs_a_reason(world: World, as_: Any, reviewed: dict[str, Any]) -> None:
    senco, path = as_("senco"), f"/cycles/{reviewed['cycle'].pk}/amendments"
    change = {"what": "review", "changes": {"decision_notes": "Add a reading buddy from May"}}
    assert error_locs(senco.post(path, change)) == [["body", "reason"]]
    assert error_locs(senco.post(path, {**change, "reason": "  "})) == [["body", "reason"]]
    assert not Amendment.objects.exists()

    made = ok(senco.post(path, {**change, "reason": "Agreed with mum by phone"}), 201)
    assert (made["what"], made["reason"]) == ("review", "Agreed with mum by phone")
    assert made["changes"]["decision_notes"]["to"] == "Add a reading buddy from May"
    assert Review.objects.get().decision_notes == "Add a reading buddy from May"
    assert [a["id"] for a in ok(senco.get(path))["items"]] == [made["id"]]
    assert ok(senco.get(f"/cycles/{reviewed['cycle'].pk}"))["amendments"][0]["id"] == made["id"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (
            {"what": "plan", "changes": {"plan_date": "not a date"}},
            ["body", "changes", "plan_date"],
        ),
        ({"what": "plan", "changes": {"version": 9}}, ["body", "changes"]),
        ({"what": "targets", "changes": {"description": "x"}}, ["body", "what"]),
        ({"what": "plan", "changes": {}}, ["body", "changes"]),
    ],
)
def test_amendment_errors_name_the_field(
    world: World, as_: Any, reviewed: dict[str, Any], body: dict[str, Any], loc: list[Any]
) -> None:
    response = as_("senco").post(
        f"/cycles/{reviewed['cycle'].pk}/amendments", {**body, "reason": "Typo"}
    )
    assert error_locs(response) == [loc]
    assert not Amendment.objects.exists()


def test_an_open_cycle_is_changed_directly_not_amended(
    world: World, as_: Any, planned: dict[str, Any]
) -> None:
    body = {"what": "plan", "changes": {"outcomes": "x"}, "reason": "Typo"}
    response = as_("senco").post(f"/cycles/{planned['cycle'].pk}/amendments", body)
    assert error_locs(response) == [["body", "cycle"]]
    assert as_("teacher").post(f"/cycles/{planned['cycle'].pk}/amendments", body).status_code == 403


def test_the_review_is_given_to_parents(world: World, as_: Any, reviewed: dict[str, Any]) -> None:
    senco, path = as_("senco"), f"/cycles/{reviewed['cycle'].pk}/review/given-to-parents"
    assert error_locs(senco.post(path, {"given_on": day(-1)})) == [["body", "given_on"]]
    assert as_("teacher").post(path, {"given_on": day(0)}).status_code == 403
    assert ok(senco.post(path, {"given_on": day(0)}))["given_to_parents_on"] == day(0)
    unreviewed = f"/cycles/{reviewed['next_cycle'].pk}/review/given-to-parents"
    assert senco.post(unreviewed, {"given_on": day(0)}).status_code == 404


# ---- passports ---------------------------------------------------------------------------------------


def test_passport_with_optimistic_concurrency(world: World, as_: Any) -> None:
    senco, path = as_("senco"), f"/pupils/{world.amy.pk}/passport"
    assert senco.get(path).status_code == 404
    created = ok(senco.put(path, {"about_me": "I like horses", "written_with_pupil": True}), 201)
    assert created["version"] == 1
    assert error_locs(senco.put(path, {"about_me": "No version"})) == [["body", "version"]]
    changed = ok(senco.put(path, {"version": 1, "about_me": "I like horses and maps"}))
    assert (changed["version"], changed["written_with_pupil"]) == (2, False)
    stale = senco.put(path, {"version": 1, "about_me": "Lost update"})
    assert stale.status_code == 409
    assert stale.json()["detail"][0]["loc"] == ["body", "version"]
    assert Passport.objects.get().about_me == "I like horses and maps"

    assert ok(as_("teacher").get(path))["version"] == 2
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="support.Passport")
    assert event.get().actor == world.users["teacher"]
    assert as_("outsider").put(path, {"version": 2, "about_me": "x"}).status_code == 404


# ---- views and notes ---------------------------------------------------------------------------------


def test_views_and_notes_are_checked(world: World, as_: Any, planned: dict[str, Any]) -> None:
    teacher, cycle_id = as_("teacher"), planned["cycle"].pk
    view = {"source": "wizard", "given_by": "Ms T", "given_on": day(1), "views": "x"}
    assert sorted(error_locs(teacher.post(f"/cycles/{cycle_id}/views", view))) == [
        ["body", "given_on"]
    ]
    view["given_on"] = day(0)
    assert error_locs(teacher.post(f"/cycles/{cycle_id}/views", view)) == [["body", "source"]]
    note = {"on": day(-31), "text": "x"}
    assert error_locs(teacher.post(f"/cycles/{cycle_id}/notes", note)) == [["body", "on"]]
    note = {"on": day(0), "text": "x", "kind": "gossip"}
    assert error_locs(teacher.post(f"/cycles/{cycle_id}/notes", note)) == [["body", "kind"]]
    assert not AssessmentView.objects.exists() and not DoNote.objects.exists()


# ---- constant query counts -----------------------------------------------------------------------


def run_cycles(world: World, n: int) -> Cycle:
    """n cycles for Amy through the services, each reviewed with every target unmet (so carried)
    and a new target added; the last is open. Returns the last."""
    senco = world.users["senco"]
    start = timezone.localdate() - timedelta(days=2 * n + 2)
    cycle = services.cycle_open(pupil=world.amy, opened_on=start, by=senco)
    plan = services.plan_save(
        cycle=cycle,
        data={"plan_date": start, "review_date": start + timedelta(days=90), "outcomes": "Reads"},
        by=senco,
        version=0,
    )
    for k in range(1, n):
        services.target_add(
            plan=plan,
            data={"description": f"Read {k} books", "target_date": plan.plan_date},
            by=senco,
        )
        ratings = {t.pk: {"rating": -1} for t in plan.targets.all()}
        held_on = start + timedelta(days=2 * k)
        _, next_cycle = services.review_complete(
            cycle=cycle,
            data=services.review_input({**review_body([]), "held_on": held_on}),
            ratings=ratings,
            by=senco,
        )
        assert next_cycle is not None
        cycle, plan = next_cycle, next_cycle.plan
    return cycle


def raise_concerns(world: World, n: int) -> None:
    for i in range(n):
        services.concern_raise(
            pupil=world.amy if i % 2 else world.ben,
            source="teacher",
            raised_on=timezone.localdate(),
            area="CL",
            what_was_seen=f"Concern {i}",
            by=world.users["teacher"],
        )


@pytest.mark.parametrize("path", ["/cycles", "/concerns"])
def test_cycle_and_concern_lists_run_a_constant_number_of_queries(
    world: World, as_: Any, path: str
) -> None:
    senco = as_("senco")
    run_cycles(world, 3)
    raise_concerns(world, 3)
    small, small_count = queries_for(senco, path)
    Cycle.objects.all().delete()
    run_cycles(world, 12)
    raise_concerns(world, 9)
    large, large_count = queries_for(senco, path)
    assert (small_count, large_count) == (3, 12)
    assert large == small


def add_rows(world: World, cycle: Cycle, n: int) -> None:
    """n views, Do notes and targets for an open cycle."""
    teacher, today = world.users["teacher"], timezone.localdate()
    for i in range(n):
        services.assessment_view_add(
            cycle=cycle,
            data={"source": "teacher", "given_by": "T", "given_on": today, "views": f"v{i}"},
            by=teacher,
        )
        services.do_note_add(cycle=cycle, on=today, text=f"n{i}", by=teacher)
        services.target_add(
            plan=cycle.plan,
            data={"description": f"Improve {i}", "target_date": today},
            by=world.users["senco"],
        )


@pytest.mark.parametrize("sub", ["/views", "/notes", "/plan/targets", "", "/plan"])
def test_a_cycles_lists_run_a_constant_number_of_queries(world: World, as_: Any, sub: str) -> None:
    cycle = run_cycles(world, 1)
    teacher = as_("teacher")
    add_rows(world, cycle, 3)
    small = queries_for_any(teacher, f"/cycles/{cycle.pk}{sub}")
    add_rows(world, cycle, 9)
    assert queries_for_any(teacher, f"/cycles/{cycle.pk}{sub}") == small


def test_amendment_list_runs_a_constant_number_of_queries(
    world: World, as_: Any, reviewed: dict[str, Any]
) -> None:
    senco, path = as_("senco"), f"/cycles/{reviewed['cycle'].pk}/amendments"

    def amend(n: int) -> None:
        for i in range(n):
            services.cycle_amend(
                cycle=Cycle.objects.get(pk=reviewed["cycle"].pk),
                what="review",
                changes={"attendees": f"Class teacher {i}"},
                reason="Names added",
                by=world.users["senco"],
            )

    amend(3)
    small, small_count = queries_for(senco, path)
    amend(9)
    large, large_count = queries_for(senco, path)
    assert (small_count, large_count, large) == (3, 12, small)


def queries_for_any(caller: Caller, path: str) -> int:
    """Queries for a list or a single object (a cycle with everything in it)."""
    caller.get(path)  # a token's first use writes its last-used time (then once a minute)
    with CaptureQueriesContext(connection) as ctx:
        response = caller.get(path)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body.get("items") or body.get("targets") or body.get("views")
    assert rows, body
    return len(ctx.captured_queries)


def test_dates_are_iso(world: World, as_: Any, planned: dict[str, Any]) -> None:
    plan = ok(as_("senco").get(f"/cycles/{planned['cycle'].pk}/plan"))
    assert date.fromisoformat(plan["plan_date"]) == planned["plan"].plan_date
    assert plan["targets"][0]["cycle_id"] == planned["cycle"].pk


# --- issue 13: outcomes apart from ratings, the agreed next review ----------------------------


def test_a_rating_takes_an_outcome_and_only_achieved_is_met(as_, planned):
    """31 of 45 rated "as expected" against 40 is partly achieved: not met, carried forward from
    the value reached, and the next cycle is reviewed on the date agreed with the family."""
    target = planned["target"]
    agreed = day(120)
    ratings = [
        {"target_id": target.pk, "rating": 0, "value_reached": "31", "outcome": "partly_achieved"}
    ]
    body = review_body(ratings, next_review_date=agreed)
    review = ok(as_("senco").post(f"/cycles/{planned['cycle'].pk}/review", body), 201)
    (rating,) = review["ratings"]
    assert (rating["outcome"], rating["outcome_label"], rating["met"]) == (
        "partly_achieved",
        "Partly achieved",
        False,
    )
    assert rating["outcome_warning"] is None and review["next_review_date"] == agreed
    plan = ok(as_("senco").get(f"/cycles/{review['next_cycle_id']}/plan"))
    assert plan["review_date"] == agreed
    (carried,) = plan["targets"]
    assert carried["baseline"].startswith("31 (at the review on ")


@pytest.mark.parametrize("outcome", ["achieved", "partly_achieved", "not_achieved", "not_yet_due"])
def test_each_outcome_is_taken_by_its_exact_string(as_, planned, outcome):
    ratings = [{"target_id": planned["target"].pk, "rating": 0, "outcome": outcome}]
    review = ok(
        as_("senco").post(f"/cycles/{planned['cycle'].pk}/review", review_body(ratings)), 201
    )
    assert review["ratings"][0]["outcome"] == outcome
    assert review["ratings"][0]["met"] == (outcome == "achieved")


def test_an_achieved_outcome_below_the_target_value_is_warned(as_, planned):
    ratings = [
        {
            "target_id": planned["target"].pk,
            "rating": 0,
            "value_reached": "31",
            "outcome": "achieved",
        }
    ]
    review = ok(
        as_("senco").post(f"/cycles/{planned['cycle'].pk}/review", review_body(ratings)), 201
    )
    assert "31" in review["ratings"][0]["outcome_warning"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"outcome": "met"}, ["body", "ratings", 0, "outcome"]),
        ({"next_review_date": day(-1)}, ["body", "next_review_date"]),
    ],
)
def test_a_wrong_outcome_or_next_review_date_is_refused_and_nothing_written(
    as_, planned, change, where
):
    rating = {"target_id": planned["target"].pk, "rating": 0, "outcome": "achieved"}
    if "outcome" in change:
        rating |= change
        body = review_body([rating])
    else:
        body = review_body([rating], **change)
    response = as_("senco").post(f"/cycles/{planned['cycle'].pk}/review", body)
    assert response.status_code == 422, response.content
    assert where in [e["loc"] for e in response.json()["detail"]]
    assert not Review.objects.filter(cycle=planned["cycle"]).exists()
