"""The graduated approach: concerns, Assess-Plan-Do-Review cycles (views, plan, targets, Do notes,
review, amendments) and pupils' passports, so a school's other systems can run a whole cycle.

Reads start from access.visible_pupils(reach="any"), as the rest of the API. Parents (reach
"family") read what the family pages give them: their child's cycles, plans with targets, reviews
and passport. Concerns, assessment views, Do notes and amendments are staff working records: a
parent gets 404 for them, and null for them inside a cycle. Writes go through support.services and
need the role (Action.RUN_CYCLE for the SENCo's steps, Action.CONTRIBUTE for concerns, views
and Do notes) and the pupil within the user's *staff* reach (access.may), so a teacher who is also a
parent at the school does not write to their own child's record as staff (403). A completed review
locks its cycle: every later change is an amendment with a reason (the services refuse the rest).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

import access
from access import Action, Reach
from accounts.models import User
from api.auth import api_user
from api.errors import from_django, stale
from api.pagination import ApiPagination
from api.schemas import Id, Text
from api.schemas_support import (
    AmendmentIn,
    AmendmentOut,
    AssessmentViewIn,
    AssessmentViewOut,
    ConcernDecisionIn,
    ConcernIn,
    ConcernOut,
    CycleDetailOut,
    CycleIn,
    CycleOut,
    DoNoteIn,
    DoNoteOut,
    FieldErrors,
    GivenToParentsIn,
    PassportIn,
    PassportOut,
    PlanIn,
    PlanOut,
    ReviewIn,
    ReviewOut,
    SpecialistInvolvementIn,
    SpecialistInvolvementOut,
    TargetIn,
    TargetOut,
)
from api.selectors import normalise_upn, pupil_rows
from audit import log as audit
from audit.models import AuditAction
from pupils.models import Pupil
from support import selectors as support_selectors
from support import services
from support.models import (
    Amendment,
    AssessmentView,
    Concern,
    Cycle,
    DoNote,
    Passport,
    Plan,
    Review,
    SpecialistInvolvement,
    Target,
)

router = Router()
concerns = Router(tags=["concerns"])
cycles = Router(tags=["cycles"])
targets = Router(tags=["targets"])
passports = Router(tags=["passports"])
router.add_router("/concerns", concerns)
router.add_router("/cycles", cycles)
router.add_router("/targets", targets)
router.add_router("/pupils", passports)

STALE = {409: FieldErrors}


# ---- reads: the joins each output needs, on the policy's visible_*() querysets ------------------


def _concerns(user: User) -> QuerySet[Concern]:
    """Concerns the user reaches (as staff), newest first, with the cycle a decision to assess
    opened."""
    opened = Cycle.objects.filter(concern=OuterRef("pk")).order_by("number").values("pk")[:1]
    return (
        access.visible_concerns(user)
        .select_related("pupil__school")
        .annotate(cycle_id=Subquery(opened))
        .order_by("-raised_on", "-pk")
    )


def _cycles(user: User, reach: Reach = "any") -> QuerySet[Cycle]:
    """Cycles the user reaches, by pupil, the latest first."""
    return (
        access.visible_cycles(user, reach=reach)
        .select_related("pupil__school", "plan", "review")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pupil_id", "-number")
    )


def _targets(user: User) -> QuerySet[Target]:
    return access.visible_targets(user).select_related("plan__cycle__pupil__school")


def _pupils(user: User) -> QuerySet[Pupil]:
    return pupil_rows(access.visible_pupils(user, reach="any"))


def _by_pupil[M: (Concern, Cycle)](
    qs: QuerySet[M], *, school: int | None, upn: str | None, pupil: int | None
) -> QuerySet[M]:
    if school is not None:
        qs = qs.filter(pupil__school_id=school)
    if upn:
        qs = qs.filter(pupil__upn=normalise_upn(upn))
    if pupil is not None:
        qs = qs.filter(pupil_id=pupil)
    return qs


def _cycle(
    request: HttpRequest, cycle_id: int, action: Action = Action.READ, *, reach: Reach = "any"
) -> Cycle:
    """get_for_user for a cycle (views, notes and amendments: reach="staff")."""
    return access.get_for_user(request, _cycles(api_user(request), reach), cycle_id, action)


def _plan_of(cycle: Cycle) -> Plan:
    plan = Plan.objects.filter(cycle=cycle).prefetch_related("targets").first()
    if plan is None:
        raise HttpError(
            404, f"This cycle has no plan yet: PUT it to /api/v1/cycles/{cycle.pk}/plan."
        )
    return plan


def _review_of(cycle: Cycle) -> Review:
    review = Review.objects.filter(cycle=cycle).prefetch_related("ratings__target").first()
    if review is None:
        raise HttpError(404, "This cycle has not been reviewed yet.")
    # The cycle the review opened is the pupil's next one, if there is one.
    next_cycle = Cycle.objects.filter(pupil_id=cycle.pupil_id, number=cycle.number + 1).first()
    review.next_cycle_id = next_cycle.pk if next_cycle else None  # type: ignore[attr-defined]
    return review


def _refused(exc: DjangoValidationError, locate: Callable[[str], list[str | int]]) -> Status[Any]:
    """A service's refusal as a 422, with each field error moved to where the client sent it."""
    items = from_django(exc)
    for item in items:
        if len(item["loc"]) == 2:
            item["loc"] = locate(item["loc"][1])
    return Status(422, {"detail": items})


