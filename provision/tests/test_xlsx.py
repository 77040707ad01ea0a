"""Spreadsheets (issue 4): the provision map and a pupil's costed map as xlsx, the import template,
and the import itself: all or nothing, with problems named by row and column, bounded in size.
The parsers of the import are property-tested."""

import contextlib
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from audit.models import AuditAction, AuditEvent
from provision.models import Enrolment, Intervention, Provision, StaffRole
from provision.services import importing
from provision.services.importing import ImportFailed
from provision.tests.test_reports import YEAR, build_example, catalogue

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(response) -> Workbook:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(BytesIO(response.content))


def _client(world, who="senco") -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


# --- exports ----------------------------------------------------------------------------------


def test_map_xlsx_has_a_sheet_per_grouping_with_the_figures(world):
    build_example(world)
    book = _book(_client(world).get(reverse("provision_map_xlsx") + f"?year={YEAR}"))
    assert book.sheetnames == [
        "Summary",
        "By wave",
        "By area of need",
        "By year group",
        "By term",
        "Provisions",
        "Pupils",
    ]
    wave = _rows(book["By wave"])
    assert wave[0] == [
        "Wave",
        "Provisions",
        "Pupils",
        "Sessions delivered",
        "Sessions planned to date",
        "Fidelity",
        "Hours delivered",
        "Cost (£)",
    ]
    assert wave[1] == ["Wave 2: targeted", 1, 2, 2, 9, pytest.approx(2 / 9), 1, 48]
    assert wave[2] == ["Wave 3: specialist", 1, 1, 2, 8, 0.25, 2, 96]
    assert book["By wave"]["H2"].number_format == '"£"#,##0.00'
    provisions = _rows(book["Provisions"])
    assert [r[0] for r in provisions[1:]] == ["Reading group B", "ELSA with Dan"]
    pupils = {r[2]: r for r in _rows(book["Pupils"])[1:]}
    assert pupils["Amy"][-1] == 28.5 and pupils["Ben"][-1] == 19.5 and pupils["Dan"][-1] == 96
    summary = dict((r[0], r[1]) for r in _rows(book["Summary"])[1:])
    assert summary["Cost (£)"] == 144 and summary["Pupils"] == 3
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="Provision map")
    assert event.data["format"] == "xlsx"


def test_the_governors_map_xlsx_has_no_pupils_sheet(world):
    build_example(world)
    book = _book(_client(world, "governor").get(reverse("provision_map_xlsx") + f"?year={YEAR}"))
    assert "Pupils" not in book.sheetnames
    assert not any(
        "Amy" in str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row
    )


def test_map_xlsx_follows_the_filters(world):
    build_example(world)
    url = reverse("provision_map_xlsx") + f"?year={YEAR}&nc_year=4"
    book = _book(_client(world, "slt").get(url))
    assert [r[0] for r in _rows(book["Provisions"])[1:]] == ["ELSA with Dan"]
    assert [r[2] for r in _rows(book["Pupils"])[1:]] == ["Dan"]


def test_costed_map_xlsx(world):
    build_example(world)
    url = reverse("pupil_costed_map_xlsx", args=[world.amy.pk]) + f"?year={YEAR}"
    book = _book(_client(world).get(url))
    rows = _rows(book["Costed provision map"])
    assert rows[0][:2] == ["Intervention", "Provision"]
    assert rows[1][:2] == ["Catch Up Literacy", "Reading group B"]
    assert rows[1][-2:] == [55.5, 28.5]
    assert rows[-1][0] == "Total" and rows[-1][-2:] == [55.5, 28.5]
    about = dict((r[0], r[1]) for r in _rows(book["Pupil"])[1:])
    assert about["UPN"] == world.amy.upn and about["EHC top-up funding for the year (£)"] == (
        "None recorded"
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, pupil_id=world.amy.pk, data__format="xlsx"
    ).exists()


# --- the import template ----------------------------------------------------------------------


def test_template_has_a_header_row_instructions_and_the_schools_lists(world):
    StaffRole.objects.create(school=world.oak, name="TA level 2", kind="ta2", hourly_cost=18)
    Intervention.objects.create(school=world.oak, name="Oak phonics boost", area="CL")
    catalogue("Catch Up Literacy", "CL")
    book = _book(_client(world).get(reverse("provision_import_template")))
    assert book.sheetnames[:2] == ["Provisions", "Instructions"]
    header = _rows(book["Provisions"])
    assert header == [[c.header for c in importing.COLUMNS]]
    instructions = " ".join(str(c) for r in _rows(book["Instructions"]) for c in r if c)
    for column in importing.COLUMNS:
        assert column.header in instructions and column.help in instructions
    roles = [r[0] for r in _rows(book["Staff roles"])[1:]]
    assert roles == ["TA level 2"]
    interventions = [r[0] for r in _rows(book["Interventions"])[1:]]
    assert "Oak phonics boost" in interventions and "Catch Up Literacy" in interventions


