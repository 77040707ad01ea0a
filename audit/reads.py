"""Reads of named pupil data: every response, page or export that carries it writes one audit row
(AuditAction.READ) with the ids of the pupils it returned, so a token or a browser cannot copy the
register or its plans without a trace. A list writes one row per request, not one per pupil.

A full view of one record (a pupil, a cycle, a passport, a session's register) is already a VIEW
event; `audit.log` notes on the request which pupils it has logged, and `log_read` leaves those
out, so a page is not recorded twice.

Which pupil a returned row is about is read from the row's model: a `pupil` of its own, else the
path below (one query per request for a page of them)."""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.http import HttpRequest

from audit import log as audit
from audit.models import AuditAction

# How a row that holds no `pupil` of its own reaches its pupil, by model label.
PUPIL_PATHS: dict[str, str] = {
    "pupils.Pupil": "pk",
    "support.Plan": "cycle__pupil",
    "support.Review": "cycle__pupil",
    "support.AssessmentView": "cycle__pupil",
    "support.DoNote": "cycle__pupil",
    "support.Amendment": "cycle__pupil",
    "support.Target": "plan__cycle__pupil",
    "provision.Measure": "enrolment__pupil",
    "statutory.AnnualReview": "plan__pupil",
    "statutory.PhaseTransfer": "plan__pupil",
    "statutory.PlanVersion": "plan__pupil",
    "statutory.ReviewInvitation": "review__plan__pupil",
}
# A session carries the register marks it was read with (prefetched to the user's reach).
REGISTER_HOLDERS = frozenset({"provision.Session"})


def pupils_of(rows: Iterable[Any]) -> list[int]:
    """The ids of the pupils the rows are about, in order of first appearance, without repeats."""
    found: dict[int, None] = {}
    by_path: dict[type[models.Model], list[Any]] = {}
    for row in rows:
        if not isinstance(row, models.Model):
            continue
        label = row._meta.label
        if label in REGISTER_HOLDERS:
            found.update(dict.fromkeys(m.pupil_id for m in row.attendance.all()))  # type: ignore[attr-defined]
        elif label in PUPIL_PATHS:
            by_path.setdefault(type(row), []).append(row.pk)
        elif isinstance(getattr(row, "pupil_id", None), int):
            found[row.pupil_id] = None  # type: ignore[attr-defined]
    for model, pks in by_path.items():
        path = PUPIL_PATHS[model._meta.label]
        ids = model._default_manager.filter(pk__in=pks).values_list(path, flat=True)
        found.update(dict.fromkeys(i for i in ids if i is not None))
    return list(found)


def rows_of(result: Any) -> list[Any]:
    """What a view returned, as rows: a page ({"items": ...}), a list or queryset, or one row."""
    if isinstance(result, dict) and "items" in result:
        return list(result["items"])
    if isinstance(result, models.Model):
        return [result]
    if isinstance(result, (list, tuple, models.QuerySet)):
        return list(result)
    return []


def log_read(
    request: HttpRequest,
    actor: Any,
    rows: Iterable[Any],
    *,
    what: str = "",
) -> list[int]:
    """Write one READ row for the named pupils in `rows` that this request has not already
    logged (see the module docstring); nothing when it carries no pupil. Returns their ids."""
    rows = list(rows)
    first = next((r for r in rows if isinstance(r, models.Model)), None)
    what = what or (first._meta.label if first is not None else "")
    return log_pupils(request, actor, pupils_of(rows), what=what)


def log_pupils(request: HttpRequest, actor: Any, ids: Iterable[int], *, what: str) -> list[int]:
    """log_read for pupils known by id: one READ row (a row per school) for those this request
    has not logged yet, which are then marked logged. Returns their ids."""
    already: set[int] = getattr(request, audit.LOGGED_PUPILS, set())
    pupil_ids = [p for p in dict.fromkeys(ids) if p not in already]
    if not pupil_ids:
        return []
    # One row per school the pupils belong to, so each school's DPO reads its own reads.
    by_school: dict[int, list[int]] = {}
    pupils = apps.get_model("pupils", "Pupil")._default_manager.filter(pk__in=pupil_ids)
    school_of = dict(pupils.values_list("pk", "school_id"))
    for pupil_id in pupil_ids:
        by_school.setdefault(school_of.get(pupil_id, 0), []).append(pupil_id)
    for school_id, ids in by_school.items():
        audit.log(
            AuditAction.READ,
            actor,
            request=request,
            pupil_id=ids[0] if len(ids) == 1 else None,
            school_id=school_id or None,
            object_type=what,
            data={"pupil_ids": ids, "count": len(ids)},
        )
    setattr(request, audit.LOGGED_PUPILS, already | set(pupil_ids))
    return pupil_ids
