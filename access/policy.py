"""May this user do this to this object: the one place that decides (house style §3).

- `may(user, action, obj)`: the role question, asked of the object's school (a School, or any
  record that belongs to one: a pupil and what hangs off them, a provision and what hangs off it).
  A write to a pupil's record by a role that reaches only some pupils (CONTRIBUTE by a teacher or
  a TA) also needs that pupil within their *staff* reach, so a teacher who is also a parent at
  the school does not write to their own child's record as staff.
- `get_for_user(request_or_user, queryset, pk, action)`: the object from a `visible_*()`
  queryset (access.reach) or 404 for an outsider; then 403 if the role reaches it but may not do
  `action`.
- `current_school_for(request, action)`: the school the user works in, or 403.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import LocalAuthority, Role, School, Trust, User
from provision.models import Enrolment, Measure, Provision, Session
from pupils.models import Pupil
from statutory.models import AnnualReview, PhaseTransfer
from support.models import Target

from .actions import (
    ALLOWED,
    INSTALLATION_REFUSAL,
    LA_EHC_ACTIONS,
    LA_OWN_ACTIONS,
    NAMED_RECORD_ROLES,
    REFUSALS,
    STAFF_ROLES,
    WHOLE_SCHOOL_ROLES,
    Action,
)
from .reach import (
    delivers_now,
    memberships,
    officer_las,
    reaches_as_staff,
    roles_at,
    staff_schools,
    visible_provisions,
)

SESSION_SCHOOL_KEY = "sendpath_school_id"
# The pupils whose records get_for_user handed to this request (an attribute of the request):
# audit.middleware writes one READ row for them when the page is sent (issue 12, item 4).
REACHED_PUPILS = "_sendpath_reached_pupils"
MAX_ID = 2**63 - 1
# Writes to one pupil's record that a role reaching only some pupils may make.
PUPIL_WRITES = frozenset({Action.CONTRIBUTE, Action.KEEP_LOG, Action.DISMISS_FLAG})


def _provision_of(obj: object) -> Provision | None:
    if isinstance(obj, Provision):
        return obj
    if isinstance(obj, Enrolment | Session):
        return obj.provision
    if isinstance(obj, Measure):
        return obj.enrolment.provision
    return None


def school_id_of(obj: object) -> int | None:
    """The school a record belongs to (None for the built-in catalogue)."""
    if isinstance(obj, School):
        return obj.pk
    provision = _provision_of(obj)
    if provision is not None:
        return provision.school_id
    if isinstance(obj, Target):
        return obj.plan.cycle.pupil.school_id
    if isinstance(obj, AnnualReview | PhaseTransfer):
        return obj.plan.pupil.school_id
    if isinstance(obj, Pupil):
        return obj.school_id
    pupil = getattr(obj, "pupil", None)
    if isinstance(pupil, Pupil):
        return pupil.school_id
    school_id = getattr(obj, "school_id", None)
    return school_id if isinstance(school_id, int) else None


def pupil_id_of(obj: object) -> int | None:
    """The pupil whose record this is, if it is one pupil's."""
    if isinstance(obj, Pupil):
        return obj.pk
    if isinstance(obj, Target):
        return obj.plan.cycle.pupil_id
    if isinstance(obj, AnnualReview | PhaseTransfer):
        return obj.plan.pupil_id
    if isinstance(obj, Measure):
        return obj.enrolment.pupil_id
    pupil_id = getattr(obj, "pupil_id", None)
    return pupil_id if isinstance(pupil_id, int) else None


def la_id_of(obj: object) -> int | None:
    """The LA itself, or the LA of an EHC record or a row of the LA's (its own `la`, or its
    plan's)."""
    if isinstance(obj, LocalAuthority):
        return obj.pk
    la_id = getattr(obj, "la_id", None)
    if la_id is None:
        la_id = getattr(getattr(obj, "plan", None), "la_id", None)
    return la_id if isinstance(la_id, int) else None


def has_role(user: User, school: School | int, allowed: frozenset[str]) -> bool:
    return bool(roles_at(user, school) & allowed)


def may(user: User, action: Action, obj: object) -> bool:
    """Whether the user's role at the object's school allows `action` on it (see the module
    docstring; reach to the object itself is the visible_* queryset's, in get_for_user). An
    LA's own action (LA_OWN_ACTIONS) asks only whether the user is an officer of the object's LA."""
    if action in LA_OWN_ACTIONS:
        la_id = la_id_of(obj)
        return la_id is not None and la_id in officer_las(user)
    school_id = school_id_of(obj)
    if school_id is None or not user.is_authenticated or not user.is_active:
        return False
    if action in LA_EHC_ACTIONS and la_id_of(obj) in officer_las(user):
        return True
    if action is Action.LOG_SESSIONS:
        provision = _provision_of(obj)
        if provision is not None and delivers_now(user, provision):
            return True
    roles = roles_at(user, school_id)
    if not roles & ALLOWED[action]:
        return False
    pupil_id = pupil_id_of(obj)
    if action in PUPIL_WRITES and pupil_id is not None and not roles & WHOLE_SCHOOL_ROLES:
        return reaches_as_staff(user, pupil_id)
    return True


