"""The statutory clock: a school's records in, findings out (issue 16).

A pure module: plain dataclasses in, `Finding`s out, today's date passed in as `on`. Nothing is
ticked off by hand; a finding goes when the records meet the duty. The inputs in
statutory/inputs.py build the inputs from the database.

Counting, as the issue sets it:
- "more than N days" is flagged from day N + 1: due on start + N, a breach from the day after;
- N weeks are calendar weeks: due on the date + 7 x N days, overdue from the day after;
- months are calendar months with the day clamped to the month's end (29 Feb + 12 months =
  28 Feb);
- dates are dates: no clock change can move a deadline.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from accounts.schooldates import school_year_start, short_date

BREACH = "breach"
DUE_SOON = "due_soon"
INFO = "info"
SEVERITIES = (BREACH, DUE_SOON, INFO)

# A duty whose date is this close (or closer) shows as due soon.
SOON = timedelta(days=14)
ANNUAL_REVIEW_WARNING = timedelta(weeks=8)
# FEWER_THAN_THREE_REVIEWS looks back this far (CoP 6.65: at least three meetings a year).
FEWER_THAN_THREE_WINDOW = timedelta(days=365)

ON_REGISTER = frozenset({"K", "E"})
# How the parents took part in a review: written views count as contributing, "did not take
# part" (absent) counts as neither.
PARENTS_TOOK_PART = frozenset({"in_person", "phone", "video", "written"})
LITTLE_OR_NO_PROGRESS = "none"

# The reg 10(4) exceptions (also reg 5(4) and 13(3)): the LA need not meet the 6-, 16- and
# 20-week limits where it is impractical because of one of these. SEN2 records them as Week20.
EXCEPTIONS = {
    "a": "reg 10(4)(a): advice was asked of the school in the week before a closure of 4 weeks "
    "or more",
    "b": "reg 10(4)(b): advice was asked of an early years provider in the week before a closure "
    "of 4 weeks or more",
    "c": "reg 10(4)(c): exceptional personal circumstances of the child or the parent",
    "d": "reg 10(4)(d): the child or the parent was away from the area for 4 weeks or more",
}

RULES = {
    "PLAN_MISSING": "SEND Code of Practice 6.48",
    "REVIEW_OVERDUE": "SEND Code of Practice 6.54",
    "FEWER_THAN_THREE_REVIEWS": "SEND Code of Practice 6.65",
    "PARENTS_NOT_NOTIFIED": "SEND Code of Practice 6.46",
    "NO_SMART_TARGETS": "SEND Code of Practice 6.48",
    "RECORD_NOT_SHARED": "SEND Code of Practice 6.72",
    "SPECIALIST_NOT_INVOLVED": "SEND Code of Practice 6.58",
    "EHCNA_DECISION_OVERDUE": "SEND Regulations 2014 reg 5(1)",
    "EHCP_NOT_ISSUE_DECISION_OVERDUE": "SEND Regulations 2014 reg 10(1)",
    "EHCP_FINAL_OVERDUE": "SEND Regulations 2014 reg 13(2)",
    "ANNUAL_REVIEW_DUE": "SEND Regulations 2014 reg 20",
    "ANNUAL_REVIEW_OVERDUE": "SEND Regulations 2014 reg 20",
    "REVIEW_DECISION_OVERDUE": "SEND Regulations 2014 reg 20(10)",
    "AMENDED_PLAN_OVERDUE": "SEND Regulations 2014 reg 22; R (L, M, P) v Devon CC [2022]",
    "PHASE_TRANSFER_OVERDUE": "SEND Regulations 2014 reg 18",
    "SEN_INFORMATION_REPORT_STALE": "SEND Code of Practice 6.79; SEND Regulations 2014 reg 51",
}
SEN_SUPPORT_CODES = (
    "PLAN_MISSING",
    "REVIEW_OVERDUE",
    "FEWER_THAN_THREE_REVIEWS",
    "PARENTS_NOT_NOTIFIED",
    "NO_SMART_TARGETS",
    "RECORD_NOT_SHARED",
    "SPECIALIST_NOT_INVOLVED",
)
EHC_CODES = (
    "EHCNA_DECISION_OVERDUE",
    "EHCP_NOT_ISSUE_DECISION_OVERDUE",
    "EHCP_FINAL_OVERDUE",
    "ANNUAL_REVIEW_DUE",
    "ANNUAL_REVIEW_OVERDUE",
    "REVIEW_DECISION_OVERDUE",
    "AMENDED_PLAN_OVERDUE",
    "PHASE_TRANSFER_OVERDUE",
)
CODES = (*SEN_SUPPORT_CODES, *EHC_CODES, "SEN_INFORMATION_REPORT_STALE")

# The last year of each phase (reg 2(1)): a pupil in it moves phase next September. An
# all-through or special school keeps its pupils to 16, then they move to post-16.
LAST_YEAR_OF_PHASE = {
    "nursery": "N2",
    "infant": "2",
    "junior": "6",
    "primary": "6",
    "middle": "8",
    "secondary": "11",
    "all_through": "11",
    "special": "11",
}


# --- the records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterEntry:
    """One period of a pupil's SEN provision: N (no SEN), K (SEN support) or E (EHC plan)."""

    provision: str
    start: date
    end: date | None = None
    parents_informed_on: date | None = None


