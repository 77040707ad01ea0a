"""Reads for the provision reports: the whole-school provision map, a pupil's costed provision map,
the notional SEN budget and impact for cost. Reads only; every figure is one of
provision/costing.py's formulas, this module gathers their inputs.

Each report runs a fixed number of queries whatever the size of the school: delivered sessions are
read once, one row each, with the ids of the pupils present joined into the row by the database
(StringAgg), and enrolments, entry and exit data and target ratings one query each.
(selectors.provision_figures gives a provision's whole-life figures; these reports need them per
period and per term, and each pupil's share, so they gather their own.)

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

from django.db.models import CharField, Q, QuerySet, StringAgg, Value
from django.db.models.functions import Cast

from accounts import schooldates
from accounts.models import School, Term
from provision import costing
from provision.models import (
    AREA_CHOICES,
    WEEKDAYS,
    Enrolment,
    Measure,
    MeasureKind,
    MeasureType,
    NotionalBudget,
    Provision,
    Session,
    TopUpFunding,
    Wave,
)
from pupils import census
from pupils.models import Pupil
from support import rules

TERM_LABELS = {"autumn": "Autumn term", "spring": "Spring term", "summer": "Summer term"}
AREA_LABELS = dict(AREA_CHOICES)
WAVE_LABELS = dict(Wave.choices)
DAY_SHORT = {n: label[:3] for n, label in WEEKDAYS}
UNKNOWN_YEAR = ""
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
    """The school year starting in September `start_year`, or one of its terms (one query)."""
    rows = list(
        Term.objects.filter(school_year__school=school, school_year__start_year=start_year)
        .order_by("start_date")
        .values_list("name", "start_date", "end_date")
    )
    typical = not rows
    if typical:
        rows = [(t.name, t.start, t.end) for t in schooldates.default_terms(start_year)]
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
    )


# --- gathering the inputs of the formulas -----------------------------------------------------


@dataclass
class ProvisionTerm:
    """One provision in one term window: costing's figures for it."""

    provision: Provision
    window: str
    planned: int  # planned sessions up to today
    delivered: int  # delivered sessions up to today
    cost: Decimal
    hours: Decimal
    shares: dict[int, Decimal]  # pupil id -> share of the cost (costing.pupil_shares)
    attended: dict[int, list[costing.DeliveredSession]]  # pupil id -> sessions they were at
    enrolled: frozenset[int]


def _present(ids: str | None) -> frozenset[int]:
    return frozenset(int(i) for i in ids.split(",")) if ids else frozenset()


def delivered_sessions(
    provisions: QuerySet[Provision], start: date, end: date
) -> dict[int, list[tuple[date, costing.DeliveredSession]]]:
    """Delivered sessions between two dates by provision, each with the pupils present (one
    query; the pupils present are joined into each row by the database)."""
    rows = (
        Session.objects.filter(provision__in=provisions, delivered=True, on__range=(start, end))
        .order_by()
        .values("pk", "provision_id", "on", "minutes", "staff_role__hourly_cost")
        .annotate(
            present=StringAgg(
                Cast("attendance__pupil_id", CharField()),
                Value(","),
                filter=Q(attendance__present=True),
            )
        )
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
    sessions: dict[int, list[tuple[date, costing.DeliveredSession]]],
    enrolments: dict[int, list[Joined]],
    period: Period,
    today: date,
) -> list[ProvisionTerm]:
    """costing's figures for each provision in each term window of the period it ran in."""
    out = []
    for p in provisions:
        for w in period.windows:
            start, end = max(p.start_date, w.start), min(p.end_date, w.end)
            held = [(on, s) for on, s in sessions.get(p.pk, []) if w.start <= on <= w.end]
            if start > end and not held:
                continue
            out.append(_provision_term(p, w, held, enrolments.get(p.pk, []), period, today))
    return out


