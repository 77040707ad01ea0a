"""Optimistic concurrency for records two members of staff may edit (docs/decisions.md, "No lost
updates").

Each such record has an integer `version`: 1 when first written, one more on every save. A form or
an API client sends back the version it read, and 0 when it read no record yet (a blank form). The
service compares it with the row it has locked inside its transaction; a difference means someone
saved first, and nothing is written. The refusal is a ValidationError on "version", which the
API answers 409 and the form answers by showing what the other person saved (`their_changes`)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import QueryDict

from audit.models import AuditAction, AuditEvent
from ui.forms import add_service_errors

STALE = "version"


def version_errors(
    *, current: models.Model | None, sent: int | None, what: str
) -> dict[str, list[str]]:
    """The refusal of a save made from version `sent` when the locked row is at another one, as
    field errors (empty when the versions agree). `current` is the row as read under the lock, or
    None when there is none yet (the version is then 0)."""
    now = getattr(current, "version", 0) if current is not None else 0
    if sent is None:
        return {STALE: [f"Send the version of the {what} you read, so no change is lost."]}
    if sent != now:
        return {
            STALE: [
                f"Someone has just changed this {what}. Someone else changed it while you "
                "were editing: check what they saved, then save again to keep what you typed."
            ]
        }
    return {}


def check_version(*, current: models.Model | None, sent: int | None, what: str) -> None:
    """As version_errors, raised."""
    errors = version_errors(current=current, sent=sent, what=what)
    if errors:
        raise ValidationError(errors)


def next_version(record: models.Model) -> int:
    """The version a save writes: 1 for a new row."""
    return (getattr(record, "version", 0) or 0) + 1 if record.pk else 1


def their_changes(
    record: models.Model | None, *, since: int, fields: Iterable[str]
) -> list[tuple[str, Any]]:
    """What was saved after version `since`: (field, value now) for each field another save
    changed. The audit trail names the fields each save changed (never their values, which come
    from the row itself); a first save changed every field it filled in."""
    if record is None:
        return []
    fields = list(fields)
    if since == 0:
        changed = {f for f in fields if getattr(record, f) not in (None, "", False)}
    else:
        events = AuditEvent.objects.filter(
            object_type=record._meta.label,
            object_id=str(record.pk),
            action__in=[AuditAction.CREATE, AuditAction.UPDATE],
        ).values_list("data", flat=True)
        changed = {
            key
            for data in events
            if isinstance(data, dict) and (data.get("version") or 0) > since
            for key in data
        }
    return [(f, getattr(record, f)) for f in fields if f in changed]


def _shown(record: models.Model, field: str, value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    model_field = record._meta.get_field(field)
    if getattr(model_field, "choices", None):  # a code: show its label
        choices = dict(model_field.flatchoices)  # type: ignore[union-attr]
        return str(choices.get(value, value))
    return "" if value is None else str(value)


def refuse_stale(
    form: BaseForm, exc: ValidationError, record: models.Model | None, fields: Iterable[str]
) -> list[dict[str, str]]:
    """For a form whose save was refused: when the refusal is a stale version, carry the new
    version in the form (so saving again keeps what this person typed, and is their choice) and
    return what the other person saved, as rows of label and value for the page. Every error goes
    on the form as add_service_errors does, the stale one at the top of the page."""
    add_service_errors(form, exc, to_page=frozenset({STALE}))
    if STALE not in exc.message_dict or record is None:
        return []
    since = form.cleaned_data.get(STALE) or 0
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[form.add_prefix(STALE)] = str(getattr(record, "version", 0))
    form.data = data
    return [
        {
            "label": str(form.fields[f].label if f in form.fields else f),
            "value": _shown(record, f, value),
        }
        for f, value in their_changes(record, since=since, fields=fields)
    ]
