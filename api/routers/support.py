"""The graduated approach: concerns, Assess-Plan-Do-Review cycles (views, plan, targets, Do notes,
review, amendments) and pupils' passports, so a school's other systems can run a whole cycle.

Reads start from access.visible_pupils(reach="any"), as the rest of the API. Parents (reach
"family") read what the family pages give them: their child's cycles, plans with targets, reviews
and passport. Concerns, assessment views, Do notes and amendments are staff working records: a
parent gets 404 for them, and null for them inside a cycle. Writes go through support.services and
need the role (access.can_run_cycles for the SENCo's steps, access.can_contribute for concerns,
views and Do notes) and the pupil within the user's *staff* reach, so a teacher who is also a
parent at the school does not write to their own child's record as staff (403). A completed review
locks its cycle: every later change is an amendment with a reason (the services refuse the rest).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from accounts import access
from accounts.models import School, User
from api.auth import api_user
from api.errors import from_django, stale
from api.pagination import ApiPagination
from api.schemas import Text
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
    TargetIn,
    TargetOut,
)
from api.selectors import api_pupils, normalise_upn
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

CANNOT_CONTRIBUTE = "Your role cannot add to this pupil's SEN records."
CANNOT_RUN = "Only the SENCo decides concerns and writes plans, targets, reviews and passports."


STALE = {409: FieldErrors}


# ---- reads (each starts from what the user may see) --------------------------------------------


def _reach(user: User, *, staff: bool = False) -> QuerySet[Pupil]:
    # Used as a subquery (pupil__in=...): it selects the pupils' ids only.
    return access.visible_pupils(user, reach="staff" if staff else "any")


def _as_staff(user: User, pupil_id: int) -> bool:
    return access.visible_pupils(user, reach="staff").filter(pk=pupil_id).exists()


def api_concerns(user: User) -> QuerySet[Concern]:
    """Concerns about the pupils the user reaches as staff, newest first, with the cycle a
    decision to assess opened."""
    opened = Cycle.objects.filter(concern=OuterRef("pk")).order_by("number").values("pk")[:1]
    return (
        Concern.objects.filter(pupil__in=_reach(user, staff=True))
        .select_related("pupil__school")
        .annotate(cycle_id=Subquery(opened))
        .order_by("-raised_on", "-pk")
    )


def api_cycles(user: User, *, staff: bool = False) -> QuerySet[Cycle]:
    """Cycles of the pupils the user may see (with staff=True, reaches as staff), by pupil, the
    latest first."""
    return (
        Cycle.objects.filter(pupil__in=_reach(user, staff=staff))
        .select_related("pupil__school", "plan", "review")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pupil_id", "-number")
    )


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


def _visible_cycle(request: HttpRequest, cycle_id: int, *, staff: bool = False) -> Cycle:
    cycle = api_cycles(api_user(request), staff=staff).filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    return cycle


def _visible_concern(request: HttpRequest, concern_id: int) -> Concern:
    concern = api_concerns(api_user(request)).filter(pk=concern_id).first()
    if concern is None:
        raise Http404
    return concern


def _visible_pupil(request: HttpRequest, pupil_id: int) -> Pupil:
    pupil = api_pupils(api_user(request)).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404
    return pupil


def _plan_of(cycle: Cycle) -> Plan:
    plan = Plan.objects.filter(cycle=cycle).prefetch_related("targets").first()
    if plan is None:
        raise HttpError(
            404, f"This cycle has no plan yet: PUT it to /api/v1/cycles/{cycle.pk}/plan."
        )
    return plan


def _review_of(cycle: Cycle) -> Review:
    review = Review.objects.filter(cycle=cycle).prefetch_related("ratings").first()
    if review is None:
        raise HttpError(404, "This cycle has not been reviewed yet.")
    # The cycle the review opened is the pupil's next one, if there is one.
    next_cycle = Cycle.objects.filter(pupil_id=cycle.pupil_id, number=cycle.number + 1).first()
    review.next_cycle_id = next_cycle.pk if next_cycle else None  # type: ignore[attr-defined]
    return review


# ---- writes: the role, and the pupil within staff reach ------------------------------------------

Permission = Callable[[User, School], bool]


def _may(user: User, pupil: Pupil, allowed: Permission, refusal: str) -> None:
    """403 unless the user has the role at the pupil's school and reaches the pupil as staff."""
    if not (allowed(user, pupil.school) and _as_staff(user, pupil.pk)):
        raise PermissionDenied(refusal)


