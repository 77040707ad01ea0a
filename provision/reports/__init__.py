"""Reads for the provision reports: the whole-school provision map, a pupil's costed provision map
and the notional SEN budget (impact for cost is provision/reports/impact.py). Reads only; every
figure is one of provision/costing.py's formulas, gathered by provision/reports/inputs.py. The
package also holds the reports' pages (views.py, urls.py) and workbooks (xlsx.py).

Each report runs a fixed number of queries whatever the size of the school: delivered sessions are
read grouped by the database (sessions alike in a term counted, not listed; a pupil's costed map
reads that pupil's provisions session by session), and provisions, enrolments, entry and exit
data and target ratings one query each.
(selectors.provision_figures gives a provision's whole-life figures; these reports need them per
period and per term, and each pupil's share, so they gather their own.)
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.db.models import Q, QuerySet

from accounts import disclosure, schooldates
from accounts.models import School
from provision import costing
from provision.models import (
    AREA_CHOICES,
    WEEKDAYS,
    NotionalBudget,
    Provision,
    TopUpFunding,
    Wave,
)
from provision.reports import spending
from provision.reports.impact import (
    FORMULAS_EXPLAINED,
    GAIN_UNITS,
    MET_TARGETS_EXPLAINED,
    Impact,
    ImpactLine,
    impact,
)
from provision.reports.inputs import (
    TERM_LABELS,
    ZERO,
    Figures,
    Joined,
    Period,
    ProvisionTerm,
    Window,
    delivered_sessions,
    enrolments_of,
    held_by_window,
    held_sessions,
    period_for,
    provision_terms,
    school_provisions,
    summarise,
    summarise_by,
)
from pupils import census
from pupils.models import Pupil
from ui.links import pk_url

__all__ = [
    "AREA_LABELS",
    "FORMULAS_EXPLAINED",
    "GAIN_UNITS",
    "MET_TARGETS_EXPLAINED",
    "TERM_LABELS",
    "WAVE_LABELS",
    "Budget",
    "CostedLine",
    "CostedMap",
    "Figures",
    "Impact",
    "ImpactLine",
    "MapFilters",
    "Period",
    "ProvisionLine",
    "ProvisionMap",
    "PupilLine",
    "Window",
    "budget",
    "budget_years",
    "costed_map",
    "costing",
    "impact",
    "period_for",
    "provision_map",
    "school_provisions",
    "summarise",
]

AREA_LABELS = dict(AREA_CHOICES)
WAVE_LABELS = dict(Wave.choices)
DAY_SHORT = {n: label[:3] for n, label in WEEKDAYS}
UNKNOWN_YEAR = ""


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

    @cached_property
    def shown(self) -> dict[str, object]:
        """The cells of the map's provisions table as plain values (one dict lookup a cell in
        the template, not a chain of attribute lookups on models). Read when the page is drawn,
        after the view has set figures.href."""
        p, f = self.provision, self.figures
        cells = f.shown
        return {
            "pk": p.pk,
            "detail": pk_url("provision_detail", p.pk),
            "name": self.name,
            "intervention": p.intervention.name,
            "staff_role": p.staff_role.name,
            "wave": WAVE_LABELS.get(p.wave, p.wave),
            "area": AREA_LABELS.get(p.intervention.area, p.intervention.area),
            "how_often": self.how_often,
            "runs": self.runs,
            "href": f.href,
            "pupils": cells["pupils"],
            "fidelity": cells["fidelity"] or "–",
            "hours": cells["hours"],
            "cost": cells["cost"],
        }

    @property
    def name(self) -> str:
        """The provision's name, or for a figure-only reader of a provision for one pupil its kind
        and intervention (accounts/disclosure.py)."""
        p = self.provision
        return disclosure.provision_shown(
            p.name, p.intervention.name, self.figures.pupils, self.figures.threshold
        )

    @property
    def runs(self) -> str:
        """ "2 Sep 2025 to 20 Jul 2026": the template's date filter, written out because it is
        slow to call twice for each of a large school's provisions."""
        p = self.provision
        return f"{schooldates.short_date(p.start_date)} to {schooldates.short_date(p.end_date)}"


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
    only that year's row): summarise with each year's pupils, worked out in one pass."""
    rows = summarise_by(pts, lambda pupil: year_of.get(pupil, UNKNOWN_YEAR))
    out = []
    for y in sorted(rows, key=_year_order):
        if nc_year and y != nc_year:
            continue
        row = rows[y]
        row.label = census.NC_YEAR_LABELS.get(y, "Year group not known")
        out.append(row)
    return [r for r in out if r.provisions]


def provision_map(
    school: School,
    period: Period,
    filters: MapFilters,
    *,
    named: bool,
    today: date,
    threshold: int = 0,
) -> ProvisionMap:
    """The whole-school provision map of a period: a table per grouping (wave, broad area of
    need, year group, term), each row with provisions, pupils, hours and cost; the provisions and
    (for staff who see named pupils) the pupils behind them. Three queries, four with names.
    With a threshold (a figure-only reader) small counts and one-pupil provisions' names are
    hidden (accounts/disclosure.py)."""
    qs = _filtered(school, period, filters)
    waves = list(Wave.values)
    provisions = sorted(
        qs.select_related("intervention", "staff_role"),
        key=lambda p: (waves.index(p.wave), p.name.lower(), p.pk),
    )
    enrolments = enrolments_of(qs)
    held = held_sessions([p.pk for p in provisions], period, today)
    pts = provision_terms(provisions, held, enrolments, period, today)
    year_of = {j.pupil_id: j.nc_year for js in enrolments.values() for j in js}
    only = _in_year(year_of, filters.nc_year) if filters.nc_year else None
    by_provision: dict[int, list[ProvisionTerm]] = defaultdict(list)
    for pt in pts:
        by_provision[pt.provision_id].append(pt)
    lines = [ProvisionLine(p, summarise(by_provision[p.pk], pupil_filter=only)) for p in provisions]
    report = ProvisionMap(
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
    for row in _figure_rows(report):
        row.threshold = threshold
    return report


def _figure_rows(report: ProvisionMap) -> list[Figures]:
    return [
        report.total,
        *report.by_wave,
        *report.by_area,
        *report.by_year_group,
        *report.by_term,
        *(line.figures for line in report.provisions),
    ]


def _pupil_lines(
    school: School, pts: list[ProvisionTerm], only: Callable[[int], bool] | None
) -> list[PupilLine]:
    """Each pupil's provisions, hours attended and share of the cost (one query for names)."""
    provisions: dict[int, set[int]] = defaultdict(set)
    attended: dict[int, list[costing.DeliveredSession]] = defaultdict(list)
    cost: dict[int, Fraction] = defaultdict(Fraction)
    for pt in pts:
        for pupil, share in pt.shares.items():
            if only is not None and not only(pupil):
                continue
            provisions[pupil].add(pt.provision_id)
            attended[pupil].extend(pt.attended(pupil))
            cost[pupil] += share
    pupils = Pupil.objects.filter(school=school, pk__in=list(provisions)).order_by(
        "legal_surname", "legal_forename"
    )
    return [
        PupilLine(
            pupil=p,
            provisions=len(provisions[p.pk]),
            hours_attended=costing.delivered_hours(attended[p.pk]),
            cost=costing.exact_decimal(cost[p.pk]),
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
    # The pupil's own lines of the notional budget for the school year (in-class support by a
    # TA, a bought-in service for them): a year's commitment, not sessions.
    other: list[spending.BudgetLine] = field(default_factory=list)
    share: Decimal = field(init=False)
    planned_share: Decimal = field(init=False)
    hours_attended: Decimal = field(init=False)
    other_cost: Decimal = field(init=False)

    def __post_init__(self) -> None:
        self.share = costing.money(sum((line.share for line in self.lines), ZERO))
        self.planned_share = costing.money(sum((line.planned_share for line in self.lines), ZERO))
        self.hours_attended = sum((line.hours_attended for line in self.lines), ZERO)
        self.other_cost = sum((line.cost for line in self.other), ZERO)

    @property
    def planned_total(self) -> Decimal:
        """The year's planned cost of all the pupil's additional support: the provision's
        planned share and the pupil's own budget lines (for a term, the provision only)."""
        return self.planned_share + (ZERO if self.period.term else self.other_cost)


def costed_map(pupil: Pupil, period: Period, *, today: date) -> CostedMap:
    """The pupil's individual costed provision map for a period: each provision they were in,
    how often, who delivers it and the pupil's share of its cost (costing.pupil_shares), planned
    and so far, and the EHC top-up funding for the year. Six queries."""
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
    pts = provision_terms(
        provisions, held_by_window(sessions, period, today), enrolments, period, today
    )
    lines = [
        _costed_line(p, pupil.pk, enrolments[p.pk], sessions, pts, period, today)
        for p in provisions
    ]
    top_up = TopUpFunding.objects.filter(pupil=pupil, start_year=period.start_year).first()
    other = spending.budget_lines(pupil.school, period.start_year, pupil_id=pupil.pk)
    return CostedMap(pupil=pupil, period=period, lines=lines, top_up=top_up, other=other)


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
    own = [pt for pt in pts if pt.provision_id == p.pk]
    attended = [s for pt in own for s in pt.attended(pupil_id)]
    # The pupil's time in the provision within the period.
    start = max(p.start_date, mine.start, period.start)
    end = min(p.end_date, mine.end or p.end_date, period.end)
    return CostedLine(
        provision=p,
        joined=mine.start,
        left=mine.end,
        group_size=len({j.pupil_id for j in joined if j.overlaps(start, end)}),
        planned=len(costing.planned_dates(p.weekdays, start, end, period.terms, period.closed)),
        delivered=sum(1 for on, _s in sessions.get(p.pk, []) if start <= on <= min(end, today)),
        attended=sum(s.count for s in attended),
        hours_attended=costing.delivered_hours(attended),
        planned_share=_planned_share(p, pupil_id, joined, period),
        share=costing.exact_decimal(
            sum((pt.shares.get(pupil_id, Fraction(0)) for pt in own), Fraction(0))
        ),
    )


def _planned_share(p: Provision, pupil_id: int, joined: list[Joined], period: Period) -> Decimal:
    """The pupil's share if every session planned in the period happens, with the group enrolled
    in the period all present: costing.pupil_shares over the planned sessions."""
    start, end = max(p.start_date, period.start), min(p.end_date, period.end)
    group = frozenset(j.pupil_id for j in joined if j.overlaps(start, end))
    mine = next(j for j in joined if j.pupil_id == pupil_id)
    planned = [
        costing.DeliveredSession(p.session_minutes, p.staff_role.hourly_cost, group)
        for day in costing.planned_dates(p.weekdays, start, end, period.terms, period.closed)
        if mine.overlaps(day, day)
    ]
    fixed = p.fixed_costs if period.start <= p.start_date <= period.end else ZERO
    return costing.pupil_shares(planned, fixed, group).get(pupil_id, ZERO)


# --- the notional SEN budget ------------------------------------------------------------------


@dataclass
class Budget:
    period: Period
    amount: Decimal | None  # the notional SEN budget set for the year, if any
    spend: Figures  # the interventions: the provision map's figures
    by_wave: list[Figures]
    top_ups: Decimal
    top_up_pupils: int
    totals: costing.BudgetTotals  # every category: staffing, interventions, services, ...
    categories: list[spending.CategoryRow]
    threshold: int = 0

    @property
    def spent(self) -> Decimal:
        return self.totals.total

    @property
    def top_up_pupils_text(self) -> str:
        return disclosure.pupils_shown(self.top_up_pupils, self.threshold)

    @property
    def remaining(self) -> Decimal | None:
        return None if self.amount is None else self.amount - self.spent

    @property
    def overspent_by(self) -> Decimal | None:
        left = self.remaining
        return -left if left is not None and left < 0 else None

    @property
    def percent_used(self) -> int | None:
        if not self.amount:
            return None
        return round(self.spent / self.amount * 100)


def budget(school: School, period: Period, *, today: date, threshold: int = 0) -> Budget:
    """Spend against the notional SEN budget of a school year, by category: the spending lines
    the SENCo entered (staffing, bought-in services, resources, training) and the interventions,
    the cost of every provision in the year (staff time of delivered sessions, resources and
    licences), by wave; EHC top-up funding from the LA is shown beside it, not counted
    against it. `threshold`: small counts read "fewer than N" for figure-only readers."""
    year_map = provision_map(
        school, period, MapFilters(), named=False, today=today, threshold=threshold
    )
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
    lines = spending.budget_lines(school, period.start_year)
    totals = costing.budget_totals([line.spending for line in lines], year_map.total.cost_shown)
    return Budget(
        period=period,
        amount=amount,
        spend=year_map.total,
        by_wave=year_map.by_wave,
        top_ups=sum(top_ups, ZERO),
        top_up_pupils=len(top_ups),
        totals=totals,
        categories=spending.category_rows(lines, totals),
        threshold=threshold,
    )


def budget_years(school: School, current: int) -> list[int]:
    """School years to offer: those with term dates, a budget or provision, and this one."""
    years = {current}
    years.update(school.school_years.values_list("start_year", flat=True))
    years.update(NotionalBudget.objects.filter(school=school).values_list("start_year", flat=True))
    years.update(school.spending_lines.values_list("start_year", flat=True).distinct())
    dates = Provision.objects.filter(school=school).values_list("start_date", "end_date")
    for start, end in dates.order_by().distinct():
        years.update(
            range(schooldates.school_year_start(start), schooldates.school_year_start(end) + 1)
        )
    return sorted(years, reverse=True)