def _provision_term(
    p: Provision,
    w: Window,
    held: list[tuple[date, costing.DeliveredSession]],
    joined: list[Joined],
    period: Period,
    today: date,
) -> ProvisionTerm:
    start, end = max(p.start_date, w.start), min(p.end_date, w.end)
    ss = [s for _on, s in held]
    fixed = p.fixed_costs if w.start <= p.start_date <= w.end else ZERO
    enrolled = frozenset(j.pupil_id for j in joined if j.overlaps(start, end))
    shares = costing.pupil_shares(ss, fixed, enrolled)
    return ProvisionTerm(
        provision=p,
        window=w.name,
        planned=len(costing.planned_dates(p.weekdays, start, min(end, today), period.terms)),
        delivered=sum(1 for on, _s in held if on <= today),
        cost=costing.provision_cost(ss, fixed),
        hours=costing.delivered_hours(ss),
        shares=shares,
        attended={pupil: [s for s in ss if pupil in s.present] for pupil in shares},
        enrolled=enrolled,
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
        return self.hours.quantize(Decimal("0.1"))


def summarise(
    pts: Iterable[ProvisionTerm],
    *,
    key: str = "",
    label: str = "",
    pupil_filter: Callable[[int], bool] | None = None,
) -> Figures:
    """Add up provision-terms. With `pupil_filter` (a year group), only those pupils count: the
    cost is the sum of their shares, and a provision counts if any of them was in it."""
    provisions: set[int] = set()
    pupils: set[int] = set()
    out = Figures(key=key, label=label)
    for pt in pts:
        ids = [p for p in pt.shares if pupil_filter(p)] if pupil_filter else list(pt.shares)
        if pupil_filter is not None:
            if not ids:
                continue
            out.cost += sum((pt.shares[p] for p in ids), ZERO)
        else:
            out.cost += pt.cost
        provisions.add(pt.provision.pk)
        pupils.update(ids)
        out.hours += pt.hours
        out.delivered += pt.delivered
        out.planned += pt.planned
    out.provisions, out.pupils = len(provisions), len(pupils)
    return out


# --- the whole-school provision map -----------------------------------------------------------


@dataclass(frozen=True)
class MapFilters:
    wave: str = ""
    area: str = ""
    nc_year: str = ""
    provision: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.wave or self.area or self.nc_year or self.provision)


@dataclass
class ProvisionLine:
    provision: Provision
    figures: Figures

    @property
    def how_often(self) -> str:
        return how_often(self.provision)


@dataclass
class PupilLine:
    pupil: Pupil
    provisions: int
    hours_attended: Decimal
    cost: Decimal

    @property
    def cost_shown(self) -> Decimal:
        return costing.money(self.cost)


@dataclass
class ProvisionMap:
    period: Period
    filters: MapFilters
    total: Figures
    by_wave: list[Figures]
    by_area: list[Figures]
    by_year_group: list[Figures]
    by_term: list[Figures]
    provisions: list[ProvisionLine]
    pupils: list[PupilLine] | None  # None when the reader sees no named pupils


def how_often(p: Provision) -> str:
    days = ", ".join(DAY_SHORT.get(d, str(d)) for d in sorted(p.weekdays))
    at = f" at {p.start_time:%H:%M}" if p.start_time else ""
    return f"{days}: {p.session_minutes} minutes{at}"


def school_provisions(school: School, period: Period) -> QuerySet[Provision]:
    """The school's provisions that ran during the period (dates overlap)."""
    return Provision.objects.filter(
        school=school, start_date__lte=period.end, end_date__gte=period.start
    )


def _in_year(year_of: dict[int, str], nc_year: str) -> Callable[[int], bool]:
    return lambda pupil: year_of.get(pupil, UNKNOWN_YEAR) == nc_year


def _year_order(code: str) -> int:
    codes = [c for c, _label in census.NC_YEARS]
    return codes.index(code) if code in codes else len(codes)


def _filtered(school: School, period: Period, filters: MapFilters) -> QuerySet[Provision]:
    qs = school_provisions(school, period)
    if filters.wave:
        qs = qs.filter(wave=filters.wave)
    if filters.area:
        qs = qs.filter(intervention__area=filters.area)
    if filters.provision:
        qs = qs.filter(pk=filters.provision)
    return qs


