"""Importing assessment points: `sendpath import-attainment` and the service under it. Bad input
names its row and column, and nothing is written."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from attainment.models import AssessmentPoint, Subject
from attainment.services import ImportFailed, NewScale, import_points
from people.tables import Table


def _csv(tmp_path, text: str):
    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _run(path, *args: str) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("import-attainment", str(path), *args, "--json", stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def _day(days_ago: int = 0) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


@pytest.mark.django_db
def test_a_file_imports_and_a_second_run_changes_nothing(world, tmp_path) -> None:
    path = _csv(tmp_path, f"UPN,Subject,Date,Score\n{world.amy.upn},Maths,{_day()},101\n"
                          f"{world.ben.upn},Maths,{_day()},99.5\n")  # fmt: skip
    code, result = _run(path, "--school", world.oak.urn, "--scale", "80:120")
    assert code == 0 and result == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    maths = Subject.objects.get(school=world.oak, name="Maths")
    assert (maths.min_score, maths.max_score, maths.lower_is_better) == (80, 120, False)
    assert sorted(AssessmentPoint.objects.values_list("score", flat=True)) == [99.5, 101]
    code, again = _run(path, "--school", world.oak.urn)
    assert again == {"created": 0, "updated": 0, "unchanged": 2, "errors": []}


@pytest.mark.django_db
def test_a_point_sent_again_with_another_score_is_updated_not_created(world, tmp_path) -> None:
    first = _csv(tmp_path, f"UPN,Subject,Date,Score\n{world.amy.upn},Maths,{_day()},101\n"
                           f"{world.ben.upn},Maths,{_day()},99\n")  # fmt: skip
    assert _run(first, "--school", world.oak.urn, "--scale", "80:120")[0] == 0
    second = _csv(tmp_path, f"UPN,Subject,Date,Score\n{world.amy.upn},Maths,{_day()},105\n"
                            f"{world.ben.upn},Maths,{_day()},99\n"
                            f"{world.dan.upn},Maths,{_day()},90\n")  # fmt: skip
    code, result = _run(second, "--school", world.oak.urn)
    assert code == 0
    assert result == {"created": 1, "updated": 1, "unchanged": 1, "errors": []}
    assert AssessmentPoint.objects.filter(pupil=world.amy).get().score == 105
    assert AssessmentPoint.objects.count() == 3


@pytest.mark.django_db
def test_columns_can_be_named_and_a_dry_run_writes_nothing(world, tmp_path) -> None:
    path = _csv(tmp_path, f"Pupil number,Area,When,Mark\n{world.amy.upn},Reading,{_day()},3\n")
    code, result = _run(path, "--school", world.oak.urn, "--columns",
                        "upn=Pupil number,subject=Area,date=When,score=Mark",
                        "--scale", "0:40", "--lower-is-better", "--dry-run")  # fmt: skip
    assert code == 0 and result["created"] == 1
    assert not AssessmentPoint.objects.exists() and not Subject.objects.exists()


@pytest.mark.django_db
def test_a_missing_column_is_named_and_nothing_is_written(world, tmp_path) -> None:
    path = _csv(tmp_path, f"UPN,Subject,Date\n{world.amy.upn},Maths,{_day()}\n")
    code, result = _run(path, "--school", world.oak.urn, "--scale", "80:120")
    assert code == 1 and result["created"] == 0
    assert result["errors"] == [
        {"row": 1, "column": "Score", "message": "Say which column holds the score."}
    ]
    path = _csv(tmp_path, f"UPN,Subject,Date\n{world.amy.upn},Maths,{_day()}\n")
    code, result = _run(path, "--school", world.oak.urn, "--columns", "score=Result")
    assert result["errors"][0]["column"] == "Result"
    assert "no column “Result”" in result["errors"][0]["message"]
    assert not AssessmentPoint.objects.exists()


@pytest.mark.django_db
def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(world, tmp_path) -> None:
    too_early = (timezone.localdate() - timedelta(days=800)).isoformat()
    path = _csv(
        tmp_path,
        "UPN,Subject,Date,Score\n"
        f"{world.amy.upn},Maths,{_day()},101\n"
        "A820200199999,Maths,{_day()},100\n".replace("{_day()}", _day())
        + f"{world.ben.upn},Maths,{_day()},140\n"
        f"{world.dan.upn},Maths,{too_early},100\n"
        f"{world.cara.upn},Maths,{_day()},100\n",
    )
    code, result = _run(path, "--school", world.oak.urn, "--scale", "80:120")
    assert code == 1
    where = [(e["row"], e["column"]) for e in result["errors"]]
    assert where == [(3, "UPN"), (4, "Score"), (5, "Date"), (6, "UPN")]
    messages = [e["message"] for e in result["errors"]]
    assert messages[0] == "No pupil at this school has UPN A820200199999."
    assert messages[1] == "140 is off Maths's scale (80 to 120)."
    assert "outside the school's years" in messages[2]
    assert world.cara.upn in messages[3]  # Elm's pupil is not Oak's
    assert not AssessmentPoint.objects.exists() and not Subject.objects.exists()


@pytest.mark.django_db
def test_an_unknown_subject_needs_a_scale(world, tmp_path) -> None:
    path = _csv(tmp_path, f"UPN,Subject,Date,Score\n{world.amy.upn},Maths,{_day()},101\n")
    code, result = _run(path, "--school", world.oak.urn)
    assert code == 1 and result["errors"][0]["column"] == "Subject"
    assert "give its scale" in result["errors"][0]["message"]


@pytest.mark.django_db
def test_bands_and_names_with_dates_of_birth(world) -> None:
    writing = Subject.objects.create(school=world.oak, name="Writing", kind="bands",
                                     min_score=1, max_score=3,
                                     bands={"WTS": 1, "EXS": 2, "GDS": 3})  # fmt: skip
    dob = world.amy.date_of_birth.strftime("%d/%m/%Y")
    table = Table(
        ["Forename", "Surname", "DOB", "Subject", "Date", "Score"],
        [
            ["amy", "ADAMS", dob, "writing", _day(), "exs"],
            ["Ben", "Brown", dob, "Writing", _day(), "GDS"],
        ],
    )
    columns = {"forename": "Forename", "surname": "Surname", "dob": "DOB", "subject": "Subject",
               "date": "Date", "score": "Score"}  # fmt: skip
    result = import_points(school=world.oak, table=table, columns=columns,
                           today=timezone.localdate(), by=world.users["senco"])  # fmt: skip
    assert result.created == 2
    assert dict(AssessmentPoint.objects.values_list("pupil__legal_forename", "score")) == {
        "Amy": 2.0, "Ben": 3.0,
    }  # fmt: skip
    assert writing.points.count() == 2
    table.rows[0][5] = "Expected"
    with pytest.raises(ImportFailed) as failed:
        import_points(school=world.oak, table=table, columns=columns,
                      today=timezone.localdate(), by=None, new_scale=NewScale(1, 3))  # fmt: skip
    assert (
        failed.value.result.errors[0].message
        == "“Expected” is not a score or one of WTS, EXS, GDS."
    )


@pytest.mark.django_db
def test_an_xlsx_file_with_date_cells_imports(world, tmp_path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    today = timezone.localdate()
    book = Workbook()
    sheet = book.active
    sheet.append(["UPN", "Subject", "Date", "Score"])
    sheet.append([world.amy.upn, "Maths", datetime(today.year, today.month, today.day), 101])  # noqa: DTZ001 (a calendar date as xlsx keeps it)
    sheet.append([world.ben.upn, "Maths", today.strftime("%d/%m/%Y"), 99.5])
    path = tmp_path / "points.xlsx"
    book.save(path)
    code, result = _run(path, "--school", world.oak.urn, "--scale", "80:120")
    assert code == 0 and result == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    assert set(AssessmentPoint.objects.values_list("pupil__upn", "assessed_on", "score")) == {
        (world.amy.upn, today, 101.0),
        (world.ben.upn, today, 99.5),
    }


@pytest.mark.django_db
def test_with_json_a_wrong_file_school_or_option_is_still_the_issues_json(world, tmp_path) -> None:
    good = _csv(tmp_path, f"UPN,Subject,Date,Score\n{world.amy.upn},Maths,{_day()},101\n")
    for path, args, said in (
        (tmp_path / "missing.csv", ("--school", world.oak.urn), "No such file"),
        (good, ("--school", "999999"), "No school has URN 999999"),
        (good, ("--school", world.oak.urn, "--columns", "colour=Colour"), "--columns"),
        (good, ("--school", world.oak.urn, "--scale", "120:80"), "--scale"),
    ):
        code, result = _run(path, *args)
        assert code == 1, args
        assert result["created"] == result["updated"] == result["unchanged"] == 0
        [error] = result["errors"]
        assert error["row"] == 0 and error["column"] == "" and said in error["message"], args
    assert not AssessmentPoint.objects.exists()
