"""The inputs of the provision reports: periods (a school year or one of its terms), each
provision's delivered sessions, enrolments and costing's figures per term, and adding them up.
Reads only; every figure is one of provision/costing.py's formulas, this module gathers their
inputs for provision/reports/__init__.py (the map, a pupil's costed map, the budget) and
provision/reports/impact.py.

Speed. The reports read a school's delivered sessions grouped by the database: one row per
provision, term window, length, hourly rate and set of pupils present, with how many sessions
were alike (costing takes such a group with a count and gives the figures of the sessions one by
one). A year of a large secondary's sessions comes back as a few thousand rows rather than one
row per session and pupil, so a report runs a fixed number of queries and its work in Python
grows with the number of provisions, not with the number of sessions or attendance marks.

Periods. A report covers a school year (1 September to 31 August) or one of its terms. So that every
day falls in exactly one term, a term here runs from its first day to the day before the next term
starts (autumn from 1 September, summer to 31 August): a session in a holiday counts in the term
before it. Planned sessions use the school's real term dates (typical dates if none are set).
Resource and licence costs count in the term the provision starts; a provision that started in an
earlier school year brings none into a later one (they were counted there).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache

from django.db import connections
from django.db.models import (
    CharField,
    Q,
    QuerySet,
    StringAgg,
    Value,
)
from django.db.models.functions import Cast

from accounts import disclosure, schooldates
from accounts.models import School
from accounts.selectors import Calendar, school_calendars
from provision import costing
from provision.models import Enrolment, Provision, Session, SessionAttendance, StaffRole

TERM_LABELS = {"autumn": "Autumn term", "spring": "Spring term", "summer": "Summer term"}
ZERO = Decimal(0)


# --- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A term stretched to meet the next one, so every day of the year is in exactly one."""

    name: str
    start: date
    end: date

    @property
    def label(self) -> str:
        return TERM_LABELS.get(self.name, self.name.title())


@dataclass(frozen=True)
class Period:
    start_year: int
    terms: tuple[costing.Term, ...]  # the school's real term dates, for planned sessions
    windows: tuple[Window, ...]  # the windows the period covers (one for a term, all for a year)
    typical_dates: bool  # the school has not set its term dates: typical ones are used
    term: str = ""  # "" for the whole school year
    closed: frozenset[date] = frozenset()  # half-terms and closure days: never planned

    @property
    def start(self) -> date:
        return self.windows[0].start

    @property
    def end(self) -> date:
        return self.windows[-1].end

    @property
    def year_label(self) -> str:
        return schooldates.school_year_label(self.start_year)

    @property
    def label(self) -> str:
        if self.term:
            return f"{TERM_LABELS[self.term]} {self.year_label}"
        return f"School year {self.year_label}"


def period_for(school: School, start_year: int, term: str = "") -> Period:
    """The school year starting in September `start_year`, or one of its terms, with the days the
    school is shut (one query)."""
    calendar = school_calendars([school.pk], start_year=start_year).get(school.pk, Calendar())
    typical = not calendar.terms
    if typical:
        calendar.terms = schooldates.default_terms(start_year)
    rows = [(t.name, t.start, t.end) for t in calendar.terms]
    first, last = schooldates.school_year_bounds(start_year)
    windows = []
    for i, (name, _start, _end) in enumerate(rows):
        w_start = first if i == 0 else rows[i][1]
        w_end = last if i == len(rows) - 1 else rows[i + 1][1] - timedelta(days=1)
        windows.append(Window(name, w_start, w_end))
    chosen = [w for w in windows if w.name == term] if term else windows
    return Period(
        start_year=start_year,
        terms=tuple(costing.Term(s, e) for _n, s, e in rows),
        windows=tuple(chosen or windows),
        typical_dates=typical,
        term=term if chosen and term else "",
        closed=calendar.closed,
    )


def school_provisions(school: School, period: Period) -> QuerySet[Provision]:
    """The school's provisions that ran during the period (dates overlap)."""
    return Provision.objects.filter(
        school=school, start_date__lte=period.end, end_date__gte=period.start
    )


