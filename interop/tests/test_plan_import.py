"""A plan (kind "plan") exported at one school and imported for the pupil at another: the round
trip, the preview and confirm pages, idempotence, errors that name the field, the command
(issue 19, "Ready for Individual Support Plans"). Through the real database."""

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from interop import senfile
from interop.models import ImportedPlan
from interop.plan_import import PlanImportFailed, plan_import
from pupils.models import Need, Pupil
from sendpath.testing import World, add_support_records
from support import services as support_services
from support.models import AssessmentView, Cycle, Plan, Target

TODAY = timezone.localdate()


def _client(w: World, persona: str) -> Client:
    client = Client()
    client.force_login(w.users[persona])
    return client


def _amys_plan(w: World) -> bytes:
    """Amy's plan at Oak with two targets and two views, exported as JSON by Oak's SENCo."""
    add_support_records(w)
    senco, cycle = w.users["senco"], w.amy.cycles.get()
    plan = cycle.plan
    Plan.objects.filter(pk=plan.pk).update(
        adjustments="Movement breaks", provision="Precision teaching 3x10 min",
        pupil_strategies="Uses her word mat", parents_agreed_on=TODAY, pupil_agreed=True,
        review_date=TODAY + timedelta(days=70),
    )  # fmt: skip
    plan.refresh_from_db()
    for n, text in enumerate(["Reads 40 high-frequency words", "Writes a sentence"], 1):
        support_services.target_add(
            plan=plan, by=senco,
            data={"description": text, "baseline": f"{n * 10}", "measure": "words",
                  "target_value": "40", "target_date": TODAY + timedelta(days=60),
                  "responsible": "Class TA"},
        )  # fmt: skip
    for source, name in (("parent", "Mrs Adams"), ("pupil", "Amy")):
        support_services.assessment_view_add(
            cycle=cycle, by=senco,
            data={"source": source, "given_by": name, "given_on": TODAY, "views": f"{name} says"},
        )  # fmt: skip
    url = reverse("sen_file_json", args=[w.amy.pk])
    return _client(w, "senco").get(url, {"kind": "plan"}).content


def _amy_at_elm(w: World) -> Pupil:
    """Amy moved: off Oak's roll, on Elm's with the same UPN and date of birth."""
    amy = w.amy
    Pupil.objects.filter(pk=amy.pk).update(leaving_date=TODAY)
    return Pupil.objects.create(
        school=w.elm, upn=amy.upn, legal_forename=amy.legal_forename,
        legal_surname=amy.legal_surname, date_of_birth=amy.date_of_birth, sex=amy.sex,
        nc_year=amy.nc_year, admission_date=TODAY,
    )  # fmt: skip


def _plan_part(document: dict) -> dict:
    """What the round trip keeps: the plan (not its cycle's number or its targets' ratings),
    the current needs and the views."""
    plan = {k: v for k, v in document["latest_plan"].items() if k != "cycle_number"}
    plan["targets"] = [{**t, "outcome": None} for t in plan["targets"]]
    views = document["cycles"][0]["views"]
    return {"plan": plan, "needs": document["needs"], "views": views}


def _rows(pupil: Pupil) -> tuple[int, ...]:
    return (
        Cycle.objects.filter(pupil=pupil).count(),
        Plan.objects.filter(cycle__pupil=pupil).count(),
        Target.objects.filter(plan__cycle__pupil=pupil).count(),
        AssessmentView.objects.filter(cycle__pupil=pupil).count(),
        Need.objects.filter(pupil=pupil).count(),
        ImportedPlan.objects.filter(pupil=pupil).count(),
    )


@pytest.mark.django_db
def test_a_plan_exported_imported_at_another_school_and_exported_again_is_the_same(
    world: World,
) -> None:
    body = _amys_plan(world)
    first = json.loads(body)
    assert senfile.problems(first) == [] and first["kind"] == "plan"
    assert len(first["latest_plan"]["targets"]) == 2 and len(first["cycles"][0]["views"]) == 2
    assert [n["need_type"] for n in first["needs"]] == ["SPLD"]
    there = _amy_at_elm(world)
    elm = _client(world, "outsider")  # Elm's SENCo
    page = elm.get(reverse("pupil_detail", args=[there.pk])).content.decode()
    assert reverse("plan_upload", args=[there.pk]) in page
    # Upload: a preview, nothing written yet.
    upload = SimpleUploadedFile("amy-plan.json", body, "application/json")
    preview = elm.post(reverse("plan_upload", args=[there.pk]), {"file": upload})
    text = preview.content.decode()
    assert preview.status_code == 200 and 'id="plan-preview"' in text
    assert "the plan from Oak Primary as cycle 1 for Amy Adams: 2 targets, 2 views and 1 needs" in (
        text
    )
    assert _rows(there) == (0, 0, 0, 0, 0, 0)
    token = preview.context["token"]
    confirmed = elm.post(reverse("plan_confirm", args=[there.pk]), {"token": token})
    assert confirmed.status_code == 302
    assert _rows(there) == (1, 1, 2, 2, 1, 1)
    cycle = there.cycles.get()
    assert cycle.closed_on is None and cycle.opened_on == TODAY
    kept = ImportedPlan.objects.get(pupil=there)
    assert kept.cycle == cycle and kept.source_urn == "100001" and kept.document == first
    event = AuditEvent.objects.get(action="create", pupil_id=there.pk)
    assert event.data["cycle"] == 1 and event.data["targets"] == 2
    shown = elm.get(reverse("cycle_detail", args=[cycle.pk])).content.decode()
    assert 'id="imported-plan"' in shown and "imported from Oak Primary (URN 100001)" in shown
    # Export again at Elm: the same plan, needs and views.
    again = json.loads(elm.get(reverse("sen_file_json", args=[there.pk]), {"kind": "plan"}).content)
    assert senfile.problems(again) == []
    assert again["source_school"]["urn"] == "100002"
    assert _plan_part(again) == _plan_part(first)


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing(world: World) -> None:
    body = _amys_plan(world)
    there = _amy_at_elm(world)
    senco = world.users["outsider"]
    plan_import(source=body, pupil=there, dry_run=False, by=senco)
    before = _rows(there)
    events = AuditEvent.objects.count()
    again = plan_import(source=body, pupil=there, dry_run=False, by=senco)
    assert again.already and again.cycle_number == 1
    # Written out again later (another generated_at), it is still the same plan.
    rewritten = json.dumps({**json.loads(body), "generated_at": "2030-01-01T09:00:00+00:00"})
    assert plan_import(source=rewritten, pupil=there, dry_run=False, by=senco).already
    assert _rows(there) == before and AuditEvent.objects.count() == events


