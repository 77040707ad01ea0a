"""The statutory clocks of an EHC needs assessment and plan (SEND Regulations 2014, SI 2014/1530;
standards.md §3.4). A pure module: dates in, dates out, today passed in; no Django.

- reg 5(1): the LA decides whether to assess within 6 weeks of the request.
- reg 10(1): it says it will not issue a plan within 16 weeks of the request.
- reg 13(2): the final plan is issued within 20 weeks of the request.
- reg 5(4), 10(4), 13(3): the LA need not meet those limits where it is impractical because of
  (a) a school or post-16 closure of 4 or more continuous weeks (the exception runs from 1 week
  before the closure to 1 week before it reopens), (b) the same for an early years provider,
  (c) exceptional personal circumstances of the child, parent or young person, (d) their absence
  from the LA's area for 4 or more continuous weeks. The Regulations set no new date; sendpath
  stops the clock for the days an exception lasts while the clock runs, so each limit is moved
  on by those days, and the SEN2 `Week20` flag is whether any exception touched the 20 weeks.
- reg 20: an annual review within 12 months of the plan, then of the last review; those invited
  given at least 2 weeks' notice of the meeting, and the advice asked of them circulated 2 weeks
  before it (reg 20(3)); the school's report within 2 weeks of the meeting (reg 20(7)); the LA's
  decision within 4 weeks of the meeting; reg 22 and Devon [2022]: a final amended plan within
  12 weeks of the meeting.
- reg 18: a phase transfer's amended plan, naming the new setting, is final by 15 February of the
  transfer year, 31 March for secondary to post-16, and 5 months before a post-16 to post-16
  transfer.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

DECISION_WEEKS = 6
NOT_TO_ISSUE_WEEKS = 16
FINAL_PLAN_WEEKS = 20
REVIEW_MONTHS = 12
REVIEW_DECISION_WEEKS = 4
AMENDED_PLAN_WEEKS = 12
LONG_ABSENCE_DAYS = 28  # "4 or more continuous weeks"
REVIEW_NOTICE_WEEKS = 2  # reg 20(3): notice of the meeting, and advice circulated, 2 weeks before
REVIEW_REPORT_WEEKS = 2  # reg 20(7): the school's report within 2 weeks of the meeting


class ExceptionKind(StrEnum):
    """reg 10(4)(a)-(d)."""

    SCHOOL_CLOSURE = "school_closure"
    EARLY_YEARS_CLOSURE = "early_years_closure"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    ABSENCE_FROM_AREA = "absence_from_area"


EXCEPTION_LABELS = {
    ExceptionKind.SCHOOL_CLOSURE: "School or post-16 institution closed for 4 weeks or more",
    ExceptionKind.EARLY_YEARS_CLOSURE: "Early years provider closed for 4 weeks or more",
    ExceptionKind.PERSONAL_CIRCUMSTANCES: "Exceptional personal circumstances",
    ExceptionKind.ABSENCE_FROM_AREA: "Absent from the LA's area for 4 weeks or more",
}
CLOSURES = frozenset({ExceptionKind.SCHOOL_CLOSURE, ExceptionKind.EARLY_YEARS_CLOSURE})
NEED_FOUR_WEEKS = CLOSURES | {ExceptionKind.ABSENCE_FROM_AREA}


@dataclass(frozen=True)
class LimitException:
    """One exception as recorded: for a closure, the first day closed and the day it reopens;
    otherwise the first and last days of the circumstances or the absence."""

    kind: ExceptionKind
    start: date
    end: date

    def window(self) -> tuple[date, date]:
        """The days (first, last, inclusive) during which the exception applies."""
        if self.kind in CLOSURES:
            # From 1 week before the closure to 1 week before the day it reopens.
            return self.start - timedelta(weeks=1), self.end - timedelta(weeks=1, days=1)
        return self.start, self.end


def exception_errors(kind: str, start: date | None, end: date | None) -> dict[str, str]:
    """What is wrong with an exception as entered (field -> message); empty when it is sound."""
    errors: dict[str, str] = {}
    if kind not in set(ExceptionKind):
        errors["kind"] = "Choose which of the reg 10(4) exceptions applies."
    if start is None:
        errors["start_date"] = "Enter the date the exception began."
    if end is None:
        errors["end_date"] = "Enter the date the exception ended."
    if errors or start is None or end is None:
        return errors
    if end < start:
        errors["end_date"] = "The exception cannot end before it began."
    elif kind in NEED_FOUR_WEEKS and (end - start).days < LONG_ABSENCE_DAYS:
        errors["end_date"] = "A closure or an absence counts only if it lasts 4 weeks or more."
    return errors


def _merged(windows: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for first, last in sorted(w for w in windows if w[1] >= w[0]):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def limit(received: date, weeks: int, exceptions: Iterable[LimitException] = ()) -> date:
    """The last day of a limit of `weeks` from the request, the clock stopped while an exception
    applies (each day counted once, however many exceptions cover it)."""
    due = received + timedelta(weeks=weeks)
    for first, last in _merged(e.window() for e in exceptions):
        if first > due:
            break
        first = max(first, received)
        if last >= first:
            due += timedelta(days=(last - first).days + 1)
    return due


def decision_due(received: date, exceptions: Iterable[LimitException] = ()) -> date:
    """reg 5(1): whether to assess, within 6 weeks of the request."""
    return limit(received, DECISION_WEEKS, exceptions)


def not_to_issue_due(received: date, exceptions: Iterable[LimitException] = ()) -> date:
    """reg 10(1): notice that no plan will be issued, within 16 weeks of the request."""
    return limit(received, NOT_TO_ISSUE_WEEKS, exceptions)


def final_plan_due(received: date, exceptions: Iterable[LimitException] = ()) -> date:
    """reg 13(2): the final EHC plan, within 20 weeks of the request."""
    return limit(received, FINAL_PLAN_WEEKS, exceptions)


def week20_exceptions_apply(received: date, exceptions: Iterable[LimitException]) -> bool:
    """SEN2 `Week20`: whether an exception applied while the 20 weeks ran."""
    return final_plan_due(received, exceptions) != final_plan_due(received)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months on (the last day of a shorter month: 29 February
    plus 12 months is 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def annual_review_due(issued: date, last_meeting: date | None = None) -> date:
    """reg 20: within 12 months of the plan's issue, then of the last review meeting."""
    return add_months(last_meeting or issued, REVIEW_MONTHS)


