"""Invitations (staff and parents) and the record of each school's new-year rollover."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, School
from pupils.models import Contact


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class InvitationKind(models.TextChoices):
    STAFF = "staff", "Staff"
    PARENT_EMAIL = "parent_email", "Parent, by email"
    PARENT_CODE = "parent_code", "Parent, by a code on paper"


class Invitation(models.Model):
    """An invitation to join a school: a member of staff with a role, or a parent or carer
    linked to one family contact (so to that contact's children only). Its secret (the link's,
    or the code's) is stored as a hash only; it works once, until it expires."""

    kind = models.CharField(max_length=12, choices=InvitationKind.choices)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Role.choices)
    email = models.EmailField(blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="staff", contact__isnull=True)
                | Q(kind__in=["parent_email", "parent_code"], contact__isnull=False, role="parent"),
                name="invitation_parent_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} invitation to {self.school}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.cancelled_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.cancelled_at:
            return "Cancelled"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Waiting"


class Rollover(models.Model):
    """A school moved into a new school year: NC years up, leavers left. Once per year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="rollovers")
    start_year = models.PositiveSmallIntegerField(help_text="The new year: 2026 for 2026/27")
    ran_at = models.DateTimeField(default=timezone.now)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_up = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_year"], name="rollover_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.school} into {self.start_year}"