@dataclass(frozen=True)
class Target:
    baseline: str = ""
    measure: str = ""
    target_value: str = ""
    target_date: date | None = None

    @property
    def is_complete(self) -> bool:
        """All four of a baseline, a measure, a target value and a date."""
        return bool(
            self.baseline.strip()
            and self.measure.strip()
            and self.target_value.strip()
            and self.target_date
        )


@dataclass(frozen=True)
class Plan:
    plan_date: date
    review_date: date
    parents_agreed_on: date | None = None
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Review:
    held_on: date
    parent_attendance: str
    overall_progress: str
    given_to_parents_on: date | None = None


@dataclass(frozen=True)
class Cycle:
    number: int
    opened_on: date
    closed_on: date | None = None
    plan: Plan | None = None
    review: Review | None = None


@dataclass(frozen=True)
class SpecialistInvolvement:
    """An educational psychologist, a therapist, an outreach teacher or another specialist
    giving their views or assessment (support's AssessmentView from a specialist)."""

    on: date
    who: str = "specialist"


@dataclass(frozen=True)
class EHCRequest:
    """A request for an EHC needs assessment and what the LA decided, with its dates."""

    requested_on: date
    assessment_decided_on: date | None = None
    assessment_agreed: bool | None = None
    # After the assessment: the LA decided not to issue a plan, or sent the draft plan.
    not_to_issue_on: date | None = None
    draft_issued_on: date | None = None
    final_issued_on: date | None = None
    # A key of EXCEPTIONS when a reg 10(4) exception applies to this request.
    exception: str | None = None


@dataclass(frozen=True)
class AnnualReview:
    meeting_on: date
    # "maintain", "amend" or "cease" once the LA has decided; None until then.
    decision: str | None = None
    decision_on: date | None = None
    amended_final_on: date | None = None
    # Whether this review amended the plan to name the setting for the next phase.
    names_next_setting: bool = False


@dataclass(frozen=True)
class PhaseTransfer:
    """A recorded move between phases and the date its amended plan, naming the new setting,
    was final (None until it is)."""

    transfer_on: date
    final_on: date | None = None


@dataclass(frozen=True)
class EHCPlan:
    issued_on: date
    ceased_on: date | None = None
    reviews: tuple[AnnualReview, ...] = ()
    transfers: tuple[PhaseTransfer, ...] = ()


@dataclass(frozen=True)
class PupilRecords:
    upn: str
    nc_year: str = ""
    register: tuple[RegisterEntry, ...] = ()
    cycles: tuple[Cycle, ...] = ()
    specialists: tuple[SpecialistInvolvement, ...] = ()
    ehc_requests: tuple[EHCRequest, ...] = ()
    ehc_plans: tuple[EHCPlan, ...] = ()


