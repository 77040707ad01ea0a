"""Schools: read-only rows for every school the caller reaches (officers included), a school's
compliance findings for those who act on them, its progress flags (attainment), and a past
publication of its SEN information report (a school entering its history)."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

import access
from access import Action
from accounts.models import School
from api.auth import api_user
from api.pagination import ApiPagination
from api.schemas import SchoolOut, Text
from api.selectors import school_rows
from attainment import selectors as attainment_selectors
from audit import reads
from duties import services as duties_services
from duties.models import InformationReport
from pupils.models import Pupil
from statutory import inputs as compliance_inputs

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


class FindingOut(Schema):
    code: str
    upn: str | None
    due: date
    severity: str
    reason: str
    rule: str
    exception: str | None


class ComplianceOut(Schema):
    school: str
    on: date
    findings: list[FindingOut]


@router.get(
    "/{int:school_id}/compliance",
    response=ComplianceOut,
    summary="The school's compliance findings on a date (today by default)",
)
def school_compliance(
    request: HttpRequest, school_id: int, on: date | None = None
) -> dict[str, Any]:
    schools = access.visible_schools(api_user(request))
    school = access.get_for_user(request, schools, school_id, Action.READ_COMPLIANCE)
    on = on or timezone.localdate()
    found = compliance_inputs.school_findings(school, on)
    # The findings name pupils by UPN: the read is audited with those pupils (audit/reads.py).
    named = Pupil.objects.filter(school=school, upn__in={f.upn for f in found if f.upn})
    reads.log_read(request, api_user(request), list(named.only("pk")), what="compliance")
    return {"school": school.urn, "on": on, "findings": [f.as_json() for f in found]}


class FlagOut(Schema):
    upn: str
    subject: str
    criteria: list[int]
    explanation: str


class FlagsOut(Schema):
    school: str
    on: date
    flags: list[FlagOut]


@router.get(
    "/{int:school_id}/flags",
    response=FlagsOut,
    summary="Pupils whose progress meets the Code's four criteria, with the reasons",
)
def school_flags(request: HttpRequest, school_id: int, on: date | None = None) -> dict[str, Any]:
    """As `sendpath flags --json`: for the SENCo and senior leaders every pupil of the school, for
    a teacher the pupils they teach."""
    user = api_user(request)
    schools = access.visible_schools(user)
    school = access.get_for_user(request, schools, school_id, Action.READ_PROGRESS_FLAGS)
    on = on or timezone.localdate()
    flags = attainment_selectors.school_flags(school, on)
    reached = set(
        Pupil.objects.filter(access.pupil_reach(user, school, reach="staff"))
        .filter(pk__in={f.pupil_id for f in flags})
        .values_list("pk", flat=True)
    )
    flags = [f for f in flags if f.pupil_id in reached]
    reads.log_pupils(request, user, [f.pupil_id for f in flags], what="progress flags")
    return {"school": school.urn, "on": on, "flags": [f.as_json() for f in flags]}


class InformationReportIn(Schema):
    start_year: int = Field(..., ge=2000, le=2100, description="2025 for the year 2025/26")
    published_on: date = Field(..., description="When it was published; not in the future.")


class InformationReportOut(Schema):
    id: int
    number: int
    start_year: int
    status: str
    published_on: date | None


@router.post(
    "/{int:school_id}/information-reports",
    response={201: InformationReportOut},
    summary="Record a past publication of the SEN information report",
    description="The SENCo or a senior leader, for a school entering its history: a new "
    "version published on that date (SEN_INFORMATION_REPORT_STALE counts from it). A date in "
    "the future, one before the publication already recorded, or a draft already started is "
    "422 and nothing is written.",
)
def record_information_report(
    request: HttpRequest, school_id: int, payload: InformationReportIn
) -> Status[InformationReport]:
    user = api_user(request)
    schools = school_rows(access.visible_schools(user))
    school = access.get_for_user(user, schools, school_id, Action.MANAGE_INFORMATION_REPORT)
    report = duties_services.report_publication_record(
        school=school,
        start_year=payload.start_year,
        published_on=payload.published_on,
        by=user,
        request=request,
    )
    return Status(201, report)
