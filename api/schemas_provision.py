"""What goes in and out of the provision endpoints (api/routers/provision.py).

Input schemas carry the names of provision.services' arguments, so a service's field error lands on
the field the client sent. Fields with a fixed set of values list them as an OpenAPI ``enum`` taken
from the models' choices; the services (through the models) are what refuse other values.

Costs (hourly rates, resource and licence costs, cost so far) are the SENCo's, senior leaders' and
the SEN governor's to read (access.can_read_costs): for anyone else they are null.
"""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ValidationInfo, WithJsonSchema, field_validator

import access
from access import Action
from api.schemas import Id, PupilRef, SchoolRef, Text
from api.schemas_support import one_of
from provision.models import (
    AREA_CHOICES,
    WEEKDAYS,
    EvidenceStrength,
    MeasureKind,
    MeasureType,
    RoleKind,
    Wave,
)
from pupils import census

AREAS = [code for code, _ in AREA_CHOICES]
WEEKDAY_NUMBERS: list[Any] = [n for n, _ in WEEKDAYS]
# A session's start is a wall-clock time at the school ("11:20:00"), with no UTC offset: JSON
# Schema's "format": "time" is RFC 3339's full-time, which requires one, so the answer says what
# it sends instead.
SchoolTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?$",
            "description": "The school's local time (Europe/London), HH:MM:SS.",
        }
    ),
]
COSTS_HIDDEN = "Null unless your role may read costs (SENCo, senior leader, SEN governor)."


# ---- output -------------------------------------------------------------------------------------


class InterventionOut(Schema):
    id: int
    school_id: int | None = Field(..., description="Null for the built-in catalogue.")
    is_catalogue: bool
    name: str
    area: str = one_of(AREAS, description="Broad area of need.")
    area_label: str
    description: str
    evidence_url: str
    evidence_strength: str = one_of(EvidenceStrength.values)
    group_size: int = Field(..., description="Typical group size.")
    session_minutes: int
    sessions_per_week: int
    weeks: int
    staff_kind: str = one_of(RoleKind.values, description="Usually delivered by.")
    measure_type: str = one_of(["", *MeasureType.values], description="Usual entry/exit measure.")

    @staticmethod
    def resolve_area_label(obj: Any) -> str:
        return census.BROAD_AREA_LABELS[obj.area]


class InterventionRef(Schema):
    id: int
    name: str
    area: str = one_of(AREAS)


class StaffRoleRef(Schema):
    id: int
    name: str
    kind: str = one_of(RoleKind.values)


class StaffRoleOut(StaffRoleRef):
    school_id: int
    hourly_cost: Decimal | None = Field(
        ..., description="Salary plus on-costs, per hour. " + COSTS_HIDDEN
    )

    @staticmethod
    def resolve_hourly_cost(obj: Any, context: Any) -> Decimal | None:
        user = context["request"].auth
        return obj.hourly_cost if access.may(user, Action.READ_COSTS, obj.school) else None