@dataclass(frozen=True)
class InformationReport:
    """The school's SEN information report; `published_on` None means never published."""

    published_on: date | None


@dataclass(frozen=True)
class SchoolRecords:
    phase: str
    pupils: tuple[PupilRecords, ...] = ()
    # None while the app does not record the report (the school-duties issue): no finding then.
    information_report: InformationReport | None = None


@dataclass(frozen=True, order=True)
class Finding:
    due: date
    code: str
    upn: str | None
    severity: str
    reason: str
    rule: str
    exception: str | None = field(default=None)

    @property
    def is_breach(self) -> bool:
        return self.severity == BREACH

    def as_json(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "upn": self.upn,
            "due": self.due.isoformat(),
            "severity": self.severity,
            "reason": self.reason,
            "rule": self.rule,
            "exception": self.exception,
        }


# --- counting ----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """Calendar months, the day clamped to the month's end (29 Feb 2024 + 12 = 28 Feb 2025)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def weeks_after(day: date, weeks: int) -> date:
    return day + timedelta(weeks=weeks)


def severity_for(due: date, on: date, soon: timedelta = SOON) -> str | None:
    """Breach from the day after `due`; due soon from `soon` before it; nothing before that."""
    if on > due:
        return BREACH
    if due - on <= soon:
        return DUE_SOON
    return None


def _finding(
    code: str, upn: str | None, due: date, on: date, reason: str, *, soon: timedelta = SOON
) -> Finding | None:
    severity = severity_for(due, on, soon)
    if severity is None:
        return None
    return Finding(due=due, code=code, upn=upn, severity=severity, reason=reason, rule=RULES[code])


def _d(day: date) -> str:
    return short_date(day)


# --- SEN support -------------------------------------------------------------------------------


def _entries(pupil: PupilRecords, on: date) -> list[RegisterEntry]:
    """The register entries that had started by `on`, oldest first."""
    return sorted(
        (e for e in pupil.register if e.start <= on), key=lambda e: (e.start, e.end or on)
    )


def _on_register_since(
    pupil: PupilRecords, on: date, entries: list[RegisterEntry] | None = None
) -> date | None:
    """The start of the unbroken K/E stretch that covers `on`, or None if not on the register.
    K to E (or back) carries the stretch on; an N entry or a gap of a day or more breaks it.
    `entries`: _entries(pupil, on), if already sorted out."""
    since: date | None = None
    covered_to: date | None = None  # the stretch's last day so far; None while it is open
    for entry in _entries(pupil, on) if entries is None else entries:
        if entry.provision not in ON_REGISTER:
            since = None
            continue
        gap = covered_to is not None and entry.start > covered_to + timedelta(days=1)
        if since is None or gap:
            since = entry.start
        covered_to = entry.end
    if since is None or (covered_to is not None and covered_to < on):
        return None
    return since


def _parents_not_notified(
    pupil: PupilRecords,
    on: date,
    soon: timedelta = SOON,
    entries: list[RegisterEntry] | None = None,
) -> Iterator[Finding]:
    previous: str | None = None
    for entry in _entries(pupil, on) if entries is None else entries:
        was, now = previous, entry.provision
        previous = now
        if entry.parents_informed_on is not None:
            continue
        if now in ON_REGISTER and was != now:
            what = "placed on the register" if was in (None, "N") else "moved within the register"
        elif now == "N" and was in ON_REGISTER:
            what = "removed from the register"
        else:
            continue
        due = entry.start + timedelta(days=14)
        found = _finding(
            "PARENTS_NOT_NOTIFIED",
            pupil.upn,
            due,
            on,
            f"{what} ({entry.provision}) on {_d(entry.start)}; no record of telling the parents "
            f"(due by {_d(due)}, 14 days after)",
            soon=soon,
        )
        if found:
            yield found


