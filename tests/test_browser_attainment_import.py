"""Issue 18: the SENCo imports assessment data by keyboard only (Tab to each control, Enter or an
arrow key to act), with axe on every step. Bad files first: a missing column, then rows with an
unknown UPN, a score off the scale and a date outside the school's years, and a half-given
scale — each shown by row and column (or field), with nothing written. Then a good file whose
pupil column is chosen in the mapping step, a new subject's scale typed, the preview, the
import."""

from datetime import date

import pytest
from django.utils import timezone

from accounts import schooldates
from attainment.models import AssessmentPoint, Subject

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _tab_until(page, test: str, wanted: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement && document.activeElement.{test}") == wanted:
            return
    raise AssertionError(f"{wanted!r} cannot be reached with Tab")


def tab_to(page, element_id: str) -> None:
    _tab_until(page, "id", element_id)


def _upload(page, path) -> None:
    # A file chooser opens a native dialog a test cannot drive; the rest is keyboard.
    page.set_input_files("#id_file", str(path))
    tab_to(page, "upload")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Which column is which"


def _check(page) -> str:
    tab_to(page, "check-file")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page.locator("main").inner_text()


def test_import_by_keyboard_bad_files_then_a_good_one(
    page, live_server, world, login, axe_check, tmp_path
):
    Subject.objects.create(school=world.oak, name="Reading", min_score=0, max_score=40)
    today = timezone.localdate()
    first_day = date(schooldates.school_year_start(today), 9, 1)
    day = today.strftime("%d/%m/%Y")
    login(page, world.users["senco"])
    page.goto(live_server.url + "/staff/pupils-to-look-at/")
    axe_check(page)
    _tab_until(page, "textContent", "Import assessment data")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Import assessment data"
    axe_check(page)

    # 1. A missing column: the file has no score.
    missing = tmp_path / "missing.csv"
    missing.write_text(f"UPN,Subject,Date\n{world.amy.upn},Reading,{day}\n", encoding="utf-8")
    _upload(page, missing)
    axe_check(page)
    assert page.locator("#id_score").input_value() == ""  # nothing to guess it from
    text = _check(page)
    assert "Row 1, column Score: Say which column holds the score." in text
    assert page.locator("#import-confirm").count() == 0
    axe_check(page)

    # 2. Rows in error, each named by row and column.
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "UPN,Subject,Date,Score\n"
        f"A999999999999,Reading,{day},20\n"
        f"{world.amy.upn},Reading,{day},99\n"
        f"{world.ben.upn},Reading,01/01/2001,12\n"
        f"{world.dan.upn},Reading,{day},15\n",
        encoding="utf-8",
    )
    page.goto(live_server.url + "/staff/attainment/import/")
    _upload(page, bad)
    assert page.locator("#id_upn").input_value() == "UPN"  # guessed from the headers
    assert page.locator("#id_score").input_value() == "Score"
    text = _check(page)
    errors = page.locator("#import-errors").inner_text()
    assert "Nothing was imported: 3 problems to fix" in errors
    assert "Row 2, column UPN: No pupil at this school has UPN A999999999999." in errors
    assert "Row 3, column Score: 99 is off Reading's scale (0 to 40)." in errors
    assert "Row 4, column Date: 01/01/2001 is outside the school's years" in errors
    assert page.locator("#import-confirm").count() == 0
    axe_check(page)

    # 3. A field in error: only one end of a new subject's scale.
    tab_to(page, "id_new_min")
    page.keyboard.type("0")
    text = _check(page)
    assert (
        "Give both ends of the scale, or neither."
        in page.locator(".govuk-error-summary").first.inner_text()
    )
    axe_check(page)
    assert AssessmentPoint.objects.count() == 0  # nothing written by any of the bad files
    assert list(Subject.objects.values_list("name", flat=True)) == ["Reading"]

    # 4. A good file: the pupil's column has a name the mapping cannot guess, and a new subject.
    good = tmp_path / "good.csv"
    good.write_text(
        "Pupil number,Subject,Date,Mark\n"
        f"{world.amy.upn},Reading,{first_day:%d/%m/%Y},11\n"
        f"{world.amy.upn},Spelling,{day},14\n"
        f"{world.ben.upn},Spelling,{day},9\n",
        encoding="utf-8",
    )
    page.goto(live_server.url + "/staff/attainment/import/")
    _upload(page, good)
    axe_check(page)
    assert page.locator("#id_upn").input_value() == ""
    tab_to(page, "id_upn")
    page.keyboard.press("ArrowDown")  # from "Not in the file" to the first column
    assert page.locator("#id_upn").input_value() == "Pupil number"
    assert page.locator("#id_score").input_value() == "Mark"
    text = _check(page)
    assert "“Spelling” is not a subject of this school yet" in text
    tab_to(page, "id_new_min")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("0")
    tab_to(page, "id_new_max")
    page.keyboard.type("20")
    _check(page)
    preview = page.locator("#import-preview").inner_text()
    assert "3 assessment points to add, 0 to update, 0 unchanged; new subject: Spelling" in preview
    assert AssessmentPoint.objects.count() == 0  # the preview writes nothing
    assert not Subject.objects.filter(name="Spelling").exists()
    axe_check(page)
    tab_to(page, "import-confirm")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Imported 3 new assessment points, 0 updated (0 unchanged)." in banner
    axe_check(page)
    spelling = Subject.objects.get(school=world.oak, name="Spelling")
    assert (spelling.min_score, spelling.max_score) == (0, 20)
    got = set(AssessmentPoint.objects.values_list("pupil__upn", "subject__name", "assessed_on",
                                                  "score"))  # fmt: skip
    assert got == {
        (world.amy.upn, "Reading", first_day, 11.0),
        (world.amy.upn, "Spelling", today, 14.0),
        (world.ben.upn, "Spelling", today, 9.0),
    }
