"""`ctf_import`: a Common Transfer File into a school's roll, atomically and idempotently.

The file is streamed (interop.ctf) and written in batches inside one durable transaction; any
error (not XML, not a CTF, a pupil with a bad UPN, date or code) rolls the whole file back, and a
dry run always does, so the preview counts are the real import's. New pupils are written in bulk
with their history. A pupil already known (by UPN) is compared field by field: a change of
details goes through pupils.services.pupil_update, and a change of SEN provision or needs becomes
a new register entry or need through pupils.services (the file's date, the reason "imported from
CTF", the parent step pending) — never a silent overwrite.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import LocalAuthority, Phase, School, User
from attainment import services as attainment_services
from audit import log as audit
from audit.models import AuditAction
from bulk.rows import insert_returning, insert_rows
from interop import ctf
from interop.ctf import CTFError, Problem
from pupils import services as pupil_services
from pupils.models import (
    Contact,
    FamilyLink,
    FSMPeriod,
    KeyStageResult,
    Need,
    Pupil,
    RegisterEntry,
    Relationship,
    YearAttendance,
)

IMPORT_REASON = "imported from CTF"
BATCH = 500
DAY = timedelta(days=1)
# CBDS relationship-to-pupil codes, onto sendpath's relationships (anything else: other).
RELATIONSHIPS = {
    "PAM": Relationship.MOTHER,
    "PAF": Relationship.FATHER,
    "PAR": Relationship.PARENT,
    "STM": Relationship.STEP_PARENT,
    "STF": Relationship.STEP_PARENT,
    "GRM": Relationship.GRANDPARENT,
    "GRF": Relationship.GRANDPARENT,
    "FOM": Relationship.FOSTER_CARER,
    "FOF": Relationship.FOSTER_CARER,
    "CAR": Relationship.FOSTER_CARER,
    "SWR": Relationship.SOCIAL_WORKER,
}


@dataclass
class ImportResult:
    school: str = ""  # the URN
    pupils: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    school_created: bool = False
    dry_run: bool = False
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """ "2,000 pupils: 1,987 new, 13 updated, 0 unchanged; 4 warnings"."""
        warnings = len(self.warnings)
        return (
            f"{self.pupils:,} pupil{'' if self.pupils == 1 else 's'}: {self.created:,} new, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged; "
            f"{warnings:,} warning{'' if warnings == 1 else 's'}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "school": self.school,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": [str(w) for w in self.warnings],
            "errors": [str(e) for e in self.errors],
        }


class ImportFailed(Exception):
    """Nothing was written; `result.errors` says why."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("; ".join(str(e) for e in result.errors[:3]))
        self.result = result


class _Rollback(Exception):
    pass


def ctf_import(
    *,
    source: str | IO[bytes],
    school: School | None,
    dry_run: bool,
    by: User | None,
    create_school: bool = False,
    request: HttpRequest | None = None,
) -> ImportResult:
    """Import a CTF into `school` (or the file's DestSchool, created from the header with
    `create_school`). Returns the counts; raises ImportFailed, having written nothing, when the
    file or any pupil in it has an error. A dry run counts and checks, then rolls back."""
    with transaction.atomic(durable=True):
        return ctf_import_within(
            source=source,
            school=school,
            dry_run=dry_run,
            by=by,
            create_school=create_school,
            request=request,
        )


def ctf_import_within(
    *,
    source: str | IO[bytes],
    school: School | None,
    dry_run: bool,
    by: User | None,
    create_school: bool = False,
    request: HttpRequest | None = None,
) -> ImportResult:
    """`ctf_import` inside the caller's transaction, for a caller that builds more around the
    import in one (the demo and the bench set up a school this way, records/roll.py). Its writes
    are a savepoint: rolled back on any error and on a dry run, as `ctf_import`'s are."""
    result = ImportResult(dry_run=dry_run)
    actor = by if by is not None else cast(User, AnonymousUser())
    try:
        with transaction.atomic():
            _import(result, source, school, create_school, actor, request)
            if result.errors or dry_run:
                raise _Rollback
            # The key stage results just kept become assessment points (attainment, issue 18).
            attainment_services.key_stage_points(school=School.objects.get(urn=result.school))
    except _Rollback:
        pass
    except CTFError as exc:
        result.errors.append(exc.problem)
    if result.errors:
        raise ImportFailed(result)
    return result