@pytest.mark.parametrize("who", ["slt", "governor", "teacher"])
def test_only_the_senco_imports(world, who):
    client = _client(world, who)
    assert client.get(reverse("provision_import")).status_code == 403
    assert client.get(reverse("provision_import_template")).status_code == 403


# --- importing --------------------------------------------------------------------------------


@pytest.fixture
def roles(world):
    catalogue("Catch Up Literacy", "CL")
    catalogue("ELSA (Emotional Literacy Support)", "SEMH")
    return {
        "ta": StaffRole.objects.create(
            school=world.oak, name="TA level 2", kind="ta2", hourly_cost=18
        ),
        "teacher": StaffRole.objects.create(
            school=world.oak, name="Teacher", kind="teacher", hourly_cost=42
        ),
    }


def _row(world, **changes) -> dict:
    row = {
        "Provision name": "Year 5 reading group",
        "Intervention": "catch up literacy",
        "Wave": 2,
        "Staff username or email": "ta@example.org",
        "Staff role": "TA level 2",
        "Weekdays": "Mon, Wed",
        "Start time": time(9, 15),
        "Minutes": 30,
        "Start date": datetime(2025, 9, 8),  # noqa: DTZ001 (what openpyxl gives for a date cell)
        "End date": "12/12/2025",
        "Location": "Library",
        "Resource cost": "£45.50",
        "Licence cost": None,
        "Pupils (UPNs)": f"{world.amy.upn}, {world.ben.upn}",
    }
    row.update(changes)
    return row


def _upload(rows: list[dict], *, headers: list[str] | None = None) -> SimpleUploadedFile:
    book = Workbook()
    ws = book.active
    ws.title = "Provisions"
    headers = headers or [c.header for c in importing.COLUMNS]
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("provision.xlsx", buffer.getvalue(), content_type=XLSX)


def _import(world, upload):
    return _client(world).post(reverse("provision_import"), {"file": upload}, follow=True)


