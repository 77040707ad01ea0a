"""Ready for Individual Support Plans (standards.md §7.1): the clock from the decision to give
SEN support to the first agreed plan, shown against the consultation's 8 weeks as information,
not a breach. Pure: plain values in and out."""

from dataclasses import dataclass
from datetime import date, timedelta

EIGHT_WEEKS = timedelta(weeks=8)


@dataclass(frozen=True)
class FirstPlanClock:
    decided_on: date  # the decision to give SEN support (the first K entry's start)
    agreed_on: date | None  # the first plan the parents agreed, on or after the decision
    today: date

    @property
    def days(self) -> int:
        return ((self.agreed_on or self.today) - self.decided_on).days

    @property
    def within_eight_weeks(self) -> bool:
        return self.days <= EIGHT_WEEKS.days

    @property
    def eight_weeks_on(self) -> date:
        return self.decided_on + EIGHT_WEEKS


def first_plan_clock(
    support_starts: list[date], plans_agreed: list[date], today: date
) -> FirstPlanClock | None:
    """The clock from the first decision to give SEN support to the first plan agreed after it;
    None when the pupil was never on SEN support."""
    if not support_starts:
        return None
    decided = min(support_starts)
    after = sorted(d for d in plans_agreed if d >= decided)
    return FirstPlanClock(decided, after[0] if after else None, today)
