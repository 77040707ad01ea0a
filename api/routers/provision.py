"""The provision map: the intervention library, provisions with their enrolments, session register
and entry and exit measures.

Reads. The library (catalogue and each school's own interventions) is not pupil data: every caller
reads the catalogue, and staff read their schools' own. Provisions are: the SENCo, senior leaders
and the school administrator read every provision of their school; a teacher or TA reads those
they deliver and those with a pupil they reach (access.visible_pupils, staff reach); anyone else
(governor, DPO, LA and trust officers, parents) none, so a 404. Inside a provision, named rows
(enrolments, attendance, measures) follow the same rule row by row: a teacher who reaches one pupil
of a group sees that pupil, not the rest, unless they deliver it (access.named_on_provisions, the
same rule as the web pages'). Costs are null unless Action.READ_COSTS.

Writes go through provision.services and need the role: the SENCo (Action.MANAGE_PROVISION)
runs the library, provisions and enrolments; the deliverer or the SENCo (Action.LOG_SESSIONS)
keeps the session register and the measures. A single read of named pupils' data (a session with
its register) is audited, once per pupil shown.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

import access
from access import Action
from accounts.models import Membership, School, User
from api.auth import api_user
from api.errors import stale
from api.pagination import ApiPagination
from api.schemas import Id, Text
from api.schemas_provision import (
    EnrolmentEndIn,
    EnrolmentIn,
    EnrolmentOut,
    InterventionIn,
    InterventionOut,
    MeasureIn,
    MeasureOut,
    ProvisionIn,
    ProvisionOut,
    ProvisionUpdateIn,
    SessionIn,
    SessionOut,
    StaffRoleOut,
)
from api.schemas_support import FieldErrors
from audit import log as audit
from audit.models import AuditAction
from provision import selectors as provision_selectors
from provision import services
from provision.models import (
    Enrolment,
    Intervention,
    Measure,
    Provision,
    Session,
    StaffRole,
)
from support.models import Target

router = Router()
interventions = Router(tags=["interventions"])
provisions = Router(tags=["provisions"])
enrolments = Router(tags=["enrolments"])
sessions = Router(tags=["sessions"])
staff_roles = Router(tags=["provisions"])
router.add_router("/interventions", interventions)
router.add_router("/provisions", provisions)
router.add_router("/enrolments", enrolments)
router.add_router("/sessions", sessions)
router.add_router("/staff-roles", staff_roles)

# ---- reads: the joins each output needs, on the policy's visible_*() querysets ------------------


def _interventions(user: User) -> QuerySet[Intervention]:
    return access.visible_interventions(user).order_by("name", "pk")


def _provisions(user: User) -> QuerySet[Provision]:
    """Provisions the user reads, latest first, with what a row shows joined (the figures are
    added per page: see _with_figures)."""
    return (
        access.visible_provisions(user)
        .select_related("school", "intervention", "staff", "staff_role")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.only("pk")))
        .order_by("-start_date", "name", "pk")
    )


def _enrolments(user: User) -> QuerySet[Enrolment]:
    return (
        access.visible_enrolments(user)
        .select_related("pupil", "provision__school")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pupil_id", "pk")
    )


def _sessions(user: User) -> QuerySet[Session]:
    """Sessions latest first, each with the register marks of the pupils the user may see."""
    marks = (
        access.visible_attendance(user)
        .select_related("pupil")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pupil_id")
    )
    return (
        access.visible_sessions(user)
        .select_related("provision", "staff_role")
        .prefetch_related(Prefetch("attendance", queryset=marks))
        .order_by("-on", "-pk")
    )


def _with_figures(user: User, page: list[Provision]) -> list[Provision]:
    """Attach each provision's figures (provision.selectors.provision_figures: a fixed number of
    queries for the page) and whether the user may read its costs."""
    today = timezone.localdate()
    figures = provision_selectors.provision_figures(page, today=today)
    for provision in page:
        provision.figures = figures[provision.pk]  # type: ignore[attr-defined]
        provision.sees_costs = access.may(user, Action.READ_COSTS, provision.school)  # type: ignore[attr-defined]
        provision.today = today  # type: ignore[attr-defined]
    return page


class ProvisionPagination(ApiPagination):
    """ApiPagination, with each provision of the page given its figures."""

    def paginate_queryset(
        self, queryset: QuerySet[Provision], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = _with_figures(api_user(request), list(page["items"]))
        return page


def _provision(user: User, provision_id: int) -> Provision:
    """A provision the user reads, with its figures (get_for_user has answered for the write)."""
    return _with_figures(user, [access.get_for_user(user, _provisions(user), provision_id)])[0]


def _provision_to(user: User, provision_id: int, action: Action) -> Provision:
    """The provision for `action` (404 outside reach, 403 for the role), without figures."""
    reached = access.visible_provisions(user).select_related("school")
    return access.get_for_user(user, reached, provision_id, action)


# ---- references in a body: found within the school, else a field error ---------------------------


class _References:
    """Looks up the ids a body refers to among what the school may use. An id that is not there
    is a 422 on its field (nothing is written), whatever exists elsewhere: another school's staff
    and roles are not named back to the caller."""

    def __init__(self, school: School) -> None:
        self.school = school
        self.errors: dict[str, list[str]] = {}

    def _one[M: (Intervention, StaffRole, User)](
        self, rows: QuerySet[M], pk: int | None, field: str, msg: str
    ) -> M | None:
        if pk is None:
            return None
        found = rows.filter(pk=pk).first()
        if found is None:
            self.errors[field] = [msg]
        return found

    def intervention(self, pk: int | None) -> Intervention | None:
        rows = Intervention.objects.filter(Q(school__isnull=True) | Q(school=self.school))
        msg = "Choose an intervention from the catalogue or your school's library."
        return self._one(rows, pk, "intervention", msg)

    def staff_role(self, pk: int | None) -> StaffRole | None:
        rows = StaffRole.objects.filter(school=self.school)
        return self._one(rows, pk, "staff_role", "Choose one of your school's staff roles.")

    def staff(self, pk: int | None, field: str = "staff") -> User | None:
        staff = Membership.objects.filter(
            school=self.school, role__in=access.DELIVERING_ROLES
        ).values("user_id")
        rows = User.objects.filter(pk__in=staff, is_active=True)
        return self._one(rows, pk, field, f"Choose someone on the staff of {self.school.name}.")

    def check(self) -> None:
        if self.errors:
            raise DjangoValidationError(self.errors)


def _provision_data(school: School, sent: dict[str, Any]) -> dict[str, Any]:
    """The body of a provision create or change with its ids replaced by the rows they name."""
    refs = _References(school)
    data = dict(sent)
    if "intervention" in data:
        data["intervention"] = refs.intervention(data["intervention"])
    if "staff_role" in data:
        data["staff_role"] = refs.staff_role(data["staff_role"])
    if "staff" in data:
        data["staff"] = refs.staff(data["staff"])
    refs.check()
    return data


# ---- interventions -------------------------------------------------------------------------------


@interventions.get(
    "",
    response=list[InterventionOut],
    summary="List interventions",
    description="The built-in catalogue and your schools' own. `school`: what that school may use "
    "(the catalogue and its own); `catalogue=true`: the built-in ones only, `false`: schools' own "
    "only; `area`: a broad area of need (CI, CL, SEMH, SP).",
)
@paginate(ApiPagination)
def list_interventions(
    request: HttpRequest,
    area: Text | None = None,
    school: Id | None = None,
    catalogue: bool | None = None,
) -> QuerySet[Intervention]:
    found = _interventions(api_user(request))
    if area:
        found = found.filter(area=area.strip().upper())
    if school is not None:
        found = found.filter(Q(school__isnull=True) | Q(school_id=school))
    if catalogue is not None:
        found = found.filter(school__isnull=catalogue)
    return found


@interventions.get(
    "/{int:intervention_id}", response=InterventionOut, summary="Read an intervention"
)
def get_intervention(request: HttpRequest, intervention_id: int) -> Intervention:
    return access.get_for_user(request, _interventions(api_user(request)), intervention_id)


@interventions.post(
    "",
    response={201: InterventionOut},
    summary="Add a school's own intervention",
    description="The SENCo adds to their school's library; the built-in catalogue is read-only. "
    "A name already in the catalogue or the library is a 422.",
)
def create_intervention(request: HttpRequest, payload: InterventionIn) -> Status[Intervention]:
    user = api_user(request)
    school = access.get_for_user(
        user, access.visible_schools(user), payload.school, Action.MANAGE_PROVISION
    )
    data = payload.model_dump(exclude={"school"})
    intervention = services.intervention_add(school=school, data=data, by=user, request=request)
    return Status(201, access.get_for_user(user, _interventions(user), intervention.pk))


# ---- staff roles -------------------------------------------------------------------------------


@staff_roles.get(
    "",
    response=list[StaffRoleOut],
    summary="List staff roles",
    description="Each school's staff roles, for a provision's (or a session's) `staff_role`. "
    "Hourly costs are null unless your role may read costs.",
)
@paginate(ApiPagination)
def list_staff_roles(request: HttpRequest, school: Id | None = None) -> QuerySet[StaffRole]:
    found = access.visible_staff_roles(api_user(request)).select_related("school")
    if school is not None:
        found = found.filter(school_id=school)
    return found.order_by("school__name", "hourly_cost", "name", "pk")


# ---- provisions ------------------------------------------------------------------------------------


@provisions.get(
    "",
    response=list[ProvisionOut],
    summary="List provisions",
    description="`current=true`: running today (between its start and end dates); `false`: "
    "the rest.",
)
@paginate(ProvisionPagination)
def list_provisions(
    request: HttpRequest, school: Id | None = None, current: bool | None = None
) -> QuerySet[Provision]:
    found = _provisions(api_user(request))
    if school is not None:
        found = found.filter(school_id=school)
    if current is not None:
        today = timezone.localdate()
        running = Q(start_date__lte=today, end_date__gte=today)
        found = found.filter(running) if current else found.exclude(running)
    return found


@provisions.get("/{int:provision_id}", response=ProvisionOut, summary="Read a provision")
def get_provision(request: HttpRequest, provision_id: int) -> Provision:
    return _provision(api_user(request), provision_id)


@provisions.post(
    "",
    response={201: ProvisionOut},
    summary="Set up a provision",
    description="The SENCo sets up an intervention delivered by named staff on given weekdays "
    "between two dates. Enrol pupils next.",
)
def create_provision(request: HttpRequest, payload: ProvisionIn) -> Status[Provision]:
    user = api_user(request)
    school = access.get_for_user(
        user, access.visible_schools(user), payload.school, Action.MANAGE_PROVISION
    )
    data = _provision_data(school, payload.model_dump(exclude={"school"}))
    provision = services.provision_create(
        school=school,
        intervention=data.pop("intervention"),
        data=data,
        by=user,
        request=request,
    )
    return Status(201, _provision(user, provision.pk))


@provisions.patch(
    "/{int:provision_id}",
    response={200: ProvisionOut, 409: FieldErrors},
    summary="Change a provision",
    description="Send only what changes, with the `version` you read: if someone saved a newer "
    "one meanwhile the answer is 409 Conflict, in the 422 shape, and nothing is written. New "
    "dates must still hold the sessions and enrolments recorded.",
)
def update_provision(
    request: HttpRequest, provision_id: int, payload: ProvisionUpdateIn
) -> Status[Any]:
    user = api_user(request)
    provision = _provision_to(user, provision_id, Action.MANAGE_PROVISION)
    sent = payload.model_dump(exclude_unset=True, exclude={"version"})
    data = _provision_data(provision.school, sent)
    try:
        services.provision_update(
            provision=provision, data=data, version=payload.version, by=user, request=request
        )
    except DjangoValidationError as exc:
        return stale(exc)
    return Status(200, _provision(api_user(request), provision_id))


# ---- enrolments ----------------------------------------------------------------------------------


@provisions.get(
    "/{int:provision_id}/enrolments",
    response=list[EnrolmentOut],
    summary="List a provision's pupils",
    description="Everyone in it for the whole school and the adult who delivers it; otherwise "
    "the pupils you reach.",
)
@paginate(ApiPagination)
def list_enrolments(request: HttpRequest, provision_id: int) -> QuerySet[Enrolment]:
    user = api_user(request)
    provision = _provision_to(user, provision_id, Action.READ)
    return _enrolments(user).filter(provision=provision)


@provisions.post(
    "/{int:provision_id}/enrolments", response={201: EnrolmentOut}, summary="Enrol a pupil"
)
def create_enrolment(
    request: HttpRequest, provision_id: int, payload: EnrolmentIn
) -> Status[Enrolment]:
    user = api_user(request)
    provision = _provision_to(user, provision_id, Action.MANAGE_PROVISION)
    pupil = access.get_for_user(user, access.visible_pupils(user, reach="staff"), payload.pupil)
    enrolment = services.enrol(
        provision=provision, pupil=pupil, start_date=payload.start_date, by=user, request=request
    )
    return Status(201, access.get_for_user(user, _enrolments(user), enrolment.pk))


@enrolments.patch(
    "/{int:enrolment_id}",
    response=EnrolmentOut,
    summary="End an enrolment",
    description="The pupil's last day in the provision: not before they joined, not after the "
    "provision ends, not before a session the register has them in.",
)
def end_enrolment(request: HttpRequest, enrolment_id: int, payload: EnrolmentEndIn) -> Enrolment:
    user = api_user(request)
    enrolment = access.get_for_user(user, _enrolments(user), enrolment_id, Action.MANAGE_PROVISION)
    services.enrolment_end(enrolment=enrolment, end_date=payload.end_date, by=user, request=request)
    return access.get_for_user(request, _enrolments(api_user(request)), enrolment_id)


# ---- sessions ------------------------------------------------------------------------------------


@provisions.get(
    "/{int:provision_id}/sessions",
    response=list[SessionOut],
    summary="List a provision's sessions",
    description="Latest first, each with the register marks of the pupils you may see.",
)
@paginate(ApiPagination)
def list_sessions(request: HttpRequest, provision_id: int) -> QuerySet[Session]:
    user = api_user(request)
    provision = _provision_to(user, provision_id, Action.READ)
    return _sessions(user).filter(provision=provision)


@provisions.post(
    "/{int:provision_id}/sessions",
    response={201: SessionOut, 200: SessionOut},
    summary="Record a session",
    description="The adult who delivers the provision, or the SENCo. Delivered: every pupil in "
    "the group that day is marked, present if in `present`. Missed: say why. A day already "
    "recorded is replaced (200).",
)
def create_session(request: HttpRequest, provision_id: int, payload: SessionIn) -> Status[Session]:
    user = api_user(request)
    provision = _provision_to(user, provision_id, Action.LOG_SESSIONS)
    refs = _References(provision.school)
    staff_role = refs.staff_role(payload.staff_role)
    delivered_by = refs.staff(payload.delivered_by, "delivered_by")
    refs.check()
    replaces = Session.objects.filter(provision=provision, on=payload.on).exists()
    session = services.session_record(
        provision=provision,
        on=payload.on,
        delivered=payload.delivered,
        missed_reason=payload.missed_reason,
        minutes=payload.minutes,
        present_pupil_ids=payload.present,
        note=payload.note,
        staff_role=staff_role,
        delivered_by=delivered_by,
        closed_day_reason=payload.closed_day_reason,
        by=user,
        request=request,
    )
    return Status(200 if replaces else 201, access.get_for_user(user, _sessions(user), session.pk))


@sessions.get(
    "/{int:session_id}",
    response=SessionOut,
    summary="Read a session and its register (audited)",
    description="Each pupil on the register you read gets a view in the audit trail.",
)
def get_session(request: HttpRequest, session_id: int) -> Session:
    user = api_user(request)
    session = access.get_for_user(user, _sessions(user), session_id)
    for mark in session.attendance.all():
        audit.log(
            AuditAction.VIEW,
            user,
            session,
            request=request,
            pupil_id=mark.pupil_id,
            school_id=session.provision.school_id,
        )
    return session


# ---- entry and exit measures -------------------------------------------------------------------


@enrolments.get(
    "/{int:enrolment_id}/measures",
    response=list[MeasureOut],
    summary="List a pupil's entry and exit data",
)
@paginate(ApiPagination)
def list_measures(request: HttpRequest, enrolment_id: int) -> QuerySet[Measure]:
    enrolment = access.get_for_user(request, _enrolments(api_user(request)), enrolment_id)
    return Measure.objects.filter(enrolment=enrolment).order_by("on", "kind", "pk")


@enrolments.post(
    "/{int:enrolment_id}/measures",
    response={201: MeasureOut},
    summary="Record entry or exit data",
    description="The adult who delivers the provision, or the SENCo. Entry first; the exit uses "
    "the same kind of measure and is not dated before the entry. One of each.",
)
def create_measure(request: HttpRequest, enrolment_id: int, payload: MeasureIn) -> Status[Measure]:
    user = api_user(request)
    enrolment = access.get_for_user(user, _enrolments(user), enrolment_id, Action.LOG_SESSIONS)
    measure = services.measure_record(
        enrolment=enrolment, **payload.model_dump(), by=user, request=request
    )
    return Status(201, measure)
