"""Reads for the graduated approach: everything the cycle page and the pupil record show, in a
fixed number of queries whatever the number of cycles, targets or notes."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from pupils.models import Pupil
from support import rules, smart
from support.models import (
    Attachment,
    Concern,
    Cycle,
    DoNote,
    Passport,
    Plan,
    Review,
    SpecialistInvolvement,
    Target,
    TargetRating,
)


def cycle_record(cycles: QuerySet[Cycle]) -> QuerySet[Cycle]:
    return cycles.select_related("pupil__school", "plan", "review", "concern").prefetch_related(
        Prefetch(
            "plan__targets",
            queryset=Target.objects.select_related("carried_from")
            .prefetch_related("provisions")
            .order_by("position", "pk"),
        ),
        Prefetch("review__ratings", queryset=TargetRating.objects.select_related("target")),
        "views",
        Prefetch("notes", queryset=DoNote.objects.select_related("author")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        "amendments",
    )


def plan_of(cycle: Cycle) -> Plan | None:
    try:
        return cycle.plan
    except Plan.DoesNotExist:
        return None


def review_of(cycle: Cycle) -> Review | None:
    try:
        return cycle.review
    except Review.DoesNotExist:
        return None


def targets_with_warnings(plan: Plan | None) -> list[dict[str, Any]]:
    if plan is None:
        return []
    return [
        {
            "target": t,
            "warnings": smart.check_target(
                description=t.description,
                baseline=t.baseline,
                measure=t.measure,
                target_value=t.target_value,
                target_date=t.target_date,
                review_date=plan.review_date,
            ),
        }
        for t in plan.targets.all()
    ]


def pupil_support(pupil: Pupil) -> dict[str, Any]:
    """The pupil record's support section: the open cycle and its plan at the top, every cycle,
    concerns, documents and the passport. Four queries (five unless the pupil was read with
    the passport, as pupil_record does)."""
    cycles: list[Cycle] = list(
        Cycle.objects.filter(pupil=pupil)
        .select_related("plan", "review")
        .prefetch_related(
            Prefetch("plan__targets", queryset=Target.objects.order_by("position", "pk"))
        )
        # Met means achieved (issue 13): counted in the same query.
        .annotate(
            targets_rated=Count("review__ratings"),
            targets_achieved=Count(
                "review__ratings", filter=Q(review__ratings__outcome=rules.ACHIEVED)
            ),
        )
        .order_by("-number")
    )
    current = next((c for c in cycles if not c.is_locked), None)
    concerns = list(
        Concern.objects.filter(pupil=pupil)
        .select_related("decided_by")
        .order_by("-raised_on", "-pk")
    )
    attachments = list(Attachment.objects.filter(pupil=pupil).select_related("uploaded_by"))
    specialists = list(pupil_specialists(pupil))
    # The pupil record reads the passport with the pupil (pupils.selectors.pupil_record).
    try:
        passport: Passport | None = pupil.passport  # type: ignore[attr-defined]
    except Passport.DoesNotExist:
        passport = None
    return {
        "cycles": cycles,
        "current_cycle": current,
        "current_plan": plan_of(current) if current else None,
        "concerns": concerns,
        "open_concerns": [c for c in concerns if c.is_open],
        "attachments": attachments,
        "passport": passport,
        "specialists": specialists,
        "events": _events(cycles, concerns),
    }


def pupil_targets(pupil: Pupil) -> QuerySet[Target]:
    """Every target of the pupil's plans, newest cycle first (to link a specialist's advice)."""
    return (
        Target.objects.filter(plan__cycle__pupil=pupil)
        .select_related("plan__cycle")
        .order_by("-plan__cycle__number", "position", "pk")
    )


def pupil_specialists(pupil: Pupil) -> QuerySet[SpecialistInvolvement]:
    """The pupil's specialists, newest first, with the advice document and the linked targets
    (three queries)."""
    return (
        SpecialistInvolvement.objects.filter(pupil=pupil)
        .select_related("advice")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.select_related("plan__cycle"))
        )
    )


def _events(cycles: list[Cycle], concerns: list[Concern]) -> list[dict[str, Any]]:
    """Timeline events for concerns, cycles and reviews (merged with the register history)."""
    events: list[dict[str, Any]] = []
    for concern in concerns:
        events.append({"date": concern.raised_on, "kind": "concern", "concern": concern})
        if concern.decided_on:
            events.append(
                {"date": concern.decided_on, "kind": "concern_decided", "concern": concern}
            )
    for cycle in cycles:
        events.append({"date": cycle.opened_on, "kind": "cycle_opened", "cycle": cycle})
        review = review_of(cycle)
        if review is not None:
            events.append(
                {
                    "date": review.held_on,
                    "kind": "review",
                    "cycle": cycle,
                    "review": review,
                    "targets_rated": getattr(cycle, "targets_rated", None),
                    "targets_achieved": getattr(cycle, "targets_achieved", None),
                }
            )
    return events
