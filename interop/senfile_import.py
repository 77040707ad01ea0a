"""`sen_file_import`: a transfer pack (docs/sen-file.md) from the pupil's previous school, all or
nothing. The document is checked against the published schema first; then the pupil is found on
this school's roll by UPN (from the CTF, usually imported first) or added, the previous school's
register history and needs are written, marked as the previous school's ("<school> (previous
school)"), and the whole document is kept beside the record (TransferredFile) to read and print.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import School, User
from audit import log as audit
from audit.models import AuditAction
from interop import senfile
from interop.models import TransferredFile
from interop.services import IMPORT_REASON
from pupils.models import Need, Pupil, RegisterEntry

PREVIOUS_SCHOOL = "from the previous school"


@dataclass
class SenFileResult:
    school: str = ""
    upn: str = ""
    pupil_created: bool = False
    register_entries: int = 0
    needs: int = 0
    cycles: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        who = "a new pupil" if self.pupil_created else "a pupil on the roll"
        return (
            f"UPN {self.upn} ({who}): {self.register_entries} register entries, {self.needs} "
            f"needs and {self.cycles} cycles from the previous school"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "school": self.school,
            "upn": self.upn,
            "pupil_created": self.pupil_created,
            "register_entries": self.register_entries,
            "needs": self.needs,
            "cycles": self.cycles,
            "warnings": self.warnings,
            "errors": self.errors,
        }


class SenFileFailed(Exception):
    """Nothing was written; `result.errors` says why."""

    def __init__(self, result: SenFileResult) -> None:
        super().__init__("; ".join(result.errors[:3]))
        self.result = result


class _Rollback(Exception):
    pass


def read_document(
    source: bytes | str | IO[bytes], what: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """A SEN file schema document (a transfer pack or a plan, `what` says which for the message)
    and its problems: not JSON, not an object, not the schema's shape."""
    raw = source.read() if hasattr(source, "read") else source
    try:
        document = json.loads(cast(bytes | str, raw))
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [f"The file is not JSON: {exc}"]
    if not isinstance(document, dict):
        return None, [f"The file is not a sendpath {what}: it is not a JSON object."]
    found = senfile.problems(document)
    return (None, found) if found else (document, [])


def load(source: bytes | str | IO[bytes]) -> tuple[dict[str, Any] | None, list[str]]:
    """The document and its problems (not JSON, not the schema's shape, not a transfer pack)."""
    document, found = read_document(source, "SEN file")
    if document is not None and document.get("kind") != "sen-file":
        found = ["$.kind: a transfer pack is the whole SEN file (kind “sen-file”), not a plan."]
    return (None, found) if found else (document, [])


