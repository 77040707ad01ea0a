"""`audit.log(...)`: the one way anything writes to the audit trail.

The trail is append-only and kept for years, so it must never hold what a child's record says: it
records who did what to which record, when, and which fields changed. Every value in `data` goes
through `mask()`, an allow-list by type: numbers, booleans, dates and times, ids, and strings that
are codes the program knows (a choice value of a model field, a model field's name, one of
PROGRAM_CODES) are kept; anything else, above all anything a person typed, is recorded as MASK,
which reads "changed". A caller cannot let free text through by choosing a key name."""

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.http import HttpRequest

from audit.models import AuditAction, AuditEvent

# The request attribute holding the ids of the pupils whose data this request has logged (see
# audit/reads.py: a full view already logged is not logged again as a read).
LOGGED_PUPILS = "_sendpath_logged_pupils"

# Recorded in place of every value the trail does not keep: "this changed", never what it was.
MASK = "•••"

# Keys whose values are masked even when their type would be kept: a date of birth is a date and
# free school meals a boolean, but both describe the child.
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

# Keys whose string values are identifiers rather than text: kept when they look like one (a UPN,
# a username), with no spaces. A sign-in's username is what was typed; see audit/receivers.py.
IDENTIFIER_KEYS = frozenset({"upn", "username"})
_IDENTIFIER = re.compile(r"^[\w.@+-]{1,150}$")

# Constants the program itself writes into `data` that are not model choices or field names.
PROGRAM_CODES = frozenset(
    {
        "pdf",
        "xlsx",
        "csv",
        "staff",
        "family",
        "passport",
        "provisions",
        "costed provision map",
        "plan.html",
        "review.html",
        "passport.html",
        "review_given.html",
        # Sign-in and API tokens (accounts/throttle.py, two_factor.py, tokens.py).
        "unlocked",
        "enrolled",
        "reset",
        "recovery code used",
        "password changed",
        "last membership ended",
    }
)

_NUMBER = re.compile(r"^-?\d{1,20}(\.\d{1,10})?$")
_DATE_OR_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?"
    r"|\d{2}:\d{2}(:\d{2})?)$"
)
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@functools.cache
def vocabulary() -> frozenset[str]:
    """Every string the program itself defines as a code: model field names, the string values of
    every field's choices (census codes, outcomes, methods...), and PROGRAM_CODES."""
    words = set(PROGRAM_CODES)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            words.add(field.name)
            for f in (field, getattr(field, "base_field", None)):
                words.update(_choice_values(getattr(f, "choices", None) or ()))
    return frozenset(words)


def _choice_values(choices: Iterable[Any]) -> Iterable[str]:
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # a named group of choices
            yield from _choice_values(label)
        elif isinstance(value, str):
            yield value


def is_code(value: str, key: str = "") -> bool:
    """Whether a string is a code the trail may keep (see the module docstring)."""
    if key in IDENTIFIER_KEYS and _IDENTIFIER.match(value):
        return True
    parts = value.split(",") if "," in value else [value]
    return all(
        p in vocabulary() or _NUMBER.match(p) or _DATE_OR_TIME.match(p) for p in parts if p
    ) and any(parts)


def mask(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` as the trail may hold it: the allow-listed values kept, every other one MASK."""
    return _mapping(data, parent="")


def mask_sensitive_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    """For records outside the trail that keep what changed (an Amendment shows the old and new
    wording to staff, and can be erased): only the SENSITIVE_KEYS values are masked."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in SENSITIVE_KEYS and value not in (None, ""):
            out[key] = MASK
        elif isinstance(value, Mapping):
            out[key] = mask_sensitive_keys(value)
        else:
            out[key] = (
                value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
            )
    return out


def _mapping(data: Mapping[Any, Any], *, parent: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key)
        if not (_KEY.match(name) or is_code(name)):
            name = MASK  # a key can be typed too (a query string's names)
        # {"from": …, "to": …} of a change is judged as the field it belongs to.
        context = parent if name in ("from", "to") and parent else name
        out[name] = _value(value, key=context)
    return out


def _value(value: Any, *, key: str) -> Any:
    if value is None or value == "":
        return value
    if key in SENSITIVE_KEYS:
        return MASK
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _mapping(value, parent=key)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_value(v, key=key) for v in value]
    if isinstance(value, str) and is_code(value, key):
        return value
    return MASK


def label_for(verbose_name: str, pk: Any) -> str:
    """The record an event is about, as the trail names it: its kind and id, never its text (a
    target's or a note's own str() is what it says)."""
    return f"{verbose_name} {pk}"[:200] if pk not in (None, "") else ""


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
    """Append one audit event. `pupil_id` and `school_id` are taken from `obj` when it has them;
    `data` is passed through `mask()`."""
    ip, agent, via = _client(request)
    if obj is not None:
        pupil_id = (
            pupil_id
            or _attr_id(obj, "pupil")
            or (obj.pk if obj._meta.model_name == "pupil" else None)
        )
        school_id = (
            school_id
            or _attr_id(obj, "school")
            or _pupil_school_id(obj)
            or (obj.pk if obj._meta.model_name == "school" else None)
        )
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if request is not None and pupil_id is not None:
        logged: set[int] = getattr(request, LOGGED_PUPILS, set())
        logged.add(pupil_id)
        setattr(request, LOGGED_PUPILS, logged)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=(actor.get_username() if authenticated else "anonymous"),
        action=str(action),
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=label_for(str(obj._meta.verbose_name), obj.pk) if obj is not None else "",
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
