"""Classes by hand and from a CSV or xlsx with a mapping step; TA assignments; reach reads them."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

import access
from accounts import schooldates
from people import classes
from people.tables import read_table
from pupils.models import PupilAssignment, TeachingGroup

pytestmark = pytest.mark.django_db


def _client(world, who="senco") -> Client:
    c = Client()
    c.force_login(world.users[who])
    return c


def _year() -> int:
    return schooldates.school_year_start(timezone.localdate())


def _upload(c: Client, name: str, content: bytes) -> str:
    r = c.post(
        reverse("classes_upload"),
        {"file": SimpleUploadedFile(name, content), "start_year": _year()},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    return r["Location"]


def test_a_csv_is_mapped_previewed_and_saved(world):
    c = _client(world)
    csv = (
        "Reg group,Surname,UPN of pupil,Staff\r\n"
        f"4B,Adams,{world.amy.upn},teacher@example.org\r\n"
        f"4B,Dale,{world.dan.upn},\r\n"
    ).encode("utf-8-sig")
    where = _upload(c, "classes.csv", csv)
    page = c.get(where).content.decode()
    assert "Reg group" in page and "Match the columns" in page
    mapping = {"name": "0", "upn": "2", "teacher": "3", "kind": "", "subject": ""}
    r = c.post(where, mapping)
    assert "1 class (1 new), 2 pupil places to add" in r.content.decode()
    assert not TeachingGroup.objects.filter(name="4B").exists()  # a preview writes nothing
    r = c.post(where, mapping | {"confirm": "1"})
    assert r.status_code == 302
    group = TeachingGroup.objects.get(name="4B", school=world.oak)
    assert set(group.pupils.all()) == {world.amy, world.dan}
    assert list(group.teachers.all()) == [world.users["teacher"]]
    # The teacher now reaches Dan, through the new class.
    assert world.dan in access.visible_pupils(world.users["teacher"])


def test_errors_name_the_row_and_column_and_nothing_is_written(world):
    c = _client(world)
    csv = (
        "Class,UPN,Teacher\n"
        f"6C,{world.amy.upn},teacher@example.org\n"
        f"6C,{world.cara.upn},\n"  # Cara is at Elm
        "6C,,nobody@example.org\n"
        f",{world.ben.upn},\n"
    ).encode()
    where = _upload(c, "c.csv", csv)
    r = c.post(where, {"name": "0", "upn": "1", "teacher": "2", "confirm": "1"})
    page = r.content.decode()
    assert f"Row 3, column “UPN”: no pupil with UPN {world.cara.upn}" in page
    assert "Row 4, column “Teacher”: nobody@example.org is not a teacher" in page
    assert "Row 5, column “Class”: the class name is empty" in page
    assert not TeachingGroup.objects.filter(name="6C").exists()


def test_a_missing_required_column_is_an_error(world):
    c = _client(world)
    where = _upload(c, "c.csv", b"A,B\nx,y\n")
    r = c.post(where, {"name": "", "upn": "1"})
    assert "Choose the column that holds" in r.content.decode()


def test_an_xlsx_upload_reads_the_first_sheet(world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Class", "UPN", "Kind", "Subject"])
    sheet.append(["9X/Ma1", world.ben.upn, "set", "Maths"])
    out = BytesIO()
    book.save(out)
    table = read_table("groups.xlsx", out.getvalue())
    mapping = {"name": 0, "upn": 1, "kind": 2, "subject": 3, "teacher": None}
    classes.groups_import(
        school=world.oak, start_year=_year(), table=table, mapping=mapping, by=world.users["admin"]
    )
    group = TeachingGroup.objects.get(name="9X/Ma1")
    assert (
        group.kind == "set" and group.subject == "Maths" and list(group.pupils.all()) == [world.ben]
    )


def test_a_file_that_is_not_a_table_is_refused(world):
    c = _client(world)
    r = c.post(
        reverse("classes_upload"),
        {"file": SimpleUploadedFile("c.pdf", b"%PDF"), "start_year": _year()},
    )
    assert r.status_code == 200 and "Upload a .csv or .xlsx file" in r.content.decode()
    r = c.post(
        reverse("classes_upload"),
        {"file": SimpleUploadedFile("c.xlsx", b"not a zip"), "start_year": _year()},
    )
    assert "not a readable .xlsx" in r.content.decode()


def test_another_users_upload_is_not_theirs(world):
    where = _upload(_client(world), "c.csv", b"Class,UPN\n5Z,\n")
    r = _client(world, "admin").get(where)
    assert r.status_code == 302 and r["Location"] == reverse("classes_upload")


def test_a_class_by_hand(world):
    c = _client(world, "admin")
    r = c.post(reverse("school_classes"), {"name": "3R", "kind": "class", "subject": ""})
    group = TeachingGroup.objects.get(name="3R")
    assert r["Location"] == reverse("group_detail", args=[group.pk])
    c.post(r["Location"], {"op": "add_pupil", "pupil": world.dan.pk})
    c.post(r["Location"], {"op": "add_teacher", "teacher": world.users["teacher"].pk})
    assert list(group.pupils.all()) == [world.dan] and list(group.teachers.all()) == [
        world.users["teacher"]
    ]
    # A pupil of another school cannot be added.
    c.post(r["Location"], {"op": "add_pupil", "pupil": world.cara.pk})
    assert list(group.pupils.all()) == [world.dan]
    c.post(r["Location"], {"op": "remove_pupil", "id": world.dan.pk})
    assert not group.pupils.exists()
    r = c.post(reverse("school_classes"), {"name": "3r", "kind": "class"})
    assert "already a class called 3r" in r.content.decode()


def test_ta_assignments_give_and_end_reach(world):
    ta = world.users["ta"]
    assert world.dan not in access.visible_pupils(ta)
    c = _client(world)
    today = timezone.localdate()
    r = c.post(
        reverse("ta_assignments"),
        {
            "staff": ta.pk,
            "pupil": world.dan.pk,
            "start_date_0": today.day,
            "start_date_1": today.month,
            "start_date_2": today.year,
            "purpose": "Reading",
        },
    )
    assert r.status_code == 302
    assert world.dan in access.visible_pupils(ta)
    # Only teaching assistants may be assigned.
    r = c.post(
        reverse("ta_assignments"),
        {
            "staff": world.users["teacher"].pk,
            "pupil": world.dan.pk,
            "start_date_0": today.day,
            "start_date_1": today.month,
            "start_date_2": today.year,
        },
    )
    assert r.status_code == 200 and re.search(
        "Select a valid choice|teaching assistant", r.content.decode()
    )
    assignment = PupilAssignment.objects.get(pupil=world.dan)
    c.post(reverse("assignment_end", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.end_date == today
