"""Every API operation for every persona, the API's side of tests/test_access_matrix.py. The
operations are read from the OpenAPI document, so an operation added without a row here fails
test_every_operation_has_a_row: whoever adds one decides who may call it.

Reads name real records (Amy's, at Oak: her register entry, need, concern, open cycle with a
plan and a target, passport; a provision the TA delivers with Amy enrolled and a session).
Writes are sent with an empty body (the changes that need a version send only the version they
read): the row says that the caller is authenticated and the body
is then validated (422), never a 500; who may make each write is tested with real bodies in
test_api*.py."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.api import api
from api.tests.test_api import API, Caller
from provision.models import Provision
from pupils.models import Pupil
from sendpath.testing import PERSONAS, World, add_support_records

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]

# Columns: senco teacher ta slt governor dpo admin parent outsider la_officer trust_officer nobody,
# then the anonymous caller.
COLUMNS = [*PERSONAS, "anonymous"]
W = "422 " * 12 + "401"  # a write with an empty body, for everyone signed in
EXPECTED: dict[str, str] = {
    # fmt: off
    "GET /schools": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /schools/{school_id}": "200 200 200 200 200 200 200 200 404 200 200 404 401",
    "GET /schools/{school_id}/compliance": "200 403 403 200 403 403 403 403 404 403 403 404 401",
    # Identification flags: the SENCo, the senior leader, and a teacher for the pupils they teach.
    "GET /schools/{school_id}/flags": "200 200 403 200 403 403 403 403 404 403 403 404 401",
    "POST /schools/{school_id}/information-reports": W,
    "GET /pupils": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /pupils/{pupil_id}": "200 200 200 200 404 404 200 200 404 404 404 404 401",
    "GET /register-entries": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /register-entries/{entry_id}": "200 200 200 200 404 404 200 200 404 404 404 404 401",
    "GET /needs": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /needs/{need_id}": "200 200 200 200 404 404 200 200 404 404 404 404 401",
    "GET /concerns": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /concerns/{concern_id}": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /cycles": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /cycles/{cycle_id}": "200 200 200 200 404 404 200 200 404 404 404 404 401",
    "GET /cycles/{cycle_id}/views": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /cycles/{cycle_id}/notes": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /cycles/{cycle_id}/plan": "200 200 200 200 404 404 200 200 404 404 404 404 401",
    "GET /cycles/{cycle_id}/plan/targets": "200 200 200 200 404 404 200 200 404 404 404 404 401",
    "GET /cycles/{cycle_id}/review": "404 404 404 404 404 404 404 404 404 404 404 404 401",
    "GET /cycles/{cycle_id}/amendments": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /targets/{target_id}": "200 200 200 200 404 404 200 200 404 404 404 404 401",
    "GET /pupils/{pupil_id}/passport": "200 200 200 200 404 404 200 200 404 404 404 404 401",
    # Specialist involvement: read by those who read the pupil's support, written as a record.
    "GET /pupils/{pupil_id}/specialist-involvements": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "POST /pupils/{pupil_id}/specialist-involvements": W,
    "GET /interventions": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /interventions/{intervention_id}": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /provisions": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /provisions/{provision_id}": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /provisions/{provision_id}/enrolments": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /provisions/{provision_id}/sessions": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /enrolments/{enrolment_id}/measures": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /sessions/{session_id}": "200 200 200 200 404 404 200 404 404 404 404 404 401",
    "GET /staff-roles": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    # EHC casework: the school's SENCo, senior leader and administrator, the LA's officer, and
    # (for Amy's request, not Ben's plan) Amy's parent.
    "GET /ehc-requests": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /ehc-requests/{request_id}": "200 404 404 200 404 404 200 200 404 200 404 404 401",
    "GET /ehc-plans": "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "GET /ehc-plans/{plan_id}": "200 404 404 200 404 404 200 404 404 200 404 404 401",
    "GET /ehc-plans/{plan_id}/versions": "200 404 404 200 404 404 200 404 404 200 404 404 401",
    "GET /ehc-plans/{plan_id}/annual-reviews": "200 404 404 200 404 404 200 404 404 200 404 404 401",
    "GET /annual-reviews/{review_id}": "200 404 404 200 404 404 200 404 404 200 404 404 401",
    # EHC writes: what the school records (the SENCo; the LA's officer too), and the LA's
    # decisions (the LA's officer only). Amy's parent reaches Amy's request, and may not decide.
    "POST /ehc-requests": W,
    "PATCH /ehc-requests/{request_id}": "403 404 404 403 404 404 403 403 404 200 404 404 401",
    "POST /ehc-requests/{request_id}/exceptions": W,
    "POST /ehc-plans": W,
    "PATCH /ehc-plans/{plan_id}": "200 404 404 403 404 404 403 404 404 200 404 404 401",
    "POST /ehc-plans/{plan_id}/annual-reviews": W,
    "PATCH /annual-reviews/{review_id}": "200 404 404 403 404 404 403 404 404 200 404 404 401",
    "PATCH /annual-reviews/{review_id}/decision": "403 404 404 403 404 404 403 404 404 200 404 404 401",
    "POST /annual-reviews/{review_id}/invitations": W,
    "PATCH /annual-reviews/{review_id}/invitations/{invitation_id}": "200 404 404 403 404 404 403 404 404 200 404 404 401",
    "POST /ehc-plans/{plan_id}/phase-transfers": W,
    "PATCH /phase-transfers/{transfer_id}": "200 404 404 403 404 404 403 404 404 200 404 404 401",
    "DELETE /targets/{target_id}": "204 403 403 403 404 404 403 403 404 404 404 404 401",
    "POST /pupils": W,
    # Bodies with every field optional reach the policy: who may make the change.
    "PATCH /pupils/{pupil_id}": "200 403 403 403 404 404 200 403 404 404 404 404 401",
    "PATCH /provisions/{provision_id}": "200 403 403 403 404 404 403 404 404 404 404 404 401",
    # The SENCo may: the passport exists, so the change needs its version (422).
    "PUT /pupils/{pupil_id}/passport": "422 403 403 403 404 404 403 403 404 404 404 404 401",
    "POST /register-entries": W,
    "PATCH /register-entries/{entry_id}": W,
    "POST /needs": W,
    "PATCH /needs/{need_id}": W,
    "POST /concerns": W,
    "POST /concerns/{concern_id}/decision": W,
    "POST /cycles": W,
    "POST /cycles/{cycle_id}/views": W,
    "POST /cycles/{cycle_id}/notes": W,
    "PUT /cycles/{cycle_id}/plan": W,
    "POST /cycles/{cycle_id}/plan/targets": W,
    "POST /cycles/{cycle_id}/review": W,
    "POST /cycles/{cycle_id}/review/given-to-parents": W,
    "POST /cycles/{cycle_id}/amendments": W,
    "POST /interventions": W,
    "POST /provisions": W,
    "POST /provisions/{provision_id}/enrolments": W,
    "POST /provisions/{provision_id}/sessions": W,
    "PATCH /enrolments/{enrolment_id}": W,
    "POST /enrolments/{enrolment_id}/measures": W,
    # fmt: on
}


def operations() -> list[str]:
    """Every operation in the OpenAPI document, as "METHOD /path" (without /api/v1)."""
    schema = api.get_openapi_schema()
    prefix = API.rstrip("/")
    return [
        f"{method.upper()} {path.removeprefix(prefix)}"
        for path, ops in schema["paths"].items()
        for method in ops
    ]


def records(w: World) -> dict[str, int]:
    """The id each path parameter names."""
    from provision import services as provision_services
    from provision.models import Intervention
    from provision.tests.test_services import make_provision
    from statutory import services as statutory_services
    from support import services as support_services

    add_support_records(w)
    senco, today = w.users["senco"], timezone.localdate()
    cycle = w.amy.cycles.get()
    target = support_services.target_add(
        plan=cycle.plan,
        data={"description": "Reads 20 words", "target_date": today + timedelta(days=30)},
        by=senco,
    )
    provision = make_provision(w)
    enrolment = provision_services.enrol(
        provision=provision, pupil=w.amy, start_date=provision.start_date, by=senco
    )
    day = today - timedelta(days=max(0, today.weekday() - 4))  # the last school day
    session = provision_services.session_record(
        provision=provision, on=day, delivered=True, missed_reason="", minutes=30,
        present_pupil_ids=[w.amy.pk], note="", staff_role=None, delivered_by=None, by=senco,
    )  # fmt: skip
    ehc_request = statutory_services.ehc_request_create(
        pupil=w.amy, by=senco, source="1", received_date=today - timedelta(weeks=3)
    )
    plan = statutory_services.ehc_plan_issue(pupil=w.ben, issue_date=today, by=senco)
    review = statutory_services.annual_review_record(plan=plan, meeting_date=today, by=senco)
    invitation = statutory_services.review_invitation_add(
        review=review, invitee="parent", invited_date=today, by=senco
    )
    transfer = statutory_services.phase_transfer_record(
        plan=plan, kind="primary_secondary", transfer_date=today + timedelta(days=200), by=senco
    )
    return {
        "review_id": review.pk,
        "invitation_id": invitation.pk,
        "transfer_id": transfer.pk,
        "school_id": w.oak.pk,
        "pupil_id": w.amy.pk,
        "entry_id": w.amy.register_entries.get(end_date__isnull=True).pk,
        "need_id": w.amy.needs.get(rank=1).pk,
        "concern_id": w.amy.concerns.get().pk,
        "cycle_id": cycle.pk,
        "target_id": target.pk,
        "intervention_id": Intervention.objects.filter(school__isnull=True).first().pk,  # type: ignore[union-attr]
        "provision_id": provision.pk,
        "enrolment_id": enrolment.pk,
        "session_id": session.pk,
        "request_id": ehc_request.pk,
        "plan_id": plan.pk,
    }


def call(client: Client, operation: str, ids: dict[str, Any]) -> int:
    method, path = operation.split(" ", 1)
    url = API.rstrip("/") + path.format(**ids)
    if method in ("GET", "DELETE"):
        return client.generic(method, url).status_code
    body: dict[str, Any] = {}
    if operation in VERSIONED:  # a change sends the version it read (else 422 for everyone)
        model, key = VERSIONED[operation]
        body["version"] = model.objects.get(pk=ids[key]).version
    return client.generic(
        method, url, json.dumps(body), content_type="application/json"
    ).status_code


VERSIONED: dict[str, tuple[Any, str]] = {
    "PATCH /pupils/{pupil_id}": (Pupil, "pupil_id"),
    "PATCH /provisions/{provision_id}": (Provision, "provision_id"),
}


def test_every_operation_has_a_row() -> None:
    missing = sorted(set(operations()) - set(EXPECTED))
    assert not missing, f"Say who may call each new operation: {missing}"
    assert not sorted(set(EXPECTED) - set(operations())), "a row names no operation"


@pytest.mark.parametrize("persona", COLUMNS)
def test_each_operation_answers_each_persona_as_written(world: World, persona: str) -> None:
    ids = records(world)
    client = Client() if persona == "anonymous" else Caller(world.users[persona]).client
    column = COLUMNS.index(persona)
    # Reads first: the one DELETE removes the target the reads name.
    ordered = sorted(operations(), key=lambda op: op.startswith("DELETE"))
    got = {op: call(client, op, ids) for op in ordered}
    wanted = {op: int(EXPECTED[op].split()[column]) for op in ordered}
    assert got == wanted, {op: (got[op], wanted[op]) for op in got if got[op] != wanted[op]}


HUGE = "99999999999999999999"


def _integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(_integer(s) for s in schema.get("anyOf", []))


def test_an_id_out_of_range_is_a_422_or_a_404_never_a_500(world: World) -> None:
    """Every integer a client sends is bounded: in a query (?school=, ?pupil=) a 422 in the API's
    error shape; in a path, not found."""
    client = Caller(world.users["senco"]).client
    schema = api.get_openapi_schema()
    checked = 0
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            url = path.format(**{p["name"]: HUGE for p in op.get("parameters", [])})
            for param in op.get("parameters", []):
                if param["in"] != "query" or not _integer(param["schema"]):
                    continue
                if param["name"] in ("limit", "offset"):
                    continue
                response = client.generic(method.upper(), f"{url}?{param['name']}={HUGE}")
                assert response.status_code == 422, (method, path, param["name"])
                assert response.json()["detail"][0]["loc"] == ["query", param["name"]]
                checked += 1
            if "{" in path:
                body = "{}" if method != "get" else ""
                response = client.generic(
                    method.upper(), url, body, content_type="application/json"
                )
                assert response.status_code in (404, 422), (method, path, response.status_code)
                assert response.status_code != 500
    assert checked >= 12
