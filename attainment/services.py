"""Writes of attainment: importing assessment points (all or nothing, errors by row and column),
the school's thresholds, subjects and dismissing a flag. Each write is audited."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts import schooldates
from accounts.models import School, User
from attainment.models import (
    AssessmentPoint,
    FlagDismissal,
    IdentificationSettings,
    PointSource,
    ScaleKind,
    Subject,
)
from audit import log as audit
from audit.models import AuditAction
from people.tables import Table
from pupils.models import KeyStageResult, Pupil
from pupils.names import pupil_search_key

# The fields of the mapping step: "upn", or "forename", "surname" and "dob" instead.
FIELDS = ("upn", "forename", "surname", "dob", "subject", "date", "score")
FIELD_LABELS = {
    "upn": "UPN",
    "forename": "Forename",
    "surname": "Surname",
    "dob": "Date of birth",
    "subject": "Subject",
    "date": "Date assessed",
    "score": "Score",
}
SYNONYMS: dict[str, tuple[str, ...]] = {
    "upn": ("upn", "uniquepupilnumber"),
    "forename": ("forename", "firstname", "legalforename", "givenname"),
    "surname": ("surname", "lastname", "legalsurname", "familyname"),
    "dob": ("dob", "dateofbirth", "birthdate"),
    "subject": ("subject", "subjectname"),
    "date": ("date", "dateassessed", "assessed", "assessmentdate", "assessedon"),
    "score": ("score", "result", "value", "mark", "attainment"),
}


@dataclass
class RowError:
    row: int  # the file's row: 1 is the header row, 2 the first pupil
    column: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    subjects_created: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_json() for e in self.errors],
        }


class ImportFailed(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__(f"{len(result.errors)} error(s)")
        self.result = result


@dataclass(frozen=True)
class NewScale:
    """The scale a subject not yet known is created on."""

    minimum: float
    maximum: float
    lower_is_better: bool = False
    kind: str = ScaleKind.SCALED


def parse_date(text: str) -> date | None:
    """A date as files write it: 2026-03-20, 20/03/2026, 20-03-2026, or an xlsx datetime."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    return None


def school_date_range(school: School, today: date) -> tuple[date, date] | None:
    """From the start of the school's first school year to today (or its last year's end)."""
    years = list(school.school_years.values_list("start_year", flat=True))
    if not years:
        return None
    first = schooldates.school_year_bounds(min(years))[0]
    last = schooldates.school_year_bounds(max(years))[1]
    return first, min(last, today)


def _check_columns(table: Table, columns: Mapping[str, str]) -> list[RowError]:
    errors = []
    by_name = any(columns.get(f) for f in ("surname", "dob"))
    needed = ["subject", "date", "score"] + (["forename", "surname", "dob"] if by_name else ["upn"])
    for name in needed:
        header = columns.get(name, "")
        if not header:
            errors.append(
                RowError(
                    1,
                    FIELD_LABELS[name],
                    f"Say which column holds the {FIELD_LABELS[name].lower()}.",
                )
            )
        elif header not in table.headers:
            errors.append(RowError(1, header, f"The file has no column “{header}”."))
    return errors


class _Pupils:
    """The school's pupils by UPN and by name and date of birth (one query)."""

    def __init__(self, school: School) -> None:
        rows = Pupil.objects.filter(school=school).values_list(
            "pk", "upn", "legal_forename", "legal_surname", "preferred_forename",
            "preferred_surname", "date_of_birth",
        )  # fmt: skip
        self.by_upn: dict[str, int] = {}
        self.by_name: dict[tuple[str, str, date], list[int]] = {}
        for pk, upn, fore, sur, pfore, psur, dob in rows:
            self.by_upn[upn] = pk
            for f, s in {(fore, sur), (pfore or fore, psur or sur)}:
                key = (pupil_search_key(f, "", "", ""), pupil_search_key(s, "", "", ""), dob)
                self.by_name.setdefault(key, []).append(pk)