def _user_of(who: HttpRequest | User) -> User:
    if isinstance(who, User):
        return who
    # The API authenticates into request.auth (and sets request.user to the same user).
    auth = getattr(who, "auth", None)
    return auth if isinstance(auth, User) else who.user  # type: ignore[return-value]


def get_for_user[M: Model](
    who: HttpRequest | User,
    queryset: QuerySet[M],
    pk: int,
    action: Action = Action.READ,
    *,
    refusal: str | None = None,
) -> M:
    """The object `pk` of a visible_*() queryset (it may add joins), else 404; then, unless
    `action` is READ (which the reach answers), 403 if the user may not do `action` to it."""
    # An id no row can have (out of a 64-bit key's range) is not found, like any other.
    obj = queryset.filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if obj is None:
        raise Http404(f"No such {queryset.model._meta.verbose_name}.")
    if action is not Action.READ and not may(_user_of(who), action, obj):
        raise PermissionDenied(refusal or REFUSALS[action])
    pupil_id = pupil_id_of(obj)
    if pupil_id is not None and isinstance(who, HttpRequest):
        reached: set[int] = getattr(who, REACHED_PUPILS, set())
        reached.add(pupil_id)
        setattr(who, REACHED_PUPILS, reached)
    return obj


def current_school(request: HttpRequest) -> School | None:
    """The school the user is working in: the one chosen in the switcher, else their first."""
    schools = staff_schools(_user_of(request))
    if not schools:
        return None
    chosen = request.session.get(SESSION_SCHOOL_KEY)
    for school in schools:
        if school.pk == chosen:
            return school
    return schools[0]


def current_school_for(request: HttpRequest, action: Action = Action.USE_STAFF_AREA) -> School:
    """The school the user works in, if their role there allows `action`; else 403 (without a
    staff role at a school, or with a role that may not)."""
    school = current_school(request)
    if school is None:
        raise PermissionDenied(REFUSALS[Action.USE_STAFF_AREA])
    if not may(_user_of(request), action, school):
        raise PermissionDenied(REFUSALS[action])
    return school


def current_la_for(
    request: HttpRequest, action: Action, chosen: str | None = None
) -> LocalAuthority:
    """The LA an officer works for (`chosen`, an id among theirs, else their first by name) if
    they may do `action` to it; else 403 (not an officer of any LA, or a role that may not)."""
    user = _user_of(request)
    las = sorted(
        (m.la for m in memberships(user) if m.role == Role.LA_OFFICER and m.la is not None),
        key=lambda la: la.name,
    )
    la = next((la for la in las if str(la.pk) == chosen), las[0] if las else None)
    if la is None or not may(user, action, la):
        raise PermissionDenied(REFUSALS[action])
    return la


def overview_scopes(user: User) -> list[LocalAuthority | Trust]:
    out: list[LocalAuthority | Trust] = []
    for m in memberships(user):
        if m.role == Role.LA_OFFICER and m.la is not None:
            out.append(m.la)
        elif m.role == Role.TRUST_OFFICER and m.trust is not None:
            out.append(m.trust)
    return out


def small_number_threshold(user: User, school: School | None = None) -> int:
    """Below which a count of pupils reads "fewer than N" for this user (accounts/disclosure.py):
    0, every figure exact, for a role that sees the school's named pupils (the SENCo, senior
    leaders); the setting for the figure-only roles (the governor, LA and trust officers), and
    on the overview (school None), which only LA and trust officers read."""
    if school is not None and may(user, Action.READ_NAMED, school):
        return 0
    return int(settings.SENDPATH_SMALL_NUMBER_THRESHOLD)


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


def get_provision_for_user(
    who: HttpRequest | User, pk: int, action: Action = Action.READ
) -> Provision:
    """A provision for the staff pages: get_for_user over visible_provisions, except that at a
    school where the user is staff but sees no named pupils (the governor, the DPO) it is a 403,
    not a 404: they read the provision map's figures instead."""
    user = _user_of(who)
    reached = Provision.objects.select_related("school").filter(
        pk__in=visible_provisions(user).values("pk")
    )
    try:
        return get_for_user(user, reached, pk, action)
    except Http404:
        school_id = Provision.objects.filter(pk=pk).values_list("school_id", flat=True).first()
        if (
            school_id is not None
            and has_role(user, school_id, STAFF_ROLES)
            and not has_role(user, school_id, NAMED_RECORD_ROLES)
        ):
            raise PermissionDenied(REFUSALS[Action.READ_NAMED]) from None
        raise


def require_installation_admin(request: HttpRequest) -> User:
    """The installation's administrator (an active superuser), or 403: adding local
    authorities, trusts and schools, and naming a school's first SENCo or administrator."""
    user = _user_of(request)
    if not (user.is_authenticated and user.is_active and user.is_superuser):
        raise PermissionDenied(INSTALLATION_REFUSAL)
    return user