def _import(
    result: ImportResult,
    source: str | IO[bytes],
    school: School | None,
    create_school: bool,
    by: User,
    request: HttpRequest | None,
) -> None:
    reader = ctf.CTFReader(source)
    header = reader.read_header()
    if header.file_date > timezone.localdate():
        raise CTFError(Problem("the file's date is in the future.", "Header/DateTime"))
    school = _target_school(result, header, school, create_school)
    if school is None:
        return
    result.school = school.urn
    if school.ctf_version != header.version_number:  # the version its MIS now speaks
        school.ctf_version = header.version_number
        school.save(update_fields=["ctf_version"])
    seen: set[str] = set()
    nc_years: set[str] = set()
    batch: list[ctf.Pupil] = []
    for pupil in reader.pupils():
        result.pupils += 1
        _check(pupil, header, seen)
        result.errors.extend(pupil.problems)
        result.warnings.extend(pupil.warnings)
        nc_years.add(pupil.nc_year)
        batch.append(pupil)
        if len(batch) >= BATCH:
            _write(result, school, header, batch, by, request)
            batch = []
    _write(result, school, header, batch, by, request)
    if result.school_created:
        school.phase = _phase(nc_years)
        school.save(update_fields=["phase"])
    audit.log(
        AuditAction.CREATE if result.created else AuditAction.UPDATE,
        by,
        school,
        {"pupils": result.pupils, "created": result.created, "updated": result.updated},
        request=request,
        object_type="interop.ctf_import",
    )


def _target_school(
    result: ImportResult, header: ctf.Header, school: School | None, create_school: bool
) -> School | None:
    dest = header.dest
    if school is not None:
        if dest.urn and dest.urn != school.urn:
            result.warnings.append(
                Problem(
                    f"the file is addressed to URN {dest.urn}; imported into {school.urn}.",
                    "Header/DestSchool/URN",
                )
            )
        return school
    found = School.objects.filter(urn=dest.urn).first() if dest.urn else None
    if found is not None:
        return found
    if not create_school:
        result.errors.append(
            Problem(
                f"no school has URN “{dest.urn}”: choose the school, or create it from the file.",
                "Header/DestSchool/URN",
            )
        )
        return None
    return _create_school(result, dest)


def _create_school(result: ImportResult, dest: ctf.SchoolRef) -> School | None:
    checks = ((dest.lea, 3, "LEA"), (dest.estab, 4, "Estab"), (dest.urn, 6, "URN"))
    for value, digits, name in checks:
        if not (value.isdigit() and len(value) == digits):
            result.errors.append(
                Problem(f"“{value}” is not {digits} digits.", f"Header/DestSchool/{name}")
            )
    if result.errors:
        return None
    la, _ = LocalAuthority.objects.get_or_create(
        code=dest.lea, defaults={"name": f"Local authority {dest.lea}"}
    )
    if School.objects.filter(la=la, establishment_number=dest.estab).exists():
        result.errors.append(
            Problem(f"another school is already {dest.lea}{dest.estab}.", "Header/DestSchool")
        )
        return None
    result.school_created = True
    return School.objects.create(
        urn=dest.urn,
        la=la,
        establishment_number=dest.estab,
        name=dest.name or f"School {dest.urn}",
        phase=Phase.PRIMARY,
    )


def _phase(nc_years: set[str]) -> str:
    numbers = {int(y) for y in nc_years if y.isdigit()}
    if numbers and min(numbers) >= 7:
        return Phase.SECONDARY
    if numbers and max(numbers) >= 7:
        return Phase.ALL_THROUGH
    return Phase.PRIMARY


