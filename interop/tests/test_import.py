"""ctf_import and `sendpath import-ctf`: through the real database, every bad input writes nothing."""

import io
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.models import School
from audit.models import AuditEvent
from interop.ctf import Pupil, SchoolRef, SENNeed, SENPeriod
from interop.generate import ctf_bytes, make_header, realistic_pupils
from interop.services import IMPORT_REASON, ImportFailed, ctf_import
from pupils.models import (
    Contact,
    FamilyLink,
    FSMPeriod,
    KeyStageResult,
    Need,
    RegisterEntry,
    YearAttendance,
)
from pupils.models import (
    Pupil as PupilRow,
)
from pupils.names import pupil_search_key
from sendpath.testing import World

TODAY = timezone.localdate()


def _dest(school: School) -> SchoolRef:
    return SchoolRef(school.la.code, school.establishment_number, school.urn, school.name)


def _pupils(n: int, seed: int = 3) -> list[Pupil]:
    return list(realistic_pupils(n, seed=seed, today=TODAY - timedelta(days=10), upn_la="999"))


def _file(tmp_path: Path, data: bytes, name: str = "ctf.xml") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _counts() -> tuple[int, ...]:
    models = (PupilRow, RegisterEntry, Need, Contact, FamilyLink, FSMPeriod, YearAttendance,
              KeyStageResult)  # fmt: skip
    return tuple(m.objects.count() for m in models)


def _sen_pupil() -> Pupil:
    p = replace(_pupils(1)[0])
    p.sen_history = [SENPeriod(TODAY - timedelta(days=400), "K")]
    p.sen_needs = [SENNeed(1, "SLCN", TODAY - timedelta(days=400))]
    return p


def test_import_creates_everything_and_twice_changes_nothing(world: World) -> None:
    data = ctf_bytes(
        make_header(dest=_dest(world.oak), when=TODAY - timedelta(days=1)), _pupils(60)
    )
    before = _counts()
    result = ctf_import(
        source=io.BytesIO(data), school=None, dry_run=False, by=world.users["senco"]
    )
    assert (result.created, result.updated, result.unchanged) == (60, 0, 0)
    assert result.school == world.oak.urn
    after = _counts()
    assert after[0] == before[0] + 60
    assert all(a > b for a, b in zip(after[3:], before[3:], strict=True))  # contacts, FSM, ...
    assert PupilRow.objects.filter(
        school=world.oak, upn__startswith="", first_language="ENG"
    ).exists()
    events = AuditEvent.objects.filter(object_type="interop.ctf_import")
    assert events.count() == 1
    again = ctf_import(source=io.BytesIO(data), school=None, dry_run=False, by=world.users["senco"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 60)
    assert _counts() == after


def test_dry_run_writes_nothing_and_counts_the_same(world: World) -> None:
    data = ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), _pupils(20))
    before = _counts()
    preview = ctf_import(
        source=io.BytesIO(data), school=world.oak, dry_run=True, by=world.users["senco"]
    )
    assert _counts() == before
    assert preview.summary == "20 pupils: 20 new, 0 updated, 0 unchanged; 0 warnings"
    real = ctf_import(
        source=io.BytesIO(data), school=world.oak, dry_run=False, by=world.users["senco"]
    )
    assert real.summary == preview.summary