def _completed_reviews(pupil: PupilRecords, on: date) -> list[Review]:
    reviews = [c.review for c in pupil.cycles if c.review is not None and c.review.held_on <= on]
    return sorted(reviews, key=lambda r: (r.held_on, r.parent_attendance, r.overall_progress))


def _open_cycle(pupil: PupilRecords, on: date) -> Cycle | None:
    open_cycles = [
        c
        for c in pupil.cycles
        if c.opened_on <= on and (c.closed_on is None or c.closed_on > on) and c.review is None
    ]
    return max(open_cycles, key=lambda c: c.number, default=None)


def _plan_missing(
    pupil: PupilRecords, since: date, on: date, soon: timedelta, cycle: Cycle | None
) -> Finding | None:
    if cycle and cycle.plan and cycle.plan.parents_agreed_on and cycle.plan.parents_agreed_on <= on:
        return None
    closed = [c.closed_on for c in pupil.cycles if c.closed_on is not None and c.closed_on <= on]
    gap_from = max([since, *closed])
    due = gap_from + timedelta(days=28)
    start = "on the register" if gap_from == since else "last cycle closed"
    state = "a plan not yet agreed with the parents" if cycle and cycle.plan else "no plan"
    return _finding(
        "PLAN_MISSING",
        pupil.upn,
        due,
        on,
        f"{start} {_d(gap_from)}; {state} in an open cycle (an agreed plan due by {_d(due)})",
        soon=soon,
    )


def _review_overdue(
    pupil: PupilRecords, on: date, soon: timedelta, cycle: Cycle | None, reviews: list[Review]
) -> Finding | None:
    if cycle is None or cycle.plan is None:
        return None
    due = cycle.plan.review_date
    last = f"last review {_d(reviews[-1].held_on)}" if reviews else "no review yet"
    return _finding(
        "REVIEW_OVERDUE",
        pupil.upn,
        due,
        on,
        f"{last}; the plan set the next review for {_d(due)}",
        soon=soon,
    )


def _fewer_than_three(
    pupil: PupilRecords, since: date, on: date, reviews: list[Review]
) -> Finding | None:
    # A review counts until it is more than 365 days old (the issue's counting: "more than N
    # days" from day N + 1), so the window opens 365 days before `on`; one held a day earlier
    # has slipped out, and the duty fires until the next review with the parents is recorded.
    window_start = on - FEWER_THAN_THREE_WINDOW
    if since > window_start:
        return None
    in_window = [r for r in reviews if r.held_on >= window_start]
    counted = [r for r in in_window if r.parent_attendance in PARENTS_TOOK_PART]
    if len(counted) >= 3:
        return None
    held = len(in_window)
    return Finding(
        due=on,
        code="FEWER_THAN_THREE_REVIEWS",
        upn=pupil.upn,
        severity=BREACH,
        reason=(
            f"{len(counted)} of {held} reviews since {_d(window_start)} had the parents present "
            "or contributing; the Code asks for at least three a year"
        ),
        rule=RULES["FEWER_THAN_THREE_REVIEWS"],
    )


def _no_smart_targets(pupil: PupilRecords, on: date, cycle: Cycle | None) -> Finding | None:
    plan = cycle.plan if cycle else None
    if plan is None or plan.parents_agreed_on is None or plan.parents_agreed_on > on:
        return None
    if any(t.is_complete for t in plan.targets):
        return None
    return Finding(
        due=plan.parents_agreed_on,
        code="NO_SMART_TARGETS",
        upn=pupil.upn,
        severity=BREACH,
        reason=(
            f"the plan agreed {_d(plan.parents_agreed_on)} has {len(plan.targets)} targets and "
            "none with all four of a baseline, a measure, a target value and a date"
        ),
        rule=RULES["NO_SMART_TARGETS"],
    )


def _record_not_shared(
    pupil: PupilRecords, on: date, soon: timedelta, reviews: list[Review]
) -> Iterator[Finding]:
    for review in reviews:
        shared = review.given_to_parents_on
        if shared is not None and shared <= on:
            continue
        due = review.held_on + timedelta(days=14)
        found = _finding(
            "RECORD_NOT_SHARED",
            pupil.upn,
            due,
            on,
            f"review held {_d(review.held_on)}; its record has not been given to the parents "
            f"(due by {_d(due)})",
            soon=soon,
        )
        if found:
            yield found


