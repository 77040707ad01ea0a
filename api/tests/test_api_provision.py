"""The provision map through the API, on the real stack: token auth, access rules, the provision
services and selectors, and the database (house style §7). The whole flow is driven as the SENCo;
the TA who delivers keeps the register; each write is tried by a role that may not make it (403)
and by callers outside reach (404); refusals are 422 with the field and write nothing."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from api.tests.test_api import error_locs, queries_for
from api.tests.test_api_support import Caller, day, ok
from audit.models import AuditAction, AuditEvent
from provision import selectors, services
from provision.models import (
    Enrolment,
    Intervention,
    Measure,
    Provision,
    Session,
    SessionAttendance,
    StaffRole,
)
from sendpath.testing import World

API = "/api/v1"
CATALOGUE = 18


@pytest.fixture
def as_(world: World) -> Callable[[str], Caller]:
    """as_("senco") -> a Caller for that persona."""
    return lambda name: Caller(world.users[name])


@pytest.fixture
def roles(world: World) -> dict[str, StaffRole]:
    """A TA role at Oak (£18.50 an hour) and one at Elm."""
    return {
        "oak": services.staff_role_save(
            school=world.oak,
            name="TA level 3",
            kind="ta3",
            hourly_cost="18.50",
            by=world.users["senco"],
        ),
        "elm": services.staff_role_save(
            school=world.elm,
            name="TA",
            kind="ta2",
            hourly_cost="15.00",
            by=world.users["outsider"],
        ),
    }


def school_day(back: int) -> date:
    """The school day (Monday to Friday) `back` school days before the latest one up to today."""
    one = timedelta(days=1)
    on = timezone.localdate()
    for step in range(back + 1):
        on -= one if step else timedelta(0)
        while on.weekday() > 4:
            on -= one
    return on


def sday(back: int) -> str:
    """school_day as ISO, for a body."""
    return school_day(back).isoformat()


@dataclass(frozen=True)
class Days:
    """A date in a parametrized body, worked out when the test runs rather than when it is
    collected: `offset` days from today, or with school=True `offset` school days back."""

    offset: int
    school: bool = False

    def iso(self) -> str:
        return sday(self.offset) if self.school else day(self.offset)


def dated(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v.iso() if isinstance(v, Days) else v for k, v in body.items()}


def catalogue_entry() -> Intervention:
    return Intervention.objects.filter(school__isnull=True).order_by("name").first()  # type: ignore[return-value]


def provision_body(world: World, roles: dict[str, StaffRole], **overrides: Any) -> dict[str, Any]:
    """A reading group at Oak run by the TA every weekday for two months around today."""
    body = {
        "school": world.oak.pk,
        "intervention": catalogue_entry().pk,
        "name": "Year 5 reading group",
        "staff": world.users["ta"].pk,
        "staff_role": roles["oak"].pk,
        "location": "Library",
        "weekdays": [0, 1, 2, 3, 4],
        "session_minutes": 30,
        "start_date": day(-30),
        "end_date": day(30),
        "resource_cost": "40.00",
    }
    body.update(overrides)
    return body


def make_provision(
    world: World,
    roles: dict[str, StaffRole],
    *,
    pupils: tuple[str, ...] = ("amy", "ben"),
    staff: str = "ta",
    name: str = "Year 5 reading group",
) -> Provision:
    """A provision written through the services (the API's own writes are tested below), with
    the given pupils enrolled from its first day."""
    senco = world.users["senco"]
    today = timezone.localdate()
    provision = services.provision_create(
        school=world.oak,
        intervention=catalogue_entry(),
        data={
            "name": name,
            "staff": world.users[staff],
            "staff_role": roles["oak"],
            "weekdays": [0, 1, 2, 3, 4],
            "session_minutes": 30,
            "start_date": today - timedelta(days=30),
            "end_date": today + timedelta(days=30),
            "resource_cost": Decimal("40"),
        },
        by=senco,
    )
    for key in pupils:
        services.enrol(
            provision=provision, pupil=world.pupils[key], start_date=provision.start_date, by=senco
        )
    return provision


def record(world: World, provision: Provision, back: int, *present: str) -> Session:
    """A session `back` school days ago with the given pupils present."""
    return services.session_record(
        provision=provision,
        on=school_day(back),
        delivered=True,
        present_pupil_ids=[world.pupils[k].pk for k in present],
        by=world.users["senco"],
    )


# ---- the schema ---------------------------------------------------------------------------------


def test_openapi_lists_the_provision_map(world: World, as_: Any) -> None:
    schema = ok(as_("senco").client.get(f"{API}/openapi.json"))
    paths = {p.removeprefix(API): set(ops) for p, ops in schema["paths"].items()}
    assert paths["/interventions"] == {"get", "post"}
    assert paths["/interventions/{intervention_id}"] == {"get"}
    assert paths["/staff-roles"] == {"get"}
    assert paths["/provisions"] == {"get", "post"}
    assert paths["/provisions/{provision_id}"] == {"get", "patch"}
    assert paths["/provisions/{provision_id}/enrolments"] == {"get", "post"}
    assert paths["/enrolments/{enrolment_id}"] == {"patch"}
    assert paths["/provisions/{provision_id}/sessions"] == {"get", "post"}
    assert paths["/sessions/{session_id}"] == {"get"}
    assert paths["/enrolments/{enrolment_id}/measures"] == {"get", "post"}
    components = schema["components"]["schemas"]
    assert components["MeasureIn"]["properties"]["kind"]["enum"] == ["entry", "exit"]
    assert "specialist" in components["ProvisionIn"]["properties"]["wave"]["enum"]


# ---- the whole flow, as the SENCo ----------------------------------------------------------------


def test_senco_runs_a_provision_through_the_api(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    senco = as_("senco")
    created = ok(senco.post("/provisions", provision_body(world, roles)), 201)
    pid = created["id"]
    assert (created["school"]["id"], created["intervention"]["id"]) == (
        world.oak.pk,
        catalogue_entry().pk,
    )
    assert (created["staff_id"], created["staff_role"]["id"]) == (
        world.users["ta"].pk,
        roles["oak"].pk,
    )
    assert (created["is_current"], created["enrolled"], created["delivered_sessions"]) == (
        True,
        0,
        0,
    )
    assert Decimal(created["cost_so_far"]) == Decimal("40.00")

    enrolled = [
        ok(
            senco.post(f"/provisions/{pid}/enrolments", {"pupil": p.pk, "start_date": day(-30)}),
            201,
        )
        for p in (world.amy, world.ben)
    ]
    assert [e["pupil"]["id"] for e in enrolled] == [world.amy.pk, world.ben.pk]
    assert all(e["is_open"] for e in enrolled)

    both = {"on": sday(2), "present": [world.amy.pk, world.ben.pk], "note": "Phonics"}
    first = ok(senco.post(f"/provisions/{pid}/sessions", both), 201)
    assert (first["delivered"], first["minutes"], first["recorded_by_id"]) == (
        True,
        30,
        world.users["senco"].pk,
    )
    ben_away = ok(
        senco.post(f"/provisions/{pid}/sessions", {"on": sday(1), "present": [world.amy.pk]}), 201
    )
    assert {(m["pupil"]["id"], m["present"]) for m in ben_away["attendance"]} == {
        (world.amy.pk, True),
        (world.ben.pk, False),
    }

    provision = ok(senco.get(f"/provisions/{pid}"))
    figures = selectors.provision_figures([Provision.objects.get(pk=pid)])[pid]
    assert (
        provision["enrolled"],
        provision["delivered_sessions"],
        provision["missed_sessions"],
    ) == (
        2,
        2,
        0,
    )
    assert provision["planned_sessions"] == figures.planned_to_date
    assert provision["planned_sessions_total"] == figures.planned_total
    assert provision["fidelity"] == figures.fidelity
    assert Decimal(provision["delivered_hours"]) == Decimal(1)
    # Two 30-minute sessions at £18.50 an hour, and £40 of resources.
    assert Decimal(provision["cost_so_far"]) == Decimal("58.50")

    listed = ok(senco.get(f"/provisions/{pid}/sessions"))
    assert [s["on"] for s in listed["items"]] == [sday(1), sday(2)]

    amy_enrolment = enrolled[0]["id"]
    path = f"/enrolments/{amy_enrolment}/measures"
    entry = {"kind": "entry", "measure_type": "standardised", "name": "Salford", "on": day(-30)}
    ok(senco.post(path, {**entry, "value": "85"}), 201)
    exit_ = ok(senco.post(path, {**entry, "kind": "exit", "on": day(0), "value": "92.5"}), 201)
    assert (exit_["kind"], Decimal(exit_["value"])) == ("exit", Decimal("92.5"))
    assert [m["kind"] for m in ok(senco.get(path))["items"]] == ["entry", "exit"]

    ended = ok(senco.patch(f"/enrolments/{enrolled[1]['id']}", {"end_date": day(-1)}))
    assert (ended["end_date"], ended["is_open"]) == (day(-1), False)
    assert ok(senco.get(f"/provisions/{pid}"))["enrolled"] == 1

    changed = ok(
        senco.patch(f"/provisions/{pid}", {"name": "Reading group B", "location": "", "version": 1})
    )
    assert (changed["name"], changed["location"], changed["staff_id"]) == (
        "Reading group B",
        "",
        world.users["ta"].pk,
    )
    assert [p["id"] for p in ok(senco.get("/provisions", current="true"))["items"]] == [pid]
    assert ok(senco.get("/provisions", current="false"))["count"] == 0


def test_recording_a_day_again_replaces_it(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    provision = make_provision(world, roles)
    path = f"/provisions/{provision.pk}/sessions"
    ok(as_("senco").post(path, {"on": sday(1), "present": [world.amy.pk]}), 201)
    missed = {"on": sday(1), "delivered": False, "missed_reason": "TA at training"}
    replaced = ok(as_("senco").post(path, missed), 200)
    assert (replaced["delivered"], replaced["minutes"], replaced["attendance"]) == (False, 0, [])
    assert Session.objects.count() == 1 and not SessionAttendance.objects.exists()


# ---- the TA who delivers -------------------------------------------------------------------------


def test_the_ta_who_delivers_keeps_the_register_but_runs_nothing_else(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    provision = make_provision(world, roles, pupils=("amy", "ben"), staff="ta")
    ta = as_("ta")
    # Delivering it brings Amy into the TA's reach (Ben was already assigned to them).
    assert [p["id"] for p in ok(ta.get("/provisions"))["items"]] == [provision.pk]
    assert ok(ta.get(f"/provisions/{provision.pk}/enrolments"))["count"] == 2
    body = {"on": sday(0), "present": [world.amy.pk, world.ben.pk]}
    session = ok(ta.post(f"/provisions/{provision.pk}/sessions", body), 201)
    assert session["recorded_by_id"] == world.users["ta"].pk
    amy = Enrolment.objects.get(pupil=world.amy)
    entry = {"kind": "entry", "measure_type": "raw", "name": "Word check", "on": day(0)}
    ok(ta.post(f"/enrolments/{amy.pk}/measures", {**entry, "value": 12}), 201)

    refused = [
        ta.post("/provisions", provision_body(world, roles, name="TA's own group")),
        ta.patch(f"/provisions/{provision.pk}", {"name": "Renamed", "version": 1}),
        ta.post(
            f"/provisions/{provision.pk}/enrolments",
            {"pupil": world.ben.pk, "start_date": day(0)},
        ),
        ta.patch(f"/enrolments/{amy.pk}", {"end_date": day(0)}),
        ta.post("/interventions", {"school": world.oak.pk, "name": "Our group", "area": "CL"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "SENCo" in refused[0].json()["detail"]
    assert Provision.objects.get().name == "Year 5 reading group"
    assert Enrolment.objects.get(pk=amy.pk).end_date is None
    assert not Intervention.objects.filter(school__isnull=False).exists()


def test_a_teacher_reads_but_does_not_keep_anothers_register(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    provision = make_provision(world, roles, staff="ta")
    teacher = as_("teacher")
    ok(teacher.get(f"/provisions/{provision.pk}"))
    response = teacher.post(f"/provisions/{provision.pk}/sessions", {"on": day(0)})
    assert response.status_code == 403
    assert "delivers" in response.json()["detail"]
    amy = Enrolment.objects.get(pupil=world.amy)
    entry = {"kind": "entry", "measure_type": "raw", "name": "x", "on": day(0), "value": 1}
    assert teacher.post(f"/enrolments/{amy.pk}/measures", entry).status_code == 403
    assert not Session.objects.exists() and not Measure.objects.exists()


# ---- reach ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["outsider", "la_officer", "trust_officer", "parent", "governor", "dpo", "nobody"]
)
def test_a_provision_outside_reach_is_404(
    world: World, as_: Any, roles: dict[str, StaffRole], persona: str
) -> None:
    provision = make_provision(world, roles)
    session = record(world, provision, 1, "amy")
    enrolment = Enrolment.objects.get(pupil=world.amy)
    caller, pid = as_(persona), provision.pk
    for path in ["", "/enrolments", "/sessions"]:
        assert caller.get(f"/provisions/{pid}{path}").status_code == 404, path
    assert caller.get(f"/sessions/{session.pk}").status_code == 404
    assert caller.get(f"/enrolments/{enrolment.pk}/measures").status_code == 404
    assert caller.get("/provisions").json()["count"] == 0
    writes = [
        caller.patch(f"/provisions/{pid}", {"name": "x", "version": 1}),
        caller.post(f"/provisions/{pid}/enrolments", {"pupil": world.dan.pk, "start_date": day(0)}),
        caller.post(f"/provisions/{pid}/sessions", {"on": day(0)}),
        caller.patch(f"/enrolments/{enrolment.pk}", {"end_date": day(0)}),
        caller.post(
            f"/enrolments/{enrolment.pk}/measures",
            {"kind": "entry", "measure_type": "raw", "name": "x", "on": day(0), "value": 1},
        ),
    ]
    assert [w.status_code for w in writes] == [404] * len(writes)
    assert Provision.objects.get().name == "Year 5 reading group"
    assert Session.objects.count() == 1 and not Measure.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_named_rows_follow_the_callers_reach(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    """The teacher teaches Amy, not Dan: in a group of both run by the SENCo they read the group
    and Amy's rows only. The TA reaches neither (Ben is assigned to them): 404."""
    provision = make_provision(world, roles, pupils=("amy", "dan"), staff="senco")
    session = record(world, provision, 1, "amy", "dan")
    teacher, pid = as_("teacher"), provision.pk
    assert ok(teacher.get(f"/provisions/{pid}"))["enrolled"] == 2  # a count names nobody
    assert [
        e["pupil"]["id"] for e in ok(teacher.get(f"/provisions/{pid}/enrolments"))["items"]
    ] == [world.amy.pk]
    [listed] = ok(teacher.get(f"/provisions/{pid}/sessions"))["items"]
    assert [m["pupil"]["id"] for m in listed["attendance"]] == [world.amy.pk]
    dan = Enrolment.objects.get(pupil=world.dan)
    assert teacher.get(f"/enrolments/{dan.pk}/measures").status_code == 404
    assert [
        m["pupil"]["id"] for m in ok(as_("senco").get(f"/sessions/{session.pk}"))["attendance"]
    ] == [
        world.amy.pk,
        world.dan.pk,
    ]
    assert as_("ta").get(f"/provisions/{pid}").status_code == 404
    assert ok(as_("ta").get("/provisions"))["count"] == 0


def test_reading_a_session_is_audited_per_pupil_shown(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    provision = make_provision(world, roles, pupils=("amy", "dan"), staff="senco")
    session = record(world, provision, 1, "amy")
    ok(as_("teacher").get(f"/sessions/{session.pk}"))
    events = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="provision.Session")
    assert [(e.actor, e.pupil_id, e.school_id, e.via) for e in events] == [
        (world.users["teacher"], world.amy.pk, world.oak.pk, "api")
    ]
    ok(as_("teacher").get(f"/provisions/{provision.pk}/sessions"))
    ok(as_("teacher").get(f"/provisions/{provision.pk}"))
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == 1


@pytest.mark.parametrize(
    ("persona", "sees_costs"),
    [("senco", True), ("slt", True), ("admin", False), ("teacher", False), ("ta", False)],
)
def test_costs_are_for_the_roles_that_read_costs(
    world: World, as_: Any, roles: dict[str, StaffRole], persona: str, sees_costs: bool
) -> None:
    provision = make_provision(world, roles)
    record(world, provision, 1, "amy", "ben")
    read = ok(as_(persona).get(f"/provisions/{provision.pk}"))
    costs = (read["cost_so_far"], read["resource_cost"], read["licence_cost"])
    assert (costs != (None, None, None)) is sees_costs
    assert read["delivered_sessions"] == 1  # the dose is everyone's to see
    [role] = ok(as_(persona).get("/staff-roles"))["items"]
    assert (role["id"], role["hourly_cost"] is not None) == (roles["oak"].pk, sees_costs)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("nobody", 404),
        ("la_officer", 403),
        ("trust_officer", 403),
        ("parent", 403),
        ("governor", 403),
        ("admin", 403),
        ("teacher", 403),
    ],
)
def test_setting_up_provision_needs_the_senco(
    world: World, as_: Any, roles: dict[str, StaffRole], persona: str, status: int
) -> None:
    """A school the caller does not reach is a 404; one they reach (as staff, parent or
    officer) without the SENCo's role, a 403."""
    caller = as_(persona)
    assert caller.post("/provisions", provision_body(world, roles)).status_code == status
    own = {"school": world.oak.pk, "name": "Ours", "area": "CL"}
    assert caller.post("/interventions", own).status_code == status
    assert not Provision.objects.exists()
    assert not Intervention.objects.filter(school__isnull=False).exists()


