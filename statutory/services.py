"""Writes of the EHC records: requests and their exceptions, plans, annual reviews, transfers.

Each service is keyword-only, takes `by` (the user acting) and is atomic. Bad input raises
django.core.exceptions.ValidationError with field errors, and nothing is written. Issuing a plan
puts the pupil on the register as E (EHC plan) through pupils.services.register_change."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from audit import log as audit
from audit.models import AuditAction
from pupils import census
from pupils import services as pupil_services
from pupils.models import Pupil
from statutory.models import (
    AnnualReview,
    EHCPlan,
    EHCRequest,
    PhaseTransfer,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    RegException,
    ReviewInvitation,
)

REQUEST_FIELDS = (
    "source",
    "received_date",
    "decision",
    "decision_date",
    "request_mediation",
    "request_tribunal",
    "assessment_outcome",
    "assessment_outcome_date",
    "assessment_mediation",
    "assessment_tribunal",
    "draft_plan_date",
    "final_plan_date",
)
PLAN_SECTIONS = (
    "a_views",
    "b_needs",
    "c_health",
    "d_social_care",
    "g_health_provision",
    "h1_social_care",
    "h2_social_care",
    "i_placement",
    "i_urn",
    "i_setting",
    "j_personal_budget",
    "j_direct_payments",
    "k_advice",
)
# What the LA decides on a request (the school records the request: source, received_date).
REQUEST_DECISION_FIELDS = REQUEST_FIELDS[2:]
# What the school records of an annual review, and what the LA decides after it.
REVIEW_SCHOOL_FIELDS = ("meeting_date", "recommendation", "report_sent_date")
REVIEW_LA_FIELDS = (
    "outcome",
    "decision_date",
    "draft_date",
    "amended_plan_date",
    "cease_reason",
)
REVIEW_FIELDS = REVIEW_SCHOOL_FIELDS + REVIEW_LA_FIELDS
INVITATION_FIELDS = ("invitee", "name", "invited_date", "advice_requested", "advice_received_date")


def _unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(fields) - set(allowed))
    if extra:
        raise TypeError(f"Unknown fields: {', '.join(extra)}")


def _changes(obj: Any, fields: dict[str, Any]) -> dict[str, Any]:
    changed = {k: v for k, v in fields.items() if getattr(obj, k) != v}
    for k, v in changed.items():
        setattr(obj, k, v)
    return changed


@transaction.atomic
def ehc_request_create(
    *, pupil: Pupil, by: User, request: HttpRequest | None = None, **fields: Any
) -> EHCRequest:
    """Record a request for an EHC needs assessment to the pupil's school's LA: one the school
    makes, or one the parents (or health, social care, another) made."""
    _unknown(fields, REQUEST_FIELDS)
    ehc = EHCRequest(pupil=pupil, la_id=pupil.school.la_id, created_by=by, **fields)
    ehc.full_clean()
    ehc.save()
    audit.log(AuditAction.CREATE, by, ehc, dict(fields), request=request)
    return ehc


@transaction.atomic
def ehc_request_update(
    *, ehc_request: EHCRequest, by: User, request: HttpRequest | None = None, **fields: Any
) -> EHCRequest:
    """Record the LA's decisions and dates on a request (the clocks follow from them)."""
    _unknown(fields, REQUEST_FIELDS)
    ehc = EHCRequest.objects.select_for_update().get(pk=ehc_request.pk)
    changed = _changes(ehc, fields)
    ehc.full_clean()
    if changed:
        ehc.save()
        audit.log(AuditAction.UPDATE, by, ehc, changed, request=request)
    return ehc


@transaction.atomic
def reg_exception_add(
    *,
    ehc_request: EHCRequest,
    kind: str,
    start_date: date | None,
    end_date: date | None,
    by: User,
    request: HttpRequest | None = None,
) -> RegException:
    """Record a reg 10(4) exception to the time limits, with its kind and dates."""
    exception = RegException(
        request=ehc_request,
        kind=kind,
        start_date=start_date,  # type: ignore[misc]
        end_date=end_date,  # type: ignore[misc]
    )
    exception.full_clean()
    exception.save()
    audit.log(
        AuditAction.CREATE,
        by,
        exception,
        {"kind": kind, "start_date": start_date, "end_date": end_date},
        request=request,
        pupil_id=ehc_request.pupil_id,
    )
    return exception


