"""Writes about schools: term dates, half-terms and closure days."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts import schooldates
from accounts.models import ClosureDay, ClosureKind, School, SchoolYear, Term, User
from audit import log as audit
from audit.models import AuditAction


@transaction.atomic
def term_dates_save(
    *,
    school: School,
    start_year: int,
    terms: list[schooldates.TermDates],
    by: User,
    request: HttpRequest | None = None,
) -> SchoolYear:
    """Set a school's autumn, spring and summer term dates, with their half-term breaks, for one
    school year (creating the year if needed). Refuses terms out of order, overlapping or outside
    1 September to 31 August, and half-terms outside their term."""
    problems = schooldates.term_problems(terms, start_year)
    if problems:
        raise ValidationError({f"{name}_start": [msg] for name, msg in problems.items()})
    year, _ = SchoolYear.objects.get_or_create(school=school, start_year=start_year)
    for term in terms:
        Term.objects.update_or_create(
            school_year=year,
            name=term.name,
            defaults={
                "start_date": term.start,
                "end_date": term.end,
                "half_term_start": term.half_term_start,
                "half_term_end": term.half_term_end,
            },
        )
    audit.log(
        AuditAction.UPDATE,
        by,
        year,
        {t.name: _term_text(t) for t in terms},
        request=request,
        school_id=school.pk,
    )
    return year


def _term_text(t: schooldates.TermDates) -> str:
    text = f"{t.start.isoformat()} to {t.end.isoformat()}"
    if t.half_term_start and t.half_term_end:
        text += f", half-term {t.half_term_start.isoformat()} to {t.half_term_end.isoformat()}"
    return text


@transaction.atomic
def closure_day_add(
    *,
    school: School,
    on: date,
    kind: str,
    note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> ClosureDay:
    """Mark a day the school is shut (a training day, a bank holiday, another closure): no session
    is planned on it, and one is recorded on it only with a reason. Refuses a weekend, an unknown
    kind, and a day already marked."""
    errors: dict[str, list[str]] = {}
    if on.weekday() >= 5:
        errors["date"] = ["Choose a school day, Monday to Friday: weekends are never planned."]
    elif ClosureDay.objects.filter(school=school, date=on).exists():
        errors["date"] = ["That day is already marked as closed."]
    if kind not in ClosureKind.values:
        errors["kind"] = ["Select why the school is closed."]
    if errors:
        raise ValidationError(errors)
    closure = ClosureDay.objects.create(school=school, date=on, kind=kind, note=note.strip())
    audit.log(
        AuditAction.CREATE,
        by,
        closure,
        {"date": on.isoformat(), "kind": kind},
        request=request,
        school_id=school.pk,
    )
    return closure


@transaction.atomic
def closure_day_remove(
    *, closure: ClosureDay, by: User, request: HttpRequest | None = None
) -> None:
    """The school is open on that day after all."""
    audit.log(
        AuditAction.DELETE,
        by,
        closure,
        {"date": closure.date.isoformat(), "kind": closure.kind},
        request=request,
        school_id=closure.school_id,
    )
    closure.delete()
