"""What goes in and out. Output schemas read model attributes (and the annotations the selectors
add); input schemas carry the same names as the services' arguments, so a service's field error
lands on the field the client sent."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, ValidationInfo, field_validator

from pupils import census


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text (a 500); refuse it here as a field error instead.
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
# Every id the API takes (in a path, a query or a body): a row's primary key is a positive 64-bit
# integer, so anything outside that is a 422 rather than the database's overflow (a 500).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# The model's check constraint would report this without naming the field.
Percent = Annotated[Decimal, Field(ge=0, le=100)]


# ---- output -------------------------------------------------------------------------------------


class SchoolRef(Schema):
    id: int
    urn: str
    name: str


class SchoolOut(Schema):
    id: int
    urn: str
    name: str
    phase: str
    la_code: str = Field(..., alias="la.code")
    la_name: str = Field(..., alias="la.name")
    establishment_number: str
    dfe_number: str
    trust_name: str | None

    @staticmethod
    def resolve_trust_name(obj: Any) -> str | None:
        return obj.trust.name if obj.trust_id else None


class PupilRef(Schema):
    id: int
    upn: str
    forename: str
    surname: str


class PupilOut(Schema):
    id: int
    upn: str
    legal_forename: str
    legal_surname: str
    middle_names: str
    preferred_forename: str
    preferred_surname: str
    forename: str
    surname: str
    date_of_birth: date
    sex: str
    nc_year: str
    nc_year_label: str
    eal: bool
    fsm: bool
    looked_after: bool
    attendance_percent: Decimal | None
    admission_date: date | None
    leaving_date: date | None
    school: SchoolRef
    current_provision: str = Field(..., description="N, K or E, from the open register entry.")
    current_provision_label: str
    version: int = Field(..., description="Send it back with a change (PATCH); a stale one is 409.")

    @staticmethod
    def resolve_current_provision_label(obj: Any) -> str:
        return census.SEN_PROVISION_LABELS[obj.current_provision]


class RegisterEntryOut(Schema):
    id: int
    pupil: PupilRef
    school: SchoolRef = Field(..., alias="pupil.school")
    provision: str
    provision_label: str
    start_date: date
    end_date: date | None
    is_open: bool
    reason: str
    decided_by_id: int | None
    decided_by_label: str
    parents_informed_on: date | None
    parents_informed_how: str
    parents_informed_note: str
    awaiting_parent_notification: bool
    created_at: datetime

    @staticmethod
    def resolve_provision_label(obj: Any) -> str:
        return census.SEN_PROVISION_LABELS[obj.provision]


class NeedOut(Schema):
    id: int
    pupil: PupilRef
    school: SchoolRef = Field(..., alias="pupil.school")
    need_type: str
    need_type_label: str = Field(..., alias="label")
    rank: int
    broad_area: str
    broad_area_label: str
    start_date: date
    end_date: date | None
    is_open: bool
    description: str
    created_at: datetime

    @staticmethod
    def resolve_is_open(obj: Any) -> bool:
        return obj.end_date is None


# ---- input --------------------------------------------------------------------------------------


class PupilCreateIn(Schema):
    school: Id = Field(..., description="The school's id (see /schools).")
    upn: Text
    legal_forename: Text
    legal_surname: Text
    middle_names: Text = ""
    preferred_forename: Text = ""
    preferred_surname: Text = ""
    date_of_birth: date
    sex: Text = Field(..., description="Census sex code: M or F.")
    nc_year: Text = Field(..., description="Census NC year code, e.g. R, 1 … 14.")
    eal: bool = False
    fsm: bool = False
    looked_after: bool = False
    attendance_percent: Percent | None = None
    admission_date: date | None = None
    leaving_date: date | None = None


NULLABLE_PUPIL_FIELDS = frozenset({"attendance_percent", "admission_date", "leaving_date"})


class PupilUpdateIn(Schema):
    """Send only the fields that change; the school is not changed here (a transfer is not an
    edit)."""

    version: int = Field(
        ...,
        ge=0,
        description="The version you read (GET). If someone changed the pupil meanwhile the "
        "answer is 409 Conflict, in the 422 shape, and nothing is written.",
    )
    upn: Text | None = None
    legal_forename: Text | None = None
    legal_surname: Text | None = None
    middle_names: Text | None = None
    preferred_forename: Text | None = None
    preferred_surname: Text | None = None
    date_of_birth: date | None = None
    sex: Text | None = None
    nc_year: Text | None = None
    eal: bool | None = None
    fsm: bool | None = None
    looked_after: bool | None = None
    attendance_percent: Percent | None = None
    admission_date: date | None = None
    leaving_date: date | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        # A field left out is unchanged; null clears only the fields that may be empty.
        if value is None and info.field_name not in NULLABLE_PUPIL_FIELDS:
            raise ValueError("This field cannot be null.")
        return value


class RegisterChangeIn(Schema):
    pupil: Id
    provision: Text = Field(..., description="N (remove), K (SEN support) or E (EHC plan).")
    start_date: date = Field(..., description="The date of the decision; not in the future.")
    reason: Text
    decided_by_name: Text = Field(
        "", description="Who decided, if not you (e.g. an EHC plan issued by the LA)."
    )
    closing_note: Text = Field(
        "",
        max_length=4000,
        description="For a removal (N) of a pupil with an open cycle, required: the cycle closes "
        "with this note on start_date, and the parents are given it.",
    )
    end_needs: bool = Field(
        True,
        description="For a removal (N): end the pupil's open needs on start_date (the default), "
        "or keep them recorded (false).",
    )
    need_type: Text = Field(
        "", description="The primary need, for a pupil placed on the register who has none."
    )


class ParentsInformedIn(Schema):
    informed_on: date
    how: Text = Field(..., description="meeting, phone, letter, email or app.")
    note: Text = Field("", max_length=300)


class NeedIn(Schema):
    pupil: Id
    need_type: Text = Field(..., description="Census SEN type code, e.g. SPLD, ASD, SEMH.")
    rank: int = Field(
        ..., ge=1, le=2, description="1 for the primary need, 2 for the secondary need."
    )
    start_date: date
    description: Text = ""


class NeedEndIn(Schema):
    end_date: date