def _check(pupil: ctf.Pupil, header: ctf.Header, seen: set[str]) -> None:
    """The checks that need more than one element: duplicates, dates against the file's."""

    def problem(element: str, message: str) -> None:
        pupil.problems.append(Problem(message, element, pupil.upn, pupil.position))

    if pupil.upn in seen:
        problem("UPN", "appears twice in the file.")
    seen.add(pupil.upn)
    on = header.file_date
    if pupil.date_of_birth and pupil.date_of_birth > on:
        problem("DOB", "is after the file's date.")
    for i, period in enumerate(pupil.sen_history, start=1):
        if period.start_date and period.start_date > on:
            problem(f"SENhistory/SEN[{i}]/StartDate", "is after the file's date.")
    needs = pupil.needs_by_rank()
    if len(set(needs.values())) < len(needs):
        problem("SENhistory/SENneeds", "the primary and secondary needs are the same type.")
    if needs and pupil.provision == "N":
        pupil.warnings.append(
            Problem(
                "needs given for a pupil not on the register.",
                "SENhistory/SENneeds",
                pupil.upn,
                pupil.position,
            )  # fmt: skip
        )
    for name in ("surname", "forename", "preferred_surname", "preferred_forename", "middle_names"):
        if len(getattr(pupil, name)) > 100:
            problem(name, "is longer than 100 characters.")


# --- writing ---------------------------------------------------------------------------------


def _write(
    result: ImportResult,
    school: School,
    header: ctf.Header,
    batch: list[ctf.Pupil],
    by: User,
    request: HttpRequest | None,
) -> None:
    if not batch or result.errors:
        return  # the file will be rolled back: check the rest, write nothing more
    existing = {
        p.upn: p
        for p in Pupil.objects.filter(
            school=school, upn__in=[p.upn for p in batch]
        ).prefetch_related(
            Prefetch(
                "register_entries",
                queryset=RegisterEntry.objects.filter(end_date__isnull=True),
                to_attr="open_entries",
            ),
            Prefetch("needs", queryset=Need.objects.filter(end_date__isnull=True), to_attr="open"),
            Prefetch("family_links", queryset=FamilyLink.objects.select_related("contact")),
            "fsm_periods",
            "year_attendance",
            "key_stage_results",
        )
    }
    # A pupil still on another school's roll must leave there first; a leaver there (their
    # record kept by that school) comes in as a new record here.
    elsewhere = set(
        Pupil.objects.filter(upn__in=[p.upn for p in batch], leaving_date__isnull=True)
        .exclude(school=school)
        .values_list("upn", flat=True)
    )
    new = []
    for pupil in batch:
        known = existing.get(pupil.upn)
        if pupil.upn in elsewhere:
            result.errors.append(
                Problem(
                    "this UPN is on another school's roll in sendpath; record the pupil as "
                    "leaving there first.",
                    "UPN",
                    pupil.upn,
                    pupil.position,
                )
            )
        elif known is None:
            new.append(pupil)
        else:
            try:
                changed = _update(known, pupil, header, by, request)
            except ValidationError as exc:
                result.errors.append(
                    Problem("; ".join(exc.messages), "SENhistory", pupil.upn, pupil.position)
                )
                continue
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
    if new and not result.errors:
        _create(school, header, new)
        result.created += len(new)


def _details(p: ctf.Pupil, on: date) -> dict[str, Any]:
    """The Pupil fields a CTF sets, as the file gives them."""
    latest = max(p.attendance, key=lambda y: y.year, default=None)
    percent = None
    if latest is not None and latest.sessions_possible:
        missed = latest.sessions_authorised + latest.sessions_unauthorised
        percent = Decimal(100 * (latest.sessions_possible - missed) / latest.sessions_possible)
        percent = percent.quantize(Decimal("0.01"))
    return {
        "legal_forename": p.forename,
        "legal_surname": p.surname,
        "middle_names": p.middle_names,
        "preferred_forename": p.preferred_forename,
        "preferred_surname": p.preferred_surname,
        "date_of_birth": p.date_of_birth,
        "sex": p.sex,
        "nc_year": p.nc_year,
        "former_upn": p.former_upn,
        "first_language": p.first_language,
        "eal": p.eal,
        "enrol_status": p.enrol_status,
        "fsm": any(f.end_date is None or f.end_date >= on for f in p.fsm),
        "looked_after": p.in_care,
        "care_authority": p.care_authority,
        "admission_date": p.entry_date,
        "attendance_percent": percent,
    }


