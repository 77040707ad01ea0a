"""A pupil leaves and their records go on: the leaving page and its clock, the leaver's CTF (round
trip into another school), the SEN file as JSON (checked against the published schema) and PDF,
the transfer pack's import, the leavers page and retention. Through the real database."""

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ClosureDay, School
from audit.models import AuditEvent
from interop import ctf, leaving, rules, senfile
from interop.models import Leaving, TransferredFile
from interop.retention import retention_run
from interop.senfile_import import PREVIOUS_SCHOOL, SenFileFailed, sen_file_import
from interop.services import ctf_import
from pupils import services as pupil_services
from pupils.models import Need, Pupil, RegisterEntry
from sendpath.testing import World, add_support_records
from support.tests.test_pdf import pdf_objects, pdf_text

TODAY = timezone.localdate()


def _client(w: World, persona: str) -> Client:
    client = Client()
    client.force_login(w.users[persona])
    return client


def _leave(w: World, pupil: Pupil, on: date = TODAY, to: School | None = None) -> Leaving:
    to = to or w.elm
    return leaving.leaving_record(
        pupil=pupil,
        leaving_date=on,
        destination=leaving.Destination(to.name, to.urn, to.la.code, to.establishment_number),
        by=w.users["senco"],
    )


def _history(pupil: Pupil) -> list[tuple]:
    return sorted(
        (e.provision, e.start_date, e.end_date) for e in RegisterEntry.objects.filter(pupil=pupil)
    )


def _needs(pupil: Pupil, *, open_only: bool = False) -> list[tuple]:
    needs = Need.objects.filter(pupil=pupil)
    if open_only:
        needs = needs.filter(end_date__isnull=True)
    return sorted((n.need_type, n.rank, n.start_date, n.end_date) for n in needs)


def _richer_history(w: World) -> None:
    """Amy: SEN support since September, then an EHC plan, with a secondary need."""
    amy, senco = w.amy, w.users["senco"]
    start = amy.register_entries.get().start_date
    pupil_services.register_change(
        pupil=amy, provision="E", start_date=start + timedelta(days=20), reason="EHC plan issued",
        by=senco,
    )  # fmt: skip
    pupil_services.need_add(
        pupil=amy, need_type="SLCN", rank=2, start_date=start + timedelta(days=20), by=senco
    )


# --- the leaving page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_recording_the_leaving_sets_the_date_and_shows_the_clock(world: World) -> None:
    client = _client(world, "senco")
    url = reverse("leaving", args=[world.amy.pk])
    assert client.get(url).status_code == 200
    form = {
        "leaving_date_0": str(TODAY.day), "leaving_date_1": str(TODAY.month),
        "leaving_date_2": str(TODAY.year), "destination_name": "Elm Primary",
        "destination_urn": "100002", "destination_la": "820", "destination_estab": "2002",
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    amy = Pupil.objects.get(pk=world.amy.pk)
    assert amy.leaving_date == TODAY
    left = Leaving.objects.get(pupil=amy)
    assert (left.destination_urn, left.destination_name) == ("100002", "Elm Primary")
    assert AuditEvent.objects.filter(object_type="interop.Leaving", pupil_id=amy.pk).exists()
    page = client.get(reverse("pupil_detail", args=[amy.pk])).content.decode()
    assert 'id="transfer-clock"' in page and "Send the CTF and the SEN file to Elm Primary" in page


@pytest.mark.django_db
def test_bad_leaving_input_writes_nothing(world: World) -> None:
    client = _client(world, "senco")
    url = reverse("leaving", args=[world.amy.pk])
    response = client.post(url, {"leaving_date_0": "31", "leaving_date_1": "2",
                                 "leaving_date_2": "2026", "destination_name": "",
                                 "destination_urn": "12AB"})  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"leaving_date", "destination_name", "destination_urn"} <= set(errors)
    assert not Leaving.objects.exists() and Pupil.objects.get(pk=world.amy.pk).leaving_date is None