# --- gathering the inputs of the formulas -----------------------------------------------------


@dataclass(frozen=True)
class Held:
    """Delivered sessions of a provision in a term window that are alike (costing's count), and
    how many of them were held by `today` (the rest are recorded ahead)."""

    sessions: costing.DeliveredSession
    by_today: int


# (provision id, window name) -> the window's delivered sessions, grouped
HeldByWindow = dict[tuple[int, str], list[Held]]


@dataclass
class ProvisionTerm:
    """One provision in one term window: costing's figures for it."""

    provision: Provision
    window: str
    planned: int  # planned sessions up to today
    delivered: int  # delivered sessions up to today
    cost: Fraction  # exact: costing.provision_cost_exact
    hours: Fraction
    sessions: list[costing.DeliveredSession]  # delivered, grouped as held_sessions reads them
    fixed: Decimal  # the resource and licence costs counted in this window
    enrolled: frozenset[int]
    who_read: bool = True  # the sessions know the pupils present (held_sessions(who=True))
    provision_id: int = field(init=False)  # provision.pk, read once (adding up reads it often)

    def __post_init__(self) -> None:
        self.provision_id = self.provision.pk

    @cached_property
    def whole_shares(self) -> tuple[dict[int, int], int]:
        """Pupil id -> share of the cost as a whole number over one denominator
        (costing.pupil_shares_whole); worked out when first asked for (impact needs none)."""
        if not self.who_read:
            raise ValueError("The pupils present were not read: no shares can be worked out.")
        return costing.pupil_shares_whole(self.sessions, self.fixed, self.enrolled)

    @cached_property
    def shares(self) -> dict[int, Fraction]:
        """Pupil id -> share of the cost (costing.pupil_shares_exact)."""
        numerators, denominator = self.whole_shares
        return {p: Fraction(n, denominator) for p, n in numerators.items()}

    def attended(self, pupil: int) -> list[costing.DeliveredSession]:
        """The sessions the pupil was at."""
        return [s for s in self.sessions if pupil in s.present]


def _present(ids: str | None) -> frozenset[int]:
    return frozenset(int(i) for i in ids.split(",")) if ids else frozenset()


def _present_ids() -> StringAgg:
    """The ids of the pupils present at a session, joined into one value by the database."""
    return StringAgg(
        Cast("attendance__pupil_id", CharField()), Value(","), filter=Q(attendance__present=True)
    )


# held_sessions' SQL, written once per database, number of term windows and whether the pupils
# present are read (the ORM built and compiled the same query on every report). Only
# these fixed texts, table and column names go into it; every value is a parameter.
_PRESENT_IDS = {
    # The ids of the pupils present at a session, joined into one text ("12,40"); NULL if none.
    "postgresql": "STRING_AGG(CAST(a.pupil_id AS TEXT), ',') FILTER (WHERE a.present)",
    "sqlite": "GROUP_CONCAT(CASE WHEN a.present THEN a.pupil_id END, ',')",
}


