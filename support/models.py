"""The graduated approach: concerns, and numbered Assess-Plan-Do-Review cycles.

A cycle belongs to one pupil and has a number (1, 2, ...); only one is open at a time (a database
constraint). Completing its review locks it (`closed_on` set): later changes are Amendments with a
reason. Writes go through support/services.py.
"""

from datetime import date

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pupils import census
from pupils.models import Pupil
from support import rules

USER = settings.AUTH_USER_MODEL


def private_storage() -> FileSystemStorage:
    """Uploaded documents live in the data folder, outside the web root: they are only ever
    served by support.views.attachment_download, after an access check."""
    return FileSystemStorage(location=settings.SENDPATH_UPLOADS_DIR, base_url=None)


class ConcernSource(models.TextChoices):
    TEACHER = "teacher", "A teacher"
    TEACHING_ASSISTANT = "ta", "A teaching assistant"
    PARENT = "parent", "A parent or carer"
    PUPIL = "pupil", "The pupil"
    SENCO = "senco", "The SENCo"
    OTHER = "other", "Someone else (health, social care, a previous school)"


class ConcernOutcome(models.TextChoices):
    MONITOR = "monitor", "Monitor in class for now"
    ASSESS = "assess", "Start an assessment (a cycle)"
    OTHER_FACTOR = "other_factor", "Explained by another factor"


class OtherFactor(models.TextChoices):
    EAL = "eal", "English as an additional language"
    ATTENDANCE = "attendance", "Attendance"
    HEALTH = "health", "A health or medical need"
    LEARNING_GAP = "learning_gap", "A gap in learning (missed teaching)"
    FAMILY = "family", "Family circumstances"
    HOUSING = "housing", "Housing circumstances"
    OTHER = "other", "Something else"


AREA_CHOICES = [
    (code, label) for code, label in census.BROAD_AREA_LABELS.items() if code != "NA"
] + [("unsure", "Not sure yet")]


