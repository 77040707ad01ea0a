"""The API through the real stack: token auth, access rules, services, database (house style §7).

Each endpoint: allowed, 403 for a write the role may not make, 404 outside reach, 422 with field
errors and nothing written."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import access
from accounts.models import ApiToken, User
from audit.models import AuditAction, AuditEvent
from pupils.models import Need, Pupil, RegisterEntry
from pupils.upn import make_upn
from sendpath.testing import World

API = "/api/v1"


class Caller:
    """A test client speaking as one user through a freshly issued API token."""

    def __init__(self, user: User) -> None:
        _, key = ApiToken.issue(user=user, name="tests")
        self.user = user
        self.key = key
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(API + path, json.dumps(body), content_type="application/json")

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(API + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def as_(world: World) -> Callable[[str], Caller]:
    """as_("senco") -> a Caller for that persona."""
    return lambda name: Caller(world.users[name])


@pytest.fixture
def settled(world: World) -> World:
    """Amy's register entry and need began a month ago, so a change dated today is valid whatever
    day of the school year the suite runs on."""
    month_ago = timezone.localdate() - timedelta(days=30)
    RegisterEntry.objects.filter(pupil=world.amy).update(start_date=month_ago)
    Need.objects.filter(pupil=world.amy).update(start_date=month_ago)
    return world


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {p["legal_forename"] for p in response.json()["items"]}


def error_locs(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.content
    return [e["loc"] for e in response.json()["detail"]]


def new_pupil_body(world: World, **overrides: Any) -> dict[str, Any]:
    body = {
        "school": world.oak.pk,
        "upn": make_upn(world.la.code, world.oak.establishment_number, 21, 901),
        "legal_forename": "Eve",
        "legal_surname": "Evans",
        "date_of_birth": "2017-03-04",
        "sex": "F",
        "nc_year": "4",
    }
    body.update(overrides)
    return body


# ---- the schema and authentication -------------------------------------------------------------


@pytest.mark.django_db
def test_openapi_is_served_and_lists_the_paths() -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = set(schema["paths"])
    for path in [
        "/schools",
        "/schools/{school_id}",
        "/pupils",
        "/pupils/{pupil_id}",
        "/register-entries",
        "/register-entries/{entry_id}",
        "/needs",
        "/needs/{need_id}",
    ]:
        assert API + path in paths
    assert set(schema["paths"][f"{API}/pupils"]) == {"get", "post"}
    assert set(schema["paths"][f"{API}/pupils/{{pupil_id}}"]) == {"get", "patch"}
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["ApiTokenAuth"].items()


def test_no_token_is_401_json(world: World) -> None:
    response = Client().get(f"{API}/pupils")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer sp_not-a-real-key", "Bearer", "Basic c2VuY286eA=="])
def test_a_bad_token_is_401(world: World, header: str) -> None:
    assert Client(HTTP_AUTHORIZATION=header).get(f"{API}/pupils").status_code == 401


def test_a_revoked_token_is_401(world: World) -> None:
    caller = Caller(world.users["senco"])
    assert caller.get("/pupils").status_code == 200
    ApiToken.objects.filter(user=world.users["senco"]).update(revoked_at=timezone.now())
    assert caller.get("/pupils").status_code == 401


def test_an_inactive_users_token_is_401(world: World) -> None:
    caller = Caller(world.users["senco"])
    User.objects.filter(pk=caller.user.pk).update(is_active=False)
    assert caller.get("/pupils").status_code == 401


def test_a_token_records_its_last_use(world: World) -> None:
    caller = Caller(world.users["senco"])
    caller.get("/schools")
    assert ApiToken.objects.get(user=caller.user).last_used_at is not None


def test_a_signed_in_session_reads_the_api(world: World) -> None:
    client = Client()
    client.force_login(world.users["senco"])
    assert names(client.get(f"{API}/pupils")) == {"Amy", "Ben", "Dan"}


def test_a_session_write_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["senco"])
    body = json.dumps(new_pupil_body(world))
    response = client.post(f"{API}/pupils", body, content_type="application/json")
    assert response.status_code == 403
    assert not Pupil.objects.filter(legal_forename="Eve").exists()


# ---- reach ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("senco", {"Amy", "Ben", "Dan"}),
        ("slt", {"Amy", "Ben", "Dan"}),
        ("admin", {"Amy", "Ben", "Dan"}),
        ("teacher", {"Amy", "Ben"}),
        ("ta", {"Ben"}),
        ("parent", {"Amy"}),
        ("outsider", {"Cara"}),
        ("la_officer", set()),
        ("trust_officer", set()),
        ("governor", set()),
        ("dpo", set()),
        ("nobody", set()),
    ],
)
def test_pupil_list_is_exactly_visible_pupils(
    world: World, as_: Any, persona: str, expected: set[str]
) -> None:
    listed = names(as_(persona).get("/pupils"))
    assert listed == expected
    visible = access.visible_pupils(world.users[persona], reach="any")
    assert listed == set(visible.values_list("legal_forename", flat=True))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("senco", {"Oak Primary"}),
        ("parent", {"Oak Primary"}),
        ("governor", {"Oak Primary"}),
        ("outsider", {"Elm Primary"}),
        ("la_officer", {"Oak Primary", "Elm Primary"}),
        ("trust_officer", {"Oak Primary"}),
        ("nobody", set()),
    ],
)
def test_school_list_is_the_schools_you_reach(as_: Any, persona: str, expected: set[str]) -> None:
    response = as_(persona).get("/schools")
    assert response.status_code == 200
    assert {s["name"] for s in response.json()["items"]} == expected


def test_school_outside_reach_is_404(world: World, as_: Any) -> None:
    senco = as_("senco")
    assert senco.get(f"/schools/{world.oak.pk}").json()["urn"] == "100001"
    assert senco.get(f"/schools/{world.elm.pk}").status_code == 404


def test_reading_a_pupil_outside_reach_is_404(world: World, as_: Any) -> None:
    senco = as_("senco")
    response = senco.get(f"/pupils/{world.cara.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert as_("teacher").get(f"/pupils/{world.dan.pk}").status_code == 404
    assert as_("la_officer").get(f"/pupils/{world.amy.pk}").status_code == 404
    assert senco.get("/pupils/999999").status_code == 404
    assert senco.get("/pupils/99999999999999999999999").status_code == 404


def test_reading_a_pupil_returns_the_record_and_is_audited(world: World, as_: Any) -> None:
    response = as_("teacher").get(f"/pupils/{world.amy.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["upn"] == world.amy.upn
    assert body["date_of_birth"] == world.amy.date_of_birth.isoformat()
    assert body["nc_year"] == "5"
    assert body["school"] == {"id": world.oak.pk, "urn": "100001", "name": "Oak Primary"}
    assert body["current_provision"] == "K"
    event = AuditEvent.objects.get(action=AuditAction.VIEW, pupil_id=world.amy.pk)
    assert event.actor == world.users["teacher"]
    assert event.via == "api"


def test_a_pupil_without_an_open_entry_has_provision_n(world: World, as_: Any) -> None:
    assert as_("senco").get(f"/pupils/{world.ben.pk}").json()["current_provision"] == "N"


def test_register_entries_and_needs_follow_pupil_reach(world: World, as_: Any) -> None:
    amy_entry = RegisterEntry.objects.get(pupil=world.amy)
    amy_need = Need.objects.get(pupil=world.amy)
    for persona in ("teacher", "parent"):
        assert as_(persona).get(f"/register-entries/{amy_entry.pk}").status_code == 200
        assert as_(persona).get(f"/needs/{amy_need.pk}").status_code == 200
    for persona in ("ta", "outsider", "la_officer", "governor"):
        caller = as_(persona)
        assert caller.get(f"/register-entries/{amy_entry.pk}").status_code == 404
        assert caller.get(f"/needs/{amy_need.pk}").status_code == 404
        assert caller.get("/register-entries").json()["count"] == 0
        assert caller.get("/needs").json()["count"] == 0


# ---- pupils: create and update -----------------------------------------------------------------


def test_senco_adds_a_pupil(world: World, as_: Any) -> None:
    response = as_("senco").post("/pupils", new_pupil_body(world))
    assert response.status_code == 201, response.content
    pupil = Pupil.objects.get(legal_forename="Eve")
    assert response.json()["id"] == pupil.pk
    assert response.json()["current_provision"] == "N"
    assert pupil.school == world.oak
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, pupil_id=pupil.pk).exists()


def test_admin_adds_a_pupil(world: World, as_: Any) -> None:
    assert as_("admin").post("/pupils", new_pupil_body(world)).status_code == 201


@pytest.mark.parametrize("persona", ["teacher", "ta", "parent", "governor", "la_officer"])
def test_roles_that_may_not_add_pupils_get_403(world: World, as_: Any, persona: str) -> None:
    assert as_(persona).post("/pupils", new_pupil_body(world)).status_code == 403
    assert not Pupil.objects.filter(legal_forename="Eve").exists()


def test_adding_a_pupil_at_a_school_outside_reach_is_404(world: World, as_: Any) -> None:
    assert as_("outsider").post("/pupils", new_pupil_body(world)).status_code == 404
    assert as_("nobody").post("/pupils", new_pupil_body(world)).status_code == 404
    assert not Pupil.objects.filter(legal_forename="Eve").exists()


def test_an_invalid_upn_is_422_and_nothing_is_written(world: World, as_: Any) -> None:
    before = Pupil.objects.count()
    response = as_("senco").post("/pupils", new_pupil_body(world, upn="A820200121901"))
    assert [loc[-1] for loc in error_locs(response)] == ["upn"]
    assert error_locs(response) == [["body", "upn"]]
    assert Pupil.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_a_future_date_of_birth_is_422(world: World, as_: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    body = new_pupil_body(world, date_of_birth=tomorrow.isoformat())
    assert error_locs(as_("senco").post("/pupils", body)) == [["body", "date_of_birth"]]
    assert not Pupil.objects.filter(legal_forename="Eve").exists()


def test_a_duplicate_upn_is_422(world: World, as_: Any) -> None:
    body = new_pupil_body(world, upn=world.amy.upn.lower())
    assert error_locs(as_("senco").post("/pupils", body)) == [["body", "upn"]]


def test_schema_errors_have_the_same_shape(world: World, as_: Any) -> None:
    body = new_pupil_body(world, date_of_birth="not a date")
    del body["legal_surname"]
    response = as_("senco").post("/pupils", body)
    assert sorted(error_locs(response)) == [["body", "date_of_birth"], ["body", "legal_surname"]]
    for item in response.json()["detail"]:
        assert set(item) == {"loc", "msg", "type"}


def test_nul_in_text_is_422(world: World, as_: Any) -> None:
    body = new_pupil_body(world, legal_forename="E\x00ve")
    assert error_locs(as_("senco").post("/pupils", body)) == [["body", "legal_forename"]]


def test_senco_updates_a_pupil(world: World, as_: Any) -> None:
    response = as_("senco").patch(
        f"/pupils/{world.ben.pk}", {"preferred_forename": "Benji", "version": 1}
    )
    assert response.status_code == 200, response.content
    assert response.json()["forename"] == "Benji"
    world.ben.refresh_from_db()
    assert world.ben.preferred_forename == "Benji"
    assert world.ben.legal_surname == "Brown"
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, pupil_id=world.ben.pk).exists()


def test_an_invalid_update_is_422_and_changes_nothing(world: World, as_: Any) -> None:
    body = {"preferred_forename": "Benji", "nc_year": "99", "version": 1}
    assert error_locs(as_("senco").patch(f"/pupils/{world.ben.pk}", body)) == [["body", "nc_year"]]
    world.ben.refresh_from_db()
    assert world.ben.preferred_forename == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"upn": None}, "upn"),
        ({"eal": None}, "eal"),
        ({"attendance_percent": "101"}, "attendance_percent"),
        ({"attendance_percent": "NaN"}, "attendance_percent"),
        ({"admission_date": "2024-09-01", "leaving_date": "2024-07-01"}, "leaving_date"),
        ({"legal_forename": "x" * 101}, "legal_forename"),
    ],
)
def test_update_errors_name_the_field(
    world: World, as_: Any, body: dict[str, Any], field: str
) -> None:
    body = {**body, "version": 1}  # the version read, as every change sends
    assert error_locs(as_("senco").patch(f"/pupils/{world.ben.pk}", body)) == [["body", field]]


def test_null_clears_an_optional_field(world: World, as_: Any) -> None:
    Pupil.objects.filter(pk=world.ben.pk).update(attendance_percent="95.5")
    response = as_("senco").patch(
        f"/pupils/{world.ben.pk}", {"attendance_percent": None, "version": 1}
    )
    assert response.status_code == 200, response.content
    world.ben.refresh_from_db()
    assert world.ben.attendance_percent is None


def test_updating_a_pupil_needs_the_role_and_the_reach(world: World, as_: Any) -> None:
    body = {"preferred_forename": "Benji", "version": 1}
    assert as_("teacher").patch(f"/pupils/{world.ben.pk}", body).status_code == 403
    assert as_("senco").patch(f"/pupils/{world.cara.pk}", body).status_code == 404
    assert as_("parent").patch(f"/pupils/{world.ben.pk}", body).status_code == 404
    assert as_("parent").patch(f"/pupils/{world.amy.pk}", body).status_code == 403
    world.ben.refresh_from_db()
    assert world.ben.preferred_forename == ""


# ---- the register --------------------------------------------------------------------------------


def change_body(world: World, **overrides: Any) -> dict[str, Any]:
    body = {
        "pupil": world.amy.pk,
        "provision": "E",
        "start_date": timezone.localdate().isoformat(),
        "reason": "EHC plan issued",
    }
    body.update(overrides)
    return body


def test_a_teacher_cannot_change_the_register(settled: World, as_: Any) -> None:
    assert as_("teacher").post("/register-entries", change_body(settled)).status_code == 403
    assert RegisterEntry.objects.filter(pupil=settled.amy).count() == 1


def test_a_register_change_outside_reach_is_404(settled: World, as_: Any) -> None:
    body = change_body(settled, pupil=settled.cara.pk)
    assert as_("senco").post("/register-entries", body).status_code == 404


def test_senco_changes_the_register_and_the_previous_entry_closes(settled: World, as_: Any) -> None:
    senco = as_("senco")
    previous = RegisterEntry.objects.get(pupil=settled.amy)
    response = senco.post("/register-entries", change_body(settled))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["provision"] == "E"
    assert body["is_open"] is True
    assert body["decided_by_label"] == "Senco"
    assert body["pupil"]["upn"] == settled.amy.upn
    previous.refresh_from_db()
    assert previous.end_date == timezone.localdate() - timedelta(days=1)
    assert senco.get(f"/pupils/{settled.amy.pk}").json()["current_provision"] == "E"

    again = senco.post("/register-entries", change_body(settled))
    assert ["body", "provision"] in error_locs(again)
    assert RegisterEntry.objects.filter(pupil=settled.amy).count() == 2


def test_a_change_to_the_same_provision_is_422(settled: World, as_: Any) -> None:
    response = as_("senco").post("/register-entries", change_body(settled, provision="K"))
    assert error_locs(response) == [["body", "provision"]]
    assert RegisterEntry.objects.filter(pupil=settled.amy).count() == 1


def test_a_register_change_in_the_future_is_422(settled: World, as_: Any) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    body = change_body(settled, start_date=tomorrow.isoformat())
    assert ["body", "start_date"] in error_locs(as_("senco").post("/register-entries", body))
    assert RegisterEntry.objects.get(pupil=settled.amy).end_date is None


def test_senco_records_that_parents_were_told(settled: World, as_: Any) -> None:
    entry = RegisterEntry.objects.get(pupil=settled.amy)
    today = timezone.localdate()
    body = {"informed_on": today.isoformat(), "how": "meeting", "note": "Met mum after school"}
    assert as_("teacher").patch(f"/register-entries/{entry.pk}", body).status_code == 403
    response = as_("senco").patch(f"/register-entries/{entry.pk}", body)
    assert response.status_code == 200, response.content
    assert response.json()["parents_informed_on"] == today.isoformat()
    assert response.json()["parents_informed_how"] == "meeting"
    assert response.json()["awaiting_parent_notification"] is False
    entry.refresh_from_db()
    assert entry.parents_informed_note == "Met mum after school"


def test_parents_told_by_an_unknown_means_is_422(settled: World, as_: Any) -> None:
    entry = RegisterEntry.objects.get(pupil=settled.amy)
    body = {"informed_on": timezone.localdate().isoformat(), "how": "pigeon"}
    assert error_locs(as_("senco").patch(f"/register-entries/{entry.pk}", body)) == [
        ["body", "how"]
    ]
    entry.refresh_from_db()
    assert entry.parents_informed_on is None


def test_register_entries_filter(settled: World, as_: Any) -> None:
    senco = as_("senco")
    senco.post("/register-entries", change_body(settled))
    assert senco.get("/register-entries").json()["count"] == 2
    assert senco.get("/register-entries", open="true").json()["count"] == 1
    assert senco.get("/register-entries", open="false").json()["count"] == 1
    assert senco.get("/register-entries", provision="e").json()["count"] == 1
    assert senco.get("/register-entries", pupil=settled.ben.pk).json()["count"] == 0
    assert senco.get("/register-entries", upn=settled.amy.upn).json()["count"] == 2
    assert senco.get("/register-entries", school=settled.elm.pk).json()["count"] == 0


# ---- needs ---------------------------------------------------------------------------------------


def test_senco_records_and_ends_a_need(settled: World, as_: Any) -> None:
    senco = as_("senco")
    today = timezone.localdate()
    body = {"pupil": settled.amy.pk, "need_type": "SLCN", "rank": 2, "start_date": str(today)}
    assert as_("teacher").post("/needs", body).status_code == 403
    response = senco.post("/needs", body)
    assert response.status_code == 201, response.content
    need = response.json()
    assert (need["rank"], need["broad_area"], need["is_open"]) == (2, "CI", True)

    ended = senco.patch(f"/needs/{need['id']}", {"end_date": str(today)})
    assert ended.status_code == 200, ended.content
    assert ended.json()["end_date"] == str(today)
    assert ended.json()["is_open"] is False


def test_a_need_is_listed_with_its_broad_area(settled: World, as_: Any) -> None:
    items = as_("parent").get("/needs").json()["items"]
    assert [(n["need_type"], n["broad_area"]) for n in items] == [("SPLD", "CL")]


def test_ending_a_need_before_it_began_is_422(settled: World, as_: Any) -> None:
    need = Need.objects.get(pupil=settled.amy)
    before_start = need.start_date - timedelta(days=1)
    response = as_("senco").patch(f"/needs/{need.pk}", {"end_date": str(before_start)})
    assert error_locs(response) == [["body", "end_date"]]
    need.refresh_from_db()
    assert need.end_date is None


def test_ending_a_need_needs_the_role_and_the_reach(settled: World, as_: Any) -> None:
    need = Need.objects.get(pupil=settled.amy)
    body = {"end_date": str(timezone.localdate())}
    assert as_("teacher").patch(f"/needs/{need.pk}", body).status_code == 403
    assert as_("outsider").patch(f"/needs/{need.pk}", body).status_code == 404
    need.refresh_from_db()
    assert need.end_date is None


def test_a_need_of_a_bad_rank_is_422(settled: World, as_: Any) -> None:
    body = {"pupil": settled.amy.pk, "need_type": "SLCN", "rank": 3, "start_date": "2020-01-01"}
    assert error_locs(as_("senco").post("/needs", body)) == [["body", "rank"]]


# ---- filters and paging --------------------------------------------------------------------------


def test_filter_pupils_by_upn(world: World, as_: Any) -> None:
    senco = as_("senco")
    spaced = f" {world.amy.upn[:5].lower()} {world.amy.upn[5:]}"
    assert names(senco.get("/pupils", upn=spaced)) == {"Amy"}
    assert names(senco.get("/pupils", upn=world.cara.upn)) == set()


def test_filter_pupils_by_school(world: World, as_: Any) -> None:
    senco = as_("senco")
    assert names(senco.get("/pupils", school=world.oak.pk)) == {"Amy", "Ben", "Dan"}
    assert names(senco.get("/pupils", school=world.elm.pk)) == set()


def test_pagination_returns_count_and_items(world: World, as_: Any) -> None:
    senco = as_("senco")
    first = senco.get("/pupils", limit=2).json()
    assert first["count"] == 3
    assert [p["legal_forename"] for p in first["items"]] == ["Amy", "Ben"]
    rest = senco.get("/pupils", limit=2, offset=2).json()
    assert [p["legal_forename"] for p in rest["items"]] == ["Dan"]
    assert error_locs(senco.get("/pupils", limit=501)) == [["query", "limit"]]
    assert error_locs(senco.get("/pupils", limit=0)) == [["query", "limit"]]


def test_pages_default_to_50(world: World, as_: Any) -> None:
    add_pupils(world, 60)
    page = as_("senco").get("/pupils").json()
    assert (page["count"], len(page["items"])) == (63, 50)


# ---- constant query counts -----------------------------------------------------------------------


def add_pupils(world: World, n: int) -> None:
    """n more pupils at Oak, every other one on SEN support with a primary need."""
    start = timezone.localdate() - timedelta(days=60)
    for serial in range(100, 100 + n):
        pupil = Pupil.objects.create(
            school=world.oak,
            upn=make_upn(world.la.code, world.oak.establishment_number, 22, serial),
            legal_forename=f"Pupil{serial}",
            legal_surname="Zed",
            date_of_birth=date(2017, 1, 1),
            sex="M",
            nc_year="4",
        )
        if serial % 2:
            RegisterEntry.objects.create(
                pupil=pupil, provision="K", start_date=start, reason="x", decided_by=None
            )
            Need.objects.create(pupil=pupil, need_type="MLD", rank=1, start_date=start)


def queries_for(caller: Caller, path: str) -> tuple[int, int]:
    caller.get(path)  # a token's first use writes its last-used time (then once a minute)
    with CaptureQueriesContext(connection) as ctx:
        response = caller.get(path)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("path", ["/pupils", "/register-entries", "/needs", "/schools"])
def test_lists_run_a_constant_number_of_queries(world: World, as_: Any, path: str) -> None:
    senco = as_("senco")
    small, small_count = queries_for(senco, path)
    add_pupils(world, 27)
    large, large_count = queries_for(senco, path)
    if path != "/schools":
        assert large_count > small_count
    assert large == small


def test_pupil_list_queries_are_constant_for_a_teacher_too(world: World, as_: Any) -> None:
    teacher = as_("teacher")
    small, _ = queries_for(teacher, "/pupils")
    add_pupils(world, 27)
    group = world.oak.teaching_groups.get()
    group.pupils.add(*Pupil.objects.filter(legal_surname="Zed"))
    large, count = queries_for(teacher, "/pupils")
    assert (count, large) == (29, small)


# ---- error mapping -------------------------------------------------------------------------------


def test_database_and_model_refusals_are_422_in_the_same_shape(rf: Any) -> None:
    from api.api import api

    request = rf.post(f"{API}/pupils")
    refused = api.on_exception(request, IntegrityError("UNIQUE constraint failed: secret_table"))
    assert refused.status_code == 422
    [item] = json.loads(refused.content)["detail"]
    assert (item["loc"], item["type"]) == (["body"], "integrity_error")
    assert "secret_table" not in item["msg"]

    whole = api.on_exception(request, ValidationError("Not like that.", code="nope"))
    assert json.loads(whole.content) == {
        "detail": [{"loc": ["body"], "msg": "Not like that.", "type": "nope"}]
    }
    by_field = api.on_exception(request, ValidationError({NON_FIELD_ERRORS: ["Clash."]}))
    assert json.loads(by_field.content)["detail"][0]["loc"] == ["body"]


def test_a_forbidden_write_explains_itself(world: World, as_: Any) -> None:
    response = as_("teacher").post("/pupils", new_pupil_body(world))
    assert response.status_code == 403
    assert "role" in response.json()["detail"]
