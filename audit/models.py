"""The audit trail: every change and every view of a pupil's record. Append-only: the model
refuses updates and deletes, and database triggers (see the migration) refuse them too."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    # Named pupil data in a list, a part of a record or an export (audit/reads.py).
    READ = "read", "Read"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=160, blank=True)
    action = models.CharField(max_length=12, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    # Plain ids (no foreign keys): the trail must outlive the rows it describes.
    pupil_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    school_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    via = models.CharField(max_length=10, default="web", help_text="web, api or command")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["school_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def object_type_label(self) -> str:
        """The object's kind in plain words for the trail's readers: "Cycle" for "support.Cycle",
        "Register entry" for "pupils.RegisterEntry"; a kind that is not a model as it is."""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return self.object_type
        name = str(model._meta.verbose_name)
        return name[:1].upper() + name[1:]
