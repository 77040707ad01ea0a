"""The inspection case trace (Ofsted's inclusion area, standards.md §7.2): one pupil traced from
identification through needs, each assess-plan-do-review cycle with its targets and outcomes,
adaptations, provision with attendance, fidelity and impact, specialists, the family's
involvement, and what changed. Every line carries the link to its record. A fixed number of
queries per pupil (prefetches)."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse

from duties.models import PlanAnnualReview, SupportLayer
from provision.models import Enrolment, Measure, Session, SessionAttendance
from pupils import census
from pupils.models import Pupil
from statutory.inputs import SPECIALIST_SOURCES
from statutory.models import EHCPlan
from support.models import Cycle, Review, ViewSource


@dataclass
class Line:
    on: date | None
    text: str
    href: str


@dataclass
class CycleTrace:
    cycle: Cycle
    href: str
    targets: list[dict[str, Any]] = field(default_factory=list)
    review: Review | None = None
    adaptations: str = ""


@dataclass
class ProvisionTrace:
    enrolment: Enrolment
    href: str
    attended: int
    marked: int
    delivered: int
    sessions: int
    entry: str
    exit: str

    @property
    def attendance_percent(self) -> int | None:
        return round(self.attended / self.marked * 100) if self.marked else None

    @property
    def fidelity_percent(self) -> int | None:
        return round(self.delivered / self.sessions * 100) if self.sessions else None


@dataclass
class Trace:
    pupil: Pupil
    href: str
    identification: list[Line]
    needs: list[Line]
    register: list[Line]
    layers: list[Line]
    cycles: list[CycleTrace]
    provision: list[ProvisionTrace]
    specialists: list[Line]
    family: list[Line]
    changes: list[Line]
    ehc: list[Line]


def _pupil(pk: int) -> Pupil:
    cycles = Cycle.objects.select_related("plan", "review", "concern").prefetch_related(
        "plan__targets__ratings", "views", "amendments"
    )
    return (
        Pupil.objects.select_related("school")
        .prefetch_related(
            "concerns",
            "needs",
            "register_entries",
            Prefetch("cycles", queryset=cycles.order_by("number")),
            Prefetch("support_layers", queryset=SupportLayer.objects.order_by("start_date")),
            Prefetch("plan_annual_reviews", queryset=PlanAnnualReview.objects.all()),
            Prefetch("ehc_plans", queryset=EHCPlan.objects.prefetch_related("reviews")),
        )
        .get(pk=pk)
    )


def _provision(pupil: Pupil) -> list[ProvisionTrace]:
    enrolments = list(
        Enrolment.objects.filter(pupil=pupil).select_related("provision__intervention")
    )
    ids = [e.provision_id for e in enrolments]
    marks: dict[int, list[bool]] = {}
    for provision_id, present in SessionAttendance.objects.filter(
        pupil=pupil, session__provision_id__in=ids
    ).values_list("session__provision_id", "present"):
        marks.setdefault(provision_id, []).append(present)
    held: dict[int, list[bool]] = {}
    for provision_id, delivered in Session.objects.filter(provision_id__in=ids).values_list(
        "provision_id", "delivered"
    ):
        held.setdefault(provision_id, []).append(delivered)
    measures: dict[int, dict[str, str]] = {}
    for enrolment_id, kind, name, value in Measure.objects.filter(
        enrolment__in=enrolments
    ).values_list("enrolment_id", "kind", "name", "value"):
        measures.setdefault(enrolment_id, {})[kind] = f"{name} {value}".strip()
    out = []
    for e in enrolments:
        m, s = marks.get(e.provision_id, []), held.get(e.provision_id, [])
        out.append(
            ProvisionTrace(
                enrolment=e,
                href=reverse("provision_detail", args=[e.provision_id]),
                attended=sum(m),
                marked=len(m),
                delivered=sum(s),
                sessions=len(s),
                entry=measures.get(e.pk, {}).get("entry", ""),
                exit=measures.get(e.pk, {}).get("exit", ""),
            )
        )
    return out


def trace(pk: int) -> Trace:
    """The case trace of one pupil (the caller has checked reach)."""
    pupil = _pupil(pk)
    record = reverse("pupil_detail", args=[pupil.pk])
    identification = [
        Line(c.raised_on, f"Concern raised by {c.get_source_display().lower()}"
             f"{' (' + c.raised_by_name + ')' if c.raised_by_name else ''} about "
             f"{census.BROAD_AREA_LABELS.get(c.area, c.area).lower()}: {c.what_was_seen}"
             f"{'; decided: ' + c.get_outcome_display() if c.outcome else ''}",
             reverse("concern_decide", args=[c.pk]))
        for c in sorted(pupil.concerns.all(), key=lambda c: c.raised_on)
    ]  # fmt: skip
    register = [
        Line(e.start_date, f"{census.SEN_PROVISION_LABELS.get(e.provision, e.provision)} from "
             f"{e.start_date:%-d %B %Y}{' to ' + format(e.end_date, '%-d %B %Y') if e.end_date else ''}"
             f", decided by {e.decided_by_name or 'the SENCo'}"
             f"{'; parents told ' + format(e.parents_informed_on, '%-d %B %Y') if e.parents_informed_on else ''}",
             record)
        for e in sorted(pupil.register_entries.all(), key=lambda e: e.start_date)
    ]  # fmt: skip
    needs = [
        Line(n.start_date, f"{'Primary' if n.rank == 1 else 'Secondary'} need: "
             f"{census.SEN_TYPE_LABELS.get(n.need_type, n.need_type)} from {n.start_date:%-d %B %Y}"
             f"{' to ' + format(n.end_date, '%-d %B %Y') if n.end_date else ''}", record)
        for n in sorted(pupil.needs.all(), key=lambda n: (n.start_date, n.rank))
    ]  # fmt: skip
    layers = [
        Line(lay.start_date, f"{lay.get_layer_display()} from {lay.start_date:%-d %B %Y}",
             reverse("duties_layer", args=[pupil.pk]))
        for lay in pupil.support_layers.all()  # type: ignore[attr-defined]
    ]  # fmt: skip
    cycles, specialists, family, changes = [], [], [], []
    for c in pupil.cycles.all():
        href = reverse("cycle_detail", args=[c.pk])
        ct = CycleTrace(cycle=c, href=href)
        plan = getattr(c, "plan", None)
        if plan is not None:
            ct.adaptations = plan.adjustments
            for t in plan.targets.all():
                ratings = list(t.ratings.all())
                ct.targets.append(
                    {"target": t, "outcome": ratings[-1].get_outcome_display() if ratings else ""}
                )
            if plan.parents_agreed_on:
                family.append(
                    Line(
                        plan.parents_agreed_on, f"Parents agreed the plan of cycle {c.number}", href
                    )
                )
        review = getattr(c, "review", None)
        ct.review = review
        if review is not None:
            family.append(
                Line(
                    review.held_on,
                    f"Review of cycle {c.number}: parents "
                    f"{review.get_parent_attendance_display().lower()}",
                    href,
                )
            )
            changes.append(
                Line(
                    review.held_on,
                    f"Cycle {c.number} review: "
                    f"{review.get_overall_progress_display().lower()} progress; "
                    f"decision: {review.get_decision_display().lower()}"
                    f"{'. ' + review.decision_notes if review.decision_notes else ''}",
                    href,
                )
            )
        for v in c.views.all():
            if v.source in SPECIALIST_SOURCES:
                specialists.append(
                    Line(v.given_on, f"{v.get_source_display()} ({v.given_by})", href)
                )
            elif v.source in (ViewSource.PARENT, ViewSource.PUPIL):
                family.append(Line(v.given_on, f"{v.get_source_display()}'s views given", href))
        for a in c.amendments.all():
            changes.append(Line(a.made_at.date(), f"Plan amended ({a.what}): {a.reason}", href))
        cycles.append(ct)
    for r in pupil.plan_annual_reviews.all():  # type: ignore[attr-defined]
        changes.append(
            Line(
                r.held_on,
                f"Annual review of the whole plan: {r.what_changes or r.what_is_working}",
                reverse("duties_layer", args=[pupil.pk]),
            )
        )
    ehc = [
        Line(p.issue_date, f"EHC plan issued {p.issue_date:%-d %B %Y}", reverse("ehc_plan", args=[p.pk]))
        for p in pupil.ehc_plans.all()
    ]  # fmt: skip
    key = lambda line: line.on or date.min  # noqa: E731
    return Trace(
        pupil=pupil, href=record, identification=identification, needs=needs,
        register=register, layers=layers, cycles=cycles, provision=_provision(pupil),
        specialists=sorted(specialists, key=key), family=sorted(family, key=key),
        changes=sorted(changes, key=key), ehc=ehc,
    )  # fmt: skip