def _version_needed(what: str) -> DjangoValidationError:
    return DjangoValidationError(
        {"version": [f"The {what} exists: send the version you read, so no change is lost."]}
    )


# ---- concerns --------------------------------------------------------------------------------------


@concerns.get("", response=list[ConcernOut], summary="List concerns")
@paginate(ApiPagination)
def list_concerns(
    request: HttpRequest,
    school: Id | None = None,
    upn: Text | None = None,
    pupil: Id | None = None,
    open: bool | None = None,
) -> QuerySet[Concern]:
    found = _by_pupil(_concerns(api_user(request)), school=school, upn=upn, pupil=pupil)
    if open is not None:
        found = found.filter(outcome="") if open else found.exclude(outcome="")
    return found


@concerns.get("/{int:concern_id}", response=ConcernOut, summary="Read a concern")
def get_concern(request: HttpRequest, concern_id: int) -> Concern:
    return access.get_for_user(request, _concerns(api_user(request)), concern_id)


@concerns.post("", response={201: ConcernOut}, summary="Raise a concern")
def create_concern(request: HttpRequest, payload: ConcernIn) -> Status[Concern]:
    user = api_user(request)
    pupil = access.get_for_user(user, _pupils(user), payload.pupil, Action.CONTRIBUTE)
    data = payload.model_dump(exclude={"pupil"})
    concern = services.concern_raise(pupil=pupil, **data, by=user, request=request)
    return Status(201, access.get_for_user(user, _concerns(user), concern.pk))


@concerns.post(
    "/{int:concern_id}/decision",
    response=ConcernOut,
    summary="Decide a concern",
    description="assess opens the pupil's next cycle (see cycle_id) unless one is open.",
)
def decide_concern(request: HttpRequest, concern_id: int, payload: ConcernDecisionIn) -> Concern:
    user = api_user(request)
    concern = access.get_for_user(user, _concerns(user), concern_id, Action.RUN_CYCLE)
    services.concern_decide(concern=concern, **payload.model_dump(), by=user, request=request)
    return access.get_for_user(request, _concerns(api_user(request)), concern_id)


# ---- cycles ----------------------------------------------------------------------------------------


@cycles.get("", response=list[CycleOut], summary="List cycles")
@paginate(ApiPagination)
def list_cycles(
    request: HttpRequest,
    school: Id | None = None,
    upn: Text | None = None,
    pupil: Id | None = None,
    open: bool | None = None,
) -> QuerySet[Cycle]:
    found = _by_pupil(_cycles(api_user(request)), school=school, upn=upn, pupil=pupil)
    if open is not None:
        found = found.filter(closed_on__isnull=open)
    return found


@cycles.post(
    "",
    response={201: CycleOut},
    summary="Open a cycle",
    description="Refused (422) while the pupil has an open cycle.",
)
def create_cycle(request: HttpRequest, payload: CycleIn) -> Status[Cycle]:
    user = api_user(request)
    pupil = access.get_for_user(user, _pupils(user), payload.pupil, Action.RUN_CYCLE)
    opened_on = payload.opened_on or timezone.localdate()
    cycle = services.cycle_open(pupil=pupil, opened_on=opened_on, by=user, request=request)
    return Status(201, _cycle(request, cycle.pk))


@cycles.get(
    "/{int:cycle_id}",
    response=CycleDetailOut,
    summary="Read a cycle (audited)",
    description="With its plan and targets, review, and (for staff; null for parents) views, "
    "Do notes and amendments.",
)
def get_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    user = api_user(request)
    cycle = access.get_for_user(user, support_selectors.cycle_record(_cycles(user)), cycle_id)
    cycle.for_staff = access.reaches_as_staff(user, cycle.pupil_id)  # type: ignore[attr-defined]
    audit.log(AuditAction.VIEW, user, cycle, request=request, pupil_id=cycle.pupil_id)
    return cycle


@cycles.get("/{int:cycle_id}/views", response=list[AssessmentViewOut], summary="List views")
@paginate(ApiPagination)
def list_views(request: HttpRequest, cycle_id: int) -> QuerySet[AssessmentView]:
    return _cycle(request, cycle_id, reach="staff").views.order_by("given_on", "pk")


@cycles.post("/{int:cycle_id}/views", response={201: AssessmentViewOut}, summary="Add a view")
def create_view(
    request: HttpRequest, cycle_id: int, payload: AssessmentViewIn
) -> Status[AssessmentView]:
    user, cycle = api_user(request), _cycle(request, cycle_id, Action.CONTRIBUTE)
    view = services.assessment_view_add(
        cycle=cycle, data=payload.model_dump(), by=user, request=request
    )
    return Status(201, view)


@cycles.get("/{int:cycle_id}/notes", response=list[DoNoteOut], summary="List Do notes")
@paginate(ApiPagination)
def list_notes(request: HttpRequest, cycle_id: int) -> QuerySet[DoNote]:
    return _cycle(request, cycle_id, reach="staff").notes.order_by("-on", "-pk")


@cycles.post("/{int:cycle_id}/notes", response={201: DoNoteOut}, summary="Add a Do note")
def create_note(request: HttpRequest, cycle_id: int, payload: DoNoteIn) -> Status[DoNote]:
    user, cycle = api_user(request), _cycle(request, cycle_id, Action.CONTRIBUTE)
    note = services.do_note_add(cycle=cycle, **payload.model_dump(), by=user, request=request)
    return Status(201, note)


# ---- the plan and its targets ------------------------------------------------------------------


@cycles.get("/{int:cycle_id}/plan", response=PlanOut, summary="Read a cycle's plan")
def get_plan(request: HttpRequest, cycle_id: int) -> Plan:
    return _plan_of(_cycle(request, cycle_id))


@cycles.put(
    "/{int:cycle_id}/plan",
    response={200: PlanOut, 201: PlanOut, **STALE},
    summary="Write or change a cycle's plan",
    description="201 when it creates the plan. Changing it needs the `version` you read; if "
    "someone saved a newer one meanwhile the answer is 409 Conflict, in the 422 shape, and "
    "nothing is written. A PUT without a version creates: if someone has just written the plan, "
    "it is 409 too. A reviewed cycle's plan changes only by an amendment.",
)
def put_plan(request: HttpRequest, cycle_id: int, payload: PlanIn) -> Status[Any]:
    user, cycle = api_user(request), _cycle(request, cycle_id, Action.RUN_CYCLE)
    plan = Plan.objects.filter(cycle=cycle).first()
    data = payload.model_dump(exclude={"version"})
    if plan is not None:
        if payload.version is None:
            raise _version_needed("plan")
        # The service dates a plan sent without dates today; here, left out means unchanged.
        data["plan_date"] = payload.plan_date or plan.plan_date
        data["review_date"] = payload.review_date or plan.review_date
    try:
        services.plan_save(
            cycle=cycle,
            data=services.plan_input(data),
            version=payload.version or 0,
            by=user,
            request=request,
        )
    except DjangoValidationError as exc:
        return stale(exc)
    return Status(200 if plan else 201, _plan_of(cycle))


@cycles.get(
    "/{int:cycle_id}/plan/targets", response=list[TargetOut], summary="List a plan's targets"
)
@paginate(ApiPagination)
def list_targets(request: HttpRequest, cycle_id: int) -> QuerySet[Target]:
    cycle = _cycle(request, cycle_id)
    return Target.objects.filter(plan__cycle=cycle).select_related("plan")


@cycles.post(
    "/{int:cycle_id}/plan/targets",
    response={201: TargetOut},
    summary="Add a target",
    description="SMART problems come back as `smart_warnings`; they never refuse the target.",
)
def create_target(request: HttpRequest, cycle_id: int, payload: TargetIn) -> Status[Target]:
    user, cycle = api_user(request), _cycle(request, cycle_id, Action.RUN_CYCLE)
    plan = _plan_of(cycle)
    target = services.target_add(plan=plan, data=payload.model_dump(), by=user, request=request)
    return Status(201, access.get_for_user(user, _targets(user), target.pk))