def _create(school: School, header: ctf.Header, batch: list[ctf.Pupil]) -> None:
    """New pupils and all they bring: pupils and contacts with their ids returned, the rest as
    plain INSERTs (bulk.rows: bulk_create spends most of the import's time building model
    instances)."""
    rows = [Pupil(school=school, upn=p.upn, **_details(p, header.file_date)) for p in batch]
    for row in rows:
        row.fold_names()  # bulk_create skips save(), which keeps the accent-blind search name
    insert_returning(Pupil, rows)
    kinds: dict[type[Any], list[dict[str, Any]]] = {
        RegisterEntry: [],
        Need: [],
        FSMPeriod: [],
        YearAttendance: [],
        KeyStageResult: [],
    }
    decided = _decided_by(header)
    now = timezone.now()
    for row, p in zip(rows, batch, strict=True):
        for entry in _history(p, header.file_date, decided):
            kinds[RegisterEntry].append({"pupil_id": row.pk, "created_at": now, **entry})
        for need in _needs(p, header.file_date):
            kinds[Need].append({"pupil_id": row.pk, "created_at": now, **need})
        kinds[FSMPeriod] += [{"pupil_id": row.pk, **f} for f in _fsm(p.fsm)]
        kinds[YearAttendance] += [{"pupil_id": row.pk, **y} for y in _attendance(p.attendance)]
        kinds[KeyStageResult] += [{"pupil_id": row.pk, **r} for r in _results(p.results)]
    for model, values in kinds.items():
        if values:
            columns = list(values[0])
            insert_rows(model, columns, [tuple(v[c] for c in columns) for v in values])
    _create_contacts(school, rows, batch)


def _decided_by(header: ctf.Header) -> str:
    name = header.source.name or f"{header.source.lea}{header.source.estab}"
    return f"{name} (CTF)"[:120]


def _history(p: ctf.Pupil, on: date, decided: str) -> list[dict[str, Any]]:
    """The file's SEN history as register entries: each ends the day before the next begins;
    leading N periods (never on the register) are left out. The parent step is pending."""
    periods = sorted(p.sen_history, key=lambda s: s.start_date or on)
    merged: list[tuple[date, str]] = []
    for s in periods:
        start = s.start_date or on
        if merged and merged[-1][0] == start:  # two on one day: the later in the file stands
            merged[-1] = (start, s.provision)
        elif (merged and merged[-1][1] == s.provision) or (not merged and s.provision == "N"):
            continue
        else:
            merged.append((start, s.provision))
    return [
        {
            "provision": provision,
            "start_date": start,
            "end_date": merged[i + 1][0] - DAY if i + 1 < len(merged) else None,
            "reason": IMPORT_REASON,
            "decided_by_name": decided,
            "parents_informed_how": "",
            "parents_informed_note": "",
        }
        for i, (start, provision) in enumerate(merged)
    ]


def _need_start(p: ctf.Pupil, rank: int, on: date) -> date:
    need = sorted(p.sen_needs, key=lambda n: n.rank)[rank - 1]
    current = [s.start_date for s in p.sen_history if s.start_date]
    return need.start_date or (max(current) if current else on)


def _needs(p: ctf.Pupil, on: date) -> list[dict[str, Any]]:
    return [
        {"need_type": code, "rank": rank, "start_date": _need_start(p, rank, on), "description": ""}
        for rank, code in p.needs_by_rank().items()
    ]


def _fsm(periods: Iterable[ctf.FSMPeriod]) -> list[dict[str, Any]]:
    return [
        {"start_date": f.start_date, "end_date": f.end_date, "country": f.country} for f in periods
    ]


