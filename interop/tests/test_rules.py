"""The 15-school-day clock (Education (Pupil Information) Regulations 2005) and the IRMS
retention date, read like the rules: school days skip weekends, holidays between terms,
half-terms and closure days."""

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from accounts.schooldates import TermDates, default_terms
from interop import rules

TERMS = [*default_terms(2025), *default_terms(2026)]
NONE: frozenset[date] = frozenset()


def test_fifteen_school_days_over_plain_weeks_are_three_weeks():
    # Monday 2 March 2026, spring term, no half-term or closure in the next three weeks.
    assert rules.add_school_days(date(2026, 3, 2), 15, TERMS, NONE) == date(2026, 3, 23)


def test_the_half_term_and_a_training_day_do_not_count():
    autumn = TERMS[0]
    assert autumn.half_term_start is not None
    before = autumn.half_term_start - timedelta(days=3)  # the Friday before the break
    plain = rules.add_school_days(before, 15, [TermDates("autumn", autumn.start, autumn.end)], NONE)
    with_break = rules.add_school_days(before, 15, TERMS, NONE)
    assert plain is not None and with_break == plain + timedelta(days=7)
    inset = with_break - timedelta(days=1) if with_break.weekday() else with_break
    later = rules.add_school_days(before, 15, TERMS, frozenset({inset}))
    assert later is not None and later > with_break


def test_a_summer_leaver_is_due_in_september():
    summer_end = TERMS[2].end
    due = rules.add_school_days(summer_end, 15, TERMS, NONE)
    assert due is not None and due.month == 9 and due.year == 2026


def test_no_calendar_gives_an_unknown_deadline():
    clock = rules.transfer_clock(
        leaving_date=date(2026, 3, 2), sent_on=None, today=date(2026, 3, 3), terms=[], closed=NONE
    )
    assert clock.due is None and clock.status == "unknown"


def test_clock_statuses():
    left = date(2026, 3, 2)
    kw: dict[str, Any] = {"leaving_date": left, "terms": TERMS, "closed": NONE}
    due = rules.transfer_clock(sent_on=None, today=date(2026, 3, 9), **kw)
    assert due.status == "due" and due.used == 5 and due.left == 10 and due.due == date(2026, 3, 23)
    assert rules.transfer_clock(sent_on=None, today=date(2026, 3, 23), **kw).status == "due"
    assert rules.transfer_clock(sent_on=None, today=date(2026, 3, 24), **kw).status == "overdue"
    assert (
        rules.transfer_clock(sent_on=date(2026, 3, 23), today=date(2026, 5, 1), **kw).status
        == "sent"
    )
    late = rules.transfer_clock(sent_on=date(2026, 3, 24), today=date(2026, 5, 1), **kw)
    assert late.status == "sent late" and late.left == 0


days = st.dates(min_value=date(2025, 9, 1), max_value=date(2027, 3, 1))


@given(days, st.integers(min_value=1, max_value=40))
def test_the_deadline_is_a_school_day_with_exactly_n_school_days_before_it(after, n):
    due = rules.add_school_days(after, n, TERMS, NONE)
    if due is None:
        return
    assert rules.is_school_day(due, TERMS, NONE)
    assert rules.school_days_between(after, due, TERMS, NONE) == n
    assert rules.school_days_between(after, due - timedelta(days=1), TERMS, NONE) == n - 1


@given(days, st.sets(days, max_size=10))
def test_closing_more_days_never_brings_the_deadline_forward(after, closures):
    open_due = rules.add_school_days(after, 15, TERMS, NONE)
    shut_due = rules.add_school_days(after, 15, TERMS, frozenset(closures))
    if open_due is not None and shut_due is not None:
        assert shut_due >= open_due
    for d in closures:
        assert not rules.is_school_day(d, TERMS, frozenset(closures))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 12, 31)))
def test_keep_until_is_31_years_on(dob):
    kept = rules.keep_until(dob)
    assert kept.year == dob.year + 31
    assert (kept.month, kept.day) == (
        (2, 28) if (dob.month, dob.day) == (2, 29) else (dob.month, dob.day)
    )


def test_erasure_due():
    dob = date(1995, 5, 1)
    kw: dict[str, Any] = {"date_of_birth": dob, "archived_on": None}
    assert rules.erasure_due(leaving_date=None, today=date(2027, 1, 1), **kw) == ""
    assert rules.erasure_due(leaving_date=date(2011, 7, 20), today=date(2026, 4, 30), **kw) == ""
    assert rules.erasure_due(leaving_date=date(2011, 7, 20), today=date(2026, 5, 1), **kw)
    assert (
        rules.erasure_due(
            date_of_birth=date(2015, 1, 1),
            leaving_date=date(2026, 7, 20),
            archived_on=date(2026, 9, 1),
            today=date(2026, 9, 1),
        )
        == "archived after the file was passed on"
    )


def test_only_a_primary_that_sent_the_file_may_archive():
    assert rules.may_archive(phase="primary", sent_on=date(2026, 7, 1))
    assert not rules.may_archive(phase="primary", sent_on=None)
    assert not rules.may_archive(phase="secondary", sent_on=date(2026, 7, 1))
