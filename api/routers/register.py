"""The SEN register history. Anyone who may see a pupil reads their entries; a change (placing
on, changing, removing) and the record of telling the parents are the SENCo's
(access.can_change_register), made through pupils.services."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts import access
from api.auth import api_user
from api.pagination import ApiPagination
from api.schemas import ParentsInformedIn, RegisterChangeIn, RegisterEntryOut, Text
from api.selectors import (
    api_register_entries,
    filter_by_pupil,
    pupil_for_register_write,
)
from pupils import services
from pupils.models import RegisterEntry

router = Router(tags=["register entries"])

CANNOT_CHANGE = "Your role cannot change the SEN register at this school."


@router.get("", response=list[RegisterEntryOut], summary="List register entries")
@paginate(ApiPagination)
def list_register_entries(
    request: HttpRequest,
    school: int | None = None,
    upn: Text | None = None,
    pupil: int | None = None,
    provision: Text | None = None,
    open: bool | None = None,
) -> QuerySet[RegisterEntry]:
    entries = filter_by_pupil(
        api_register_entries(api_user(request)), school=school, upn=upn, pupil=pupil
    )
    if provision:
        entries = entries.filter(provision=provision.strip().upper())
    if open is not None:
        entries = entries.filter(end_date__isnull=open)
    return entries


@router.get("/{int:entry_id}", response=RegisterEntryOut, summary="Read a register entry")
def get_register_entry(request: HttpRequest, entry_id: int) -> RegisterEntry:
    return _visible_entry(request, entry_id)


@router.post(
    "",
    response={201: RegisterEntryOut},
    summary="Change a pupil's SEN provision",
    description="Closes the open entry the day before start_date and opens a new one.",
)
def create_register_entry(request: HttpRequest, payload: RegisterChangeIn) -> Status[RegisterEntry]:
    user = api_user(request)
    pupil = pupil_for_register_write(user, payload.pupil, refusal=CANNOT_CHANGE)
    entry = services.register_change(
        pupil=pupil,
        provision=payload.provision,
        start_date=payload.start_date,
        reason=payload.reason,
        decided_by_name=payload.decided_by_name,
        by=user,
        request=request,
    )
    return Status(201, _visible_entry(request, entry.pk))


@router.patch(
    "/{int:entry_id}",
    response=RegisterEntryOut,
    summary="Record that the parents were told",
)
def record_parents_informed(
    request: HttpRequest, entry_id: int, payload: ParentsInformedIn
) -> RegisterEntry:
    user = api_user(request)
    entry = _visible_entry(request, entry_id)
    if not access.can_change_register(user, entry.pupil.school):
        raise PermissionDenied(CANNOT_CHANGE)
    services.register_record_parents_informed(
        entry=entry,
        informed_on=payload.informed_on,
        how=payload.how,
        note=payload.note,
        by=user,
        request=request,
    )
    return _visible_entry(request, entry_id)


def _visible_entry(request: HttpRequest, entry_id: int) -> RegisterEntry:
    entry = api_register_entries(api_user(request)).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry
