"""EHC needs assessment requests and EHC plans (statutory/). Read within the EHC reach
(access.visible_ehc_requests / visible_ehc_plans: the school's SENCo, senior leaders and
administrator, the LA's officers, the pupil's parents).

Writes go through statutory.services with real past dates (a school or LA migrating its records):
- the school (Action.RECORD_EHC: the SENCo; also the LA's officers) records a request, a plan
  the LA issued and its sections, an annual review meeting, its invitations and contributions and
  the date its report went to the LA, and phase transfers;
- the LA's officers only (Action.DECIDE_EHC) record the LA's decisions: whether to assess, the
  assessment outcome, the draft and final plan dates, reg 10(4) exceptions, and the decision after
  an annual review with its amended plan (a decision to amend starts a new version of the plan;
  the one it replaces is kept read-only: GET /ehc-plans/{id}/versions).
Bad input is a 422 with field errors and nothing is written."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

import access
from access import Action
from accounts.models import User
from api.auth import api_user
from api.pagination import ApiPagination
from api.schemas import Id, Text
from api.schemas_statutory import (
    AnnualReviewIn,
    AnnualReviewOut,
    AnnualReviewUpdateIn,
    EHCPlanIn,
    EHCPlanOut,
    EHCRequestDecisionIn,
    EHCRequestIn,
    EHCRequestOut,
    PhaseTransferIn,
    PhaseTransferOut,
    PhaseTransferUpdateIn,
    PlanUpdateIn,
    PlanVersionOut,
    RegExceptionIn,
    RegExceptionOut,
    ReviewDecisionIn,
    ReviewInvitationIn,
    ReviewInvitationOut,
    ReviewInvitationUpdateIn,
)
from api.selectors import filter_by_pupil
from statutory import selectors, services
from statutory.models import (
    AnnualReview,
    EHCPlan,
    EHCRequest,
    PhaseTransfer,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    ReviewInvitation,
)

router = Router(tags=["EHC"])


def _requests(user: User) -> QuerySet[EHCRequest]:
    return (
        access.visible_ehc_requests(user, reach="any")
        .select_related("pupil__school", "la")
        .prefetch_related("exceptions")
        .order_by("-received_date", "-pk")
    )


def _plans(user: User) -> QuerySet[EHCPlan]:
    return (
        access.visible_ehc_plans(user, reach="any")
        .select_related("pupil__school", "la")
        .prefetch_related(
            Prefetch("outcomes", PlanOutcome.objects.prefetch_related("targets")),
            Prefetch("provision_items", PlanProvision.objects.prefetch_related("provisions")),
            "reviews",
            "transfers",
        )
        .order_by("-issue_date", "-pk")
    )


def _reviews(user: User) -> QuerySet[AnnualReview]:
    return (
        access.visible_annual_reviews(user, reach="any")
        .select_related("plan__pupil__school")
        .prefetch_related("invitations")
        .order_by("-meeting_date", "-pk")
    )


def _sections(payload: Any, exclude: set[str]) -> dict[str, Any]:
    """The sections sent, with E and F under the services' names."""
    data = payload.model_dump(exclude_unset=True, exclude=exclude)
    if "e_outcomes" in data:
        data["outcomes"] = data.pop("e_outcomes")
    if "f_provision" in data:
        data["provision_items"] = data.pop("f_provision")
    return {k: v for k, v in data.items() if v is not None or k in ("issue_date",)}


def _sent(payload: Any) -> dict[str, Any]:
    """What a PATCH sent (null for a date clears it; null for a code or a flag is left out)."""
    data = payload.model_dump(exclude_unset=True)
    nullable = {k for k, f in type(payload).model_fields.items() if "date" in k}
    return {k: v for k, v in data.items() if v is not None or k in nullable}


@router.get(
    "/ehc-requests", response=list[EHCRequestOut], summary="List EHC needs assessment requests"
)
@paginate(ApiPagination)
def list_requests(
    request: HttpRequest,
    school: Id | None = None,
    upn: Text | None = None,
    pupil: Id | None = None,
) -> QuerySet[EHCRequest]:
    return filter_by_pupil(_requests(api_user(request)), school=school, upn=upn, pupil=pupil)


@router.get(
    "/ehc-requests/{int:request_id}",
    response=EHCRequestOut,
    summary="Read an EHC needs assessment request",
)
def get_request(request: HttpRequest, request_id: int) -> EHCRequest:
    return access.get_for_user(request, _requests(api_user(request)), request_id, Action.READ)


@router.get("/ehc-plans", response=list[EHCPlanOut], summary="List EHC plans")
@paginate(ApiPagination)
def list_plans(
    request: HttpRequest,
    school: Id | None = None,
    upn: Text | None = None,
    pupil: Id | None = None,
) -> QuerySet[EHCPlan]:
    return filter_by_pupil(_plans(api_user(request)), school=school, upn=upn, pupil=pupil)


@router.get("/ehc-plans/{int:plan_id}", response=EHCPlanOut, summary="Read an EHC plan")
def get_plan(request: HttpRequest, plan_id: int) -> EHCPlan:
    return access.get_for_user(request, _plans(api_user(request)), plan_id, Action.READ)