def test_later_file_changing_sen_provision_and_need_is_a_new_entry_with_parent_step_pending(
    world: World,
) -> None:
    senco = world.users["senco"]
    first = _sen_pupil()
    old_date = TODAY - timedelta(days=30)
    ctf_import(
        source=io.BytesIO(ctf_bytes(make_header(dest=_dest(world.oak), when=old_date), [first])),
        school=world.oak, dry_run=False, by=senco,
    )  # fmt: skip
    pupil = PupilRow.objects.get(upn=first.upn)
    (entry,) = pupil.register_entries.all()
    assert (entry.provision, entry.reason, entry.end_date) == ("K", IMPORT_REASON, None)
    later = replace(first, sen_history=[*first.sen_history, SENPeriod(TODAY - timedelta(days=5), "E")],
                    sen_needs=[SENNeed(1, "ASD"), SENNeed(2, "SLCN")])  # fmt: skip
    result = ctf_import(
        source=io.BytesIO(ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), [later])),
        school=world.oak, dry_run=False, by=senco,
    )  # fmt: skip
    assert result.updated == 1
    entries = list(pupil.register_entries.order_by("start_date"))
    assert [(e.provision, e.start_date, e.end_date) for e in entries] == [
        ("K", entry.start_date, TODAY - timedelta(days=1)),
        ("E", TODAY, None),  # the file's date
    ]
    assert entries[1].reason == IMPORT_REASON
    assert entries[1].awaiting_parent_notification
    assert entries[1].decided_by == senco
    open_needs = {n.rank: n.need_type for n in pupil.needs.filter(end_date__isnull=True)}
    assert open_needs == {1: "ASD", 2: "SLCN"}
    assert pupil.needs.filter(need_type="SLCN", rank=1, end_date=TODAY - timedelta(days=1)).exists()


def _fails(world: World, data: bytes, school: School | None = None) -> ImportFailed:
    before = _counts()
    with pytest.raises(ImportFailed) as caught:
        ctf_import(source=io.BytesIO(data), school=school or world.oak, dry_run=False,
                   by=world.users["senco"])  # fmt: skip
    assert _counts() == before
    return caught.value


def test_a_bad_pupil_anywhere_writes_nothing(world: World) -> None:
    pupils = _pupils(BATCH_PLUS)
    last = pupils[-1]
    pupils[-1] = replace(last, upn=("A" if last.upn[0] != "A" else "B") + last.upn[1:])
    exc = _fails(world, ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), pupils))
    (error,) = exc.result.errors
    assert (error.position, error.element, error.upn) == (BATCH_PLUS, "UPN", pupils[-1].upn)


BATCH_PLUS = 510  # past the first batch of 500, so the first batch was written, then undone


@pytest.mark.parametrize(
    "data",
    [b"not xml at all", b"<CTfile><Header>", b"<Roll><Header/></Roll>", b"\xef\xbb\xbf<CTfile/>"],
)
def test_not_xml_or_not_a_ctf_writes_nothing(world: World, data: bytes) -> None:
    assert _fails(world, data).result.errors


def test_bad_date_and_code_write_nothing(world: World) -> None:
    header = make_header(dest=_dest(world.oak), when=TODAY)
    a, b = _pupils(2)
    data = ctf_bytes(header, [replace(a, sex="Q"), b])
    assert b.date_of_birth is not None
    dob = b.date_of_birth.isoformat().encode()
    data = data.replace(b"<DOB>" + dob, b"<DOB>31/12/2015")
    errors = _fails(world, data).result.errors
    assert [(e.position, e.element) for e in errors] == [(1, "Sex"), (2, "DOB")]


def test_unknown_school_needs_create_school(world: World, tmp_path: Path) -> None:
    dest = SchoolRef("873", "4321", "654321", "Fenland Academy")
    path = _file(tmp_path, ctf_bytes(make_header(dest=dest, when=TODAY), _pupils(14)))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import-ctf", path, "--json")
    assert exit_info.value.code == 1
    assert not School.objects.filter(urn="654321").exists()
    out = io.StringIO()
    call_command("import-ctf", path, "--create-school", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report == {"school": "654321", "created": 14, "updated": 0, "unchanged": 0,
                      "warnings": [], "errors": []}  # fmt: skip
    school = School.objects.get(urn="654321")
    assert (school.la.code, school.establishment_number, school.name, school.phase) == (
        "873", "4321", "Fenland Academy", "secondary",
    )  # fmt: skip


def test_command_json_errors_and_exit_code(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = _pupils(1)[0]
    bad = replace(p, upn=("A" if p.upn[0] != "A" else "B") + p.upn[1:])
    path = _file(tmp_path, ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), [bad]))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import-ctf", path, "--json", stdout=out)
    assert exit_info.value.code == 1
    report = json.loads(out.getvalue())
    assert set(report) == {"school", "created", "updated", "unchanged", "warnings", "errors"}
    (error,) = report["errors"]
    assert error.startswith(f"Pupil 1 (UPN {bad.upn}), UPN:")


