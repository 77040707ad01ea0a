"""Reads about schools: their calendars (terms, half-terms and closure days)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import CharField, DateField, Value

from accounts import schooldates
from accounts.models import ClosureDay, Term


@dataclass
class Calendar:
    """A school's terms (with their half-terms) and the days it is shut in them."""

    terms: list[schooldates.TermDates] = field(default_factory=list)
    closure_days: list[date] = field(default_factory=list)

    @property
    def closed(self) -> frozenset[date]:
        return schooldates.closed_dates(self.terms, self.closure_days)


def school_calendars(
    school_ids: Iterable[int], *, start_year: int | None = None
) -> dict[int, Calendar]:
    """Each school's calendar (of one school year, or of all), read in one query: the terms and
    the closure days come back together, so a report reads its closures once and its query count
    stays what it was."""
    ids = set(school_ids)
    terms = Term.objects.filter(school_year__school_id__in=ids).order_by()
    closures = ClosureDay.objects.filter(school_id__in=ids).order_by()
    if start_year is not None:
        terms = terms.filter(school_year__start_year=start_year)
        closures = closures.filter(date__range=schooldates.school_year_bounds(start_year))
    rows = terms.values_list(
        "school_year__school_id",
        "name",
        "start_date",
        "end_date",
        "half_term_start",
        "half_term_end",
    ).union(
        closures.annotate(
            term=Value("", output_field=CharField()),
            no_start=Value(None, output_field=DateField()),
            no_end=Value(None, output_field=DateField()),
        ).values_list("school_id", "term", "date", "date", "no_start", "no_end"),
        all=True,
    )
    out: dict[int, Calendar] = defaultdict(Calendar)
    for school_id, name, start, end, half_start, half_end in sorted(rows, key=lambda r: r[2]):
        if name:
            out[school_id].terms.append(
                schooldates.TermDates(name, start, end, half_start, half_end)
            )
        else:
            out[school_id].closure_days.append(start)
    return out


def closed_because(school_id: int, day: date) -> str:
    """Why the school is shut on `day` ("the autumn half-term", "a training (INSET) day"), or ""
    when it is open (two small indexed queries)."""
    closure = ClosureDay.objects.filter(school_id=school_id, date=day).first()
    if closure is not None:
        return f"a {closure.get_kind_display().lower().replace('(inset)', '(INSET)')}"
    term = Term.objects.filter(
        school_year__school_id=school_id, half_term_start__lte=day, half_term_end__gte=day
    ).first()
    return f"the {term.name} half-term" if term is not None else ""