def import_points(
    *,
    school: School,
    table: Table,
    columns: Mapping[str, str],
    today: date,
    new_scale: NewScale | None = None,
    dry_run: bool = False,
    by: User | None,
    request: HttpRequest | None = None,
) -> ImportResult:
    """Import a table of assessment points into a school: all or nothing. `columns` maps each
    field of FIELDS to a header of the table. A subject not yet known is created on `new_scale`.
    A point already there with the same score is unchanged; with another score it is replaced
    (and counted as updated). Raises ImportFailed, having written nothing, on any error."""
    result = ImportResult(dry_run=dry_run)
    result.errors = _check_columns(table, columns)
    if result.errors:
        raise ImportFailed(result)
    with transaction.atomic():
        _import_rows(school, table, columns, today, new_scale, result)
        if result.errors:
            transaction.set_rollback(True)
            raise ImportFailed(result)
        if dry_run:
            transaction.set_rollback(True)
            return result
        audit.log(
            AuditAction.CREATE,
            by,
            school,
            {
                "assessment_points": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },  # fmt: skip
            request=request,
            object_type="assessment points",
        )
    return result


def _import_rows(
    school: School,
    table: Table,
    columns: Mapping[str, str],
    today: date,
    new_scale: NewScale | None,
    result: ImportResult,
) -> None:
    index = {name: table.headers.index(h) for name, h in columns.items() if h in table.headers}
    pupils = _Pupils(school)
    subjects = {s.name.casefold(): s for s in Subject.objects.filter(school=school)}
    span = school_date_range(school, today)
    existing = {
        (p, s, d): (pk, score)
        for pk, p, s, d, score in AssessmentPoint.objects.filter(
            subject__school=school
        ).values_list("pk", "pupil_id", "subject_id", "assessed_on", "score")
    }
    seen: dict[tuple[int, int, date], float] = {}
    new: list[AssessmentPoint] = []
    replaced: list[AssessmentPoint] = []
    for n, row in enumerate(table.rows, start=2):
        cell = {name: row[i].strip() for name, i in index.items()}
        err = _row_errors_collector(result, n, columns)
        pupil_id = _pupil_of(cell, pupils, err)
        subject = _subject_of(school, cell["subject"], subjects, new_scale, result, err)
        on = _date_of(cell["date"], span, err)
        score = _score_of(cell["score"], subject, err) if subject else None
        if pupil_id is None or subject is None or on is None or score is None:
            continue
        key = (pupil_id, subject.pk, on)
        if key in seen:
            if seen[key] != score:
                err(
                    "score",
                    f"A second score for the same pupil, subject and day ({seen[key]:g} above).",
                )
            continue
        seen[key] = score
        held = existing.get(key)
        if held is not None and held[1] == score:
            result.unchanged += 1
            continue
        point = AssessmentPoint(pupil_id=pupil_id, subject=subject, assessed_on=on, score=score,
                                source=PointSource.IMPORT)  # fmt: skip
        if held is not None:
            point.pk = held[0]
            replaced.append(point)
        else:
            new.append(point)
    if not result.errors:
        AssessmentPoint.objects.bulk_create(new, batch_size=2000)
        AssessmentPoint.objects.bulk_update(replaced, ["score", "source"], batch_size=2000)
        result.created = len(new)
        result.updated = len(replaced)


def _row_errors_collector(result: ImportResult, row: int, columns: Mapping[str, str]):  # type: ignore[no-untyped-def]
    def err(name: str, message: str) -> None:
        result.errors.append(RowError(row, columns.get(name) or FIELD_LABELS[name], message))

    return err


