"""A leaver's departure (the leaving date, where they went, when their records were sent on) and
the SEN files received from a pupil's previous school (transfer packs), kept as they came."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from pupils.models import Pupil


class Leaving(models.Model):
    """The SENCo's or administrator's record that a pupil left: their roll row's leaving date
    is set with it (interop.leaving.leaving_record)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="leaving")
    leaving_date = models.DateField()
    destination_urn = models.CharField("Destination school URN", max_length=6, blank=True)
    destination_la = models.CharField("Destination LA code", max_length=3, blank=True)
    destination_estab = models.CharField(
        "Destination establishment number", max_length=4, blank=True
    )
    destination_name = models.CharField("Destination school", max_length=120)
    # When the CTF and the transfer pack went to the next school (the 15 school days stop).
    sent_on = models.DateField(null=True, blank=True)
    # A primary school that passed the file on may archive its copy (then due for erasure).
    archived_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sent_on__isnull=True)
                | models.Q(sent_on__gte=models.F("leaving_date")),
                name="leaving_sent_after_leaving",
                violation_error_message="The records cannot be sent before the pupil left.",
            ),
        ]

    def __str__(self) -> str:
        return f"Left {self.leaving_date} for {self.destination_name}"


class TransferredFile(models.Model):
    """A transfer pack (docs/sen-file.md) imported at the receiving school: the document as it
    came, and the school it came from. Its register history and needs are also written as the
    pupil's own rows, marked as the previous school's."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="transferred_files")
    source_urn = models.CharField(max_length=6, blank=True)
    source_name = models.CharField(max_length=120)
    schema_version = models.CharField(max_length=10)
    document = models.JSONField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"SEN file from {self.source_name}"

    @property
    def cycles(self) -> list[dict[str, Any]]:
        return list(self.document.get("cycles", []))


class ImportedPlan(models.Model):
    """A plan (docs/sen-file.md, kind "plan") imported for a pupil on this school's roll: the
    document as it came, the setting it came from and the cycle it became (its plan, targets and
    views written as this school's, marked as imported here). The same file (`digest`, of its
    content without `generated_at`) is imported once per pupil."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="imported_plans")
    cycle = models.OneToOneField(
        "support.Cycle", on_delete=models.CASCADE, related_name="imported_plan"
    )
    digest = models.CharField(max_length=64)
    source_urn = models.CharField(max_length=6, blank=True)
    source_name = models.CharField(max_length=120)
    schema_version = models.CharField(max_length=10)
    document = models.JSONField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "digest"], name="imported_plan_once"),
        ]

    def __str__(self) -> str:
        return f"Plan imported from {self.source_name}"