def _grouped(
    pts: list[ProvisionTerm],
    attr: Callable[[ProvisionTerm], str],
    labels: dict[str, str],
    only: Callable[[int], bool] | None,
) -> list[Figures]:
    """A row per label (in the labels' order) that has any provision."""
    rows = [
        summarise([pt for pt in pts if attr(pt) == k], key=k, label=v, pupil_filter=only)
        for k, v in labels.items()
    ]
    return [r for r in rows if r.provisions]


def _by_year_group(
    pts: list[ProvisionTerm], year_of: dict[int, str], nc_year: str
) -> list[Figures]:
    """A row per year group, each the map restricted to its pupils (with a year-group filter,
    only that year's row)."""
    years = sorted({year_of.get(p, UNKNOWN_YEAR) for pt in pts for p in pt.shares}, key=_year_order)
    rows = [
        summarise(
            pts,
            key=y,
            label=census.NC_YEAR_LABELS.get(y, "Year group not known"),
            pupil_filter=_in_year(year_of, y),
        )
        for y in years
        if not nc_year or y == nc_year
    ]
    return [r for r in rows if r.provisions]


def provision_map(
    school: School,
    period: Period,
    filters: MapFilters,
    *,
    named: bool,
    today: date,
) -> ProvisionMap:
    """The whole-school provision map of a period: a table per grouping (wave, broad area of
    need, year group, term), each row with provisions, pupils, hours and cost; the provisions and
    (for staff who see named pupils) the pupils behind them. Four queries, five with names."""
    qs = _filtered(school, period, filters)
    waves = list(Wave.values)
    provisions = sorted(
        qs.select_related("intervention", "staff_role", "staff"),
        key=lambda p: (waves.index(p.wave), p.name.lower(), p.pk),
    )
    enrolments = enrolments_of(qs)
    pts = provision_terms(
        provisions, delivered_sessions(qs, period.start, period.end), enrolments, period, today
    )
    year_of = {j.pupil_id: j.nc_year for js in enrolments.values() for j in js}
    only = _in_year(year_of, filters.nc_year) if filters.nc_year else None
    lines = [
        ProvisionLine(
            p, summarise([pt for pt in pts if pt.provision.pk == p.pk], pupil_filter=only)
        )
        for p in provisions
    ]
    return ProvisionMap(
        period=period,
        filters=filters,
        total=summarise(pts, pupil_filter=only),
        by_wave=_grouped(pts, lambda pt: pt.provision.wave, WAVE_LABELS, only),
        by_area=_grouped(pts, lambda pt: pt.provision.intervention.area, AREA_LABELS, only),
        by_year_group=_by_year_group(pts, year_of, filters.nc_year),
        by_term=_grouped(
            pts, lambda pt: pt.window, {w.name: w.label for w in period.windows}, only
        ),
        provisions=[line for line in lines if line.figures.provisions or not filters.nc_year],
        pupils=_pupil_lines(school, pts, only) if named else None,
    )


def _pupil_lines(
    school: School, pts: list[ProvisionTerm], only: Callable[[int], bool] | None
) -> list[PupilLine]:
    """Each pupil's provisions, hours attended and share of the cost (one query for names)."""
    provisions: dict[int, set[int]] = defaultdict(set)
    attended: dict[int, list[costing.DeliveredSession]] = defaultdict(list)
    cost: dict[int, Decimal] = defaultdict(Decimal)
    for pt in pts:
        for pupil, share in pt.shares.items():
            if only is not None and not only(pupil):
                continue
            provisions[pupil].add(pt.provision.pk)
            attended[pupil].extend(pt.attended.get(pupil, []))
            cost[pupil] += share
    pupils = Pupil.objects.filter(school=school, pk__in=list(provisions)).order_by(
        "legal_surname", "legal_forename"
    )
    return [
        PupilLine(
            pupil=p,
            provisions=len(provisions[p.pk]),
            hours_attended=costing.delivered_hours(attended[p.pk]),
            cost=cost[p.pk],
        )
        for p in pupils.only(
            "pk",
            "upn",
            "legal_forename",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
            "nc_year",
        )
    ]