def _changed(document: dict, path: str, value) -> bytes:
    changed = json.loads(json.dumps(document))
    *parents, last = path.split(".")
    node = changed
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[int(last) if last.isdigit() else last] = value
    return json.dumps(changed).encode()


@pytest.mark.parametrize(
    "path, value, message",
    [
        ("pupil.upn", "A820200120999", "$.pupil.upn: the plan is for UPN"),
        ("pupil.date_of_birth", "2010-01-01", "$.pupil.date_of_birth"),
        ("kind", "sen-file", "$"),
        ("latest_plan.review_date", "2000-01-01", "$.latest_plan"),
        ("latest_plan.targets.0.target_date", "2000-01-01", "$.latest_plan.targets[0].target_date"),
        ("latest_plan.targets.0.position", "first", "$.latest_plan.targets[0].position"),
        ("source_school.urn", "100002", "$.source_school.urn: the plan comes from this school"),
        ("latest_plan", None, "$.latest_plan: the file has no plan"),
    ],
)
@pytest.mark.django_db
def test_a_bad_plan_writes_nothing_and_names_the_field(world: World, path, value, message) -> None:
    document = json.loads(_amys_plan(world))
    there = _amy_at_elm(world)
    with pytest.raises(PlanImportFailed) as failed:
        plan_import(
            source=_changed(document, path, value), pupil=there, dry_run=False,
            by=world.users["outsider"],
        )  # fmt: skip
    assert any(e.startswith(message) for e in failed.value.result.errors), failed.value.result
    assert _rows(there) == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_an_open_cycle_or_a_stranger_is_refused(world: World) -> None:
    body = _amys_plan(world)
    there = _amy_at_elm(world)
    support_services.cycle_open(pupil=there, opened_on=TODAY, by=world.users["outsider"])
    with pytest.raises(PlanImportFailed, match=r"\$\.latest_plan: cycle 1 is still open"):
        plan_import(source=io.BytesIO(body), pupil=there, dry_run=False, by=None)
    assert _rows(there) == (1, 0, 0, 0, 0, 0)
    upload = SimpleUploadedFile("plan.json", body, "application/json")
    failed = _client(world, "outsider").post(
        reverse("plan_upload", args=[there.pk]), {"file": upload}
    )
    assert 'id="plan-errors"' in failed.content.decode() and "still open" in failed.content.decode()
    # Oak's SENCo does not reach Elm's pupil; a confirm with no preview imports nothing.
    assert _client(world, "senco").get(reverse("plan_upload", args=[there.pk])).status_code == 404
    stale = _client(world, "outsider").post(
        reverse("plan_confirm", args=[there.pk]), {"token": "x"}
    )
    assert stale.status_code == 302 and _rows(there) == (1, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_only_the_senco_imports_a_plan(world: World) -> None:
    for persona in ("teacher", "admin", "ta"):
        response = _client(world, persona).get(reverse("plan_upload", args=[world.ben.pk]))
        assert response.status_code == 403, persona
    assert (
        _client(world, "senco").get(reverse("plan_upload", args=[world.ben.pk])).status_code == 200
    )


@pytest.mark.django_db
def test_import_plan_command_dry_run_then_import(world: World, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(_amys_plan(world))
    there = _amy_at_elm(world)
    out = io.StringIO()
    args = [str(path), "--school", "100002", "--upn", there.upn]
    call_command("import-plan", *args, "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue())["targets"] == 2 and _rows(there)[0] == 0
    out = io.StringIO()
    call_command("import-plan", *args, stdout=out)
    assert out.getvalue().startswith("Imported the plan from Oak Primary as cycle 1")
    out = io.StringIO()
    call_command("import-plan", *args, stdout=out)
    assert out.getvalue().startswith("Nothing to do:") and _rows(there)[0] == 1