class ProvisionOut(Schema):
    id: int
    version: int = Field(..., description="Send it back with a change (PATCH); a stale one is 409.")
    school: SchoolRef
    intervention: InterventionRef
    name: str
    wave: str = one_of(Wave.values)
    staff_id: int | None = Field(..., description="The adult who delivers it.")
    staff_name: str
    staff_role: StaffRoleRef
    location: str
    weekdays: list[int] = Field(
        ...,
        description="0 = Monday … 4 = Friday.",
        json_schema_extra={"items": {"type": "integer", "enum": WEEKDAY_NUMBERS}},
    )
    start_time: SchoolTime | None
    session_minutes: int
    start_date: date
    end_date: date
    is_current: bool = Field(..., description="Today falls between its start and end dates.")
    enrolled: int = Field(..., description="Pupils in it today.")
    planned_sessions: int = Field(
        ..., description="Sessions planned to date: its weekdays in term time, up to today."
    )
    planned_sessions_total: int = Field(..., description="Sessions planned from start to end.")
    delivered_sessions: int = Field(..., description="Sessions delivered to date.")
    missed_sessions: int = Field(..., description="Sessions recorded as missed, with a reason.")
    fidelity: float | None = Field(
        ..., description="Delivered / planned to date (1.0 = all); null before any was planned."
    )
    delivered_hours: Decimal
    resource_cost: Decimal | None = Field(..., description=COSTS_HIDDEN)
    licence_cost: Decimal | None = Field(..., description=COSTS_HIDDEN)
    cost_so_far: Decimal | None = Field(
        ...,
        description="Staff cost of the delivered sessions (minutes x the hourly rate of the role "
        "that delivered each) plus resources and licences. " + COSTS_HIDDEN,
    )
    target_ids: list[int] = Field(..., description="Targets of pupils' plans it works towards.")
    created_at: datetime

    # The router attaches `figures` (provision.selectors.provision_figures) and `sees_costs`.

    @staticmethod
    def resolve_staff_name(obj: Any) -> str:
        return str(obj.staff) if obj.staff_id else ""

    @staticmethod
    def resolve_is_current(obj: Any) -> bool:
        return bool(obj.start_date <= obj.today <= obj.end_date)

    @staticmethod
    def resolve_enrolled(obj: Any) -> int:
        return int(obj.figures.current_pupils)

    @staticmethod
    def resolve_planned_sessions(obj: Any) -> int:
        return int(obj.figures.planned_to_date)

    @staticmethod
    def resolve_planned_sessions_total(obj: Any) -> int:
        return int(obj.figures.planned_total)

    @staticmethod
    def resolve_delivered_sessions(obj: Any) -> int:
        return int(obj.figures.delivered)

    @staticmethod
    def resolve_missed_sessions(obj: Any) -> int:
        return int(obj.figures.missed)

    @staticmethod
    def resolve_fidelity(obj: Any) -> float | None:
        return obj.figures.fidelity  # type: ignore[no-any-return]

    @staticmethod
    def resolve_delivered_hours(obj: Any) -> Decimal:
        return obj.figures.delivered_hours  # type: ignore[no-any-return]

    @staticmethod
    def resolve_resource_cost(obj: Any) -> Decimal | None:
        return obj.resource_cost if obj.sees_costs else None

    @staticmethod
    def resolve_licence_cost(obj: Any) -> Decimal | None:
        return obj.licence_cost if obj.sees_costs else None

    @staticmethod
    def resolve_cost_so_far(obj: Any) -> Decimal | None:
        return obj.figures.cost_so_far if obj.sees_costs else None

    @staticmethod
    def resolve_target_ids(obj: Any) -> list[int]:
        return [t.pk for t in obj.targets.all()]


class EnrolmentOut(Schema):
    id: int
    provision_id: int
    pupil: PupilRef
    start_date: date
    end_date: date | None
    is_open: bool

    @staticmethod
    def resolve_is_open(obj: Any) -> bool:
        return obj.end_date is None


class AttendanceOut(Schema):
    pupil: PupilRef
    present: bool


class SessionOut(Schema):
    id: int
    provision_id: int
    on: date
    delivered: bool
    missed_reason: str = Field(..., description="Why it was missed; empty when delivered.")
    closed_day_reason: str = Field(
        ..., description="Why it was held on a day the school is closed; empty on open days."
    )
    minutes: int
    delivered_by_id: int | None
    staff_role: StaffRoleRef
    note: str
    recorded_by_id: int | None
    recorded_at: datetime
    attendance: list[AttendanceOut] = Field(
        ..., description="The enrolled pupils you may see, present or absent."
    )

    @staticmethod
    def resolve_attendance(obj: Any) -> list[Any]:
        return list(obj.attendance.all())


class MeasureOut(Schema):
    id: int
    enrolment_id: int
    kind: str = one_of(MeasureKind.values)
    measure_type: str = one_of(MeasureType.values)
    name: str = Field(..., description="The assessment, e.g. Salford reading test.")
    on: date
    value: Decimal
    recorded_by_id: int | None


# ---- input --------------------------------------------------------------------------------------


class InterventionIn(Schema):
    school: Id = Field(..., description="The school whose library it joins (see /schools).")
    name: Text = Field(..., max_length=120)
    area: Text = one_of(AREAS, description="Broad area of need.")
    description: Text = ""
    evidence_url: Text = ""
    evidence_strength: Text = one_of(EvidenceStrength.values, default=EvidenceStrength.NONE.value)
    group_size: int = Field(1, ge=1, le=32767)
    session_minutes: int = Field(30, ge=1, le=32767)
    sessions_per_week: int = Field(3, ge=1, le=32767)
    weeks: int = Field(10, ge=1, le=32767)
    staff_kind: Text = one_of(RoleKind.values, default=RoleKind.TA2.value)
    measure_type: Text = one_of(["", *MeasureType.values], default="")