# ---- refusals: 422 with the field, nothing written ------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"start_date": Days(10), "end_date": Days(9)}, "end_date"),
        ({"resource_cost": "-5"}, "resource_cost"),
        ({"licence_cost": "-0.01"}, "licence_cost"),
        ({"weekdays": [5]}, "weekdays"),
        ({"weekdays": []}, "weekdays"),
        ({"session_minutes": 0}, "session_minutes"),
        ({"wave": "tsunami"}, "wave"),
        ({"name": "  "}, "name"),
        ({"targets": [999999]}, "targets"),
        ({"staff": 999999}, "staff"),
        ({"staff_role": 999999}, "staff_role"),
        ({"intervention": 999999}, "intervention"),
    ],
)
def test_a_bad_provision_is_422(
    world: World, as_: Any, roles: dict[str, StaffRole], overrides: dict[str, Any], loc: str
) -> None:
    response = as_("senco").post("/provisions", provision_body(world, roles, **dated(overrides)))
    assert error_locs(response) == [["body", loc]]
    assert not Provision.objects.exists()


def test_another_schools_staff_role_and_library_are_not_ours(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    elm_own = services.intervention_add(
        school=world.elm, data={"name": "Elm nurture", "area": "SEMH"}, by=world.users["outsider"]
    )
    body = provision_body(
        world,
        roles,
        intervention=elm_own.pk,
        staff_role=roles["elm"].pk,
        staff=world.users["outsider"].pk,
    )
    response = as_("senco").post("/provisions", body)
    assert sorted(error_locs(response)) == [
        ["body", "intervention"],
        ["body", "staff"],
        ["body", "staff_role"],
    ]
    assert "outsider" not in response.content.decode().lower()
    assert not Provision.objects.exists()


def test_a_provision_change_is_checked(world: World, as_: Any, roles: dict[str, StaffRole]) -> None:
    provision = make_provision(world, roles)
    record(world, provision, 10, "amy")
    senco, path = as_("senco"), f"/provisions/{provision.pk}"
    assert error_locs(senco.patch(path, {"start_date": day(-5), "version": 1})) == [
        ["body", "start_date"],
        ["body", "start_date"],
    ]
    assert (
        error_locs(senco.patch(path, {"end_date": day(-31), "version": 1}))
        == [["body", "end_date"]] * 3
    )
    assert error_locs(senco.patch(path, {"name": None, "version": 1})) == [["body", "name"]]
    assert error_locs(senco.patch(path, {"resource_cost": "-1", "version": 1})) == [
        ["body", "resource_cost"]
    ]
    unchanged = Provision.objects.get()
    assert (unchanged.start_date, unchanged.end_date, unchanged.resource_cost) == (
        provision.start_date,
        provision.end_date,
        Decimal(40),
    )
    cleared = ok(senco.patch(path, {"staff": None, "version": 1}))
    assert cleared["staff_id"] is None and cleared["staff_name"] == ""


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"on": Days(1, school=True), "delivered": False}, "missed_reason"),
        ({"on": Days(1, school=True), "delivered": False, "missed_reason": "  "}, "missed_reason"),
        ({"on": Days(1), "present": []}, "on"),
        ({"on": Days(-31), "present": []}, "on"),
        ({"on": Days(1, school=True), "present": ["dan"]}, "present"),
        ({"on": Days(1, school=True), "present": ["cara"]}, "present"),
        (
            {
                "on": Days(1, school=True),
                "delivered": False,
                "missed_reason": "Ill",
                "present": ["amy"],
            },
            "present",
        ),
        ({"on": Days(1, school=True), "minutes": 0}, "minutes"),
        ({"on": Days(1, school=True), "staff_role": "elm"}, "staff_role"),
        ({"on": Days(1, school=True), "delivered_by": "outsider"}, "delivered_by"),
    ],
)
def test_a_bad_session_is_422(
    world: World, as_: Any, roles: dict[str, StaffRole], body: dict[str, Any], loc: str
) -> None:
    provision = make_provision(world, roles)
    body = dated(body)
    if "present" in body:
        body["present"] = [world.pupils[k].pk for k in body["present"]]
    if "staff_role" in body:
        body["staff_role"] = roles[body["staff_role"]].pk
    if "delivered_by" in body:
        body["delivered_by"] = world.users[body["delivered_by"]].pk
    response = as_("ta").post(f"/provisions/{provision.pk}/sessions", body)
    assert error_locs(response) == [["body", loc]]
    assert not Session.objects.exists() and not SessionAttendance.objects.exists()


