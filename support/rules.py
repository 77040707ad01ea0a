"""Rules of the graduated approach that have a shape: when a review is due, which targets carry
forward, what counts as met. Pure: no Django; today and term dates are passed in."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# A cycle is "usually a term long" (seed 000); where no term dates are known, twelve school weeks.
FALLBACK_CYCLE_LENGTH = timedelta(weeks=12)
# A plan written in the last fortnight of a term is reviewed at the end of the next term: two
# weeks of support is too little to review.
MIN_WEEKS_BEFORE_REVIEW = timedelta(weeks=2)
# Issue 13: a default review is never sooner than half a term (six school weeks) after the plan.
MIN_SCHOOL_WEEKS_BEFORE_REVIEW = 6

RATING_LABELS: dict[int, str] = {
    -2: "Well below expected",
    -1: "Below expected",
    0: "As expected",
    1: "Above expected",
    2: "Well above expected",
}


@dataclass(frozen=True)
class Term:
    start: date
    end: date


def school_weeks_later(day: date, weeks: int, terms: Sequence[Term]) -> date:
    """The day `weeks` school weeks after `day`: only days inside a term count (holidays between
    terms are skipped); past the last known term every day counts."""
    current, left = day, weeks * 7
    for term in sorted(terms, key=lambda t: t.start):
        if term.end < current:
            continue
        current = max(current, term.start)
        room = (term.end - current).days
        if left <= room:
            return current + timedelta(days=left)
        left -= room
        current = term.end
    return current + timedelta(days=left)


def default_review_date(plan_date: date, terms: Sequence[Term]) -> date:
    """The end of the first term that ends at least half a term (six school weeks) after the plan
    (so a plan late in a term, or in a holiday, is reviewed at the end of the next term); twelve
    weeks on if no such term is known."""
    earliest = max(
        school_weeks_later(plan_date, MIN_SCHOOL_WEEKS_BEFORE_REVIEW, terms),
        plan_date + MIN_WEEKS_BEFORE_REVIEW,
    )
    for term in sorted(terms, key=lambda t: t.start):
        if term.end >= earliest:
            return term.end
    return max(plan_date + FALLBACK_CYCLE_LENGTH, earliest)


def is_met(rating: int) -> bool:
    """A target is met when the pupil reached at least what was expected (rating 0 or more)."""
    if rating not in RATING_LABELS:
        raise ValueError(f"A rating is from -2 to 2, not {rating}.")
    return rating >= 0


# --- outcomes (issue 13): whether a target was reached, apart from how progress went ------------

ACHIEVED = "achieved"
PARTLY_ACHIEVED = "partly_achieved"
NOT_ACHIEVED = "not_achieved"
NOT_YET_DUE = "not_yet_due"
OUTCOMES: dict[str, str] = {
    ACHIEVED: "Achieved",
    PARTLY_ACHIEVED: "Partly achieved",
    NOT_ACHIEVED: "Not achieved",
    NOT_YET_DUE: "Not yet due",
}
# What a parent reads beside the value reached: never "met" unless it was achieved.
OUTCOME_SENTENCES: dict[str, str] = {
    ACHIEVED: "Achieved",
    PARTLY_ACHIEVED: "Partly achieved",
    NOT_ACHIEVED: "Not yet achieved",
    NOT_YET_DUE: "Not yet due: its date is after this review",
}

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)")


def amount(text: str) -> Decimal | None:
    """The first number in a target's value ("19 of 60" -> 19, "85%" -> 85), or None."""
    found = _AMOUNT.search(text.replace(",", ""))
    return Decimal(found.group(1)) if found else None


