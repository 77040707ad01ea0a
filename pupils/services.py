"""Writes that touch several rows or must be audited: the SEN register, needs, pupil details.

Each service is keyword-only, takes `by` (the user acting) and is atomic. Validation failures raise
django.core.exceptions.ValidationError with field errors, and nothing is written.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import School, User
from audit import log as audit
from audit.models import AuditAction
from audit.versions import check_version, next_version
from pupils import census
from pupils.models import Need, NotificationMethod, Pupil, RegisterEntry

PUPIL_FIELDS = (
    "upn",
    "legal_forename",
    "legal_surname",
    "middle_names",
    "preferred_forename",
    "preferred_surname",
    "date_of_birth",
    "sex",
    "nc_year",
    "eal",
    "fsm",
    "looked_after",
    "attendance_percent",
    "admission_date",
    "leaving_date",
    "former_upn",
    "first_language",
    "enrol_status",
    "care_authority",
)


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, bool, float)):
        return value
    return str(value)


@transaction.atomic
def pupil_create(
    *, school: School, data: dict[str, Any], by: User, request: HttpRequest | None = None
) -> Pupil:
    """Add a pupil to a school's roll after full validation (UPN check letter, dates)."""
    pupil = Pupil(school=school, **{k: v for k, v in data.items() if k in PUPIL_FIELDS})
    pupil.full_clean()
    pupil.save()
    audit.log(AuditAction.CREATE, by, pupil, _snapshot(pupil, PUPIL_FIELDS), request=request)
    return pupil


@transaction.atomic
def pupil_update(
    *,
    pupil: Pupil,
    data: dict[str, Any],
    version: int,
    by: User,
    request: HttpRequest | None = None,
) -> Pupil:
    """Change a pupil's details from the `version` the form or client read; records which fields
    changed (values masked). The row is locked and its version checked first, so a save made from
    an older version is refused and nothing is written (ui.versions)."""
    locked = Pupil.objects.select_for_update().get(pk=pupil.pk)
    check_version(current=locked, sent=version, what="pupil's details")
    before = _snapshot(locked, PUPIL_FIELDS)
    for key, value in data.items():
        if key in PUPIL_FIELDS:
            setattr(locked, key, value)
    locked.full_clean()
    locked.version = next_version(locked)
    locked.save()
    diff = audit.changes(before, _snapshot(locked, PUPIL_FIELDS))
    if diff:
        audit.log(
            AuditAction.UPDATE, by, locked, diff | {"version": locked.version}, request=request
        )
    pupil.refresh_from_db()  # keep the caller's object true
    return pupil


def open_entry(pupil: Pupil) -> RegisterEntry | None:
    return pupil.register_entries.filter(end_date__isnull=True).first()


def current_provision(pupil: Pupil) -> str:
    entry = open_entry(pupil)
    return entry.provision if entry else census.SENProvision.NO_SEN.value


@transaction.atomic
def register_change(
    *,
    pupil: Pupil,
    provision: str,
    start_date: date,
    reason: str,
    by: User,
    decided_by_name: str = "",
    request: HttpRequest | None = None,
) -> RegisterEntry:
    """Place a pupil on the register (K or E), change their provision, or remove them (N).

    Closes the open entry the day before `start_date` and opens a new one. Refuses a change to the
    provision the pupil already has, a start date in the future or before the open entry began,
    and a removal of a pupil who is not on the register."""
    errors: dict[str, list[str]] = {}
    if provision not in census.SEN_PROVISION_LABELS:
        errors["provision"] = ["Choose N, K or E."]
    if start_date > timezone.localdate():
        errors["start_date"] = ["The date of the decision cannot be in the future."]
    if not reason.strip():
        errors["reason"] = ["Say why: the parents and any later reader need the reason."]
    current = (
        RegisterEntry.objects.select_for_update().filter(pupil=pupil, end_date__isnull=True).first()
    )
    current_code = current.provision if current else "N"
    if provision == current_code and "provision" not in errors:
        label = census.SEN_PROVISION_LABELS[provision]
        errors["provision"] = [f"The pupil already has this provision ({label})."]
    if current and start_date <= current.start_date:
        errors.setdefault("start_date", []).append(
            f"The change must start after the current entry began ({current.start_date:%d/%m/%Y})."
        )
    if errors:
        raise ValidationError(errors)
    if current:
        current.end_date = start_date - timedelta(days=1)
        current.save(update_fields=["end_date"])
    entry = RegisterEntry(
        pupil=pupil,
        provision=provision,
        start_date=start_date,
        reason=reason.strip(),
        decided_by=by if by.is_authenticated else None,
        decided_by_name=decided_by_name,
    )
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:  # a concurrent change won the race
        raise ValidationError(
            {"provision": ["The register changed meanwhile; reload and try again."]}
        ) from exc
    audit.log(
        AuditAction.CREATE,
        by,
        entry,
        {
            "provision": provision,
            "from": current_code,
            "start_date": start_date.isoformat(),
            "reason": reason,
        },
        request=request,
    )
    return entry