# --- a pupil's costed provision map -----------------------------------------------------------


@dataclass
class CostedLine:
    provision: Provision
    joined: date
    left: date | None
    group_size: int
    planned: int  # sessions planned in the period while the pupil is in it
    delivered: int  # sessions delivered so far in the period
    attended: int
    hours_attended: Decimal
    planned_share: Decimal  # the pupil's share if every planned session happens
    share: Decimal  # the pupil's share of what has been delivered

    @property
    def how_often(self) -> str:
        return how_often(self.provision)

    @property
    def who(self) -> str:
        staff = self.provision.staff
        name = (staff.get_full_name() or staff.get_username()) if staff else ""
        role = self.provision.staff_role.name
        return f"{name} ({role})" if name else role

    @property
    def share_shown(self) -> Decimal:
        return costing.money(self.share)

    @property
    def planned_share_shown(self) -> Decimal:
        return costing.money(self.planned_share)


@dataclass
class CostedMap:
    pupil: Pupil
    period: Period
    lines: list[CostedLine]
    top_up: TopUpFunding | None
    share: Decimal = field(init=False)
    planned_share: Decimal = field(init=False)
    hours_attended: Decimal = field(init=False)

    def __post_init__(self) -> None:
        self.share = costing.money(sum((line.share for line in self.lines), ZERO))
        self.planned_share = costing.money(sum((line.planned_share for line in self.lines), ZERO))
        self.hours_attended = sum((line.hours_attended for line in self.lines), ZERO)


def costed_map(pupil: Pupil, period: Period, *, today: date) -> CostedMap:
    """The pupil's individual costed provision map for a period: each provision they were in,
    how often, who delivers it and the pupil's share of its cost (costing.pupil_shares), planned
    and so far, and the EHC top-up funding for the year. Five queries."""
    qs = school_provisions(pupil.school, period).filter(
        Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=period.start),
        enrolments__pupil=pupil,
        enrolments__start_date__lte=period.end,
    )
    provisions = list(
        qs.select_related("intervention", "staff_role", "staff").order_by("start_date", "name")
    )
    enrolments = enrolments_of(qs)
    sessions = delivered_sessions(qs, period.start, period.end)
    pts = provision_terms(provisions, sessions, enrolments, period, today)
    lines = [
        _costed_line(p, pupil.pk, enrolments[p.pk], sessions, pts, period, today)
        for p in provisions
    ]
    top_up = TopUpFunding.objects.filter(pupil=pupil, start_year=period.start_year).first()
    return CostedMap(pupil=pupil, period=period, lines=lines, top_up=top_up)


def _costed_line(
    p: Provision,
    pupil_id: int,
    joined: list[Joined],
    sessions: dict[int, list[tuple[date, costing.DeliveredSession]]],
    pts: list[ProvisionTerm],
    period: Period,
    today: date,
) -> CostedLine:
    mine = next(j for j in joined if j.pupil_id == pupil_id)
    own = [pt for pt in pts if pt.provision.pk == p.pk]
    attended = [s for pt in own for s in pt.attended.get(pupil_id, [])]
    # The pupil's time in the provision within the period.
    start = max(p.start_date, mine.start, period.start)
    end = min(p.end_date, mine.end or p.end_date, period.end)
    return CostedLine(
        provision=p,
        joined=mine.start,
        left=mine.end,
        group_size=len({j.pupil_id for j in joined if j.overlaps(start, end)}),
        planned=len(costing.planned_dates(p.weekdays, start, end, period.terms)),
        delivered=sum(1 for on, _s in sessions.get(p.pk, []) if start <= on <= min(end, today)),
        attended=len(attended),
        hours_attended=costing.delivered_hours(attended),
        planned_share=_planned_share(p, pupil_id, joined, period),
        share=sum((pt.shares.get(pupil_id, ZERO) for pt in own), ZERO),
    )


