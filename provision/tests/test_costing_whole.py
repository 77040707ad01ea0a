"""Shares as whole numbers over one denominator (costing.pupil_shares_whole) and the reports'
adding up of them (reports.inputs.summarise, summarise_by) give exactly the figures of the plain
formulas: each session's cost split among the pupils present, fixed costs among those enrolled."""

import random
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

from provision import costing
from provision.reports.inputs import ProvisionTerm, summarise, summarise_by


def _sessions(rng: random.Random, pupils: list[int]) -> list[costing.DeliveredSession]:
    rates = [Decimal("18.15"), Decimal("22.50"), Decimal("31.07"), Decimal("0")]
    return [
        costing.DeliveredSession(
            rng.choice([20, 30, 45, 50, 55]),
            rng.choice(rates),
            frozenset(rng.sample(pupils, rng.randint(0, len(pupils)))),
            rng.randint(1, 4),
        )
        for _ in range(rng.randint(0, 12))
    ]


def _plain_shares(
    sessions: list[costing.DeliveredSession], fixed: Decimal, enrolled: list[int]
) -> dict[int, Fraction]:
    out: dict[int, Fraction] = {p: Fraction(0) for p in enrolled}
    for s in sessions:
        among = sorted(s.present) or enrolled
        for _ in range(s.count):
            for p in among:
                cost = Fraction(s.minutes) * Fraction(s.hourly_rate) / 60
                out[p] = out.get(p, Fraction(0)) + cost / len(among)
    for p in enrolled:
        out[p] += Fraction(fixed) / len(enrolled)
    return out


def test_whole_shares_are_the_plain_shares() -> None:
    rng = random.Random(7)
    for _ in range(300):
        enrolled = rng.sample(range(1, 30), rng.randint(0, 9))
        present_from = enrolled + [99] if enrolled else [98, 99]
        sessions = _sessions(rng, present_from)
        fixed = Decimal(rng.choice(["0", "12.34", "100.01", "7.5"]))
        numerators, denominator = costing.pupil_shares_whole(sessions, fixed, enrolled)
        shares = {p: Fraction(n, denominator) for p, n in numerators.items()}
        assert shares == _plain_shares(sessions, fixed, enrolled)
        assert costing.pupil_shares_exact(sessions, fixed, enrolled) == shares


def _pt(rng: random.Random, pk: int) -> ProvisionTerm:
    enrolled = rng.sample(range(1, 40), rng.randint(0, 8))
    sessions = _sessions(rng, enrolled or [1, 2])
    fixed = Decimal(rng.choice(["0", "15.00", "3.33"]))
    return ProvisionTerm(
        provision=SimpleNamespace(pk=pk),  # type: ignore[arg-type]
        window="autumn",
        planned=rng.randint(0, 20),
        delivered=rng.randint(0, 20),
        cost=costing.provision_cost_exact(sessions, fixed),
        hours=costing.delivered_hours_exact(sessions),
        sessions=sessions,
        fixed=fixed,
        enrolled=frozenset(enrolled),
    )


def _in(group_of: Callable[[int], str], group: str) -> Callable[[int], bool]:
    return lambda pupil: group_of(pupil) == group


def test_summaries_are_the_plain_sums() -> None:
    rng = random.Random(11)
    pts = [_pt(rng, pk) for pk in range(1, 25) for _ in range(rng.randint(1, 3))]
    group_of = {p: str(p % 5) for p in range(1, 100)}.__getitem__
    total = summarise(pts)
    assert total.cost == costing.exact_decimal(sum((pt.cost for pt in pts), Fraction(0)))
    assert total.hours == costing.exact_decimal(sum((pt.hours for pt in pts), Fraction(0)))
    by_group = summarise_by(pts, group_of)
    for group, row in by_group.items():
        plain = summarise(pts, key=group, pupil_filter=_in(group_of, group))
        assert row == plain
        shares = [share for pt in pts for p, share in pt.shares.items() if group_of(p) == group]
        assert row.cost == costing.exact_decimal(sum(shares, Fraction(0)))
    assert set(by_group) == {group_of(p) for pt in pts for p in pt.shares}