def _specialist_not_involved(
    pupil: PupilRecords, on: date, reviews: list[Review]
) -> Finding | None:
    if len(reviews) < 2:
        return None
    first, second = reviews[-2], reviews[-1]
    if {first.overall_progress, second.overall_progress} != {LITTLE_OR_NO_PROGRESS}:
        return None
    if any(first.held_on <= s.on <= on for s in pupil.specialists):
        return None
    return Finding(
        due=second.held_on,
        code="SPECIALIST_NOT_INVOLVED",
        upn=pupil.upn,
        severity=BREACH,
        reason=(
            f"the reviews of {_d(first.held_on)} and {_d(second.held_on)} both found little or "
            "no progress; no specialist involvement recorded since the first"
        ),
        rule=RULES["SPECIALIST_NOT_INVOLVED"],
    )


def sen_support_findings(pupil: PupilRecords, on: date, soon: timedelta = SOON) -> list[Finding]:
    """The SEN support duties for one pupil on `on`. Off the register, only the parents'
    notification of the removal (or of any earlier change) still stands."""
    entries = _entries(pupil, on)  # sorted once, read by both
    found: list[Finding | None] = list(_parents_not_notified(pupil, on, soon, entries))
    since = _on_register_since(pupil, on, entries)
    if since is not None:
        # The open cycle and the completed reviews, found once and read by each duty.
        cycle = _open_cycle(pupil, on)
        reviews = _completed_reviews(pupil, on)
        found += [
            _plan_missing(pupil, since, on, soon, cycle),
            _review_overdue(pupil, on, soon, cycle, reviews),
            _fewer_than_three(pupil, since, on, reviews),
            _no_smart_targets(pupil, on, cycle),
            _specialist_not_involved(pupil, on, reviews),
            *_record_not_shared(pupil, on, soon, reviews),
        ]
    return [f for f in found if f is not None]


# --- EHC needs assessments and plans -------------------------------------------------------------


def _excepted(found: Finding | None, request: EHCRequest) -> Finding | None:
    """A reg 10(4) exception keeps the finding, as info, and it is not a breach."""
    if found is None or request.exception is None:
        return found
    text = EXCEPTIONS.get(request.exception, request.exception)
    return Finding(
        due=found.due,
        code=found.code,
        upn=found.upn,
        severity=INFO,
        reason=found.reason,
        rule=found.rule,
        exception=text,
    )


def _request_findings(
    upn: str, request: EHCRequest, on: date, soon: timedelta = SOON
) -> Iterator[Finding | None]:
    asked = request.requested_on
    decided = request.assessment_decided_on
    if decided is None or decided > on:
        due = weeks_after(asked, 6)
        yield _finding(
            "EHCNA_DECISION_OVERDUE",
            upn,
            due,
            on,
            f"assessment requested {_d(asked)}; no decision yet (due by {_d(due)}, 6 weeks after)",
            soon=soon,
        )
        return
    if not request.assessment_agreed:
        return
    outcome = [d for d in (request.not_to_issue_on, request.draft_issued_on) if d and d <= on]
    if not outcome:
        due = weeks_after(asked, 16)
        yield _finding(
            "EHCP_NOT_ISSUE_DECISION_OVERDUE",
            upn,
            due,
            on,
            f"assessment agreed {_d(decided)} on a request of {_d(asked)}; neither a draft plan "
            f"nor a decision not to issue (due by {_d(due)}, 16 weeks after the request)",
            soon=soon,
        )
    not_issuing = request.not_to_issue_on is not None and request.not_to_issue_on <= on
    final = request.final_issued_on is not None and request.final_issued_on <= on
    if not not_issuing and not final:
        due = weeks_after(asked, 20)
        yield _finding(
            "EHCP_FINAL_OVERDUE",
            upn,
            due,
            on,
            f"assessment requested {_d(asked)}; no final plan yet (due by {_d(due)}, 20 weeks "
            "after the request)",
            soon=soon,
        )


