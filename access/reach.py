"""Reach: which records a user may see, as querysets (or conditions) every list starts from.

By role:
- SENCo, senior leader, school administrator: every pupil of their school.
- Teacher: pupils in the teaching groups they teach in the current school year (access ends when
  the class moves on).
- Teaching assistant: pupils they are assigned to (an open PupilAssignment), and the pupils of a
  provision they deliver while it runs (its register and entry and exit data a little longer:
  `delivers`; their plan targets only through another reach).
- Parent or carer: only their own children (a FamilyLink to a Contact that is their login).
- SEN governor, data protection officer, LA officer, trust officer: no named pupil records; they
  see aggregates (and the DPO the audit trail).
Every other record (register entries, needs, concerns, cycles and what they hold, passports,
provisions and their enrolments, sessions and measures) is reached through its pupil or its
school. Each function costs no query of its own: the memberships are cached on the user and the
reach is a subquery of the caller's one query.
"""

from datetime import date, timedelta
from typing import Any, Literal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts import schooldates
from accounts.models import Membership, Role, School, User
from duties.models import InformationReport, ReportShare
from family.models import LogEntry
from provision.models import (
    Enrolment,
    Intervention,
    Measure,
    Provision,
    Session,
    SessionAttendance,
    StaffRole,
)
from pupils.models import FamilyLink, Need, Pupil, PupilAssignment, RegisterEntry, TeachingGroup
from statutory.models import (
    AnnualReview,
    CaseDocument,
    EHCPlan,
    EHCRequest,
    OfficerCaseload,
    PhaseTransfer,
)
from support.models import Concern, Cycle, Passport, Target

from .actions import LEAVERS_READERS, NAMED_RECORD_ROLES, STAFF_ROLES, WHOLE_SCHOOL_ROLES

Reach = Literal["staff", "family", "any"]


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


def roles_at(user: User, school: School | int) -> set[str]:
    """The user's roles at a school (a School or its id)."""
    school_id = school if isinstance(school, int) else school.pk
    return {m.role for m in memberships(user) if m.school_id == school_id}


def schools_where(user: User, roles: frozenset[str]) -> list[int]:
    """Ids of the schools where the user holds one of `roles`."""
    return [m.school_id for m in memberships(user) if m.role in roles and m.school_id is not None]


def staff_schools(user: User) -> list[School]:
    """Schools where the user has a staff role, for the school switcher."""
    seen: dict[int, School] = {}
    for m in memberships(user):
        if m.school is not None and m.role in STAFF_ROLES:
            seen.setdefault(m.school.pk, m.school)
    return sorted(seen.values(), key=lambda s: s.name)


