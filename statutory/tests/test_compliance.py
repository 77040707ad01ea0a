"""The compliance engine, read like the Code: each code on both sides of its boundary."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statutory import compliance as c

D = timedelta(days=1)
UPN = "A123456789012"


def codes(found: list[c.Finding]) -> list[str]:
    return [f.code for f in found]


def school(*pupils: c.PupilRecords, phase: str = "primary", report=None) -> c.SchoolRecords:
    return c.SchoolRecords(phase=phase, pupils=pupils, information_report=report)


SMART = c.Target("reads 20 words", "words a minute", "40", date(2026, 7, 1))


def on_support(start: date, **kw) -> c.PupilRecords:
    return c.PupilRecords(upn=UPN, register=(c.RegisterEntry("K", start, None, start),), **kw)


def agreed_cycle(opened: date, review: date, targets=(SMART,)) -> c.Cycle:
    return c.Cycle(1, opened, plan=c.Plan(opened, review, opened, targets))


def found_for(pupil: c.PupilRecords, on: date, code: str) -> list[c.Finding]:
    return [f for f in c.findings(school(pupil), on) if f.code == code]


# --- counting -------------------------------------------------------------------------------------


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert c.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert c.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert c.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert c.add_months(date(2026, 10, 25), 12) == date(2027, 10, 25)


def test_severity_is_due_soon_up_to_the_day_and_a_breach_from_the_day_after() -> None:
    due = date(2026, 3, 29)  # the March clock change: a date, no hour to move
    assert c.severity_for(due, due - 15 * D) is None
    assert c.severity_for(due, due - 14 * D) == c.DUE_SOON
    assert c.severity_for(due, due) == c.DUE_SOON
    assert c.severity_for(due, due + D) == c.BREACH


# --- SEN support --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2026, 3, 1), date(2026, 3, 29)),  # across the March clock change
        (date(2026, 10, 1), date(2026, 10, 29)),  # across the October one
        (date(2024, 2, 10), date(2024, 3, 9)),  # leap year
        (date(2026, 7, 20), date(2026, 8, 17)),  # summer holiday: the clock runs on
    ],
)
def test_plan_missing_after_28_days_on_the_register(start: date, due: date) -> None:
    pupil = on_support(start)
    assert [f.severity for f in found_for(pupil, due - D, "PLAN_MISSING")] == [c.DUE_SOON]
    assert [f.severity for f in found_for(pupil, due, "PLAN_MISSING")] == [c.DUE_SOON]
    [late] = found_for(pupil, due + D, "PLAN_MISSING")
    assert late.severity == c.BREACH and late.due == due
    assert late.rule == "SEND Code of Practice 6.48"
    assert "no plan" in late.reason and c.short_date(start) in late.reason


def test_an_agreed_plan_in_an_open_cycle_meets_the_duty_but_an_unagreed_one_does_not() -> None:
    start = date(2026, 1, 5)
    unagreed = c.Cycle(1, start, plan=c.Plan(start, date(2026, 4, 1), None, (SMART,)))
    pupil = on_support(start, cycles=(unagreed,))
    [f] = found_for(pupil, date(2026, 3, 1), "PLAN_MISSING")
    assert "not yet agreed" in f.reason
    agreed = on_support(start, cycles=(agreed_cycle(start, date(2026, 4, 1)),))
    assert found_for(agreed, date(2026, 3, 1), "PLAN_MISSING") == []


def test_plan_missing_counts_from_the_last_closed_cycle() -> None:
    start = date(2025, 9, 1)
    review = c.Review(date(2026, 1, 10), "in_person", "expected", date(2026, 1, 11))
    closed = c.Cycle(1, start, date(2026, 1, 10), c.Plan(start, date(2026, 1, 9), start), review)
    pupil = on_support(start, cycles=(closed,))
    assert found_for(pupil, date(2026, 2, 7), "PLAN_MISSING")[0].severity == c.DUE_SOON
    [f] = found_for(pupil, date(2026, 2, 8), "PLAN_MISSING")
    assert f.severity == c.BREACH and f.due == date(2026, 2, 7)
    assert "last cycle closed 10 Jan 2026" in f.reason


def test_review_overdue_from_the_day_after_the_plan_set_it() -> None:
    start = date(2025, 9, 1)
    first = c.Review(date(2026, 1, 14), "in_person", "expected", date(2026, 1, 15))
    done = c.Cycle(1, start, date(2026, 1, 14), c.Plan(start, date(2026, 1, 14), start), first)
    current = replace(agreed_cycle(date(2026, 1, 14), date(2026, 4, 10)), number=2)
    pupil = on_support(start, cycles=(done, current))
    assert found_for(pupil, date(2026, 4, 10), "REVIEW_OVERDUE")[0].severity == c.DUE_SOON
    [f] = found_for(pupil, date(2026, 4, 11), "REVIEW_OVERDUE")
    assert f.severity == c.BREACH
    assert f.reason == "last review 14 Jan 2026; the plan set the next review for 10 Apr 2026"


def _reviews(*held: tuple[date, str]) -> tuple[c.Cycle, ...]:
    cycles = []
    for n, (day, how) in enumerate(held, start=1):
        plan = c.Plan(day - 80 * D, day, day - 80 * D, (SMART,))
        cycles.append(
            c.Cycle(n, day - 80 * D, day, plan, c.Review(day, how, "expected", day)),
        )
    return tuple(cycles)


def test_fewer_than_three_reviews_with_the_parents_in_365_days() -> None:
    start = date(2024, 9, 1)
    three = _reviews(
        (date(2025, 3, 1), "in_person"), (date(2025, 7, 1), "written"), (date(2025, 11, 1), "video")
    )
    pupil = on_support(start, cycles=three)
    # A review counts until it is more than 365 days old: the day before and the day 1 Mar 2025
    # is 365 days back (1 Mar 2026), all three count; from the day after, it has slipped out.
    assert found_for(pupil, date(2026, 2, 28), "FEWER_THAN_THREE_REVIEWS") == []
    assert found_for(pupil, date(2026, 3, 1), "FEWER_THAN_THREE_REVIEWS") == []
    [f] = found_for(pupil, date(2026, 3, 2), "FEWER_THAN_THREE_REVIEWS")
    assert f.severity == c.BREACH and f.rule == "SEND Code of Practice 6.65"
    assert f.reason.startswith("2 of 2 reviews since 2 Mar 2025")


@pytest.mark.parametrize(
    "first",
    [
        date(2025, 3, 29),  # the March clock change
        date(2025, 10, 26),  # the October one
        date(2023, 3, 1),  # 365 days on is 29 Feb 2024: a leap year
        date(2025, 8, 10),  # the summer holiday
    ],
)
def test_a_review_slipping_out_of_the_365_days_fires_until_the_next(first: date) -> None:
    held = _reviews((first, "in_person"), (first + 120 * D, "phone"), (first + 240 * D, "written"))
    pupil = on_support(first - 400 * D, cycles=held)
    edge = first + 365 * D
    assert found_for(pupil, edge - D, "FEWER_THAN_THREE_REVIEWS") == []
    assert found_for(pupil, edge, "FEWER_THAN_THREE_REVIEWS") == []
    [f] = found_for(pupil, edge + D, "FEWER_THAN_THREE_REVIEWS")
    assert f.due == edge + D and f.reason.startswith("2 of 2 reviews")
    # The next review with the parents, a day late, meets the duty again.
    late = (*held, replace(_reviews((edge + D, "video"))[0], number=4))
    assert found_for(replace(pupil, cycles=late), edge + D, "FEWER_THAN_THREE_REVIEWS") == []


def test_did_not_take_part_counts_as_neither() -> None:
    held = _reviews(
        (date(2025, 3, 1), "in_person"), (date(2025, 7, 1), "absent"), (date(2025, 11, 1), "phone")
    )
    [f] = found_for(
        on_support(date(2024, 9, 1), cycles=held), date(2026, 1, 1), "FEWER_THAN_THREE_REVIEWS"
    )
    assert f.reason.startswith("2 of 3 reviews")


def test_fewer_than_three_needs_the_whole_year_on_the_register() -> None:
    start = date(2025, 1, 2)
    on = start + 365 * D  # the window opens 365 days before `on`: on `start`
    assert found_for(on_support(start), on - 2 * D, "FEWER_THAN_THREE_REVIEWS") == []
    assert found_for(on_support(start), on - D, "FEWER_THAN_THREE_REVIEWS") == []
    assert codes(found_for(on_support(start), on, "FEWER_THAN_THREE_REVIEWS")) == [
        "FEWER_THAN_THREE_REVIEWS"
    ]


def test_k_to_e_keeps_the_stretch_but_a_spell_off_the_register_breaks_it() -> None:
    k_then_e = (
        c.RegisterEntry("K", date(2024, 9, 1), date(2025, 2, 1), date(2024, 9, 1)),
        c.RegisterEntry("E", date(2025, 2, 1), None, date(2025, 2, 1)),
    )
    on = date(2025, 10, 1)
    pupil = c.PupilRecords(upn=UPN, register=k_then_e)
    assert codes(found_for(pupil, on, "FEWER_THAN_THREE_REVIEWS")) == ["FEWER_THAN_THREE_REVIEWS"]
    off_and_on = (
        c.RegisterEntry("K", date(2024, 9, 1), date(2025, 2, 1), date(2024, 9, 1)),
        c.RegisterEntry("N", date(2025, 2, 1), date(2025, 3, 1), date(2025, 2, 1)),
        c.RegisterEntry("K", date(2025, 3, 1), None, date(2025, 3, 1)),
    )
    pupil = c.PupilRecords(upn=UPN, register=off_and_on)
    assert found_for(pupil, on, "FEWER_THAN_THREE_REVIEWS") == []


@pytest.mark.parametrize(
    ("register", "what"),
    [
        ((c.RegisterEntry("K", date(2026, 3, 15)),), "placed on the register (K)"),
        (
            (
                c.RegisterEntry("K", date(2025, 9, 1), date(2026, 3, 15), date(2025, 9, 2)),
                c.RegisterEntry("E", date(2026, 3, 15)),
            ),
            "moved within the register (E)",
        ),
        (
            (
                c.RegisterEntry("K", date(2025, 9, 1), date(2026, 3, 15), date(2025, 9, 2)),
                c.RegisterEntry("N", date(2026, 3, 15)),
            ),
            "removed from the register (N)",
        ),
    ],
)
def test_parents_not_notified_after_14_days(register, what: str) -> None:
    pupil = c.PupilRecords(upn=UPN, register=register)
    due = date(2026, 3, 29)  # the day of the March clock change
    assert found_for(pupil, due, "PARENTS_NOT_NOTIFIED")[0].severity == c.DUE_SOON
    [f] = found_for(pupil, due + D, "PARENTS_NOT_NOTIFIED")
    assert f.severity == c.BREACH and f.reason.startswith(what)
    told = replace(register[-1], parents_informed_on=date(2026, 3, 20))
    assert (
        found_for(replace(pupil, register=(*register[:-1], told)), due + D, "PARENTS_NOT_NOTIFIED")
        == []
    )


def test_a_pupil_off_the_register_has_only_the_removal_finding() -> None:
    register = (
        c.RegisterEntry("K", date(2024, 9, 1), date(2026, 1, 5), date(2024, 9, 1)),
        c.RegisterEntry("N", date(2026, 1, 5)),
    )
    review = c.Review(date(2025, 12, 1), "absent", "none", None)
    cycle = c.Cycle(
        1, date(2025, 9, 1), date(2025, 12, 1), c.Plan(date(2025, 9, 1), date(2025, 12, 1)), review
    )
    pupil = c.PupilRecords(upn=UPN, register=register, cycles=(cycle,))
    assert codes(c.findings(school(pupil), date(2026, 3, 1))) == ["PARENTS_NOT_NOTIFIED"]


def test_no_smart_targets_on_the_agreed_plan() -> None:
    start = date(2026, 1, 5)
    vague = c.Target("reads 20 words", "", "40", date(2026, 7, 1))
    pupil = on_support(start, cycles=(agreed_cycle(start, date(2026, 4, 1), (vague,)),))
    [f] = found_for(pupil, date(2026, 1, 5), "NO_SMART_TARGETS")
    assert f.severity == c.BREACH and "1 targets and none" in f.reason
    smart = on_support(start, cycles=(agreed_cycle(start, date(2026, 4, 1), (vague, SMART)),))
    assert found_for(smart, date(2026, 1, 5), "NO_SMART_TARGETS") == []
    # Before the parents agree there is no agreed plan to judge (PLAN_MISSING's business).
    assert found_for(pupil, date(2026, 1, 4), "NO_SMART_TARGETS") == []


def test_record_not_shared_after_14_days() -> None:
    held = date(2026, 10, 12)  # due 26 Oct 2026, the day after the October clock change
    review = c.Review(held, "in_person", "expected", None)
    cycles = (
        c.Cycle(
            1, date(2026, 9, 1), held, c.Plan(date(2026, 9, 1), held, date(2026, 9, 1)), review
        ),
        replace(agreed_cycle(held, date(2027, 1, 20)), number=2),
    )
    pupil = on_support(date(2026, 9, 1), cycles=cycles)
    assert found_for(pupil, date(2026, 10, 26), "RECORD_NOT_SHARED")[0].severity == c.DUE_SOON
    [f] = found_for(pupil, date(2026, 10, 27), "RECORD_NOT_SHARED")
    assert f.severity == c.BREACH and f.due == date(2026, 10, 26)
    shared = replace(review, given_to_parents_on=date(2026, 10, 30))
    cycles = (replace(cycles[0], review=shared), cycles[1])
    assert found_for(replace(pupil, cycles=cycles), date(2026, 11, 1), "RECORD_NOT_SHARED") == []


def test_specialist_not_involved_after_two_reviews_of_little_or_no_progress() -> None:
    first, second = date(2025, 12, 10), date(2026, 3, 20)
    cycles = tuple(
        c.Cycle(
            n,
            day - 90 * D,
            day,
            c.Plan(day - 90 * D, day, day - 90 * D),
            c.Review(day, "in_person", "none", day),
        )
        for n, day in ((1, first), (2, second))
    )
    pupil = on_support(date(2025, 9, 1), cycles=cycles)
    [f] = found_for(pupil, second, "SPECIALIST_NOT_INVOLVED")
    assert "10 Dec 2025 and 20 Mar 2026" in f.reason
    before = replace(pupil, specialists=(c.SpecialistInvolvement(first - D),))
    assert codes(found_for(before, second, "SPECIALIST_NOT_INVOLVED")) == [
        "SPECIALIST_NOT_INVOLVED"
    ]
    since = replace(pupil, specialists=(c.SpecialistInvolvement(first),))
    assert found_for(since, second, "SPECIALIST_NOT_INVOLVED") == []
    less = c.Review(second, "in_person", "less", second)
    some_progress = replace(cycles[1], review=less)
    assert (
        found_for(
            replace(pupil, cycles=(cycles[0], some_progress)), second, "SPECIALIST_NOT_INVOLVED"
        )
        == []
    )


# --- EHC --------------------------------------------------------------------------------------------


def ehc(
    *requests: c.EHCRequest, plans: tuple[c.EHCPlan, ...] = (), nc_year: str = "4"
) -> c.PupilRecords:
    return c.PupilRecords(
        upn=UPN,
        nc_year=nc_year,
        register=(c.RegisterEntry("N", date(2020, 9, 1)),),
        ehc_requests=requests,
        ehc_plans=plans,
    )


ASKED = date(2026, 2, 16)


@pytest.mark.parametrize(
    "asked",
    [
        ASKED,  # 6 weeks on crosses the March clock change
        date(2026, 9, 14),  # 6 weeks on crosses the October one
        date(2024, 1, 22),  # a leap year: the weeks run through 29 February
        date(2026, 6, 1),  # 16 and 20 weeks run through the summer holiday
    ],
)
@pytest.mark.parametrize(
    ("code", "weeks"),
    [
        ("EHCNA_DECISION_OVERDUE", 6),
        ("EHCP_NOT_ISSUE_DECISION_OVERDUE", 16),
        ("EHCP_FINAL_OVERDUE", 20),
    ],
)
def test_ehc_request_clocks(asked: date, code: str, weeks: int) -> None:
    request_ = {
        "EHCNA_DECISION_OVERDUE": c.EHCRequest(asked),
        "EHCP_NOT_ISSUE_DECISION_OVERDUE": c.EHCRequest(asked, asked + 30 * D, True),
        "EHCP_FINAL_OVERDUE": c.EHCRequest(
            asked, asked + 30 * D, True, draft_issued_on=asked + 100 * D
        ),
    }[code]
    due = asked + weeks * 7 * D
    pupil = ehc(request_)
    assert [f.severity for f in found_for(pupil, due - D, code)] == [c.DUE_SOON]
    assert [f.severity for f in found_for(pupil, due, code)] == [c.DUE_SOON]
    [f] = found_for(pupil, due + D, code)
    assert f.severity == c.BREACH and f.due == due and f.exception is None
    excepted = ehc(replace(request_, exception="c"))
    [f] = found_for(excepted, due + D, code)
    assert f.severity == c.INFO and (f.exception or "").startswith("reg 10(4)(c)")
    assert c.breaches(c.findings(school(excepted), due + D)) == []


def test_ehc_request_met_or_refused_has_no_finding() -> None:
    refused = c.EHCRequest(ASKED, ASKED + 20 * D, False)
    assert c.findings(school(ehc(refused)), ASKED + 400 * D) == []
    issued = c.EHCRequest(ASKED, ASKED + 20 * D, True, None, ASKED + 90 * D, ASKED + 130 * D)
    assert c.findings(school(ehc(issued)), ASKED + 200 * D) == []
    not_issuing = c.EHCRequest(ASKED, ASKED + 20 * D, True, not_to_issue_on=ASKED + 100 * D)
    assert c.findings(school(ehc(not_issuing)), ASKED + 200 * D) == []


def test_annual_review_due_within_8_weeks_then_overdue_after_12_months() -> None:
    plan = c.EHCPlan(date(2024, 2, 29))
    pupil = ehc(plans=(plan,))
    due = date(2025, 2, 28)
    assert codes(c.findings(school(pupil), due - 57 * D)) == []
    [soon] = c.findings(school(pupil), due - 56 * D)
    assert (soon.code, soon.severity) == ("ANNUAL_REVIEW_DUE", c.DUE_SOON)
    assert codes(c.findings(school(pupil), due)) == ["ANNUAL_REVIEW_DUE"]
    [late] = c.findings(school(pupil), due + D)
    assert (late.code, late.severity, late.due) == ("ANNUAL_REVIEW_OVERDUE", c.BREACH, due)
    reviewed = ehc(plans=(replace(plan, reviews=(c.AnnualReview(due, "maintain", due + D),)),))
    assert c.findings(school(reviewed), due + 10 * D) == []


def test_review_decision_4_weeks_and_amended_plan_12_weeks_after_the_meeting() -> None:
    met = date(2026, 3, 2)
    plan = c.EHCPlan(date(2025, 3, 20), reviews=(c.AnnualReview(met),))

    def found(p, on):
        return [f for f in c.findings(school(ehc(plans=(p,))), on) if f.code != "ANNUAL_REVIEW_DUE"]

    assert [f.severity for f in found(plan, met + 28 * D)] == [c.DUE_SOON]
    [f] = found(plan, met + 29 * D)
    assert (f.code, f.severity) == ("REVIEW_DECISION_OVERDUE", c.BREACH)
    amend = replace(plan, reviews=(c.AnnualReview(met, "amend", met + 20 * D),))
    assert [f.severity for f in found(amend, met + 84 * D)] == [c.DUE_SOON]
    [f] = found(amend, met + 85 * D)
    assert (f.code, f.due) == ("AMENDED_PLAN_OVERDUE", met + 84 * D)
    final = replace(plan, reviews=(c.AnnualReview(met, "amend", met + 20 * D, met + 70 * D),))
    assert found(final, met + 85 * D) == []


@pytest.mark.parametrize(
    ("phase", "year", "deadline"),
    [
        ("primary", "6", date(2027, 2, 15)),
        ("infant", "2", date(2027, 2, 15)),
        ("secondary", "11", date(2027, 3, 31)),
    ],
)
def test_phase_transfer_deadline(phase: str, year: str, deadline: date) -> None:
    plan = c.EHCPlan(
        date(2026, 6, 1), reviews=(c.AnnualReview(date(2026, 11, 2), "amend", date(2026, 11, 20)),)
    )
    pupil = ehc(plans=(plan,), nc_year=year)

    def transfer(on: date) -> list[c.Finding]:
        return [
            f
            for f in c.findings(school(pupil, phase=phase), on)
            if f.code == "PHASE_TRANSFER_OVERDUE"
        ]

    assert [f.severity for f in transfer(deadline)] == [c.DUE_SOON]
    [f] = transfer(deadline + D)
    assert f.severity == c.BREACH and f"September {deadline.year}" in f.reason
    named = replace(plan.reviews[0], amended_final_on=deadline, names_next_setting=True)
    pupil = ehc(plans=(replace(plan, reviews=(named,)),), nc_year=year)
    assert transfer(deadline + D) == []
    assert c.transfer_deadline(phase, "5", deadline) is None


def test_sen_information_report_stale_after_12_calendar_months() -> None:
    report = c.InformationReport(date(2024, 2, 29))
    assert c.findings(school(report=report), date(2025, 2, 28))[0].severity == c.DUE_SOON
    [f] = c.findings(school(report=report), date(2025, 3, 1))
    assert (f.upn, f.severity, f.due) == (None, c.BREACH, date(2025, 2, 28))
    assert codes(c.findings(school(report=c.InformationReport(None)), date(2025, 3, 1))) == [
        "SEN_INFORMATION_REPORT_STALE"
    ]
    assert c.findings(school(report=None), date(2025, 3, 1)) == []


def test_every_code_has_a_rule_and_json_has_exactly_the_contract_keys() -> None:
    assert set(c.RULES) == set(c.CODES)
    [f] = c.findings(school(on_support(date(2026, 1, 1))), date(2026, 3, 1))
    assert list(f.as_json()) == ["code", "upn", "due", "severity", "reason", "rule", "exception"]


# --- properties ---------------------------------------------------------------------------------

START = date(2023, 9, 1)
days = st.integers(min_value=0, max_value=900).map(lambda n: START + n * D)


@st.composite
def pupils(draw: st.DrawFn, upn: str = UPN) -> c.PupilRecords:
    """A pupil's history: register entries in order, cycles with plans and reviews, EHC."""
    day = draw(days)
    register = []
    for provision in draw(st.lists(st.sampled_from("NKE"), min_size=1, max_size=4)):
        told = draw(st.none() | st.just(day + draw(st.integers(0, 30)) * D))
        register.append(c.RegisterEntry(provision, day, None, told))
        day += draw(st.integers(1, 200)) * D
        register[-1] = replace(register[-1], end=draw(st.none() | st.just(day)))
    register = [
        replace(e, end=e.end if i < len(register) - 1 else None) for i, e in enumerate(register)
    ]
    for i in range(len(register) - 1):
        register[i] = replace(register[i], end=register[i + 1].start)
    cycles = []
    day = draw(days)
    for n in range(1, draw(st.integers(0, 5)) + 1):
        plan = c.Plan(
            day, day + 80 * D, draw(st.none() | st.just(day)), draw(st.sampled_from([(), (SMART,)]))
        )
        held = day + draw(st.integers(20, 120)) * D
        done = draw(st.booleans())
        review = (
            c.Review(
                held,
                draw(st.sampled_from(sorted(c.PARENTS_TOOK_PART | {"absent"}))),
                draw(st.sampled_from(["above", "expected", "less", "none"])),
                draw(st.none() | st.just(held + draw(st.integers(0, 30)) * D)),
            )
            if done
            else None
        )
        cycles.append(c.Cycle(n, day, held if done else None, plan, review))
        if not done:
            break
        day = held
    asked = draw(days)
    request = c.EHCRequest(
        asked, draw(st.none() | st.just(asked + 50 * D)), draw(st.none() | st.booleans())
    )
    ehc_plan = c.EHCPlan(
        draw(days), reviews=tuple(c.AnnualReview(d) for d in draw(st.lists(days, max_size=2)))
    )
    return c.PupilRecords(
        upn=upn,
        nc_year=draw(st.sampled_from(["2", "5", "6", "11"])),
        register=tuple(register),
        cycles=tuple(cycles),
        specialists=tuple(c.SpecialistInvolvement(d) for d in draw(st.lists(days, max_size=2))),
        ehc_requests=draw(st.sampled_from([(), (request,)])),
        ehc_plans=draw(st.sampled_from([(), (ehc_plan,)])),
    )


