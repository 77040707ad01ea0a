"""Who may see and do what. The only module that decides it (house style §3).

Reach, by role:
- SENCo, senior leader, school administrator: every pupil of their school.
- Teacher: pupils in the teaching groups they teach in the current school year (access ends when
  the class moves on).
- Teaching assistant: pupils they are assigned to (an open PupilAssignment).
- Parent or carer: only their own children (a FamilyLink to a Contact that is their login).
- SEN governor, data protection officer, LA officer, trust officer: no named pupil records; they
  see aggregates (and the DPO the audit trail). Later issues may open named records to LA officers
  for EHC cases.
A pupil outside your reach is a 404; a write your role may not make is a 403.
"""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts import schooldates
from accounts.models import LocalAuthority, Membership, Role, School, Trust, User
from pupils.models import FamilyLink, Pupil, PupilAssignment, TeachingGroup

if TYPE_CHECKING:
    from provision.models import Provision

WHOLE_SCHOOL_ROLES = frozenset({Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN})
REGISTER_WRITERS = frozenset({Role.SENCO})
# The SENCo runs the graduated approach (decides concerns, opens cycles, writes plans, reviews);
# teachers and TAs contribute to the pupils they reach (concerns, views, Do notes).
CYCLE_RUNNERS = frozenset({Role.SENCO})
CONTRIBUTORS = frozenset({Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT})
PUPIL_DETAIL_WRITERS = frozenset({Role.SENCO, Role.ADMIN})
AUDIT_READERS = frozenset({Role.SENCO, Role.DATA_PROTECTION_OFFICER})
AGGREGATE_READERS = frozenset({Role.SENCO, Role.SENIOR_LEADER, Role.SEN_GOVERNOR, Role.ADMIN})
STAFF_ROLES = frozenset(
    {
        Role.SENCO,
        Role.TEACHER,
        Role.TEACHING_ASSISTANT,
        Role.SENIOR_LEADER,
        Role.SEN_GOVERNOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.ADMIN,
    }
)
NAMED_RECORD_ROLES = frozenset(
    {Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN, Role.TEACHER, Role.TEACHING_ASSISTANT}
)
SESSION_SCHOOL_KEY = "sendpath_school_id"