@transaction.atomic
def register_record_parents_informed(
    *,
    entry: RegisterEntry,
    informed_on: date,
    how: str,
    note: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> RegisterEntry:
    """Record when and how the parents were told of a register decision (seed 004: parents are
    informed when their child is placed on or removed from the SEN register)."""
    errors: dict[str, list[str]] = {}
    if informed_on > timezone.localdate():
        errors["informed_on"] = ["The date the parents were told cannot be in the future."]
    if informed_on < entry.start_date - timedelta(days=60):
        errors["informed_on"] = ["That is long before the decision; check the date."]
    if how not in NotificationMethod.values:
        errors["how"] = ["Choose how the parents were told."]
    if len(note) > 300:
        errors["note"] = ["Keep the note to 300 characters."]
    if errors:
        raise ValidationError(errors)
    entry.parents_informed_on = informed_on
    entry.parents_informed_how = how
    entry.parents_informed_note = note.strip()
    entry.save(
        update_fields=["parents_informed_on", "parents_informed_how", "parents_informed_note"]
    )
    audit.log(
        AuditAction.UPDATE,
        by,
        entry,
        {
            "parents_informed_on": informed_on.isoformat(),
            "parents_informed_how": how,
            "parents_informed_note": note,
        },
        request=request,
    )
    return entry


@transaction.atomic
def need_add(
    *,
    pupil: Pupil,
    need_type: str,
    rank: int,
    start_date: date,
    description: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> Need:
    """Record a ranked census need. A need of the same rank that is still open ends the day
    before, so a pupil's primary need can change without losing the history."""
    errors: dict[str, list[str]] = {}
    if need_type not in census.SEN_TYPE_LABELS:
        errors["need_type"] = ["Choose a census SEN type."]
    if rank not in (1, 2):
        errors["rank"] = ["Rank is 1 (primary need) or 2 (secondary need)."]
    if start_date > timezone.localdate():
        errors["start_date"] = ["The start date cannot be in the future."]
    if rank == 2 and not pupil.needs.filter(rank=1, end_date__isnull=True).exists():
        errors.setdefault("rank", []).append("Record the primary need (rank 1) first.")
    existing = (
        Need.objects.select_for_update()
        .filter(pupil=pupil, rank=rank, end_date__isnull=True)
        .first()
    )
    if existing and start_date <= existing.start_date:
        errors.setdefault("start_date", []).append(
            f"It must start after the current need of this rank began ({existing.start_date:%d/%m/%Y})."
        )
    other = (
        pupil.needs.filter(end_date__isnull=True)
        .exclude(rank=rank)
        .values_list("need_type", flat=True)
    )
    if need_type in other:
        errors.setdefault("need_type", []).append("The pupil's other need is already this type.")
    if errors:
        raise ValidationError(errors)
    if existing:
        existing.end_date = start_date - timedelta(days=1)
        existing.save(update_fields=["end_date"])
    need = Need(
        pupil=pupil,
        need_type=need_type,
        rank=rank,
        start_date=start_date,
        description=description.strip(),
    )
    need.full_clean(validate_constraints=False)
    need.save()
    audit.log(
        AuditAction.CREATE,
        by,
        need,
        {
            "need_type": need_type,
            "rank": rank,
            "start_date": start_date.isoformat(),
            "description": description,
        },
        request=request,
    )
    return need


@transaction.atomic
def need_end(*, need: Need, end_date: date, by: User, request: HttpRequest | None = None) -> Need:
    """End a need (it no longer applies). Ending the primary need while a secondary is open is
    refused: promote the secondary by recording it as the new primary first."""
    errors: dict[str, list[str]] = {}
    caller_need = need
    need = Need.objects.select_for_update().get(pk=need.pk)  # the state as locked, not a copy
    if need.end_date is not None:
        errors["end_date"] = ["This need has already ended."]
    elif end_date < need.start_date:
        errors["end_date"] = ["The end date cannot be before the start date."]
    elif end_date > timezone.localdate():
        errors["end_date"] = ["The end date cannot be in the future."]
    if need.rank == 1 and need.pupil.needs.filter(rank=2, end_date__isnull=True).exists():
        errors.setdefault("end_date", []).append(
            "End the secondary need first, or record a new primary need."
        )
    if errors:
        raise ValidationError(errors)
    need.end_date = end_date
    need.save(update_fields=["end_date"])
    caller_need.end_date = end_date
    audit.log(AuditAction.UPDATE, by, need, {"end_date": end_date.isoformat()}, request=request)
    return need


@transaction.atomic
def register_change_with_need(
    *,
    pupil: Pupil,
    provision: str,
    start_date: date,
    reason: str,
    need_type: str,
    by: User,
    decided_by_name: str = "",
    request: HttpRequest | None = None,
) -> RegisterEntry:
    """A register decision that also records the primary need, for a pupil placed on the
    register who has none yet. Both rows or neither."""
    entry = register_change(
        pupil=pupil,
        provision=provision,
        start_date=start_date,
        reason=reason,
        by=by,
        decided_by_name=decided_by_name,
        request=request,
    )
    if need_type and provision in census.ON_REGISTER:
        try:
            need_add(
                pupil=pupil,
                need_type=need_type,
                rank=1,
                start_date=start_date,
                by=by,
                request=request,
            )
        except ValidationError as exc:
            raise ValidationError({"need_type": exc.messages}) from exc
    return entry
