"""Import a provision list from the xlsx template the app provides (import/template.xlsx).

All or nothing: every row is read and checked first, and one bad row means nothing is written; the
problems are listed by row number and column name ("Row 4, column ‘End date’: the end date is
before the start date"). A good file is written in one transaction through the provision services
(provision_create, enrol), so each provision and enrolment is checked and audited exactly as if it
had been typed in, and the import itself is audited once more with what it created.

The file is bounded (MAX_BYTES, MAX_ROWS, and the unzipped size, so a small zip cannot expand to
gigabytes in memory). The parsers are pure functions that raise ValueError with the words shown to
the user; they are property-tested in provision/tests/test_xlsx.py.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

import access
from accounts.models import Membership, School, User
from audit import log as audit
from audit.models import AuditAction
from provision import services
from provision.models import Intervention, Provision, StaffRole, Wave
from pupils.models import Pupil

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_UNZIPPED = 40 * 1024 * 1024
SHEET = "Provisions"
MAX_COST = Decimal("9999999.99")  # the model's nine digits, two after the point


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("name", "Provision name", True, "What the school calls it.", "Year 3 reading group B"),
    Column(
        "intervention",
        "Intervention",
        True,
        "An intervention in the built-in catalogue or your school's library, named as it is "
        "listed there (capitals do not matter). Add your own to the library first.",
        "Catch Up Literacy",
    ),
    Column(
        "wave",
        "Wave",
        False,
        "1, 2 or 3 (or universal, targeted, specialist). Left blank: wave 2, targeted.",
        "2",
    ),
    Column(
        "staff",
        "Staff username or email",
        False,
        "The adult who delivers it: their sendpath username or email. They must have a staff "
        "role at the school. May be left blank.",
        "j.smith@school.example",
    ),
    Column(
        "staff_role",
        "Staff role",
        True,
        "One of your school's staff roles, named as on the staff roles page: it sets the "
        "hourly cost.",
        "TA level 2",
    ),
    Column(
        "weekdays",
        "Weekdays",
        True,
        "The school days sessions happen, for example ‘Mon, Wed’, ‘Tuesday and Thursday’ or "
        "‘Mon-Fri’.",
        "Mon, Wed, Fri",
    ),
    Column("start_time", "Start time", False, "24-hour clock, for example 09:15.", "09:15"),
    Column(
        "minutes",
        "Minutes",
        False,
        f"How long each session lasts, 1 to {services.LONGEST_SESSION}. Left blank: the "
        "intervention's usual length.",
        "30",
    ),
    Column(
        "start_date", "Start date", True, "Day/month/year, for example 08/09/2025.", "08/09/2025"
    ),
    Column(
        "end_date", "End date", True, "Day/month/year, on or after the start date.", "12/12/2025"
    ),
    Column("location", "Location", False, "Where it happens. May be left blank.", "Library"),
    Column(
        "resource_cost",
        "Resource cost",
        False,
        "Books and materials bought for it, in pounds. Left blank: 0.",
        "45.00",
    ),
    Column("licence_cost", "Licence cost", False, "Licences or training, in pounds.", "0"),
    Column(
        "pupils",
        "Pupils (UPNs)",
        False,
        "The pupils in it: their UPNs, separated by commas. Each must be a pupil at the school. "
        "They join on the start date.",
        "A123456789012, B123456789012",
    ),
)
HEADERS = {c.key: c.header for c in COLUMNS}


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: a spreadsheet row number (the header is row 1) and column."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column ‘{self.column}’")
        if not where:
            return self.message[:1].upper() + self.message[1:]
        return f"{', '.join(where)}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class CheckedRow:
    row: int
    intervention: Intervention
    values: dict[str, Any]  # services.PROVISION_FIELDS
    pupils: list[Pupil]


@dataclass
class ImportResult:
    provisions: list[Provision] = field(default_factory=list)
    enrolments: int = 0

    @property
    def summary(self) -> str:
        n, e = len(self.provisions), self.enrolments
        return (
            f"Imported {n} provision{'s' if n != 1 else ''} with {e} pupil "
            f"enrolment{'s' if e != 1 else ''}."
        )


# --- parsers: a cell's value to a Python value, or ValueError in the user's words -------------

_WEEKDAY_ERROR = "write the days like ‘Mon, Wed’ or ‘Monday and Thursday’"


_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT_DAYS = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}


def _day(token: str) -> int:
    token = token.rstrip(".")
    day = _SHORT_DAYS.get(token)
    if day is None and len(token) >= 3:
        day = next((i for i, name in enumerate(_FULL_DAYS) if name.startswith(token)), None)
    if day is None:
        raise ValueError(f"‘{token}’ is not a day of the week: {_WEEKDAY_ERROR}")
    if day > 4:
        raise ValueError("sessions happen on school days, Monday to Friday")
    return day


def parse_weekdays(value: Any) -> list[int]:
    """‘Mon, Wed’, ‘Monday and Wednesday’, ‘Mon/Wed’, ‘Mon-Fri’, ‘daily’ -> [0, 2] etc."""
    text = str(value or "").strip().lower()
    if not text:
        raise ValueError(f"say which days the sessions happen: {_WEEKDAY_ERROR}")
    if text in {"daily", "every day", "each day"}:
        return [0, 1, 2, 3, 4]
    text = re.sub(r"\s*(?:–|—|\bto\b)\s*", "-", text)
    days: set[int] = set()
    for token in re.split(r"(?:[,;/&+]|\band\b|\s)+", text):
        if not token:
            continue
        if "-" in token:
            first, _, last = token.partition("-")
            a, b = _day(first), _day(last)
            if a > b:
                raise ValueError(f"‘{token}’ runs backwards: write it like ‘Mon-Fri’")
            days.update(range(a, b + 1))
        else:
            days.add(_day(token))
    if not days:
        raise ValueError(f"say which days the sessions happen: {_WEEKDAY_ERROR}")
    return sorted(days)


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d/%m/%y")


def parse_date(value: Any) -> date:
    """A date cell, or text like 08/09/2025 (day first, as in England) or 2025-09-08."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 36526 <= value < 73051:
        value = from_excel(value)  # a date cell formatted as a number: Excel's day count
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _school_era(value)
    text = re.sub(r"\s+", " ", str(value or "").strip())
    if not text:
        raise ValueError("give a date, for example 08/09/2025")
    for fmt in _DATE_FORMATS:
        try:
            day = datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
        return _school_era(day)
    raise ValueError(f"‘{text}’ is not a date: write it like 08/09/2025 (day/month/year)")


