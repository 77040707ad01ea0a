"""Every API read that returns named pupil data leaves an audit row with the pupils' ids (issue 12,
item 4). The GET operations are read from the OpenAPI document: each one either returns pupil
data, and is audited, or is listed in NO_PUPIL_DATA here, so a new read must be classified."""

from typing import Any

import pytest
from django.utils import timezone

from api.tests.test_api import API, Caller
from api.tests.test_api_matrix import COLUMNS, EXPECTED, call, operations, records
from audit.models import AuditAction, AuditEvent
from pupils.models import Pupil
from sendpath.testing import World, review_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]

# Reads whose answers name no pupil: schools, the intervention library, staff roles, and
# provisions (a provision carries counts of pupils, never who they are).
NO_PUPIL_DATA = frozenset(
    {
        "GET /schools",
        "GET /schools/{school_id}",
        "GET /interventions",
        "GET /interventions/{intervention_id}",
        "GET /staff-roles",
        "GET /provisions",
        "GET /provisions/{provision_id}",
    }
)


# EHC casework is beyond a teacher's reach (access.ehc_reach): for them the lists are empty and
# the records not found, and nothing is logged as read.
EHC_READS = frozenset(
    {
        "GET /ehc-requests",
        "GET /ehc-requests/{request_id}",
        "GET /ehc-plans",
        "GET /ehc-plans/{plan_id}",
        "GET /ehc-plans/{plan_id}/versions",
        "GET /ehc-plans/{plan_id}/annual-reviews",
        "GET /annual-reviews/{review_id}",
    }
)


def full_records(w: World) -> dict[str, Any]:
    """records() of the matrix, with every list non-empty: a view, a Do note, an entry measure,
    and the cycle reviewed (so it has a review) and amended."""
    from provision import services as provision_services
    from provision.models import Enrolment
    from support import services

    ids = records(w)
    senco, today = w.users["senco"], timezone.localdate()
    cycle = w.amy.cycles.get(pk=ids["cycle_id"])
    services.assessment_view_add(
        cycle=cycle,
        data={"source": "teacher", "given_by": "Ms T", "given_on": today, "views": "x"},
        by=senco,
    )
    services.do_note_add(cycle=cycle, on=today, text="x", by=senco)
    provision_services.measure_record(
        enrolment=Enrolment.objects.get(pk=ids["enrolment_id"]),
        kind="entry", measure_type="raw", name="Reading test", on=today, value=10, by=senco,
    )  # fmt: skip
    target = cycle.plan.targets.get()
    services.review_complete(
        cycle=cycle,
        data=review_data(held_on=today),
        ratings={target.pk: {"rating": 1}},
        by=senco,
    )
    services.cycle_amend(
        cycle=cycle, what="review", changes={"decision_notes": "y"}, reason="z", by=senco
    )
    services.specialist_involvement_add(
        pupil=w.amy,
        data={
            "specialist": "educational_psychologist",
            "name": "Dr Shah",
            "asked_on": today,
            "recommendations": "x",
        },
        by=senco,
    )
    # Ben's plan amended after its review: a version kept.
    from statutory import services as statutory_services
    from statutory.models import AnnualReview

    statutory_services.annual_review_update(
        review=AnnualReview.objects.get(pk=ids["review_id"]), outcome="A", decision_date=today,
        by=w.users["la_officer"],
    )  # fmt: skip
    return ids


def pupils_in(body: Any, *, pupils_list: bool) -> set[int]:
    """The pupil ids a response names: its `pupil` fields, and the ids of a pupil list."""
    found: set[int] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "pupil":
                found.add(value["id"] if isinstance(value, dict) else value)
            else:
                found |= pupils_in(value, pupils_list=pupils_list)
        if pupils_list and "upn" in body:
            found.add(body["id"])
    elif isinstance(body, list):
        for item in body:
            found |= pupils_in(item, pupils_list=pupils_list)
    return found


def logged(after: int) -> set[int]:
    ids: set[int] = set()
    for e in AuditEvent.objects.filter(
        pk__gt=after, action__in=[AuditAction.READ, AuditAction.VIEW]
    ):
        ids |= set(e.data.get("pupil_ids", [])) | ({e.pupil_id} if e.pupil_id else set())
        assert e.school_id is not None and e.via == "api"
    return ids


def test_no_pupil_data_names_only_real_reads() -> None:
    gets = {op for op in operations() if op.startswith("GET ")}
    assert gets >= NO_PUPIL_DATA


@pytest.mark.parametrize("persona", ["senco", "teacher"])
def test_every_read_of_pupil_data_is_audited_with_the_pupils_it_returned(
    world: World, persona: str
) -> None:
    ids = full_records(world)
    caller = Caller(world.users[persona])
    checked = 0
    for op in (op for op in operations() if op.startswith("GET ")):
        if EXPECTED[op].split()[COLUMNS.index(persona)] != "200":
            continue  # a read this role is refused (the matrix says so): nothing to audit
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if persona == "teacher" and op in EHC_READS:
            assert call(caller.client, op, ids) == (404 if "{" in op else 200), op
            assert not logged(before), op
            continue
        assert call(caller.client, op, ids) == 200, op
        path = op.split(" ", 1)[1].format(**ids)
        body = caller.client.get(API.rstrip("/") + path).json()
        named = pupils_in(body, pupils_list=op.startswith("GET /pupils") and "passport" not in op)
        got = logged(before)
        if op in NO_PUPIL_DATA:
            assert not named, op
            assert not got, op
            continue
        if isinstance(body, dict) and "findings" in body:  # compliance: pupils named by UPN
            upns = {f["upn"] for f in body["findings"] if f["upn"]}
            named = set(Pupil.objects.filter(upn__in=upns).values_list("pk", flat=True))
        if isinstance(body, dict) and "flags" in body:  # progress flags: by UPN, maybe none
            upns = {f["upn"] for f in body["flags"]}
            wanted = set(Pupil.objects.filter(upn__in=upns).values_list("pk", flat=True))
            assert got == wanted, op
            checked += 1
            continue
        # What hangs off a cycle names no pupil in its body; it is Amy's.
        wanted = named or {world.amy.pk}
        # Each read was made twice (the status, then the body): both wrote the same ids.
        assert got == wanted, op
        checked += 1
    assert checked >= 20


def test_a_list_writes_one_row_with_every_pupil_on_the_page(world: World) -> None:
    caller = Caller(world.users["senco"])
    body = caller.get("/pupils", limit=500).json()
    [event] = AuditEvent.objects.filter(action=AuditAction.READ)
    assert event.data["pupil_ids"] == [p["id"] for p in body["items"]]
    assert event.data["count"] == body["count"] >= 3
    assert (event.actor, event.school_id, event.via) == (
        world.users["senco"],
        world.oak.pk,
        "api",
    )
    # An empty page names nobody: no row.
    caller.get("/pupils", upn="A000000000000")
    assert AuditEvent.objects.filter(action=AuditAction.READ).count() == 1
