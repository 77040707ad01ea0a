"""EHC needs assessment requests and EHC plans as the API returns them: SEN2 codes with their
labels, and the statutory clocks (statutory/clocks.py) worked out for each."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from api.schemas import PupilRef, SchoolRef
from statutory import clocks


class RegExceptionOut(Schema):
    id: int
    kind: str
    kind_label: str
    start_date: date
    end_date: date

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class EHCRequestOut(Schema):
    id: int
    pupil: PupilRef
    school: SchoolRef = Field(..., alias="pupil.school")
    la_code: str = Field(..., alias="la.code")
    source: str = Field(..., description="SEN2 RequestSource")
    source_label: str
    received_date: date
    decision: str = Field(..., description="SEN2 RequestOutcome")
    decision_label: str
    decision_date: date | None
    request_mediation: bool
    request_tribunal: bool
    assessment_outcome: str = Field(..., description="SEN2 AssessmentOutcome")
    assessment_outcome_label: str
    assessment_outcome_date: date | None
    assessment_mediation: bool
    assessment_tribunal: bool
    draft_plan_date: date | None
    final_plan_date: date | None
    exceptions: list[RegExceptionOut]
    decision_due: date = Field(..., description="reg 5(1): 6 weeks, after any exceptions")
    final_plan_due: date = Field(..., description="reg 13(2): 20 weeks, after any exceptions")
    week20_exceptions_apply: bool = Field(..., description="SEN2 Week20")
    created_at: datetime

    @staticmethod
    def resolve_exceptions(obj: Any) -> list[Any]:
        return list(obj.exceptions.all())

    @staticmethod
    def resolve_source_label(obj: Any) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_decision_label(obj: Any) -> str:
        return str(obj.get_decision_display())

    @staticmethod
    def resolve_assessment_outcome_label(obj: Any) -> str:
        return str(obj.get_assessment_outcome_display())

    @staticmethod
    def resolve_decision_due(obj: Any) -> date:
        return clocks.decision_due(obj.received_date, obj.clock_exceptions())

    @staticmethod
    def resolve_final_plan_due(obj: Any) -> date:
        return clocks.final_plan_due(obj.received_date, obj.clock_exceptions())

    @staticmethod
    def resolve_week20_exceptions_apply(obj: Any) -> bool:
        return clocks.week20_exceptions_apply(obj.received_date, obj.clock_exceptions())


class PlanOutcomeOut(Schema):
    position: int
    description: str
    target_ids: list[int]

    @staticmethod
    def resolve_target_ids(obj: Any) -> list[int]:
        return [t.pk for t in obj.targets.all()]


class PlanProvisionOut(Schema):
    position: int
    description: str
    provision_ids: list[int]

    @staticmethod
    def resolve_provision_ids(obj: Any) -> list[int]:
        return [p.pk for p in obj.provisions.all()]


class EHCPlanOut(Schema):
    id: int
    pupil: PupilRef
    school: SchoolRef = Field(..., alias="pupil.school")
    la_code: str = Field(..., alias="la.code")
    request_id: int | None
    issue_date: date
    a_views: str
    b_needs: str
    c_health: str
    d_social_care: str
    e_outcomes: list[PlanOutcomeOut]
    f_provision: list[PlanProvisionOut]
    g_health_provision: str
    h1_social_care: str
    h2_social_care: str
    i_placement: str
    i_urn: str
    i_setting: str = Field(..., description="SEN2 SENSetting, when the placement has no URN")
    j_personal_budget: str
    j_direct_payments: str
    k_advice: str
    cease_date: date | None
    cease_reason: str = Field(..., description="SEN2 CeaseReason")
    annual_review_due: date = Field(..., description="reg 20: 12 months")
    created_at: datetime

    @staticmethod
    def resolve_e_outcomes(obj: Any) -> list[Any]:
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_f_provision(obj: Any) -> list[Any]:
        return list(obj.provision_items.all())

    @staticmethod
    def resolve_annual_review_due(obj: Any) -> date:
        return obj.review_due()  # type: ignore[no-any-return]
