"""EHC needs assessment requests and EHC plans as the API returns them: SEN2 codes with their
labels, and the statutory clocks (statutory/clocks.py) worked out for each."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from api.schemas import Id, PupilRef, SchoolRef, Text
from api.schemas_support import one_of
from statutory import clocks, sen2
from statutory.models import INVITEES as INVITEE_CHOICES


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
    amendment: int = Field(..., description="The current version: 0 as first issued")
    phase_transfers: list["PhaseTransferOut"]
    created_at: datetime

    @staticmethod
    def resolve_phase_transfers(obj: Any) -> list[Any]:
        return list(obj.transfers.all())

    @staticmethod
    def resolve_e_outcomes(obj: Any) -> list[Any]:
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_f_provision(obj: Any) -> list[Any]:
        return list(obj.provision_items.all())

    @staticmethod
    def resolve_annual_review_due(obj: Any) -> date:
        return obj.review_due()  # type: ignore[no-any-return]


class PlanVersionOut(Schema):
    """A version an amendment replaced: read-only, with its dates and its sections as they were."""

    pupil: PupilRef = Field(..., alias="plan.pupil")
    number: int = Field(..., description="0 as first issued")
    final_date: date
    draft_date: date | None
    sections: dict[str, str]
    e_outcomes: list[str] = Field(..., alias="outcomes")
    f_provision: list[str] = Field(..., alias="provision_items")
    replaced_by_review_id: int = Field(
        ..., alias="replaced_by_id", description="The review whose decision to amend replaced it"
    )
    changed_sections: list[str] = Field(
        ..., description="The sections the next version changed (a_views … k_advice, e, f)"
    )

    @staticmethod
    def resolve_changed_sections(obj: Any) -> list[str]:
        return list(getattr(obj, "changed_sections", []))


class ReviewInvitationOut(Schema):
    id: int
    invitee: str
    invitee_label: str
    name: str
    invited_date: date
    advice_requested: bool
    advice_received_date: date | None
    notice_days: int = Field(..., description="Days between the invitation and the meeting")
    short_notice: bool = Field(..., description="Less than reg 20(3)'s 2 weeks' notice")
    advice_late: bool = Field(..., description="Received after the day to circulate advice")

    @staticmethod
    def resolve_invitee_label(obj: Any) -> str:
        return str(obj.get_invitee_display())

    @staticmethod
    def resolve_notice_days(obj: Any) -> int:
        return obj.notice_days()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_short_notice(obj: Any) -> bool:
        return obj.short_notice()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_advice_late(obj: Any) -> bool:
        return obj.advice_late()  # type: ignore[no-any-return]


class AnnualReviewOut(Schema):
    id: int
    plan_id: int
    pupil: PupilRef = Field(..., alias="plan.pupil")
    meeting_date: date = Field(..., description="SEN2 ReviewMeeting")
    recommendation: str = Field(..., description="The meeting's recommendation (ReviewOutcome)")
    report_sent_date: date | None = Field(..., description="The school's report to the LA")
    outcome: str = Field(..., description="SEN2 ReviewOutcome (blank until the LA decides)")
    outcome_label: str
    decision_date: date | None = Field(..., description="SEN2 LastReview")
    draft_date: date | None = Field(..., description="SEN2 ReviewDraft: proposed amendments")
    amended_plan_date: date | None
    cease_reason: str = Field(..., description="SEN2 CeaseReason")
    notice_due: date = Field(..., description="reg 20(3): invitations and advice, 2 weeks before")
    report_due: date = Field(..., description="reg 20(7): the report, 2 weeks after")
    decision_due: date = Field(..., description="reg 20(10): the LA's decision, 4 weeks after")
    amended_plan_due: date = Field(..., description="reg 22: final amended plan, 12 weeks after")
    invitations: list[ReviewInvitationOut]

    @staticmethod
    def resolve_outcome_label(obj: Any) -> str:
        return str(obj.get_outcome_display()) if obj.outcome else ""

    @staticmethod
    def resolve_notice_due(obj: Any) -> date:
        return obj.notice_due()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_report_due(obj: Any) -> date:
        return obj.report_due()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_decision_due(obj: Any) -> date:
        return obj.decision_due()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_amended_plan_due(obj: Any) -> date:
        return obj.amended_plan_due()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_invitations(obj: Any) -> list[Any]:
        return list(obj.invitations.all())


class PhaseTransferOut(Schema):
    id: int
    plan_id: int
    kind: str
    kind_label: str
    transfer_date: date
    named_setting: str
    final_date: date | None = Field(..., description="SEN2 PhaseTransferFinalDate")
    due: date = Field(..., description="SEN2 PhaseTransferDueDate (reg 18)")

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_due(obj: Any) -> date:
        return obj.due()  # type: ignore[no-any-return]


# ---- input: the same names as the services' arguments ------------------------------------------

SOURCES = [c for c, _ in sen2.REQUEST_SOURCE]
DIRECT_PAYMENTS = ["", *(c for c, _ in sen2.DIRECT_PAYMENTS)]
SETTINGS = ["", *(c for c, _ in sen2.SEN_SETTING)]
INVITEES = [c for c, _ in INVITEE_CHOICES]
KINDS = [k.value for k in clocks.ExceptionKind]
TRANSFERS = [t.value for t in clocks.Transfer]


class EHCRequestIn(Schema):
    """A request the school makes, or records (the parents', health's, social care's)."""

    pupil: Id
    source: Text = one_of(SOURCES, description="SEN2 RequestSource")
    received_date: date = Field(..., description="The date the LA received it (may be past)")


class EHCRequestDecisionIn(Schema):
    """The LA's decisions and dates (an officer of the request's LA); send what changed."""

    decision: Text | None = one_of([c for c, _ in sen2.REQUEST_OUTCOME], None, "RequestOutcome")
    decision_date: date | None = None
    request_mediation: bool | None = None
    request_tribunal: bool | None = None
    assessment_outcome: Text | None = one_of(
        [c for c, _ in sen2.ASSESSMENT_OUTCOME], None, "AssessmentOutcome"
    )
    assessment_outcome_date: date | None = None
    assessment_mediation: bool | None = None
    assessment_tribunal: bool | None = None
    draft_plan_date: date | None = None
    final_plan_date: date | None = None


class RegExceptionIn(Schema):
    kind: Text = one_of(KINDS, description="reg 10(4)(a)-(d)")
    start_date: date | None = Field(None, description="For a closure, the first day closed")
    end_date: date | None = Field(None, description="For a closure, the day it reopens")


class PlanSectionsIn(Schema):
    """Sections of reg 12 (send what changed); E and F one item a line, by position."""

    a_views: Text | None = None
    b_needs: Text | None = None
    c_health: Text | None = None
    d_social_care: Text | None = None
    e_outcomes: list[Text] | None = None
    f_provision: list[Text] | None = None
    g_health_provision: Text | None = None
    h1_social_care: Text | None = None
    h2_social_care: Text | None = None
    i_placement: Text | None = Field(None, max_length=200)
    i_urn: Text | None = Field(None, pattern=r"^(\d{6})?$")
    i_setting: Text | None = one_of(SETTINGS, None, "SEN2 SENSetting, without a URN")
    j_personal_budget: Text | None = None
    j_direct_payments: Text | None = one_of(DIRECT_PAYMENTS, None, "SEN2 DP")
    k_advice: Text | None = None


class EHCPlanIn(PlanSectionsIn):
    """A plan the LA issued, entered from its PDF: for a request, or one issued before."""

    pupil: Id
    request: Id | None = Field(None, description="The request it answers, if recorded")
    issue_date: date = Field(..., description="SEN2 StartDate (may be past)")


class PlanUpdateIn(PlanSectionsIn):
    issue_date: date | None = Field(None, description="Only the first version's")


class AnnualReviewIn(Schema):
    """What the school records: the meeting and when its report went to the LA."""

    meeting_date: date = Field(..., description="SEN2 ReviewMeeting")
    recommendation: Text = one_of(
        ["", *(c for c, _ in sen2.REVIEW_OUTCOME)], "", "The meeting's recommendation"
    )
    report_sent_date: date | None = None


class AnnualReviewUpdateIn(Schema):
    meeting_date: date | None = None
    recommendation: Text | None = one_of(
        ["", *(c for c, _ in sen2.REVIEW_OUTCOME)], None, "The meeting's recommendation"
    )
    report_sent_date: date | None = None


class ReviewDecisionIn(Schema):
    """The LA's decision after the review (an officer of the plan's LA): amend starts a new
    version of the plan; send what changed."""

    outcome: Text | None = one_of([c for c, _ in sen2.REVIEW_OUTCOME], None, "ReviewOutcome")
    decision_date: date | None = None
    draft_date: date | None = Field(None, description="Proposed amendments sent")
    amended_plan_date: date | None = Field(None, description="Final amended plan issued")
    cease_reason: Text | None = one_of(
        ["", *(c for c, _ in sen2.CEASE_REASON)], None, "SEN2 CeaseReason"
    )


class ReviewInvitationIn(Schema):
    invitee: Text = one_of(INVITEES, description="Who is invited (reg 20(2))")
    name: Text = Field("", max_length=120, description="Name or service")
    invited_date: date
    advice_requested: bool = True
    advice_received_date: date | None = None


class ReviewInvitationUpdateIn(Schema):
    invitee: Text | None = one_of(INVITEES, None)
    name: Text | None = Field(None, max_length=120)
    invited_date: date | None = None
    advice_requested: bool | None = None
    advice_received_date: date | None = None


class PhaseTransferIn(Schema):
    kind: Text = one_of(TRANSFERS, description="reg 2(1) transfer between phases")
    transfer_date: date = Field(..., description="Usually 1 September")
    named_setting: Text = Field("", max_length=200)
    final_date: date | None = Field(None, description="The amended plan final (reg 18)")


class PhaseTransferUpdateIn(Schema):
    kind: Text | None = one_of(TRANSFERS, None)
    transfer_date: date | None = None
    named_setting: Text | None = Field(None, max_length=200)
    final_date: date | None = None


EHCPlanOut.model_rebuild()
