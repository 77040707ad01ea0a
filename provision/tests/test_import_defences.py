"""The provision import refuses a damaged workbook and an entity bomb with a problem list, and
writes nothing; a member of staff whose username is their email is found once (issue 12, item 10)."""

import time
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role, User
from provision.models import Provision
from provision.tests.test_xlsx import XLSX, _import, _row, _upload, roles  # noqa: F401
from sendpath.testing import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

SHEET = "xl/worksheets/sheet1.xml"

# openpyxl reads a sheet's XML in 16 KB chunks as the rows are asked for, so a fault far enough in
# is met while iterating the rows, after the workbook has opened: that is where the 500 was.
LONG = "x" * 30_000  # openpyxl keeps at most 32,767 characters in a cell

LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
LAUGH_ROW = '<row r="3"><c r="A3" t="inlineStr"><is><t>&lol9;</t></is></c></row>'


def _sheet(world) -> tuple[zipfile.ZipFile, str]:
    """A good one-row upload (with a long location, so the sheet's XML is long) and its sheet."""
    upload = _upload([_row(world, Location=LONG)])
    archive = zipfile.ZipFile(BytesIO(upload.read()))
    return archive, archive.read(SHEET).decode()


def _with_sheet(archive: zipfile.ZipFile, xml: str) -> SimpleUploadedFile:
    """The same upload with its first sheet's XML replaced."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in archive.infolist():
            dst.writestr(info, xml if info.filename == SHEET else archive.read(info))
    return SimpleUploadedFile("provision.xlsx", out.getvalue(), content_type=XLSX)


def _bomb(xml: str) -> str:
    assert xml.startswith("<worksheet ")  # no XML declaration: the DOCTYPE goes first
    return LAUGHS + xml.replace("</sheetData>", LAUGH_ROW + "</sheetData>")


def _refused(world, upload) -> list[str]:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["senco"])
    response = client.post(reverse("provision_import"), {"file": upload})
    assert response.status_code == 200
    assert not Provision.objects.exists()
    return [str(p) for p in response.context["problems"]]


@pytest.mark.parametrize(
    "damage",
    [
        lambda xml: xml[: len(xml) * 3 // 4],  # cut short
        lambda xml: xml.replace("</sheetData>", "<row r='3'><c r='A3'><</sheetData>"),
        lambda xml: xml.replace(LONG, LONG + "\x01"),  # a character XML forbids
    ],
    ids=["cut-short", "broken-tag", "forbidden-character"],
)
def test_a_damaged_sheet_is_a_problem_not_an_error(world, damage):
    archive, xml = _sheet(world)
    problems = _refused(world, _with_sheet(archive, damage(xml)))
    assert len(problems) == 1 and "cannot be read" in problems[0], problems


def test_an_entity_bomb_is_refused_quickly(world):
    archive, xml = _sheet(world)
    started = time.monotonic()
    problems = _refused(world, _with_sheet(archive, _bomb(xml)))
    assert time.monotonic() - started < 5
    assert len(problems) == 1 and "cannot be read" in problems[0], problems


def test_the_long_good_file_itself_is_read(world):
    """The control: undamaged, the same file gets as far as checking its rows."""
    archive, xml = _sheet(world)
    problems = _refused(world, _with_sheet(archive, xml))
    assert problems == ["Row 2, column ‘Location’: the location is longer than 80 characters"]


def test_staff_whose_username_is_their_email_are_found_once(world):
    user = User.objects.create_user("jo@example.org", "jo@example.org", PASSWORD)
    Membership.objects.create(user=user, role=Role.TEACHING_ASSISTANT, school=world.oak)
    response = _import(
        world, _upload([_row(world, **{"Staff username or email": "JO@example.org"})])
    )
    assert "Imported 1 provision" in response.content.decode(), response.context.get("problems")
    assert Provision.objects.get().staff == user
