"""Reads of EHC casework with their clocks, for the pages (the API has its own schemas)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from pupils.models import Pupil
from statutory import clocks
from statutory.models import EHCPlan, EHCRequest


@dataclass(frozen=True)
class Limit:
    name: str
    regulation: str
    due: date
    done: date | None
    state: clocks.Clock

    @property
    def label(self) -> str:
        return clocks.CLOCK_LABELS[self.state]


def request_limits(ehc: EHCRequest, today: date) -> list[Limit]:
    """The request's clocks: the 6-week decision, 16-week notice not to issue (when it was not),
    20-week final plan; each moved on by the reg 10(4) exceptions."""
    found = ehc.clock_exceptions()
    decided = ehc.decision_date if ehc.decision != "A" else None
    due6 = clocks.decision_due(ehc.received_date, found)
    limits = [Limit("Decision whether to assess", "reg 5(1)", due6, decided,
                    clocks.clock(due6, decided, today))]  # fmt: skip
    if ehc.decision in ("N", "W"):
        return limits
    if ehc.assessment_outcome == "N":
        due16 = clocks.not_to_issue_due(ehc.received_date, found)
        done = ehc.assessment_outcome_date
        limits.append(Limit("Notice that no plan will be issued", "reg 10(1)", due16, done,
                            clocks.clock(due16, done, today)))  # fmt: skip
        return limits
    due20 = clocks.final_plan_due(ehc.received_date, found)
    limits.append(Limit("Final EHC plan", "reg 13(2)", due20, ehc.final_plan_date,
                        clocks.clock(due20, ehc.final_plan_date, today)))  # fmt: skip
    return limits


def plan_limits(plan: EHCPlan, today: date) -> list[Limit]:
    """The plan's next annual review (reg 20), and for the latest review its LA decision
    (4 weeks) and, when amending, its final amended plan (12 weeks)."""
    reviews = sorted(plan.reviews.all(), key=lambda r: r.meeting_date)
    due = plan.review_due()
    limits = [Limit("Next annual review", "reg 20", due, None, clocks.clock(due, None, today))]
    if reviews:
        last = reviews[-1]
        d = clocks.review_decision_due(last.meeting_date)
        limits.append(Limit("LA decision after the review", "reg 20(10)", d, last.decision_date,
                            clocks.clock(d, last.decision_date, today)))  # fmt: skip
        if last.outcome == "A":
            a = clocks.amended_plan_due(last.meeting_date)
            limits.append(Limit("Final amended plan", "reg 22", a, last.amended_plan_date,
                                clocks.clock(a, last.amended_plan_date, today)))  # fmt: skip
    for t in plan.transfers.all():
        limits.append(Limit(f"Phase transfer: {t.get_kind_display()}", "reg 18", t.due(),
                            t.final_date, clocks.clock(t.due(), t.final_date, today)))  # fmt: skip
    return limits


def casework_requests(requests: QuerySet[EHCRequest]) -> QuerySet[EHCRequest]:
    return requests.select_related("pupil__school").prefetch_related("exceptions", "plan")


def casework_plans(plans: QuerySet[EHCPlan]) -> QuerySet[EHCPlan]:
    return plans.select_related("pupil__school").prefetch_related("reviews", "transfers")


def pupil_ehc(
    pupil: Pupil, requests: QuerySet[EHCRequest], plans: QuerySet[EHCPlan]
) -> dict[str, Any]:
    """One pupil's requests and plans (from the caller's visible_* querysets), for the record."""
    return {
        "requests": list(casework_requests(requests.filter(pupil=pupil))),
        "plans": list(casework_plans(plans.filter(pupil=pupil))),
    }