@targets.get("/{int:target_id}", response=TargetOut, summary="Read a target")
def get_target(request: HttpRequest, target_id: int) -> Target:
    return access.get_for_user(request, _targets(api_user(request)), target_id)


@targets.delete(
    "/{int:target_id}",
    response={204: None},
    summary="Remove a target",
    description="Only while its cycle is open (422 once reviewed).",
)
def delete_target(request: HttpRequest, target_id: int) -> Status[None]:
    user = api_user(request)
    target = access.get_for_user(user, _targets(user), target_id, Action.RUN_CYCLE)
    services.target_remove(target=target, by=user, request=request)
    return Status(204, None)


# ---- the review and amendments -------------------------------------------------------------------


@cycles.get("/{int:cycle_id}/review", response=ReviewOut, summary="Read a cycle's review")
def get_review(request: HttpRequest, cycle_id: int) -> Review:
    return _review_of(_cycle(request, cycle_id))


@cycles.post(
    "/{int:cycle_id}/review",
    response={201: ReviewOut, 422: FieldErrors},
    summary="Complete a cycle's review",
    description="Rate every target of the plan. Locks the cycle and, unless the decision is "
    "remove, opens the next cycle (next_cycle_id) with a plan carrying every target not achieved "
    "(its baseline now the value reached), reviewed on next_review_date if given. Each rating "
    "takes an outcome: achieved, partly_achieved, not_achieved or not_yet_due; only achieved "
    "counts as met. A completed review is not changed by PUT or PATCH (405): POST an amendment.",
)
def complete_review(request: HttpRequest, cycle_id: int, payload: ReviewIn) -> Status[Any]:
    user, cycle = api_user(request), _cycle(request, cycle_id, Action.RUN_CYCLE)
    ratings = {r.target_id: r.model_dump(exclude={"target_id"}) for r in payload.ratings}
    try:
        review, next_cycle = services.review_complete(
            cycle=cycle,
            data=services.review_input(payload.model_dump(exclude={"ratings"})),
            ratings=ratings,
            by=user,
            request=request,
        )
    except DjangoValidationError as exc:
        return _refused(exc, _rating_locator([r.target_id for r in payload.ratings]))
    review = _review_of(cycle)
    review.next_cycle_id = next_cycle.pk if next_cycle else None  # type: ignore[attr-defined]
    return Status(201, review)


def _rating_locator(target_ids: list[int]) -> Callable[[str], list[str | int]]:
    """The service names a rating's error rating_<target id>; the client sent a list."""
    index = {str(pk): i for i, pk in enumerate(target_ids)}

    def locate(field: str) -> list[str | int]:
        if not field.startswith("rating_"):
            return ["body", field]
        pk = field.removeprefix("rating_")
        return ["body", "ratings", index[pk], "rating"] if pk in index else ["body", "ratings"]

    return locate


@cycles.api_operation(["PUT", "PATCH"], "/{int:cycle_id}/review", include_in_schema=False)
def change_review(request: HttpRequest, cycle_id: int) -> HttpResponse:
    _cycle(request, cycle_id)
    response = JsonResponse(
        {
            "detail": "A review is completed once (POST) and then changed only by an amendment "
            f"with a reason: POST /api/v1/cycles/{cycle_id}/amendments."
        },
        status=405,
    )
    response["Allow"] = "GET, POST"
    return response


@cycles.post(
    "/{int:cycle_id}/review/given-to-parents",
    response=ReviewOut,
    summary="Record that the parents were given the review",
)
def review_given_to_parents(
    request: HttpRequest, cycle_id: int, payload: GivenToParentsIn
) -> Review:
    user, cycle = api_user(request), _cycle(request, cycle_id, Action.RUN_CYCLE)
    services.review_given_to_parents(
        review=_review_of(cycle), given_on=payload.given_on, by=user, request=request
    )
    return _review_of(cycle)


@cycles.get("/{int:cycle_id}/amendments", response=list[AmendmentOut], summary="List amendments")
@paginate(ApiPagination)
def list_amendments(request: HttpRequest, cycle_id: int) -> QuerySet[Amendment]:
    return _cycle(request, cycle_id, reach="staff").amendments.order_by("made_at", "pk")