# ---- writes: requests ----------------------------------------------------------------------------


@router.post(
    "/ehc-requests",
    response={201: EHCRequestOut},
    summary="Record an EHC needs assessment request",
    description="The school's own, or one the parents (or health, social care) made; "
    "received_date may be past. The LA is the pupil's school's.",
)
def create_request(request: HttpRequest, payload: EHCRequestIn) -> Status[EHCRequest]:
    user = api_user(request)
    pupil = access.get_for_user(
        user,
        access.visible_pupils(user, reach="staff").select_related("school"),
        payload.pupil,
        Action.RECORD_EHC,
    )
    ehc = services.ehc_request_create(
        pupil=pupil, by=user, request=request, **payload.model_dump(exclude={"pupil"})
    )
    return Status(201, access.get_for_user(user, _requests(user), ehc.pk))


@router.patch(
    "/ehc-requests/{int:request_id}",
    response=EHCRequestOut,
    summary="Record the LA's decisions and dates on a request",
    description="An officer of the request's LA: the decision whether to assess, the "
    "assessment outcome, mediation and tribunal, the draft and final plan dates.",
)
def decide_request(
    request: HttpRequest, request_id: int, payload: EHCRequestDecisionIn
) -> EHCRequest:
    user = api_user(request)
    ehc = access.get_for_user(user, _requests(user), request_id, Action.DECIDE_EHC)
    services.ehc_request_update(ehc_request=ehc, by=user, request=request, **_sent(payload))
    return access.get_for_user(user, _requests(user), request_id)


@router.post(
    "/ehc-requests/{int:request_id}/exceptions",
    response={201: RegExceptionOut},
    summary="Record a reg 10(4) exception to the time limits",
)
def create_exception(request: HttpRequest, request_id: int, payload: RegExceptionIn) -> Status[Any]:
    user = api_user(request)
    ehc = access.get_for_user(user, _requests(user), request_id, Action.DECIDE_EHC)
    found = services.reg_exception_add(
        ehc_request=ehc, by=user, request=request, **payload.model_dump()
    )
    return Status(201, found)


# ---- writes: plans and their versions ------------------------------------------------------------


@router.post(
    "/ehc-plans",
    response={201: EHCPlanOut},
    summary="Enter an EHC plan the LA issued",
    description="Section by section from its PDF, for a recorded request or one issued before; "
    "the pupil goes on the register as E from the issue date.",
)
def create_plan(request: HttpRequest, payload: EHCPlanIn) -> Status[EHCPlan]:
    user = api_user(request)
    ehc = None
    if payload.request is not None:
        ehc = access.get_for_user(user, _requests(user), payload.request, Action.RECORD_EHC)
        pupil = ehc.pupil
        if pupil.pk != payload.pupil:
            raise ValidationError({"request": "That request is for another pupil."})
    else:
        pupil = access.get_for_user(
            user,
            access.visible_pupils(user, reach="staff").select_related("school"),
            payload.pupil,
            Action.RECORD_EHC,
        )
    data = _sections(payload, {"pupil", "request", "issue_date"})
    plan = services.ehc_plan_issue(
        pupil=pupil, issue_date=payload.issue_date, ehc_request=ehc, by=user, request=request,
        **data,
    )  # fmt: skip
    return Status(201, access.get_for_user(user, _plans(user), plan.pk))


@router.patch(
    "/ehc-plans/{int:plan_id}",
    response=EHCPlanOut,
    summary="Enter or change the current version's sections",
    description="E and F are lists, one item each, kept by position (their links to targets "
    "and provision stay). Versions an amendment replaced are read-only.",
)
def update_plan(request: HttpRequest, plan_id: int, payload: PlanUpdateIn) -> EHCPlan:
    user = api_user(request)
    plan = access.get_for_user(user, _plans(user), plan_id, Action.RECORD_EHC)
    data = _sections(payload, set())
    if data.get("issue_date", 0) is None:
        data.pop("issue_date")
    services.ehc_plan_update(plan=plan, by=user, request=request, **data)
    return access.get_for_user(user, _plans(user), plan_id)


@router.get(
    "/ehc-plans/{int:plan_id}/versions",
    response=list[PlanVersionOut],
    summary="The versions of a plan that amendments replaced",
    description="Oldest first, read-only, each with its dates, its sections as they were, and "
    "which sections the next version changed.",
)
def list_versions(request: HttpRequest, plan_id: int) -> list[PlanVersion]:
    plan = access.get_for_user(request, _plans(api_user(request)), plan_id, Action.READ)
    return selectors.plan_versions(plan)


# ---- annual reviews --------------------------------------------------------------------------------


@router.get(
    "/ehc-plans/{int:plan_id}/annual-reviews",
    response=list[AnnualReviewOut],
    summary="A plan's annual reviews",
)
@paginate(ApiPagination)
def list_reviews(request: HttpRequest, plan_id: int) -> QuerySet[AnnualReview]:
    user = api_user(request)
    access.get_for_user(request, _plans(user), plan_id, Action.READ)
    return _reviews(user).filter(plan_id=plan_id)


