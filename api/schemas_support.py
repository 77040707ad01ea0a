"""What goes in and out of the graduated-approach endpoints (api/routers/support.py).

Input schemas carry the names of the support services' arguments, so a service's field error lands
on the field the client sent. Fields with a fixed set of values list them as an OpenAPI ``enum``
taken from the models' choices; the services (through the models) are what refuse other values,
so the two cannot drift apart.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from api.schemas import Id, PupilRef, SchoolRef, Text
from support import rules, smart
from support.models import (
    AREA_CHOICES,
    Attendance,
    ConcernOutcome,
    ConcernSource,
    NoteKind,
    OtherFactor,
    OverallProgress,
    Specialist,
    ViewSource,
)
from support.services import AMENDABLE


def one_of(values: Iterable[Any], default: Any = ..., description: str | None = None) -> Any:
    """A field whose allowed values are listed in the OpenAPI document."""
    return Field(default, description=description, json_schema_extra={"enum": list(values)})


AREAS = [code for code, _ in AREA_CHOICES]
DECISIONS = list(rules.DECISIONS)
RATINGS = sorted(rules.RATING_LABELS)
OUTCOMES = list(rules.OUTCOMES)
OTHER_FACTORS: list[Any] = list(OtherFactor.values)


# ---- errors (documented for the responses that return them directly) ---------------------------


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class FieldErrors(Schema):
    detail: list[FieldError]


# ---- output -------------------------------------------------------------------------------------


class ConcernOut(Schema):
    id: int
    pupil: PupilRef
    school: SchoolRef = Field(..., alias="pupil.school")
    source: str = one_of(ConcernSource.values)
    raised_by_id: int | None
    raised_by_name: str
    raised_on: date
    area: str = one_of(AREAS)
    what_was_seen: str
    evidence: str
    is_open: bool = Field(..., description="True until the SENCo records a decision.")
    outcome: str = one_of(["", *ConcernOutcome.values], description="Empty while open.")
    decided_on: date | None
    decided_by_id: int | None
    considered: str
    other_factors: list[str]
    early_help: bool
    early_help_note: str
    cycle_id: int | None = Field(
        None, description="The cycle the decision to assess opened, if any."
    )
    created_at: datetime


class SmartWarningOut(Schema):
    code: str = one_of(["no_number", "no_measure", "no_date", "vague_words", "no_baseline"])
    message: str


class TargetOut(Schema):
    id: int
    plan_id: int
    cycle_id: int = Field(..., alias="plan.cycle_id")
    position: int
    description: str
    baseline: str
    measure: str
    target_value: str
    target_date: date
    responsible: str
    carried_from_id: int | None = Field(
        ..., description="The unmet target of the previous cycle this one carries forward."
    )
    smart_warnings: list[SmartWarningOut] = Field(
        ..., description="Why the target may not be SMART (advice, never an error)."
    )
    created_at: datetime

    @staticmethod
    def resolve_smart_warnings(obj: Any) -> list[smart.SmartWarning]:
        return smart.check_target(
            description=obj.description,
            baseline=obj.baseline,
            measure=obj.measure,
            target_value=obj.target_value,
            target_date=obj.target_date,
            review_date=obj.plan.review_date,
        )


class PlanOut(Schema):
    id: int
    cycle_id: int
    plan_date: date
    review_date: date
    outcomes: str
    adjustments: str
    provision: str
    pupil_strategies: str
    parents_agreed_on: date | None
    parent_comments: str
    pupil_agreed: bool
    version: int = Field(..., description="Send it back with a change (PUT); a stale one is 409.")
    updated_at: datetime
    targets: list[TargetOut]


class AssessmentViewOut(Schema):
    id: int
    cycle_id: int
    source: str = one_of(ViewSource.values)
    given_by: str
    given_on: date
    views: str
    strengths: str
    barriers: str
    assessments: str
    progress_vs_peers: str
    recorded_by_id: int | None
    created_at: datetime


class DoNoteOut(Schema):
    id: int
    cycle_id: int
    on: date
    kind: str = one_of(NoteKind.values)
    text: str
    author_id: int | None
    created_at: datetime


class RatingOut(Schema):
    target_id: int
    rating: int = one_of(RATINGS, description="-2 well below expected … 2 well above expected.")
    rating_label: str
    outcome: str = one_of(
        OUTCOMES, description="Whether the target was reached, apart from the progress rating."
    )
    outcome_label: str
    outcome_warning: str | None = Field(
        None, description="Set when the outcome contradicts the value reached and the target value."
    )
    met: bool = Field(..., description="True only when the outcome is achieved.")
    value_reached: str
    comment: str

    @staticmethod
    def resolve_rating_label(obj: Any) -> str:
        return rules.RATING_LABELS[obj.rating]

    @staticmethod
    def resolve_outcome_label(obj: Any) -> str:
        return rules.OUTCOMES[obj.outcome]


class ReviewOut(Schema):
    id: int
    cycle_id: int
    held_on: date
    is_it_working: str
    how_much_difference: str
    happening_as_planned: str
    child_reaction: str
    child_thinks: str
    overall_progress: str = one_of(OverallProgress.values)
    parent_attendance: str = one_of(Attendance.values)
    attendees: str
    parent_views: str
    pupil_views: str
    decision: str = one_of(DECISIONS)
    decision_notes: str
    completed_by_id: int | None
    completed_at: datetime
    given_to_parents_on: date | None
    next_review_date: date | None = Field(
        None, description="The next review date agreed with the family (the next cycle's review)."
    )
    ratings: list[RatingOut]
    next_cycle_id: int | None = Field(
        None, description="The cycle the review opened (none when the pupil leaves the register)."
    )


class AmendmentOut(Schema):
    id: int
    cycle_id: int
    what: str = one_of(AMENDABLE)
    reason: str
    changes: dict[str, Any] = Field(
        ..., description='{field: {"from": old, "to": new}}; sensitive values masked.'
    )
    made_by_id: int | None
    made_at: datetime


class CycleOut(Schema):
    id: int
    pupil: PupilRef
    school: SchoolRef = Field(..., alias="pupil.school")
    number: int
    opened_on: date
    closed_on: date | None = Field(..., description="The review date; the cycle is then locked.")
    is_open: bool
    concern_id: int | None
    opened_by_id: int | None
    version: int
    plan_id: int | None
    review_id: int | None

    @staticmethod
    def resolve_is_open(obj: Any) -> bool:
        return obj.closed_on is None

    @staticmethod
    def resolve_plan_id(obj: Any) -> int | None:
        plan = getattr(obj, "plan", None)
        return plan.pk if plan else None

    @staticmethod
    def resolve_review_id(obj: Any) -> int | None:
        review = getattr(obj, "review", None)
        return review.pk if review else None


STAFF_ONLY = "Staff working records: null when you read the pupil as their parent."


class CycleDetailOut(CycleOut):
    plan: PlanOut | None
    review: ReviewOut | None
    views: list[AssessmentViewOut] | None = Field(..., description=STAFF_ONLY)
    notes: list[DoNoteOut] | None = Field(..., description=STAFF_ONLY)
    amendments: list[AmendmentOut] | None = Field(..., description=STAFF_ONLY)

    @staticmethod
    def resolve_plan(obj: Any) -> Any:
        return getattr(obj, "plan", None)

    @staticmethod
    def resolve_review(obj: Any) -> Any:
        return getattr(obj, "review", None)

    # The router sets for_staff; without it the staff records stay hidden.
    @staticmethod
    def resolve_views(obj: Any) -> Any:
        return list(obj.views.all()) if getattr(obj, "for_staff", False) else None

    @staticmethod
    def resolve_notes(obj: Any) -> Any:
        return list(obj.notes.all()) if getattr(obj, "for_staff", False) else None

    @staticmethod
    def resolve_amendments(obj: Any) -> Any:
        return list(obj.amendments.all()) if getattr(obj, "for_staff", False) else None


class PassportOut(Schema):
    id: int
    pupil: PupilRef
    about_me: str
    strengths: str
    what_helps: str
    what_does_not_help: str
    key_adjustments: str
    written_with_pupil: bool
    written_with_parent: bool
    updated_by_id: int | None
    updated_at: datetime
    version: int = Field(..., description="Send it back with a change (PUT); a stale one is 409.")


# ---- input --------------------------------------------------------------------------------------


class ConcernIn(Schema):
    pupil: Id
    source: Text = one_of(ConcernSource.values, description="Who raised it.")
    raised_on: date
    area: Text = one_of(AREAS, description="Broad area of need, or unsure.")
    what_was_seen: Text
    evidence: Text = ""
    raised_by_name: Text = Field("", description="Who raised it, if not you.", max_length=120)


class ConcernDecisionIn(Schema):
    outcome: Text = one_of(ConcernOutcome.values, description="assess opens cycle 1.")
    decided_on: date
    considered: Text = Field(..., description="Progress, attendance, language, health, …")
    other_factors: list[Text] = Field(
        [],
        description="For other_factor: " + ", ".join(OtherFactor.values),
        json_schema_extra={"items": {"type": "string", "enum": OTHER_FACTORS}},
    )
    early_help: bool = False
    early_help_note: Text = ""


class CycleIn(Schema):
    pupil: Id
    opened_on: date | None = Field(None, description="Defaults to today.")


class AssessmentViewIn(Schema):
    source: Text = one_of(ViewSource.values)
    given_by: Text = Field(..., description="The name of the person giving the view.")
    given_on: date
    views: Text
    strengths: Text = ""
    barriers: Text = ""
    assessments: Text = ""
    progress_vs_peers: Text = ""


class DoNoteIn(Schema):
    on: date
    kind: Text = one_of(NoteKind.values, default=NoteKind.SUPPORT.value)
    text: Text


class PlanIn(Schema):
    """The whole plan: text fields left out are emptied. Targets are added separately."""

    version: int | None = Field(
        None,
        description="The version you read (GET). Required when the plan exists; a stale one "
        "is 409 Conflict. Left out (or 0): you read no plan, and if one exists by the time this "
        "is saved the answer is 409.",
    )
    plan_date: date | None = Field(
        None, description="Left out: unchanged, or today for a new plan."
    )
    review_date: date | None = Field(
        None, description="Left out: unchanged, or the end of term for a new plan."
    )
    outcomes: Text
    adjustments: Text = ""
    provision: Text = ""
    pupil_strategies: Text = ""
    parents_agreed_on: date | None = None
    parent_comments: Text = ""
    pupil_agreed: bool = False


class TargetIn(Schema):
    description: Text
    baseline: Text = Field("", max_length=300)
    measure: Text = Field("", max_length=300)
    target_value: Text = Field("", max_length=200)
    target_date: date
    responsible: Text = Field("", max_length=200)


class RatingIn(Schema):
    target_id: Id
    rating: int = Field(..., ge=-2, le=2, description="-2 well below … 2 well above expected.")
    value_reached: Text = Field("", max_length=200)
    outcome: Literal["achieved", "partly_achieved", "not_achieved", "not_yet_due"] | None = Field(
        None,
        description="Whether the target was reached, apart from the rating: not_yet_due when its "
        "date is after the review. Left out, it is worked out by the rule in docs/decisions.md "
        "(from the numbers where both have one, else the date, else the rating).",
    )
    comment: Text = ""


class ReviewIn(Schema):
    held_on: date
    is_it_working: Text
    how_much_difference: Text
    happening_as_planned: Text
    child_reaction: Text
    child_thinks: Text
    overall_progress: Text = one_of(OverallProgress.values)
    parent_attendance: Text = one_of(Attendance.values)
    attendees: Text = ""
    parent_views: Text = ""
    pupil_views: Text = ""
    decision: Text = one_of(DECISIONS)
    decision_notes: Text = ""
    next_review_date: date | None = Field(
        None,
        description="The next review date agreed with the family: the next cycle is reviewed then "
        "(left out: the end of the term at least six school weeks away).",
    )
    ratings: list[RatingIn] = Field(..., description="One for every target of the plan.")

    @field_validator("ratings")
    @classmethod
    def _one_per_target(cls, ratings: list[RatingIn]) -> list[RatingIn]:
        ids = [r.target_id for r in ratings]
        if len(ids) != len(set(ids)):
            raise ValueError("Rate each target once.")
        return ratings


class GivenToParentsIn(Schema):
    given_on: date


class AmendmentIn(Schema):
    what: Text = one_of(AMENDABLE, description="The plan or the review.")
    changes: dict[str, Text | bool | int | None] = Field(
        ...,
        min_length=1,
        description="{field: new value}. Plan: "
        + ", ".join(AMENDABLE["plan"])
        + ". Review: "
        + ", ".join(AMENDABLE["review"])
        + ".",
    )
    reason: Text = Field(..., description="Why a reviewed cycle is being changed.")


class PassportIn(Schema):
    """The whole passport: fields left out are emptied."""

    version: int | None = Field(
        None,
        description="The version you read (GET). Required when the passport exists; a stale "
        "one is 409 Conflict. Left out (or 0): you read no passport, and if one exists by the "
        "time this is saved the answer is 409.",
    )
    about_me: Text = ""
    strengths: Text = ""
    what_helps: Text = ""
    what_does_not_help: Text = ""
    key_adjustments: Text = ""
    written_with_pupil: bool = False
    written_with_parent: bool = False


class SpecialistInvolvementIn(Schema):
    specialist: Text = one_of(Specialist.values, description="Who is involved.")
    name: Text = Field("", max_length=120, description="Their name or service.")
    asked_on: date = Field(..., description="The day the school asked; not in the future.")
    seen_on: date | None = Field(None, description="The day they saw the pupil.")
    advice_received_on: date | None = Field(None, description="The day their advice came.")
    recommendations: Text = Field("", max_length=6000)
    targets: list[Id] = Field(
        [], description="Ids of this pupil's plan targets that take up the recommendations."
    )


class SpecialistInvolvementOut(Schema):
    id: int
    pupil_id: int
    specialist: str = one_of(Specialist.values)
    name: str
    asked_on: date
    seen_on: date | None
    advice_received_on: date | None
    advice_id: int | None = Field(None, description="The advice document, if uploaded.")
    recommendations: str
    targets: list[int]
    recorded_by_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_targets(obj: Any) -> list[int]:
        return sorted(t.pk for t in obj.targets.all())