@cycles.post(
    "/{int:cycle_id}/amendments",
    response={201: AmendmentOut, 422: FieldErrors},
    summary="Amend a reviewed cycle",
    description="The only way to change a locked cycle's plan or review; needs a reason.",
)
def create_amendment(request: HttpRequest, cycle_id: int, payload: AmendmentIn) -> Status[Any]:
    user, cycle = api_user(request), _cycle(request, cycle_id, Action.RUN_CYCLE)
    fields = services.AMENDABLE.get(payload.what, ())
    try:
        services.cycle_amend(cycle=cycle, **payload.model_dump(), by=user, request=request)
    except DjangoValidationError as exc:
        return _refused(exc, lambda f: ["body", "changes", f] if f in fields else ["body", f])
    return Status(201, cycle.amendments.order_by("made_at", "pk").last())


# ---- specialist involvement -------------------------------------------------------------------------


def _specialists_of(pupil: Pupil) -> QuerySet[SpecialistInvolvement]:
    return SpecialistInvolvement.objects.filter(pupil=pupil).prefetch_related("targets")


@passports.get(
    "/{int:pupil_id}/specialist-involvements",
    response=list[SpecialistInvolvementOut],
    summary="List a pupil's specialist involvements",
)
@paginate(ApiPagination)
def list_specialists(request: HttpRequest, pupil_id: int) -> QuerySet[SpecialistInvolvement]:
    user = api_user(request)
    staff = pupil_rows(access.visible_pupils(user, reach="staff"))
    pupil = access.get_for_user(request, staff, pupil_id, Action.READ)
    return _specialists_of(pupil).order_by("-asked_on", "-pk")


@passports.post(
    "/{int:pupil_id}/specialist-involvements",
    response={201: SpecialistInvolvementOut},
    summary="Record a specialist's involvement (with its real past dates)",
    description="The SENCo. `targets` are ids of this pupil's plan targets. Dates in the future, "
    "a visit or advice before the request, or another pupil's target are 422 and nothing is "
    "written. SPECIALIST_NOT_INVOLVED counts the involvement from `asked_on`.",
)
def create_specialist(
    request: HttpRequest, pupil_id: int, payload: SpecialistInvolvementIn
) -> Status[SpecialistInvolvement]:
    user = api_user(request)
    pupil = access.get_for_user(user, _pupils(user), pupil_id, Action.RUN_CYCLE)
    data = payload.model_dump(exclude={"targets"})
    wanted = set(payload.targets)
    found = list(Target.objects.filter(pk__in=wanted).select_related("plan__cycle"))
    if len(found) != len(wanted):
        raise DjangoValidationError({"targets": ["No such target for this pupil."]})
    involvement = services.specialist_involvement_add(
        pupil=pupil, data=data, targets=found, by=user, request=request
    )
    return Status(201, _specialists_of(pupil).get(pk=involvement.pk))


# ---- passports -------------------------------------------------------------------------------------


@passports.get(
    "/{int:pupil_id}/passport", response=PassportOut, summary="Read a pupil's passport (audited)"
)
def get_passport(request: HttpRequest, pupil_id: int) -> Passport:
    pupil = access.get_for_user(request, _pupils(api_user(request)), pupil_id, Action.READ)
    passport = _passport_of(pupil)
    audit.log(AuditAction.VIEW, api_user(request), passport, request=request, pupil_id=pupil.pk)
    return passport


@passports.put(
    "/{int:pupil_id}/passport",
    response={200: PassportOut, 201: PassportOut, **STALE},
    summary="Write or change a pupil's passport",
    description="201 when it creates the passport. Changing it needs the `version` you read; a "
    "stale one is 409 Conflict, in the 422 shape, and nothing is written. A PUT without a "
    "version creates: if someone has just written the passport, it is 409 too.",
)
def put_passport(request: HttpRequest, pupil_id: int, payload: PassportIn) -> Status[Any]:
    user = api_user(request)
    pupil = access.get_for_user(user, _pupils(user), pupil_id, Action.RUN_CYCLE)
    exists = Passport.objects.filter(pupil=pupil).exists()
    if exists and payload.version is None:
        raise _version_needed("passport")
    data = payload.model_dump(exclude={"version"})
    try:
        services.passport_save(
            pupil=pupil,
            data=services.passport_input(data),
            version=payload.version or 0,
            by=user,
            request=request,
        )
    except DjangoValidationError as exc:
        return stale(exc)
    return Status(200 if exists else 201, _passport_of(pupil))


def _passport_of(pupil: Pupil) -> Passport:
    passport = Passport.objects.filter(pupil=pupil).select_related("pupil").first()
    if passport is None:
        raise HttpError(404, "This pupil has no passport yet.")
    return passport
