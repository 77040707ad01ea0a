"""The SENCo's compliance page's findings and 12 months of counts, cached on a fingerprint of the
school's records (issue 16: the page stays within the key-page targets), and the assessment data's
offers beside them (issue 18), which read every point of the school's last years.

Working them out reads the school's whole history and runs the engine on 13 days; the
fingerprint is one query that reads a few index entries. It changes whenever a record the rules
read changes:
- a row added to any table the engine reads: its highest id (one index lookup a table; any
  school's new row moves it, which only costs this school a recount);
- a row changed or deleted: every write goes through a service that appends to the audit trail
  (house style §3; a deletion cascading from a pupil or a cycle is that one's event), so the
  school's latest create, update or delete event moves on, or the latest one logged with no
  school (a plan, a target or a review's event names only the pupil);
- the day, and the school's own phase and age range (engine_phase).
Counting each table's rows for the school would also catch a deletion made outside the
services, but costs as much as a third of the page at a big school (measured: 180 ms of SQL).
A stale page would tell a SENCo a duty is still unmet after they met it, or hide a new one."""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import models
from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import School
from attainment.models import AssessmentPoint
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
# Each table the engine reads (statutory/inputs.py).
TABLES: tuple[type[models.Model], ...] = (
    Pupil,
    RegisterEntry,
    Cycle,
    Plan,
    Target,
    Review,
    Acknowledgement,
    AssessmentView,
    SpecialistInvolvement,
    EHCRequest,
    RegException,
    EHCPlan,
    AnnualReview,
    PhaseTransfer,
    InformationReport,
    # The assessment data's offers to the specialist check (inputs.progress_offers).
    AssessmentPoint,
)


@dataclass(frozen=True)
class SchoolCompliance:
    findings: list[compliance.Finding]
    history_days: list[date]
    # (code, breaches on each of history_days), only the codes with any.
    history: list[tuple[str, list[int]]]


def fingerprint(school: School, on: date) -> str:
    """What the school's findings on `on` depend on, as one short string: one query."""
    last_write = (
        AuditEvent.objects.filter(school_id=OuterRef("pk"), action__in=WRITES)
        .order_by("-at", "-id")
        .values("id")[:1]
    )
    # A write logged with no school (a record reached through its cycle or plan, whose event
    # names only the pupil; an installation-wide change) could be this school's: it counts too.
    unattributed = (
        AuditEvent.objects.filter(school_id__isnull=True, action__in=WRITES)
        .order_by("-at", "-id")
        .values("id")[:1]
    )
    columns: dict[str, Coalesce] = {
        "audit": Coalesce(Subquery(last_write), Value(0)),
        "audit_unattributed": Coalesce(Subquery(unattributed), Value(0)),
    }
    for i, model in enumerate(TABLES):
        newest = model._default_manager.order_by("-pk").values("pk")[:1]
        columns[f"m{i}"] = Coalesce(Subquery(newest), Value(0), output_field=IntegerField())
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


def school_compliance(school: School, on: date, *, mark: str = "") -> SchoolCompliance:
    """The school's findings on `on` and its breaches over the last 12 months, from the cache
    while no record they depend on has changed (`mark`: the fingerprint, if already read)."""
    key = f"statutory:compliance:{school.pk}:{mark or fingerprint(school, on)}"
    found = cache.get(key)
    if found is None:
        records = inputs.school_records(school)
        with inputs.bulk():
            days, history = _history(records, on)
            found = SchoolCompliance(compliance.findings(records, on), days, history)
        cache.set(key, found, TIMEOUT)
    return found


def school_progress_offers(
    school: School, on: date, found: list[compliance.Finding], *, mark: str = ""
) -> list[compliance.ProgressOffer]:
    """inputs.progress_offers for `found` (the school's findings on `on`), from the cache while
    no record or assessment point they depend on has changed: working them out reads the
    school's points of the last years (about 1.5 s at a 2,500-pupil school)."""
    key = f"statutory:offers:{school.pk}:{mark or fingerprint(school, on)}"
    offers = cache.get(key)
    if offers is None:
        offers = inputs.progress_offers(school, on, found)
        cache.set(key, offers, TIMEOUT)
    return offers
