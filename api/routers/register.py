"""The SEN register history. Anyone who may see a pupil reads their entries; a change (placing
on, changing, removing) and the record of telling the parents are the SENCo's
(Action.CHANGE_REGISTER), made through pupils.services."""

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
from api.schemas import Id, ParentsInformedIn, RegisterChangeIn, RegisterEntryOut, Text
from api.selectors import filter_by_pupil, pupil_rows, register_rows
from pupils import services
from pupils.models import RegisterEntry
from support import services as support_services

router = Router(tags=["register entries"])


def _entries(user: User) -> QuerySet[RegisterEntry]:
    return register_rows(access.visible_register_entries(user, reach="any"))


@router.get("", response=list[RegisterEntryOut], summary="List register entries")
@paginate(ApiPagination)
def list_register_entries(
    request: HttpRequest,
    school: Id | None = None,
    upn: Text | None = None,
    pupil: Id | None = None,
    provision: Text | None = None,
    open: bool | None = None,
) -> QuerySet[RegisterEntry]:
    entries = filter_by_pupil(_entries(api_user(request)), school=school, upn=upn, pupil=pupil)
    if provision:
        entries = entries.filter(provision=provision.strip().upper())
    if open is not None:
        entries = entries.filter(end_date__isnull=open)
    return entries


@router.get("/{int:entry_id}", response=RegisterEntryOut, summary="Read a register entry")
def get_register_entry(request: HttpRequest, entry_id: int) -> RegisterEntry:
    return access.get_for_user(request, _entries(api_user(request)), entry_id, Action.READ)


@router.post(
    "",
    response={201: RegisterEntryOut},
    summary="Change a pupil's SEN provision",
    description="Closes the open entry the day before start_date and opens a new one. A removal "
    "(N) also closes the pupil's open cycle with closing_note and, unless end_needs is false, "
    "ends their open needs.",
)
def create_register_entry(request: HttpRequest, payload: RegisterChangeIn) -> Status[RegisterEntry]:
    user = api_user(request)
    pupils = pupil_rows(access.visible_pupils(user, reach="any"))
    pupil = access.get_for_user(user, pupils, payload.pupil, Action.CHANGE_REGISTER)
    needs = support_services.NeedsOnRemoval
    entry = support_services.register_decide(
        pupil=pupil,
        provision=payload.provision,
        start_date=payload.start_date,
        reason=payload.reason,
        need_type=payload.need_type,
        closing_note=payload.closing_note,
        needs=needs.END if payload.end_needs else needs.KEEP,
        decided_by_name=payload.decided_by_name,
        by=user,
        request=request,
    )
    return Status(201, access.get_for_user(user, _entries(user), entry.pk))


@router.patch(
    "/{int:entry_id}",
    response=RegisterEntryOut,
    summary="Record that the parents were told",
)
def record_parents_informed(
    request: HttpRequest, entry_id: int, payload: ParentsInformedIn
) -> RegisterEntry:
    user = api_user(request)
    entry = access.get_for_user(user, _entries(user), entry_id, Action.CHANGE_REGISTER)
    services.register_record_parents_informed(
        entry=entry,
        informed_on=payload.informed_on,
        how=payload.how,
        note=payload.note,
        by=user,
        request=request,
    )
    return access.get_for_user(user, _entries(user), entry_id)
