"""Costs, dose and impact of provision: the formulas senior leaders see explained on the impact
page. Pure: no Django; money in pence (int) or Decimal pounds; dates passed in.

Definitions
- Planned sessions: the provision's weekdays between its start and end dates that fall inside a
  school term (holidays excluded) and are not closed days (half-term, training days, bank holidays).
- Fidelity: delivered sessions / planned sessions to date (1.0 = every planned session happened).
- Staff cost of a session: minutes / 60 x the hourly rate of the staff role that delivered it.
- Cost of a provision: staff cost of delivered sessions + resource and licence costs.
- A pupil's share: the cost of each delivered session is split equally among the pupils present at it;
  resource and licence costs are split equally among the pupils enrolled. Shares add up to the total.

Sessions alike in length, rate and the pupils present may be passed once with a count (the reports
read them grouped like that): the figures are those of passing each session on its own.
- Gain: exit value - entry value of the same measure.
- Gain against expected:
  - age-equivalent months: months gained / months elapsed between the entry and exit dates (the
    "ratio gain"; 1.0 = typical progress, 2.0 = twice the typical rate);
  - standardised scores: the change in score (0 = kept pace with peers of the same age; + closes the gap);
  - raw, scaled and school-scale measures: the gain itself (no national expectation).
- Cost per unit of gain: cost per pupil / average gain, only when the average gain is positive.
- Small samples: fewer than SMALL_SAMPLE pupils with both entry and exit data are marked as such.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from math import lcm
from statistics import mean

SMALL_SAMPLE = 5
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Term:
    start: date
    end: date


def _merged(terms: Sequence[Term]) -> tuple[Term, ...]:
    """The terms sorted, with any that overlap or touch joined, so no day is counted twice."""
    return _merged_once(tuple(terms))


@lru_cache(maxsize=256)
def _merged_once(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """_merged, worked out once per set of terms (a report counts hundreds of provision-terms
    against the same school year)."""
    out: list[Term] = []
    for t in sorted(terms, key=lambda t: t.start):
        if out and t.start <= out[-1].end + timedelta(days=1):
            out[-1] = Term(out[-1].start, max(out[-1].end, t.end))
        else:
            out.append(t)
    return tuple(out)


def planned_count(
    weekdays: Iterable[int],
    start: date,
    end: date,
    terms: Sequence[Term],
    closed: Collection[date] = frozenset(),
) -> int:
    """len(planned_dates(...)) without listing the dates: whole weeks are counted at once, then
    the closed days that would have been planned are taken off."""
    days = set(weekdays)
    merged = _merged(terms)
    count = -sum(
        1
        for c in set(closed)
        if start <= c <= end and c.weekday() in days and any(t.start <= c <= t.end for t in merged)
    )
    for term in merged:
        day, last = max(start, term.start), min(end, term.end)
        if day > last:
            continue
        weeks, extra = divmod((last - day).days + 1, 7)
        count += weeks * sum(1 for d in days if 0 <= d <= 6)
        for i in range(extra):
            if (day.weekday() + i) % 7 in days:
                count += 1
    return count


def planned_dates(
    weekdays: Iterable[int],
    start: date,
    end: date,
    terms: Sequence[Term],
    closed: Collection[date] = frozenset(),
) -> list[date]:
    """Every date from `start` to `end` (inclusive) on one of `weekdays` (0 = Monday) in a term,
    except the `closed` days (half-term, training days, bank holidays)."""
    days = set(weekdays)
    shut = set(closed)
    out: list[date] = []
    for term in terms:
        day = max(start, term.start)
        last = min(end, term.end)
        while day <= last:
            if day.weekday() in days and day not in shut:
                out.append(day)
            day += timedelta(days=1)
    return sorted(set(out))


def fidelity(delivered: int, planned: int) -> float | None:
    """Delivered / planned; None when nothing was planned yet."""
    if delivered < 0 or planned < 0:
        raise ValueError("Counts cannot be negative.")
    return None if planned == 0 else delivered / planned


def money(value: Decimal | Fraction | int | float) -> Decimal:
    if isinstance(value, Fraction):
        value = exact_decimal(value)
    return Decimal(str(value)).quantize(PENNY, rounding=ROUND_HALF_UP)


def session_staff_cost(minutes: int, hourly_rate: Decimal) -> Decimal:
    return exact_decimal(_staff_cost(minutes, hourly_rate))


def _staff_cost(minutes: int, hourly_rate: Decimal) -> Fraction:
    if minutes < 0 or hourly_rate < 0:
        raise ValueError("Minutes and rates cannot be negative.")
    return Fraction(minutes) * Fraction(hourly_rate) / 60


def exact_decimal(value: Fraction) -> Decimal:
    """An exact figure as a Decimal: exactly, when it has a finite decimal expansion (every
    figure that can sit on a rounding boundary does), else to Decimal's 28 significant digits."""
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class DeliveredSession:
    minutes: int
    hourly_rate: Decimal
    present: frozenset[int]  # pupil ids present
    count: int = 1  # this many sessions alike in length, rate and pupils present


