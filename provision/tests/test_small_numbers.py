"""Small numbers for figure-only readers (issue 12 item 9) on every surface they read: the
provision map (page, xlsx, PDF), impact for cost and the budget as the SEN governor, and the
schools overview as an LA officer and a trust officer. The SENCo and senior leaders keep exact
figures and names. The example is test_reports' (Reading group B: Amy and Ben; ELSA with Dan:
Dan alone; three pupils in all)."""

import io
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from provision.tests.test_reports import POPPLER, URLS, _get, _pdf_text, build_example

pytestmark = pytest.mark.django_db

ONE_TO_ONE = "1:1 — ELSA (Emotional Literacy Support)"


@pytest.fixture
def example(world):
    return build_example(world)


def _cells(response) -> list[list[object]]:
    book = load_workbook(io.BytesIO(response.content))
    return [[c for c in row] for ws in book.worksheets for row in ws.iter_rows(values_only=True)]


def _row(rows, first):
    return next(r for r in rows if r and r[0] == first)


@pytest.mark.parametrize("page", ["map", "impact"])
def test_the_governor_reads_no_small_count_and_no_one_pupil_name(example, world, page):
    html = _get(world, "governor", URLS[page]).content.decode()
    assert "ELSA with Dan" not in html and ONE_TO_ONE in html
    assert "fewer than 3" in html
    assert "Reading group B" in html  # two pupils: its name, but not its count


def test_the_governors_map_hides_the_provisions_count_but_not_the_total(example, world):
    html = _get(world, "governor", URLS["map"]).content.decode()
    rows = re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", html, re.S)
    reading = next(r for r in rows if "Reading group B" in r)
    assert "fewer than 3" in reading and not re.search(r">\s*2\s*<", reading)
    assert re.search(r'sp-count__value">3</span>pupils', html)  # three in all: shown


@pytest.mark.parametrize("who", ["senco", "slt"])
@pytest.mark.parametrize("page", ["map", "impact", "budget"])
def test_the_senco_and_senior_leaders_keep_exact_figures(example, world, who, page):
    html = _get(world, who, URLS[page]).content.decode()
    assert "fewer than 3" not in html
    if page != "budget":
        assert "ELSA with Dan" in html and ONE_TO_ONE not in html


def test_the_governors_map_workbook(example, world):
    rows = _cells(_get(world, "governor", URLS["map_xlsx"]))
    flat = [c for r in rows for c in r]
    assert "ELSA with Dan" not in flat and ONE_TO_ONE in flat
    assert _row(rows, ONE_TO_ONE)[8] == "fewer than 3"  # the Pupils column
    assert _row(rows, "Reading group B")[8] == "fewer than 3"
    assert _row(rows, "Pupils")[1] == 3
    small = [r[2] for r in rows if r and r[0] in ("Wave 3: specialist", "Year 4")]
    assert small and set(small) == {"fewer than 3"}  # by wave and by year group: Dan alone


def test_the_senco_map_workbook_is_exact(example, world):
    rows = _cells(_get(world, "senco", URLS["map_xlsx"]))
    assert _row(rows, "ELSA with Dan")[8] == 1 and _row(rows, "Reading group B")[8] == 2
    assert "fewer than 3" not in [c for r in rows for c in r]


@pytest.mark.skipif(not POPPLER, reason="needs poppler's pdftotext")
def test_the_governors_map_pdf(example, world, tmp_path):
    text = _pdf_text(_get(world, "governor", URLS["map_pdf"]).content, tmp_path)
    flat = " ".join(text.split())
    assert "ELSA with Dan" not in flat and "1:1 — ELSA" in flat
    assert "fewer than 3" in flat and "for 3 pupils" in flat


@pytest.mark.skipif(not POPPLER, reason="needs poppler's pdftotext")
def test_the_senco_map_pdf_is_exact(example, world, tmp_path):
    text = _pdf_text(_get(world, "senco", URLS["map_pdf"]).content, tmp_path)
    assert "ELSA with Dan" in text and "fewer than 3" not in text


def test_the_governors_budget(example, world):
    html = _get(world, "governor", URLS["budget"]).content.decode()
    assert "fewer than 3" in html  # the waves' rows: two pupils and one


@override_settings(SENDPATH_SMALL_NUMBER_THRESHOLD=5)
def test_the_threshold_is_a_setting(example, world):
    html = _get(world, "governor", URLS["map"]).content.decode()
    assert "fewer than 5" in html and "fewer than 3" not in html


@pytest.mark.parametrize("who", ["la_officer", "trust_officer"])
def test_the_overview_reads_fewer_than_3(world, who):
    html = _get(world, who, reverse("overview_home")).content.decode()
    table = html.split('id="schools"', 1)[1].split("</table>", 1)[0]
    assert "fewer than 3" in html
    cells = re.findall(r"numeric\">([^<]*)</td>", table)
    assert cells and not {"1", "2"} & set(cells)
    needs = html.split("Primary needs", 1)[1]
    assert not re.search(r"\): [12]</li>", needs)