def _cycle_to_change(
    request: HttpRequest, cycle_id: int, allowed: Permission, refusal: str
) -> tuple[User, Cycle]:
    user = api_user(request)
    cycle = _visible_cycle(request, cycle_id)
    _may(user, cycle.pupil, allowed, refusal)
    return user, cycle


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
    school: int | None = None,
    upn: Text | None = None,
    pupil: int | None = None,
    open: bool | None = None,
) -> QuerySet[Concern]:
    found = _by_pupil(api_concerns(api_user(request)), school=school, upn=upn, pupil=pupil)
    if open is not None:
        found = found.filter(outcome="") if open else found.exclude(outcome="")
    return found


@concerns.get("/{int:concern_id}", response=ConcernOut, summary="Read a concern")
def get_concern(request: HttpRequest, concern_id: int) -> Concern:
    return _visible_concern(request, concern_id)


@concerns.post("", response={201: ConcernOut}, summary="Raise a concern")
def create_concern(request: HttpRequest, payload: ConcernIn) -> Status[Concern]:
    user = api_user(request)
    pupil = _visible_pupil(request, payload.pupil)
    _may(user, pupil, access.can_contribute, CANNOT_CONTRIBUTE)
    data = payload.model_dump(exclude={"pupil"})
    concern = services.concern_raise(pupil=pupil, **data, by=user, request=request)
    return Status(201, _visible_concern(request, concern.pk))


@concerns.post(
    "/{int:concern_id}/decision",
    response=ConcernOut,
    summary="Decide a concern",
    description="assess opens the pupil's next cycle (see cycle_id) unless one is open.",
)
def decide_concern(request: HttpRequest, concern_id: int, payload: ConcernDecisionIn) -> Concern:
    user = api_user(request)
    concern = _visible_concern(request, concern_id)
    _may(user, concern.pupil, access.can_run_cycles, CANNOT_RUN)
    services.concern_decide(concern=concern, **payload.model_dump(), by=user, request=request)
    return _visible_concern(request, concern_id)


# ---- cycles ----------------------------------------------------------------------------------------


@cycles.get("", response=list[CycleOut], summary="List cycles")
@paginate(ApiPagination)
def list_cycles(
    request: HttpRequest,
    school: int | None = None,
    upn: Text | None = None,
    pupil: int | None = None,
    open: bool | None = None,
) -> QuerySet[Cycle]:
    found = _by_pupil(api_cycles(api_user(request)), school=school, upn=upn, pupil=pupil)
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
    pupil = _visible_pupil(request, payload.pupil)
    _may(user, pupil, access.can_run_cycles, CANNOT_RUN)
    opened_on = payload.opened_on or timezone.localdate()
    cycle = services.cycle_open(pupil=pupil, opened_on=opened_on, by=user, request=request)
    return Status(201, _visible_cycle(request, cycle.pk))


@cycles.get(
    "/{int:cycle_id}",
    response=CycleDetailOut,
    summary="Read a cycle (audited)",
    description="With its plan and targets, review, and (for staff; null for parents) views, "
    "Do notes and amendments.",
)
def get_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    user = api_user(request)
    cycle = support_selectors.cycle_record(api_cycles(user)).filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    cycle.for_staff = _as_staff(user, cycle.pupil_id)  # type: ignore[attr-defined]
    audit.log(AuditAction.VIEW, user, cycle, request=request, pupil_id=cycle.pupil_id)
    return cycle