def review_decision_due(meeting: date) -> date:
    """reg 20(10): the LA's decision (maintain, amend, cease) within 4 weeks of the meeting."""
    return meeting + timedelta(weeks=REVIEW_DECISION_WEEKS)


def review_notice_due(meeting: date) -> date:
    """reg 20(3)(b): the last day to give those invited notice of the review meeting (at least
    2 weeks before it); reg 20(3)(a): advice asked of them circulated by the same day."""
    return meeting - timedelta(weeks=REVIEW_NOTICE_WEEKS)


def review_report_due(meeting: date) -> date:
    """reg 20(7): the school sends the report of the meeting within 2 weeks of it."""
    return meeting + timedelta(weeks=REVIEW_REPORT_WEEKS)


def amended_plan_due(meeting: date) -> date:
    """reg 22 with Devon [2022]: a final amended plan within 12 weeks of the meeting."""
    return meeting + timedelta(weeks=AMENDED_PLAN_WEEKS)


class Transfer(StrEnum):
    """reg 2(1) "transfer between phases"."""

    EARLY_YEARS_TO_SCHOOL = "early_years_school"
    INFANT_TO_JUNIOR = "infant_junior"
    PRIMARY_TO_MIDDLE = "primary_middle"
    PRIMARY_TO_SECONDARY = "primary_secondary"
    MIDDLE_TO_SECONDARY = "middle_secondary"
    SECONDARY_TO_POST16 = "secondary_post16"
    POST16_TO_POST16 = "post16_post16"


TRANSFER_LABELS = {
    Transfer.EARLY_YEARS_TO_SCHOOL: "Early years to school",
    Transfer.INFANT_TO_JUNIOR: "Infant to junior school",
    Transfer.PRIMARY_TO_MIDDLE: "Primary to middle school",
    Transfer.PRIMARY_TO_SECONDARY: "Primary to secondary school",
    Transfer.MIDDLE_TO_SECONDARY: "Middle to secondary school",
    Transfer.SECONDARY_TO_POST16: "Secondary school to post-16",
    Transfer.POST16_TO_POST16: "One post-16 institution to another",
}


def phase_transfer_due(transfer: Transfer, transfer_date: date) -> date:
    """reg 18: the last day for the amended plan naming the new setting to be final."""
    if transfer is Transfer.POST16_TO_POST16:
        return add_months(transfer_date, -5)
    # A transfer in the autumn (September) is due in the same calendar year; one in the spring
    # or summer term counts from the February or March before it.
    year = transfer_date.year
    due = date(year, 3, 31) if transfer is Transfer.SECONDARY_TO_POST16 else date(year, 2, 15)
    return due if due < transfer_date else due.replace(year=year - 1)


class Clock(StrEnum):
    RUNNING = "running"
    OVERDUE = "overdue"
    MET = "met"
    LATE = "late"


CLOCK_LABELS = {
    Clock.RUNNING: "Running",
    Clock.OVERDUE: "Overdue",
    Clock.MET: "Met",
    Clock.LATE: "Late",
}


def clock(due: date, done: date | None, today: date) -> Clock:
    """A limit's state: done on or before its last day (met) or after it (late); not done yet,
    running until its last day, then overdue."""
    if done is not None:
        return Clock.MET if done <= due else Clock.LATE
    return Clock.RUNNING if today <= due else Clock.OVERDUE


def days_left(due: date, today: date) -> int:
    return (due - today).days
