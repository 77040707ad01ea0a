"""EHC needs assessment requests, their reg 10(4) exceptions, EHC plans in the sections of reg 12,
annual reviews and phase transfers. Every outcome, source, setting and reason is a SEN2 code
(statutory/sen2.py), so the LA return is a projection of these rows. The clocks are
statutory/clocks.py; writes go through statutory/services.py."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.models import LocalAuthority
from provision.models import Provision
from pupils.models import Pupil
from statutory import clocks, sen2
from support.models import Target, private_storage

USER = settings.AUTH_USER_MODEL


def _not_before(
    errors: dict[str, str], field: str, day: date | None, earlier: date | None, what: str
) -> None:
    if day is not None and earlier is not None and day < earlier:
        errors.setdefault(field, f"This date cannot be before {what} ({earlier:%d/%m/%Y}).")


class EHCRequest(models.Model):
    """A request for an EHC needs assessment (SEN2 module 2, with its assessment, module 3)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="ehc_requests")
    la = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="ehc_requests", verbose_name="LA"
    )
    source = models.CharField(
        "who asked", max_length=1, choices=sen2.REQUEST_SOURCE, help_text="SEN2 RequestSource"
    )
    received_date = models.DateField("date the LA received the request")
    decision = models.CharField(
        "decision whether to assess",
        max_length=1,
        choices=sen2.REQUEST_OUTCOME,
        default="A",
        help_text="SEN2 RequestOutcome",
    )
    decision_date = models.DateField("date of the decision", null=True, blank=True)
    request_mediation = models.BooleanField("mediation on the decision", default=False)
    request_tribunal = models.BooleanField("tribunal appeal on the decision", default=False)
    assessment_outcome = models.CharField(
        max_length=1,
        choices=sen2.ASSESSMENT_OUTCOME,
        default="A",
        help_text="SEN2 AssessmentOutcome",
    )
    assessment_outcome_date = models.DateField(null=True, blank=True)
    assessment_mediation = models.BooleanField(default=False)
    assessment_tribunal = models.BooleanField(default=False)
    draft_plan_date = models.DateField("date the draft plan was sent", null=True, blank=True)
    final_plan_date = models.DateField("date the final plan was issued", null=True, blank=True)
    caseworker = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ehc_requests_held",
        help_text="The LA officer whose caseload it is in.",
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "EHC needs assessment request"
        ordering = ["-received_date", "-pk"]

    def __str__(self) -> str:
        return f"EHC needs assessment request received {self.received_date:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        received = self.received_date
        for field in (
            "received_date",
            "decision_date",
            "assessment_outcome_date",
            "draft_plan_date",
            "final_plan_date",
        ):
            day = getattr(self, field)
            if day is not None and day > today:
                errors[field] = "This date cannot be in the future."
        _not_before(errors, "decision_date", self.decision_date, received, "the request")
        if self.decision in ("Y", "N", "W") and self.decision_date is None:
            errors.setdefault("decision_date", "Enter the date of the decision.")
        if self.decision == "A" and self.decision_date is not None:
            errors.setdefault("decision", "Say what was decided, or remove the date.")
        decided = self.decision_date
        _not_before(
            errors,
            "assessment_outcome_date",
            self.assessment_outcome_date,
            decided,
            "the decision to assess",
        )
        if self.assessment_outcome not in ("A", "H") and self.decision not in ("Y", "H"):
            errors.setdefault(
                "assessment_outcome",
                "An assessment has an outcome only once the LA decided to assess.",
            )
        if self.assessment_outcome in ("Y", "N", "W") and self.assessment_outcome_date is None:
            errors.setdefault(
                "assessment_outcome_date", "Enter the date of the assessment outcome."
            )
        _not_before(errors, "draft_plan_date", self.draft_plan_date, received, "the request")
        _not_before(
            errors, "final_plan_date", self.final_plan_date, self.draft_plan_date, "the draft plan"
        )
        _not_before(errors, "final_plan_date", self.final_plan_date, received, "the request")
        if self.final_plan_date is not None and self.assessment_outcome not in ("Y", "H"):
            errors.setdefault("final_plan_date", "A final plan follows a decision to issue one.")
        if errors:
            raise ValidationError(errors)

    def clock_exceptions(self) -> list[clocks.LimitException]:
        return [e.as_clock() for e in self.exceptions.all()]


class RegException(models.Model):
    """A reg 10(4) exception to the time limits, with its kind and dates."""

    request = models.ForeignKey(EHCRequest, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(
        max_length=24, choices=[(k.value, v) for k, v in clocks.EXCEPTION_LABELS.items()]
    )
    start_date = models.DateField(help_text="For a closure, the first day closed.")
    end_date = models.DateField(help_text="For a closure, the day it reopens.")

    class Meta:
        verbose_name = "reg 10(4) exception"
        ordering = ["start_date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y}"

    def clean(self) -> None:
        errors = clocks.exception_errors(self.kind, self.start_date, self.end_date)
        if errors:
            raise ValidationError(errors)

    def as_clock(self) -> clocks.LimitException:
        return clocks.LimitException(
            clocks.ExceptionKind(self.kind), self.start_date, self.end_date
        )


class EHCPlan(models.Model):
    """An EHC plan with the sections of reg 12 (A-K) and its placement (SEN2 modules 4 and 5)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="ehc_plans")
    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="ehc_plans")
    request = models.OneToOneField(
        EHCRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan"
    )
    issue_date = models.DateField("date the final plan was issued", help_text="SEN2 StartDate")
    a_views = models.TextField("A: the views, interests and aspirations", blank=True)
    b_needs = models.TextField("B: special educational needs", blank=True)
    c_health = models.TextField("C: health care needs related to the SEN", blank=True)
    d_social_care = models.TextField("D: social care needs related to the SEN", blank=True)
    g_health_provision = models.TextField("G: health care provision", blank=True)
    h1_social_care = models.TextField(
        "H1: social care provision under section 2 of the CSDPA 1970", blank=True
    )
    h2_social_care = models.TextField("H2: other social care provision", blank=True)
    i_placement = models.CharField(
        "I: the school or other institution named", max_length=200, blank=True
    )
    i_urn = models.CharField("URN of the placement", max_length=6, blank=True)
    i_setting = models.CharField(
        "setting without a URN",
        max_length=4,
        choices=sen2.SEN_SETTING,
        blank=True,
        help_text="SEN2 SENSetting",
    )
    j_personal_budget = models.TextField("J: personal budget", blank=True)
    j_direct_payments = models.CharField(
        "direct payments", max_length=1, choices=sen2.DIRECT_PAYMENTS, blank=True
    )
    k_advice = models.TextField("K: advice and information gathered", blank=True)
    cease_date = models.DateField(null=True, blank=True)
    cease_reason = models.CharField(max_length=1, choices=sen2.CEASE_REASON, blank=True)
    amendment = models.PositiveSmallIntegerField(
        "version",
        default=0,
        help_text="0 as first issued; one more for each amendment after an annual review. The "
        "versions it replaced are kept, read-only, as PlanVersion rows.",
    )
    caseworker = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ehc_plans_held",
        help_text="The LA officer whose caseload it is in.",
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "EHC plan"
        ordering = ["-issue_date", "-pk"]

    def __str__(self) -> str:
        return f"EHC plan issued {self.issue_date:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.issue_date and self.issue_date > timezone.localdate():
            errors["issue_date"] = "The issue date cannot be in the future."
        _not_before(errors, "cease_date", self.cease_date, self.issue_date, "the plan's issue")
        if bool(self.cease_date) != bool(self.cease_reason):
            errors.setdefault(
                "cease_reason", "A plan that ceased needs both its date and its reason."
            )
        if self.i_urn and self.i_setting:
            errors["i_setting"] = "Give the URN of the placement or, without one, its setting."
        if errors:
            raise ValidationError(errors)

    def review_due(self) -> date:
        """reg 20, from the last meeting (reads prefetched `reviews` if there are)."""
        meetings = [r.meeting_date for r in self.reviews.all()]
        return clocks.annual_review_due(self.issue_date, max(meetings, default=None))


class PlanOutcome(models.Model):
    """Section E: an outcome, linked to the school's plan targets that work towards it."""

    plan = models.ForeignKey(EHCPlan, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.TextField()
    targets = models.ManyToManyField(Target, blank=True, related_name="ehc_outcomes")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "section E outcome"

    def __str__(self) -> str:
        return f"Outcome {self.position}"


class PlanProvision(models.Model):
    """Section F: special educational provision, linked to the provision records that deliver it."""

    plan = models.ForeignKey(EHCPlan, on_delete=models.CASCADE, related_name="provision_items")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.TextField()
    provisions = models.ManyToManyField(Provision, blank=True, related_name="ehc_items")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "section F provision"

    def __str__(self) -> str:
        return f"Provision {self.position}"


class AnnualReview(models.Model):
    """An annual review of an EHC plan (reg 20) and the LA's decision (SEN2 ReviewOutcome)."""

    plan = models.ForeignKey(EHCPlan, on_delete=models.CASCADE, related_name="reviews")
    meeting_date = models.DateField("date of the review meeting", help_text="SEN2 ReviewMeeting")
    recommendation = models.CharField(
        "the meeting's recommendation to the LA",
        max_length=1,
        choices=sen2.REVIEW_OUTCOME,
        blank=True,
        help_text="What the meeting recommends (maintain, amend or cease); the LA then decides.",
    )
    outcome = models.CharField(
        "the LA's decision",
        max_length=1,
        choices=sen2.REVIEW_OUTCOME,
        blank=True,
        help_text="SEN2 ReviewOutcome",
    )
    decision_date = models.DateField(
        "date of the LA's decision", null=True, blank=True, help_text="SEN2 LastReview"
    )
    draft_date = models.DateField(
        "date the proposed amendments were sent",
        null=True,
        blank=True,
        help_text="SEN2 ReviewDraft",
    )
    amended_plan_date = models.DateField(
        "date the final amended plan was issued", null=True, blank=True
    )
    cease_reason = models.CharField(max_length=1, choices=sen2.CEASE_REASON, blank=True)
    report_sent_date = models.DateField(
        "date the school sent its report of the meeting to the LA",
        null=True,
        blank=True,
        help_text="reg 20(7): within 2 weeks of the meeting. The LA's 4 weeks run from the meeting.",
    )
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-meeting_date", "-pk"]

    def __str__(self) -> str:
        return f"Annual review {self.meeting_date:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        for field in (
            "meeting_date",
            "decision_date",
            "draft_date",
            "amended_plan_date",
            "report_sent_date",
        ):
            day = getattr(self, field)
            if day is not None and day > today:
                errors[field] = "This date cannot be in the future."
        plan_issued = self.plan.issue_date if self.plan_id else None
        _not_before(errors, "meeting_date", self.meeting_date, plan_issued, "the plan's issue")
        _not_before(errors, "decision_date", self.decision_date, self.meeting_date, "the meeting")
        _not_before(errors, "draft_date", self.draft_date, self.meeting_date, "the meeting")
        _not_before(
            errors, "report_sent_date", self.report_sent_date, self.meeting_date, "the meeting"
        )
        _not_before(
            errors, "amended_plan_date", self.amended_plan_date, self.meeting_date, "the meeting"
        )
        _not_before(
            errors,
            "amended_plan_date",
            self.amended_plan_date,
            self.draft_date,
            "the proposed amendments",
        )
        if bool(self.outcome) != bool(self.decision_date):
            errors.setdefault(
                "decision_date", "The LA's decision needs both what it was and its date."
            )
        if (self.draft_date or self.amended_plan_date) and self.outcome != "A":
            errors.setdefault("outcome", "Amendments follow a decision to amend.")
        if self.outcome == "C" and not self.cease_reason:
            errors["cease_reason"] = "Choose why the plan ceases."
        if self.cease_reason and self.outcome != "C":
            errors.setdefault("cease_reason", "A reason to cease follows a decision to cease.")
        if errors:
            raise ValidationError(errors)

    def decision_due(self) -> date:
        return clocks.review_decision_due(self.meeting_date)

    def amended_plan_due(self) -> date:
        return clocks.amended_plan_due(self.meeting_date)

    def notice_due(self) -> date:
        return clocks.review_notice_due(self.meeting_date)

    def report_due(self) -> date:
        return clocks.review_report_due(self.meeting_date)


INVITEES = (
    ("parent", "Parent or carer"),
    ("young_person", "The child or young person"),
    ("school", "The school (head teacher or SENCo)"),
    ("la", "The LA's SEN officer"),
    ("health", "Health care professional"),
    ("social_care", "Social care"),
    ("educational_psychologist", "Educational psychologist"),
    ("speech_language_therapist", "Speech and language therapist"),
    ("other", "Other professional"),
)


class ReviewInvitation(models.Model):
    """Someone invited to an annual review meeting (reg 20(2)), asked for advice and information
    (reg 20(3)(a)), and when their advice came. reg 20(3): notice of the meeting and the advice
    circulated at least 2 weeks before it."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.CharField("who is invited", max_length=32, choices=INVITEES)
    name = models.CharField("name or service", max_length=120, blank=True)
    invited_date = models.DateField("date the invitation was sent")
    advice_requested = models.BooleanField("advice and information asked for", default=True)
    advice_received_date = models.DateField("date the advice was received", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["invited_date", "pk"]
        verbose_name = "annual review invitation"

    def __str__(self) -> str:
        return f"{self.get_invitee_display()} invited {self.invited_date:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        for field in ("invited_date", "advice_received_date"):
            day = getattr(self, field)
            if day is not None and day > today:
                errors[field] = "This date cannot be in the future."
        meeting = self.review.meeting_date if self.review_id else None
        if self.invited_date and meeting and self.invited_date > meeting:
            errors.setdefault("invited_date", "An invitation is sent before the meeting.")
        _not_before(
            errors,
            "advice_received_date",
            self.advice_received_date,
            self.invited_date,
            "the invitation",
        )
        if self.advice_received_date and not self.advice_requested:
            errors.setdefault("advice_requested", "Advice received was asked for: tick it.")
        if errors:
            raise ValidationError(errors)

    def notice_days(self) -> int:
        return (self.review.meeting_date - self.invited_date).days

    def short_notice(self) -> bool:
        """Less than the 2 weeks' notice of reg 20(3)(b)."""
        return self.invited_date > clocks.review_notice_due(self.review.meeting_date)

    def advice_late(self) -> bool:
        """Advice that came after the day it had to be circulated (2 weeks before the meeting)."""
        due = clocks.review_notice_due(self.review.meeting_date)
        return self.advice_received_date is not None and self.advice_received_date > due


class PlanVersion(models.Model):
    """A version of an EHC plan that an amendment replaced, kept read-only with its dates and
    its sections as they were. The plan row holds the current version (EHCPlan.amendment)."""

    plan = models.ForeignKey(EHCPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(help_text="0 as first issued.")
    final_date = models.DateField("date this version was final")
    draft_date = models.DateField("date its draft was sent", null=True, blank=True)
    sections = models.JSONField(default=dict, help_text="Sections A-D and G-K as they were.")
    outcomes = models.JSONField(default=list, help_text="Section E, one outcome an item.")
    provision_items = models.JSONField(default=list, help_text="Section F, one item an item.")
    replaced_by = models.ForeignKey(
        AnnualReview,
        on_delete=models.PROTECT,
        related_name="replaced_versions",
        help_text="The annual review whose decision to amend replaced this version.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="ehc_plan_version_once")
        ]

    def __str__(self) -> str:
        return f"EHC plan version {self.number} (final {self.final_date:%d/%m/%Y})"


class PhaseTransfer(models.Model):
    """A move between phases (reg 2(1)) and the amended plan naming the new setting (reg 18)."""

    plan = models.ForeignKey(EHCPlan, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(
        max_length=20, choices=[(k.value, v) for k, v in clocks.TRANSFER_LABELS.items()]
    )
    transfer_date = models.DateField("date of the move", help_text="Usually 1 September.")
    named_setting = models.CharField("the new setting named", max_length=200, blank=True)
    final_date = models.DateField(
        "date the amended plan was final",
        null=True,
        blank=True,
        help_text="SEN2 PhaseTransferFinalDate",
    )

    class Meta:
        ordering = ["transfer_date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.transfer_date:%d/%m/%Y}"

    def clean(self) -> None:
        if self.final_date and not self.named_setting:
            raise ValidationError(
                {"named_setting": "The final amended plan names the new setting."}
            )

    def due(self) -> date:
        """SEN2 PhaseTransferDueDate."""
        return clocks.phase_transfer_due(clocks.Transfer(self.kind), self.transfer_date)


def _case_upload_to(instance: "CaseDocument", filename: str) -> str:
    # Like support's attachments: the stored name never uses the uploader's file name.
    import secrets

    return f"ehc/{instance.pupil_id}/{secrets.token_hex(16)}"


class CaseDocument(models.Model):
    """A document kept with an EHC case: the plan as the LA issued it (its PDF, entered by hand
    section by section), and each document the school sent to the LA (the annual review report,
    the evidence pack), with when it went and who sent it."""

    class Kind(models.TextChoices):
        PLAN = "plan", "The EHC plan as the LA issued it"
        EVIDENCE_PACK = "evidence_pack", "Evidence pack for the needs assessment request"
        REVIEW_REPORT = "review_report", "The school's annual review report"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="ehc_documents")
    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="ehc_documents")
    request = models.ForeignKey(
        EHCRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    plan = models.ForeignKey(
        EHCPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    review = models.ForeignKey(
        AnnualReview, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.FileField(storage=private_storage, upload_to=_case_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveIntegerField()
    note = models.CharField(
        max_length=500, blank=True, help_text="For a pack: what went in and what was left out."
    )
    sent_to_la = models.BooleanField(
        default=False, help_text="Sent by the school to the LA (not a copy of the LA's own)."
    )
    added_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField("sent or added", default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-pk"]
        verbose_name = "EHC case document"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.added_at:%d/%m/%Y})"


class OfficerCaseload(models.Model):
    """An LA officer narrowed to a caseload: at this LA they reach only the requests and plans
    whose caseworker they are (access.reach.ehc_reach reads it)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="ehc_caseloads")
    la = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "la"], name="ehc_caseload_once_per_la")
        ]

    def __str__(self) -> str:
        return f"Caseload only: {self.user} at {self.la}"
