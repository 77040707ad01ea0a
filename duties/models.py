"""The school's duties beyond each child's cycle (issue 19): the SEN information report with its
versions, co-production comments and publication; staff SEND training; the layer of support each
pupil is on; the annual review of a pupil's whole plan.

Writes go through duties/services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import School
from provision.models import AREA_CHOICES, Intervention
from pupils.models import Contact, Pupil
from support.models import private_storage

USER = settings.AUTH_USER_MODEL


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SHARED = "shared", "Shared with parents for comments"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Replaced by a later version"


class InformationReport(models.Model):
    """One version of the school's SEN information report (SEND Regulations 2014 reg 51 and
    Schedule 1). `texts` is the school's own words, {section key: text}, copied into the next
    version so they are kept year to year. `figures` is frozen at publication: the published
    page never changes under the reader as the records move on."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="information_reports")
    number = models.PositiveSmallIntegerField("Version")
    start_year = models.PositiveSmallIntegerField(
        "The school year whose figures it reports", help_text="2025 for the year 2025/26"
    )
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="draft")
    texts = models.JSONField(default=dict, blank=True)
    # The other languages the school offers the published report in (duties.sections.LANGUAGES:
    # where a translation of its fixed wording exists); English always.
    languages = models.JSONField(default=list, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    shared_on = models.DateField(null=True, blank=True)
    comments_close_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_to_la_on = models.DateField("Sent to the LA for the Local Offer", null=True, blank=True)
    sent_to_la_how = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["school", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="info_report_number_once"),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(status="published"),
                name="info_report_one_published",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_on__isnull=False),
                name="info_report_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"SEN information report v{self.number} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in {ReportStatus.DRAFT, ReportStatus.SHARED}


class ReportShare(models.Model):
    """The draft shared with a named parent (a family contact with a sign-in), or with a parent
    forum by its name, for comments."""

    report = models.ForeignKey(InformationReport, on_delete=models.CASCADE, related_name="shares")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    forum = models.CharField("Parent forum", max_length=120, blank=True)
    shared_on = models.DateField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | ~Q(forum=""), name="report_share_has_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.forum or str(self.contact)


class ReportComment(models.Model):
    """A parent's comment on a shared draft, kept with the school's reply or the change it led
    to."""

    report = models.ForeignKey(InformationReport, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(max_length=40, blank=True)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=120)
    text = models.TextField("Comment")
    made_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(blank=True)
    change_made = models.TextField("The change it led to", blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author_name}"

    @property
    def school_id(self) -> int:
        """The school of the report commented on (access.school_id_of reads it)."""
        return self.report.school_id


class TrainingCourse(models.Model):
    """A course or topic of SEND training, e.g. "Precision teaching" or "Autism awareness"."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="training_courses")
    name = models.CharField("Course or topic", max_length=120)
    area = models.CharField("Area of need", max_length=4, choices=AREA_CHOICES, blank=True)
    required_for = models.ManyToManyField(
        Intervention,
        blank=True,
        related_name="required_training",
        help_text="Interventions whose deliverers need this training",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="training_course_once"),
        ]

    def __str__(self) -> str:
        return self.name


def _certificate_to(instance: "TrainingRecord", filename: str) -> str:
    return f"training/{instance.course.school_id}/{filename}"


class TrainingRecord(models.Model):
    """One member of staff's completed training."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    staff = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="send_training")
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    provider = models.CharField(max_length=120, blank=True)
    certificate = models.FileField(
        storage=private_storage, upload_to=_certificate_to, max_length=200, blank=True
    )
    certificate_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on})"

    @property
    def school_id(self) -> int:
        """The school of the course (access.school_id_of reads it)."""
        return self.course.school_id


class Layer(models.TextChoices):
    """The White Paper's layers of support (standards.md §7.1)."""

    UNIVERSAL = "universal", "Universal"
    TARGETED = "targeted", "Targeted"
    TARGETED_PLUS = "targeted_plus", "Targeted plus"
    SPECIALIST = "specialist", "Specialist"


class SupportLayer(models.Model):
    """The layer of support a pupil is on, from a date; the history is every row."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="support_layers")
    layer = models.CharField(max_length=14, choices=Layer.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pupil", "start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(end_date__isnull=True), name="support_layer_one_open"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="support_layer_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_layer_display()} from {self.start_date}"


class PlanAnnualReview(models.Model):
    """An annual review of the pupil's whole plan (the coming ISP's 12-monthly review), beside
    the termly reviews of each cycle."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="plan_annual_reviews")
    held_on = models.DateField()
    parents_took_part = models.BooleanField(default=True)
    pupil_took_part = models.BooleanField(default=True)
    what_is_working = models.TextField()
    what_changes = models.TextField("What changes in the plan", blank=True)
    next_review_on = models.DateField()
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pupil", "-held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__gt=F("held_on")), name="plan_annual_review_next_after"
            ),
        ]

    def __str__(self) -> str:
        return f"Annual review of the plan, {self.held_on}"