# Sums are worked out exactly (fractions of a penny kept whole) and turned into Decimal once, so
# a figure never depends on the order sessions are added up in, and a total that is exactly half a
# penny (a 50-minute session at £18.15 an hour costs £15.125) rounds as money() says it should.


def provision_cost_exact(sessions: Iterable[DeliveredSession], fixed_costs: Decimal) -> Fraction:
    """Staff cost of the delivered sessions plus resources and licences, exactly."""
    if fixed_costs < 0:
        raise ValueError("Costs cannot be negative.")
    fixed = _fraction(fixed_costs)
    parts = {fixed.denominator: fixed.numerator}
    rates: dict[Decimal, Fraction] = {}
    for s in sessions:
        rate = _rate(rates, s)
        denominator = 60 * rate.denominator
        parts[denominator] = parts.get(denominator, 0) + s.minutes * rate.numerator * s.count
    return add_up(parts)


def _rate(seen: dict[Decimal, Fraction], s: DeliveredSession) -> Fraction:
    """The session's hourly rate as a fraction (converted and checked once per rate: it is
    slow)."""
    rate = seen.get(s.hourly_rate)
    if rate is None:
        rate = _fraction(s.hourly_rate)
        if rate < 0:
            raise ValueError("Minutes and rates cannot be negative.")
        seen[s.hourly_rate] = rate
    if s.minutes < 0:
        raise ValueError("Minutes and rates cannot be negative.")
    return rate


@lru_cache(maxsize=1024)
def _fraction(value: Decimal) -> Fraction:
    """Fraction(value), remembered: a school has a few hourly rates and costs, and a report
    converts each of them once per provision-term (hundreds of times) otherwise."""
    return Fraction(value)


def provision_cost(sessions: Iterable[DeliveredSession], fixed_costs: Decimal) -> Decimal:
    """Staff cost of the delivered sessions plus resources and licences."""
    return exact_decimal(provision_cost_exact(sessions, fixed_costs))


def pupil_shares_exact(
    sessions: Iterable[DeliveredSession], fixed_costs: Decimal, enrolled: Iterable[int]
) -> dict[int, Fraction]:
    """Each pupil's share of the cost, exactly (so they add up to provision_cost_exact).

    A session nobody attended is shared among everyone enrolled: the staff were paid for it."""
    shares, denominator = pupil_shares_whole(sessions, fixed_costs, enrolled)
    return {p: Fraction(n, denominator) for p, n in shares.items()}


