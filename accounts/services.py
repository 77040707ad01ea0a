"""Writes about schools: term dates."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts import schooldates
from accounts.models import School, SchoolYear, Term, User
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
    """Set a school's autumn, spring and summer term dates for one school year (creating the year
    if needed). Refuses terms out of order, overlapping or outside 1 September to 31 August."""
    problems = schooldates.term_problems(terms, start_year)
    if problems:
        raise ValidationError({f"{name}_start": [msg] for name, msg in problems.items()})
    year, _ = SchoolYear.objects.get_or_create(school=school, start_year=start_year)
    for term in terms:
        Term.objects.update_or_create(
            school_year=year,
            name=term.name,
            defaults={"start_date": term.start, "end_date": term.end},
        )
    audit.log(
        AuditAction.UPDATE,
        by,
        year,
        {t.name: f"{t.start.isoformat()} to {t.end.isoformat()}" for t in terms},
        request=request,
        school_id=school.pk,
    )
    return year
