"""The provision map: the intervention library, provision delivered to groups or single pupils,
the session register, entry and exit data, staff costs and the notional SEN budget.

Formulas (cost, fidelity, impact) live in provision/costing.py; writes in provision/services/.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import School
from pupils import census
from pupils.models import Pupil

USER = settings.AUTH_USER_MODEL
AREA_CHOICES = [(c, label) for c, label in census.BROAD_AREA_LABELS.items() if c != "NA"]
NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class RoleKind(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    HLTA = "hlta", "Higher level teaching assistant"
    TA3 = "ta3", "Teaching assistant (level 3)"
    TA2 = "ta2", "Teaching assistant (level 2)"
    TA1 = "ta1", "Teaching assistant (level 1)"
    SPECIALIST = "specialist", "External specialist"
    OTHER = "other", "Other"


class StaffRole(models.Model):
    """A school's staff role and its hourly cost (salary plus on-costs), set by the school."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_roles")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=RoleKind.choices)
    hourly_cost = models.DecimalField(max_digits=7, decimal_places=2, validators=NON_NEGATIVE)

    class Meta:
        ordering = ["school", "hourly_cost"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="staff_role_unique_name"),
            models.CheckConstraint(
                condition=Q(hourly_cost__gte=0), name="staff_role_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (£{self.hourly_cost}/h)"


class EvidenceStrength(models.TextChoices):
    STRONG = "strong", "Strong (several robust trials)"
    MODERATE = "moderate", "Moderate (at least one robust trial)"
    LIMITED = "limited", "Limited (promising but little tested)"
    NONE = "none", "No published evaluation"


class MeasureType(models.TextChoices):
    STANDARDISED = "standardised", "Standardised score"
    AGE_EQUIVALENT = "age_equivalent", "Age-equivalent (months)"
    RAW = "raw", "Raw score"
    SCALED = "scaled", "Scaled score"
    SCHOOL_SCALE = "school_scale", "School scale"


class Intervention(models.Model):
    """An intervention in the library. `school` is empty for the built-in catalogue entries every
    school sees; a school adds its own."""

    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="interventions"
    )
    name = models.CharField(max_length=120)
    area = models.CharField("Broad area of need", max_length=4, choices=AREA_CHOICES)
    description = models.TextField(blank=True)
    evidence_url = models.URLField("Evidence link", blank=True)
    evidence_strength = models.CharField(
        max_length=8, choices=EvidenceStrength.choices, default=EvidenceStrength.NONE
    )
    group_size = models.PositiveSmallIntegerField("Typical group size", default=1)
    session_minutes = models.PositiveSmallIntegerField(default=30)
    sessions_per_week = models.PositiveSmallIntegerField(default=3)
    weeks = models.PositiveSmallIntegerField(default=10)
    staff_kind = models.CharField(
        "Usually delivered by", max_length=10, choices=RoleKind.choices, default=RoleKind.TA2
    )
    measure_type = models.CharField(
        "Usual entry/exit measure", max_length=14, choices=MeasureType.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="intervention_unique_name_per_school"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(school__isnull=True),
                name="intervention_unique_catalogue_name",
            ),
            models.CheckConstraint(
                condition=Q(group_size__gte=1), name="intervention_group_of_one_or_more"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_catalogue(self) -> bool:
        return self.school_id is None


class Wave(models.TextChoices):
    UNIVERSAL = "universal", "Wave 1: universal"
    TARGETED = "targeted", "Wave 2: targeted"
    SPECIALIST = "specialist", "Wave 3: specialist"


WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")]


class Provision(models.Model):
    """An intervention delivered to a group or one pupil, by named staff, where and when."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="provisions")
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="provisions"
    )
    name = models.CharField(max_length=120, help_text="For example ‘Year 3 reading group B’")
    wave = models.CharField(max_length=10, choices=Wave.choices, default=Wave.TARGETED)
    staff = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="provisions_led"
    )
    staff_role = models.ForeignKey(StaffRole, on_delete=models.PROTECT, related_name="provisions")
    location = models.CharField(max_length=80, blank=True)
    weekdays = models.JSONField(default=list, help_text="0 = Monday … 4 = Friday")
    start_time = models.TimeField(null=True, blank=True)
    session_minutes = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    resource_cost = models.DecimalField(
        max_digits=9, decimal_places=2, default=Decimal(0), validators=NON_NEGATIVE
    )
    licence_cost = models.DecimalField(
        max_digits=9, decimal_places=2, default=Decimal(0), validators=NON_NEGATIVE
    )
    targets = models.ManyToManyField("support.Target", blank=True, related_name="provisions")
    # Optimistic concurrency (ui.versions): one more on every change.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "name"]
        indexes = [models.Index(fields=["school", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="provision_ends_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(resource_cost__gte=0, licence_cost__gte=0),
                name="provision_costs_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=1), name="provision_session_has_minutes"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fixed_costs(self) -> Decimal:
        return self.resource_cost + self.licence_cost


class Enrolment(models.Model):
    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="enrolments")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="enrolments")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provision", "pupil"], name="enrolment_once_per_provision"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="enrolment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.provision}"


class Session(models.Model):
    """One planned session: delivered or missed (with the reason), and who was there."""

    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField()
    delivered = models.BooleanField(default=True)
    missed_reason = models.CharField(max_length=200, blank=True)
    # Why a session was held on a day the school is shut (half-term, a training day).
    closed_day_reason = models.CharField(max_length=200, blank=True, default="", db_default="")
    minutes = models.PositiveSmallIntegerField()
    delivered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff_role = models.ForeignKey(StaffRole, on_delete=models.PROTECT, related_name="sessions")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on"]
        constraints = [
            models.UniqueConstraint(fields=["provision", "on"], name="session_once_a_day"),
            models.CheckConstraint(
                condition=Q(delivered=True) | ~Q(missed_reason=""),
                name="session_missed_has_a_reason",
                violation_error_message="Say why the session was missed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provision} on {self.on}"


class SessionAttendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="session_attendance")
    present = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "pupil"], name="attendance_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {'present' if self.present else 'absent'}"


class MeasureKind(models.TextChoices):
    ENTRY = "entry", "Entry"
    EXIT = "exit", "Exit"


class Measure(models.Model):
    """Entry or exit data for a pupil in a provision."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=5, choices=MeasureKind.choices)
    measure_type = models.CharField(max_length=14, choices=MeasureType.choices)
    name = models.CharField(
        "Assessment", max_length=120, help_text="For example ‘Salford reading test’"
    )
    on = models.DateField()
    value = models.DecimalField(max_digits=7, decimal_places=2)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind"], name="measure_one_entry_and_one_exit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} on {self.on}"


