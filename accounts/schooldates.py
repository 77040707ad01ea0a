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
    Christmas, spring from early January to around Easter, summer to late July."""
    autumn_start = _weekday_on_or_after(date(start_year, 9, 2), 0)
    autumn_end = _weekday_on_or_after(date(start_year, 12, 16), 4)
    spring_start = _weekday_on_or_after(date(start_year + 1, 1, 3), 0)
    spring_end = _weekday_on_or_after(date(start_year + 1, 3, 27), 4)
    summer_start = spring_end + timedelta(days=17)  # two weeks of Easter holiday, back on Monday
    summer_end = _weekday_on_or_after(date(start_year + 1, 7, 18), 4)
    return [
        TermDates("autumn", autumn_start, autumn_end),
        TermDates("spring", spring_start, spring_end),
        TermDates("summer", summer_start, summer_end),
    ]


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
        previous = term
    return problems
