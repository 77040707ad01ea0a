"""Pupils: the named records access.visible_pupils allows; SENCos and administrators add and
edit them (Action.EDIT_PUPIL) through pupils.services, which audits the change."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

import access
from access import Action
from accounts.models import User
from api.auth import api_user
from api.errors import stale
from api.pagination import ApiPagination
from api.schemas import Id, PupilCreateIn, PupilOut, PupilUpdateIn, Text
from api.schemas_support import FieldErrors
from api.selectors import normalise_upn, pupil_rows
from audit import log as audit
from audit.models import AuditAction
from pupils import services
from pupils.models import Pupil

router = Router(tags=["pupils"])

STALE = {409: FieldErrors}


def _pupils(user: User) -> QuerySet[Pupil]:
    return pupil_rows(access.visible_pupils(user, reach="any"))


@router.get("", response=list[PupilOut], summary="List pupils you may see")
@paginate(ApiPagination)
def list_pupils(
    request: HttpRequest, school: Id | None = None, upn: Text | None = None
) -> QuerySet[Pupil]:
    pupils = _pupils(api_user(request))
    if school is not None:
        pupils = pupils.filter(school_id=school)
    if upn:
        pupils = pupils.filter(upn=normalise_upn(upn))
    return pupils


@router.get("/{int:pupil_id}", response=PupilOut, summary="Read a pupil (audited)")
def get_pupil(request: HttpRequest, pupil_id: int) -> Pupil:
    user = api_user(request)
    pupil = access.get_for_user(user, _pupils(user), pupil_id, Action.READ)
    # A full view of a pupil record is audited (house style §3); lists are not.
    audit.log(AuditAction.VIEW, user, pupil, request=request)
    return pupil


@router.post("", response={201: PupilOut}, summary="Add a pupil")
def create_pupil(request: HttpRequest, payload: PupilCreateIn) -> Status[Pupil]:
    user = api_user(request)
    school = access.get_for_user(
        user, access.visible_schools(user), payload.school, Action.EDIT_PUPIL
    )
    data = payload.model_dump(exclude={"school"})
    pupil = services.pupil_create(school=school, data=data, by=user, request=request)
    return Status(201, access.get_for_user(user, _pupils(user), pupil.pk))


@router.patch(
    "/{int:pupil_id}",
    response={200: PupilOut, **STALE},
    summary="Change a pupil's details",
    description="Needs the `version` you read; if someone saved a newer one meanwhile the answer "
    "is 409 Conflict, in the 422 shape, and nothing is written.",
)
def update_pupil(request: HttpRequest, pupil_id: int, payload: PupilUpdateIn) -> Status[Any]:
    user = api_user(request)
    pupil = access.get_for_user(user, _pupils(user), pupil_id, Action.EDIT_PUPIL)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    try:
        services.pupil_update(
            pupil=pupil, data=data, version=payload.version, by=user, request=request
        )
    except DjangoValidationError as exc:
        return stale(exc)
    return Status(200, access.get_for_user(user, _pupils(user), pupil_id))
