"""Keeping and erasing leavers' SEN files (IRMS toolkit; interop.rules): which are due, and
their erasure, audited without the personal data (the record's number, the reason and how many
rows went; never a name, UPN or date of birth)."""

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import School, User
from audit import log as audit
from audit.models import AuditAction
from interop import rules
from pupils.models import Contact, Pupil
from support.models import Attachment


@dataclass(frozen=True)
class Due:
    pupil_id: int
    upn: str
    school: str  # URN
    leaving_date: date
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "pupil_id": self.pupil_id,
            "upn": self.upn,
            "school": self.school,
            "leaving_date": self.leaving_date.isoformat(),
            "reason": self.reason,
        }


@dataclass
class RetentionResult:
    today: date
    dry_run: bool
    due: list[Due] = field(default_factory=list)
    erased: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "due": [d.as_json() for d in self.due],
            "erased": self.erased,
        }


def due_for_erasure(*, today: date, school: School | None = None) -> list[Due]:
    """Leavers whose SEN file is due for erasure today: past DOB + 31 years, or archived."""
    leavers = Pupil.objects.filter(leaving_date__lte=today).select_related("school", "leaving")
    if school is not None:
        leavers = leavers.filter(school=school)
    # Only those born 31 years ago or archived can be due: the database narrows, the rule decides.
    born_by = date(today.year - rules.RETENTION_YEARS, 12, 31)
    leavers = leavers.filter(Q(date_of_birth__lte=born_by) | Q(leaving__archived_on__lte=today))
    out = []
    for p in leavers.order_by("school__urn", "leaving_date", "pk"):
        left = getattr(p, "leaving", None)
        reason = rules.erasure_due(
            date_of_birth=p.date_of_birth,
            leaving_date=p.leaving_date,
            archived_on=left.archived_on if left else None,
            today=today,
        )
        if reason:
            assert p.leaving_date is not None
            out.append(Due(p.pk, p.upn, p.school.urn, p.leaving_date, reason))
    return out


def retention_run(
    *, today: date, school: School | None = None, dry_run: bool, by: User | None = None
) -> RetentionResult:
    """List the SEN files due for erasure and, unless a dry run, erase them (each pupil's record
    and all that hangs from it, their documents' files, and family contacts left with no
    child), one audit event per record erased."""
    result = RetentionResult(
        today=today, dry_run=dry_run, due=due_for_erasure(today=today, school=school)
    )
    if dry_run or not result.due:
        return result
    actor = by if by is not None else cast(User, AnonymousUser())
    with transaction.atomic(durable=True):
        for due in result.due:
            _erase(due, actor)
            result.erased += 1
    return result


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def _erase(due: Due, by: User) -> None:
    pupil = Pupil.objects.get(pk=due.pupil_id)
    contacts = list(pupil.family_links.values_list("contact_id", flat=True))
    files = [str(a.file.name) for a in Attachment.objects.filter(pupil=pupil) if a.file.name]
    school_id = pupil.school_id
    deleted, _ = pupil.delete()
    orphans = (
        Contact.objects.filter(pk__in=contacts, user__isnull=True)
        .annotate(n=Count("family_links"))
        .filter(n=0)
    )
    deleted += orphans.delete()[0]
    storage = Attachment._meta.get_field("file").storage  # type: ignore[attr-defined]
    # The documents' files go once the rows have (a rollback keeps both).
    transaction.on_commit(partial(_delete_files, storage, files))
    audit.log(
        AuditAction.DELETE,
        by,
        None,
        {"reason": due.reason, "rows_erased": deleted, "files_erased": len(files)},
        pupil_id=due.pupil_id,
        school_id=school_id,
        object_type="interop.sen_file_erasure",
    )