class NotionalBudget(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="notional_budgets")
    start_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=11, decimal_places=2, validators=NON_NEGATIVE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "start_year"], name="budget_once_a_year")
        ]

    def __str__(self) -> str:
        return f"£{self.amount} for {self.start_year}"


class SpendingCategory(models.TextChoices):
    """Spending the SENCo enters against the notional SEN budget. Interventions are not entered:
    they are the cost of the provision delivered (sessions, resources and licences)."""

    STAFFING = "staffing", "Staffing, including in-class support"
    SERVICES = "services", "Bought-in services"
    RESOURCES = "resources", "Resources"
    TRAINING = "training", "Training"


class SpendingLine(models.Model):
    """A line of spending against the school's notional SEN budget for a school year.

    Staffing is hours a week of a staff role for a number of weeks (a TA's in-class support for a
    pupil or a class: time not logged as intervention sessions, so it is never counted twice); its
    cost is worked out from the role's hourly cost. Every other line is an amount: an educational
    psychologist's days, a speech and language therapy contract, outreach, resources, training."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="spending_lines")
    start_year = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=10, choices=SpendingCategory.choices)
    description = models.CharField(max_length=120)
    supplier = models.CharField(max_length=120, blank=True)
    spent_on = models.DateField()
    pupil = models.ForeignKey(
        Pupil, on_delete=models.SET_NULL, null=True, blank=True, related_name="spending_lines"
    )
    amount = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    staff_role = models.ForeignKey(
        StaffRole, on_delete=models.PROTECT, null=True, blank=True, related_name="spending_lines"
    )
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    weeks = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["category", "spent_on", "pk"]
        indexes = [models.Index(fields=["school", "start_year"], name="spending_school_year")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        category=SpendingCategory.STAFFING,
                        amount__isnull=True,
                        staff_role__isnull=False,
                        hours_per_week__isnull=False,
                        weeks__isnull=False,
                        hours_per_week__gt=0,
                        hours_per_week__lte=60,
                        weeks__gte=1,
                        weeks__lte=52,
                    )
                    | (
                        ~Q(category=SpendingCategory.STAFFING)
                        & Q(
                            amount__isnull=False,
                            amount__gte=0,
                            staff_role__isnull=True,
                            hours_per_week__isnull=True,
                            weeks__isnull=True,
                        )
                    )
                ),
                name="spending_line_staffing_or_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}"


class TopUpFunding(models.Model):
    """EHC top-up (element 3) funding from the LA for a pupil in a school year."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="top_up_funding")
    start_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=9, decimal_places=2, validators=NON_NEGATIVE)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "start_year"], name="top_up_once_a_year")
        ]

    def __str__(self) -> str:
        return f"£{self.amount} top-up for {self.pupil}"
