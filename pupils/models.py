"""Pupils, their families, classes, the SEN register history and ranked needs.

Invariants live in the database: one open register entry per pupil, one open need per rank,
end dates never before start dates. Changes go through pupils/services.py, which also audits them.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import School, SchoolYear
from pupils import census
from pupils.names import pupil_search_key
from pupils.upn import InvalidUPN, parse_upn

SENProvisionChoices = models.TextChoices(  # type: ignore[call-overload]
    "SENProvisionChoices",
    [(code, (code, label)) for code, label in census.SEN_PROVISION_LABELS.items()],
)
SENTypeChoices = models.TextChoices(  # type: ignore[call-overload]
    "SENTypeChoices", [(code, (code, f"{label} ({code})")) for code, label, _ in census.SEN_TYPES]
)
BroadAreaChoices = models.TextChoices(  # type: ignore[call-overload]
    "BroadAreaChoices", [(code, (code, label)) for code, label in census.BROAD_AREA_LABELS.items()]
)


def validate_upn(value: str) -> None:
    try:
        parse_upn(value)
    except InvalidUPN as exc:
        raise ValidationError(str(exc), code="invalid_upn") from exc


def validate_not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("The date must be today or in the past.", code="future_date")


UPN_TAKEN = "A pupil with this UPN is already on this school's records or on another school's roll."


def _is_upn_clash(error: ValidationError) -> bool:
    """A breach of pupil_upn_once_per_school (unique together) or pupil_upn_on_one_roll."""
    params = error.params or {}
    return (
        error.code == "unique_together"
        or error.message == UPN_ON_ONE_ROLL
        or ("upn" in str(params.get("field_labels", "")).lower())
    )


UPN_ON_ONE_ROLL = "This UPN is already on a school's roll."


class Pupil(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn])
    legal_forename = models.CharField(max_length=100)
    legal_surname = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=100, blank=True)
    preferred_forename = models.CharField(max_length=100, blank=True)
    preferred_surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(validators=[validate_not_future])
    sex = models.CharField(max_length=1, choices=census.SEX_CODES)
    nc_year = models.CharField("NC year", max_length=2, choices=census.NC_YEARS)
    former_upn = models.CharField("former UPN", max_length=13, blank=True)
    eal = models.BooleanField("English as an additional language", default=False)
    first_language = models.CharField(
        max_length=4, blank=True, help_text="The census language code (CTF Languages/Type F)"
    )
    enrol_status = models.CharField(
        max_length=1, blank=True, help_text="C single, M main dual, S subsidiary dual, G guest"
    )
    fsm = models.BooleanField("Free school meals", default=False)
    looked_after = models.BooleanField(default=False)
    care_authority = models.CharField(max_length=3, blank=True, help_text="LA code")
    attendance_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="This school year so far"
    )
    admission_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)
    # Optimistic concurrency (ui.versions): one more on every change of the details.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    # The names folded for search (pupils.names: no accents, no case), kept by save() and by
    # whatever bulk-creates pupils: SQLite has no unaccent, so the folding is done in Python.
    search_name = models.CharField(max_length=410, blank=True, default="", editable=False)

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        indexes = [
            models.Index(fields=["school", "legal_surname", "legal_forename"]),
            models.Index(fields=["school", "search_name"], name="pupil_search_name_by_school"),
            # Counting a school's roll (leaving_date IS NULL) from the index alone: the register,
            # the school home and the LA overview (every school) all do it on every request.
            models.Index(fields=["school", "leaving_date"], name="pupil_on_roll_by_school"),
        ]
        constraints = [
            # A UPN is one pupil's for life: on one school's roll at a time, and once at each
            # school. A leaver's record stays at the old school (kept until DOB + 31 years) while
            # the next school has its own (interop: CTF and transfer pack).
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_upn_once_per_school"),
            models.UniqueConstraint(
                fields=["upn"],
                condition=Q(leaving_date__isnull=True),
                name="pupil_upn_on_one_roll",
                violation_error_message=UPN_ON_ONE_ROLL,
            ),
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True)
                | Q(admission_date__isnull=True)
                | Q(leaving_date__gte=F("admission_date")),
                name="pupil_leaves_after_admission",
                violation_error_message="The leaving date cannot be before the admission date.",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True)
                | Q(attendance_percent__gte=0, attendance_percent__lte=100),
                name="pupil_attendance_is_a_percentage",
                violation_error_message="Attendance is a percentage from 0 to 100.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fold_names()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_name" not in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def forename(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def surname(self) -> str:
        return self.preferred_surname or self.legal_surname

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"

    def fold_names(self) -> None:
        """Set search_name from the names (call before a bulk_create, which skips save())."""
        self.search_name = pupil_search_key(
            self.legal_forename, self.legal_surname, self.preferred_forename, self.preferred_surname
        )

    @property
    def nc_year_label(self) -> str:
        return census.NC_YEAR_LABELS.get(self.nc_year, self.nc_year)

    def validate_constraints(self, exclude: Any = None) -> None:
        """The two UPN constraints are about the UPN field: say so, once, on `upn` (forms and
        the API name the field, not the record)."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            rest = [e for e in errors.pop(NON_FIELD_ERRORS, []) if not _is_upn_clash(e)]
            if len(rest) < len(exc.error_dict.get(NON_FIELD_ERRORS, [])):
                errors["upn"] = [*errors.get("upn", []), ValidationError(UPN_TAKEN, code="unique")]
            if rest:
                errors[NON_FIELD_ERRORS] = rest
            raise ValidationError(errors) from exc

    def clean(self) -> None:
        if self.upn:
            self.upn = self.upn.strip().upper().replace(" ", "")
        if self.admission_date and self.leaving_date and self.leaving_date < self.admission_date:
            raise ValidationError(
                {"leaving_date": "The leaving date cannot be before the admission date."}
            )


