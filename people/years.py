"""The new school year's rules: which NC year follows which, and which year group leaves a school.
Pure (no Django): plain values in and out (people/services/rollover.py applies them)."""

# The census NC years in order (pupils.census.NC_YEARS): nursery, reception, Years 1 to 14.
ORDER: tuple[str, ...] = ("N1", "N2", "R", *(str(n) for n in range(1, 15)))

# The last NC year of a school by phase, when its age range is not known.
LAST_YEAR_BY_PHASE = {
    "primary": "6",
    "secondary": "11",
    "all_through": "13",
    "special": "14",
    "ap": "11",
}


def next_nc_year(code: str) -> str | None:
    """The NC year after `code` (N1 → N2 → R → 1 → … → 14), None after Year 14 or for a code
    that is not an NC year."""
    if code not in ORDER:
        return None
    i = ORDER.index(code)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def last_nc_year(phase: str, high_age: int | None = None) -> str:
    """The school's last NC year: from its statutory high age when known (GIAS: 11 for a
    primary, 16 for a secondary without a sixth form, 18 with one), else from its phase. A pupil
    is in Year N in the school year they turn N + 5, so the last year is high age − 5."""
    if high_age is not None:
        year = high_age - 5
        if year <= 0:
            return "R"
        return str(min(year, 14))
    return LAST_YEAR_BY_PHASE.get(phase, "14")


def leaves(code: str, last_year: str) -> bool:
    """Whether a pupil in NC year `code` leaves at the end of the school year: in the school's
    last year, or beyond it (a pupil kept back or recorded in a later year)."""
    if code not in ORDER or last_year not in ORDER:
        return False
    return ORDER.index(code) >= ORDER.index(last_year)