@lru_cache(maxsize=64)
def _held_sql(alias: str, windows: int, provisions: int, *, who: bool) -> str:
    """Delivered sessions of some provisions between two dates, grouped into sessions alike:
    (provision, term window, minutes, hourly rate, pupils present, sessions, held by today).

    Parameters, in order: the last day of each term window but the last, today, the first and
    last day of the period, then the provision ids."""
    connection = connections[alias]
    q = connection.ops.quote_name
    session, role = q(Session._meta.db_table), q(StaffRole._meta.db_table)
    attendance = q(SessionAttendance._meta.db_table)
    on = f"s.{q('on')}"
    window = " ".join(f"WHEN {on} <= %s THEN {i}" for i in range(windows - 1))
    term_window = f"CASE {window} ELSE {windows - 1} END" if windows > 1 else "0"
    held = f"CASE WHEN {on} <= %s THEN 1 ELSE 0 END"
    ids = ", ".join(["%s"] * provisions)
    where = f"s.delivered AND {on} BETWEEN %s AND %s AND s.provision_id IN ({ids})"
    if not who:
        return (
            f"SELECT s.provision_id, {term_window}, s.minutes, r.hourly_cost, NULL, "  # noqa: S608
            f"COUNT(*), SUM({held}) FROM {session} s JOIN {role} r ON r.id = s.staff_role_id "
            f"WHERE {where} GROUP BY 1, 2, 3, 4"
        )
    # One row per session with the pupils present joined in (the inner query), then sessions
    # alike counted (the outer one).
    return (
        "SELECT pid, term_window, length, rate, present, COUNT(*), SUM(held) FROM ("  # noqa: S608
        f"SELECT s.provision_id AS pid, {term_window} AS term_window, s.minutes AS length, "
        f"r.hourly_cost AS rate, {held} AS held, {_PRESENT_IDS[connection.vendor]} AS present "
        f"FROM {session} s JOIN {role} r ON r.id = s.staff_role_id "
        f"LEFT JOIN {attendance} a ON a.session_id = s.id "
        f"WHERE {where} GROUP BY s.id, s.provision_id, {on}, s.minutes, r.hourly_cost"
        ") per_session GROUP BY pid, term_window, length, rate, present"
    )


def held_sessions(
    provision_ids: Iterable[int], period: Period, today: date, *, who: bool = True
) -> HeldByWindow:
    """The delivered sessions of the provisions in the period, grouped by the database into
    sessions alike (provision, term window, length, hourly rate, pupils present), with how many
    there were and how many were held by `today`. One query (_held_sql).

    With `who=False` the pupils present are not read (each group's `present` is empty): for
    figures that do not split the cost between pupils (impact for cost). The database then reads
    no attendance marks and groups the sessions in one pass."""
    ids = sorted(set(provision_ids))
    if not ids:
        return {}
    connection = connections[Session.objects.db]
    day = connection.ops.adapt_datefield_value
    sql = _held_sql(connection.alias, len(period.windows), len(ids), who=who)
    params = [
        *(day(w.end) for w in period.windows[:-1]),
        day(today),
        day(period.start),
        day(period.end),
        *ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[int, int, int, object, str | None, int, int]] = cursor.fetchall()
    out: HeldByWindow = defaultdict(list)
    names = [w.name for w in period.windows]
    # SQLite hands the rate back as a number: its shortest text is the exact 2-place value.
    # Rates and sets of pupils repeat across rows: each is converted once.
    rates: dict[object, Decimal] = {}
    groups: dict[str | None, frozenset[int]] = {}
    for provision_id, window, minutes, rate, present, count, held in rows:
        if rate not in rates:
            rates[rate] = Decimal(str(rate))
        if present not in groups:
            groups[present] = _present(present)
        session = costing.DeliveredSession(minutes, rates[rate], groups[present], count)
        out[(provision_id, names[window])].append(Held(session, int(held)))
    return out


def delivered_sessions(
    provisions: QuerySet[Provision], start: date, end: date
) -> dict[int, list[tuple[date, costing.DeliveredSession]]]:
    """Delivered sessions between two dates by provision, one by one with their dates and the
    pupils present (one query): for a pupil's costed map, which counts sessions from the day
    the pupil joined."""
    rows = (
        Session.objects.filter(provision__in=provisions, delivered=True, on__range=(start, end))
        .order_by()
        .values("pk", "provision_id", "on", "minutes", "staff_role__hourly_cost")
        .annotate(present=_present_ids())
        .values_list("provision_id", "on", "minutes", "staff_role__hourly_cost", "present")
    )
    out: dict[int, list[tuple[date, costing.DeliveredSession]]] = defaultdict(list)
    # A group's sessions mostly look alike (same length, rate and pupils): build each kind once.
    seen: dict[tuple[int, Decimal, str | None], costing.DeliveredSession] = {}
    for provision_id, on, minutes, rate, present in rows:
        key = (minutes, rate, present)
        if key not in seen:
            seen[key] = costing.DeliveredSession(minutes, rate, _present(present))
        out[provision_id].append((on, seen[key]))
    return out