@transaction.atomic
def ehc_plan_issue(
    *,
    pupil: Pupil,
    issue_date: date,
    by: User,
    ehc_request: EHCRequest | None = None,
    outcomes: tuple[str, ...] | list[str] = (),
    provision_items: tuple[str, ...] | list[str] = (),
    document: UploadedFile | None = None,
    request: HttpRequest | None = None,
    **sections: Any,
) -> EHCPlan:
    """Enter an EHC plan the LA issued (from its request, or one issued before sendpath knew of
    it), section by section (E's outcomes and F's provision one per line), keep its PDF
    (`document`) with the case, and put the pupil on the register as E from its issue date."""
    _unknown(sections, PLAN_SECTIONS)
    if ehc_request is not None and ehc_request.pupil_id != pupil.pk:
        raise ValidationError({"ehc_request": "That request is for another pupil."})
    if ehc_request is not None and EHCPlan.objects.filter(request=ehc_request).exists():
        raise ValidationError({"ehc_request": "That request already has its plan."})
    plan = EHCPlan(
        pupil=pupil,
        la_id=pupil.school.la_id,
        request=ehc_request,
        issue_date=issue_date,
        created_by=by,
        **sections,
    )
    plan.full_clean()
    if ehc_request is not None:
        ehc_request_update(
            ehc_request=ehc_request,
            by=by,
            request=request,
            assessment_outcome="Y"
            if ehc_request.assessment_outcome == "A"
            else ehc_request.assessment_outcome,
            assessment_outcome_date=ehc_request.assessment_outcome_date or issue_date,
            final_plan_date=issue_date,
        )
    plan.save()
    for position, text in enumerate((t.strip() for t in outcomes if t.strip()), start=1):
        PlanOutcome.objects.create(plan=plan, position=position, description=text)
    for position, text in enumerate((t.strip() for t in provision_items if t.strip()), start=1):
        PlanProvision.objects.create(plan=plan, position=position, description=text)
    audit.log(
        AuditAction.CREATE,
        by,
        plan,
        {
            "issue_date": issue_date,
            "outcomes": len(outcomes),
            "provision_items": len(provision_items),
            **sections,
        },
        request=request,
    )
    if document is not None:
        from statutory import documents

        try:
            documents.plan_document_add(plan=plan, upload=document, by=by, request=request)
        except ValidationError as exc:
            raise ValidationError({"document": exc.message_dict.get("file", exc.messages)}) from exc
    if pupil_services.current_provision(pupil) != census.SENProvision.EHC_PLAN.value:
        try:
            pupil_services.register_change(
                pupil=pupil,
                provision=census.SENProvision.EHC_PLAN.value,
                start_date=issue_date,
                reason="EHC plan issued by the local authority.",
                by=by,
                request=request,
            )
        except ValidationError as exc:
            dates = exc.message_dict.get("start_date")
            if dates:
                raise ValidationError({"issue_date": dates}) from exc
            raise
    return plan


@transaction.atomic
def annual_review_record(
    *, plan: EHCPlan, by: User, request: HttpRequest | None = None, **fields: Any
) -> AnnualReview:
    """Record an annual review meeting and, when it comes, the LA's decision."""
    _unknown(fields, REVIEW_FIELDS)
    review = AnnualReview(plan=plan, created_by=by, **fields)
    review.full_clean()
    _not_after_cease(plan, review)
    review.save()
    audit.log(AuditAction.CREATE, by, review, dict(fields), request=request, pupil_id=plan.pupil_id)
    if review.outcome == "A":
        _start_amendment(review, by=by, request=request)
    _follow_cease(review, was="", by=by, request=request)
    return review


def _not_after_cease(plan: EHCPlan, review: AnnualReview) -> None:
    """A ceased plan has no later review (a review dated after the cease is refused)."""
    ended = EHCPlan.objects.filter(pk=plan.pk).values_list("cease_date", flat=True).first()
    if ended is not None and review.meeting_date > ended:
        raise ValidationError(
            {"meeting_date": f"The plan ceased on {ended:%d/%m/%Y}: a review after that date "
             "cannot be recorded."}
        )  # fmt: skip


