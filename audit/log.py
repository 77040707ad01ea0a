"""`audit.log(...)`: the one way anything writes to the audit trail."""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.http import HttpRequest

from audit.models import AuditAction, AuditEvent

# Values that identify or describe a child's needs, health or family are never copied into the
# trail: it records that they changed, not what they were. The trail is itself personal data.
SENSITIVE_KEYS = frozenset(
    {
        "date_of_birth",
        "reason",
        "description",
        "notes",
        "email",
        "phone",
        "address",
        "parents_informed_note",
        "password",
        "key",
        "attendance_percent",
        "looked_after",
        "fsm",
    }
)
MASK = "•••"


def mask(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in SENSITIVE_KEYS and value not in (None, ""):
            out[key] = MASK
        elif isinstance(value, Mapping):
            out[key] = mask(value)
        else:
            out[key] = (
                value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
            )
    return out


def _client(request: HttpRequest | None) -> tuple[str | None, str, str]:
    if request is None:
        return None, "", "command"
    via = "api" if request.path.startswith("/api/") else "web"
    return request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")[:300], via


def log(
    action: str | AuditAction,
    actor: Any,
    obj: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
    *,
    request: HttpRequest | None = None,
    pupil_id: int | None = None,
    school_id: int | None = None,
    object_type: str | None = None,
) -> AuditEvent:
    """Append one audit event. `pupil_id` and `school_id` are taken from `obj` when it has them."""
    ip, agent, via = _client(request)
    if obj is not None:
        pupil_id = (
            pupil_id
            or _attr_id(obj, "pupil")
            or (obj.pk if obj._meta.model_name == "pupil" else None)
        )
        school_id = school_id or _attr_id(obj, "school") or _pupil_school_id(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=(actor.get_username() if authenticated else "anonymous"),
        action=str(action),
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        pupil_id=pupil_id,
        school_id=school_id,
        ip_address=ip,
        user_agent=agent,
        via=via,
        data=mask(data or {}),
    )


def _attr_id(obj: models.Model, name: str) -> int | None:
    return getattr(obj, f"{name}_id", None)


def _pupil_school_id(obj: models.Model) -> int | None:
    pupil = getattr(obj, "pupil", None)
    return getattr(pupil, "school_id", None) if pupil is not None else None


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose values differ, as {field: {"from": old, "to": new}}, for an update event."""
    return {
        key: {"from": before.get(key), "to": value}
        for key, value in after.items()
        if before.get(key) != value
    }
