"""Writes of the graduated approach. Each is keyword-only, takes `by`, is atomic and audited;
validation failures raise ValidationError with field errors and write nothing.

A completed review locks its cycle: the only way to change a locked cycle is `cycle_amend`, with
a reason.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, TypedDict, cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Term as SchoolTerm
from accounts.models import User
from audit import log as audit
from audit.models import AuditAction
from audit.versions import check_version, next_version, version_errors
from pupils import census
from pupils import services as pupil_services
from pupils.models import Pupil, RegisterEntry
from support import rules, uploads
from support.models import (
    PASSPORT_FIELDS,
    PLAN_FIELDS,
    REVIEW_FIELDS,
    AssessmentView,
    Attachment,
    Concern,
    ConcernOutcome,
    Cycle,
    DoNote,
    OtherFactor,
    Passport,
    Plan,
    Review,
    SpecialistInvolvement,
    Target,
    TargetRating,
)

Errors = dict[str, list[str]]


def _entered(values: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The given values of a record's entered fields (support/models.py), in the model's order."""
    return {k: values[k] for k in fields if k in values}


def _fail(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _not_future(errors: Errors, field: str, day: date | None, what: str) -> None:
    if day is not None and day > timezone.localdate():
        errors.setdefault(field, []).append(f"{what} cannot be in the future.")


def _open(cycle: Cycle, errors: Errors) -> None:
    if cycle.is_locked:
        errors.setdefault("cycle", []).append(
            f"Cycle {cycle.number} was reviewed on {cycle.closed_on:%-d %B %Y} and is locked: change it with an amendment."
        )


def school_terms(pupil: Pupil, around: date) -> list[rules.Term]:
    """The pupil's school's terms from the one before `around` on, for review dates."""
    rows = SchoolTerm.objects.filter(
        school_year__school_id=pupil.school_id, end_date__gte=around
    ).order_by("start_date")
    return [rules.Term(t.start_date, t.end_date) for t in rows[:4]]


# --- concerns ---------------------------------------------------------------------------------


@transaction.atomic
def concern_raise(
    *,
    pupil: Pupil,
    source: str,
    raised_on: date,
    area: str,
    what_was_seen: str,
    evidence: str = "",
    raised_by_name: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> Concern:
    """Record a concern raised by a teacher, parent, the pupil or someone else."""
    errors: Errors = {}
    _not_future(errors, "raised_on", raised_on, "The date the concern was raised")
    if not what_was_seen.strip():
        errors["what_was_seen"] = ["Say what was seen or heard: it is what the decision rests on."]
    _fail(errors)
    concern = Concern(
        pupil=pupil,
        source=source,
        raised_on=raised_on,
        area=area,
        what_was_seen=what_was_seen.strip(),
        evidence=evidence.strip(),
        raised_by=by,
        raised_by_name=raised_by_name.strip() or by.get_full_name(),
    )
    concern.full_clean(validate_constraints=False)
    concern.save()
    audit.log(
        AuditAction.CREATE,
        by,
        concern,
        {"source": source, "area": area, "description": what_was_seen},
        request=request,
    )
    return concern


@transaction.atomic
def concern_decide(
    *,
    concern: Concern,
    outcome: str,
    decided_on: date,
    considered: str,
    other_factors: list[str] | None = None,
    early_help: bool = False,
    early_help_note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> Concern:
    """The SENCo's decision on a concern: monitor, start an assessment (opens a cycle), or
    explained by another factor (which, and any Early Help assessment). Seeds 000 and 003: slow
    progress is not by itself SEN, so the decision records what was considered."""
    errors: Errors = {}
    factors = list(dict.fromkeys(other_factors or []))
    # The state is checked on the row as locked now, not on the caller's copy: two decisions made
    # at the same moment queue here, and the second finds the first.
    caller_concern = concern
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.outcome:
        errors["outcome"] = ["This concern has already been decided."]
    if outcome not in ConcernOutcome.values:
        errors.setdefault("outcome", []).append("Choose what happens next.")
    _not_future(errors, "decided_on", decided_on, "The decision")
    if decided_on < concern.raised_on:
        errors.setdefault("decided_on", []).append(
            "The decision cannot be before the concern was raised."
        )
    if not considered.strip():
        errors["considered"] = [
            "Say what was considered: progress, attendance, language, health, circumstances."
        ]
    if outcome == ConcernOutcome.OTHER_FACTOR and not factors:
        errors["other_factors"] = ["Choose the factor or factors that explain it."]
    if any(f not in OtherFactor.values for f in factors):
        errors["other_factors"] = ["Choose from the list."]
    if early_help and not early_help_note.strip():
        errors["early_help_note"] = ["Say what Early Help or multi-agency support was arranged."]
    _fail(errors)
    concern.outcome = outcome
    concern.decided_on = decided_on
    concern.decided_by = by
    concern.considered = considered.strip()
    concern.other_factors = factors if outcome == ConcernOutcome.OTHER_FACTOR else []
    concern.early_help = early_help
    concern.early_help_note = early_help_note.strip()
    concern.save()
    caller_concern.refresh_from_db()  # keep the caller's object true
    audit.log(
        AuditAction.UPDATE,
        by,
        concern,
        {
            "outcome": outcome,
            "other_factors": ",".join(concern.other_factors),
            "early_help": early_help,
            "notes": considered,
        },
        request=request,
    )
    if outcome == ConcernOutcome.ASSESS:
        current = Cycle.objects.filter(pupil=concern.pupil, closed_on__isnull=True).first()
        if current is None:
            cycle_open(
                pupil=concern.pupil, opened_on=decided_on, concern=concern, by=by, request=request
            )
    return concern


# --- cycles -----------------------------------------------------------------------------------


@transaction.atomic
def cycle_open(
    *,
    pupil: Pupil,
    opened_on: date,
    by: User,
    concern: Concern | None = None,
    request: HttpRequest | None = None,
) -> Cycle:
    """Open the pupil's next numbered cycle. Refused while another is open."""
    errors: Errors = {}
    _not_future(errors, "opened_on", opened_on, "The start of the cycle")
    current = Cycle.objects.select_for_update().filter(pupil=pupil, closed_on__isnull=True).first()
    if current is not None:
        errors["cycle"] = [
            f"Cycle {current.number} is still open: review it before starting another."
        ]
    last = Cycle.objects.filter(pupil=pupil).aggregate(n=Max("number"), closed=Max("closed_on"))
    if last["closed"] and opened_on < last["closed"]:
        errors.setdefault("opened_on", []).append(
            "A new cycle cannot start before the last one was reviewed."
        )
    _fail(errors)
    cycle = Cycle(
        pupil=pupil, number=(last["n"] or 0) + 1, opened_on=opened_on, concern=concern, opened_by=by
    )
    try:
        with transaction.atomic():
            cycle.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"cycle": ["Another cycle was opened meanwhile; reload the page."]}
        ) from exc
    audit.log(
        AuditAction.CREATE,
        by,
        cycle,
        {"number": cycle.number, "opened_on": opened_on.isoformat()},
        request=request,
    )
    return cycle


class NeedsOnRemoval:
    """What a removal from the register does with the pupil's open needs."""

    END = "end"
    KEEP = "keep"
    CHOICES = (
        (END, "End them on the date of the decision"),
        (KEEP, "Keep them recorded (for example, the need is still monitored)"),
    )


@transaction.atomic
def register_decide(
    *,
    pupil: Pupil,
    provision: str,
    start_date: date,
    reason: str,
    by: User,
    need_type: str = "",
    closing_note: str = "",
    needs: str = NeedsOnRemoval.END,
    decided_by_name: str = "",
    request: HttpRequest | None = None,
) -> RegisterEntry:
    """A register decision (pupils.services.register_change) and what it means for the graduated
    approach. A removal (N) of a pupil on the register closes their open cycle on the date of the
    decision with `closing_note`, which the parents are given, and ends their open needs unless
    the SENCo keeps them (`needs="keep"`). So a pupil off the register never has an open cycle.

    This lives in support, not pupils, because it writes cycles: pupils is below support."""
    if provision != census.SENProvision.NO_SEN.value:
        return pupil_services.register_change_with_need(
            pupil=pupil,
            provision=provision,
            start_date=start_date,
            reason=reason,
            need_type=need_type,
            decided_by_name=decided_by_name,
            by=by,
            request=request,
        )
    errors: Errors = {}
    cycle = Cycle.objects.select_for_update().filter(pupil=pupil, closed_on__isnull=True).first()
    if cycle is not None:
        if not closing_note.strip():
            errors["closing_note"] = [
                f"Write the closing note for cycle {cycle.number}: what was done and why support "
                "ends. The parents are given it."
            ]
        if start_date < cycle.opened_on:
            errors["start_date"] = [
                f"The removal cannot be before cycle {cycle.number} began "
                f"({cycle.opened_on:%-d %B %Y})."
            ]
    if needs not in (NeedsOnRemoval.END, NeedsOnRemoval.KEEP):
        errors["needs"] = ["Say what happens to the pupil's recorded needs."]
    open_needs = list(pupil.needs.filter(end_date__isnull=True).order_by("-rank"))
    if needs == NeedsOnRemoval.END:
        for need in open_needs:
            if start_date < need.start_date:
                errors.setdefault("needs", []).append(
                    f"The {need.get_rank_display().lower()} was recorded on "
                    f"{need.start_date:%-d %B %Y}, after the removal: keep it, or change the date."
                )
    try:
        entry = pupil_services.register_change(
            pupil=pupil,
            provision=provision,
            start_date=start_date,
            reason=reason,
            decided_by_name=decided_by_name,
            by=by,
            request=request,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    _fail(errors)
    if cycle is not None:
        cycle.closed_on = start_date
        cycle.closing_note = closing_note.strip()
        cycle.version = next_version(cycle)
        cycle.save(update_fields=["closed_on", "closing_note", "version"])
        audit.log(
            AuditAction.UPDATE,
            by,
            cycle,
            {"closed_on": start_date.isoformat(), "closed_because": "removed from the register"},
            request=request,
        )
    if needs == NeedsOnRemoval.END:
        for need in open_needs:  # secondary first: need_end refuses a primary before it
            pupil_services.need_end(need=need, end_date=start_date, by=by, request=request)
    return entry


@transaction.atomic
def assessment_view_add(
    *, cycle: Cycle, data: dict[str, Any], by: User, request: HttpRequest | None = None
) -> AssessmentView:
    """Assess: add one person's view (teacher, parent, pupil, TA, specialist)."""
    errors: Errors = {}
    _open(cycle, errors)
    _not_future(errors, "given_on", data.get("given_on"), "The date of the view")
    _fail(errors)
    fields = (
        "source",
        "given_by",
        "given_on",
        "views",
        "strengths",
        "barriers",
        "assessments",
        "progress_vs_peers",
    )
    view = AssessmentView(cycle=cycle, recorded_by=by, **{k: data[k] for k in fields if k in data})
    view.full_clean()
    view.save()
    audit.log(
        AuditAction.CREATE,
        by,
        view,
        {"source": view.source, "notes": view.views},
        request=request,
        pupil_id=cycle.pupil_id,
    )
    return view


@transaction.atomic
def attachment_add(
    *,
    pupil: Pupil,
    upload: UploadedFile,
    description: str = "",
    cycle: Cycle | None = None,
    by: User,
    request: HttpRequest | None = None,
) -> Attachment:
    """Store a document (PDF, image, office document) for a pupil, after checking its size and
    that its contents are of the type its name says."""
    content_type = uploads.check(upload)  # raises ValidationError({"file": [...]})
    attachment = Attachment(
        pupil=pupil,
        cycle=cycle,
        original_name=uploads.safe_name(upload.name or "document"),
        content_type=content_type,
        size=upload.size or 0,
        description=description.strip(),
        uploaded_by=by,
    )
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    audit.log(
        AuditAction.CREATE,
        by,
        attachment,
        {"name": attachment.original_name, "size": attachment.size},
        request=request,
    )
    return attachment


# --- plan -------------------------------------------------------------------------------------


class PlanInput(TypedDict, total=False):
    """What plan_save takes: PLAN_FIELDS (the model's) with their types; a field left out keeps
    its saved value (the dates: their defaults)."""

    plan_date: date | None
    review_date: date | None
    outcomes: str
    adjustments: str
    provision: str
    pupil_strategies: str
    parents_agreed_on: date | None
    parent_comments: str
    pupil_agreed: bool


def plan_input(values: Mapping[str, Any]) -> PlanInput:
    """A PlanInput from a form's cleaned data or an API body: the plan's fields only."""
    return cast(PlanInput, _entered(values, PLAN_FIELDS))


@transaction.atomic
def plan_save(
    *,
    cycle: Cycle,
    data: PlanInput,
    by: User,
    version: int,
    request: HttpRequest | None = None,
) -> Plan:
    """Write or change the cycle's plan. The review date defaults to the end of term. `version`
    is the plan version the form was loaded with (0: there was no plan yet); any other version
    under the lock means someone else saved first, and nothing is written (ui.versions)."""
    errors: Errors = {}
    # Lock the cycle, not only the plan: a first save has no plan row to lock, and two first
    # saves must queue so the second finds the first one's plan.
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _open(cycle, errors)
    plan = Plan.objects.filter(cycle=cycle).first()
    errors.update(version_errors(current=plan, sent=version, what="plan"))
    # Dates left out keep their saved values (or default: today, and the end of term).
    plan_date = data.get("plan_date") or (plan.plan_date if plan else timezone.localdate())
    _not_future(errors, "plan_date", plan_date, "The plan date")
    if plan_date < cycle.opened_on:
        errors.setdefault("plan_date", []).append(
            "The plan cannot be dated before the cycle started."
        )
    review_date = data.get("review_date") or (
        plan.review_date
        if plan and "plan_date" not in data
        else rules.default_review_date(plan_date, school_terms(cycle.pupil, plan_date))
    )
    if review_date <= plan_date:
        errors["review_date"] = ["The review date must be after the plan date."]
    if plan is not None and plan.targets.filter(target_date__lt=plan_date).exists():
        errors.setdefault("plan_date", []).append("Some targets are dated before this plan date.")
    _fail(errors)
    before = {f: str(getattr(plan, f)) for f in PLAN_FIELDS} if plan else {}
    plan = plan or Plan(cycle=cycle)
    for field, value in _entered(data, PLAN_FIELDS).items():
        setattr(plan, field, value)
    plan.plan_date, plan.review_date = plan_date, review_date
    plan.version = next_version(plan)
    plan.updated_at = timezone.now()
    plan.full_clean(exclude=["cycle"])
    plan.save()
    after = {f: str(getattr(plan, f)) for f in PLAN_FIELDS}
    audit.log(
        AuditAction.UPDATE if before else AuditAction.CREATE,
        by,
        plan,
        (
            audit.changes(before, after)
            if before
            else {"plan_date": after["plan_date"], "review_date": after["review_date"]}
        )
        | {"version": plan.version},
        request=request,
        pupil_id=cycle.pupil_id,
    )
    return plan


TARGET_FIELDS = ("description", "baseline", "measure", "target_value", "target_date", "responsible")


@transaction.atomic
def target_add(
    *,
    plan: Plan,
    data: dict[str, Any],
    by: User,
    carried_from: Target | None = None,
    request: HttpRequest | None = None,
) -> Target:
    """Add a target to a plan. SMART problems are warnings for the page (support.smart), not
    errors; a target date before the plan date is an error."""
    errors: Errors = {}
    _open(plan.cycle, errors)
    if not str(data.get("description", "")).strip():
        errors["description"] = ["Describe what the pupil will be able to do."]
    target_date = data.get("target_date")
    if target_date is None:
        errors["target_date"] = ["Give the date by which the target should be met."]
    elif target_date < plan.plan_date:
        errors["target_date"] = [
            f"The target date cannot be before the plan date ({plan.plan_date:%-d %B %Y})."
        ]
    _fail(errors)
    position = (plan.targets.aggregate(n=Max("position"))["n"] or 0) + 1
    target = Target(
        plan=plan,
        position=position,
        carried_from=carried_from,
        **{k: data[k] for k in TARGET_FIELDS if k in data},
    )
    target.full_clean()
    target.save()
    audit.log(
        AuditAction.CREATE,
        by,
        target,
        {"description": target.description},
        request=request,
        pupil_id=plan.cycle.pupil_id,
    )
    return target


@transaction.atomic
def target_remove(*, target: Target, by: User, request: HttpRequest | None = None) -> None:
    """Take a target out of a plan that has not been reviewed."""
    errors: Errors = {}
    _open(target.plan.cycle, errors)
    _fail(errors)
    audit.log(
        AuditAction.DELETE,
        by,
        target,
        {"description": target.description},
        request=request,
        pupil_id=target.plan.cycle.pupil_id,
    )
    plan, removed = target.plan, target.position
    target.delete()
    # One numbering everywhere: the targets after it move up, so the page, the review form and
    # the PDFs (which count 1, 2, 3) all say "target 2" of the same target.
    plan.targets.filter(position__gt=removed).update(position=F("position") - 1)


# --- do ---------------------------------------------------------------------------------------


@transaction.atomic
def do_note_add(
    *,
    cycle: Cycle,
    on: date,
    text: str,
    kind: str = "support",
    by: User,
    request: HttpRequest | None = None,
) -> DoNote:
    """Do: a dated note of support or an adjustment, by a teacher, TA or the SENCo."""
    errors: Errors = {}
    _open(cycle, errors)
    _not_future(errors, "on", on, "The date of the note")
    if on < cycle.opened_on:
        errors.setdefault("on", []).append("The note cannot be dated before the cycle started.")
    if not text.strip():
        errors["text"] = ["Write what was done."]
    _fail(errors)
    note = DoNote(cycle=cycle, on=on, text=text.strip(), kind=kind, author=by)
    note.full_clean()
    note.save()
    audit.log(
        AuditAction.CREATE, by, note, {"notes": text}, request=request, pupil_id=cycle.pupil_id
    )
    return note


# --- review -----------------------------------------------------------------------------------


class ReviewInput(TypedDict, total=False):
    """What review_complete takes besides the ratings: REVIEW_FIELDS (the model's) with their
    types. The service asks for the date and the decision; the model for the other answers."""

    held_on: date | None
    is_it_working: str
    how_much_difference: str
    happening_as_planned: str
    child_reaction: str
    child_thinks: str
    overall_progress: str
    parent_attendance: str
    attendees: str
    parent_views: str
    pupil_views: str
    decision: str
    decision_notes: str
    next_review_date: date | None


def review_input(values: Mapping[str, Any]) -> ReviewInput:
    """A ReviewInput from a form's cleaned data or an API body: the review's fields only."""
    return cast(ReviewInput, _entered(values, REVIEW_FIELDS))


def _check_ratings(plan: Plan, ratings: dict[int, dict[str, Any]], errors: Errors) -> list[Target]:
    targets = list(plan.targets.all())
    for target in targets:
        rating = ratings.get(target.pk, {}).get("rating")
        if rating is None:
            errors.setdefault(f"rating_{target.pk}", []).append(f"Rate target {target.position}.")
        elif rating not in rules.RATING_LABELS:
            errors.setdefault(f"rating_{target.pk}", []).append("A rating is from -2 to +2.")
        outcome = ratings.get(target.pk, {}).get("outcome")
        if outcome is not None and outcome not in rules.OUTCOMES:
            errors.setdefault(f"outcome_{target.pk}", []).append(
                f"Say whether target {target.position} was achieved, partly achieved, not "
                "achieved or is not yet due."
            )
    unknown = set(ratings) - {t.pk for t in targets}
    if unknown:
        errors["ratings"] = ["Some ratings are for targets that are not in this plan."]
    return targets


@transaction.atomic
def review_complete(
    *,
    cycle: Cycle,
    data: ReviewInput,
    ratings: dict[int, dict[str, Any]],
    by: User,
    request: HttpRequest | None = None,
) -> tuple[Review, Cycle | None]:
    """Complete the cycle's review: rate every target, record the five questions, who took part,
    parent and pupil views and the decision. Locks the cycle and, unless the decision is to remove
    the pupil from the register, opens the next cycle with a plan carrying the unmet targets."""
    errors: Errors = {}
    caller_cycle = cycle
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.is_locked:
        errors["cycle"] = [f"Cycle {cycle.number} has already been reviewed: it is not open."]
    plan = Plan.objects.filter(cycle=cycle).first()
    if plan is None:
        errors.setdefault("cycle", []).append("There is no plan to review: write the plan first.")
    held_on = data.get("held_on")
    if held_on is None:
        errors["held_on"] = ["Give the date of the review meeting."]
    else:
        _not_future(errors, "held_on", held_on, "The review date")
        if held_on < cycle.opened_on:
            errors.setdefault("held_on", []).append(
                "The review cannot be before the cycle started."
            )
    if data.get("decision") not in rules.DECISIONS:
        errors["decision"] = ["Choose the decision."]
    targets = _check_ratings(plan, ratings, errors) if plan else []
    next_review = data.get("next_review_date")
    if next_review is not None and held_on is not None and next_review <= held_on:
        errors["next_review_date"] = ["The next review must be after this review meeting."]
    _fail(errors)
    assert plan is not None and held_on is not None
    review = Review(cycle=cycle, completed_by=by, **_entered(data, REVIEW_FIELDS))
    review.full_clean(exclude=["cycle"])
    review.save()
    rows = [
        TargetRating(
            review=review,
            target=t,
            rating=ratings[t.pk]["rating"],
            value_reached=ratings[t.pk].get("value_reached", ""),
            outcome=ratings[t.pk].get("outcome") or _derived_outcome(t, ratings[t.pk], held_on),
            comment=ratings[t.pk].get("comment", ""),
        )
        for t in targets
    ]
    TargetRating.objects.bulk_create(rows)
    cycle.closed_on = held_on
    cycle.version += 1
    cycle.save(update_fields=["closed_on", "version"])
    caller_cycle.closed_on, caller_cycle.version = (
        cycle.closed_on,
        cycle.version,
    )  # keep the caller's object true
    audit.log(
        AuditAction.CREATE,
        by,
        review,
        {
            "decision": review.decision,
            "overall_progress": review.overall_progress,
            "notes": review.decision_notes,
            "ratings": {str(t.position): ratings[t.pk]["rating"] for t in targets},
            "outcomes": {str(r.target.position): r.outcome for r in rows},
        },
        request=request,
        pupil_id=cycle.pupil_id,
    )
    next_cycle = None
    if rules.opens_next_cycle(review.decision):
        next_cycle = _open_next_cycle(cycle, plan, review, rows, by, request)
    return review, next_cycle


def _derived_outcome(target: Target, rating: dict[str, Any], held_on: date) -> str:
    """A service call without an outcome (the form and the API ask for one): the rule the
    migration used (docs/decisions.md), so it is never "met" on a rating alone."""
    return rules.derived_outcome(
        rating=rating["rating"],
        reached=rating.get("value_reached", ""),
        target_value=target.target_value,
        baseline=target.baseline,
        target_date=target.target_date,
        held_on=held_on,
    )


def _open_next_cycle(
    cycle: Cycle,
    plan: Plan,
    review: Review,
    ratings: list[TargetRating],
    by: User,
    request: HttpRequest | None,
) -> Cycle:
    """The next cycle starts on the review date with a plan carried forward: the same outcomes,
    adjustments and provision, and every target not achieved (its baseline now the value reached
    at the review, and a new date if its date has passed). Its review is the date agreed with
    the family at this review, else the default. The SENCo then revises it with the parents and
    the pupil."""
    held_on = review.held_on
    next_cycle = cycle_open(pupil=cycle.pupil, opened_on=held_on, by=by, request=request)
    review_date = review.next_review_date or rules.default_review_date(
        held_on, school_terms(cycle.pupil, held_on)
    )
    carried_plan = Plan.objects.create(
        cycle=next_cycle,
        plan_date=held_on,
        review_date=review_date,
        outcomes=plan.outcomes,
        adjustments=plan.adjustments,
        provision=plan.provision,
        pupil_strategies=plan.pupil_strategies,
    )
    carry = set(rules.targets_to_carry_on((r.target_id, r.outcome) for r in ratings))
    reached = {r.target_id: r.value_reached for r in ratings}
    for target in plan.targets.filter(pk__in=carry).order_by("position"):
        target.carry_forward(carried_plan, review_date, reached[target.pk], held_on).save()
    audit.log(
        AuditAction.CREATE,
        by,
        carried_plan,
        {"carried_targets": len(carry), "from_cycle": cycle.number},
        request=request,
        pupil_id=cycle.pupil_id,
    )
    return next_cycle


@transaction.atomic
def review_given_to_parents(
    *, review: Review, given_on: date, by: User, request: HttpRequest | None = None
) -> Review:
    """Record the date the record of the review was given to the parents (seed 001)."""
    errors: Errors = {}
    _not_future(errors, "given_on", given_on, "The date")
    if given_on < review.held_on:
        errors.setdefault("given_on", []).append(
            "The record cannot be given before the review was held."
        )
    _fail(errors)
    review.given_to_parents_on = given_on
    review.save(update_fields=["given_to_parents_on"])
    audit.log(
        AuditAction.UPDATE,
        by,
        review,
        {"given_to_parents_on": given_on.isoformat()},
        request=request,
        pupil_id=review.cycle.pupil_id,
    )
    return review


AMENDABLE = {"plan": PLAN_FIELDS, "review": REVIEW_FIELDS}


@transaction.atomic
def cycle_amend(
    *,
    cycle: Cycle,
    what: str,
    changes: dict[str, Any],
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> Any:
    """Change the plan or review of a locked cycle. Needs a reason; kept as an Amendment and in
    the audit trail."""
    from support.models import Amendment

    errors: Errors = {}
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)  # amendments queue, none is lost
    if not cycle.is_locked:
        errors["cycle"] = ["This cycle is still open: change it directly."]
    if not reason.strip():
        errors["reason"] = ["Give the reason for changing a reviewed cycle."]
    allowed = AMENDABLE.get(what)
    if allowed is None:
        errors["what"] = ["Only the plan or the review can be amended."]
    elif set(changes) - set(allowed):
        errors["changes"] = [
            f"These cannot be amended: {', '.join(sorted(set(changes) - set(allowed)))}."
        ]
    _fail(errors)
    target = Plan.objects.get(cycle=cycle) if what == "plan" else Review.objects.get(cycle=cycle)
    before = {k: str(getattr(target, k)) for k in changes}
    for key, value in changes.items():
        setattr(target, key, value)
    target.full_clean(exclude=["cycle"])
    target.save()
    diff = audit.changes(before, {k: str(getattr(target, k)) for k in changes})
    Amendment.objects.create(
        cycle=cycle,
        made_by=by,
        reason=reason.strip(),
        what=what,
        changes=audit.mask_sensitive_keys(diff),
    )
    audit.log(
        AuditAction.UPDATE,
        by,
        target,
        {"amendment": reason, **diff},
        request=request,
        pupil_id=cycle.pupil_id,
    )
    return target


@transaction.atomic
def rating_amend(
    *,
    rating: TargetRating,
    changes: dict[str, Any],
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> TargetRating:
    """Correct a reviewed target's rating or outcome (issue 13): needs a reason, and keeps the
    original as an Amendment ("from" and "to") on the cycle and in the audit trail. A changed
    outcome does not move targets between cycles: the next plan is revised as usual."""
    from support.models import Amendment

    errors: Errors = {}
    rating = TargetRating.objects.select_related("review__cycle", "target").get(pk=rating.pk)
    cycle = Cycle.objects.select_for_update().get(pk=rating.review.cycle_id)
    if not reason.strip():
        errors["reason"] = ["Give the reason for changing a reviewed target's rating or outcome."]
    unknown = set(changes) - {"rating", "outcome"}
    if unknown:
        errors["changes"] = [f"These cannot be amended here: {', '.join(sorted(unknown))}."]
    if "rating" in changes and changes["rating"] not in rules.RATING_LABELS:
        errors["rating"] = ["A rating is from -2 to +2."]
    if "outcome" in changes and changes["outcome"] not in rules.OUTCOMES:
        errors["outcome"] = [
            "Say whether the target was achieved, partly achieved, not achieved or is not yet due."
        ]
    _fail(errors)
    before = {k: getattr(rating, k) for k in changes}
    for key, value in changes.items():
        setattr(rating, key, value)
    rating.save(update_fields=list(changes))
    diff = audit.changes(before, {k: getattr(rating, k) for k in changes})
    Amendment.objects.create(
        cycle=cycle,
        made_by=by,
        reason=reason.strip(),
        what=f"target {rating.target.position}",
        changes=diff,
    )
    audit.log(
        AuditAction.UPDATE,
        by,
        rating,
        {"amendment": reason, **diff},
        request=request,
        pupil_id=cycle.pupil_id,
    )
    return rating


# --- passport ---------------------------------------------------------------------------------


class PassportInput(TypedDict, total=False):
    """What passport_save takes: PASSPORT_FIELDS (the model's) with their types; a field left
    out keeps its saved value."""

    about_me: str
    strengths: str
    what_helps: str
    what_does_not_help: str
    key_adjustments: str
    written_with_pupil: bool
    written_with_parent: bool


def passport_input(values: Mapping[str, Any]) -> PassportInput:
    """A PassportInput from a form's cleaned data or an API body: the passport's fields only."""
    return cast(PassportInput, _entered(values, PASSPORT_FIELDS))


@transaction.atomic
def passport_save(
    *,
    pupil: Pupil,
    data: PassportInput,
    by: User,
    version: int,
    request: HttpRequest | None = None,
) -> Passport:
    """Write or update the pupil's one-page passport. `version` is the one the form was loaded
    with (0: no passport yet); the pupil's row is locked so two first saves queue."""
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    passport = Passport.objects.filter(pupil=pupil).first()
    check_version(current=passport, sent=version, what="passport")
    before = {f: str(getattr(passport, f)) for f in PASSPORT_FIELDS} if passport else {}
    passport = passport or Passport(pupil=pupil, version=0)
    for field, value in _entered(data, PASSPORT_FIELDS).items():
        setattr(passport, field, value)
    passport.version += 1
    passport.updated_by = by
    passport.updated_at = timezone.now()
    passport.full_clean(exclude=["pupil"])
    passport.save()
    after = {f: str(getattr(passport, f)) for f in PASSPORT_FIELDS}
    audit.log(
        AuditAction.UPDATE,
        by,
        passport,
        audit.changes(before, after) | {"version": passport.version},
        request=request,
    )
    return passport


# --- specialist involvement ---------------------------------------------------------------------

SPECIALIST_FIELDS = (
    "specialist",
    "name",
    "asked_on",
    "seen_on",
    "advice_received_on",
    "recommendations",
)


@transaction.atomic
def specialist_involvement_add(
    *,
    pupil: Pupil,
    data: Mapping[str, Any],
    targets: list[Target] | None = None,
    advice: UploadedFile | None = None,
    by: User,
    request: HttpRequest | None = None,
) -> SpecialistInvolvement:
    """Record a specialist's involvement with its real dates (a school entering its history
    gives past ones), the advice document if one came, and the plan targets that take up the
    recommendations (targets of this pupil's plans only)."""
    errors: Errors = {}
    for field, what in (
        ("asked_on", "The date they were asked"),
        ("seen_on", "The date they saw the pupil"),
        ("advice_received_on", "The date the advice came"),
    ):
        _not_future(errors, field, data.get(field), what)
    targets = list(targets or [])
    if any(t.plan.cycle.pupil_id != pupil.pk for t in targets):
        errors.setdefault("targets", []).append("Link only this pupil's plan targets.")
    _fail(errors)
    involvement = SpecialistInvolvement(
        pupil=pupil, recorded_by=by, **{k: data[k] for k in SPECIALIST_FIELDS if k in data}
    )
    involvement.full_clean(exclude=["advice"])
    if advice is not None:
        cycle = pupil.cycles.filter(closed_on__isnull=True).first()
        involvement.advice = attachment_add(
            pupil=pupil,
            upload=advice,
            cycle=cycle,
            description=f"Advice: {involvement.get_specialist_display()}"[:200],
            by=by,
            request=request,
        )
    involvement.save()
    involvement.targets.set(targets)
    audit.log(
        AuditAction.CREATE,
        by,
        involvement,
        {
            "specialist": involvement.specialist,
            "asked_on": involvement.asked_on.isoformat(),
            "recommendations": bool(involvement.recommendations),  # that there are, not what
            "targets": [t.pk for t in targets],
        },
        request=request,
        pupil_id=pupil.pk,
    )
    return involvement
