"""Reads of EHC casework with their clocks, for the pages (the API has its own schemas)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from pupils.models import Pupil
from statutory import clocks
from statutory.models import EHCPlan, EHCRequest
from statutory.services import PLAN_SECTIONS


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


SECTION_LABELS = {
    "a_views": "A: views, interests and aspirations",
    "b_needs": "B: special educational needs",
    "c_health": "C: health care needs",
    "d_social_care": "D: social care needs",
    "e": "E: outcomes",
    "f": "F: special educational provision",
    "g_health_provision": "G: health care provision",
    "h1_social_care": "H1: social care provision (CSDPA 1970 s.2)",
    "h2_social_care": "H2: other social care provision",
    "i_placement": "I: placement",
    "i_urn": "I: URN of the placement",
    "i_setting": "I: setting without a URN",
    "j_personal_budget": "J: personal budget",
    "j_direct_payments": "J: direct payments",
    "k_advice": "K: advice and information",
}


@dataclass(frozen=True)
class SectionChange:
    key: str
    label: str
    before: str
    after: str


def _content(sections: dict[str, str], outcomes: list[str], items: list[str]) -> dict[str, str]:
    return {**sections, "e": "\n".join(outcomes), "f": "\n".join(items)}


def current_content(plan: EHCPlan) -> dict[str, str]:
    """The current version's sections (E and F one item a line), as a PlanVersion keeps them."""
    return _content(
        {f: getattr(plan, f) for f in PLAN_SECTIONS},
        [o.description for o in plan.outcomes.all()],
        [p.description for p in plan.provision_items.all()],
    )


def plan_versions(plan: EHCPlan) -> list[Any]:
    """The versions an amendment replaced, oldest first, each with `changes`: what the version
    after it (the next kept one, or the current plan) changed, section by section."""
    versions = list(plan.versions.select_related("replaced_by").order_by("number"))
    contents = [_content(v.sections, v.outcomes, v.provision_items) for v in versions]
    contents.append(current_content(plan))
    for i, version in enumerate(versions):
        before, after = contents[i], contents[i + 1]
        changes = [
            SectionChange(key, label, before.get(key, ""), after.get(key, ""))
            for key, label in SECTION_LABELS.items()
            if before.get(key, "") != after.get(key, "")
        ]
        version.changes = changes
        version.changed_sections = [c.key for c in changes]
    return versions