def _follow_cease(review: AnnualReview, *, was: str, by: User, request: HttpRequest | None) -> None:
    """A decision to cease ends the plan: its cease date is the decision's, its reason the SEN2
    CeaseReason given. A decision changed away from cease re-opens it."""
    plan = EHCPlan.objects.select_for_update().get(pk=review.plan_id)
    if review.outcome == "C":
        later = plan.reviews.filter(meeting_date__gt=review.meeting_date)
        if later.exists():
            raise ValidationError(
                {"outcome": "A later annual review is recorded: the plan cannot cease at this "
                 "one."}
            )  # fmt: skip
        ends = {"cease_date": review.decision_date, "cease_reason": review.cease_reason}
    elif was == "C" and plan.cease_date is not None:
        ends = {"cease_date": None, "cease_reason": ""}
    else:
        return
    changed = _changes(plan, ends)
    if changed:
        plan.full_clean()
        plan.save(update_fields=list(changed))
        audit.log(AuditAction.UPDATE, by, plan, changed, request=request)


def _start_amendment(review: AnnualReview, *, by: User, request: HttpRequest | None) -> None:
    """A decision to amend: the plan as it stands is kept, read-only, as a PlanVersion with its
    dates, and the plan becomes the next version (its draft sent on the review's draft_date,
    final on its amended_plan_date), whose sections are then edited."""
    plan = EHCPlan.objects.select_for_update().get(pk=review.plan_id)
    last = plan.versions.order_by("-number").select_related("replaced_by").first()
    if last is None:
        final, draft = plan.issue_date, None
    else:
        final = last.replaced_by.amended_plan_date  # type: ignore[assignment]
        draft = last.replaced_by.draft_date
        if final is None:
            raise ValidationError(
                {"outcome": "The last amendment has no final amended plan yet: record its date "
                 "before a new amendment begins."}
            )  # fmt: skip
    version = PlanVersion.objects.create(
        plan=plan,
        number=plan.amendment,
        final_date=final,
        draft_date=draft,
        sections={f: getattr(plan, f) for f in PLAN_SECTIONS},
        outcomes=list(plan.outcomes.values_list("description", flat=True)),
        provision_items=list(plan.provision_items.values_list("description", flat=True)),
        replaced_by=review,
    )
    plan.amendment += 1
    plan.save(update_fields=["amendment"])
    audit.log(
        AuditAction.CREATE,
        by,
        version,
        {"number": version.number, "final_date": final, "amendment": plan.amendment},
        request=request,
        pupil_id=plan.pupil_id,
    )


@transaction.atomic
def annual_review_update(
    *, review: AnnualReview, by: User, request: HttpRequest | None = None, **fields: Any
) -> AnnualReview:
    _unknown(fields, REVIEW_FIELDS)
    review = AnnualReview.objects.select_for_update().select_related("plan").get(pk=review.pk)
    was = review.outcome
    changed = _changes(review, fields)
    review.full_clean()
    started = review.replaced_versions.exists()
    if was == "A" and review.outcome != "A" and started:
        raise ValidationError(
            {"outcome": "The plan is being amended after this review: the decision to amend "
             "stands (record the final amended plan's date instead)."}
        )  # fmt: skip
    if "meeting_date" in changed:
        _not_after_cease(review.plan, review)
    if changed:
        review.save()
        audit.log(
            AuditAction.UPDATE, by, review, changed, request=request, pupil_id=review.plan.pupil_id
        )
    if review.outcome == "A" and not started:
        _start_amendment(review, by=by, request=request)
    _follow_cease(review, was=was, by=by, request=request)
    return review