@pytest.mark.django_db
def test_the_teacher_may_not_record_a_leaving(world: World) -> None:
    assert _client(world, "teacher").get(reverse("leaving", args=[world.amy.pk])).status_code == 403
    assert (
        _client(world, "outsider").get(reverse("leaving", args=[world.amy.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_the_clock_counts_the_schools_own_closure_days(world: World) -> None:
    left = _leave(world, world.amy)
    before = leaving.transfer_clock(left, TODAY).due
    assert before is not None
    ClosureDay.objects.create(
        school=world.oak, date=before - timedelta(days=1 if before.weekday() else 3), kind="other"
    )
    after = leaving.transfer_clock(left, TODAY).due
    assert after is not None and after > before


@pytest.mark.django_db
def test_records_sent_stops_the_clock_and_a_date_before_leaving_is_refused(world: World) -> None:
    left = _leave(world, world.amy, on=TODAY - timedelta(days=3))
    client = _client(world, "admin")
    url = reverse("leaving_sent", args=[world.amy.pk])
    early = TODAY - timedelta(days=4)
    bad = client.post(
        url, {"sent_on_0": early.day, "sent_on_1": early.month, "sent_on_2": early.year}
    )
    assert bad.status_code == 400 and Leaving.objects.get(pk=left.pk).sent_on is None
    ok = client.post(
        url, {"sent_on_0": TODAY.day, "sent_on_1": TODAY.month, "sent_on_2": TODAY.year}
    )
    assert ok.status_code == 302
    clock = leaving.transfer_clock(Leaving.objects.get(pk=left.pk), TODAY)
    assert clock.status in {"sent", "sent late"} and clock.sent_on == TODAY


# --- the leaver's CTF -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_leavers_ctf_is_the_import_tree_in_the_schools_version(world: World) -> None:
    world.oak.ctf_version = 19
    world.oak.save()
    _leave(world, world.amy)
    response = _client(world, "senco").get(reverse("leaver_ctf", args=[world.amy.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('8202001_CTF_8202002_001.xml"')
    assert b"<Gender>" in response.content and b"<Sex>" not in response.content
    header, pupils = ctf.read_ctf(io.BytesIO(response.content))
    assert header.version == "19.0" and header.dest.urn == "100002"
    (amy,) = pupils
    assert not amy.problems
    assert amy.upn == world.amy.upn and amy.provision == "K" and amy.needs_by_rank() == {1: "SPLD"}
    assert [c.surname for c in amy.contacts] == ["Adams"]


@pytest.mark.django_db
def test_ctf_round_trip_gives_the_next_school_the_same_sen_history(world: World) -> None:
    """Export at Oak, import at Elm: the same register history and current needs."""
    _richer_history(world)
    _leave(world, world.amy)
    body = _client(world, "senco").get(reverse("leaver_ctf", args=[world.amy.pk])).content
    result = ctf_import(source=io.BytesIO(body), school=None, dry_run=False, by=None)
    assert (result.school, result.created) == ("100002", 1)
    there = Pupil.objects.get(school=world.elm, upn=world.amy.upn)
    assert _history(there) == _history(world.amy)
    assert [n[:3] for n in _needs(there)] == [n[:3] for n in _needs(world.amy, open_only=True)]
    assert Pupil.objects.filter(upn=world.amy.upn).count() == 2  # Oak keeps its leaver's file


@pytest.mark.django_db
def test_a_pupil_still_on_roll_elsewhere_cannot_be_imported(world: World) -> None:
    _leave(world, world.amy)
    body = _client(world, "senco").get(reverse("leaver_ctf", args=[world.amy.pk])).content
    Pupil.objects.filter(pk=world.amy.pk).update(leaving_date=None)
    with pytest.raises(Exception, match="another school's roll"):
        ctf_import(source=io.BytesIO(body), school=None, dry_run=False, by=None)
    assert not Pupil.objects.filter(school=world.elm, upn=world.amy.upn).exists()


@pytest.mark.django_db
def test_the_ctf_asks_for_the_leaving_first(world: World) -> None:
    response = _client(world, "senco").get(reverse("leaver_ctf", args=[world.amy.pk]))
    assert response.status_code == 302 and response["Location"].endswith("/leaving/")


# --- the SEN file ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sen_file_json_follows_the_published_schema(world: World) -> None:
    add_support_records(world)
    _richer_history(world)
    _leave(world, world.amy)
    response = _client(world, "senco").get(reverse("sen_file_json", args=[world.amy.pk]))
    assert response.status_code == 200
    document = json.loads(response.content)
    assert senfile.problems(document) == []
    assert document["kind"] == "sen-file" and document["schema_version"] == "1.0"
    assert [e["provision"] for e in document["register_history"]] == ["K", "E"]
    assert {n["need_type"] for n in document["needs"]} == {"SPLD", "SLCN"}
    assert document["cycles"][0]["plan"]["outcomes"] == "Reads for pleasure"
    assert document["latest_plan"]["cycle_number"] == 1
    assert document["passport"]["about_me"] == "Likes drawing"
    assert document["destination_school"]["urn"] == "100002"
    assert AuditEvent.objects.filter(action="export", pupil_id=world.amy.pk).exists()


@pytest.mark.django_db
def test_kind_plan_is_the_whole_current_plan(world: World) -> None:
    add_support_records(world)
    client = _client(world, "senco")
    url = reverse("sen_file_json", args=[world.amy.pk])
    document = json.loads(client.get(url, {"kind": "plan"}).content)
    assert senfile.problems(document) == []
    assert document["kind"] == "plan" and "register_history" not in document
    assert [c["number"] for c in document["cycles"]] == [1]  # the plan's cycle only
    assert [n["need_type"] for n in document["needs"]] == ["SPLD"]  # current needs
    assert document["latest_plan"]["outcomes"] == "Reads for pleasure"
    assert client.get(url, {"kind": "everything"}).status_code == 400


def test_the_schema_refuses_what_it_should() -> None:
    assert senfile.problems({"kind": "sen-file"})
    good = {"$schema": senfile.SCHEMA_ID, "schema_version": "1.0", "kind": "plan",
            "generated_at": "2026-01-01T10:00:00+00:00",
            "source_school": {"urn": "100001", "la": "820", "estab": "2001", "name": "Oak"},
            "pupil": {"upn": "A820200120001", "former_upn": "", "legal_forename": "A",
                      "legal_surname": "B", "middle_names": "", "preferred_forename": "",
                      "preferred_surname": "", "date_of_birth": "2015-01-01", "sex": "F",
                      "nc_year": "5", "admission_date": None, "leaving_date": None},
            "latest_plan": None}  # fmt: skip
    assert senfile.problems(good) == []
    bad = json.loads(json.dumps(good))
    bad["pupil"]["upn"] = "not a upn"
    bad["pupil"]["date_of_birth"] = "2015-13-01"
    found = senfile.problems(bad)
    assert any("$.pupil.upn" in p for p in found) and any(
        "$.pupil.date_of_birth" in p for p in found
    )
    whole = {**good, "kind": "sen-file"}
    assert any("register_history" in p for p in senfile.problems(whole))


@pytest.mark.django_db
def test_the_sen_file_pdf_is_a_tagged_pdf_saying_what_the_json_says(
    world: World, tmp_path: Path
) -> None:
    add_support_records(world)
    _richer_history(world)
    response = _client(world, "admin").get(reverse("sen_file_pdf", args=[world.amy.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    objects = pdf_objects(response.content)
    for marker in (b"/StructTreeRoot", b"/MarkInfo", b"/Lang (en-GB)", b"pdfuaid:part"):
        assert marker in objects, marker
    text = pdf_text(response.content, tmp_path)
    for phrase in (
        "SEN file: Amy Adams",
        "SEN register history",
        "(E)",
        "Cycle 1",
        "Reads for pleasure",
        "Likes drawing",
        "Specialist advice",
    ):
        assert phrase in text, phrase


# --- the transfer pack's import --------------------------------------------------------------


def _pack(w: World) -> bytes:
    add_support_records(w)
    _richer_history(w)
    _leave(w, w.amy)
    return _client(w, "senco").get(reverse("sen_file_json", args=[w.amy.pk])).content


@pytest.mark.django_db
def test_the_transfer_pack_brings_the_history_marked_as_the_previous_schools(world: World) -> None:
    body = _pack(world)
    result = sen_file_import(
        source=body, school=world.elm, dry_run=False, by=world.users["outsider"]
    )
    assert result.pupil_created and result.register_entries == 2 and result.cycles == 1
    there = Pupil.objects.get(school=world.elm, upn=world.amy.upn)
    assert _history(there) == _history(world.amy)
    assert _needs(there) == _needs(world.amy)
    entries = list(RegisterEntry.objects.filter(pupil=there))
    assert all(e.decided_by_name == "Oak Primary (previous school)" for e in entries)
    assert all(e.reason.startswith(PREVIOUS_SCHOOL) for e in entries)
    kept = TransferredFile.objects.get(pupil=there)
    assert (
        kept.source_urn == "100001" and kept.cycles[0]["plan"]["outcomes"] == "Reads for pleasure"
    )
    page = _client(world, "outsider").get(reverse("pupil_detail", args=[there.pk])).content.decode()
    assert "From the previous school: Oak Primary" in page


@pytest.mark.django_db
def test_after_the_ctf_the_pack_replaces_its_shorter_copy(world: World) -> None:
    body = _pack(world)
    ctf_body = _client(world, "senco").get(reverse("leaver_ctf", args=[world.amy.pk])).content
    ctf_import(source=io.BytesIO(ctf_body), school=world.elm, dry_run=False, by=None)
    result = sen_file_import(source=body, school=world.elm, dry_run=False, by=None)
    assert not result.pupil_created
    there = Pupil.objects.get(school=world.elm, upn=world.amy.upn)
    assert _history(there) == _history(world.amy)
    assert (
        RegisterEntry.objects.filter(pupil=there, reason__startswith=PREVIOUS_SCHOOL).count() == 2
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: b"{not json", "not JSON"),
        (lambda d: json.dumps([1]).encode(), "not a JSON object"),
        (lambda d: json.dumps({**d, "kind": "plan"}).encode(), "kind"),
        (lambda d: json.dumps({**d, "pupil": {**d["pupil"], "upn": "A1"}}).encode(), "$.pupil.upn"),
        (
            lambda d: json.dumps(
                {**d, "register_history": [{**e, "end_date": None} for e in d["register_history"]]}
            ).encode(),
            "register_history",
        ),
    ],
)
@pytest.mark.django_db
def test_a_bad_transfer_pack_writes_nothing(world: World, change, message) -> None:
    document = json.loads(_pack(world))
    before = (Pupil.objects.count(), RegisterEntry.objects.count(), TransferredFile.objects.count())
    with pytest.raises(SenFileFailed) as failed:
        sen_file_import(source=change(document), school=world.elm, dry_run=False, by=None)
    assert any(message in e for e in failed.value.result.errors), failed.value.result.errors
    after = (Pupil.objects.count(), RegisterEntry.objects.count(), TransferredFile.objects.count())
    assert after == before


@pytest.mark.django_db
def test_the_pack_of_a_pupil_still_on_roll_is_refused(world: World) -> None:
    body = _pack(world)
    Pupil.objects.filter(pk=world.amy.pk).update(leaving_date=None)
    with pytest.raises(SenFileFailed, match="another school's roll"):
        sen_file_import(source=body, school=world.elm, dry_run=False, by=None)


@pytest.mark.django_db
def test_import_sen_file_command_dry_run_json_and_exit_code(world: World, tmp_path: Path) -> None:
    path = tmp_path / "pack.json"
    path.write_bytes(_pack(world))
    out = io.StringIO()
    call_command(
        "import-sen-file", str(path), "--school", "100002", "--dry-run", "--json", stdout=out
    )
    report = json.loads(out.getvalue())
    assert (
        report["upn"] == world.amy.upn
        and report["register_entries"] == 2
        and report["errors"] == []
    )
    assert not Pupil.objects.filter(school=world.elm, upn=world.amy.upn).exists()
    path.write_bytes(b"[]")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import-sen-file", str(path), "--school", "100002", "--json", stdout=out)
    assert exited.value.code == 1 and json.loads(out.getvalue())["errors"]


@pytest.mark.django_db
def test_the_upload_page_imports_a_pack(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = _pack(world)
    client = _client(world, "outsider")
    url = reverse("sen_file_upload")
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("pack.json", body)})
    assert response.status_code == 302
    assert Pupil.objects.filter(school=world.elm, upn=world.amy.upn).exists()
    bad = client.post(url, {"file": SimpleUploadedFile("pack.json", b"nope")})
    assert bad.status_code == 200 and "Nothing was imported" in bad.content.decode()


# --- leavers and retention -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_leavers_page_is_for_the_senco_and_the_dpo(world: World) -> None:
    _leave(world, world.amy)
    for persona in ("senco", "dpo"):
        page = _client(world, persona).get(reverse("leavers"))
        assert page.status_code == 200 and world.amy.upn in page.content.decode(), persona
        read = AuditEvent.objects.filter(action="read").latest("pk")
        assert read.data["pupil_ids"] == [world.amy.pk] and read.actor == world.users[persona]
    for persona in ("teacher", "admin", "governor"):
        assert _client(world, persona).get(reverse("leavers")).status_code == 403, persona


@pytest.mark.django_db
def test_retention_erases_only_what_is_due_and_audits_without_personal_data(world: World) -> None:
    old = world.ben
    Pupil.objects.filter(pk=old.pk).update(date_of_birth=date(TODAY.year - 32, 1, 1))
    old.refresh_from_db()
    _leave(world, old, on=TODAY - timedelta(days=1))
    _leave(world, world.amy, on=TODAY - timedelta(days=1))  # young: kept
    dry = retention_run(today=TODAY, dry_run=True)
    assert [d.pupil_id for d in dry.due] == [old.pk] and Pupil.objects.filter(pk=old.pk).exists()
    listed = io.StringIO()
    call_command("retention", "--dry-run", "--json", stdout=listed)  # lists, erases nothing
    report = json.loads(listed.getvalue())
    assert report["dry_run"] and [d["pupil_id"] for d in report["due"]] == [old.pk]
    assert report["erased"] == 0
    assert Pupil.objects.filter(pk=old.pk).exists()
    out = io.StringIO()
    call_command("retention", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["erased"] == 1 and report["due"][0]["reason"]
    assert not Pupil.objects.filter(pk=old.pk).exists()
    assert Pupil.objects.filter(pk=world.amy.pk).exists()
    event = AuditEvent.objects.get(object_type="interop.sen_file_erasure")
    text = json.dumps(event.data)
    assert old.upn not in text and "Brown" not in text and str(old.date_of_birth) not in text


@pytest.mark.django_db
def test_a_primary_archives_its_copy_only_after_sending(world: World) -> None:
    left = _leave(world, world.amy, on=TODAY - timedelta(days=2))
    client = _client(world, "senco")
    client.post(reverse("leaving_archive", args=[world.amy.pk]))
    assert Leaving.objects.get(pk=left.pk).archived_on is None
    leaving.leaving_sent(leaving=left, sent_on=TODAY, by=world.users["senco"])
    client.post(reverse("leaving_archive", args=[world.amy.pk]))
    assert Leaving.objects.get(pk=left.pk).archived_on == TODAY
    assert [d.pupil_id for d in retention_run(today=TODAY, dry_run=True).due] == [world.amy.pk]
    assert rules.keep_until(world.amy.date_of_birth).year == world.amy.date_of_birth.year + 31