def held_by_window(
    sessions: dict[int, list[tuple[date, costing.DeliveredSession]]], period: Period, today: date
) -> HeldByWindow:
    """Sessions one by one (delivered_sessions) put in their term windows, each a group of one."""
    out: HeldByWindow = defaultdict(list)
    for provision_id, dated in sessions.items():
        for on, s in dated:
            window = next(w for w in period.windows if on <= w.end)
            out[(provision_id, window.name)].append(Held(s, int(on <= today)))
    return out


@dataclass(frozen=True)
class Joined:
    pupil_id: int
    start: date
    end: date | None
    nc_year: str

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and (self.end is None or self.end >= start)


def enrolments_of(provisions: QuerySet[Provision]) -> dict[int, list[Joined]]:
    """Every enrolment of the provisions, by provision (one query)."""
    out: dict[int, list[Joined]] = defaultdict(list)
    rows = Enrolment.objects.filter(provision__in=provisions).values_list(
        "provision_id", "pupil_id", "start_date", "end_date", "pupil__nc_year"
    )
    for provision_id, pupil_id, start, end, nc_year in rows.order_by():
        out[provision_id].append(Joined(pupil_id, start, end, nc_year))
    return out


def provision_terms(
    provisions: list[Provision],
    held: HeldByWindow,
    enrolments: dict[int, list[Joined]],
    period: Period,
    today: date,
    *,
    who_read: bool = True,
) -> list[ProvisionTerm]:
    """costing's figures for each provision in each term window of the period it ran in
    (`who_read=False` when `held` was read without the pupils present: no shares then)."""
    out = []
    for p in provisions:
        for w in period.windows:
            start, end = max(p.start_date, w.start), min(p.end_date, w.end)
            alike = held.get((p.pk, w.name), [])
            if start > end and not alike:
                continue
            joined = enrolments.get(p.pk, [])
            out.append(_provision_term(p, w, alike, joined, period, today, who_read=who_read))
    return out


def _provision_term(
    p: Provision,
    w: Window,
    held: list[Held],
    joined: list[Joined],
    period: Period,
    today: date,
    *,
    who_read: bool,
) -> ProvisionTerm:
    start, end = max(p.start_date, w.start), min(p.end_date, w.end)
    ss = [h.sessions for h in held]
    fixed = p.fixed_costs if w.start <= p.start_date <= w.end else ZERO
    enrolled = frozenset(j.pupil_id for j in joined if j.overlaps(start, end))
    return ProvisionTerm(
        provision=p,
        window=w.name,
        planned=costing.planned_count(
            p.weekdays, start, min(end, today), period.terms, period.closed
        ),
        delivered=sum(h.by_today for h in held),
        cost=costing.provision_cost_exact(ss, fixed),
        hours=costing.delivered_hours_exact(ss),
        sessions=ss,
        fixed=fixed,
        enrolled=enrolled,
        who_read=who_read,
    )


# --- adding up --------------------------------------------------------------------------------