def _pupil_of(cell: dict[str, str], pupils: _Pupils, err: Any) -> int | None:
    if "upn" in cell and cell["upn"]:
        upn = cell["upn"].upper().replace(" ", "")
        pupil_id = pupils.by_upn.get(upn)
        if pupil_id is None:
            err("upn", f"No pupil at this school has UPN {upn}.")
        return pupil_id
    if "surname" not in cell:
        err("upn", "The UPN is missing.")
        return None
    dob = parse_date(cell.get("dob", ""))
    if dob is None:
        err("dob", f"“{cell.get('dob', '')}” is not a date of birth (day/month/year).")
        return None
    key = (pupil_search_key(cell.get("forename", ""), "", "", ""),
           pupil_search_key(cell["surname"], "", "", ""), dob)  # fmt: skip
    found = pupils.by_name.get(key, [])
    if len(found) != 1:
        what = "No pupil" if not found else "More than one pupil"
        err("surname", f"{what} at this school is called {cell.get('forename', '')} "
                       f"{cell['surname']} and was born on {dob:%d/%m/%Y}.")  # fmt: skip
        return None
    return found[0]


def _subject_of(
    school: School,
    name: str,
    subjects: dict[str, Subject],
    new_scale: NewScale | None,
    result: ImportResult,
    err: Any,
) -> Subject | None:
    if not name:
        err("subject", "The subject is missing.")
        return None
    subject = subjects.get(name.casefold())
    if subject is not None:
        return subject
    if new_scale is None:
        err(
            "subject", f"“{name}” is not a subject of this school yet: give its scale to create it."
        )
        return None
    subject = Subject(school=school, name=name[:60], kind=new_scale.kind,
                      min_score=new_scale.minimum, max_score=new_scale.maximum,
                      lower_is_better=new_scale.lower_is_better)  # fmt: skip
    subject.full_clean(validate_unique=False)
    subject.save()
    subjects[name.casefold()] = subject
    result.subjects_created.append(subject.name)
    return subject


def _date_of(text: str, span: tuple[date, date] | None, err: Any) -> date | None:
    on = parse_date(text)
    if on is None:
        err("date", f"“{text}” is not a date (day/month/year).")
        return None
    if span is None:
        err("date", "The school has no school years set up, so no date can be checked.")
        return None
    if not span[0] <= on <= span[1]:
        err("date", f"{on:%d/%m/%Y} is outside the school's years "
                    f"({span[0]:%d/%m/%Y} to {span[1]:%d/%m/%Y}).")  # fmt: skip
        return None
    return on


def _score_of(text: str, subject: Subject, err: Any) -> float | None:
    score = subject.score_of(text)
    if score is None:
        # In the scale's order (PostgreSQL's jsonb keeps keys in its own order, not the file's).
        bands = ", ".join(sorted(subject.bands, key=subject.bands.get)) if subject.bands else ""
        err("score", f"“{text}” is not a score" + (f" or one of {bands}." if bands else "."))
        return None
    if not subject.min_score <= score <= subject.max_score:
        err("score", f"{score:g} is off {subject.name}'s scale "
                     f"({subject.min_score:g} to {subject.max_score:g}).")  # fmt: skip
        return None
    return score


@transaction.atomic
def settings_save(
    *, school: School, data: Mapping[str, Any], by: User, request: HttpRequest | None = None
) -> IdentificationSettings:
    """Save the school's thresholds for the four criteria."""
    row, _ = IdentificationSettings.objects.get_or_create(school=school)
    before = {k: getattr(row, k) for k in data}
    for key, value in data.items():
        setattr(row, key, value)
    row.full_clean()
    row.save()
    changes = {k: {"from": before[k], "to": v} for k, v in data.items() if before[k] != v}
    audit.log(AuditAction.UPDATE, by, row, changes, request=request, school_id=school.pk)
    return row


@transaction.atomic
def point_remove(*, point: AssessmentPoint, by: User, request: HttpRequest | None = None) -> None:
    """Remove a wrongly entered assessment point; the audit keeps what it was."""
    was = {"subject": point.subject_id, "assessed_on": point.assessed_on.isoformat(),
           "score": point.score, "source": point.source}  # fmt: skip
    audit.log(AuditAction.DELETE, by, point, was, request=request, school_id=point.pupil.school_id)
    point.delete()