class ProvisionIn(Schema):
    school: Id = Field(..., description="The school's id (see /schools).")
    intervention: Id = Field(
        ..., description="From the built-in catalogue or the school's own (see /interventions)."
    )
    name: Text = Field(..., max_length=120, description="For example ‘Year 3 reading group B’.")
    wave: Text = one_of(Wave.values, default=Wave.TARGETED.value)
    staff: Id | None = Field(
        None, description="The user who delivers it: on the school's staff. They keep its register."
    )
    staff_role: Id = Field(
        ..., description="The school's staff role that delivers it; sets the cost (/staff-roles)."
    )
    location: Text = Field("", max_length=80)
    weekdays: list[int] = Field(
        ...,
        description="The days sessions happen: 0 = Monday … 4 = Friday.",
        json_schema_extra={"items": {"type": "integer", "enum": WEEKDAY_NUMBERS}},
    )
    start_time: time | None = None
    session_minutes: int | None = Field(
        None, ge=1, le=32767, description="Left out: the intervention's usual session length."
    )
    start_date: date
    end_date: date
    resource_cost: Decimal = Field(Decimal(0), description="Pounds, for the whole provision.")
    licence_cost: Decimal = Field(Decimal(0), description="Pounds, for the whole provision.")
    targets: list[Id] = Field(
        [], description="Ids of SMART targets in the plans of the school's pupils."
    )


NULLABLE_PROVISION_FIELDS = frozenset({"staff", "start_time"})


class ProvisionUpdateIn(Schema):
    """Send only the fields that change. `targets`, when sent, replaces the linked targets."""

    version: int = Field(
        ...,
        ge=0,
        le=2**31 - 1,
        description="The version you read (GET). If someone changed the provision meanwhile the "
        "answer is 409 Conflict, in the 422 shape, and nothing is written.",
    )
    intervention: Id | None = None
    name: Text | None = Field(None, max_length=120)
    wave: Text | None = one_of(Wave.values, default=None)
    staff: Id | None = Field(None, description="null: nobody named delivers it.")
    staff_role: Id | None = None
    location: Text | None = Field(None, max_length=80)
    weekdays: list[int] | None = Field(
        None, json_schema_extra={"items": {"type": "integer", "enum": WEEKDAY_NUMBERS}}
    )
    start_time: time | None = None
    session_minutes: int | None = Field(None, ge=1, le=32767)
    start_date: date | None = None
    end_date: date | None = None
    resource_cost: Decimal | None = None
    licence_cost: Decimal | None = None
    targets: list[Id] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        # A field left out is unchanged; null clears only the fields that may be empty.
        if value is None and info.field_name not in NULLABLE_PROVISION_FIELDS:
            raise ValueError("This field cannot be null.")
        return value


class EnrolmentIn(Schema):
    pupil: Id
    start_date: date = Field(..., description="Within the provision's dates.")


class EnrolmentEndIn(Schema):
    end_date: date = Field(..., description="The pupil's last day in the provision.")


class SessionIn(Schema):
    """One day's session. Every pupil in the group that day is on its register: present if
    listed in `present`, else absent. Recording a day already recorded replaces it (200)."""

    on: date = Field(..., description="Not in the future; within the provision's dates.")
    delivered: bool = True
    missed_reason: Text = Field("", max_length=200, description="Required when not delivered.")
    minutes: int | None = Field(
        None, ge=0, le=32767, description="Left out: the provision's session length."
    )
    present: list[Id] = Field(
        [], description="Ids of the pupils present; each must be in the group on that date."
    )
    note: Text = Field("", max_length=300)
    staff_role: Id | None = Field(
        None, description="Left out: the provision's (a different role costs differently)."
    )
    delivered_by: Id | None = Field(None, description="Left out: the provision's staff member.")
    closed_day_reason: Text = Field(
        "",
        max_length=200,
        description="Required on a day the school is closed (half-term, a training day, a bank "
        "holiday): why the session was held, e.g. 'catch-up session during half-term'.",
    )


class MeasureIn(Schema):
    kind: Text = one_of(MeasureKind.values, description="Entry first; exit on or after it.")
    measure_type: Text = one_of(MeasureType.values, description="The exit uses the entry's.")
    name: Text = Field(
        ..., max_length=120, description="The assessment, e.g. Salford reading test."
    )
    on: date = Field(..., description="Not in the future.")
    value: Decimal
