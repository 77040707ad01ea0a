"""Impact for cost: for each intervention and each provision that ran in a period, pupils,
fidelity, average gain, gain against expected, the share of pupils who met their linked targets,
cost per pupil and per unit of gain (provision/costing.py's `impact`). Figures only, no names: the
page senior leaders and governors read. Reads only; the inputs are gathered as for the provision
map (provision/reports/inputs.py).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import QuerySet

from accounts import disclosure
from accounts.models import School
from provision import costing
from provision.models import Measure, MeasureKind, MeasureType, Provision
from provision.reports.inputs import (
    Period,
    ProvisionTerm,
    enrolments_of,
    held_sessions,
    provision_terms,
    school_provisions,
)
from support import rules

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
    "share whose linked targets were all met: achieved, not only rated ‘as expected’ (on track is "
    "not met)."
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
    # Counts of pupils below this read "fewer than N" (accounts/disclosure.py); 0 shows them all.
    threshold: int = 0

    @property
    def pupils_shown(self) -> str:
        return disclosure.count_shown(self.impact.pupils, self.threshold)

    @property
    def with_data_shown(self) -> str:
        return disclosure.count_shown(self.impact.with_data, self.threshold)

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


def _ratings(provisions: QuerySet[Provision]) -> dict[int, dict[int, list[str]]]:
    """Outcomes of the targets linked to each provision at review: provision -> pupil ->
    outcomes (a target is met only when achieved, issue 13)."""
    through = Provision.targets.through.objects.filter(
        provision__in=provisions, target__ratings__isnull=False
    ).values_list("provision_id", "target__plan__cycle__pupil_id", "target__ratings__outcome")
    out: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for provision_id, pupil_id, rating in through.order_by():
        out[provision_id][pupil_id].append(rating)
    return out


def _lines(
    name: str,
    area: str,
    pts: list[ProvisionTerm],
    results: list[costing.EntryExit],
    ratings: dict[int, list[str]],
) -> list[ImpactLine]:
    """costing.impact for a group of provision-terms, one line per kind of measure used."""
    pupils = {p for pt in pts for p in pt.enrolled}
    rated = {p: rs for p, rs in ratings.items() if p in pupils and rs}
    met = sum(1 for rs in rated.values() if all(rules.is_achieved(r) for r in rs))
    cost = costing.exact_decimal(sum((pt.cost for pt in pts), Fraction(0)))
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
    ratings: dict[int, dict[int, list[str]]],
) -> list[ImpactLine]:
    """An intervention's lines: its provisions together (a pupil in two of them counts once; their
    linked targets are taken together)."""
    pupil_ratings: dict[int, list[str]] = defaultdict(list)
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


def impact(school: School, period: Period, *, today: date, threshold: int = 0) -> Impact:
    """Impact for cost of each intervention and each provision that ran in the period: pupils,
    fidelity, average gain, gain against expected, the share of pupils who met their linked
    targets, cost per pupil and per unit of gain (costing.impact). Figures only, no names; with
    a threshold (a figure-only reader) small counts and one-pupil provisions' names are hidden
    (accounts/disclosure.py). Five queries."""
    qs = school_provisions(school, period)
    provisions = list(qs.select_related("intervention").order_by("intervention__name", "name"))
    pts = provision_terms(
        provisions,
        held_sessions([p.pk for p in provisions], period, today, who=False),
        enrolments_of(qs),
        period,
        today,
        who_read=False,  # impact splits no cost between pupils
    )
    results, ratings = _results(qs), _ratings(qs)
    by_provision: dict[int, list[ProvisionTerm]] = defaultdict(list)
    for pt in pts:
        by_provision[pt.provision_id].append(pt)
    provision_lines: list[ImpactLine] = []
    groups: dict[int, list[Provision]] = defaultdict(list)
    for p in provisions:
        groups[p.intervention_id].append(p)
        enrolled = len({pupil for pt in by_provision[p.pk] for pupil in pt.enrolled})
        name = disclosure.provision_shown(p.name, p.intervention.name, enrolled, threshold)
        provision_lines += _lines(
            name, p.intervention.area, by_provision[p.pk], results[p.pk], ratings[p.pk]
        )
    intervention_lines = [
        line
        for members in groups.values()
        for line in _intervention_lines(members, by_provision, results, ratings)
    ]
    for line in intervention_lines + provision_lines:
        line.threshold = threshold
    return Impact(period=period, interventions=intervention_lines, provisions=provision_lines)