def test_command_json_for_a_missing_file_or_an_unknown_school(world: World, tmp_path: Path) -> None:
    """--json promises the issue's JSON and a non-zero exit on every error, the command line's
    own mistakes too."""
    path = _file(tmp_path, ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), _pupils(1)))
    for args, error in (
        ([path, "--school", "999998"], "No school has URN 999998."),
        ([str(tmp_path / "missing.xml")], f"No such file: {tmp_path / 'missing.xml'}"),
    ):
        out = io.StringIO()
        with pytest.raises(SystemExit) as exit_info:
            call_command("import-ctf", *args, "--json", stdout=out)
        assert exit_info.value.code == 1
        report = json.loads(out.getvalue())
        assert set(report) == {"school", "created", "updated", "unchanged", "warnings", "errors"}
        assert report["errors"] == [error]
    with pytest.raises(CommandError, match="No school has URN 999998"):
        call_command("import-ctf", path, "--school", "999998")
    assert not PupilRow.objects.filter(upn=_pupils(1)[0].upn).exists()


def test_command_school_option_dry_run_and_plain_summary(world: World, tmp_path: Path) -> None:
    other = SchoolRef("999", "9999", "999999")
    path = _file(tmp_path, ctf_bytes(make_header(dest=other, when=TODAY), _pupils(3)))
    out = io.StringIO()
    call_command("import-ctf", path, "--school", world.oak.urn, "--dry-run", stdout=out)
    text = out.getvalue()
    assert (
        f"Would import into URN {world.oak.urn}: 3 pupils: 3 new, 0 updated, 0 unchanged; 1 warning."
        in text
    )
    assert "addressed to URN 999999" in text
    assert not PupilRow.objects.filter(upn__in=[p.upn for p in _pupils(3)]).exists()


def test_pupil_at_another_school_is_an_error(world: World) -> None:
    p = replace(_pupils(1)[0], upn=world.cara.upn)
    errors = _fails(
        world, ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), [p])
    ).result.errors
    assert "another school's roll" in str(errors[0])


@pytest.mark.parametrize("version", [17, 25])
@pytest.mark.parametrize("options", [{}, {"namespace": True, "bom": True, "crlf": True}])
def test_versions_and_variants_import_alike(world: World, version: int, options: dict) -> None:
    data = ctf_bytes(
        make_header(version=version, dest=_dest(world.oak), when=TODAY), _pupils(5), **options
    )
    result = ctf_import(
        source=io.BytesIO(data), school=world.oak, dry_run=False, by=world.users["senco"]
    )
    assert result.created == 5


# --- the upload page ---------------------------------------------------------------------------


def test_upload_preview_then_confirm(world: World, client: "Client") -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    pupils = _pupils(4)
    data = ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), pupils)
    client.force_login(world.users["admin"])
    page = client.get(reverse("ctf_upload"))
    assert page.status_code == 200 and b'type="file"' in page.content
    preview = client.post(reverse("ctf_upload"), {"file": SimpleUploadedFile("a.xml", data)})
    assert b"4 pupils: 4 new, 0 updated, 0 unchanged; 0 warnings" in preview.content
    assert not PupilRow.objects.filter(upn=pupils[0].upn).exists()
    token = preview.context["token"]
    # Another user cannot confirm it.
    other = client.__class__()
    other.force_login(world.users["senco"])
    refused = other.post(reverse("ctf_confirm"), {"token": token}, follow=True)
    assert b"upload the file again" in refused.content
    assert not PupilRow.objects.filter(upn=pupils[0].upn).exists()
    done = client.post(reverse("ctf_confirm"), {"token": token}, follow=True)
    assert b"Imported: 4 pupils: 4 new" in done.content
    assert PupilRow.objects.filter(upn__in=[p.upn for p in pupils], school=world.oak).count() == 4
    again = client.post(reverse("ctf_confirm"), {"token": token}, follow=True)
    assert b"upload the file again" in again.content


def test_upload_shows_errors_and_writes_nothing(world: World, client: "Client") -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(world.users["senco"])
    response = client.post(reverse("ctf_upload"), {"file": SimpleUploadedFile("a.xml", b"<nope")})
    assert (
        b"Nothing was imported" in response.content and b"not well-formed XML" in response.content
    )