def memberships(user: User) -> list[Membership]:
    """The user's memberships, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, "_sendpath_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related("school__la", "trust", "la")
        )
        user._sendpath_memberships = cached  # type: ignore[attr-defined]
    return cached


def roles_at(user: User, school: School) -> set[str]:
    return {m.role for m in memberships(user) if m.school_id == school.pk}


def staff_schools(user: User) -> list[School]:
    """Schools where the user has a staff role, for the school switcher."""
    seen: dict[int, School] = {}
    for m in memberships(user):
        if m.school is not None and m.role in STAFF_ROLES:
            seen.setdefault(m.school.pk, m.school)
    return sorted(seen.values(), key=lambda s: s.name)


def current_school(request: HttpRequest) -> School | None:
    """The school the user is working in: the one chosen in the switcher, else their first."""
    schools = staff_schools(request.user)  # type: ignore[arg-type]
    if not schools:
        return None
    chosen = request.session.get(SESSION_SCHOOL_KEY)
    for school in schools:
        if school.pk == chosen:
            return school
    return schools[0]


def _current_start_year(today: date | None = None) -> int:
    return schooldates.school_year_start(today or timezone.localdate())


Reach = Literal["staff", "family", "any"]


def visible_pupils(
    user: User, school: School | None = None, *, reach: Reach = "staff", today: date | None = None
) -> QuerySet[Pupil]:
    """Every pupil whose named record this user may see (optionally within one school).

    reach="staff" (the staff pages) counts staff roles only; "family" (the parents' pages) counts
    only a parent's or carer's own children; "any" (the API, which serves both) counts both. So a
    teacher who is also a parent at the school sees their child's staff record only if they teach
    them."""
    return Pupil.objects.filter(pupil_reach(user, school, reach=reach, today=today))


def pupil_reach(
    user: User, school: School | None = None, *, reach: Reach = "staff", today: date | None = None
) -> Q:
    """visible_pupils as a condition on pupils, to filter another query of pupils by (so the
    database reads the reach with the pupil's own row, not a list of every pupil reached)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    where = Q(pk__in=[])
    for m in memberships(user):
        if school is not None and m.school_id != school.pk:
            continue
        as_parent = m.role == Role.PARENT
        if (reach == "staff" and as_parent) or (reach == "family" and not as_parent):
            continue
        where |= _reach_of(m, user, today)
    return where


def _reach_of(m: Membership, user: User, today: date | None) -> Q:
    if m.role in WHOLE_SCHOOL_ROLES:
        return Q(school_id=m.school_id)
    if m.role == Role.TEACHER:
        groups = TeachingGroup.objects.filter(
            school=m.school,
            school_year__start_year=_current_start_year(today),
            teachers=user,
            pupils=OuterRef("pk"),
        )
        return Q(school_id=m.school_id) & Q(Exists(groups))
    if m.role == Role.TEACHING_ASSISTANT:
        day = today or timezone.localdate()
        assigned = PupilAssignment.objects.filter(
            pupil=OuterRef("pk"), staff=user, start_date__lte=day
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        # A TA also reaches the pupils in the provision they deliver, while it runs.
        from provision.models import Enrolment

        delivering = Enrolment.objects.filter(
            pupil=OuterRef("pk"),
            provision__staff=user,
            provision__start_date__lte=day,
            provision__end_date__gte=day,
        )
        return Q(school_id=m.school_id) & (Q(Exists(assigned)) | Q(Exists(delivering)))
    if m.role == Role.PARENT:
        own = FamilyLink.objects.filter(pupil=OuterRef("pk"), contact__user=user)
        return Q(school_id=m.school_id) & Q(Exists(own))
    return Q(pk__in=[])


def get_pupil_for_user(
    request: HttpRequest,
    pk: int,
    *,
    write: bool = False,
    family: bool = False,
    queryset: QuerySet[Pupil] | None = None,
) -> Pupil:
    """The pupil, if this user may see them (else 404); with write=True, also if they may change
    the SEN register for them (else 403). family=True for the parents' pages."""
    user = request.user
    base = queryset if queryset is not None else Pupil.objects.all()
    reached = pupil_reach(user, reach="family" if family else "staff")  # type: ignore[arg-type]
    pupil = base.filter(reached, pk=pk).first()
    if pupil is None:
        raise Http404("No such pupil.")
    if write and not can_change_register(user, pupil.school):  # type: ignore[arg-type]
        raise PermissionDenied("Your role cannot change this pupil's SEN record.")
    return pupil


def has_role(user: User, school: School, allowed: Iterable[str]) -> bool:
    return bool(roles_at(user, school) & set(allowed))


def can_change_register(user: User, school: School) -> bool:
    return has_role(user, school, REGISTER_WRITERS)


def can_run_cycles(user: User, school: School) -> bool:
    return has_role(user, school, CYCLE_RUNNERS)


def can_contribute(user: User, school: School) -> bool:
    """May add concerns, assessment views, Do notes and documents for pupils they reach."""
    return has_role(user, school, CONTRIBUTORS)


def can_manage_provision(user: User, school: School) -> bool:
    """The SENCo runs the provision map: library, staff costs, provisions, enrolments, budget."""
    return has_role(user, school, {Role.SENCO})


def can_log_sessions(user: User, provision: "Provision") -> bool:
    """The adult who delivers a provision (and the SENCo) keeps its session register and its
    entry and exit data."""
    return provision.staff_id == user.pk or can_manage_provision(user, provision.school)


def can_read_costs(user: User, school: School) -> bool:
    """The whole-school provision map, costs, budget and impact: the SENCo, senior leaders and
    the SEN governor (figures per intervention, no named pupils on the impact page)."""
    return has_role(user, school, {Role.SENCO, Role.SENIOR_LEADER, Role.SEN_GOVERNOR})


def can_edit_pupil_details(user: User, school: School) -> bool:
    return has_role(user, school, PUPIL_DETAIL_WRITERS)


def can_read_audit(user: User, school: School) -> bool:
    return has_role(user, school, AUDIT_READERS)


def can_manage_sign_in(user: User, school: School) -> bool:
    """The school administrator unlocks colleagues' sign-in and resets their second factor
    (only for members of that school: accounts/views.py finds them among its members)."""
    return has_role(user, school, {Role.ADMIN})


def can_read_aggregates(user: User, school: School) -> bool:
    return has_role(user, school, AGGREGATE_READERS) or has_role(user, school, NAMED_RECORD_ROLES)


def sees_named_records(user: User, school: School) -> bool:
    return has_role(user, school, NAMED_RECORD_ROLES)


def overview_schools(user: User) -> QuerySet[School]:
    """Schools whose aggregate figures an LA or trust officer may see."""
    las = [m.la_id for m in memberships(user) if m.role == Role.LA_OFFICER]
    trusts = [m.trust_id for m in memberships(user) if m.role == Role.TRUST_OFFICER]
    if not las and not trusts:
        return School.objects.none()
    return School.objects.filter(Q(la_id__in=las) | Q(trust_id__in=trusts)).select_related(
        "la", "trust"
    )


def overview_scopes(user: User) -> list[LocalAuthority | Trust]:
    out: list[LocalAuthority | Trust] = []
    for m in memberships(user):
        if m.role == Role.LA_OFFICER and m.la is not None:
            out.append(m.la)
        elif m.role == Role.TRUST_OFFICER and m.trust is not None:
            out.append(m.trust)
    return out


def is_parent(user: User) -> bool:
    return any(m.role == Role.PARENT for m in memberships(user))


def home_area(user: User) -> str:
    """Where a user lands after signing in: "staff", "family", "overview" or "none"."""
    roles = {m.role for m in memberships(user)}
    if roles & STAFF_ROLES:
        return "staff"
    if Role.PARENT in roles:
        return "family"
    if roles & {Role.LA_OFFICER, Role.TRUST_OFFICER}:
        return "overview"
    return "none"