@router.post(
    "/ehc-plans/{int:plan_id}/annual-reviews",
    response={201: AnnualReviewOut},
    summary="Record an annual review meeting",
    description="What the school records: the meeting date and the date its report went to "
    "the LA. The LA's decision follows (PATCH /annual-reviews/{id}/decision).",
)
def create_review(
    request: HttpRequest, plan_id: int, payload: AnnualReviewIn
) -> Status[AnnualReview]:
    user = api_user(request)
    plan = access.get_for_user(user, _plans(user), plan_id, Action.RECORD_EHC)
    review = services.annual_review_record(
        plan=plan, by=user, request=request, **payload.model_dump()
    )
    return Status(201, access.get_for_user(user, _reviews(user), review.pk))


@router.get(
    "/annual-reviews/{int:review_id}", response=AnnualReviewOut, summary="Read an annual review"
)
def get_review(request: HttpRequest, review_id: int) -> AnnualReview:
    return access.get_for_user(request, _reviews(api_user(request)), review_id, Action.READ)


@router.patch(
    "/annual-reviews/{int:review_id}",
    response=AnnualReviewOut,
    summary="Change what the school recorded of a review",
)
def update_review(
    request: HttpRequest, review_id: int, payload: AnnualReviewUpdateIn
) -> AnnualReview:
    user = api_user(request)
    review = access.get_for_user(user, _reviews(user), review_id, Action.RECORD_EHC)
    services.annual_review_update(review=review, by=user, request=request, **_sent(payload))
    return access.get_for_user(user, _reviews(user), review_id)


@router.patch(
    "/annual-reviews/{int:review_id}/decision",
    response=AnnualReviewOut,
    summary="Record the LA's decision after an annual review",
    description="An officer of the plan's LA: maintain, amend or cease (SEN2 ReviewOutcome) "
    "with its date; for amend the proposed amendments' and the final amended plan's dates (a "
    "decision to amend keeps the plan as it stands as a read-only version); for cease the "
    "reason.",
)
def decide_review(request: HttpRequest, review_id: int, payload: ReviewDecisionIn) -> AnnualReview:
    user = api_user(request)
    review = access.get_for_user(user, _reviews(user), review_id, Action.DECIDE_EHC)
    services.annual_review_update(review=review, by=user, request=request, **_sent(payload))
    return access.get_for_user(user, _reviews(user), review_id)


@router.post(
    "/annual-reviews/{int:review_id}/invitations",
    response={201: ReviewInvitationOut},
    summary="Record an invitation to the review and the advice asked for",
    description="reg 20(2)-(3): the parents, the young person, the school, the LA, health, "
    "social care and other professionals; at least 2 weeks' notice (a shorter one is kept and "
    "flagged short_notice).",
)
def create_invitation(
    request: HttpRequest, review_id: int, payload: ReviewInvitationIn
) -> Status[ReviewInvitation]:
    user = api_user(request)
    review = access.get_for_user(user, _reviews(user), review_id, Action.RECORD_EHC)
    invitation = services.review_invitation_add(
        review=review, by=user, request=request, **payload.model_dump()
    )
    return Status(201, invitation)


@router.patch(
    "/annual-reviews/{int:review_id}/invitations/{int:invitation_id}",
    response=ReviewInvitationOut,
    summary="Record the advice received from someone invited",
)
def update_invitation(
    request: HttpRequest, review_id: int, invitation_id: int, payload: ReviewInvitationUpdateIn
) -> ReviewInvitation:
    user = api_user(request)
    review = access.get_for_user(user, _reviews(user), review_id, Action.RECORD_EHC)
    invitation = access.get_for_user(
        user, review.invitations.select_related("review"), invitation_id
    )
    return services.review_invitation_update(
        invitation=invitation, by=user, request=request, **_sent(payload)
    )


# ---- phase transfers -------------------------------------------------------------------------------


@router.post(
    "/ehc-plans/{int:plan_id}/phase-transfers",
    response={201: PhaseTransferOut},
    summary="Record a phase transfer (reg 18)",
)
def create_transfer(
    request: HttpRequest, plan_id: int, payload: PhaseTransferIn
) -> Status[PhaseTransfer]:
    user = api_user(request)
    plan = access.get_for_user(user, _plans(user), plan_id, Action.RECORD_EHC)
    transfer = services.phase_transfer_record(
        plan=plan, by=user, request=request, **payload.model_dump()
    )
    return Status(201, transfer)


@router.patch(
    "/phase-transfers/{int:transfer_id}",
    response=PhaseTransferOut,
    summary="Name the new setting, record the amended plan's final date",
)
def update_transfer(
    request: HttpRequest, transfer_id: int, payload: PhaseTransferUpdateIn
) -> PhaseTransfer:
    user = api_user(request)
    transfers = access.visible_phase_transfers(user, reach="any").select_related("plan__pupil")
    transfer = access.get_for_user(user, transfers, transfer_id, Action.RECORD_EHC)
    return services.phase_transfer_update(
        transfer=transfer, by=user, request=request, **_sent(payload)
    )
