"""Rules of the graduated approach that have a shape: when a review is due, which targets carry
forward, what counts as met. Pure: no Django; today and term dates are passed in."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# A cycle is "usually a term long" (seed 000); where no term dates are known, twelve school weeks.
FALLBACK_CYCLE_LENGTH = timedelta(weeks=12)
# A plan written in the last fortnight of a term is reviewed at the end of the next term: two
# weeks of support is too little to review.
MIN_WEEKS_BEFORE_REVIEW = timedelta(weeks=2)

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


def default_review_date(plan_date: date, terms: Sequence[Term]) -> date:
    """The end of the term the plan is made in (or of the next term if that end is under two
    weeks away, or the plan is made in a holiday); twelve weeks on if no term dates are known."""
    for term in sorted(terms, key=lambda t: t.start):
        if term.end < plan_date + MIN_WEEKS_BEFORE_REVIEW:
            continue
        return term.end
    return plan_date + FALLBACK_CYCLE_LENGTH


def is_met(rating: int) -> bool:
    """A target is met when the pupil reached at least what was expected (rating 0 or more)."""
    if rating not in RATING_LABELS:
        raise ValueError(f"A rating is from -2 to 2, not {rating}.")
    return rating >= 0


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
