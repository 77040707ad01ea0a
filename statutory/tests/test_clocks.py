"""The clocks, read against the Regulations (SI 2014/1530; standards.md §3.4)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from statutory import clocks
from statutory.clocks import Clock, ExceptionKind, LimitException, Transfer

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
kinds = st.sampled_from(list(ExceptionKind))


@st.composite
def exceptions(draw: st.DrawFn, received: date) -> LimitException:
    kind = draw(kinds)
    start = received + timedelta(days=draw(st.integers(-60, 200)))
    length = draw(st.integers(clocks.LONG_ABSENCE_DAYS, 120))
    return LimitException(kind, start, start + timedelta(days=length))


@given(days)
def test_reg_5_1_the_decision_whether_to_assess_is_due_6_weeks_after_the_request(received):
    assert clocks.decision_due(received) == received + timedelta(weeks=6)


@given(days)
def test_reg_10_1_notice_not_to_issue_is_due_16_weeks_after_the_request(received):
    assert clocks.not_to_issue_due(received) == received + timedelta(weeks=16)


@given(days)
def test_reg_13_2_the_final_plan_is_due_20_weeks_after_the_request(received):
    assert clocks.final_plan_due(received) == received + timedelta(weeks=20)


@given(days, st.data())
def test_reg_10_4_an_exception_never_brings_a_limit_forward(received, data):
    found = data.draw(st.lists(exceptions(received), max_size=4))
    for due in (clocks.decision_due, clocks.not_to_issue_due, clocks.final_plan_due):
        assert due(received, found) >= due(received)


@given(days, st.data())
def test_reg_10_4_a_limit_moves_on_by_no_more_than_the_days_the_exceptions_last(received, data):
    found = data.draw(st.lists(exceptions(received), max_size=4))
    covered = set()
    for e in found:
        first, last = e.window()
        covered |= {first + timedelta(days=n) for n in range((last - first).days + 1)}
    moved = (clocks.final_plan_due(received, found) - clocks.final_plan_due(received)).days
    assert moved <= len({d for d in covered if d >= received})


@given(days, kinds, st.integers(0, 400), st.integers(clocks.LONG_ABSENCE_DAYS, 120))
def test_reg_10_4_an_exception_after_the_limit_changes_nothing(received, kind, after, length):
    due = clocks.final_plan_due(received)
    start = due + timedelta(weeks=1, days=after + 1)  # a closure's window opens a week early
    late = LimitException(kind, start, start + timedelta(days=length))
    assert clocks.final_plan_due(received, [late]) == due
    assert not clocks.week20_exceptions_apply(received, [late])


@given(days, st.integers(clocks.LONG_ABSENCE_DAYS, 120))
def test_reg_10_4_d_an_absence_within_the_20_weeks_stops_the_clock_for_its_length(received, length):
    start = received + timedelta(weeks=2)
    absence = LimitException(ExceptionKind.ABSENCE_FROM_AREA, start, start + timedelta(days=length))
    assert clocks.final_plan_due(received, [absence]) == received + timedelta(
        weeks=20, days=length + 1
    )
    assert clocks.week20_exceptions_apply(received, [absence])


@given(days, st.integers(clocks.LONG_ABSENCE_DAYS, 120))
def test_reg_10_4_a_a_closure_counts_from_a_week_before_it_to_a_week_before_reopening(
    received, length
):
    closed = received + timedelta(weeks=3)
    reopens = closed + timedelta(days=length)
    closure = LimitException(ExceptionKind.SCHOOL_CLOSURE, closed, reopens)
    assert closure.window() == (closed - timedelta(weeks=1), reopens - timedelta(days=8))
    # The window holds exactly as many days as the closure did.
    assert clocks.final_plan_due(received, [closure]) == received + timedelta(weeks=20, days=length)


@given(days, st.integers(clocks.LONG_ABSENCE_DAYS, 120))
def test_one_day_covered_by_two_exceptions_is_counted_once(received, length):
    start = received + timedelta(weeks=1)
    one = LimitException(ExceptionKind.ABSENCE_FROM_AREA, start, start + timedelta(days=length))
    two = LimitException(ExceptionKind.PERSONAL_CIRCUMSTANCES, one.start, one.end)
    assert clocks.final_plan_due(received, [one, two]) == clocks.final_plan_due(received, [one])


def test_reg_10_4_a_closure_or_absence_of_under_4_weeks_is_refused():
    short = clocks.exception_errors("absence_from_area", date(2025, 1, 1), date(2025, 1, 20))
    assert "end_date" in short
    assert (
        clocks.exception_errors("personal_circumstances", date(2025, 1, 1), date(2025, 1, 2)) == {}
    )
    assert set(clocks.exception_errors("school_closure", None, None)) == {"start_date", "end_date"}
    assert "kind" in clocks.exception_errors("holiday", date(2025, 1, 1), date(2025, 3, 1))
    assert "end_date" in clocks.exception_errors(
        "personal_circumstances", date(2025, 2, 1), date(2025, 1, 1)
    )


@given(days)
def test_reg_20_the_first_annual_review_is_due_within_12_months_of_the_plan(issued):
    due = clocks.annual_review_due(issued)
    assert due.month == issued.month and due.year == issued.year + 1
    assert due.day == issued.day or (issued.month, issued.day, due.day) == (2, 29, 28)


@given(days, days)
def test_reg_20_later_reviews_are_due_12_months_after_the_last_meeting(issued, met):
    assert clocks.annual_review_due(issued, met) == clocks.annual_review_due(met)


@given(days)
def test_reg_20_and_22_the_decision_in_4_weeks_the_amended_plan_in_12(meeting):
    assert clocks.review_decision_due(meeting) == meeting + timedelta(weeks=4)
    assert clocks.amended_plan_due(meeting) == meeting + timedelta(weeks=12)


@given(
    st.integers(2016, 2035), st.sampled_from([t for t in Transfer if t.name != "POST16_TO_POST16"])
)
def test_reg_18_a_september_transfer_is_final_by_15_february_or_31_march_for_post_16(year, kind):
    due = clocks.phase_transfer_due(kind, date(year, 9, 1))
    expected = date(year, 3, 31) if kind is Transfer.SECONDARY_TO_POST16 else date(year, 2, 15)
    assert due == expected


@given(days)
def test_reg_18_a_post_16_to_post_16_transfer_is_final_5_months_before(move):
    due = clocks.phase_transfer_due(Transfer.POST16_TO_POST16, move)
    assert clocks.add_months(due, 5) <= move
    assert (move - due).days in range(150, 155)


@given(days, days, days)
def test_a_clock_is_met_late_running_or_overdue(due, done, today):
    assert clocks.clock(due, done, today) == (Clock.MET if done <= due else Clock.LATE)
    assert clocks.clock(due, None, today) == (Clock.RUNNING if today <= due else Clock.OVERDUE)


@given(days, st.integers(0, 60))
def test_reg_20_3_notice_and_advice_2_weeks_before_the_meeting_the_report_2_weeks_after(
    meeting, offset
):
    notice = clocks.review_notice_due(meeting)
    assert notice == meeting - timedelta(days=14)
    assert clocks.review_report_due(meeting) == meeting + timedelta(days=14)
    # An invitation `offset` days before the meeting gives enough notice exactly when it is 14
    # or more days before.
    invited = meeting - timedelta(days=offset)
    assert (invited <= notice) == (offset >= 14)
    # The report is due before the LA's decision, which is due before the amended plan.
    assert (
        clocks.review_report_due(meeting)
        < clocks.review_decision_due(meeting)
        < clocks.amended_plan_due(meeting)
    )
