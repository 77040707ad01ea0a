"""Attainment: each school's subjects and their scales, the pupils' assessment points, the
school's settings for the four progress criteria (attainment/criteria.py) and dismissed flags.

Writes go through attainment/services.py, which also audits them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import School
from attainment import criteria
from pupils.models import Pupil


class ScaleKind(models.TextChoices):
    SCALED = "scaled", "Scaled scores"
    STANDARDISED = "standardised", "Standardised scores"
    STEPS = "steps", "Steps"
    BANDS = "bands", "Bands (such as working towards, expected, greater depth)"


class Subject(models.Model):
    """A subject a school assesses, on the scale it chose: its kind, range and direction. A band
    scale maps each band's label to a number (WTS 1, EXS 2, GDS 3)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="subjects")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=12, choices=ScaleKind.choices, default=ScaleKind.SCALED)
    min_score = models.FloatField(default=0)
    max_score = models.FloatField(default=100)
    lower_is_better = models.BooleanField(default=False)
    bands = models.JSONField(default=dict, blank=True, help_text='{"WTS": 1, "EXS": 2, "GDS": 3}')

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="subject_unique_per_school"),
            models.CheckConstraint(
                condition=Q(max_score__gt=F("min_score")),
                name="subject_scale_has_a_range",
                violation_error_message="The top of the scale must be above its bottom.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scale(self) -> criteria.Scale:
        return criteria.Scale(self.name, self.min_score, self.max_score, self.lower_is_better)

    def score_of(self, value: str) -> float | None:
        """A value as read from a file: a band's label or a number; None if it is neither."""
        text = value.strip()
        for label, number in (self.bands or {}).items():
            if label.casefold() == text.casefold():
                return float(number)
        try:
            return float(text)
        except ValueError:
            return None


class PointSource(models.TextChoices):
    IMPORT = "import", "Imported from a file"
    CTF = "ctf", "Key stage result from a CTF"
    SEED = "seed", "Generated (demo)"


class AssessmentPoint(models.Model):
    """One pupil's score in one subject on one day."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="assessment_points")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="points")
    assessed_on = models.DateField()
    score = models.FloatField()
    source = models.CharField(max_length=8, choices=PointSource.choices, default="import")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["subject", "assessed_on"]
        # Covering: the flags read every point of a school's subjects over two school years
        # (pupil and score too) from the index alone, not a table lookup per point.
        indexes = [
            models.Index(
                fields=["subject", "assessed_on", "pupil", "score"], name="point_subject_date_cover"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "subject", "assessed_on"], name="point_one_per_pupil_subject_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.assessed_on}: {self.score:g}"


class IdentificationSettings(models.Model):
    """A school's thresholds for the four criteria; a school without a row uses the defaults."""

    _defaults = criteria.Thresholds()

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, related_name="identification_settings"
    )
    percentile = models.FloatField(
        default=_defaults.percentile,
        help_text="Slower than peers: below this percentile of their progress",
    )
    slower_margin_pct = models.FloatField(
        "Well below the median by",
        default=_defaults.slower_margin_pct,
        help_text="Per cent of the scale's range",
    )
    rate_drop_pct = models.FloatField(
        "Slowing by", default=_defaults.rate_drop_pct, help_text="Per cent of the scale's range"
    )
    gap_pct = models.FloatField(
        "A gap is",
        default=_defaults.gap_pct,
        help_text="Per cent of the scale's range behind the year group's median",
    )
    gap_change_pct = models.FloatField(
        "A gap widens or closes by",
        default=_defaults.gap_change_pct,
        help_text="Per cent of the scale's range",
    )
    min_peers = models.PositiveSmallIntegerField(
        "Smallest peer group",
        default=_defaults.min_peers,
        help_text="Fewer pupils than this starting in the same band are too few to compare",
    )

    class Meta:
        verbose_name_plural = "identification settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(percentile__gt=0, percentile__lt=50), name="settings_percentile_0_50"
            ),
        ]

    def __str__(self) -> str:
        return f"Identification settings of {self.school}"

    @property
    def thresholds(self) -> criteria.Thresholds:
        return criteria.Thresholds(
            percentile=self.percentile,
            slower_margin_pct=self.slower_margin_pct,
            rate_drop_pct=self.rate_drop_pct,
            gap_pct=self.gap_pct,
            gap_change_pct=self.gap_change_pct,
            min_peers=self.min_peers,
        )


class FlagDismissal(models.Model):
    """A flag looked at and set aside, with the reason. It holds until a newer assessment point
    in the subject than `latest_point_on` arrives."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="flag_dismissals")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="dismissals")
    criteria = models.JSONField(default=list)
    latest_point_on = models.DateField()
    reason = models.TextField()
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-dismissed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} flag of {self.pupil} dismissed on {self.dismissed_on}"