def _school_era(day: date) -> date:
    # A typing slip (2205 for 2025) should not become a provision two centuries away.
    if not 2000 <= day.year <= 2099:
        raise ValueError(f"{day:%d/%m/%Y} is not a date this century: check the year")
    return day


def parse_time(value: Any) -> time | None:
    """A time cell, a fraction of a day (Excel's own), or text like 9:15, 09.15 or 2:30pm."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60 % 24, minutes % 60)
    text = str(value).strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(am|pm)?", text)
    if match:
        hour, minute, half = int(match[1]), int(match[2]), match[3]
        if half and 1 <= hour <= 12:
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour < 24 and minute < 60 and (not half or int(match[1]) <= 12):
            return time(hour, minute)
    raise ValueError(f"‘{value}’ is not a time: write it like 09:15")


def parse_minutes(value: Any) -> int | None:
    """Whole minutes from 1 to services.LONGEST_SESSION; blank means the intervention's usual."""
    if value in (None, ""):
        return None
    text = str(value).strip().lower().removesuffix("minutes").removesuffix("mins").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal(-1)
    if (
        not number.is_finite()
        or number != number.to_integral_value()
        or not 1 <= number <= services.LONGEST_SESSION
    ):
        raise ValueError(
            f"give the session length in whole minutes, from 1 to {services.LONGEST_SESSION}"
        )
    return int(number)