@settings(max_examples=150, deadline=None)
@given(pupils(), days, st.randoms())
def test_findings_never_depend_on_the_order_of_records(pupil, on, rnd) -> None:
    shuffled = replace(
        pupil,
        register=tuple(rnd.sample(pupil.register, len(pupil.register))),
        cycles=tuple(rnd.sample(pupil.cycles, len(pupil.cycles))),
        specialists=tuple(rnd.sample(pupil.specialists, len(pupil.specialists))),
    )
    assert c.findings(school(shuffled), on) == c.findings(school(pupil), on)


def _last_record_day(pupil: c.PupilRecords) -> date:
    dated = [e.start for e in pupil.register] + [
        e.parents_informed_on or START for e in pupil.register
    ]
    for cycle in pupil.cycles:
        dated += [cycle.opened_on, cycle.closed_on or START]
        if cycle.plan:
            dated += [cycle.plan.plan_date, cycle.plan.parents_agreed_on or START]
        if cycle.review:
            dated += [cycle.review.held_on, cycle.review.given_to_parents_on or START]
    dated += [s.on for s in pupil.specialists]
    for r in pupil.ehc_requests:
        dated += [r.requested_on, r.assessment_decided_on or START]
    for p in pupil.ehc_plans:
        dated += [p.issued_on, *(a.meeting_on for a in p.reviews)]
    return max(dated)


