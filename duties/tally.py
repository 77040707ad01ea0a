"""Counting pupils for the school's reports: plain values in and out, no Django (today's school
year passed in as its first and last day).

A pupil counts in a school year when a register entry of theirs (SEN support, K, or an EHC plan,
E) is open at any time in it; they count once, under the last entry that starts in or before the
year's end (so a pupil whose EHC plan was issued in the spring counts as E), and under the broad
area of need of their primary need open in the year (the latest to start), or "NA" without one.
"""

from collections.abc import Iterable
from datetime import date

AREAS = ("CI", "CL", "SEMH", "SP", "NA")
PROVISIONS = ("K", "E")

Entry = tuple[int, str, date, date | None]  # pupil id, provision, start, end
NeedRow = tuple[int, str, date, date | None]  # pupil id, broad area, start, end


def _open_in(start: date, end: date | None, first: date, last: date) -> bool:
    return start <= last and (end is None or end >= first)


def provision_in_year(entries: Iterable[Entry], first: date, last: date) -> dict[int, str]:
    """{pupil id: "K" or "E"}: each pupil on the register in the year, by their latest entry."""
    latest: dict[int, tuple[date, str]] = {}
    for pupil, provision, start, end in entries:
        if provision not in PROVISIONS or not _open_in(start, end, first, last):
            continue
        if pupil not in latest or start >= latest[pupil][0]:
            latest[pupil] = (start, provision)
    return {pupil: provision for pupil, (_, provision) in latest.items()}


def area_in_year(needs: Iterable[NeedRow], first: date, last: date) -> dict[int, str]:
    """{pupil id: broad area} of each pupil's primary need open in the year (the latest)."""
    latest: dict[int, tuple[date, str]] = {}
    for pupil, area, start, end in needs:
        if not _open_in(start, end, first, last):
            continue
        if pupil not in latest or start >= latest[pupil][0]:
            latest[pupil] = (start, area)
    return {pupil: area for pupil, (_, area) in latest.items()}


def by_area(provision: dict[int, str], area: dict[int, str]) -> dict[str, dict[str, int]]:
    """{area: {"K": n, "E": n}} for every area and provision, zeros included."""
    table = {a: dict.fromkeys(PROVISIONS, 0) for a in AREAS}
    for pupil, code in provision.items():
        table[area.get(pupil, "NA")][code] += 1
    return table


def by_year_group(provision: dict[int, str], nc_year: dict[int, str]) -> dict[str, dict[str, int]]:
    """{NC year: {"K": n, "E": n}} for the year groups that have anyone on the register."""
    table: dict[str, dict[str, int]] = {}
    for pupil, code in provision.items():
        row = table.setdefault(nc_year.get(pupil, ""), dict.fromkeys(PROVISIONS, 0))
        row[code] += 1
    return table


def percent(part: float, whole: float) -> int | None:
    """A share as a whole percentage, or None when there is nothing to share."""
    return None if not whole else round(part / whole * 100)