def _attendance(years: Iterable[ctf.YearAttendance]) -> list[dict[str, Any]]:
    return [
        {
            "start_year": y.year,
            "la_code": y.lea,
            "establishment_number": y.estab,
            "school_name": y.school_name,
            "sessions_possible": y.sessions_possible,
            "sessions_authorised": y.sessions_authorised,
            "sessions_unauthorised": y.sessions_unauthorised,
        }
        for y in years
    ]


def _results(results: Iterable[ctf.StageResult]) -> list[dict[str, Any]]:
    return [
        {
            "stage": r.stage,
            "subject": r.subject,
            "locale": r.locale,
            "year": r.year,
            "method": r.method,
            "component": r.component,
            "result_status": r.result_status,
            "result_qualifier": r.result_qualifier,
            "result": r.result,
        }
        for r in results
    ]


def _contact_fields(c: ctf.Contact) -> dict[str, Any]:
    return {"title": c.title, "email": c.email, "phone": c.phone}


def _link_fields(c: ctf.Contact) -> dict[str, Any]:
    return {
        "relationship": RELATIONSHIPS.get(c.relationship, Relationship.OTHER),
        "parental_responsibility": c.responsibility,
        "contact_priority": c.order,
    }


def _same_person(forename: str, surname: str, email: str, phone: str) -> tuple[str, ...] | None:
    """What makes two contacts in a school's files one person: the same name and email, or
    without an email the same name and phone. None without either (then never merged)."""
    name = (forename.strip().casefold(), surname.strip().casefold())
    if email.strip():
        return (*name, "email", email.strip().casefold())
    digits = "".join(ch for ch in phone if ch.isdigit())
    return (*name, "phone", digits) if digits else None


def _create_contacts(school: School, rows: list[Pupil], batch: list[ctf.Pupil]) -> None:
    """The new pupils' contacts and links. A CTF lists a family's contacts under each child, so a
    contact already in the school (or earlier in the file) with the same name and email or phone
    is that person again: siblings share one contact, and a parent invited later sees all their
    children."""
    known: dict[tuple[str, ...], Contact] = {}
    surnames = {c.surname for p in batch for c in p.contacts}
    for contact in Contact.objects.filter(school=school, surname__in=surnames).order_by("pk"):
        key = _same_person(contact.forename, contact.surname, contact.email, contact.phone)
        if key is not None:
            known.setdefault(key, contact)
    new: list[Contact] = []
    owners: list[tuple[Pupil, ctf.Contact, Contact]] = []
    for row, p in zip(rows, batch, strict=True):
        for c in p.contacts:
            key = _same_person(c.forename, c.surname, c.email, c.phone)
            found = known.get(key) if key is not None else None
            if found is None:
                found = Contact(
                    school=school, forename=c.forename, surname=c.surname, **_contact_fields(c)
                )
                new.append(found)
                if key is not None:
                    known[key] = found
            owners.append((row, c, found))
    insert_returning(Contact, new)
    columns = ["pupil_id", "contact_id", "lives_with_pupil", *_link_fields(ctf.Contact("", ""))]
    # One link per pupil and contact: a file naming one person twice for a pupil keeps the first.
    links: dict[tuple[int, int], tuple[Pupil, ctf.Contact]] = {}
    for row, c, contact in owners:
        links.setdefault((row.pk, contact.pk), (row, c))
    insert_rows(
        FamilyLink,
        columns,
        [
            (pupil_id, contact_id, True, *_link_fields(c).values())
            for (pupil_id, contact_id), (_row, c) in links.items()
        ],
    )


# --- a pupil already on the roll ---------------------------------------------------------------


def _update(
    known: Pupil, p: ctf.Pupil, header: ctf.Header, by: User, request: HttpRequest | None
) -> bool:
    """Bring a known pupil up to the file; True if anything changed."""
    changed = False
    details = _details(p, header.file_date)
    diff = {k: v for k, v in details.items() if getattr(known, k) != v}
    if diff:
        pupil_services.pupil_update(
            pupil=known, data=diff, version=known.version, by=by, request=request
        )
        changed = True
    changed |= _update_register(known, p, header, by, request)
    changed |= _update_needs(known, p, header.file_date, by, request)
    changed |= _update_contacts(known, p)
    changed |= _replace(known, FSMPeriod, known.fsm_periods.all(), _fsm(p.fsm))
    changed |= _replace(
        known, YearAttendance, known.year_attendance.all(), _attendance(p.attendance)
    )
    changed |= _replace(known, KeyStageResult, known.key_stage_results.all(), _results(p.results))
    return changed