def test_a_good_file_is_imported_and_audited(world, roles):
    rows = [
        _row(world),
        _row(
            world,
            **{
                "Provision name": "ELSA with Dan",
                "Intervention": "ELSA (Emotional Literacy Support)",
                "Wave": "Wave 3",
                "Staff username or email": "",
                "Staff role": "teacher",
                "Weekdays": "Friday",
                "Start time": "14:00",
                "Minutes": None,
                "Start date": "2025-09-12",
                "End date": date(2025, 10, 17),
                "Resource cost": None,
                "Licence cost": 12,
                "Pupils (UPNs)": world.dan.upn,
            },
        ),
    ]
    response = _import(world, _upload(rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Imported 2 provisions with 3 pupil enrolments" in html
    reading = Provision.objects.get(name="Year 5 reading group")
    assert reading.intervention.name == "Catch Up Literacy" and reading.wave == "targeted"
    assert reading.staff == world.users["ta"] and reading.staff_role == roles["ta"]
    assert reading.weekdays == [0, 2] and reading.start_time == time(9, 15)
    assert (reading.start_date, reading.end_date) == (date(2025, 9, 8), date(2025, 12, 12))
    assert reading.resource_cost == Decimal("45.50") and reading.licence_cost == 0
    assert reading.location == "Library"
    assert set(reading.enrolments.values_list("pupil__legal_forename", flat=True)) == {"Amy", "Ben"}
    elsa = Provision.objects.get(name="ELSA with Dan")
    assert elsa.wave == "specialist" and elsa.staff is None and elsa.weekdays == [4]
    assert elsa.session_minutes == elsa.intervention.session_minutes  # blank: the usual length
    assert elsa.enrolments.get().start_date == date(2025, 9, 12)
    summary = AuditEvent.objects.get(object_type="Provision import")
    assert summary.data["provision_ids"] == f"{reading.pk},{elsa.pk}"
    assert summary.data["enrolments"] == 3
    # Each provision and enrolment is audited as if typed in.
    assert (
        AuditEvent.objects.filter(object_type="provision.Provision", action="create").count() == 2
    )
    assert AuditEvent.objects.filter(object_type="provision.Enrolment").count() == 3


def _problems(world, rows, **kw) -> list[str]:
    response = _import(world, _upload(rows, **kw))
    assert response.status_code == 200
    assert not Provision.objects.exists() and not Enrolment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="Provision import").exists()
    return [str(p) for p in response.context["problems"]]


def test_one_bad_row_means_nothing_is_written(world, roles):
    rows = [
        _row(world),
        _row(world, **{"Start date": "31/02/2025"}),
        _row(world, **{"Intervention": "Reading Recovery Plus"}),
        _row(world, **{"Pupils (UPNs)": f"{world.amy.upn}, {world.cara.upn}, X000000000000"}),
        _row(world, **{"Start date": "01/10/2025", "End date": "01/09/2025"}),
        _row(world),
    ]
    problems = _problems(world, rows)
    assert problems == [
        "Row 3, column ‘Start date’: ‘31/02/2025’ is not a date: write it like 08/09/2025 "
        "(day/month/year)",
        "Row 4, column ‘Intervention’: there is no intervention called ‘Reading Recovery Plus’ "
        "in the catalogue or your school's library: add it to the library first, or check the "
        "spelling",
        # Cara is at Elm: to Oak she is as unknown as a made-up UPN.
        f"Row 5, column ‘Pupils (UPNs)’: {world.cara.upn}, X000000000000 are not pupils at Oak "
        "Primary",
        "Row 6, column ‘End date’: the end date is before the start date",
    ]


def test_problems_name_each_column(world, roles):
    rows = [
        _row(
            world,
            **{
                "Provision name": "",
                "Wave": "4",
                "Staff username or email": "outsider@example.org",
                "Staff role": "Cleaner",
                "Weekdays": "Sat",
                "Start time": "25:00",
                "Minutes": "ten",
                "Resource cost": "-3",
                "Licence cost": "lots",
            },
        )
    ]
    problems = _problems(world, rows)
    columns = [p.split("column ‘")[1].split("’")[0] for p in problems]
    assert columns == [
        "Provision name",
        "Staff role",
        "Staff username or email",
        "Wave",
        "Weekdays",
        "Start time",
        "Minutes",
        "Resource cost",
        "Licence cost",
    ]
    assert all(p.startswith("Row 2, column") for p in problems)
    assert "the roles are: TA level 2, Teacher" in problems[1]


def test_a_missing_column_is_named(world, roles):
    headers = [c.header for c in importing.COLUMNS if c.header != "End date"]
    assert _problems(world, [_row(world)], headers=headers) == [
        "Row 1, column ‘End date’: this column is missing from the header row"
    ]


def test_a_file_that_is_not_a_workbook_is_refused(world, roles):
    fake = SimpleUploadedFile("provision.xlsx", b"UPN,Name\n", content_type=XLSX)
    response = _import(world, fake)
    assert [str(p) for p in response.context["problems"]] == [
        "The file is not an Excel workbook (.xlsx): download the template and fill it in"
    ]
    assert not Provision.objects.exists()


def test_the_file_size_and_rows_are_bounded(world, roles, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    problems = _problems(world, [_row(world)] * 4)
    assert problems == ["The file has more than 3 rows: split it into several files"]
    monkeypatch.setattr(importing, "MAX_BYTES", 1000)
    [problem] = _problems(world, [_row(world)])
    assert problem.startswith("The file is larger than")
    # A small zip that would unpack to a huge workbook is refused before openpyxl reads it.
    monkeypatch.setattr(importing, "MAX_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(importing, "MAX_UNZIPPED", 10_000)
    big = _upload([_row(world, **{"Location": "x" * 80})] * 3)
    with pytest.raises(ImportFailed) as failed:
        importing.read_rows(big, big.size or 0)
    assert "too large once unpacked" in str(failed.value.problems[0])


def test_an_empty_file_is_refused(world, roles):
    assert _problems(world, []) == ["The file has no provisions in it, below the header row"]


def test_a_rule_only_the_service_knows_rolls_everything_back(world, roles, monkeypatch):
    # A staff member who left the school between the checks and the write: the service refuses
    # and the whole import, including the rows already written, is rolled back.
    from provision import services

    real = services.provision_create
    calls = []

    def second_fails(**kw):
        calls.append(kw)
        if len(calls) == 2:
            from django.core.exceptions import ValidationError

            raise ValidationError({"end_date": ["The end date cannot be before the start date."]})
        return real(**kw)

    monkeypatch.setattr(services, "provision_create", second_fails)
    problems = _problems(world, [_row(world), _row(world)])
    assert problems == ["Row 3, column ‘End date’: the end date cannot be before the start date"]


def test_the_import_page_lists_the_problems(world, roles):
    response = _import(world, _upload([_row(world, **{"End date": "01/01/2025"})]))
    html = response.content.decode()
    assert "Nothing was imported: the file has 1 problem" in html
    assert "Row 2, column ‘End date’: the end date is before the start date" in html


# --- the parsers ------------------------------------------------------------------------------

DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@given(st.sets(st.integers(0, 4), min_size=1), st.sampled_from([", ", " and ", "/", " ", "; "]))
def test_weekdays_round_trip(days, sep):
    for name_of in (
        lambda d: DAY_NAMES[d],
        lambda d: DAY_NAMES[d][:3],
        lambda d: DAY_NAMES[d].upper(),
    ):
        text = sep.join(name_of(d) for d in sorted(days))
        assert importing.parse_weekdays(text) == sorted(days)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Fri", [0, 1, 2, 3, 4]),
        ("Tues to Thurs", [1, 2, 3]),
        ("daily", [0, 1, 2, 3, 4]),
        ("Weds", [2]),
        ("mon, mon", [0]),
    ],
)
def test_weekdays_forms(text, days):
    assert importing.parse_weekdays(text) == days


@pytest.mark.parametrize("text", ["", "Saturday", "Mo", "Fri-Mon", "Monkey", "Sun, Mon"])
def test_weekdays_refused(text):
    with pytest.raises(ValueError):
        importing.parse_weekdays(text)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_dates_round_trip(day):
    assert importing.parse_date(day) == day
    assert importing.parse_date(datetime(day.year, day.month, day.day)) == day  # noqa: DTZ001
    assert importing.parse_date(f"{day:%d/%m/%Y}") == day
    assert importing.parse_date(f"{day:%Y-%m-%d}") == day
    assert importing.parse_date(f"{day.day} {day:%B %Y}") == day


def test_a_date_typed_as_a_number_or_in_another_century():
    assert importing.parse_date(45908) == date(2025, 9, 8)  # Excel's day number
    with pytest.raises(ValueError, match="not a date this century"):
        importing.parse_date("08/09/2205")


@given(st.text(max_size=20))
def test_any_text_is_a_date_or_a_plain_error(text):
    try:
        importing.parse_date(text)
    except ValueError as exc:
        assert "date" in str(exc)


@given(st.times())
def test_times_round_trip(t):
    minute = t.replace(second=0, microsecond=0)
    assert importing.parse_time(t) == minute
    assert importing.parse_time(f"{t:%H:%M}") == minute
    assert importing.parse_time((t.hour * 60 + t.minute) / 1440) == minute


@pytest.mark.parametrize(
    ("text", "t"), [("9.15", time(9, 15)), ("2:30pm", time(14, 30)), ("12:00am", time(0, 0))]
)
def test_time_forms(text, t):
    assert importing.parse_time(text) == t


@pytest.mark.parametrize("text", ["25:00", "9", "13:00pm", "noon"])
def test_times_refused(text):
    with pytest.raises(ValueError):
        importing.parse_time(text)


@given(st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2))
def test_money_round_trip(amount):
    assert importing.parse_money(amount) == amount
    assert importing.parse_money(f"£{amount:,}") == amount


@given(st.one_of(st.text(max_size=12), st.floats(allow_nan=True), st.integers()))
def test_money_is_never_negative_or_an_exception_other_than_valueerror(value):
    with contextlib.suppress(ValueError):
        assert importing.parse_money(value) >= 0


@given(st.integers(-5, 400))
def test_minutes(n):
    if 1 <= n <= 300:
        assert importing.parse_minutes(n) == n and importing.parse_minutes(f"{n} mins") == n
    else:
        with pytest.raises(ValueError):
            importing.parse_minutes(n)


@pytest.mark.parametrize(
    ("value", "wave"),
    [
        (1, "universal"),
        (2.0, "targeted"),
        ("Wave 3", "specialist"),
        ("targeted", "targeted"),
        (None, "targeted"),
    ],
)
def test_waves(value, wave):
    assert importing.parse_wave(value) == wave


def test_upns_are_split_and_upper_cased():
    assert importing.parse_upns("a1, b2;C3\nb2  d4") == ["A1", "B2", "C3", "D4"]