def _planned_share(p: Provision, pupil_id: int, joined: list[Joined], period: Period) -> Decimal:
    """The pupil's share if every session planned in the period happens, with the group enrolled
    in the period all present: costing.pupil_shares over the planned sessions."""
    start, end = max(p.start_date, period.start), min(p.end_date, period.end)
    group = frozenset(j.pupil_id for j in joined if j.overlaps(start, end))
    mine = next(j for j in joined if j.pupil_id == pupil_id)
    planned = [
        costing.DeliveredSession(p.session_minutes, p.staff_role.hourly_cost, group)
        for day in costing.planned_dates(p.weekdays, start, end, period.terms)
        if mine.overlaps(day, day)
    ]
    fixed = p.fixed_costs if period.start <= p.start_date <= period.end else ZERO
    return costing.pupil_shares(planned, fixed, group).get(pupil_id, ZERO)


# --- the notional SEN budget ------------------------------------------------------------------


@dataclass
class Budget:
    period: Period
    amount: Decimal | None  # the notional SEN budget set for the year, if any
    spend: Figures
    by_wave: list[Figures]
    top_ups: Decimal
    top_up_pupils: int

    @property
    def remaining(self) -> Decimal | None:
        return None if self.amount is None else self.amount - self.spend.cost_shown

    @property
    def overspent_by(self) -> Decimal | None:
        left = self.remaining
        return -left if left is not None and left < 0 else None

    @property
    def percent_used(self) -> int | None:
        if not self.amount:
            return None
        return round(self.spend.cost_shown / self.amount * 100)


def budget(school: School, period: Period, *, today: date) -> Budget:
    """Spend against the notional SEN budget of a school year: the cost of every provision in the
    year (staff time of delivered sessions, resources and licences), by wave; EHC top-up funding
    from the LA is shown beside it, not counted against it."""
    year_map = provision_map(school, period, MapFilters(), named=False, today=today)
    amount = (
        NotionalBudget.objects.filter(school=school, start_year=period.start_year)
        .values_list("amount", flat=True)
        .first()
    )
    top_ups = list(
        TopUpFunding.objects.filter(pupil__school=school, start_year=period.start_year).values_list(
            "amount", flat=True
        )
    )
    return Budget(
        period=period,
        amount=amount,
        spend=year_map.total,
        by_wave=year_map.by_wave,
        top_ups=sum(top_ups, ZERO),
        top_up_pupils=len(top_ups),
    )


def budget_years(school: School, current: int) -> list[int]:
    """School years to offer: those with term dates, a budget or provision, and this one."""
    years = {current}
    years.update(school.school_years.values_list("start_year", flat=True))
    years.update(NotionalBudget.objects.filter(school=school).values_list("start_year", flat=True))
    for start, end in Provision.objects.filter(school=school).values_list("start_date", "end_date"):
        years.update(
            range(schooldates.school_year_start(start), schooldates.school_year_start(end) + 1)
        )
    return sorted(years, reverse=True)


# --- impact for cost --------------------------------------------------------------------------