@cycles.get("/{int:cycle_id}/views", response=list[AssessmentViewOut], summary="List views")
@paginate(ApiPagination)
def list_views(request: HttpRequest, cycle_id: int) -> QuerySet[AssessmentView]:
    return _visible_cycle(request, cycle_id, staff=True).views.order_by("given_on", "pk")


@cycles.post("/{int:cycle_id}/views", response={201: AssessmentViewOut}, summary="Add a view")
def create_view(
    request: HttpRequest, cycle_id: int, payload: AssessmentViewIn
) -> Status[AssessmentView]:
    user, cycle = _cycle_to_change(request, cycle_id, access.can_contribute, CANNOT_CONTRIBUTE)
    view = services.assessment_view_add(
        cycle=cycle, data=payload.model_dump(), by=user, request=request
    )
    return Status(201, view)


@cycles.get("/{int:cycle_id}/notes", response=list[DoNoteOut], summary="List Do notes")
@paginate(ApiPagination)
def list_notes(request: HttpRequest, cycle_id: int) -> QuerySet[DoNote]:
    return _visible_cycle(request, cycle_id, staff=True).notes.order_by("-on", "-pk")


@cycles.post("/{int:cycle_id}/notes", response={201: DoNoteOut}, summary="Add a Do note")
def create_note(request: HttpRequest, cycle_id: int, payload: DoNoteIn) -> Status[DoNote]:
    user, cycle = _cycle_to_change(request, cycle_id, access.can_contribute, CANNOT_CONTRIBUTE)
    note = services.do_note_add(cycle=cycle, **payload.model_dump(), by=user, request=request)
    return Status(201, note)


# ---- the plan and its targets ------------------------------------------------------------------


@cycles.get("/{int:cycle_id}/plan", response=PlanOut, summary="Read a cycle's plan")
def get_plan(request: HttpRequest, cycle_id: int) -> Plan:
    return _plan_of(_visible_cycle(request, cycle_id))


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
    user, cycle = _cycle_to_change(request, cycle_id, access.can_run_cycles, CANNOT_RUN)
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
            cycle=cycle, data=data, version=payload.version or 0, by=user, request=request
        )
    except DjangoValidationError as exc:
        return stale(exc)
    return Status(200 if plan else 201, _plan_of(cycle))


@cycles.get(
    "/{int:cycle_id}/plan/targets", response=list[TargetOut], summary="List a plan's targets"
)
@paginate(ApiPagination)
def list_targets(request: HttpRequest, cycle_id: int) -> QuerySet[Target]:
    cycle = _visible_cycle(request, cycle_id)
    return Target.objects.filter(plan__cycle=cycle).select_related("plan")


@cycles.post(
    "/{int:cycle_id}/plan/targets",
    response={201: TargetOut},
    summary="Add a target",
    description="SMART problems come back as `smart_warnings`; they never refuse the target.",
)
def create_target(request: HttpRequest, cycle_id: int, payload: TargetIn) -> Status[Target]:
    user, cycle = _cycle_to_change(request, cycle_id, access.can_run_cycles, CANNOT_RUN)
    plan = _plan_of(cycle)
    target = services.target_add(plan=plan, data=payload.model_dump(), by=user, request=request)
    return Status(201, _visible_target(request, target.pk))


def _visible_target(request: HttpRequest, target_id: int) -> Target:
    target = (
        Target.objects.filter(plan__cycle__pupil__in=_reach(api_user(request)))
        .select_related("plan__cycle__pupil__school")
        .filter(pk=target_id)
        .first()
    )
    if target is None:
        raise Http404
    return target


@targets.get("/{int:target_id}", response=TargetOut, summary="Read a target")
def get_target(request: HttpRequest, target_id: int) -> Target:
    return _visible_target(request, target_id)


@targets.delete(
    "/{int:target_id}",
    response={204: None},
    summary="Remove a target",
    description="Only while its cycle is open (422 once reviewed).",
)
def delete_target(request: HttpRequest, target_id: int) -> Status[None]:
    user = api_user(request)
    target = _visible_target(request, target_id)
    _may(user, target.plan.cycle.pupil, access.can_run_cycles, CANNOT_RUN)
    services.target_remove(target=target, by=user, request=request)
    return Status(204, None)


