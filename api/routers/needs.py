"""Ranked census needs. Anyone who may see a pupil reads them; recording and ending a need is the
SENCo's (access.can_change_register), through pupils.services."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts import access
from api.auth import api_user
from api.pagination import ApiPagination
from api.schemas import NeedEndIn, NeedIn, NeedOut, Text
from api.selectors import api_needs, filter_by_pupil, pupil_for_register_write
from pupils import services
from pupils.models import Need

router = Router(tags=["needs"])

CANNOT_CHANGE = "Your role cannot change pupils' needs at this school."


@router.get("", response=list[NeedOut], summary="List needs")
@paginate(ApiPagination)
def list_needs(
    request: HttpRequest,
    school: int | None = None,
    upn: Text | None = None,
    pupil: int | None = None,
    need_type: Text | None = None,
    open: bool | None = None,
) -> QuerySet[Need]:
    needs = filter_by_pupil(api_needs(api_user(request)), school=school, upn=upn, pupil=pupil)
    if need_type:
        needs = needs.filter(need_type=need_type.strip().upper())
    if open is not None:
        needs = needs.filter(end_date__isnull=open)
    return needs


@router.get("/{int:need_id}", response=NeedOut, summary="Read a need")
def get_need(request: HttpRequest, need_id: int) -> Need:
    return _visible_need(request, need_id)


@router.post(
    "",
    response={201: NeedOut},
    summary="Record a need",
    description="An open need of the same rank ends the day before start_date.",
)
def create_need(request: HttpRequest, payload: NeedIn) -> Status[Need]:
    user = api_user(request)
    pupil = pupil_for_register_write(user, payload.pupil, refusal=CANNOT_CHANGE)
    need = services.need_add(
        pupil=pupil,
        need_type=payload.need_type,
        rank=payload.rank,
        start_date=payload.start_date,
        description=payload.description,
        by=user,
        request=request,
    )
    return Status(201, _visible_need(request, need.pk))


@router.patch("/{int:need_id}", response=NeedOut, summary="End a need")
def end_need(request: HttpRequest, need_id: int, payload: NeedEndIn) -> Need:
    user = api_user(request)
    need = _visible_need(request, need_id)
    if not access.can_change_register(user, need.pupil.school):
        raise PermissionDenied(CANNOT_CHANGE)
    services.need_end(need=need, end_date=payload.end_date, by=user, request=request)
    return _visible_need(request, need_id)


def _visible_need(request: HttpRequest, need_id: int) -> Need:
    need = api_needs(api_user(request)).filter(pk=need_id).first()
    if need is None:
        raise Http404
    return need