def test_a_pupil_left_the_group_is_not_on_later_registers(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    provision = make_provision(world, roles)
    ben = Enrolment.objects.get(pupil=world.ben)
    senco = as_("senco")
    ok(senco.patch(f"/enrolments/{ben.pk}", {"end_date": sday(5)}))
    late = senco.post(
        f"/provisions/{provision.pk}/sessions", {"on": sday(1), "present": [world.ben.pk]}
    )
    assert error_locs(late) == [["body", "present"]]
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"pupil": "dan", "start_date": Days(-31)}, "start_date"),
        ({"pupil": "dan", "start_date": Days(31)}, "start_date"),
        ({"pupil": "amy", "start_date": Days(0)}, "pupil"),
    ],
)
def test_a_bad_enrolment_is_422(
    world: World, as_: Any, roles: dict[str, StaffRole], body: dict[str, Any], loc: str
) -> None:
    provision = make_provision(world, roles, pupils=("amy",))
    body = {**dated(body), "pupil": world.pupils[body["pupil"]].pk}
    response = as_("senco").post(f"/provisions/{provision.pk}/enrolments", body)
    assert error_locs(response) == [["body", loc]]
    assert Enrolment.objects.count() == 1


def test_enrolling_a_pupil_outside_reach_is_404(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    provision = make_provision(world, roles, pupils=())
    body = {"pupil": world.cara.pk, "start_date": day(0)}
    assert as_("senco").post(f"/provisions/{provision.pk}/enrolments", body).status_code == 404
    assert not Enrolment.objects.exists()


def test_ending_an_enrolment_is_checked(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    provision = make_provision(world, roles)
    record(world, provision, 3, "amy", "ben")
    amy = Enrolment.objects.get(pupil=world.amy)
    senco, path = as_("senco"), f"/enrolments/{amy.pk}"
    for end in (day(-31), day(31), sday(4)):
        assert error_locs(senco.patch(path, {"end_date": end})) == [["body", "end_date"]], end
    assert Enrolment.objects.get(pk=amy.pk).end_date is None
    ok(senco.patch(path, {"end_date": sday(3)}))
    assert error_locs(senco.patch(path, {"end_date": sday(2)})) == [["body", "end_date"]]


@pytest.mark.parametrize(
    ("exit_overrides", "loc"),
    [
        ({"on": Days(-11)}, "on"),
        ({"on": Days(1)}, "on"),
        ({"measure_type": "raw"}, "measure_type"),
        ({"kind": "entry"}, "kind"),
        ({"kind": "middle"}, "kind"),
        ({"name": " "}, "name"),
    ],
)
def test_a_bad_measure_is_422(
    world: World,
    as_: Any,
    roles: dict[str, StaffRole],
    exit_overrides: dict[str, Any],
    loc: str,
) -> None:
    make_provision(world, roles)
    path = f"/enrolments/{Enrolment.objects.get(pupil=world.amy).pk}/measures"
    entry = {"kind": "entry", "measure_type": "standardised", "name": "Salford", "on": day(-10)}
    senco = as_("senco")
    ok(senco.post(path, {**entry, "value": 85}), 201)
    exit_ = {**entry, "kind": "exit", "on": day(0), "value": 90, **dated(exit_overrides)}
    assert error_locs(senco.post(path, exit_)) == [["body", loc]]
    assert Measure.objects.count() == 1


def test_an_exit_needs_an_entry(world: World, as_: Any, roles: dict[str, StaffRole]) -> None:
    make_provision(world, roles)
    path = f"/enrolments/{Enrolment.objects.get(pupil=world.amy).pk}/measures"
    body = {"kind": "exit", "measure_type": "raw", "name": "x", "on": day(0), "value": "1"}
    assert error_locs(as_("senco").post(path, body)) == [["body", "kind"]]
    assert error_locs(as_("senco").post(path, {**body, "value": "lots"})) == [["body", "value"]]
    assert not Measure.objects.exists()


# ---- interventions -------------------------------------------------------------------------------


def test_the_library_is_the_catalogue_and_the_schools_own(world: World, as_: Any) -> None:
    senco = as_("senco")
    body = {"school": world.oak.pk, "name": "Oak nurture group", "area": "SEMH", "group_size": 6}
    own = ok(senco.post("/interventions", body), 201)
    assert (own["school_id"], own["is_catalogue"], own["area_label"]) == (
        world.oak.pk,
        False,
        "Social, emotional and mental health",
    )
    assert ok(senco.get("/interventions"))["count"] == CATALOGUE + 1
    assert ok(senco.get("/interventions", catalogue="false"))["items"][0]["id"] == own["id"]
    assert ok(senco.get("/interventions", catalogue="true"))["count"] == CATALOGUE
    semh = ok(senco.get("/interventions", area="semh", limit=500))["items"]
    assert own["id"] in {i["id"] for i in semh} and {i["area"] for i in semh} == {"SEMH"}
    assert ok(senco.get("/interventions", school=world.elm.pk))["count"] == CATALOGUE
    ok(as_("teacher").get(f"/interventions/{own['id']}"))

    outsider = as_("outsider")
    assert outsider.get(f"/interventions/{own['id']}").status_code == 404
    assert ok(outsider.get("/interventions"))["count"] == CATALOGUE
    assert ok(as_("la_officer").get("/interventions"))["count"] == CATALOGUE
    assert outsider.post("/interventions", {**body, "name": "Theirs"}).status_code == 404
    assert as_("teacher").post("/interventions", {**body, "name": "Mine"}).status_code == 403
    assert Intervention.objects.filter(school__isnull=False).count() == 1


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"name": "Oak nurture group"}, "name"),
        ({"name": "talk boost ks1"}, "name"),
        ({"area": "XX"}, "area"),
        ({"evidence_url": "not a url"}, "evidence_url"),
        ({"evidence_strength": "huge"}, "evidence_strength"),
        ({"group_size": 0}, "group_size"),
        ({"staff_kind": "wizard"}, "staff_kind"),
    ],
)
def test_a_bad_intervention_is_422(
    world: World, as_: Any, overrides: dict[str, Any], loc: str
) -> None:
    services.intervention_add(
        school=world.oak,
        data={"name": "Oak nurture group", "area": "SEMH"},
        by=world.users["senco"],
    )
    body = {"school": world.oak.pk, "name": "Something new", "area": "CL", **overrides}
    assert error_locs(as_("senco").post("/interventions", body)) == [["body", loc]]
    assert Intervention.objects.filter(school__isnull=False).count() == 1


