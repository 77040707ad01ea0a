"""Passing a leaver's records on, and keeping them: pure rules, no Django (today is passed in).

- The Education (Pupil Information) (England) Regulations 2005: the pupil's common transfer file
  and educational record (the SEN file with it) reach the next school within **15 school days**
  of the pupil ceasing to be registered (../shared/reference/standards.md §1.1 and §7.3). A school
  day is a weekday inside one of the school's terms that is not in a half-term break or a closure
  day (training day, bank holiday, other closure): the holidays between terms are outside every
  term, so they never count.
- The IRMS Information Management Toolkit for Schools: the last school keeps the SEN file until
  the pupil's date of birth + 31 years; a primary school that has passed the file on need not
  keep its copy (it may archive it, and an archived copy is due for erasure).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from accounts.schooldates import TermDates

TRANSFER_SCHOOL_DAYS = 15
RETENTION_YEARS = 31
# No English school year has fewer than 190 school days; a year and a half without finding 15
# means the calendar given is empty, not that the deadline is far away.
_SEARCH_DAYS = 550


def is_school_day(day: date, terms: list[TermDates], closed: frozenset[date]) -> bool:
    """A weekday inside a term, not in its half-term or on a closure day."""
    return (
        day.weekday() < 5
        and day not in closed
        and any(t.start <= day <= t.end for t in terms)
        and not any(
            t.half_term_start is not None
            and t.half_term_end is not None
            and t.half_term_start <= day <= t.half_term_end
            for t in terms
        )
    )


def add_school_days(
    after: date, count: int, terms: list[TermDates], closed: frozenset[date]
) -> date | None:
    """The `count`th school day after `after` (not counting `after` itself), or None when the
    calendar has not that many school days in the next year and a half."""
    day, found = after, 0
    for _ in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if is_school_day(day, terms, closed):
            found += 1
            if found == count:
                return day
    return None


def school_days_between(
    after: date, until: date, terms: list[TermDates], closed: frozenset[date]
) -> int:
    """How many school days fall after `after`, up to and including `until` (0 if none)."""
    days = (until - after).days
    return sum(
        1 for i in range(1, days + 1) if is_school_day(after + timedelta(days=i), terms, closed)
    )


@dataclass(frozen=True)
class TransferClock:
    """Where the 15 school days stand for one leaver."""

    leaving_date: date
    due: date | None  # the last school day to send on; None when the calendar runs out
    sent_on: date | None
    used: int  # school days gone since the leaving date (up to today, or up to sending)

    @property
    def status(self) -> str:
        """ "sent", "sent late", "overdue", "due" (within the 15 days) or "unknown"."""
        if self.due is None:
            return "unknown"
        if self.sent_on is not None:
            return "sent" if self.sent_on <= self.due else "sent late"
        return "overdue" if self.used > TRANSFER_SCHOOL_DAYS else "due"

    @property
    def left(self) -> int:
        """School days left to send (0 once the deadline has passed)."""
        return max(0, TRANSFER_SCHOOL_DAYS - self.used)


def transfer_clock(
    *,
    leaving_date: date,
    sent_on: date | None,
    today: date,
    terms: list[TermDates],
    closed: frozenset[date],
) -> TransferClock:
    """The 15-school-day clock from the day the pupil ceased to be registered (the leaving
    date): the school days are counted from the day after it."""
    until = sent_on if sent_on is not None else today
    return TransferClock(
        leaving_date=leaving_date,
        due=add_school_days(leaving_date, TRANSFER_SCHOOL_DAYS, terms, closed),
        sent_on=sent_on,
        used=school_days_between(leaving_date, until, terms, closed),
    )


def keep_until(date_of_birth: date) -> date:
    """The IRMS retention date: the date of birth + 31 years (29 February → 28 February)."""
    year = date_of_birth.year + RETENTION_YEARS
    try:
        return date_of_birth.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def erasure_due(
    *, date_of_birth: date, leaving_date: date | None, archived_on: date | None, today: date
) -> str:
    """Why a pupil's SEN file is due for erasure today ("" if it is not): a leaver past
    DOB + 31 years, or a copy archived after passing the file on. A pupil on roll never is."""
    if leaving_date is None or leaving_date > today:
        return ""
    if archived_on is not None and archived_on <= today:
        return "archived after the file was passed on"
    if keep_until(date_of_birth) <= today:
        return "date of birth + 31 years has passed"
    return ""


def may_archive(*, phase: str, sent_on: date | None) -> bool:
    """A primary school that has sent the file on may archive its copy (IRMS); the last school,
    or a school that has not sent it, keeps it."""
    return phase == "primary" and sent_on is not None