@dataclass
class Figures:
    """A row of a report: provisions, pupils, hours and cost of a group of provision-terms."""

    key: str = ""
    label: str = ""
    provisions: int = 0
    pupils: int = 0
    hours: Decimal = ZERO
    cost: Decimal = ZERO
    delivered: int = 0
    planned: int = 0
    href: str = ""  # set by the view: the drill-down link
    # Counts of pupils below this read "fewer than N" (accounts/disclosure.py); 0 shows them all.
    threshold: int = 0

    @property
    def fidelity(self) -> float | None:
        return costing.fidelity(self.delivered, self.planned)

    @property
    def fidelity_percent(self) -> int | None:
        f = self.fidelity
        return None if f is None else round(f * 100)

    @property
    def cost_shown(self) -> Decimal:
        return costing.money(self.cost)

    @property
    def hours_shown(self) -> Decimal:
        return costing.hours_shown(self.hours)

    @property
    def pupils_text(self) -> str:
        """ "12 pupils", or "fewer than 3 pupils" for a figure-only reader."""
        return disclosure.pupils_shown(self.pupils, self.threshold)

    @property
    def pupils_noun(self) -> str:
        """ "pupil" after a count of exactly 1 shown; "pupils" after any other, "fewer than 3"."""
        return "pupil" if self.shown["pupils"] == "1" else "pupils"

    @property
    def pupils_cell(self) -> int | str:
        """The count for a workbook: a number, or the text "fewer than 3"."""
        if disclosure.is_small(self.pupils, self.threshold):
            return disclosure.count_shown(self.pupils, self.threshold)
        return self.pupils

    @property
    def shown(self) -> dict[str, str]:
        """The row's cells as text, for every row and the total of a figure table
        (provision/reports/_figures_table.html): plain numbers, money with pence and grouped in
        thousands, without a localising filter per cell."""
        fidelity = self.fidelity_percent
        return {
            "provisions": str(self.provisions),
            "pupils": disclosure.count_shown(self.pupils, self.threshold),
            "fidelity": "" if fidelity is None else f"{fidelity}%",
            "delivered": str(self.delivered),
            "planned": str(self.planned),
            "hours": f"{self.hours_shown:f}",
            "cost": f"{self.cost_shown:,.2f}",
        }


def summarise(
    pts: Iterable[ProvisionTerm],
    *,
    key: str = "",
    label: str = "",
    pupil_filter: Callable[[int], bool] | None = None,
) -> Figures:
    """Add up provision-terms. With `pupil_filter` (a year group), only those pupils count: the
    cost is the sum of their shares, and a provision counts if any of them was in it."""
    adding = _Adding()
    for pt in pts:
        shares, denominator = pt.whole_shares
        if pupil_filter is None:
            adding.add(pt, shares, pt.cost.numerator, pt.cost.denominator)
            continue
        ids = [p for p in shares if pupil_filter(p)]
        if ids:
            adding.add(pt, ids, sum(shares[p] for p in ids), denominator)
    return adding.figures(key, label)


def summarise_by(
    pts: Iterable[ProvisionTerm], group_of: Callable[[int], str]
) -> dict[str, Figures]:
    """summarise(pts, pupil_filter=<pupils in group k>) for every group k of the pupils at once
    (key and label left for the caller): one pass over the shares instead of one per group."""
    groups: dict[str, _Adding] = defaultdict(_Adding)
    for pt in pts:
        shares, denominator = pt.whole_shares
        ids_of: dict[str, list[int]] = defaultdict(list)
        for p in shares:
            ids_of[group_of(p)].append(p)
        for group, ids in ids_of.items():
            groups[group].add(pt, ids, sum(shares[p] for p in ids), denominator)
    return {group: adding.figures(group, "") for group, adding in groups.items()}


class _Adding:
    """A row being added up: costs and hours kept as whole numbers by denominator (exact, and
    quicker to add than fractions), turned into Decimal once."""

    def __init__(self) -> None:
        self.provisions: set[int] = set()
        self.pupils: set[int] = set()
        self.cost: dict[int, int] = {}
        self.hours: dict[int, int] = {}
        self.delivered = 0
        self.planned = 0

    def add(self, pt: ProvisionTerm, pupils: Iterable[int], cost: int, denominator: int) -> None:
        self.provisions.add(pt.provision_id)
        self.pupils.update(pupils)
        self.cost[denominator] = self.cost.get(denominator, 0) + cost
        hours = pt.hours
        self.hours[hours.denominator] = self.hours.get(hours.denominator, 0) + hours.numerator
        self.delivered += pt.delivered
        self.planned += pt.planned

    def figures(self, key: str, label: str) -> Figures:
        return Figures(
            key=key,
            label=label,
            provisions=len(self.provisions),
            pupils=len(self.pupils),
            hours=costing.exact_decimal(costing.add_up(self.hours)),
            cost=costing.exact_decimal(costing.add_up(self.cost)),
            delivered=self.delivered,
            planned=self.planned,
        )