# What each formula means, in plain English for senior leaders and governors. Keyed by the terms
# defined in costing's docstring (test_reports checks every one is explained).
FORMULAS_EXPLAINED: dict[str, str] = {
    "Planned sessions": (
        "The days the provision was timetabled for, between its start and end dates, leaving "
        "out school holidays."
    ),
    "Fidelity": (
        "Sessions delivered so far divided by sessions planned so far. 100% means every planned "
        "session happened; low fidelity means the pupils had less of the intervention than "
        "intended, so its impact is hard to judge."
    ),
    "Staff cost of a session": (
        "The session's length in hours times the hourly cost (salary and on-costs) of the staff "
        "role that delivered it."
    ),
    "Cost of a provision": (
        "The staff cost of the sessions actually delivered, plus resources and licences. "
        "Sessions that were missed cost nothing."
    ),
    "A pupil's share": (
        "Each session's cost is split equally among the pupils present at it (among everyone in "
        "the group if nobody came); resources and licences are split equally among the pupils "
        "in the group. The shares add up to the cost of the provision."
    ),
    "Gain": "The exit score minus the entry score on the same assessment.",
    "Gain against expected": (
        "For age-equivalent scores, the months gained divided by the months between the two "
        "tests (the ‘ratio gain’: 1.0 is typical progress, 2.0 twice the typical rate). For "
        "standardised scores, the change in score: 0 means the pupil kept pace with others of "
        "the same age, more than 0 means they closed the gap. Raw, scaled and school scores "
        "have no national expectation, so this is the gain itself."
    ),
    "Cost per unit of gain": (
        "The cost per pupil divided by the average gain, shown only when pupils gained on "
        "average. Compare it only between interventions measured the same way."
    ),
    "Small samples": (
        f"With fewer than {costing.SMALL_SAMPLE} pupils who have both entry and exit scores, an "
        "average says little: such rows are marked ‘small sample’."
    ),
}
MET_TARGETS_EXPLAINED = (
    "Of the pupils whose plan targets linked to this provision have been rated at a review, the "
    "share whose linked targets were all met (rated ‘as expected’ or better)."
)

GAIN_UNITS: dict[str, str] = {
    MeasureType.AGE_EQUIVALENT.value: "months",
    MeasureType.STANDARDISED.value: "points",
}


@dataclass
class ImpactLine:
    """One impact-for-cost row: a provision or an intervention, for one kind of measure."""

    name: str
    area: str
    measure_type: str  # "" when no pupil has entry and exit data
    delivered: int
    planned: int
    impact: costing.Impact

    @property
    def fidelity_percent(self) -> int | None:
        f = costing.fidelity(self.delivered, self.planned)
        return None if f is None else round(f * 100)

    @property
    def measure_label(self) -> str:
        return (
            MeasureType(self.measure_type).label if self.measure_type else "No entry and exit data"
        )

    @property
    def average_gain_shown(self) -> str:
        g = self.impact.average_gain
        if g is None:
            return "–"
        unit = GAIN_UNITS.get(self.measure_type)
        return f"{g:+.1f}{' ' + unit if unit else ''}"

    @property
    def against_expected_shown(self) -> str:
        g = self.impact.average_against_expected
        if g is None:
            return "–"
        if self.measure_type == MeasureType.AGE_EQUIVALENT:
            return f"{g:.1f} × typical rate"
        return f"{g:+.1f}"

    @property
    def met_targets_percent(self) -> int | None:
        s = self.impact.met_targets_share
        return None if s is None else round(s * 100)


@dataclass
class Impact:
    period: Period
    interventions: list[ImpactLine]
    provisions: list[ImpactLine]


def _results(provisions: QuerySet[Provision]) -> dict[int, list[costing.EntryExit]]:
    """Entry and exit data of the same kind of measure, paired per enrolment (one query)."""
    by_enrolment: dict[int, dict[str, tuple[int, int, str, Decimal, date]]] = defaultdict(dict)
    rows = Measure.objects.filter(enrolment__provision__in=provisions).values_list(
        "enrolment_id",
        "enrolment__provision_id",
        "enrolment__pupil_id",
        "kind",
        "measure_type",
        "value",
        "on",
    )
    for enrolment_id, provision_id, pupil_id, kind, mtype, value, on in rows.order_by():
        by_enrolment[enrolment_id][kind] = (provision_id, pupil_id, mtype, value, on)
    out: dict[int, list[costing.EntryExit]] = defaultdict(list)
    for pair in by_enrolment.values():
        entry, exit_ = pair.get(MeasureKind.ENTRY), pair.get(MeasureKind.EXIT)
        if entry is None or exit_ is None or entry[2] != exit_[2]:
            continue
        out[entry[0]].append(
            costing.EntryExit(
                entry[1], entry[2], float(entry[3]), entry[4], float(exit_[3]), exit_[4]
            )
        )
    return out