def pupil_shares_whole(
    sessions: Iterable[DeliveredSession], fixed_costs: Decimal, enrolled: Iterable[int]
) -> tuple[dict[int, int], int]:
    """pupil_shares_exact as whole numbers over one denominator: (pupil id -> numerator,
    denominator). Shares added up as integers are exact and much quicker to add than fractions."""
    if fixed_costs < 0:
        raise ValueError("Costs cannot be negative.")
    pupils = sorted(set(enrolled))
    # Whole numbers over a denominator per pupil (minutes x rate x count / 60 / pupils sharing).
    parts: dict[int, dict[int, int]] = {p: {} for p in pupils}
    fixed = _fraction(fixed_costs)
    rates: dict[Decimal, Fraction] = {}
    for s in sessions:
        among = s.present or pupils
        if not among:
            continue
        rate = _rate(rates, s)
        numerator = s.minutes * rate.numerator * s.count
        denominator = 60 * rate.denominator * len(among)
        for p in among:
            mine = parts.setdefault(p, {})
            mine[denominator] = mine.get(denominator, 0) + numerator
    if pupils:
        each = fixed / len(pupils)
        for p in pupils:
            mine = parts[p]
            mine[each.denominator] = mine.get(each.denominator, 0) + each.numerator
    common = lcm(*{d for mine in parts.values() for d in mine}) if parts else 1
    whole = {p: sum(n * (common // d) for d, n in mine.items()) for p, mine in parts.items()}
    return whole, common


def add_up(parts: Mapping[int, int]) -> Fraction:
    """Numerators by denominator ({denominator: numerator}), added up exactly."""
    common = lcm(*parts) if parts else 1
    return Fraction(sum(n * (common // d) for d, n in parts.items()), common)


def pupil_shares(
    sessions: Iterable[DeliveredSession], fixed_costs: Decimal, enrolled: Iterable[int]
) -> dict[int, Decimal]:
    """Each pupil's share of the cost (see pupil_shares_exact)."""
    return {
        p: exact_decimal(share)
        for p, share in pupil_shares_exact(sessions, fixed_costs, enrolled).items()
    }


def delivered_hours_exact(sessions: Iterable[DeliveredSession]) -> Fraction:
    return Fraction(sum(s.minutes * s.count for s in sessions), 60)


def delivered_hours(sessions: Iterable[DeliveredSession]) -> Decimal:
    return exact_decimal(delivered_hours_exact(sessions))


TENTH = Decimal("0.1")


def hours_shown(hours: Decimal | Fraction | int | float) -> Decimal:
    """Hours as every page, PDF and sheet shows them: to a tenth, halves rounded up (3.25 hours
    is 3.3), as money is."""
    if isinstance(hours, Fraction):
        hours = exact_decimal(hours)
    return Decimal(str(hours)).quantize(TENTH, rounding=ROUND_HALF_UP)


# --- impact -----------------------------------------------------------------------------------

AGE_EQUIVALENT = "age_equivalent"
STANDARDISED = "standardised"


@dataclass(frozen=True)
class EntryExit:
    pupil_id: int
    measure_type: str
    entry_value: float
    entry_date: date
    exit_value: float
    exit_date: date


def gain(e: EntryExit) -> float:
    return e.exit_value - e.entry_value


def gain_against_expected(e: EntryExit) -> float | None:
    """See the module docstring. None where it cannot be computed (no time elapsed)."""
    if e.measure_type == AGE_EQUIVALENT:
        months = (e.exit_date - e.entry_date).days / 30.44
        return None if months <= 0 else gain(e) / months
    return gain(e)


@dataclass(frozen=True)
class Impact:
    pupils: int
    with_data: int
    small_sample: bool
    average_gain: float | None
    average_against_expected: float | None
    met_targets_share: float | None
    cost_per_pupil: Decimal | None
    cost_per_unit_gain: Decimal | None


def impact(
    *,
    results: Sequence[EntryExit],
    pupils: int,
    total_cost: Decimal,
    targets_met: int,
    targets_rated: int,
) -> Impact:
    """The impact-for-cost line of one provision or intervention."""
    gains = [gain(r) for r in results]
    against = [g for g in (gain_against_expected(r) for r in results) if g is not None]
    average_gain = mean(gains) if gains else None
    cost_per_pupil = money(total_cost / pupils) if pupils else None
    per_unit = (
        money(Decimal(str(cost_per_pupil)) / Decimal(str(average_gain)))
        if (cost_per_pupil is not None and average_gain and average_gain > 0)
        else None
    )
    return Impact(
        pupils=pupils,
        with_data=len(results),
        small_sample=len(results) < SMALL_SAMPLE,
        average_gain=average_gain,
        average_against_expected=mean(against) if against else None,
        met_targets_share=(targets_met / targets_rated) if targets_rated else None,
        cost_per_pupil=cost_per_pupil,
        cost_per_unit_gain=per_unit,
    )


# --- the notional SEN budget: spending by category --------------------------------------------
#
# A budget line's cost is rounded to the penny once, where it is worked out (a staffing line:
# hours a week x weeks x the role's hourly cost; any other line is an amount in pounds and pence).
# Category totals and the grand total are then exact sums of those pennies, so every total on the
# page is the sum of the figures above it and nothing is rounded twice.

STAFFING = "staffing"
INTERVENTIONS = "interventions"
SERVICES = "services"
RESOURCES = "resources"
TRAINING = "training"
CATEGORIES = (STAFFING, INTERVENTIONS, SERVICES, RESOURCES, TRAINING)


@dataclass(frozen=True)
class Spending:
    """One line of spending against the notional SEN budget."""

    category: str
    amount: Decimal | None = None  # pounds: a bought-in service, resources, training
    hours_per_week: Decimal | None = None  # staffing: the hours a week of the role...
    weeks: int = 0  # ...for this many weeks...
    hourly_rate: Decimal = Decimal(0)  # ...at the role's hourly cost (salary and on-costs)


def spending_cost(line: Spending) -> Decimal:
    """The line's cost, to the penny."""
    if line.category not in CATEGORIES or line.category == INTERVENTIONS:
        raise ValueError(f"Not a category of budget line: {line.category!r}.")
    if line.category == STAFFING:
        hours = line.hours_per_week
        if hours is None or hours < 0 or line.weeks < 0 or line.hourly_rate < 0:
            raise ValueError("Hours, weeks and rates cannot be negative.")
        return money(Fraction(hours) * line.weeks * Fraction(line.hourly_rate))
    if line.amount is None or line.amount < 0:
        raise ValueError("An amount cannot be missing or negative.")
    return money(line.amount)


@dataclass(frozen=True)
class BudgetTotals:
    by_category: dict[str, Decimal]  # every category, in CATEGORIES order, 0 when none
    total: Decimal

    def share(self, category: str) -> int | None:
        """The category's share of the total spend, in whole per cent."""
        if not self.total:
            return None
        return int((self.by_category[category] / self.total * 100).quantize(0, ROUND_HALF_UP))


def budget_totals(lines: Iterable[Spending], interventions: Decimal) -> BudgetTotals:
    """Spending by category: each category the sum of its lines' costs; interventions the cost of
    the provision delivered (worked out by the provision map, to the penny)."""
    by_category = dict.fromkeys(CATEGORIES, Decimal("0.00"))
    by_category[INTERVENTIONS] = money(interventions)
    for line in lines:
        by_category[line.category] += spending_cost(line)
    return BudgetTotals(by_category, sum(by_category.values(), Decimal("0.00")))
