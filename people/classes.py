"""Writes about classes, teaching groups and TA assignments: by hand, and from a table (CSV or
xlsx) with a column-mapping step. The import is checked whole before anything is written: one
bad row writes nothing, and every error names its row and column.

Teachers' reach (access.reach) follows TeachingGroup.teachers/pupils in the current school year,
and TAs' follows open PupilAssignments: what is written here is what it reads."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Membership, Role, School, SchoolYear, User
from audit import log as audit
from audit.models import AuditAction
from people.tables import Table
from pupils.models import GroupKind, Pupil, PupilAssignment, TeachingGroup

# The fields an upload maps its columns to, with the header names guessed for each.
FIELDS: dict[str, str] = {
    "name": "Class or group",
    "upn": "Pupil UPN",
    "teacher": "Teacher's email",
    "kind": "Kind (class, set or tutor group)",
    "subject": "Subject",
}
REQUIRED = ("name",)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "class",
        "classname",
        "group",
        "groupname",
        "teachinggroup",
        "set",
        "form",
        "regclass",
    ),
    "upn": ("upn", "pupilupn", "uniquepupilnumber"),
    "teacher": ("teacher", "teacheremail", "email", "staffemail", "teachers"),
    "kind": ("kind", "type", "grouptype"),
    "subject": ("subject",),
}
KIND_WORDS = {
    "": GroupKind.CLASS,
    "class": GroupKind.CLASS,
    "set": GroupKind.TEACHING_GROUP,
    "teachinggroup": GroupKind.TEACHING_GROUP,
    "group": GroupKind.TEACHING_GROUP,
    "tutor": GroupKind.TUTOR_GROUP,
    "tutorgroup": GroupKind.TUTOR_GROUP,
    "form": GroupKind.TUTOR_GROUP,
}
# Who may teach a class: teachers, and the SENCo and senior leaders who teach (a TA's reach comes
# from their assignments, so a TA is not named as a class's teacher).
TEACHING_ROLES = frozenset({Role.TEACHER, Role.SENCO, Role.SENIOR_LEADER})


def teachers_of(school: School) -> list[User]:
    return list(
        User.objects.filter(
            memberships__school=school, memberships__role__in=sorted(TEACHING_ROLES)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def tas_of(school: School) -> list[User]:
    return list(
        User.objects.filter(
            memberships__school=school, memberships__role=Role.TEACHING_ASSISTANT
        ).order_by("last_name", "first_name", "username")
    )


def school_year(school: School, start_year: int) -> SchoolYear:
    return SchoolYear.objects.get_or_create(school=school, start_year=start_year)[0]


# ---- by hand -----------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    school: School,
    start_year: int,
    name: str,
    kind: str,
    subject: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> TeachingGroup:
    name = name.strip()
    year = school_year(school, start_year)
    if TeachingGroup.objects.filter(school_year=year, name__iexact=name).exists():
        raise ValidationError({"name": [f"There is already a class called {name} this year."]})
    group = TeachingGroup(
        school=school, school_year=year, name=name, kind=kind, subject=subject.strip()
    )
    group.full_clean()
    group.save()
    audit.log(
        AuditAction.CREATE, by, group, {"kind": kind, "start_year": start_year}, request=request
    )
    return group


@transaction.atomic
def group_change(
    *,
    group: TeachingGroup,
    op: str,
    pupil: Pupil | None = None,
    teacher: User | None = None,
    by: User,
    request: HttpRequest | None = None,
) -> None:
    """Add or remove one pupil or one teacher."""
    if op in ("add_pupil", "remove_pupil"):
        if pupil is None or pupil.school_id != group.school_id:
            raise ValidationError({"pupil": ["Choose a pupil on this school's roll."]})
        (group.pupils.add if op == "add_pupil" else group.pupils.remove)(pupil)
        audit.log(AuditAction.UPDATE, by, group, {op: pupil.pk}, request=request, pupil_id=pupil.pk)
    elif op in ("add_teacher", "remove_teacher"):
        if teacher is None or (op == "add_teacher" and teacher not in teachers_of(group.school)):
            raise ValidationError({"teacher": ["Choose a teacher at this school."]})
        (group.teachers.add if op == "add_teacher" else group.teachers.remove)(teacher)
        audit.log(AuditAction.UPDATE, by, group, {op: teacher.pk}, request=request)
    else:
        raise ValidationError({"__all__": ["Unknown change."]})


@transaction.atomic
def assignment_add(
    *,
    pupil: Pupil,
    staff: User,
    start_date: date,
    purpose: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> PupilAssignment:
    """Assign a teaching assistant to support a pupil from a date (open until ended)."""
    if staff not in tas_of(pupil.school):
        raise ValidationError({"staff": ["Choose a teaching assistant at this school."]})
    if PupilAssignment.objects.filter(pupil=pupil, staff=staff, end_date__isnull=True).exists():
        raise ValidationError({"pupil": ["That teaching assistant already supports this pupil."]})
    assignment = PupilAssignment.objects.create(
        pupil=pupil, staff=staff, start_date=start_date, purpose=purpose.strip()
    )
    audit.log(
        AuditAction.CREATE,
        by,
        assignment,
        {"staff_id": staff.pk, "start_date": start_date},
        request=request,
    )
    return assignment


@transaction.atomic
def assignment_end(
    *, assignment: PupilAssignment, end_date: date, by: User, request: HttpRequest | None = None
) -> PupilAssignment:
    if end_date < assignment.start_date:
        raise ValidationError({"end_date": ["The end cannot be before the start."]})
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    audit.log(AuditAction.UPDATE, by, assignment, {"end_date": end_date}, request=request)
    return assignment


# ---- from a table ------------------------------------------------------------------------------


@dataclass
class GroupsPlan:
    """What an upload would do, or its errors (then nothing is written)."""

    start_year: int
    new_groups: list[str] = field(default_factory=list)
    existing_groups: list[str] = field(default_factory=list)
    placements: int = 0  # pupil-in-group links to add
    already: int = 0  # already there
    teachers: int = 0
    errors: list[str] = field(default_factory=list)
    # name -> (kind, subject, pupil ids, teacher ids)
    groups: dict[str, tuple[str, str, set[int], set[int]]] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        groups = len(self.new_groups) + len(self.existing_groups)
        return (
            f"{groups} class{'es' if groups != 1 else ''} ({len(self.new_groups)} new), "
            f"{self.placements} pupil place{'s' if self.placements != 1 else ''} to add "
            f"({self.already} already there), {self.teachers} teacher link"
            f"{'s' if self.teachers != 1 else ''}"
        )


def _fold(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def groups_plan(
    *, school: School, start_year: int, table: Table, mapping: dict[str, int | None]
) -> GroupsPlan:
    """Check every row of the table against the mapping and the school's roll and staff."""
    plan = GroupsPlan(start_year=start_year)
    for f in REQUIRED:
        if mapping.get(f) is None:
            plan.errors.append(f"Choose the column that holds “{FIELDS[f]}”.")
    if mapping.get("upn") is None and mapping.get("teacher") is None:
        plan.errors.append("Choose a column of pupil UPNs, of teachers' emails, or both.")
    if plan.errors:
        return plan
    pupils = dict(
        Pupil.objects.filter(school=school, leaving_date__isnull=True).values_list("upn", "pk")
    )
    staff: dict[str, int] = {}
    for user in teachers_of(school):
        for address in {user.email.lower(), user.username.lower()}:
            if address:
                staff[address] = user.pk

    def cell(row: list[str], f: str) -> str:
        i = mapping.get(f)
        return row[i] if i is not None else ""

    def col(f: str) -> str:
        i = mapping[f]
        assert i is not None
        return f"column “{table.headers[i]}”"

    for n, row in enumerate(table.rows, start=2):
        name = cell(row, "name")
        if not name:
            plan.errors.append(f"Row {n}, {col('name')}: the class name is empty.")
            continue
        if len(name) > 60:
            plan.errors.append(f"Row {n}, {col('name')}: a class name has at most 60 characters.")
            continue
        kind_word = _fold(cell(row, "kind"))
        if kind_word not in KIND_WORDS:
            plan.errors.append(
                f"Row {n}, {col('kind')}: “{cell(row, 'kind')}” is not class, set or tutor group."
            )
            continue
        entry = plan.groups.setdefault(
            name, (KIND_WORDS[kind_word], cell(row, "subject")[:60], set(), set())
        )
        upn = cell(row, "upn").upper().replace(" ", "")
        if upn:
            if upn not in pupils:
                plan.errors.append(
                    f"Row {n}, {col('upn')}: no pupil with UPN {upn} is on this school's roll."
                )
            else:
                entry[2].add(pupils[upn])
        for address in filter(
            None, (a.strip().lower() for a in cell(row, "teacher").replace(";", ",").split(","))
        ):
            if address not in staff:
                plan.errors.append(
                    f"Row {n}, {col('teacher')}: {address} is not a teacher at this school (invite them first)."
                )
            else:
                entry[3].add(staff[address])
    if plan.errors:
        return plan
    existing = {
        g.name: g
        for g in TeachingGroup.objects.filter(
            school=school, school_year__start_year=start_year, name__in=list(plan.groups)
        ).prefetch_related("pupils", "teachers")
    }
    for name, (_kind, _subject, pupil_ids, teacher_ids) in plan.groups.items():
        group = existing.get(name)
        have_pupils = {p.pk for p in group.pupils.all()} if group else set()
        have_teachers = {t.pk for t in group.teachers.all()} if group else set()
        (plan.existing_groups if group else plan.new_groups).append(name)
        plan.placements += len(pupil_ids - have_pupils)
        plan.already += len(pupil_ids & have_pupils)
        plan.teachers += len(teacher_ids - have_teachers)
    return plan


