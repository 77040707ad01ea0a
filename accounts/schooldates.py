"""English school calendar rules: school years, terms and national curriculum year groups.

The school year starts on 1 September and ends on 31 August. Default term dates are a typical
English pattern; each school edits its own. No Django import: pass `today` in.
"""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class TermDates:
    name: str  # "autumn" | "spring" | "summer"
    start: date
    end: date
    half_term_start: date | None = None  # first and last day of the half-term break, if set
    half_term_end: date | None = None

    def half_term_days(self) -> list[date]:
        """Every day of the half-term break (weekends too: they are never planned anyway)."""
        if self.half_term_start is None or self.half_term_end is None:
            return []
        days = (self.half_term_end - self.half_term_start).days + 1
        return [self.half_term_start + timedelta(days=i) for i in range(days)]


def school_year_start(day: date) -> int:
    """The calendar year in which the school year containing `day` began."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: date) -> str:
    """ "2 Sep 2025": what the template filter date:"j M Y" writes in English, without its cost
    (tables of many rows write their dates with this)."""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"


def school_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def default_terms(start_year: int) -> list[TermDates]:
    """A typical English pattern: autumn from the first week of September to just before
    Christmas, spring from early January to around Easter, summer to late July; each with a
    week's half-term (late October, mid February, late May)."""
    autumn_start = _weekday_on_or_after(date(start_year, 9, 2), 0)
    autumn_end = _weekday_on_or_after(date(start_year, 12, 16), 4)
    spring_start = _weekday_on_or_after(date(start_year + 1, 1, 3), 0)
    spring_end = _weekday_on_or_after(date(start_year + 1, 3, 27), 4)
    summer_start = spring_end + timedelta(days=17)  # two weeks of Easter holiday, back on Monday
    summer_end = _weekday_on_or_after(date(start_year + 1, 7, 18), 4)
    return [
        TermDates("autumn", autumn_start, autumn_end, *_week_from(date(start_year, 10, 23))),
        TermDates("spring", spring_start, spring_end, *_week_from(date(start_year + 1, 2, 12))),
        TermDates("summer", summer_start, summer_end, *_week_from(date(start_year + 1, 5, 25))),
    ]


def _week_from(day: date) -> tuple[date, date]:
    """Monday to Friday of the week starting on the first Monday on or after `day`."""
    monday = _weekday_on_or_after(day, 0)
    return monday, monday + timedelta(days=4)


# England and Wales bank holidays, 2023 to 2027. Source: https://www.gov.uk/bank-holidays
# (GOV.UK, "Bank holidays", England and Wales; 2027 as announced). Only those that can fall in a
# term matter: Christmas and New Year fall in the holidays, but are kept so the table is whole.
BANK_HOLIDAYS_ENGLAND_AND_WALES: frozenset[date] = frozenset(
    [
        *(date(2023, m, d) for m, d in [(1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29)]),
        *(date(2023, m, d) for m, d in [(8, 28), (12, 25), (12, 26)]),
        *(date(2024, m, d) for m, d in [(1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26)]),
        *(date(2024, m, d) for m, d in [(12, 25), (12, 26)]),
        *(date(2025, m, d) for m, d in [(1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25)]),
        *(date(2025, m, d) for m, d in [(12, 25), (12, 26)]),
        *(date(2026, m, d) for m, d in [(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31)]),
        *(date(2026, m, d) for m, d in [(12, 25), (12, 28)]),
        *(date(2027, m, d) for m, d in [(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30)]),
        *(date(2027, m, d) for m, d in [(12, 27), (12, 28)]),
    ]
)


def typical_inset_days(terms: list[TermDates]) -> list[date]:
    """Five training days as many English schools place them: the first two days of the autumn
    term, the first day of the spring and summer terms and the last day of the summer term."""
    days: list[date] = []
    for term in terms:
        first = _weekday_on_or_after(term.start, 0) if term.start.weekday() > 4 else term.start
        days.append(first)
        if term.name == "autumn":
            days.append(first + timedelta(days=3 if first.weekday() == 4 else 1))
        if term.name == "summer":
            last = term.end - timedelta(days=max(0, term.end.weekday() - 4))
            days.append(last)
    return sorted(set(days))


def bank_holidays_in(terms: list[TermDates]) -> list[date]:
    """The England and Wales bank holidays (weekdays) that fall inside the terms."""
    return sorted(
        d
        for d in BANK_HOLIDAYS_ENGLAND_AND_WALES
        if d.weekday() < 5 and any(t.start <= d <= t.end for t in terms)
    )


def closed_dates(terms: list[TermDates], closures: list[date]) -> frozenset[date]:
    """Every day the school is shut inside its terms: the half-term breaks and the closure days
    (training days, bank holidays, other closures)."""
    shut = {d for t in terms for d in t.half_term_days()}
    shut.update(d for d in closures if any(t.start <= d <= t.end for t in terms))
    return frozenset(shut)


# Reception is the year in which a child turns five; Year n the year in which they turn n + 5.
_YEAR_OFFSETS: dict[str, int] = {"N1": 3, "N2": 4, "R": 5, **{str(n): n + 5 for n in range(1, 15)}}


def expected_nc_year(date_of_birth: date, start_year: int) -> str | None:
    """The NC year group a child born on `date_of_birth` is in during the school year
    starting in September `start_year`, or None if outside nursery to Year 14."""
    # Age on 31 August at the start of the school year decides the cohort.
    age_at_start = start_year - date_of_birth.year - (1 if date_of_birth.month >= 9 else 0)
    turns = age_at_start + 1
    for year, offset in _YEAR_OFFSETS.items():
        if offset == turns:
            return year
    return None


def birth_date_range(nc_year: str, start_year: int) -> tuple[date, date]:
    """Earliest and latest date of birth for a pupil in `nc_year` in that school year."""
    turns = _YEAR_OFFSETS[nc_year]
    born_year = start_year - turns + 1  # turns `turns` between 1 Sep start_year and 31 Aug next
    return date(born_year - 1, 9, 1), date(born_year, 8, 31)


def term_problems(terms: list[TermDates], start_year: int) -> dict[str, str]:
    """What is wrong with a school's term dates, by term name: each term ends after it starts,
    lies inside the school year (1 September to 31 August) and starts after the previous one ends."""
    first, last = school_year_bounds(start_year)
    problems: dict[str, str] = {}
    previous: TermDates | None = None
    for term in terms:
        if term.end <= term.start:
            problems[term.name] = "The term must end after it starts."
        elif term.start < first or term.end > last:
            label = school_year_label(start_year)
            problems[term.name] = (
                f"The term must fall within the school year {label} (1 September to 31 August)."
            )
        elif previous is not None and term.start <= previous.end:
            problems[term.name] = f"The term must start after the {previous.name} term ends."
        elif problem := half_term_problem(term):
            problems[f"{term.name}_half_term"] = problem
        previous = term
    return problems


def half_term_problem(term: TermDates) -> str:
    """What is wrong with a term's half-term break ("" when nothing): both dates or neither, the
    break after the term starts, ending before the term ends, and not ending before it starts."""
    first, last = term.half_term_start, term.half_term_end
    if first is None and last is None:
        return ""
    if first is None or last is None:
        return "Give both the first and the last day of the half-term break, or neither."
    if last < first:
        return "The half-term break must end on or after its first day."
    if not term.start < first or not last < term.end:
        return f"The half-term break must fall inside the {term.name} term."
    return ""
