"""Schools: read-only rows for every school the caller reaches (officers included)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

import access
from access import Action
from accounts.models import School
from api.auth import api_user
from api.pagination import ApiPagination
from api.schemas import SchoolOut, Text
from api.selectors import school_rows

router = Router(tags=["schools"])


@router.get("", response=list[SchoolOut], summary="List schools you reach")
@paginate(ApiPagination)
def list_schools(request: HttpRequest, urn: Text | None = None) -> QuerySet[School]:
    schools = school_rows(access.visible_schools(api_user(request)))
    if urn:
        schools = schools.filter(urn=urn.strip())
    return schools


@router.get("/{int:school_id}", response=SchoolOut, summary="Read a school")
def get_school(request: HttpRequest, school_id: int) -> School:
    schools = school_rows(access.visible_schools(api_user(request)))
    return access.get_for_user(request, schools, school_id, Action.READ)