@pytest.mark.parametrize(("persona", "status"), [("teacher", 403), ("ta", 403), ("parent", 403)])
def test_upload_refused_to_other_roles(
    world: World, client: "Client", persona: str, status: int
) -> None:
    from django.urls import reverse

    client.force_login(world.users[persona])
    assert client.get(reverse("ctf_upload")).status_code == status
    assert client.post(reverse("ctf_confirm"), {"token": "x"}).status_code == status


def test_imported_pupils_are_found_by_the_accent_blind_search(world: World) -> None:
    """The import writes pupils with bulk_create, which skips save(): the search name is set all
    the same, so "Wojcik" finds an imported "Wójcik"."""
    p = replace(_pupils(1)[0], surname="Wójcik", forename="Zoë")
    data = ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), [p])
    ctf_import(source=io.BytesIO(data), school=None, dry_run=False, by=world.users["senco"])
    row = PupilRow.objects.get(upn=p.upn)
    assert row.search_name == pupil_search_key(
        row.legal_forename, row.legal_surname, row.preferred_forename, row.preferred_surname
    )
    assert "wojcik" in row.search_name and "zoe" in row.search_name


def test_siblings_share_their_parents_contacts(world: World) -> None:
    """A CTF lists a family's contacts under each child: the same name with the same email (or,
    without one, the same phone) is the same person, so a parent invited sees every child."""
    older, younger, other, unreachable = _pupils(4, seed=11)
    mum = replace(older.contacts[0], email="Jo.Parent@example.com", forename="Jo", surname="Lee")
    dad = replace(mum, forename="Sam", email="", phone="07700 900123", relationship="PAF", order=2)
    older = replace(older, contacts=[mum, dad])
    younger = replace(younger, contacts=[replace(mum, email="jo.parent@EXAMPLE.com "), dad])
    # The same name but another email is another person; with neither email nor phone, unknown.
    other = replace(other, contacts=[replace(mum, email="jo.lee@example.org")])
    nobody = replace(mum, email="", phone="")
    unreachable = replace(unreachable, contacts=[nobody])
    data = ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), [older, younger, other])
    ctf_import(source=io.BytesIO(data), school=None, dry_run=False, by=world.users["senco"])
    jo = Contact.objects.get(school=world.oak, forename="Jo", email="Jo.Parent@example.com")
    assert set(jo.family_links.values_list("pupil__upn", flat=True)) == {older.upn, younger.upn}
    sam = Contact.objects.get(school=world.oak, forename="Sam", surname="Lee")
    assert sam.family_links.count() == 2
    assert Contact.objects.filter(school=world.oak, forename="Jo", surname="Lee").count() == 2
    # A later file knows them again too; a nameless-contact match never merges.
    later = replace(_pupils(6, seed=11)[5], contacts=[mum, nobody])
    again = ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), [later, unreachable])
    ctf_import(source=io.BytesIO(again), school=None, dry_run=False, by=world.users["senco"])
    assert jo.family_links.count() == 3
    assert Contact.objects.filter(school=world.oak, forename="Jo", email="").count() == 2


def test_within_a_callers_transaction_a_bad_file_still_writes_nothing(world: World) -> None:
    from django.db import transaction

    from interop.services import ctf_import_within

    good = ctf_bytes(make_header(dest=_dest(world.oak), when=TODAY), _pupils(3))
    bad = good.replace(b"<UPN>", b"<UPN>X", 1)
    before = _counts()
    with transaction.atomic():
        with pytest.raises(ImportFailed):
            ctf_import_within(source=io.BytesIO(bad), school=None, dry_run=False, by=None)
        assert _counts() == before  # its savepoint rolled back; the caller's work goes on
        result = ctf_import_within(source=io.BytesIO(good), school=None, dry_run=False, by=None)
        assert result.created == 3
        # The users' entry point stays the outermost transaction.
        with pytest.raises(RuntimeError):
            ctf_import(source=io.BytesIO(good), school=None, dry_run=True, by=None)
    assert _counts()[0] == before[0] + 3