# ---- pupils --------------------------------------------------------------------------------------


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
    day = today or timezone.localdate()
    if m.role in WHOLE_SCHOOL_ROLES:
        return Q(school_id=m.school_id)
    if m.role == Role.TEACHER:
        groups = TeachingGroup.objects.filter(
            school=m.school,
            school_year__start_year=schooldates.school_year_start(day),
            teachers=user,
            pupils=OuterRef("pk"),
        )
        return Q(school_id=m.school_id) & Q(Exists(groups))
    if m.role == Role.TEACHING_ASSISTANT:
        assigned = PupilAssignment.objects.filter(
            pupil=OuterRef("pk"), staff=user, start_date__lte=day
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        # A TA also reaches the pupils in the provision they deliver, while it runs.
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


def visible_leavers(user: User, school: School) -> QuerySet[Pupil]:
    """The school's leavers (a leaving date set), for the roles that keep their SEN files in
    view (the SENCo and the DPO, who otherwise sees no named pupil): the leavers page only."""
    if not user.is_authenticated or not user.is_active:
        return Pupil.objects.none()
    if not roles_at(user, school.pk) & LEAVERS_READERS:
        return Pupil.objects.none()
    return Pupil.objects.filter(school=school, leaving_date__isnull=False)


def _pupil_ids(user: User, reach: Reach) -> QuerySet[Pupil, Any]:
    # Used as a subquery (pupil__in=...): it selects the pupils' ids only.
    return visible_pupils(user, reach=reach).values("pk")


def visible_register_entries(user: User, *, reach: Reach = "any") -> QuerySet[RegisterEntry]:
    """Register entries of the pupils the user may see."""
    return RegisterEntry.objects.filter(pupil__in=_pupil_ids(user, reach))


def visible_needs(user: User, *, reach: Reach = "any") -> QuerySet[Need]:
    """Needs of the pupils the user may see."""
    return Need.objects.filter(pupil__in=_pupil_ids(user, reach))


# ---- the graduated approach ------------------------------------------------------------------


def visible_concerns(user: User) -> QuerySet[Concern]:
    """Concerns are staff working records: those about the pupils the user reaches as staff."""
    return Concern.objects.filter(pupil__in=_pupil_ids(user, "staff"))


def visible_cycles(user: User, *, reach: Reach = "any") -> QuerySet[Cycle]:
    """Cycles of the pupils the user may see. What a cycle holds (plan, targets, review, views,
    notes, amendments, documents) is reached through its cycle: views, notes and amendments are
    staff working records, so read them from visible_cycles(user, reach="staff")."""
    return Cycle.objects.filter(pupil__in=_pupil_ids(user, reach))


def visible_targets(user: User, *, reach: Reach = "any") -> QuerySet[Target]:
    """Targets of the plans of the cycles the user may see."""
    return Target.objects.filter(plan__cycle__pupil__in=_pupil_ids(user, reach))


def visible_passports(user: User, *, reach: Reach = "any") -> QuerySet[Passport]:
    return Passport.objects.filter(pupil__in=_pupil_ids(user, reach))


# ---- families as partners ----------------------------------------------------------------------


def visible_log_entries(user: User, *, reach: Reach = "any") -> QuerySet[LogEntry]:
    """Communication log entries: every entry about the pupils the user reaches as staff; only
    the shared entries about a parent's own children (reach "family"); "any" is both."""
    where = Q(pk__in=[])
    if reach != "family":
        where |= Q(pupil__in=_pupil_ids(user, "staff"))
    if reach != "staff":
        where |= Q(shared=True, pupil__in=_pupil_ids(user, "family"))
    return LogEntry.objects.filter(where)


# ---- EHC casework (statutory) ------------------------------------------------------------------


def officer_las(user: User) -> list[int]:
    """Ids of the LAs where the user is an LA officer."""
    if not user.is_authenticated or not user.is_active:
        return []
    return [m.la_id for m in memberships(user) if m.role == Role.LA_OFFICER and m.la_id]


def caseload_las(user: User) -> set[int]:
    """The LAs where the officer is narrowed to their own caseload (statutory.OfficerCaseload):
    there they reach only the cases whose caseworker they are."""
    las = officer_las(user)
    if not las:
        return set()
    return set(
        OfficerCaseload.objects.filter(user=user, la_id__in=las).values_list("la_id", flat=True)
    )


def ehc_reach(
    user: User,
    la: str = "la_id",
    pupil: str = "pupil",
    *,
    reach: Reach = "any",
    caseworker: tuple[str, ...] = ("caseworker",),
) -> Q:
    """Who reaches an EHC record: the SENCo, senior leaders and administrators of the pupil's
    school, LA officers of the record's LA (every school of it; an officer narrowed to a
    caseload at that LA, only the records with them as `caseworker`, one of the paths given),
    and (reach "family" or "any") the parents of the pupil, for its status."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    where = Q(pk__in=[])
    if reach != "family":
        narrowed = caseload_las(user)
        where = Q(**{f"{la}__in": [i for i in officer_las(user) if i not in narrowed]})
        if narrowed:
            for path in caseworker:
                where |= Q(**{f"{la}__in": sorted(narrowed), path: user})
    schools = [] if reach == "family" else schools_where(user, WHOLE_SCHOOL_ROLES)
    if schools:
        where |= Q(**{f"{pupil}__school_id__in": schools})
    if reach != "staff" and any(m.role == Role.PARENT for m in memberships(user)):
        where |= Q(**{f"{pupil}__in": _pupil_ids(user, "family")})
    return where


PLAN_CASEWORKER = ("plan__caseworker",)


def visible_ehc_requests(user: User, *, reach: Reach = "any") -> QuerySet[EHCRequest]:
    """EHC needs assessment requests within the user's EHC reach (ehc_reach)."""
    return EHCRequest.objects.filter(ehc_reach(user, reach=reach))


def visible_ehc_plans(user: User, *, reach: Reach = "any") -> QuerySet[EHCPlan]:
    """EHC plans within the user's EHC reach (ehc_reach)."""
    return EHCPlan.objects.filter(ehc_reach(user, reach=reach))


def visible_annual_reviews(user: User, *, reach: Reach = "any") -> QuerySet[AnnualReview]:
    return AnnualReview.objects.filter(
        ehc_reach(user, "plan__la_id", "plan__pupil", reach=reach, caseworker=PLAN_CASEWORKER)
    )


def visible_phase_transfers(user: User, *, reach: Reach = "any") -> QuerySet[PhaseTransfer]:
    return PhaseTransfer.objects.filter(
        ehc_reach(user, "plan__la_id", "plan__pupil", reach=reach, caseworker=PLAN_CASEWORKER)
    )


def visible_case_documents(user: User) -> QuerySet[CaseDocument]:
    """Documents kept with an EHC case (the plan's PDF, what the school sent to the LA): the
    school's SENCo, senior leaders and administrators, and the LA's officers (staff reach)."""
    return CaseDocument.objects.filter(
        ehc_reach(user, reach="staff", caseworker=("request__caseworker", "plan__caseworker"))
    )


# ---- schools -----------------------------------------------------------------------------------


def overview_schools(user: User) -> QuerySet[School]:
    """Schools whose aggregate figures an LA or trust officer may see."""
    las = [m.la_id for m in memberships(user) if m.role == Role.LA_OFFICER]
    trusts = [m.trust_id for m in memberships(user) if m.role == Role.TRUST_OFFICER]
    if not las and not trusts:
        return School.objects.none()
    return School.objects.filter(Q(la_id__in=las) | Q(trust_id__in=trusts)).select_related(
        "la", "trust"
    )


def visible_schools(user: User) -> QuerySet[School]:
    """Schools the user has any reach to: a membership at the school, or (for LA and trust
    officers) the schools of their LA or trust. Rows only; pupils still follow visible_pupils."""
    member_of = {m.school_id for m in memberships(user) if m.school_id is not None}
    overview = overview_schools(user).values("pk")
    return School.objects.filter(Q(pk__in=member_of) | Q(pk__in=overview))


# ---- the provision map -------------------------------------------------------------------------


def visible_interventions(user: User) -> QuerySet[Intervention]:
    """The built-in catalogue, and the own interventions of the schools where the user is staff.
    The library is not pupil data."""
    own = [s.pk for s in staff_schools(user)]
    return Intervention.objects.filter(Q(school__isnull=True) | Q(school_id__in=own))


def visible_staff_roles(user: User) -> QuerySet[StaffRole]:
    """Each school's staff roles, for the schools where the user is staff."""
    return StaffRole.objects.filter(school_id__in=[s.pk for s in staff_schools(user)])


def visible_provisions(
    user: User, school: School | None = None, *, today: date | None = None
) -> QuerySet[Provision]:
    """The provisions this user may read (at one school, or at every school where they are
    staff): all of them for the SENCo, senior leaders and administrators; for teachers and TAs,
    those they deliver or that include a pupil they reach. Roles that see no named pupils see
    none (they read the aggregate reports)."""
    schools = [school] if school is not None else staff_schools(user)
    where = Q(pk__in=[])
    for s in schools:
        roles = roles_at(user, s)
        if not roles & NAMED_RECORD_ROLES:
            continue
        if roles & WHOLE_SCHOOL_ROLES:
            where |= Q(school=s)
            continue
        pupils = visible_pupils(user, s, today=today).values("pk")
        reached = Enrolment.objects.filter(pupil__in=pupils).values("provision_id")
        where |= Q(school=s) & (Q(staff=user) | Q(pk__in=reached))
    return Provision.objects.filter(where)


def delivers(user: User, provision: str = "provision", *, today: date | None = None) -> Q:
    """The deliverer's rule (one place, for the web and the API): the adult who delivers a
    provision reaches its named rows (its register, its enrolments, entry and exit data) from its
    start until its school's `provision_grace_days` after it ends, for late entries; after that
    the provision shows a count of pupils, no names. A condition on rows with a path
    `provision` to their provision (per school: each school sets its own grace)."""
    day = today or timezone.localdate()
    where = Q(pk__in=[])
    for s in staff_schools(user):
        since = day - timedelta(days=s.provision_grace_days)
        where |= Q(**{f"{provision}__school_id": s.pk, f"{provision}__end_date__gte": since})
    return Q(**{f"{provision}__staff": user}) & where


def delivers_now(user: User, provision: Provision, *, today: date | None = None) -> bool:
    """`delivers` for one provision (its school loaded): the same rule, without a query."""
    day = today or timezone.localdate()
    grace = timedelta(days=provision.school.provision_grace_days)
    return provision.staff_id == user.pk and day <= provision.end_date + grace


def named_on_provisions(user: User, provision: str = "provision") -> Q:
    """The rule for named rows inside a provision (an enrolment, a register mark, a measure), as
    a condition on rows with a `pupil` and a path to their provision: all of them for the whole
    school and for the adult who delivers it (until the grace after it ends: `delivers`), else
    the pupils the user reaches as staff (so a teacher with one pupil in a group does not read
    the rest of the group)."""
    return (
        Q(**{f"{provision}__school_id__in": schools_where(user, WHOLE_SCHOOL_ROLES)})
        | delivers(user, provision)
        | Q(pupil__in=visible_pupils(user, reach="staff"))
    )


def pupils_named_on(user: User, provision: Provision) -> set[int]:
    """named_on_provisions for one provision whose enrolments are loaded: the ids of the pupils
    whose names this user sees on its pages (no query for the whole school or the deliverer)."""
    enrolled = [e.pupil_id for e in provision.enrolments.all()]
    if delivers_now(user, provision) or provision.school_id in schools_where(
        user, WHOLE_SCHOOL_ROLES
    ):
        return set(enrolled)
    return set(
        visible_pupils(user, reach="staff").filter(pk__in=enrolled).values_list("pk", flat=True)
    )


def visible_enrolments(user: User) -> QuerySet[Enrolment]:
    """Enrolments of the provisions the user reads, of the pupils named to them there."""
    return Enrolment.objects.filter(provision__in=visible_provisions(user).values("pk")).filter(
        named_on_provisions(user)
    )


def visible_sessions(user: User) -> QuerySet[Session]:
    """Sessions of the provisions the user reads (their register marks: visible_attendance)."""
    return Session.objects.filter(provision__in=visible_provisions(user).values("pk"))


def visible_attendance(user: User) -> QuerySet[SessionAttendance]:
    """Register marks of the pupils named to the user on the provision."""
    return SessionAttendance.objects.filter(named_on_provisions(user, "session__provision"))


def visible_measures(user: User) -> QuerySet[Measure]:
    """Entry and exit data of the enrolments the user may see."""
    return Measure.objects.filter(enrolment__in=visible_enrolments(user).values("pk"))


def reaches_as_staff(user: User, pupil_id: int) -> bool:
    """Whether the pupil is within the user's staff reach (one query)."""
    return visible_pupils(user, reach="staff").filter(pk=pupil_id).exists()


# ---- the school's duties (duties/) ---------------------------------------------------------------


def visible_shared_reports(user: User) -> QuerySet[InformationReport]:
    """Drafts of the SEN information report shared with this parent for comments: shared with
    them by name (a family contact that is their login), or with the parent forum of a school
    where they are a parent. Staff read the drafts through Action.READ_INFORMATION_REPORT."""
    parent_schools = [
        m.school_id for m in memberships(user) if m.role == Role.PARENT and m.school_id
    ]
    if not user.is_authenticated or not parent_schools:
        return InformationReport.objects.none()
    shared = ReportShare.objects.filter(report=OuterRef("pk")).filter(
        Q(contact__user=user) | ~Q(forum="")
    )
    return InformationReport.objects.filter(school_id__in=parent_schools, status="shared").filter(
        Exists(shared)
    )