def _last_review_meeting(plan: EHCPlan, on: date) -> AnnualReview | None:
    held = [r for r in plan.reviews if r.meeting_on <= on]
    return max(held, key=lambda r: r.meeting_on, default=None)


def _annual_review(upn: str, plan: EHCPlan, on: date, soon: timedelta = SOON) -> Finding | None:
    last = _last_review_meeting(plan, on)
    since = last.meeting_on if last else plan.issued_on
    due = add_months(since, 12)
    what = f"last annual review meeting {_d(since)}" if last else f"plan issued {_d(since)}"
    reason = f"{what}; the next annual review is due by {_d(due)}"
    if on > due:
        return _finding("ANNUAL_REVIEW_OVERDUE", upn, due, on, reason, soon=soon)
    return _finding(
        "ANNUAL_REVIEW_DUE", upn, due, on, reason, soon=max(soon, ANNUAL_REVIEW_WARNING)
    )


def _after_review(
    upn: str, review: AnnualReview, on: date, soon: timedelta = SOON
) -> Iterator[Finding | None]:
    met = review.meeting_on
    decided = review.decision is not None and review.decision_on is not None
    if not decided or (review.decision_on is not None and review.decision_on > on):
        due = weeks_after(met, 4)
        yield _finding(
            "REVIEW_DECISION_OVERDUE",
            upn,
            due,
            on,
            f"annual review meeting {_d(met)}; no LA decision yet (due by {_d(due)}, 4 weeks "
            "after)",
            soon=soon,
        )
    elif review.decision == "amend" and (
        review.amended_final_on is None or review.amended_final_on > on
    ):
        due = weeks_after(met, 12)
        yield _finding(
            "AMENDED_PLAN_OVERDUE",
            upn,
            due,
            on,
            f"annual review meeting {_d(met)} decided to amend the plan; no final amended plan "
            f"(due by {_d(due)}, 12 weeks after the meeting)",
            soon=soon,
        )


def transfer_deadline(phase: str, nc_year: str, on: date) -> date | None:
    """The reg 18 deadline when a pupil in this school year moves phase next September: 15
    February of the transfer year, 31 March from secondary to post-16; None if not moving."""
    if LAST_YEAR_OF_PHASE.get(phase) != nc_year:
        return None
    transfer_year = school_year_start(on) + 1
    if nc_year == "11":
        return date(transfer_year, 3, 31)
    return date(transfer_year, 2, 15)


def _phase_transfer(
    upn: str, phase: str, nc_year: str, plan: EHCPlan, on: date, soon: timedelta = SOON
) -> Finding | None:
    deadline = transfer_deadline(phase, nc_year, on)
    if deadline is None:
        return None
    year_began = date(school_year_start(on), 9, 1)
    # The amended plan naming the next setting resolves it once final (a late one too, as a late
    # final plan resolves EHCP_FINAL_OVERDUE): from an annual review that named the setting, or
    # the phase transfer's own final date.
    done = any(
        r.names_next_setting
        and r.amended_final_on is not None
        and year_began - timedelta(days=365) <= r.amended_final_on <= on
        for r in plan.reviews
    ) or any(
        t.final_on is not None and t.transfer_on.year == deadline.year and t.final_on <= on
        for t in plan.transfers
    )
    if done:
        return None
    return _finding(
        "PHASE_TRANSFER_OVERDUE",
        upn,
        deadline,
        on,
        f"moves phase in September {deadline.year} (Year {nc_year}); the amended plan naming "
        f"the next setting must be final by {_d(deadline)}",
        soon=max(soon, ANNUAL_REVIEW_WARNING),
    )