# ---- constant query counts -----------------------------------------------------------------------


def many_provisions(world: World, roles: dict[str, StaffRole], n: int) -> None:
    """n provisions with two pupils, two sessions and a linked target each."""
    for i in range(n):
        provision = make_provision(world, roles, name=f"Group {n}-{i}")
        record(world, provision, 1, "amy")
        record(world, provision, 2, "amy", "ben")


@pytest.mark.parametrize("persona", ["senco", "teacher"])
def test_the_provision_list_runs_a_constant_number_of_queries(
    world: World, as_: Any, roles: dict[str, StaffRole], persona: str
) -> None:
    caller = as_(persona)
    many_provisions(world, roles, 3)
    small, small_count = queries_for(caller, "/provisions")
    many_provisions(world, roles, 9)
    large, large_count = queries_for(caller, "/provisions")
    assert (small_count, large_count) == (3, 12)
    assert large == small


def test_a_provisions_lists_run_a_constant_number_of_queries(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    senco = as_("senco")
    small_group = make_provision(world, roles, name="Small")
    large_group = make_provision(world, roles, name="Large")
    for days_ago in range(1, 4):
        record(world, small_group, days_ago, "amy")
    for days_ago in range(1, 13):
        record(world, large_group, days_ago, "amy", "ben")
    for path in ("/sessions", "/enrolments"):
        small, _ = queries_for(senco, f"/provisions/{small_group.pk}{path}")
        large, _ = queries_for(senco, f"/provisions/{large_group.pk}{path}")
        assert large == small, path


def test_the_intervention_and_measure_lists_run_a_constant_number_of_queries(
    world: World, as_: Any, roles: dict[str, StaffRole]
) -> None:
    senco = as_("senco")
    small, _ = queries_for(senco, "/interventions")
    for i in range(12):
        services.intervention_add(
            school=world.oak, data={"name": f"Own {i}", "area": "CL"}, by=world.users["senco"]
        )
    large, count = queries_for(senco, "/interventions")
    assert (count, large) == (CATALOGUE + 12, small)
    make_provision(world, roles)
    enrolment = Enrolment.objects.get(pupil=world.amy)
    path = f"/enrolments/{enrolment.pk}/measures"
    services.measure_record(
        enrolment=enrolment,
        kind="entry",
        measure_type="raw",
        name="x",
        on=timezone.localdate(),
        value=1,
        by=world.users["senco"],
    )
    # The baseline is one measure, not none: a page that names a pupil also writes its read to
    # the audit trail (a fixed number of queries), an empty page writes nothing.
    empty, _ = queries_for(senco, path)
    services.measure_record(
        enrolment=enrolment,
        kind="exit",
        measure_type="raw",
        name="x",
        on=timezone.localdate(),
        value=2,
        by=world.users["senco"],
    )
    full, count = queries_for(senco, path)
    assert (count, full) == (2, empty)


def test_start_time_answers_as_its_schema_says(world, roles, as_):
    """The school's wall-clock time has no UTC offset, so it is not JSON Schema's RFC 3339
    "time" (schemathesis: "11:20:00" is not valid under format time); the schema gives the
    pattern it is sent in, and the answer matches it."""
    provision = make_provision(world, roles)
    provision.start_time = time(11, 20)
    provision.save()
    senco = as_("senco")
    answer = ok(senco.get(f"/provisions/{provision.pk}"))
    schema = ok(senco.get("/openapi.json"))
    options = schema["components"]["schemas"]["ProvisionOut"]["properties"]["start_time"]["anyOf"]
    text = next(o for o in options if o.get("type") == "string")
    assert "format" not in text
    assert answer["start_time"] == "11:20:00"
    assert re.fullmatch(text["pattern"], answer["start_time"])