def _ratings(provisions: QuerySet[Provision]) -> dict[int, dict[int, list[int]]]:
    """Ratings of the targets linked to each provision: provision -> pupil -> ratings."""
    through = Provision.targets.through.objects.filter(
        provision__in=provisions, target__ratings__isnull=False
    ).values_list("provision_id", "target__plan__cycle__pupil_id", "target__ratings__rating")
    out: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for provision_id, pupil_id, rating in through.order_by():
        out[provision_id][pupil_id].append(rating)
    return out


def _lines(
    name: str,
    area: str,
    pts: list[ProvisionTerm],
    results: list[costing.EntryExit],
    ratings: dict[int, list[int]],
) -> list[ImpactLine]:
    """costing.impact for a group of provision-terms, one line per kind of measure used."""
    pupils = {p for pt in pts for p in pt.enrolled}
    rated = {p: rs for p, rs in ratings.items() if p in pupils and rs}
    met = sum(1 for rs in rated.values() if all(rules.is_met(r) for r in rs))
    cost = sum((pt.cost for pt in pts), ZERO)
    delivered, planned = sum(pt.delivered for pt in pts), sum(pt.planned for pt in pts)
    kinds = sorted({r.measure_type for r in results}) or [""]
    return [
        ImpactLine(
            name=name,
            area=area,
            measure_type=kind,
            delivered=delivered,
            planned=planned,
            impact=costing.impact(
                results=[r for r in results if r.measure_type == kind],
                pupils=len(pupils),
                total_cost=cost,
                targets_met=met,
                targets_rated=len(rated),
            ),
        )
        for kind in kinds
    ]


def _intervention_lines(
    members: list[Provision],
    by_provision: dict[int, list[ProvisionTerm]],
    results: dict[int, list[costing.EntryExit]],
    ratings: dict[int, dict[int, list[int]]],
) -> list[ImpactLine]:
    """An intervention's lines: its provisions together (a pupil in two of them counts once; their
    linked targets are taken together)."""
    pupil_ratings: dict[int, list[int]] = defaultdict(list)
    for p in members:
        for pupil, rs in ratings[p.pk].items():
            if any(pupil in pt.enrolled for pt in by_provision[p.pk]):
                pupil_ratings[pupil] += rs
    return _lines(
        members[0].intervention.name,
        members[0].intervention.area,
        [pt for p in members for pt in by_provision[p.pk]],
        [r for p in members for r in results[p.pk]],
        pupil_ratings,
    )


def impact(school: School, period: Period, *, today: date) -> Impact:
    """Impact for cost of each intervention and each provision that ran in the period: pupils,
    fidelity, average gain, gain against expected, the share of pupils who met their linked
    targets, cost per pupil and per unit of gain (costing.impact). Figures only, no names.
    Seven queries."""
    qs = school_provisions(school, period)
    provisions = list(qs.select_related("intervention").order_by("intervention__name", "name"))
    pts = provision_terms(
        provisions,
        delivered_sessions(qs, period.start, period.end),
        enrolments_of(qs),
        period,
        today,
    )
    results, ratings = _results(qs), _ratings(qs)
    by_provision: dict[int, list[ProvisionTerm]] = defaultdict(list)
    for pt in pts:
        by_provision[pt.provision.pk].append(pt)
    provision_lines: list[ImpactLine] = []
    groups: dict[int, list[Provision]] = defaultdict(list)
    for p in provisions:
        groups[p.intervention_id].append(p)
        provision_lines += _lines(
            p.name, p.intervention.area, by_provision[p.pk], results[p.pk], ratings[p.pk]
        )
    intervention_lines = [
        line
        for members in groups.values()
        for line in _intervention_lines(members, by_provision, results, ratings)
    ]
    return Impact(period=period, interventions=intervention_lines, provisions=provision_lines)
