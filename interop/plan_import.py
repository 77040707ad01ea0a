"""`plan_import`: a plan (docs/sen-file.md, kind "plan") from another setting, for a pupil already
on this school's roll, all or nothing. The document is checked against the published schema; it
must be the same child (UPN and date of birth); then a new cycle is opened with the plan as it
came (outcomes, adjustments, provision, the review date, targets) and the views of the cycle it
was written in, the pupil's current needs if none are recorded here, and the document is kept
beside the cycle (ImportedPlan), which marks it as imported. The same file twice changes nothing.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit import log as audit
from audit.models import AuditAction
from interop.models import ImportedPlan
from interop.senfile_import import _day, _Rollback, read_document
from pupils.models import Need, Pupil
from support.models import AssessmentView, Cycle, Plan, Target

PLAN_FIELDS = (
    "outcomes",
    "adjustments",
    "provision",
    "pupil_strategies",
    "parent_comments",
    "pupil_agreed",
)
TARGET_FIELDS = ("position", "description", "baseline", "measure", "target_value", "responsible")
VIEW_FIELDS = (
    "source",
    "given_by",
    "views",
    "strengths",
    "barriers",
    "assessments",
    "progress_vs_peers",
)


@dataclass
class PlanImportResult:
    pupil: str = ""
    source: str = ""
    cycle_number: int | None = None
    targets: int = 0
    views: int = 0
    needs: int = 0
    already: bool = False  # this file was imported for this pupil before: nothing changed
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.already:
            return (
                f"this plan from {self.source} was imported before (cycle {self.cycle_number}): "
                "nothing changed"
            )
        return (
            f"the plan from {self.source} as cycle {self.cycle_number} for {self.pupil}: "
            f"{self.targets} targets, {self.views} views and {self.needs} needs"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "pupil": self.pupil,
            "source": self.source,
            "cycle_number": self.cycle_number,
            "targets": self.targets,
            "views": self.views,
            "needs": self.needs,
            "already_imported": self.already,
            "dry_run": self.dry_run,
            "warnings": self.warnings,
            "errors": self.errors,
        }


class PlanImportFailed(Exception):
    """Nothing was written; `result.errors` says why, each naming the field by its JSON path."""

    def __init__(self, result: PlanImportResult) -> None:
        super().__init__("; ".join(result.errors[:3]))
        self.result = result


def load_plan(source: bytes | str | IO[bytes]) -> tuple[dict[str, Any] | None, list[str]]:
    """The plan document and its problems (not JSON, not the schema's shape, not a plan)."""
    document, found = read_document(source, "plan")
    if document is not None and document["kind"] != "plan":
        found = ["$.kind: this is a whole SEN file; import it as a transfer pack."]
    elif document is not None and document["latest_plan"] is None:
        found = ["$.latest_plan: the file has no plan in it."]
    return (None, found) if found else (document, [])


def digest(document: dict[str, Any]) -> str:
    """The file's content, whenever it was written out: the same plan exported twice is one."""
    content = {k: v for k, v in document.items() if k != "generated_at"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def plan_import(
    *,
    source: bytes | str | IO[bytes],
    pupil: Pupil,
    dry_run: bool,
    by: User | None,
    request: HttpRequest | None = None,
) -> PlanImportResult:
    """Import a plan for `pupil` (on this school's roll); raises PlanImportFailed, having
    written nothing, when the document or what it would write is wrong. A dry run (the preview)
    checks and counts, then rolls back."""
    result = PlanImportResult(pupil=pupil.full_name, dry_run=dry_run)
    document, result.errors = load_plan(source)
    if document is None:
        raise PlanImportFailed(result)
    result.source = document["source_school"]["name"]
    actor = by if by is not None else cast(User, AnonymousUser())
    try:
        with transaction.atomic(durable=True):
            _import(result, document, pupil, actor, request)
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except (IntegrityError, ValidationError) as exc:
        # A row the document would write is refused (a review date before the plan date, a
        # need twice at one rank): nothing was written. Each message names its JSON path.
        if isinstance(exc, ValidationError):
            result.errors += exc.messages
        else:
            result.errors.append(f"$.latest_plan: {exc}")
    if result.errors:
        raise PlanImportFailed(result)
    return result


def _same_child(result: PlanImportResult, data: dict[str, Any], pupil: Pupil) -> bool:
    ours = {pupil.upn, pupil.former_upn} - {""}
    if not ours & ({data["upn"], data["former_upn"]} - {""}):
        result.errors.append(
            f"$.pupil.upn: the plan is for UPN {data['upn']}, not {pupil.full_name} "
            f"(UPN {pupil.upn})."
        )
    elif data["date_of_birth"] != pupil.date_of_birth.isoformat():
        result.errors.append(
            f"$.pupil.date_of_birth: the plan's child was born on {data['date_of_birth']}, "
            f"not on {pupil.date_of_birth.isoformat()}."
        )
    return not result.errors


def _import(
    result: PlanImportResult,
    document: dict[str, Any],
    pupil: Pupil,
    by: User,
    request: HttpRequest | None,
) -> None:
    pupil = Pupil.objects.select_for_update().select_related("school").get(pk=pupil.pk)
    source = document["source_school"]
    if source["urn"] and source["urn"] == pupil.school.urn:
        result.errors.append("$.source_school.urn: the plan comes from this school.")
        return
    if not _same_child(result, document["pupil"], pupil):
        return
    key = digest(document)
    before = ImportedPlan.objects.filter(pupil=pupil, digest=key).select_related("cycle").first()
    if before is not None:
        result.already, result.cycle_number = True, before.cycle.number
        return
    current = Cycle.objects.filter(pupil=pupil, closed_on__isnull=True).first()
    if current is not None:
        result.errors.append(
            f"$.latest_plan: cycle {current.number} is still open: review it before importing "
            "a plan."
        )
        return
    cycle = _write_cycle(result, document, pupil, by)
    result.needs = _write_needs(result, document, pupil)
    kept = ImportedPlan.objects.create(
        pupil=pupil,
        cycle=cycle,
        digest=key,
        source_urn=source["urn"],
        source_name=source["name"][:120],
        schema_version=document["schema_version"],
        document=document,
        imported_by=by if by.is_authenticated else None,
    )
    audit.log(
        AuditAction.CREATE,
        by,
        kept,
        {"source_urn": source["urn"], "cycle": cycle.number, "targets": result.targets,
         "views": result.views, "needs": result.needs},
        request=request,
        pupil_id=pupil.pk,
        school_id=pupil.school_id,
    )  # fmt: skip


def _write_cycle(
    result: PlanImportResult, document: dict[str, Any], pupil: Pupil, by: User
) -> Cycle:
    data = document["latest_plan"]
    last = Cycle.objects.filter(pupil=pupil).aggregate(n=Max("number"))["n"] or 0
    user = by if by.is_authenticated else None
    cycle = Cycle.objects.create(
        pupil=pupil, number=last + 1, opened_on=timezone.localdate(), opened_by=user
    )
    result.cycle_number = cycle.number
    plan = Plan(
        cycle=cycle,
        plan_date=date.fromisoformat(data["plan_date"]),
        review_date=date.fromisoformat(data["review_date"]),
        parents_agreed_on=_day(data["parents_agreed_on"]),
        **{name: data[name] for name in PLAN_FIELDS},
    )
    _clean(plan, "$.latest_plan", exclude=["cycle"])
    plan.save()
    targets = [
        Target(
            plan=plan,
            target_date=date.fromisoformat(t["target_date"]),
            **{name: t[name] for name in TARGET_FIELDS},
        )
        for t in data["targets"]
    ]
    for i, target in enumerate(targets):
        _clean(target, f"$.latest_plan.targets[{i}]", exclude=["plan"])
        if target.target_date < plan.plan_date:  # as support.services.target_add refuses
            raise ValidationError(
                f"$.latest_plan.targets[{i}].target_date: {target.target_date} is before the "
                f"plan date ({plan.plan_date})."
            )
    Target.objects.bulk_create(targets)
    written_in = [c for c in document.get("cycles", []) if c["number"] == data["cycle_number"]]
    views = [
        AssessmentView(
            cycle=cycle,
            given_on=date.fromisoformat(v["given_on"]),
            recorded_by=user,
            **{name: v[name] for name in VIEW_FIELDS},
        )
        for c in written_in
        for v in c["views"]
    ]
    for i, view in enumerate(views):
        _clean(view, f"$.cycles[0].views[{i}]", exclude=["cycle"])
    AssessmentView.objects.bulk_create(views)
    result.targets, result.views = len(targets), len(views)
    return cycle


def _write_needs(result: PlanImportResult, document: dict[str, Any], pupil: Pupil) -> int:
    """The plan's current needs, when none are recorded here; this school's own are kept."""
    wanted = [n for n in document.get("needs", []) if n["end_date"] is None]
    if not wanted:
        return 0
    if Need.objects.filter(pupil=pupil, end_date__isnull=True).exists():
        result.warnings.append(
            "The pupil's current needs recorded here are kept: the plan's are in the imported file."
        )
        return 0
    needs = [
        Need(
            pupil=pupil,
            need_type=n["need_type"],
            rank=n["rank"],
            start_date=date.fromisoformat(n["start_date"]),
            description=n["description"],
        )
        for n in wanted
    ]
    for i, need in enumerate(needs):  # one by one, so a second need at one rank is refused
        _clean(need, f"$.needs[{i}]", exclude=[])
        need.save()
    return len(needs)


def _clean(row: Any, path: str, *, exclude: list[str]) -> None:
    """`row.full_clean`, its errors named by the document's JSON path and the field."""
    try:
        row.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationError(
            [
                f"{path}{'' if name == NON_FIELD_ERRORS else '.' + name}: {message}"
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        ) from exc
