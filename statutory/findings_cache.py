"""The SENCo's compliance page's findings and 12 months of counts, cached on a fingerprint of the
school's records (issue 16: the page stays within the key-page targets).

Working them out reads the school's whole history and runs the engine on 13 days; the
fingerprint is one query of aggregates. It changes whenever a record the rules read changes:
- a row added or deleted in any table the engine reads (each table's count and highest id;
  ids only grow, so a deletion and an insertion cannot cancel out);
- a row changed: every write goes through a service that appends to the audit trail
  (house style §3), so the school's latest create, update or delete event moves on;
- the day, and the school's own phase and age range (engine_phase).
A stale page would tell a SENCo a duty is still unmet after they met it, or hide a new one."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import models
from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import School
from audit.models import AuditAction, AuditEvent
from duties.models import InformationReport
from family.models import Acknowledgement
from pupils.models import Pupil, RegisterEntry
from statutory import compliance, inputs
from statutory.models import AnnualReview, EHCPlan, EHCRequest, PhaseTransfer, RegException
from support.models import AssessmentView, Cycle, Plan, Review, SpecialistInvolvement, Target

WRITES = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
# Long enough to serve a morning's visits; a fingerprint, not the timeout, keeps it fresh.
TIMEOUT = 60 * 60
# Each table the engine reads (statutory/inputs.py), with its path to the school.
TABLES: tuple[tuple[type[models.Model], str], ...] = (
    (Pupil, "school"),
    (RegisterEntry, "pupil__school"),
    (Cycle, "pupil__school"),
    (Plan, "cycle__pupil__school"),
    (Target, "plan__cycle__pupil__school"),
    (Review, "cycle__pupil__school"),
    (Acknowledgement, "cycle__pupil__school"),
    (AssessmentView, "cycle__pupil__school"),
    (SpecialistInvolvement, "pupil__school"),
    (EHCRequest, "pupil__school"),
    (RegException, "request__pupil__school"),
    (EHCPlan, "pupil__school"),
    (AnnualReview, "plan__pupil__school"),
    (PhaseTransfer, "plan__pupil__school"),
    (InformationReport, "school"),
)


@dataclass(frozen=True)
class SchoolCompliance:
    findings: list[compliance.Finding]
    history_days: list[date]
    # (code, breaches on each of history_days), only the codes with any.
    history: list[tuple[str, list[int]]]


def _aggregate(model: type[models.Model], path: str, what: str) -> Coalesce:
    rows: QuerySet[Any] = (
        model._default_manager.filter(**{path: OuterRef("pk")}).order_by().values(path)
    )
    agg = Count("pk") if what == "n" else Max("pk")
    return Coalesce(
        Subquery(rows.annotate(v=agg).values("v")), Value(0), output_field=IntegerField()
    )


def fingerprint(school: School, on: date) -> str:
    """What the school's findings on `on` depend on, as one short string: one query."""
    last_write = (
        AuditEvent.objects.filter(school_id=OuterRef("pk"), action__in=WRITES)
        .order_by("-at", "-id")
        .values("id")[:1]
    )
    columns: dict[str, Coalesce] = {"audit": Coalesce(Subquery(last_write), Value(0))}
    for i, (model, path) in enumerate(TABLES):
        columns[f"n{i}"] = _aggregate(model, path, "n")
        columns[f"m{i}"] = _aggregate(model, path, "m")
    row = School.objects.filter(pk=school.pk).annotate(**columns).values_list(*columns).get()
    return ":".join([on.isoformat(), school.phase, str(school.high_age), *map(str, row)])


def _history(
    records: compliance.SchoolRecords, on: date
) -> tuple[list[date], list[tuple[str, list[int]]]]:
    """Breaches of each code on the same day of each of the last 12 months (the codes with any)."""
    days = [compliance.add_months(on, -k) for k in range(11, -1, -1)]
    per_day = [compliance.counts(compliance.findings(records, day)) for day in days]
    rows = [
        (code, [table[code][compliance.BREACH] for table in per_day]) for code in compliance.CODES
    ]
    return days, [(code, cells) for code, cells in rows if any(cells)]


def school_compliance(school: School, on: date) -> SchoolCompliance:
    """The school's findings on `on` and its breaches over the last 12 months, from the cache
    while no record they depend on has changed."""
    key = f"statutory:compliance:{school.pk}:{fingerprint(school, on)}"
    found = cache.get(key)
    if found is None:
        records = inputs.school_records(school)
        with inputs.bulk():
            days, history = _history(records, on)
            found = SchoolCompliance(compliance.findings(records, on), days, history)
        cache.set(key, found, TIMEOUT)
    return found