@transaction.atomic
def groups_import(
    *,
    school: School,
    start_year: int,
    table: Table,
    mapping: dict[str, int | None],
    by: User,
    request: HttpRequest | None = None,
) -> GroupsPlan:
    """Write an upload's classes (new ones made, pupils and teachers added; nothing removed), or
    raise ValidationError with every row's errors and write nothing."""
    plan = groups_plan(school=school, start_year=start_year, table=table, mapping=mapping)
    if plan.errors:
        raise ValidationError(plan.errors)
    year = school_year(school, start_year)
    for name, (kind, subject, pupil_ids, teacher_ids) in plan.groups.items():
        group, _ = TeachingGroup.objects.get_or_create(
            school_year=year,
            name=name,
            defaults={"school": school, "kind": kind, "subject": subject},
        )
        group.pupils.add(*pupil_ids)
        group.teachers.add(*teacher_ids)
    audit.log(
        AuditAction.CREATE,
        by,
        None,
        {
            "start_year": start_year,
            "groups_new": len(plan.new_groups),
            "placements": plan.placements,
            "teachers": plan.teachers,
        },
        request=request,
        school_id=school.pk,
        object_type="pupils.TeachingGroup",
    )
    return plan


def open_assignments(school: School) -> Iterable[PupilAssignment]:
    return (
        PupilAssignment.objects.filter(pupil__school=school, pupil__leaving_date__isnull=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .select_related("pupil", "staff")
        .order_by("staff__last_name", "pupil__legal_surname")
    )


def memberships_of(school: School) -> list[Membership]:
    return list(
        Membership.objects.filter(school=school)
        .exclude(role=Role.PARENT)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )
