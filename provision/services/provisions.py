"""Writes of the provision map. Each is keyword-only, takes `by`, is atomic and audited;
validation failures raise ValidationError with field errors and write nothing.

Formulas (planned sessions, fidelity, cost) are in provision/costing.py and read through
provision/selectors.py; nothing here computes them.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

import access
from accounts.models import Membership, School, User
from accounts.selectors import closed_because
from audit import log as audit
from audit.models import AuditAction
from audit.versions import next_version, version_errors
from provision.models import (
    Enrolment,
    Intervention,
    Measure,
    MeasureKind,
    MeasureType,
    NotionalBudget,
    Provision,
    RoleKind,
    Session,
    SessionAttendance,
    StaffRole,
    TopUpFunding,
    Wave,
)
from pupils.models import Pupil
from support.models import Target

Errors = dict[str, list[str]]

WEEKDAY_VALUES = frozenset(range(5))
LONGEST_SESSION = 300  # minutes; a sanity bound, not a rule of practice


def _fail(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _money(errors: Errors, field: str, value: Any, what: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        _add(errors, field, f"{what} must be an amount in pounds, like 12.50.")
        return Decimal(0)
    if not amount.is_finite():
        _add(errors, field, f"{what} must be an amount in pounds, like 12.50.")
        return Decimal(0)
    if amount < 0:
        _add(errors, field, f"{what} cannot be negative.")
    return amount


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


# --- staff roles and the library --------------------------------------------------------------


@transaction.atomic
def staff_role_save(
    *,
    school: School,
    name: str,
    kind: str,
    hourly_cost: Decimal | int | str,
    by: User,
    role: StaffRole | None = None,
    request: HttpRequest | None = None,
) -> StaffRole:
    """Add a staff role with its hourly cost (salary plus on-costs), or change one. Without `role`
    a role of the same name is changed rather than duplicated."""
    errors: Errors = {}
    name = name.strip()
    if not name:
        _add(errors, "name", "Give the role a name, for example ‘TA level 2’.")
    if kind not in RoleKind.values:
        _add(errors, "kind", "Choose the kind of role.")
    cost = _money(errors, "hourly_cost", hourly_cost, "The hourly cost")
    if role is not None and role.school_id != school.pk:
        _add(errors, "role", "This role belongs to another school.")
    same_name = StaffRole.objects.filter(school=school, name__iexact=name)
    if role is not None and name and same_name.exclude(pk=role.pk).exists():
        _add(errors, "name", f"There is already a role called ‘{name}’.")
    _fail(errors)
    if role is None:
        role = same_name.select_for_update().first()
    before = (
        {"name": role.name, "kind": role.kind, "hourly_cost": str(role.hourly_cost)} if role else {}
    )
    role = role or StaffRole(school=school)
    role.name, role.kind, role.hourly_cost = name, kind, cost
    role.full_clean(exclude=["school"], validate_constraints=False)
    role.save()
    after = {"name": role.name, "kind": role.kind, "hourly_cost": str(role.hourly_cost)}
    audit.log(
        AuditAction.UPDATE if before else AuditAction.CREATE,
        by,
        role,
        audit.changes(before, after) if before else after,
        request=request,
    )
    return role


INTERVENTION_FIELDS = (
    "name",
    "area",
    "description",
    "evidence_url",
    "evidence_strength",
    "group_size",
    "session_minutes",
    "sessions_per_week",
    "weeks",
    "staff_kind",
    "measure_type",
)


@transaction.atomic
def intervention_add(
    *, school: School, data: dict[str, Any], by: User, request: HttpRequest | None = None
) -> Intervention:
    """Add the school's own intervention to its library (the built-in catalogue is read-only and
    every school uses it directly)."""
    errors: Errors = {}
    name = str(data.get("name", "")).strip()
    if not name:
        _add(errors, "name", "Give the intervention a name.")
    clash = Intervention.objects.filter(
        Q(school=school) | Q(school__isnull=True), name__iexact=name
    ).first()
    if name and clash is not None:
        where = "the built-in catalogue" if clash.is_catalogue else "your library"
        _add(
            errors, "name", f"‘{clash.name}’ is already in {where}: use it, or choose another name."
        )
    _fail(errors)
    intervention = Intervention(
        school=school, **{k: data[k] for k in INTERVENTION_FIELDS if k in data}
    )
    intervention.name = name
    intervention.full_clean(exclude=["school"], validate_constraints=False)
    intervention.save()
    audit.log(
        AuditAction.CREATE,
        by,
        intervention,
        {"name": name, "area": intervention.area},
        request=request,
    )
    return intervention


# --- provisions -------------------------------------------------------------------------------

PROVISION_FIELDS = (
    "name",
    "wave",
    "staff",
    "staff_role",
    "location",
    "weekdays",
    "start_time",
    "session_minutes",
    "start_date",
    "end_date",
    "resource_cost",
    "licence_cost",
)


def _check_staff(errors: Errors, school: School, staff: User | None) -> None:
    if staff is None:
        return
    works_here = Membership.objects.filter(
        user=staff, school=school, role__in=access.DELIVERING_ROLES
    ).exists()
    if not works_here:
        _add(
            errors,
            "staff",
            f"{staff.get_full_name() or staff} is not on the staff of {school.name}.",
        )


def _check_weekdays(errors: Errors, weekdays: Any) -> list[int]:
    try:
        days = sorted({int(d) for d in weekdays or []})
    except (TypeError, ValueError):
        days = [-1]
    if not days:
        _add(errors, "weekdays", "Choose the days the sessions happen.")
    elif not set(days) <= WEEKDAY_VALUES:
        _add(errors, "weekdays", "Sessions happen on school days, Monday to Friday.")
    return days


def _check_targets(errors: Errors, school: School, ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    found = set(
        Target.objects.filter(pk__in=wanted, plan__cycle__pupil__school=school).values_list(
            "pk", flat=True
        )
    )
    if set(wanted) - found:
        _add(errors, "targets", "Link only targets from the plans of this school's pupils.")
    return wanted


def _check_provision(
    errors: Errors, school: School, intervention: Intervention, v: dict[str, Any]
) -> None:
    """Check (and tidy, in place) the values of a provision about to be saved."""
    if intervention.school_id not in (None, school.pk):
        _add(errors, "intervention", "Choose an intervention from your library.")
    v["name"] = str(v.get("name") or "").strip()
    if not v["name"]:
        _add(errors, "name", "Give the provision a name, for example ‘Year 3 reading group B’.")
    if v.get("wave") not in Wave.values:
        _add(errors, "wave", "Choose the wave.")
    _check_staff(errors, school, v.get("staff"))
    role = v.get("staff_role")
    if role is None:
        _add(errors, "staff_role", "Choose the staff role that delivers it (it sets the cost).")
    elif role.school_id != school.pk:
        _add(errors, "staff_role", "Choose one of your school's staff roles.")
    v["weekdays"] = _check_weekdays(errors, v.get("weekdays"))
    minutes = v.get("session_minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= LONGEST_SESSION:
        _add(errors, "session_minutes", f"A session is from 1 to {LONGEST_SESSION} minutes long.")
    start, end = v.get("start_date"), v.get("end_date")
    if start is None:
        _add(errors, "start_date", "Give the start date.")
    if end is None:
        _add(errors, "end_date", "Give the end date.")
    if start and end and end < start:
        _add(errors, "end_date", "The end date cannot be before the start date.")
    v["resource_cost"] = _money(
        errors, "resource_cost", v.get("resource_cost"), "The resource cost"
    )
    v["licence_cost"] = _money(errors, "licence_cost", v.get("licence_cost"), "The licence cost")
    v["location"] = str(v.get("location") or "").strip()


def _audit_values(provision: Provision) -> dict[str, Any]:
    return {
        "name": provision.name,
        "intervention": provision.intervention_id,
        "wave": provision.wave,
        "staff": provision.staff_id,
        "staff_role": provision.staff_role_id,
        "location": provision.location,
        "weekdays": ",".join(str(d) for d in provision.weekdays),
        "start_time": str(provision.start_time or ""),
        "session_minutes": provision.session_minutes,
        "start_date": provision.start_date.isoformat(),
        "end_date": provision.end_date.isoformat(),
        "resource_cost": str(provision.resource_cost),
        "licence_cost": str(provision.licence_cost),
    }


@transaction.atomic
def provision_create(
    *,
    school: School,
    intervention: Intervention,
    data: dict[str, Any],
    by: User,
    request: HttpRequest | None = None,
) -> Provision:
    """Set up a provision: an intervention delivered by named staff on given weekdays between two
    dates. The session length defaults to the intervention's. `data["targets"]` (ids) links it to
    SMART targets in pupils' plans."""
    errors: Errors = {}
    values = {k: data.get(k) for k in PROVISION_FIELDS}
    values["wave"] = values["wave"] or Wave.TARGETED
    values["session_minutes"] = values["session_minutes"] or intervention.session_minutes
    _check_provision(errors, school, intervention, values)
    targets = _check_targets(errors, school, data.get("targets") or [])
    _fail(errors)
    provision = Provision(school=school, intervention=intervention, **values)
    provision.full_clean(exclude=["school", "intervention"], validate_constraints=False)
    provision.save()
    provision.targets.set(targets)
    audit.log(
        AuditAction.CREATE,
        by,
        provision,
        _audit_values(provision) | {"targets": len(targets)},
        request=request,
    )
    return provision


def _check_history(
    errors: Errors, provision: Provision, start: date | None, end: date | None
) -> None:
    """New dates must still hold the sessions and enrolments already recorded."""
    if start is None or end is None:
        return
    outside = provision.sessions.filter(Q(on__lt=start) | Q(on__gt=end)).order_by("on").first()
    if outside is not None:
        _add(
            errors,
            "end_date" if outside.on > end else "start_date",
            f"A session is recorded on {_long(outside.on)}: the dates must include it.",
        )
    early = provision.enrolments.filter(start_date__lt=start).exists()
    late = provision.enrolments.filter(start_date__gt=end).exists()
    if early:
        _add(errors, "start_date", "A pupil joined before this start date.")
    if late:
        _add(errors, "end_date", "A pupil joins after this end date.")


@transaction.atomic
def provision_update(
    *,
    provision: Provision,
    data: dict[str, Any],
    version: int,
    by: User,
    request: HttpRequest | None = None,
) -> Provision:
    """Change a provision from the `version` the form or client read (a newer one under the lock
    means someone saved first: nothing is written). Keys left out of `data` keep their values;
    `data["intervention"]` swaps the intervention and `data["targets"]` (ids) replaces the linked
    targets."""
    errors: Errors = {}
    provision = Provision.objects.select_for_update().get(pk=provision.pk)
    errors.update(version_errors(current=provision, sent=version, what="provision"))
    school = provision.school
    intervention = data.get("intervention") or provision.intervention
    values = {k: data[k] if k in data else getattr(provision, k) for k in PROVISION_FIELDS}
    values["session_minutes"] = values["session_minutes"] or intervention.session_minutes
    _check_provision(errors, school, intervention, values)
    _check_history(errors, provision, values["start_date"], values["end_date"])
    targets = _check_targets(errors, school, data["targets"]) if "targets" in data else None
    _fail(errors)
    before = _audit_values(provision)
    provision.intervention = intervention
    for key, value in values.items():
        setattr(provision, key, value)
    provision.full_clean(exclude=["school", "intervention"], validate_constraints=False)
    provision.version = next_version(provision)
    provision.save()
    if targets is not None:
        provision.targets.set(targets)
    changes = audit.changes(before, _audit_values(provision))
    if targets is not None:
        changes["targets"] = len(targets)
    changes["version"] = provision.version
    audit.log(AuditAction.UPDATE, by, provision, changes, request=request)
    return provision


# --- enrolments -------------------------------------------------------------------------------


@transaction.atomic
def enrol(
    *,
    provision: Provision,
    pupil: Pupil,
    start_date: date,
    by: User,
    request: HttpRequest | None = None,
) -> Enrolment:
    """Add a pupil of the provision's school to it, from a date within its dates."""
    errors: Errors = {}
    if pupil.school_id != provision.school_id:
        _add(errors, "pupil", "Only pupils of this school can join its provision.")
    elif Enrolment.objects.filter(provision=provision, pupil=pupil).exists():
        _add(errors, "pupil", f"{pupil.full_name} is already in {provision.name}.")
    if start_date is None:
        _add(errors, "start_date", "Give the date the pupil joins.")
    elif not provision.start_date <= start_date <= provision.end_date:
        _add(
            errors,
            "start_date",
            f"The pupil must join between {_long(provision.start_date)} and {_long(provision.end_date)}.",
        )
    _fail(errors)
    enrolment = Enrolment(provision=provision, pupil=pupil, start_date=start_date)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"pupil": [f"{pupil.full_name} was added meanwhile; reload the page."]}
        ) from exc
    audit.log(
        AuditAction.CREATE,
        by,
        enrolment,
        {"provision": provision.pk, "start_date": start_date.isoformat()},
        request=request,
        school_id=provision.school_id,
    )
    return enrolment


@transaction.atomic
def enrolment_end(
    *,
    enrolment: Enrolment,
    end_date: date,
    by: User,
    request: HttpRequest | None = None,
) -> Enrolment:
    """Record that a pupil left a provision (their last day in it)."""
    errors: Errors = {}
    enrolment = (
        Enrolment.objects.select_for_update().select_related("provision").get(pk=enrolment.pk)
    )
    provision = enrolment.provision
    if enrolment.end_date is not None:
        _add(errors, "end_date", f"The pupil already left on {_long(enrolment.end_date)}.")
    if end_date is None:
        _add(errors, "end_date", "Give the pupil's last day in the provision.")
    elif end_date < enrolment.start_date:
        _add(
            errors,
            "end_date",
            f"The pupil joined on {_long(enrolment.start_date)}: the last day cannot be before it.",
        )
    elif end_date > provision.end_date:
        _add(errors, "end_date", f"The provision ends on {_long(provision.end_date)}.")
    elif SessionAttendance.objects.filter(
        pupil_id=enrolment.pupil_id, session__provision=provision, session__on__gt=end_date
    ).exists():
        _add(errors, "end_date", "The register has the pupil in a session after this date.")
    _fail(errors)
    enrolment.end_date = end_date
    enrolment.save(update_fields=["end_date"])
    audit.log(
        AuditAction.UPDATE,
        by,
        enrolment,
        {"end_date": end_date.isoformat()},
        request=request,
        school_id=provision.school_id,
    )
    return enrolment


def enrolled_on(provision: Provision, day: date) -> list[Enrolment]:
    """The enrolments running on `day` (joined on or before it, not yet left)."""
    return list(
        provision.enrolments.filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("pupil")
        .order_by("pupil__legal_surname", "pupil__legal_forename")
    )


# --- the session register ---------------------------------------------------------------------


def _check_session(
    errors: Errors,
    provision: Provision,
    on: date | None,
    delivered: bool,
    missed_reason: str,
    minutes: int,
    present: set[int],
    role: StaffRole,
    closed: str = "",
    closed_day_reason: str = "",
) -> list[Enrolment]:
    """What is wrong with a session (into `errors`), and the pupils enrolled on its day. `closed`
    says why the school is shut that day ("" when open): a session on a closed day (half-term,
    a training day, a bank holiday) needs the reason it was held, so the register does not claim
    a normal day."""
    enrolled: list[Enrolment] = []
    if on is None:
        _add(errors, "on", "Give the date of the session.")
    elif on > timezone.localdate():
        _add(errors, "on", "A session cannot be recorded before it happens.")
    elif on.weekday() not in WEEKDAY_VALUES:
        _add(errors, "on", "Sessions happen on school days, Monday to Friday.")
    elif not provision.start_date <= on <= provision.end_date:
        _add(
            errors,
            "on",
            f"{provision.name} runs from {_long(provision.start_date)} to {_long(provision.end_date)}.",
        )
    else:
        enrolled = enrolled_on(provision, on)
        if closed and not closed_day_reason:
            _add(
                errors,
                "closed_day_reason",
                f"{_long(on)} is {closed}: say why the session was held on a day the school is "
                "closed, for example ‘catch-up session during half-term’.",
            )
    if delivered:
        if not 1 <= minutes <= LONGEST_SESSION:
            _add(errors, "minutes", f"A session is from 1 to {LONGEST_SESSION} minutes long.")
        if on is not None and present - {e.pupil_id for e in enrolled}:
            _add(errors, "present", "Mark only pupils who are in the group on that date.")
    else:
        if not missed_reason:
            _add(errors, "missed_reason", "Say why the session was missed.")
        if present:
            _add(errors, "present", "A missed session has no attendance.")
    if role.school_id != provision.school_id:
        _add(errors, "staff_role", "Choose one of your school's staff roles.")
    return enrolled


@transaction.atomic
def session_record(
    *,
    provision: Provision,
    on: date,
    delivered: bool,
    missed_reason: str = "",
    minutes: int | None = None,
    present_pupil_ids: Iterable[int] = (),
    note: str = "",
    by: User,
    staff_role: StaffRole | None = None,
    delivered_by: User | None = None,
    closed_day_reason: str = "",
    request: HttpRequest | None = None,
) -> Session:
    """Record the session of `on`: delivered (its minutes and who was there) or missed (and why).
    One record per provision per day: recording the same day again replaces it. The staff role,
    minutes and the adult default to the provision's. On a day the school is shut (half-term,
    a closure day) it needs `closed_day_reason`."""
    errors: Errors = {}
    missed_reason = missed_reason.strip()
    closed_day_reason = closed_day_reason.strip()
    role = staff_role or provision.staff_role
    minutes = provision.session_minutes if minutes is None else minutes
    present = set(present_pupil_ids)
    closed = closed_because(provision.school_id, on)
    enrolled = _check_session(
        errors,
        provision,
        on,
        delivered,
        missed_reason,
        minutes,
        present,
        role,
        closed,
        closed_day_reason,
    )
    _fail(errors)
    session = Session.objects.select_for_update().filter(provision=provision, on=on).first()
    action = AuditAction.UPDATE if session else AuditAction.CREATE
    session = session or Session(provision=provision, on=on)
    session.delivered = delivered
    session.missed_reason = "" if delivered else missed_reason
    session.minutes = minutes if delivered else 0  # a missed session delivered no time
    session.staff_role = role
    session.delivered_by = (delivered_by or provision.staff) if delivered else None
    session.note = note.strip()
    session.closed_day_reason = closed_day_reason if closed else ""
    session.recorded_by = by
    session.recorded_at = timezone.now()
    session.full_clean(exclude=["provision", "staff_role"], validate_constraints=False)
    session.save()
    session.attendance.all().delete()
    if delivered:
        SessionAttendance.objects.bulk_create(
            SessionAttendance(session=session, pupil_id=e.pupil_id, present=e.pupil_id in present)
            for e in enrolled
        )
    audit.log(
        action,
        by,
        session,
        {
            "on": on.isoformat(),
            "delivered": delivered,
            "minutes": session.minutes,
            "present": len(present) if delivered else 0,
            "absent": len(enrolled) - len(present) if delivered else 0,
            "reason": session.missed_reason,
            "notes": session.note,
            "closed_day": bool(closed),
        },
        request=request,
        school_id=provision.school_id,
    )
    return session


# --- entry and exit data ----------------------------------------------------------------------


def _check_measure(
    errors: Errors,
    enrolment: Enrolment,
    kind: str,
    measure_type: str,
    name: str,
    on: date | None,
) -> None:
    if kind not in MeasureKind.values:
        _add(errors, "kind", "Choose entry or exit.")
    if measure_type not in MeasureType.values:
        _add(errors, "measure_type", "Choose the kind of measure.")
    if not name:
        _add(errors, "name", "Name the assessment, for example ‘Salford reading test’.")
    if on is None:
        _add(errors, "on", "Give the date of the assessment.")
    elif on > timezone.localdate():
        _add(errors, "on", "The assessment date cannot be in the future.")
    existing = {m.kind: m for m in enrolment.measures.all()}
    if kind in existing:
        _add(errors, "kind", f"{MeasureKind(kind).label} data is already recorded for this pupil.")
    entry = existing.get(MeasureKind.ENTRY)
    if kind == MeasureKind.EXIT:
        if entry is None:
            _add(errors, "kind", "Record the entry data first: exit data is compared with it.")
        else:
            if on is not None and on < entry.on:
                _add(
                    errors,
                    "on",
                    f"The exit assessment cannot be before the entry one ({_long(entry.on)}).",
                )
            if measure_type != entry.measure_type:
                _add(
                    errors,
                    "measure_type",
                    f"Use the same kind of measure as at entry ({entry.get_measure_type_display().lower()}).",
                )


@transaction.atomic
def measure_record(
    *,
    enrolment: Enrolment,
    kind: str,
    measure_type: str,
    name: str,
    on: date,
    value: Decimal | int | float | str,
    by: User,
    request: HttpRequest | None = None,
) -> Measure:
    """Record a pupil's entry or exit data for a provision: the exit uses the same measure as the
    entry and is not dated before it. One of each per pupil per provision."""
    errors: Errors = {}
    enrolment = (
        Enrolment.objects.select_for_update().select_related("provision").get(pk=enrolment.pk)
    )
    name = name.strip()
    _check_measure(errors, enrolment, kind, measure_type, name, on)
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        _add(errors, "value", "Enter the score as a number, like 85 or 7.5.")
        amount = Decimal(0)
    _fail(errors)
    measure = Measure(
        enrolment=enrolment,
        kind=kind,
        measure_type=measure_type,
        name=name,
        on=on,
        value=amount,
        recorded_by=by,
    )
    measure.full_clean(exclude=["enrolment"], validate_constraints=False)
    measure.save()
    audit.log(
        AuditAction.CREATE,
        by,
        measure,
        {
            "kind": kind,
            "measure_type": measure_type,
            "on": on.isoformat(),
            "provision": enrolment.provision_id,
        },
        request=request,
        pupil_id=enrolment.pupil_id,
        school_id=enrolment.provision.school_id,
    )
    return measure


# --- money ------------------------------------------------------------------------------------


def _check_year(errors: Errors, start_year: int) -> None:
    if not isinstance(start_year, int) or not 2000 <= start_year <= 2100:
        _add(errors, "start_year", "Give the year the school year starts, for example 2025.")


@transaction.atomic
def budget_set(
    *,
    school: School,
    start_year: int,
    amount: Decimal | int | str,
    by: User,
    request: HttpRequest | None = None,
) -> NotionalBudget:
    """Set the school's notional SEN budget for the school year starting in September
    `start_year` (replacing any figure set before)."""
    errors: Errors = {}
    _check_year(errors, start_year)
    money = _money(errors, "amount", amount, "The budget")
    _fail(errors)
    budget, created = NotionalBudget.objects.select_for_update().get_or_create(
        school=school, start_year=start_year, defaults={"amount": money}
    )
    before = str(budget.amount)
    if not created:
        budget.amount = money
        budget.save(update_fields=["amount"])
    audit.log(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by,
        budget,
        {"start_year": start_year, "amount": str(money)} | ({} if created else {"from": before}),
        request=request,
    )
    return budget


@transaction.atomic
def top_up_set(
    *,
    pupil: Pupil,
    start_year: int,
    amount: Decimal | int | str,
    by: User,
    note: str = "",
    request: HttpRequest | None = None,
) -> TopUpFunding:
    """Set a pupil's EHC top-up funding (element 3, from the LA) for a school year (replacing any
    figure set before)."""
    errors: Errors = {}
    _check_year(errors, start_year)
    money = _money(errors, "amount", amount, "The top-up")
    _fail(errors)
    top_up, created = TopUpFunding.objects.select_for_update().get_or_create(
        pupil=pupil, start_year=start_year, defaults={"amount": money, "note": note.strip()}
    )
    if not created:
        top_up.amount, top_up.note = money, note.strip()
        top_up.save(update_fields=["amount", "note"])
    audit.log(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by,
        top_up,
        {"start_year": start_year, "amount": str(money), "notes": top_up.note},
        request=request,
    )
    return top_up