@transaction.atomic
def ehc_plan_update(
    *,
    plan: EHCPlan,
    by: User,
    outcomes: list[str] | None = None,
    provision_items: list[str] | None = None,
    request: HttpRequest | None = None,
    **sections: Any,
) -> EHCPlan:
    """Enter or change the current version's sections (from the LA's PDF, or the proposed
    amendments after a decision to amend). Versions an amendment replaced are read-only. E and F
    are replaced position by position, so an outcome's linked targets (and an item's provision)
    stay with its position."""
    _unknown(sections, (*PLAN_SECTIONS, "issue_date"))
    plan = EHCPlan.objects.select_for_update().get(pk=plan.pk)
    if "issue_date" in sections and plan.amendment:
        raise ValidationError(
            {"issue_date": "The issue date is the first version's: an amended plan's dates are "
             "its annual review's."}
        )  # fmt: skip
    changed = _changes(plan, sections)
    plan.full_clean()
    plan.save()
    for kind, model, lines in (
        ("outcomes", PlanOutcome, outcomes),
        ("provision_items", PlanProvision, provision_items),
    ):
        if lines is None:
            continue
        texts = [t.strip() for t in lines if t.strip()]
        rows = list(getattr(plan, kind).order_by("position", "pk"))
        if [r.description for r in rows] == texts:
            continue
        for position, text in enumerate(texts, start=1):
            if position <= len(rows):
                row = rows[position - 1]
                row.position, row.description = position, text
                row.save(update_fields=["position", "description"])
            else:
                model.objects.create(plan=plan, position=position, description=text)
        for row in rows[len(texts) :]:
            row.delete()
        changed[kind] = len(texts)
    if changed:
        audit.log(AuditAction.UPDATE, by, plan, changed, request=request)
    return plan


@transaction.atomic
def review_invitation_add(
    *, review: AnnualReview, by: User, request: HttpRequest | None = None, **fields: Any
) -> ReviewInvitation:
    """Record an invitation to the annual review meeting and the advice asked for (reg 20(2)-(3));
    one sent with less than 2 weeks' notice is kept, and shown as short notice."""
    _unknown(fields, INVITATION_FIELDS)
    invitation = ReviewInvitation(review=review, **fields)
    invitation.full_clean()
    invitation.save()
    audit.log(
        AuditAction.CREATE, by, invitation, dict(fields), request=request,
        pupil_id=review.plan.pupil_id,
    )  # fmt: skip
    return invitation


@transaction.atomic
def review_invitation_update(
    *,
    invitation: ReviewInvitation,
    by: User,
    request: HttpRequest | None = None,
    **fields: Any,
) -> ReviewInvitation:
    """Record the advice received (its date), or correct the invitation."""
    _unknown(fields, INVITATION_FIELDS)
    invitation = (
        ReviewInvitation.objects.select_for_update()
        .select_related("review__plan")
        .get(pk=invitation.pk)
    )
    changed = _changes(invitation, fields)
    invitation.full_clean()
    if changed:
        invitation.save()
        audit.log(
            AuditAction.UPDATE, by, invitation, changed, request=request,
            pupil_id=invitation.review.plan.pupil_id,
        )  # fmt: skip
    return invitation


@transaction.atomic
def phase_transfer_update(
    *,
    transfer: PhaseTransfer,
    by: User,
    request: HttpRequest | None = None,
    **fields: Any,
) -> PhaseTransfer:
    """Name the new setting and record the date the amended plan was final."""
    _unknown(fields, ("kind", "transfer_date", "named_setting", "final_date"))
    transfer = PhaseTransfer.objects.select_for_update().select_related("plan").get(pk=transfer.pk)
    changed = _changes(transfer, fields)
    transfer.full_clean()
    if changed:
        transfer.save()
        audit.log(
            AuditAction.UPDATE, by, transfer, changed, request=request,
            pupil_id=transfer.plan.pupil_id,
        )  # fmt: skip
    return transfer


@transaction.atomic
def phase_transfer_record(
    *,
    plan: EHCPlan,
    kind: str,
    transfer_date: date,
    by: User,
    named_setting: str = "",
    final_date: date | None = None,
    request: HttpRequest | None = None,
) -> PhaseTransfer:
    transfer = PhaseTransfer(
        plan=plan,
        kind=kind,
        transfer_date=transfer_date,
        named_setting=named_setting,
        final_date=final_date,
    )
    transfer.full_clean()
    transfer.save()
    audit.log(
        AuditAction.CREATE,
        by,
        transfer,
        {"kind": kind, "transfer_date": transfer_date, "final_date": final_date},
        request=request,
        pupil_id=plan.pupil_id,
    )
    return transfer