def _update_register(
    known: Pupil, p: ctf.Pupil, header: ctf.Header, by: User, request: HttpRequest | None
) -> bool:
    entries = getattr(known, "open_entries", [])
    current = entries[0].provision if entries else "N"
    if p.provision == current:
        return False
    pupil_services.register_change(
        pupil=known,
        provision=p.provision,
        start_date=header.file_date,
        reason=IMPORT_REASON,
        by=by,
        decided_by_name=_decided_by(header),
        request=request,
    )
    return True


def _update_needs(
    known: Pupil, p: ctf.Pupil, on: date, by: User, request: HttpRequest | None
) -> bool:
    """End the needs the file no longer has (secondary first), then record the new ones."""
    current = {n.rank: n for n in getattr(known, "open", [])}
    wanted = p.needs_by_rank()
    if {r: n.need_type for r, n in current.items()} == wanted:
        return False
    for rank in (2, 1):
        need = current.get(rank)
        if need is None or wanted.get(rank) == need.need_type:
            continue
        secondary = current.get(2)
        if rank == 1 and rank in wanted and (secondary is None or secondary.need_type != wanted[1]):
            continue  # need_add below ends it the day before the new primary need
        if rank == 1 and secondary is not None:  # the secondary ends first (need_end's rule)
            pupil_services.need_end(need=secondary, end_date=on - DAY, by=by, request=request)
            current.pop(2)
        pupil_services.need_end(need=need, end_date=on - DAY, by=by, request=request)
        current.pop(rank)
    for rank in (1, 2):
        have = current.get(rank)
        if rank in wanted and (have is None or have.need_type != wanted[rank]):
            pupil_services.need_add(
                pupil=known,
                need_type=wanted[rank],
                rank=rank,
                start_date=on,
                description=IMPORT_REASON,
                by=by,
                request=request,
            )
    return True


def _update_contacts(known: Pupil, p: ctf.Pupil) -> bool:
    """Add the file's new contacts and bring the known ones up to date (matched by name);
    contacts the file does not mention are kept."""
    links = {
        (link.contact.forename.lower(), link.contact.surname.lower()): link
        for link in known.family_links.all()
    }
    changed = False
    for c in p.contacts:
        link = links.get((c.forename.lower(), c.surname.lower()))
        if link is None:
            contact = Contact.objects.create(
                school_id=known.school_id, forename=c.forename, surname=c.surname,
                **_contact_fields(c),
            )  # fmt: skip
            FamilyLink.objects.create(pupil=known, contact=contact, **_link_fields(c))
            changed = True
            continue
        for obj, fields in ((link.contact, _contact_fields(c)), (link, _link_fields(c))):
            diff = {k: v for k, v in fields.items() if getattr(obj, k) != v}
            if diff:
                for k, v in diff.items():
                    setattr(obj, k, v)
                obj.save(update_fields=list(diff))
                changed = True
    return changed


def _replace(pupil: Pupil, model: Any, current: Any, wanted: list[dict[str, Any]]) -> bool:
    """Replace a pupil's rows of one kind by the file's, if they differ as sets."""
    key = list(wanted[0]) if wanted else []
    rows = list(current)
    if rows and not key:
        key = [
            f.attname for f in model._meta.concrete_fields if f.attname not in ("id", "pupil_id")
        ]
    # str(): an open end date (None) sorts beside dates.
    have = sorted(tuple(str(getattr(r, k)) for k in key) for r in rows)
    want = sorted(tuple(str(w[k]) for k in key) for w in wanted)
    if have == want:
        return False
    model.objects.filter(pupil=pupil).delete()
    model.objects.bulk_create(model(pupil=pupil, **w) for w in wanted)
    return True