class Contact(models.Model):
    """A parent, carer or other family contact. `user` is set when they have a family login."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="contacts")
    title = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    preferred_language = models.CharField(max_length=40, default="English")
    needs_interpreter = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )

    class Meta:
        ordering = ["surname", "forename"]

    def __str__(self) -> str:
        return f"{self.title} {self.forename} {self.surname}".strip()


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    GRANDPARENT = "grandparent", "Grandparent"
    FOSTER_CARER = "foster_carer", "Foster carer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER = "other", "Other relative or carer"


class FamilyLink(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="family_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="family_links")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=True)
    lives_with_pupil = models.BooleanField(default=True)
    contact_priority = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["contact_priority"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "contact"], name="family_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_relationship_display()}) of {self.pupil}"


class GroupKind(models.TextChoices):
    CLASS = "class", "Class"
    TEACHING_GROUP = "set", "Teaching group"
    TUTOR_GROUP = "tutor", "Tutor group"


class TeachingGroup(models.Model):
    """A class, set or tutor group: links the teachers who teach it to its pupils."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teaching_groups")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="teaching_groups"
    )
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=6, choices=GroupKind.choices, default=GroupKind.CLASS)
    subject = models.CharField(max_length=60, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teaching_groups", blank=True
    )
    pupils = models.ManyToManyField(Pupil, related_name="teaching_groups", blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "name"], name="teaching_group_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PupilAssignment(models.Model):
    """A teaching assistant (or other support adult) assigned to work with a pupil."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pupil_assignments"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    purpose = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} with {self.pupil}"


class NotificationMethod(models.TextChoices):
    MEETING = "meeting", "In a meeting"
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    APP = "app", "Through the parent app or portal"


class RegisterEntry(models.Model):
    """One period of a pupil's SEN provision (N, K or E). Placing on, changing and removing from
    the register each close the open entry and open a new one, so the history is complete."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="register_entries")
    provision = models.CharField(max_length=1, choices=SENProvisionChoices.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Who decided, when not a sendpath user (imported history)",
    )
    parents_informed_on = models.DateField(null=True, blank=True)
    parents_informed_how = models.CharField(
        max_length=8, choices=NotificationMethod.choices, blank=True
    )
    parents_informed_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "register entries"
        indexes = [models.Index(fields=["provision", "end_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(end_date__isnull=True),
                name="register_one_open_entry_per_pupil",
                violation_error_message="This pupil already has an open register entry.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="register_entry_ends_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(parents_informed_on__isnull=True) | ~Q(parents_informed_how=""),
                name="register_entry_informed_says_how",
                violation_error_message="Say how the parents were told.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {self.provision} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    @property
    def decided_by_label(self) -> str:
        if self.decided_by_id:
            return str(self.decided_by)
        return self.decided_by_name

    @property
    def awaiting_parent_notification(self) -> bool:
        return self.parents_informed_on is None


class Need(models.Model):
    """A census SEN type with its rank: 1 the primary need, 2 the secondary need."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="needs")
    need_type = models.CharField(max_length=4, choices=SENTypeChoices.choices)
    rank = models.PositiveSmallIntegerField(choices=[(1, "Primary need"), (2, "Secondary need")])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True, help_text="How the need shows itself for this pupil")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rank", "-start_date"]
        indexes = [models.Index(fields=["need_type", "end_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "rank"],
                condition=Q(end_date__isnull=True),
                name="need_one_open_per_rank",
                violation_error_message="This pupil already has an open need of that rank.",
            ),
            models.CheckConstraint(condition=Q(rank__in=[1, 2]), name="need_rank_is_1_or_2"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="need_ends_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need_type} (rank {self.rank})"

    @property
    def broad_area(self) -> str:
        return census.broad_area(self.need_type)

    @property
    def broad_area_label(self) -> str:
        return census.BROAD_AREA_LABELS[self.broad_area]

    @property
    def label(self) -> str:
        return census.SEN_TYPE_LABELS[self.need_type]


class FSMPeriod(models.Model):
    """A period of free school meals eligibility, as the CTF's FSMhistory records it."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="fsm_periods")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    country = models.CharField(max_length=3, default="ENG")

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="fsm_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"FSM from {self.start_date}"


class YearAttendance(models.Model):
    """A school year's attendance at one school, as a CTF's Attendance/YearData carries it."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="year_attendance")
    start_year = models.PositiveSmallIntegerField(help_text="2025 for the year 2025/26")
    la_code = models.CharField(max_length=3, blank=True)
    establishment_number = models.CharField(max_length=4, blank=True)
    school_name = models.CharField(max_length=160, blank=True)
    sessions_possible = models.PositiveIntegerField()
    sessions_authorised = models.PositiveIntegerField(default=0)
    sessions_unauthorised = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    sessions_possible__gte=F("sessions_authorised") + F("sessions_unauthorised")
                ),
                name="year_attendance_absence_within_possible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_year}: {self.sessions_possible} sessions"

    @property
    def attendance_percent(self) -> float | None:
        if not self.sessions_possible:
            return None
        missed = self.sessions_authorised + self.sessions_unauthorised
        return round(100 * (self.sessions_possible - missed) / self.sessions_possible, 1)


class KeyStageResult(models.Model):
    """A statutory assessment result from a CTF's StageAssessments, kept for identification."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="key_stage_results")
    stage = models.CharField(max_length=8)
    subject = models.CharField(max_length=8)
    locale = models.CharField(max_length=8, blank=True)
    year = models.CharField(max_length=4, blank=True)
    method = models.CharField(max_length=8, blank=True)
    component = models.CharField(max_length=16, blank=True)
    result_status = models.CharField(max_length=4, blank=True)
    result_qualifier = models.CharField(max_length=8, blank=True)
    result = models.CharField(max_length=16)

    class Meta:
        ordering = ["stage", "subject", "component"]

    def __str__(self) -> str:
        return f"{self.stage} {self.subject} {self.result}"
