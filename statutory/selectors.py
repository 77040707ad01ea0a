"""Reads of EHC casework with their clocks, for the pages (the API has its own schemas)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from pupils.models import Pupil
from statutory import clocks
from statutory.models import AnnualReview, EHCPlan, EHCRequest
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
    limits: list[Limit] = []
    if plan.cease_date is None:  # a ceased plan has no next review
        due = plan.review_due()
        limits.append(
            Limit("Next annual review", "reg 20", due, None, clocks.clock(due, None, today))
        )
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
    return requests.select_related("pupil__school", "caseworker").prefetch_related(
        "exceptions", "plan"
    )


def casework_plans(plans: QuerySet[EHCPlan]) -> QuerySet[EHCPlan]:
    return plans.select_related("pupil__school", "caseworker").prefetch_related(
        "reviews", "transfers"
    )


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
        version.changes = changes  # type: ignore[attr-defined]
        version.changed_sections = [c.key for c in changes]  # type: ignore[attr-defined]
    return versions


def review_limits(review: AnnualReview, today: date) -> list[Limit]:
    """An annual review's time limits: notice and advice 2 weeks before the meeting (reg 20(3)),
    the school's report 2 weeks after (reg 20(7)), the LA's decision 4 weeks after (reg 20(10)),
    and for amend the final amended plan 12 weeks after (reg 22)."""
    meeting = review.meeting_date
    invitations = list(review.invitations.all())
    notice = clocks.review_notice_due(meeting)
    sent = max((i.invited_date for i in invitations), default=None)
    limits = [Limit("Invitations sent (2 weeks' notice)", "reg 20(3)(b)", notice, sent,
                    clocks.clock(notice, sent, today))]  # fmt: skip
    asked = [i for i in invitations if i.advice_requested]
    if asked:
        waiting = [i for i in asked if i.advice_received_date is None]
        last = None if waiting else max(i.advice_received_date for i in asked)  # type: ignore[type-var]
        limits.append(Limit("Advice received and circulated", "reg 20(3)(a)", notice, last,
                            clocks.clock(notice, last, today)))  # fmt: skip
    report = clocks.review_report_due(meeting)
    limits.append(Limit("School's report sent to the LA", "reg 20(7)", report,
                        review.report_sent_date, clocks.clock(report, review.report_sent_date,
                                                              today)))  # fmt: skip
    decision = clocks.review_decision_due(meeting)
    limits.append(Limit("LA decision", "reg 20(10)", decision, review.decision_date,
                        clocks.clock(decision, review.decision_date, today)))  # fmt: skip
    if review.outcome == "A":
        amended = clocks.amended_plan_due(meeting)
        limits.append(Limit("Final amended plan", "reg 22", amended, review.amended_plan_date,
                            clocks.clock(amended, review.amended_plan_date, today)))  # fmt: skip
    return limits


def amending_review(plan: EHCPlan) -> AnnualReview | None:
    """The review whose decision to amend made the current version (None for the first)."""
    if not plan.amendment:
        return None
    last = plan.versions.select_related("replaced_by").order_by("-number").first()
    return last.replaced_by if last is not None else None


def request_stage(ehc: EHCRequest) -> str:
    """Where a request stands, as one word the parents' page explains: deciding, refused,
    withdrawn, assessing, no_plan, draft, final_due (a plan to be issued, no draft yet), issued."""
    if ehc.decision == "W" or ehc.assessment_outcome == "W":
        return "withdrawn"
    if ehc.decision == "A":
        return "deciding"
    if ehc.decision == "N":
        return "refused"
    if ehc.final_plan_date is not None:
        return "issued"
    if ehc.assessment_outcome == "N":
        return "no_plan"
    if ehc.assessment_outcome in ("Y", "H"):
        return "draft" if ehc.draft_plan_date else "final_due"
    return "assessing"


@dataclass(frozen=True)
class FamilyPlan:
    limits: list[Limit]
    last_review: AnnualReview | None
    review_due: date
    amending: AnnualReview | None
    transfers: list[Any]


def family_plan(plan: EHCPlan, today: date) -> FamilyPlan:
    """What the parents' page says of a plan: its next review, the latest review's decision and
    amended plan, and any phase transfer, each with the date the law gives."""
    reviews = sorted(plan.reviews.all(), key=lambda r: r.meeting_date)
    return FamilyPlan(
        limits=plan_limits(plan, today),
        last_review=reviews[-1] if reviews else None,
        review_due=plan.review_due(),
        amending=amending_review(plan),
        transfers=list(plan.transfers.all()),
    )


# ---- F is in place; progress towards E -----------------------------------------------------------


@dataclass(frozen=True)
class ItemInPlace:
    """One section F item with the provision records that deliver it, to `today`."""

    item: Any
    provisions: list[tuple[Any, Any, bool]]  # (Provision, its Delivery, running today)

    @property
    def delivered(self) -> int:
        return sum(d.delivered for _p, d, _r in self.provisions)

    @property
    def planned(self) -> int:
        return sum(d.planned_to_date for _p, d, _r in self.provisions)

    @property
    def state(self) -> str:
        """ "none" (no provision delivers it), "running" (one is running today), "ended"."""
        if not self.provisions:
            return "none"
        return "running" if any(running for _p, _d, running in self.provisions) else "ended"


def f_in_place(plan: EHCPlan, today: date) -> list[ItemInPlace]:
    """Each F item with the provision linked to it, its sessions delivered against planned (to
    today): three queries whatever the number of items."""
    from provision import selectors as provision_selectors
    from provision.models import Provision

    items = list(plan.provision_items.order_by("position", "pk").prefetch_related("provisions"))
    ids = {p.pk for item in items for p in item.provisions.all()}
    delivery = provision_selectors.with_delivery(
        Provision.objects.filter(pk__in=ids).select_related("intervention"), today=today
    )
    by_pk = {p.pk: (p, d) for p, d in delivery}
    out = []
    for item in items:
        rows = []
        for p in sorted(item.provisions.all(), key=lambda p: (p.start_date, p.pk)):
            provision, figures = by_pk[p.pk]
            rows.append((provision, figures, provision.start_date <= today <= provision.end_date))
        out.append(ItemInPlace(item, rows))
    return out


@dataclass(frozen=True)
class TargetProgress:
    target: Any
    rating: Any  # the latest TargetRating up to the date asked, or None


@dataclass(frozen=True)
class OutcomeProgress:
    outcome: Any
    targets: list[TargetProgress]

    @property
    def summary(self) -> dict[str, int]:
        """How many linked targets were achieved, partly achieved, not achieved, not yet rated."""
        counts = {"achieved": 0, "partly_achieved": 0, "not_achieved": 0, "not_yet": 0}
        for t in self.targets:
            key = t.rating.outcome if t.rating else "not_yet"
            counts[key if key in counts else "not_yet"] += 1
        return counts


def e_progress(plan: EHCPlan, *, up_to: date) -> list[OutcomeProgress]:
    """Each E outcome with the school's plan targets linked to it and, for each, its latest
    rating at a review held on or before `up_to` (its outcome: achieved, partly, not achieved)."""
    from django.db.models import Prefetch

    from support.models import Target, TargetRating

    ratings = TargetRating.objects.filter(review__held_on__lte=up_to).select_related("review")
    outcomes = list(
        plan.outcomes.order_by("position", "pk").prefetch_related(
            Prefetch(
                "targets",
                Target.objects.select_related("plan__cycle").prefetch_related(
                    Prefetch("ratings", ratings, to_attr="rated")
                ),
            )
        )
    )
    out = []
    for outcome in outcomes:
        rows = []
        for target in sorted(outcome.targets.all(), key=lambda t: (t.plan.plan_date, t.pk)):
            rated = target.rated  # type: ignore[attr-defined]
            latest = max(rated, key=lambda r: (r.review.held_on, r.pk), default=None)
            rows.append(TargetProgress(target, latest))
        out.append(OutcomeProgress(outcome, rows))
    return out


# ---- the LA's figures beside England's -------------------------------------------------------------


def la_figures(la_ids: list[int], year: int) -> Any:
    """The LAs' figures for a calendar year (statutory.figures), in three queries."""
    from statutory import figures

    requests = (
        EHCRequest.objects.filter(la_id__in=la_ids)
        .filter(
            Q(received_date__year=year)
            | Q(decision_date__year=year)
            | Q(final_plan_date__year=year)
        )
        .prefetch_related("exceptions")
    )
    facts = [
        figures.RequestFact(
            received=r.received_date,
            decided=r.decision_date if r.decision in ("Y", "N") else None,
            plan_issued=r.final_plan_date,
            exception_applied=clocks.week20_exceptions_apply(r.received_date, r.clock_exceptions()),
        )
        for r in requests
    ]
    reviews = AnnualReview.objects.filter(plan__la_id__in=la_ids, decision_date__year=year)
    review_facts = [
        figures.ReviewFact(meeting=m, decided=d)
        for m, d in reviews.values_list("meeting_date", "decision_date")
    ]
    return figures.la_figures(year, facts, review_facts)