def sen_file_import(
    *,
    source: bytes | str | IO[bytes],
    school: School,
    dry_run: bool,
    by: User | None,
    request: HttpRequest | None = None,
) -> SenFileResult:
    """Import a transfer pack into `school`; raises SenFileFailed, having written nothing, when
    the document or what it would write is wrong. A dry run checks and counts, then rolls back."""
    result = SenFileResult(school=school.urn, dry_run=dry_run)
    document, result.errors = load(source)
    if document is None:
        raise SenFileFailed(result)
    actor = by if by is not None else cast(User, AnonymousUser())
    try:
        with transaction.atomic(durable=True):
            _import(result, document, school, actor, request)
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except (IntegrityError, ValidationError) as exc:
        # The document is well-formed but its history contradicts itself (two open entries,
        # an end before a start): nothing was written.
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        result.errors.append(f"$.register_history or $.needs: {'; '.join(messages)}")
    if result.errors:
        raise SenFileFailed(result)
    return result


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _import(
    result: SenFileResult,
    document: dict[str, Any],
    school: School,
    by: User,
    request: HttpRequest | None,
) -> None:
    data, source = document["pupil"], document["source_school"]
    result.upn = data["upn"]
    if source.get("urn") and source["urn"] == school.urn:
        result.errors.append("$.source_school.urn: the file comes from this school.")
        return
    pupil = Pupil.objects.filter(school=school, upn=data["upn"]).first()
    if pupil is None:
        if Pupil.objects.filter(upn=data["upn"], leaving_date__isnull=True).exists():
            result.errors.append(
                f"$.pupil.upn: UPN {data['upn']} is on another school's roll in sendpath; "
                "record the pupil as leaving there first."
            )
            return
        pupil = _create_pupil(data, school)
        result.pupil_created = True
    elif pupil.date_of_birth != _day(data["date_of_birth"]):
        result.errors.append(
            f"$.pupil.date_of_birth: UPN {data['upn']} is on the roll with another date of birth."
        )
        return
    decided = f"{source['name']} (previous school)"[:120]
    if _has_own_history(pupil):
        result.warnings.append(
            "The pupil's register already has entries made at this school: the previous "
            "school's history is kept with the transfer pack, not written to the register."
        )
    else:
        RegisterEntry.objects.filter(pupil=pupil).delete()  # the CTF's shorter copy, if any
        Need.objects.filter(pupil=pupil).delete()
        result.register_entries = _write_register(pupil, document, decided)
        result.needs = _write_needs(pupil, document)
    result.cycles = len(document["cycles"])
    kept = TransferredFile.objects.create(
        pupil=pupil,
        source_urn=source.get("urn", ""),
        source_name=source["name"],
        schema_version=document["schema_version"],
        document=document,
        imported_by=by if by.is_authenticated else None,
    )
    audit.log(
        AuditAction.CREATE,
        by,
        kept,
        {"source_urn": source.get("urn", ""), "entries": result.register_entries,
         "needs": result.needs, "cycles": result.cycles},
        request=request,
        pupil_id=pupil.pk,
        school_id=school.pk,
    )  # fmt: skip


def _create_pupil(data: dict[str, Any], school: School) -> Pupil:
    pupil = Pupil(
        school=school,
        upn=data["upn"],
        former_upn=data["former_upn"],
        legal_forename=data["legal_forename"],
        legal_surname=data["legal_surname"],
        middle_names=data["middle_names"],
        preferred_forename=data["preferred_forename"],
        preferred_surname=data["preferred_surname"],
        date_of_birth=_date(data["date_of_birth"]),
        sex=data["sex"],
        nc_year=data["nc_year"],
        admission_date=timezone.localdate(),
    )
    pupil.full_clean()
    pupil.save()
    return pupil


def _has_own_history(pupil: Pupil) -> bool:
    """Register entries or needs recorded at this school (not copied in from a CTF)."""
    return (
        pupil.register_entries.exclude(reason=IMPORT_REASON).exists()
        or pupil.needs.exclude(description__in=["", IMPORT_REASON]).exists()
    )


def _write_register(pupil: Pupil, document: dict[str, Any], decided: str) -> int:
    entries = [
        RegisterEntry(
            pupil=pupil,
            provision=e["provision"],
            start_date=_date(e["start_date"]),
            end_date=_day(e["end_date"]),
            reason=f"{PREVIOUS_SCHOOL}: {e['reason']}" if e["reason"] else PREVIOUS_SCHOOL,
            decided_by_name=decided,
        )
        for e in document["register_history"]
    ]
    for entry in entries:
        entry.full_clean(validate_constraints=False)
    RegisterEntry.objects.bulk_create(entries)
    return len(entries)


def _write_needs(pupil: Pupil, document: dict[str, Any]) -> int:
    needs = [
        Need(
            pupil=pupil,
            need_type=n["need_type"],
            rank=n["rank"],
            start_date=_date(n["start_date"]),
            end_date=_day(n["end_date"]),
            description=n["description"],
        )
        for n in document["needs"]
    ]
    Need.objects.bulk_create(needs)
    return len(needs)