def ehc_findings(
    pupil: PupilRecords, phase: str, on: date, soon: timedelta = SOON
) -> list[Finding]:
    """The EHC clocks for one pupil on `on`."""
    found: list[Finding | None] = []
    for request in pupil.ehc_requests:
        if request.requested_on <= on:
            found += [
                _excepted(f, request) for f in _request_findings(pupil.upn, request, on, soon)
            ]
    for plan in pupil.ehc_plans:
        if plan.issued_on > on or (plan.ceased_on is not None and plan.ceased_on <= on):
            continue
        found.append(_annual_review(pupil.upn, plan, on, soon))
        for review in plan.reviews:
            if review.meeting_on <= on:
                found += list(_after_review(pupil.upn, review, on, soon))
        found.append(_phase_transfer(pupil.upn, phase, pupil.nc_year, plan, on, soon))
    return [f for f in found if f is not None]


# --- the school ----------------------------------------------------------------------------------


def _information_report(
    report: InformationReport | None, on: date, soon: timedelta = SOON
) -> Finding | None:
    if report is None:
        return None
    if report.published_on is None:
        return Finding(
            due=on,
            code="SEN_INFORMATION_REPORT_STALE",
            upn=None,
            severity=BREACH,
            reason="no publication of the SEN information report is recorded",
            rule=RULES["SEN_INFORMATION_REPORT_STALE"],
        )
    due = add_months(report.published_on, 12)
    return _finding(
        "SEN_INFORMATION_REPORT_STALE",
        None,
        due,
        on,
        f"the SEN information report was last published {_d(report.published_on)}; it is due "
        f"for review by {_d(due)}",
        soon=soon,
    )


def findings(school: SchoolRecords, on: date, soon: timedelta = SOON) -> list[Finding]:
    """Every finding for the school on `on`, in a stable order: due date, code, UPN. A duty
    shows as due soon from `soon` before its date (the reminders look further ahead)."""
    found: list[Finding] = []
    for pupil in school.pupils:
        found += sen_support_findings(pupil, on, soon)
        found += ehc_findings(pupil, school.phase, on, soon)
    report = _information_report(school.information_report, on, soon)
    if report:
        found.append(report)
    return sorted(found, key=lambda f: (f.due, f.code, f.upn or "", f.reason))


def counts(found: Iterable[Finding]) -> dict[str, dict[str, int]]:
    """{code: {severity: n}} for every code, zeros included."""
    table = {code: dict.fromkeys(SEVERITIES, 0) for code in CODES}
    for f in found:
        table[f.code][f.severity] += 1
    return table


def breaches(found: Sequence[Finding]) -> list[Finding]:
    """The findings counted as breaches: an excepted one (info) is not."""
    return [f for f in found if f.is_breach]


@dataclass(frozen=True)
class ProgressOffer:
    """What the assessment data offers the specialist-involvement check (issue 18): a pupil on
    the register whose data shows little or no progress in `subjects` in each of their latest
    two cycles, with no specialist involvement recorded since the first of them opened (`since`).
    Not a finding: SPECIALIST_NOT_INVOLVED reads the reviews' own judgement (Code 6.58)."""

    upn: str
    subjects: tuple[str, ...]
    since: date


def progress_offers(
    records: SchoolRecords,
    little: Mapping[str, Sequence[str]],
    found: Iterable[Finding],
    on: date,
) -> list[ProgressOffer]:
    """The offers for the pupils in `little` (UPN -> subjects, statutory.inputs
    .little_or_no_progress), leaving out a pupil already found SPECIALIST_NOT_INVOLVED."""
    already = {f.upn for f in found if f.code == "SPECIALIST_NOT_INVOLVED"}
    out = []
    for pupil in records.pupils:
        subjects = little.get(pupil.upn)
        if not subjects or pupil.upn in already:
            continue
        cycles = sorted((c for c in pupil.cycles if c.opened_on <= on), key=lambda c: c.number)
        if len(cycles) < 2:
            continue
        since = cycles[-2].opened_on
        if any(since <= s.on <= on for s in pupil.specialists):
            continue
        out.append(ProgressOffer(pupil.upn, tuple(subjects), since))
    return sorted(out, key=lambda o: o.upn)