class Concern(models.Model):
    """A worry raised before (or outside) the register. Slow progress and low attainment do not
    by themselves mean SEN (seeds 000, 003): the decision records what else was considered."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="concerns")
    source = models.CharField("Raised by", max_length=8, choices=ConcernSource.choices)
    raised_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by_name = models.CharField(max_length=120, blank=True)
    raised_on = models.DateField()
    area = models.CharField("Area of need", max_length=6, choices=AREA_CHOICES)
    what_was_seen = models.TextField()
    evidence = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=ConcernOutcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    considered = models.TextField("What was considered", blank=True)
    other_factors = models.JSONField(default=list, blank=True)
    early_help = models.BooleanField("Early Help assessment or multi-agency support", default=False)
    early_help_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(decided_on__isnull=True))
                | (~Q(outcome="") & Q(decided_on__isnull=False)),
                name="concern_decision_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("raised_on")),
                name="concern_decided_after_raised",
                violation_error_message="The decision cannot be before the concern was raised.",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern about {self.pupil} raised {self.raised_on}"

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @property
    def other_factor_labels(self) -> list[str]:
        labels = dict(OtherFactor.choices)
        return [labels.get(f, f) for f in self.other_factors]


class Cycle(models.Model):
    """One Assess-Plan-Do-Review cycle, usually a term long."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    opened_on = models.DateField()
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text="Set when the review is completed: the cycle is then locked",
    )
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="cycles"
    )
    opened_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(
        blank=True,
        help_text="Why the cycle ended without a review (the pupil left the SEN register): "
        "the record given to the parents",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pupil", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "number"], name="cycle_unique_number"),
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(closed_on__isnull=True),
                name="cycle_one_open_per_pupil",
                violation_error_message="This pupil already has an open cycle.",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="cycle_number_from_1"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="cycle_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number} for {self.pupil}"

    @property
    def is_locked(self) -> bool:
        return self.closed_on is not None


class ViewSource(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    PARENT = "parent", "Parent or carer"
    PUPIL = "pupil", "Pupil"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    SENCO = "senco", "SENCo"
    EDUCATIONAL_PSYCHOLOGIST = "ep", "Educational psychologist"
    SPEECH_LANGUAGE_THERAPIST = "salt", "Speech and language therapist"
    OUTREACH = "outreach", "Outreach or advisory teacher"
    OTHER_SPECIALIST = "specialist", "Other specialist"


class AssessmentView(models.Model):
    """Assess: one person's view of the pupil's needs. No diagnosis is needed (seed 002)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="views")
    source = models.CharField(max_length=10, choices=ViewSource.choices)
    given_by = models.CharField("Name", max_length=120)
    given_on = models.DateField()
    views = models.TextField("What they see and think")
    strengths = models.TextField(blank=True)
    barriers = models.TextField("Barriers to learning", blank=True)
    assessments = models.TextField("Assessments and scores", blank=True)
    progress_vs_peers = models.TextField("Progress compared with peers", blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["given_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} view ({self.given_by})"


def _upload_to(instance: "Attachment", filename: str) -> str:
    # The stored name never uses the uploader's file name: no path tricks, no personal data in paths.
    import secrets

    return f"pupils/{instance.pupil_id}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Plan(models.Model):
    """Plan: outcomes that matter to the child, SMART targets, adjustments, provision, the review
    date; agreed with parents and pupil; shown to every adult who works with the pupil."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="plan")
    plan_date = models.DateField()
    review_date = models.DateField()
    outcomes = models.TextField("Outcomes that matter to the child")
    adjustments = models.TextField("Adjustments to school life and rules", blank=True)
    provision = models.TextField("Provision planned", blank=True)
    pupil_strategies = models.TextField("The pupil's own strategies", blank=True)
    parents_agreed_on = models.DateField(null=True, blank=True)
    parent_comments = models.TextField(blank=True)
    pupil_agreed = models.BooleanField("The pupil took part and agrees", default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(review_date__gt=F("plan_date")),
                name="plan_review_after_plan_date",
                violation_error_message="The review date must be after the plan date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan for {self.cycle}"


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.TextField()
    baseline = models.CharField(max_length=300, blank=True)
    measure = models.CharField(max_length=300, blank=True)
    target_value = models.CharField(max_length=200, blank=True)
    target_date = models.DateField()
    responsible = models.CharField("Who is responsible", max_length=200, blank=True)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_into"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    def carry_forward(
        self, plan: "Plan", review_date: date, reached: str = "", held_on: date | None = None
    ) -> "Target":
        """This unmet target as it starts in the next cycle's `plan` (unsaved): the same words
        and position, due no earlier than the new plan's review. Its baseline is where the pupil
        was at the review (`reached`, dated `held_on`) when that was recorded (issue 13)."""
        baseline = self.baseline
        if reached.strip():
            when = f" (at the review on {held_on.day} {held_on:%B %Y})" if held_on else ""
            baseline = f"{reached.strip()}{when}"[:300]
        return Target(
            plan=plan,
            position=self.position,
            description=self.description,
            baseline=baseline,
            measure=self.measure,
            target_value=self.target_value,
            responsible=self.responsible,
            target_date=max(self.target_date, review_date),
            carried_from=self,
        )


class NoteKind(models.TextChoices):
    SUPPORT = "support", "Support given"
    ADJUSTMENT = "adjustment", "Adjustment made"
    OBSERVATION = "observation", "Observation"


class DoNote(models.Model):
    """Do: a dated note of the daily support and adjustments, by a teacher or TA."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField()
    kind = models.CharField(max_length=12, choices=NoteKind.choices, default=NoteKind.SUPPORT)
    text = models.TextField()
    author = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.text[:40]}"


class OverallProgress(models.TextChoices):
    ABOVE = "above", "Better than expected"
    EXPECTED = "expected", "As expected"
    LESS = "less", "Less than expected"
    LITTLE_OR_NONE = "none", "Little or no progress"


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video call"
    WRITTEN = "written", "Sent views in writing"
    NOT_PRESENT = "absent", "Did not take part"


class Review(models.Model):
    """Review: the five questions of seed 002, a rating per target, who took part, parent and
    pupil views, and a decision. Completing it locks the cycle."""

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="review")
    held_on = models.DateField()
    is_it_working = models.TextField("Is the support working?")
    how_much_difference = models.TextField("If it is making a difference, how much?")
    happening_as_planned = models.TextField(
        "Is it happening as it should: the right person, trained, often enough?"
    )
    child_reaction = models.TextField("How is the child reacting to the support?")
    child_thinks = models.TextField("What does the child think about the support?")
    overall_progress = models.CharField(max_length=8, choices=OverallProgress.choices)
    parent_attendance = models.CharField(
        "How the parents took part", max_length=10, choices=Attendance.choices
    )
    attendees = models.TextField("Who else took part", blank=True)
    parent_views = models.TextField(blank=True)
    pupil_views = models.TextField(blank=True)
    decision = models.CharField(max_length=12, choices=list(rules.DECISIONS.items()))
    decision_notes = models.TextField("Actions and support agreed", blank=True)
    completed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(default=timezone.now)
    given_to_parents_on = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(
        "Next review date agreed with the family",
        null=True,
        blank=True,
        help_text="The next cycle's review is set to this date; the review PDF tells parents it.",
    )

    def __str__(self) -> str:
        return f"Review of {self.cycle}"

    @property
    def parent_present(self) -> bool:
        return self.parent_attendance in {Attendance.IN_PERSON, Attendance.PHONE, Attendance.VIDEO}


class TargetRating(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="ratings")
    rating = models.SmallIntegerField(choices=sorted(rules.RATING_LABELS.items()))
    value_reached = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(
        max_length=16,
        choices=list(rules.OUTCOMES.items()),
        help_text="Whether the target was reached, apart from how progress went (the rating).",
    )
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "target"], name="rating_one_per_target"),
            models.CheckConstraint(
                condition=Q(rating__gte=-2, rating__lte=2), name="rating_from_minus_2_to_2"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.rating}"

    @property
    def met(self) -> bool:
        """Met means achieved (issue 13): "as expected" progress is not a met target."""
        return rules.is_achieved(self.outcome)

    @property
    def outcome_sentence(self) -> str:
        return rules.OUTCOME_SENTENCES[self.outcome]

    @property
    def outcome_warning(self) -> str | None:
        return rules.outcome_warning(
            outcome=self.outcome,
            reached=self.value_reached,
            target_value=self.target.target_value,
            baseline=self.target.baseline,
        )


class Amendment(models.Model):
    """A change to a locked cycle, with the reason (audited as well)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="amendments")
    made_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    what = models.CharField(max_length=60)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["made_at"]

    def __str__(self) -> str:
        return f"Amendment to {self.cycle}: {self.what}"


class Passport(models.Model):
    """A one-page profile for every adult who teaches the pupil."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="passport")
    about_me = models.TextField("About me", blank=True)
    strengths = models.TextField("What I am good at", blank=True)
    what_helps = models.TextField("What helps me", blank=True)
    what_does_not_help = models.TextField("What does not help me", blank=True)
    key_adjustments = models.TextField("Key adjustments", blank=True)
    written_with_pupil = models.BooleanField(default=False)
    written_with_parent = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Passport for {self.pupil}"


# --- what staff write ----------------------------------------------------------------------------
# Each record's own fields, in the model's order, less those the services keep (the parent row, the
# version, who and when). The form, the API schema, the services and the amendments read these, so a
# new field on the plan, the review or the passport is added to the model (and its migration) only.


def entered_fields(model: type[models.Model], *, kept: tuple[str, ...]) -> tuple[str, ...]:
    """The names of a model's fields that staff fill in: every concrete field but the key and
    those `kept` by the services."""
    return tuple(
        f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in kept
    )


PLAN_FIELDS = entered_fields(Plan, kept=("cycle", "version", "updated_at"))
REVIEW_FIELDS = entered_fields(
    Review, kept=("cycle", "completed_by", "completed_at", "given_to_parents_on")
)
PASSPORT_FIELDS = entered_fields(Passport, kept=("pupil", "updated_by", "updated_at", "version"))


class Specialist(models.TextChoices):
    EDUCATIONAL_PSYCHOLOGIST = "educational_psychologist", "Educational psychologist"
    SPEECH_LANGUAGE_THERAPIST = "speech_language_therapist", "Speech and language therapist"
    OUTREACH = "outreach", "Outreach or advisory teacher"
    CAMHS = "camhs", "CAMHS (child and adolescent mental health services)"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    OTHER = "other", "Other specialist"


class SpecialistInvolvement(models.Model):
    """A specialist involved with the pupil (CoP 6.58-6.62): who, when the school asked, when
    they saw the pupil, the advice they sent (a document) and their recommendations, linked to
    the plan targets that take them up. SPECIALIST_NOT_INVOLVED (statutory.compliance) reads it
    from the day the school asked."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="specialists")
    specialist = models.CharField("Who", max_length=32, choices=Specialist.choices)
    name = models.CharField("Name or service", max_length=120, blank=True)
    asked_on = models.DateField("Date the school asked for their involvement")
    seen_on = models.DateField("Date they saw the pupil", null=True, blank=True)
    advice_received_on = models.DateField("Date their advice was received", null=True, blank=True)
    advice = models.ForeignKey(
        Attachment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="specialist_advice",
        verbose_name="Advice received (document)",
    )
    recommendations = models.TextField("Their recommendations", blank=True)
    targets = models.ManyToManyField(
        Target,
        blank=True,
        related_name="specialist_recommendations",
        verbose_name="Plan targets that take up the recommendations",
    )
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-asked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seen_on__isnull=True) | Q(seen_on__gte=F("asked_on")),
                name="specialist_seen_after_asked",
                violation_error_message="They cannot have seen the pupil before they were asked.",
            ),
            models.CheckConstraint(
                condition=Q(advice_received_on__isnull=True)
                | Q(advice_received_on__gte=F("asked_on")),
                name="specialist_advice_after_asked",
                violation_error_message="The advice cannot come before they were asked.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_specialist_display()} asked {self.asked_on:%d/%m/%Y}"
