"""Costs, dose and impact of provision: the formulas senior leaders see explained on the impact
page. Pure: no Django; money in pence (int) or Decimal pounds; dates passed in.

Definitions
- Planned sessions: the provision's weekdays between its start and end dates that fall inside a
  school term (holidays excluded).
- Fidelity: delivered sessions / planned sessions to date (1.0 = every planned session happened).
- Staff cost of a session: minutes / 60 x the hourly rate of the staff role that delivered it.
- Cost of a provision: staff cost of delivered sessions + resource and licence costs.
- A pupil's share: the cost of each delivered session is split equally among the pupils present at it;
  resource and licence costs are split equally among the pupils enrolled. Shares add up to the total.
- Gain: exit value - entry value of the same measure.
- Gain against expected:
  - age-equivalent months: months gained / months elapsed between the entry and exit dates (the
    "ratio gain"; 1.0 = typical progress, 2.0 = twice the typical rate);
  - standardised scores: the change in score (0 = kept pace with peers of the same age; + closes the gap);
  - raw, scaled and school-scale measures: the gain itself (no national expectation).
- Cost per unit of gain: cost per pupil / average gain, only when the average gain is positive.
- Small samples: fewer than SMALL_SAMPLE pupils with both entry and exit data are marked as such.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean

SMALL_SAMPLE = 5
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Term:
    start: date
    end: date


def planned_dates(
    weekdays: Iterable[int], start: date, end: date, terms: Sequence[Term]
) -> list[date]:
    """Every date from `start` to `end` (inclusive) on one of `weekdays` (0 = Monday) in a term."""
    days = set(weekdays)
    out: list[date] = []
    for term in terms:
        day = max(start, term.start)
        last = min(end, term.end)
        while day <= last:
            if day.weekday() in days:
                out.append(day)
            day += timedelta(days=1)
    return sorted(set(out))


def fidelity(delivered: int, planned: int) -> float | None:
    """Delivered / planned; None when nothing was planned yet."""
    if delivered < 0 or planned < 0:
        raise ValueError("Counts cannot be negative.")
    return None if planned == 0 else delivered / planned


def money(value: Decimal | int | float) -> Decimal:
    return Decimal(str(value)).quantize(PENNY, rounding=ROUND_HALF_UP)


def session_staff_cost(minutes: int, hourly_rate: Decimal) -> Decimal:
    if minutes < 0 or hourly_rate < 0:
        raise ValueError("Minutes and rates cannot be negative.")
    return Decimal(minutes) / Decimal(60) * hourly_rate


@dataclass(frozen=True)
class DeliveredSession:
    minutes: int
    hourly_rate: Decimal
    present: frozenset[int]  # pupil ids present


def provision_cost(sessions: Iterable[DeliveredSession], fixed_costs: Decimal) -> Decimal:
    """Staff cost of the delivered sessions plus resources and licences."""
    if fixed_costs < 0:
        raise ValueError("Costs cannot be negative.")
    return (
        sum((session_staff_cost(s.minutes, s.hourly_rate) for s in sessions), Decimal(0))
        + fixed_costs
    )


def pupil_shares(
    sessions: Iterable[DeliveredSession], fixed_costs: Decimal, enrolled: Iterable[int]
) -> dict[int, Decimal]:
    """Each pupil's share of the cost (unrounded, so they add up exactly to provision_cost).

    A session nobody attended is shared among everyone enrolled: the staff were paid for it."""
    pupils = sorted(set(enrolled))
    shares: dict[int, Decimal] = {p: Decimal(0) for p in pupils}
    for s in sessions:
        cost = session_staff_cost(s.minutes, s.hourly_rate)
        among = sorted(s.present) or pupils
        for p in among:
            shares[p] = shares.get(p, Decimal(0)) + cost / len(among)
    if pupils:
        for p in pupils:
            shares[p] += fixed_costs / len(pupils)
    return shares


def delivered_hours(sessions: Iterable[DeliveredSession]) -> Decimal:
    return sum((Decimal(s.minutes) / Decimal(60) for s in sessions), Decimal(0))


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