@transaction.atomic
def flag_dismiss(
    *,
    pupil: Pupil,
    subject: Subject,
    criteria: list[int],
    latest_point_on: date,
    reason: str,
    today: date,
    by: User,
    request: HttpRequest | None = None,
) -> FlagDismissal:
    """Set a flag aside with the reason; it comes back when a newer assessment point arrives."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the flag is set aside: it is kept."]})
    dismissal = FlagDismissal.objects.create(
        pupil=pupil, subject=subject, criteria=sorted(criteria), latest_point_on=latest_point_on,
        reason=reason.strip(), dismissed_by=by, dismissed_on=today,
    )  # fmt: skip
    audit.log(AuditAction.CREATE, by, dismissal, {"subject_id": subject.pk,
              "criteria": dismissal.criteria}, request=request)  # fmt: skip
    return dismissal


# Key stage results as a CTF carries them (pupils.KeyStageResult, kept by interop's CTF import):
# a number is a scaled score (80 to 120); a teacher assessment a band.
KEY_STAGE_BANDS = {"HNM": 1.0, "WTS": 1.0, "EXS": 2.0, "GDS": 3.0}
SCALED_SCORES = (80.0, 120.0)


def key_stage_points(*, school: School, pupil_ids: list[int] | None = None) -> int:
    """Read the key stage results of the school's pupils (or of `pupil_ids`) into assessment
    points: one subject per stage, subject and kind ("KS2 MAT", "KS1 REA (teacher assessment)"),
    dated 1 July of the result's year. Results already read are left alone; returns how many
    points were written. Called by the CTF import after it keeps the results."""
    results = KeyStageResult.objects.filter(pupil__school=school)
    if pupil_ids is not None:
        results = results.filter(pupil_id__in=pupil_ids)
    subjects = {s.name: s for s in Subject.objects.filter(school=school)}
    existing = set(
        AssessmentPoint.objects.filter(subject__school=school, source=PointSource.CTF).values_list(
            "pupil_id", "subject_id", "assessed_on"
        )
    )
    new = []
    # A component (the multiplication tables check, MTC) is not the subject's result.
    rows = results.filter(component="").values_list(
        "pupil_id", "stage", "subject", "year", "result"
    )
    for pupil_id, stage, code, year, value in rows:
        point = _key_stage_point(school, subjects, pupil_id, stage, code, year, value)
        if point is None:
            continue
        key = (pupil_id, point.subject.pk, point.assessed_on)
        if key not in existing:
            existing.add(key)
            new.append(point)
    AssessmentPoint.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _key_stage_point(
    school: School,
    subjects: dict[str, Subject],
    pupil_id: int,
    stage: str,
    code: str,
    year: str,
    value: str,
) -> AssessmentPoint | None:
    if not (year.isdigit() and len(year) == 4):
        return None
    text = value.strip().upper()
    try:
        score, band = float(text), False
    except ValueError:
        if text not in KEY_STAGE_BANDS:
            return None
        score, band = KEY_STAGE_BANDS[text], True
    if not band and not SCALED_SCORES[0] <= score <= SCALED_SCORES[1]:
        return None
    name = f"{stage} {code}" + (" (teacher assessment)" if band else "")
    subject = subjects.get(name)
    if subject is None:
        low, high = (1.0, 3.0) if band else SCALED_SCORES
        subject = Subject.objects.create(
            school=school, name=name[:60], kind=ScaleKind.BANDS if band else ScaleKind.SCALED,
            min_score=low, max_score=high, bands=KEY_STAGE_BANDS if band else {},
        )  # fmt: skip
        subjects[name] = subject
    return AssessmentPoint(pupil_id=pupil_id, subject=subject, assessed_on=date(int(year), 7, 1),
                           score=score, source=PointSource.CTF)  # fmt: skip