def outcome_from_numbers(
    *, reached: str, target_value: str, baseline: str = "", lower_is_better: bool | None = None
) -> str | None:
    """The outcome the numbers say, or None when either side has no number: achieved when the
    value reached is at the target (or beyond it), partly achieved when it moved from the
    baseline towards it, not achieved otherwise. `lower_is_better` for targets that fall (fewer
    incidents): when not given, a target value below the baseline's number means one."""
    got, aim, start = amount(reached), amount(target_value), amount(baseline)
    if got is None or aim is None:
        return None
    if lower_is_better is None:
        lower_is_better = start is not None and aim < start
    sign = -1 if lower_is_better else 1
    if sign * (got - aim) >= 0:
        return ACHIEVED
    if start is not None and sign * (got - start) > 0:
        return PARTLY_ACHIEVED
    if start is None and got > 0 and not lower_is_better:
        return PARTLY_ACHIEVED
    return NOT_ACHIEVED


def outcome_warning(
    *,
    outcome: str,
    reached: str,
    target_value: str,
    baseline: str = "",
    lower_is_better: bool | None = None,
) -> str | None:
    """A sentence when the recorded outcome contradicts the numbers, else None. Saying a target
    was achieved below its value, or not achieved at or past it, contradicts them; "not yet due"
    and targets without numbers never warn."""
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}.")
    says = outcome_from_numbers(
        reached=reached,
        target_value=target_value,
        baseline=baseline,
        lower_is_better=lower_is_better,
    )
    if says is None or outcome == NOT_YET_DUE:
        return None
    if (outcome == ACHIEVED) != (says == ACHIEVED):
        return (
            f"The outcome is ‘{OUTCOMES[outcome].lower()}’ but {reached} against a target of "
            f"{target_value} reads as ‘{OUTCOMES[says].lower()}’."
        )
    return None


def derived_outcome(
    *,
    rating: int,
    reached: str,
    target_value: str,
    baseline: str = "",
    target_date: date | None = None,
    held_on: date | None = None,
) -> str:
    """The outcome of a review that did not record one (the reviews before issue 13, and a
    service call without it), written down in docs/decisions.md: from the numbers where the
    value reached and the target value both have one; else "not yet due" if the target's date is
    after the review; else from the rating: above expected or better is achieved, as expected is
    partly achieved (on track is not met), below expected is not achieved."""
    says = outcome_from_numbers(reached=reached, target_value=target_value, baseline=baseline)
    if says is not None:
        return says
    if target_date is not None and held_on is not None and target_date > held_on:
        return NOT_YET_DUE
    if rating not in RATING_LABELS:
        raise ValueError(f"A rating is from -2 to 2, not {rating}.")
    return ACHIEVED if rating >= 1 else PARTLY_ACHIEVED if rating == 0 else NOT_ACHIEVED


def is_achieved(outcome: str) -> bool:
    """Only an achieved target is met: it leaves the plan and counts as met in every report."""
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}.")
    return outcome == ACHIEVED


def targets_to_carry_on(outcomes: Iterable[tuple[int, str]]) -> list[int]:
    """Target ids to carry into the next cycle: every target not achieved (partly, not, or not
    yet due). `outcomes` is (target id, outcome) pairs; the order is kept."""
    return [target_id for target_id, outcome in outcomes if not is_achieved(outcome)]


def targets_to_carry(ratings: Iterable[tuple[int, int]]) -> list[int]:
    """Target ids to carry into the next cycle: every target rated below expected. `ratings` is
    (target id, rating) pairs; the order of the ids is kept."""
    return [target_id for target_id, rating in ratings if not is_met(rating)]


# Review decisions (seed 002, Code of Practice 6.52-6.56). Which of them open a next cycle.
DECISIONS: dict[str, str] = {
    "continue": "Continue as planned",
    "adjust": "Adjust the support",
    "change": "Stop and try something else",
    "specialist": "Involve a specialist",
    "ehc_request": "Request an EHC needs assessment",
    "remove": "Remove from the SEN register",
}
DECISIONS_WITHOUT_NEXT_CYCLE = frozenset({"remove"})


def opens_next_cycle(decision: str) -> bool:
    if decision not in DECISIONS:
        raise ValueError(f"Unknown review decision {decision!r}.")
    return decision not in DECISIONS_WITHOUT_NEXT_CYCLE