@transaction.atomic
def plan_links_set(
    *,
    plan: EHCPlan,
    outcome_targets: dict[int, list[int]],
    item_provisions: dict[int, list[int]],
    by: User,
    request: HttpRequest | None = None,
) -> EHCPlan:
    """Link each section E outcome to the school's plan targets that work towards it, and each
    section F item to the provision records that deliver it (the pupil's own targets, and
    provision the pupil is enrolled on). Outcomes and items not named keep their links."""
    from provision.models import Provision
    from support.models import Target

    own_targets = set(
        Target.objects.filter(plan__cycle__pupil_id=plan.pupil_id).values_list("pk", flat=True)
    )
    own_provisions = set(
        Provision.objects.filter(enrolments__pupil_id=plan.pupil_id).values_list("pk", flat=True)
    )
    errors: dict[str, str] = {}
    rows: dict[str, tuple[Any, set[int]]] = {}
    for prefix, related, wanted, own, what in (
        ("outcome", plan.outcomes, outcome_targets, own_targets, "plan targets"),
        ("item", plan.provision_items, item_provisions, own_provisions, "provision"),
    ):
        found = {row.pk: row for row in related.all()}
        for pk, ids in wanted.items():
            key = f"{prefix}_{pk}"
            if pk not in found:
                errors[key] = "That is not part of this plan."
            elif set(ids) - own:
                errors[key] = f"Choose from {plan.pupil.forename}'s own {what}."
            else:
                rows[key] = (found[pk], set(ids))
    if errors:
        raise ValidationError(errors)
    changed: dict[str, int] = {}
    for key, (row, chosen) in rows.items():
        links = row.targets if key.startswith("outcome") else row.provisions
        if set(links.values_list("pk", flat=True)) != chosen:
            links.set(chosen)
            changed[("E" if key.startswith("outcome") else "F") + str(row.position)] = len(chosen)
    if changed:
        audit.log(AuditAction.UPDATE, by, plan, {"links": changed}, request=request)
    return plan


def la_officers(la_id: int) -> list[User]:
    """The officers of an LA, by name: whose caseload a case may be in."""
    from accounts.models import Role

    return list(
        User.objects.filter(memberships__role=Role.LA_OFFICER, memberships__la_id=la_id)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def caseworker_set(
    *,
    case: EHCRequest | EHCPlan,
    caseworker: User | None,
    by: User,
    request: HttpRequest | None = None,
) -> None:
    """Put an EHC case in an officer's caseload (or in none): a request and its plan move
    together. The caseworker is an officer of the case's LA."""
    if caseworker is not None and caseworker not in la_officers(case.la_id):
        raise ValidationError({"caseworker": "Choose an officer of the case's local authority."})
    rows: list[EHCRequest | EHCPlan] = [case]
    if isinstance(case, EHCRequest):
        rows += list(EHCPlan.objects.filter(request=case))
    elif case.request_id:
        rows += list(EHCRequest.objects.filter(pk=case.request_id))
    chosen = caseworker.pk if caseworker is not None else None
    for row in rows:
        if row.caseworker_id != chosen:
            row.caseworker = caseworker
            row.save(update_fields=["caseworker"])
            audit.log(
                AuditAction.UPDATE, by, row, {"caseworker": chosen}, request=request,
                pupil_id=row.pupil_id,
            )  # fmt: skip


@transaction.atomic
def caseload_narrow(
    *,
    officer: User,
    la_id: int,
    narrowed: bool,
    by: User | None,
    request: HttpRequest | None = None,
) -> bool:
    """Narrow an LA officer to their own caseload at the LA (they then reach only the cases
    whose caseworker they are), or widen them back to every case of the LA. Says whether
    anything changed."""
    from statutory.models import OfficerCaseload

    if officer not in la_officers(la_id):
        raise ValidationError({"officer": "That person is not an officer of the local authority."})
    row = OfficerCaseload.objects.filter(user=officer, la_id=la_id).first()
    if narrowed and row is None:
        row = OfficerCaseload.objects.create(user=officer, la_id=la_id, created_by=by)
        audit.log(AuditAction.CREATE, by, row, {"la_id": la_id}, request=request)
        return True
    if not narrowed and row is not None:
        audit.log(AuditAction.DELETE, by, row, {"la_id": la_id}, request=request)
        row.delete()
        return True
    return False