# ---- the review and amendments -------------------------------------------------------------------


@cycles.get("/{int:cycle_id}/review", response=ReviewOut, summary="Read a cycle's review")
def get_review(request: HttpRequest, cycle_id: int) -> Review:
    return _review_of(_visible_cycle(request, cycle_id))


@cycles.post(
    "/{int:cycle_id}/review",
    response={201: ReviewOut, 422: FieldErrors},
    summary="Complete a cycle's review",
    description="Rate every target of the plan. Locks the cycle and, unless the decision is "
    "remove, opens the next cycle (next_cycle_id) with a plan carrying every target rated below "
    "expected. A completed review is not changed by PUT or PATCH (405): POST an amendment.",
)
def complete_review(request: HttpRequest, cycle_id: int, payload: ReviewIn) -> Status[Any]:
    user, cycle = _cycle_to_change(request, cycle_id, access.can_run_cycles, CANNOT_RUN)
    ratings = {r.target_id: r.model_dump(exclude={"target_id"}) for r in payload.ratings}
    try:
        review, next_cycle = services.review_complete(
            cycle=cycle,
            data=payload.model_dump(exclude={"ratings"}),
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
    _visible_cycle(request, cycle_id)
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
    user, cycle = _cycle_to_change(request, cycle_id, access.can_run_cycles, CANNOT_RUN)
    services.review_given_to_parents(
        review=_review_of(cycle), given_on=payload.given_on, by=user, request=request
    )
    return _review_of(cycle)


@cycles.get("/{int:cycle_id}/amendments", response=list[AmendmentOut], summary="List amendments")
@paginate(ApiPagination)
def list_amendments(request: HttpRequest, cycle_id: int) -> QuerySet[Amendment]:
    return _visible_cycle(request, cycle_id, staff=True).amendments.order_by("made_at", "pk")


@cycles.post(
    "/{int:cycle_id}/amendments",
    response={201: AmendmentOut, 422: FieldErrors},
    summary="Amend a reviewed cycle",
    description="The only way to change a locked cycle's plan or review; needs a reason.",
)
def create_amendment(request: HttpRequest, cycle_id: int, payload: AmendmentIn) -> Status[Any]:
    user, cycle = _cycle_to_change(request, cycle_id, access.can_run_cycles, CANNOT_RUN)
    fields = services.AMENDABLE.get(payload.what, ())
    try:
        services.cycle_amend(cycle=cycle, **payload.model_dump(), by=user, request=request)
    except DjangoValidationError as exc:
        return _refused(exc, lambda f: ["body", "changes", f] if f in fields else ["body", f])
    return Status(201, cycle.amendments.order_by("made_at", "pk").last())


# ---- passports -------------------------------------------------------------------------------------


@passports.get(
    "/{int:pupil_id}/passport", response=PassportOut, summary="Read a pupil's passport (audited)"
)
def get_passport(request: HttpRequest, pupil_id: int) -> Passport:
    pupil = _visible_pupil(request, pupil_id)
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
    pupil = _visible_pupil(request, pupil_id)
    _may(user, pupil, access.can_run_cycles, CANNOT_RUN)
    exists = Passport.objects.filter(pupil=pupil).exists()
    if exists and payload.version is None:
        raise _version_needed("passport")
    data = payload.model_dump(exclude={"version"})
    try:
        services.passport_save(
            pupil=pupil, data=data, version=payload.version or 0, by=user, request=request
        )
    except DjangoValidationError as exc:
        return stale(exc)
    return Status(200 if exists else 201, _passport_of(pupil))


def _passport_of(pupil: Pupil) -> Passport:
    passport = Passport.objects.filter(pupil=pupil).select_related("pupil").first()
    if passport is None:
        raise HttpError(404, "This pupil has no passport yet.")
    return passport