@settings(max_examples=150, deadline=None)
@given(pupils(), st.integers(0, 400), st.integers(1, 400))
def test_moving_on_forward_never_resolves_an_unmet_duty_by_itself(pupil, after, later) -> None:
    # Once every record is in, the passing of time alone keeps each breach.
    on = _last_record_day(pupil) + after * D
    before = {(f.code, f.upn) for f in c.breaches(c.findings(school(pupil), on))}
    after_on = {(f.code, f.upn) for f in c.breaches(c.findings(school(pupil), on + later * D))}
    # An annual review overdue stays overdue; PHASE_TRANSFER turns over with the school year.
    before = {b for b in before if b[0] != "PHASE_TRANSFER_OVERDUE"}
    assert before <= after_on


@settings(max_examples=100, deadline=None)
@given(pupils(), pupils(upn="B123456789012"), days)
def test_an_unrelated_pupil_changes_no_other_pupils_findings(pupil, other, on) -> None:
    alone = c.findings(school(pupil), on)
    together = [f for f in c.findings(school(pupil, other), on) if f.upn == pupil.upn]
    assert together == alone


@given(days, st.integers(0, 60))
def test_a_review_on_its_due_date_is_not_a_breach(opened, length) -> None:
    review_date = opened + length * D
    pupil = on_support(opened, cycles=(agreed_cycle(opened, review_date),))
    assert found_for(pupil, review_date, "REVIEW_OVERDUE")[0].severity == c.DUE_SOON
    held = c.Review(review_date, "in_person", "expected", review_date)
    done = replace(pupil.cycles[0], closed_on=review_date, review=held)
    assert found_for(replace(pupil, cycles=(done,)), review_date, "REVIEW_OVERDUE") == []
