"""Ranked census needs. Anyone who may see a pupil reads them; recording and ending a need is the
SENCo's (Action.CHANGE_REGISTER), through pupils.services."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

import access
from access import Action
from accounts.models import User
from api.auth import api_user
from api.pagination import ApiPagination
from api.schemas import Id, NeedEndIn, NeedIn, NeedOut, Text
from api.selectors import filter_by_pupil, need_rows, pupil_rows
from pupils import services
from pupils.models import Need

router = Router(tags=["needs"])


def _needs(user: User) -> QuerySet[Need]:
    return need_rows(access.visible_needs(user, reach="any"))


@router.get("", response=list[NeedOut], summary="List needs")
@paginate(ApiPagination)
def list_needs(
    request: HttpRequest,
    school: Id | None = None,
    upn: Text | None = None,
    pupil: Id | None = None,
    need_type: Text | None = None,
    open: bool | None = None,
) -> QuerySet[Need]:
    needs = filter_by_pupil(_needs(api_user(request)), school=school, upn=upn, pupil=pupil)
    if need_type:
        needs = needs.filter(need_type=need_type.strip().upper())
    if open is not None:
        needs = needs.filter(end_date__isnull=open)
    return needs


@router.get("/{int:need_id}", response=NeedOut, summary="Read a need")
def get_need(request: HttpRequest, need_id: int) -> Need:
    return access.get_for_user(request, _needs(api_user(request)), need_id, Action.READ)


@router.post(
    "",
    response={201: NeedOut},
    summary="Record a need",
    description="An open need of the same rank ends the day before start_date.",
)
def create_need(request: HttpRequest, payload: NeedIn) -> Status[Need]:
    user = api_user(request)
    pupils = pupil_rows(access.visible_pupils(user, reach="any"))
    pupil = access.get_for_user(user, pupils, payload.pupil, Action.CHANGE_REGISTER)
    need = services.need_add(
        pupil=pupil,
        need_type=payload.need_type,
        rank=payload.rank,
        start_date=payload.start_date,
        description=payload.description,
        by=user,
        request=request,
    )
    return Status(201, access.get_for_user(user, _needs(user), need.pk))


@router.patch("/{int:need_id}", response=NeedOut, summary="End a need")
def end_need(request: HttpRequest, need_id: int, payload: NeedEndIn) -> Need:
    user = api_user(request)
    need = access.get_for_user(user, _needs(user), need_id, Action.CHANGE_REGISTER)
    services.need_end(need=need, end_date=payload.end_date, by=user, request=request)
    return access.get_for_user(user, _needs(user), need_id)
