"""EHC needs assessment requests and EHC plans (statutory/). Read within the EHC reach
(access.visible_ehc_requests / visible_ehc_plans: the school's SENCo, senior leaders and
administrator, the LA's officers, the pupil's parents)."""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

import access
from access import Action
from accounts.models import User
from api.auth import api_user
from api.pagination import ApiPagination
from api.schemas import Id, Text
from api.schemas_statutory import EHCPlanOut, EHCRequestOut
from api.selectors import filter_by_pupil
from statutory.models import EHCPlan, EHCRequest, PlanOutcome, PlanProvision

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
        )
        .order_by("-issue_date", "-pk")
    )


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