def parse_money(value: Any) -> Decimal:
    """Pounds and pence, like 45, 45.50 or £1,200.00; blank means 0."""
    if value in (None, ""):
        return Decimal(0)
    text = str(value).strip().replace("£", "").replace(",", "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"‘{value}’ is not an amount in pounds: write it like 45.50") from None
    if not amount.is_finite():
        raise ValueError(f"‘{value}’ is not an amount in pounds: write it like 45.50")
    if amount < 0:
        raise ValueError("the cost cannot be negative")
    if amount > MAX_COST or amount != amount.quantize(Decimal("0.01")):
        raise ValueError("give the cost in pounds and pence, up to £9,999,999.99")
    return amount.quantize(Decimal("0.01"))


_WAVES = {
    "1": Wave.UNIVERSAL,
    "2": Wave.TARGETED,
    "3": Wave.SPECIALIST,
    **{w.value: w for w in Wave},
    **{w.label.lower(): w for w in Wave},
}


def parse_wave(value: Any) -> str:
    """1, 2 or 3, ‘Wave 2’, universal/targeted/specialist, or the full label; blank: wave 2."""
    if value in (None, ""):
        return Wave.TARGETED.value
    text = str(value).strip().lower()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    text = text.removeprefix("wave").strip()
    wave = _WAVES.get(text)
    if wave is None:
        raise ValueError(f"‘{value}’ is not a wave: write 1, 2 or 3")
    return wave.value


def parse_upns(value: Any) -> list[str]:
    """UPNs separated by commas, semicolons, spaces or new lines; upper-cased, each once."""
    seen: dict[str, None] = {}
    for token in re.split(r"[\s,;]+", str(value or "").upper()):
        if token:
            seen.setdefault(token)
    return list(seen)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- reading the workbook ---------------------------------------------------------------------


def read_rows(upload: IO[bytes], size: int) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column key: cell value}) for each row that is not blank."""
    if size > MAX_BYTES:
        raise ImportFailed([Problem(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")])
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise ImportFailed([Problem(_NOT_XLSX)])
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED:
            raise ImportFailed([Problem("the workbook is too large once unpacked")])
        upload.seek(0)
        book = load_workbook(upload, read_only=True, data_only=True)
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ImportFailed([Problem(_NOT_XLSX)]) from exc
    # In read-only mode the sheet's XML is parsed row by row as the rows are read, so a broken
    # sheet or an entity bomb (expat refuses it) fails here, not in load_workbook.
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        return _rows(sheet.iter_rows(max_row=MAX_ROWS + 2, values_only=True))
    except ImportFailed:
        raise
    except Exception as exc:
        raise ImportFailed([Problem(_UNREADABLE)]) from exc
    finally:
        book.close()


_NOT_XLSX = "the file is not an Excel workbook (.xlsx): download the template and fill it in"
_UNREADABLE = (
    "the workbook cannot be read (it may be damaged): open it in Excel, save it again and upload "
    "it, or fill in a fresh copy of the template"
)


def _rows(cells: Iterator[tuple[Any, ...]]) -> list[tuple[int, dict[str, Any]]]:
    header = next(cells, None)
    keys = _header_keys(header or ())
    out = []
    for number, values in enumerate(cells, start=2):
        if all(v in (None, "") or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if number > MAX_ROWS + 1:
            raise ImportFailed(
                [Problem(f"the file has more than {MAX_ROWS:,} rows: split it into several files")]
            )
        out.append((number, {k: values[i] for i, k in keys.items() if i < len(values)}))
    if not out:
        raise ImportFailed([Problem("the file has no provisions in it, below the header row")])
    return out


def _header_keys(header: Iterable[Any]) -> dict[int, str]:
    by_header = {c.header.lower(): c.key for c in COLUMNS}
    keys: dict[int, str] = {}
    for i, cell in enumerate(header):
        key = by_header.get(re.sub(r"\s+", " ", _text(cell)).lower())
        if key:
            keys[i] = key
    missing = [c.header for c in COLUMNS if c.required and c.key not in keys.values()]
    if missing:
        raise ImportFailed(
            [Problem("this column is missing from the header row", 1, m) for m in missing]
        )
    return keys


# --- checking every row -----------------------------------------------------------------------


@dataclass
class _Lookups:
    school: School
    interventions: dict[str, Intervention]
    roles: dict[str, StaffRole]
    staff: dict[str, list[User]]
    pupils: dict[str, Pupil]


def _lookups(school: School, rows: list[tuple[int, dict[str, Any]]]) -> _Lookups:
    """Everything the rows may name, in four queries."""
    interventions: dict[str, Intervention] = {}
    # The school's own come last so that they win over a catalogue entry of the same name.
    for i in Intervention.objects.filter(Q(school__isnull=True) | Q(school=school)).order_by(
        "-school_id"
    ):
        interventions.setdefault(i.name.strip().lower(), i)
    staff: dict[str, list[User]] = {}
    members = Membership.objects.filter(school=school, role__in=access.DELIVERING_ROLES)
    for user in {m.user for m in members.select_related("user")}:
        # A set of names: a username that is also the user's email names them once, not twice.
        for name in {user.get_username().lower(), (user.email or "").lower()} - {""}:
            staff.setdefault(name, []).append(user)
    upns = {u for _n, row in rows for u in parse_upns(row.get("pupils"))}
    return _Lookups(
        school=school,
        interventions=interventions,
        roles={r.name.strip().lower(): r for r in StaffRole.objects.filter(school=school)},
        staff=staff,
        pupils={p.upn: p for p in Pupil.objects.filter(school=school, upn__in=upns)},
    )


class _Row:
    """Checks one row, collecting a problem per column."""

    def __init__(self, number: int, raw: dict[str, Any]) -> None:
        self.number, self.raw, self.problems = number, raw, list[Problem]()

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(message, self.number, HEADERS[key]))

    def parse(self, key: str, parser: Any) -> Any:
        try:
            return parser(self.raw.get(key))
        except ValueError as exc:
            self.problem(key, str(exc))
            return None

    def required_text(self, key: str, what: str, longest: int) -> str:
        text = _text(self.raw.get(key))
        if not text:
            self.problem(key, f"give the {what}")
        elif len(text) > longest:
            self.problem(key, f"the {what} is longer than {longest} characters")
        return text


def _check_row(
    number: int, raw: dict[str, Any], look: _Lookups
) -> tuple[CheckedRow | None, list[Problem]]:
    r = _Row(number, raw)
    name = r.required_text("name", "provision's name", 120)
    intervention = _named(r, "intervention", look.interventions, _no_intervention)
    role = _named(r, "staff_role", look.roles, _no_role(look))
    staff = _staff(r, look)
    start, end = r.parse("start_date", parse_date), r.parse("end_date", parse_date)
    if start and end and end < start:
        r.problem("end_date", "the end date is before the start date")
    location = _text(raw.get("location"))
    if len(location) > 80:
        r.problem("location", "the location is longer than 80 characters")
    values = {
        "name": name,
        "wave": r.parse("wave", parse_wave),
        "staff": staff,
        "staff_role": role,
        "location": location,
        "weekdays": r.parse("weekdays", parse_weekdays),
        "start_time": r.parse("start_time", parse_time),
        "session_minutes": r.parse("minutes", parse_minutes),
        "start_date": start,
        "end_date": end,
        "resource_cost": r.parse("resource_cost", parse_money),
        "licence_cost": r.parse("licence_cost", parse_money),
    }
    upns = parse_upns(raw.get("pupils"))
    unknown = [u for u in upns if u not in look.pupils]
    if unknown:
        r.problem(
            "pupils",
            f"{', '.join(unknown)} {'is not a pupil' if len(unknown) == 1 else 'are not pupils'} "
            f"at {look.school.name}",
        )
    if r.problems or intervention is None:
        return None, r.problems
    if values["session_minutes"] is None:
        values["session_minutes"] = intervention.session_minutes
    return CheckedRow(number, intervention, values, [look.pupils[u] for u in upns]), []


def _named(r: _Row, key: str, known: dict[str, Any], unknown: Any) -> Any:
    text = _text(r.raw.get(key))
    if not text:
        r.problem(key, f"give the {HEADERS[key].lower()}")
        return None
    found = known.get(re.sub(r"\s+", " ", text).lower())
    if found is None:
        r.problem(key, unknown(text))
    return found


def _no_intervention(text: str) -> str:
    return (
        f"there is no intervention called ‘{text}’ in the catalogue or your school's library: "
        "add it to the library first, or check the spelling"
    )


def _no_role(look: _Lookups) -> Any:
    names = ", ".join(sorted(r.name for r in look.roles.values())) or "none yet"
    return lambda text: (
        f"there is no staff role called ‘{text}’ at {look.school.name} (the roles are: {names})"
    )


def _staff(r: _Row, look: _Lookups) -> User | None:
    text = _text(r.raw.get("staff")).lower()
    if not text:
        return None
    users = look.staff.get(text, [])
    if not users:
        r.problem(
            "staff", f"nobody on the staff of {look.school.name} has the username or email ‘{text}’"
        )
        return None
    if len(users) > 1:
        r.problem(
            "staff", f"more than one member of staff has the email ‘{text}’: use the username"
        )
        return None
    return users[0]


def check_rows(school: School, rows: list[tuple[int, dict[str, Any]]]) -> list[CheckedRow]:
    """Every row checked; ImportFailed with every problem of every row if any is wrong."""
    look = _lookups(school, rows)
    checked, problems = [], []
    for number, raw in rows:
        row, found = _check_row(number, raw, look)
        problems += found
        if row is not None:
            checked.append(row)
    if problems:
        raise ImportFailed(problems)
    return checked


# --- writing ----------------------------------------------------------------------------------


def provisions_import(
    *,
    school: School,
    upload: IO[bytes],
    size: int,
    by: User,
    request: HttpRequest | None = None,
) -> ImportResult:
    """Import the provision list in an uploaded workbook: every row checked first, then all of
    it written, or nothing (ImportFailed lists the problems by row and column)."""
    rows = check_rows(school, read_rows(upload, size))
    return _write(school=school, rows=rows, by=by, request=request, size=size)


@transaction.atomic(durable=True)
def _write(
    *,
    school: School,
    rows: list[CheckedRow],
    by: User,
    request: HttpRequest | None,
    size: int,
) -> ImportResult:
    result = ImportResult()
    for row in rows:
        try:
            provision = services.provision_create(
                school=school,
                intervention=row.intervention,
                data=row.values,
                by=by,
                request=request,
            )
            for pupil in row.pupils:
                services.enrol(
                    provision=provision,
                    pupil=pupil,
                    start_date=provision.start_date,
                    by=by,
                    request=request,
                )
        except ValidationError as exc:
            # A rule the checks above missed: roll everything back and say where.
            raise ImportFailed(_service_problems(row.row, exc)) from exc
        result.provisions.append(provision)
        result.enrolments += len(row.pupils)
    audit.log(
        AuditAction.CREATE,
        by,
        None,
        {
            "import": "provisions",
            "rows": len(rows),
            "provisions": len(result.provisions),
            "provision_ids": ",".join(str(p.pk) for p in result.provisions),
            "enrolments": result.enrolments,
            "bytes": size,
        },
        request=request,
        school_id=school.pk,
        object_type="Provision import",
    )
    return result


_FIELD_COLUMNS = {
    "session_minutes": "minutes",
    "pupil": "pupils",
    "targets": None,
    "intervention": "intervention",
}


def _service_problems(number: int, exc: ValidationError) -> list[Problem]:
    out = []
    for key, messages in exc.message_dict.items():
        column_key = _FIELD_COLUMNS.get(key, key)
        column = HEADERS.get(column_key) if column_key else None
        for message in messages:
            out.append(Problem(message[:1].lower() + message[1:].rstrip("."), number, column))
    return out
