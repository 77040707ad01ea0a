"""The demo: one LA, a primary, a secondary and a special school, a trust holding the first two,
and a login for every role, all with one published password. Built once; later calls find the
demo primary by its URN and only return the logins."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet

from accounts import schooldates
from accounts.models import Membership, Phase, Role, School, Trust, User
from duties.seeding import seed_duties
from family.seeding import seed_family
from pupils.models import (
    Contact,
    FamilyLink,
    Need,
    Pupil,
    PupilAssignment,
    RegisterEntry,
    TeachingGroup,
)
from pupils.seeding import SchoolSpec, local_authority
from records.seeding import Seeder
from support.models import Cycle

# Published on purpose: it signs in to synthetic data on a developer's own machine.
DEMO_PASSWORD = "sendpath-demo"  # noqa: S105
DEMO_DOMAIN = "demo.sendpath"
DEMO_SEED = 820
DEMO_LA_CODE = "820"
# Outside the generator's URN range, so seeding before the demo cannot take them.
PRIMARY_URN, SECONDARY_URN, SPECIAL_URN = "158201", "158202", "158203"

# Every role, and the login name that plays it (username: name@demo.sendpath).
LOGINS: tuple[tuple[str, str], ...] = (
    (Role.SENCO, "senco"),
    (Role.TEACHER, "teacher"),
    (Role.TEACHING_ASSISTANT, "ta"),
    (Role.SENIOR_LEADER, "slt"),
    (Role.SEN_GOVERNOR, "governor"),
    (Role.DATA_PROTECTION_OFFICER, "dpo"),
    (Role.ADMIN, "admin"),
    (Role.PARENT, "parent"),
    (Role.LA_OFFICER, "la"),
    (Role.TRUST_OFFICER, "trust"),
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    name: str
    where: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def username(login: str) -> str:
    return f"{login}@{DEMO_DOMAIN}"


def demo_exists() -> bool:
    return School.objects.filter(urn=PRIMARY_URN).exists()


def build_demo(today: date) -> list[DemoLogin]:
    """Make the demo unless it exists; return its logins either way."""
    with transaction.atomic():
        if not demo_exists():
            _build(today)
    return demo_logins()


def demo_logins() -> list[DemoLogin]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[username(n) for _, n in LOGINS])
        .prefetch_related("memberships__school", "memberships__trust", "memberships__la")
        .order_by("pk")
    }
    out = []
    for role, name in LOGINS:
        user = users.get(username(name))
        if user is None:
            continue
        places = [str(m.scope) for m in user.memberships.all() if m.role == role]
        out.append(
            DemoLogin(role, user.username, DEMO_PASSWORD, user.get_full_name(), ", ".join(places))
        )
    return out


def _build(today: date) -> None:
    la = local_authority(DEMO_LA_CODE)  # Northshire
    trust = Trust.objects.create(
        name=f"{la.name} Learning Partnership", companies_house_number="09876543"
    )
    seeder = Seeder(seed=DEMO_SEED, today=today, la=la, years_of_history=3, through_imports=True)
    primary = seeder.seed_school(
        SchoolSpec(Phase.PRIMARY, 300, "Brookfield Primary School", PRIMARY_URN, trust)
    )
    secondary = seeder.seed_school(
        SchoolSpec(Phase.SECONDARY, 900, "Kingsmead Academy", SECONDARY_URN, trust)
    )
    seeder.seed_school(SchoolSpec(Phase.SPECIAL, 120, "Riverside School", SPECIAL_URN))

    password = make_password(DEMO_PASSWORD)
    group, child = _teacher_class_and_child(primary, today)
    at_primary = Membership.objects.filter(school=primary)
    senco = _claim(at_primary.filter(role=Role.SENCO), "senco", password)
    Membership.objects.create(user=senco, role=Role.SENCO, school=secondary)
    _claim(at_primary.filter(role=Role.TEACHER, user__teaching_groups=group), "teacher", password)
    ta = _claim(
        at_primary.filter(role=Role.TEACHING_ASSISTANT, user=_busiest_ta(primary, group)),
        "ta",
        password,
    )
    _assign_ta(ta, primary, group, child, today)
    for role, name, scope in (
        (Role.SENIOR_LEADER, "slt", {"school": primary}),
        (Role.SEN_GOVERNOR, "governor", {"school": primary}),
        (Role.DATA_PROTECTION_OFFICER, "dpo", {"school": primary}),
        (Role.ADMIN, "admin", {"school": primary}),
        (Role.LA_OFFICER, "la", {"la": la}),
        (Role.TRUST_OFFICER, "trust", {"trust": trust}),
    ):
        first, last = seeder.person(seeder.rng.choice("FM"))
        user = User.objects.create(
            username=username(name),
            email=username(name),
            first_name=first,
            last_name=last,
            password=password,
        )
        Membership.objects.create(user=user, role=role, **scope)
        if role == Role.LA_OFFICER:
            officer = user
    _parent(primary, child, password)
    _parents_request(child, senco, officer, today)
    seed_duties(primary, today)
    seed_family(la, primary, Pupil.objects.get(pk=child), senco, today)


def _parents_request(child: int, senco: User, officer: User, today: date) -> None:
    """The parent login's child: the parents asked for an EHC needs assessment 9 weeks ago and
    the LA agreed to assess within its 6 weeks, so the family page shows a 20-week clock running."""
    from pupils.models import Pupil
    from statutory import services as ehc_services

    pupil = Pupil.objects.select_related("school").get(pk=child)
    if pupil.ehc_requests.exists():
        return
    received = today - timedelta(weeks=9)
    ehc = ehc_services.ehc_request_create(pupil=pupil, by=senco, source="1", received_date=received)
    ehc_services.ehc_request_update(
        ehc_request=ehc, by=officer, decision="Y", decision_date=received + timedelta(weeks=5)
    )


def _claim(memberships: QuerySet[Membership], name: str, password: str) -> User:
    """Turn a generated staff member into a demo login (keeping their classes and history)."""
    membership = memberships.select_related("user").order_by("pk").first()
    if membership is None:
        raise RuntimeError(f"The demo has no generated staff member to become {name}.")
    user = membership.user
    user.username = user.email = username(name)
    user.password = password
    user.save(update_fields=["username", "email", "password"])
    return user


def _teacher_class_and_child(school: School, today: date) -> tuple[TeachingGroup, int]:
    """A class with at least two pupils on SEN support and one with no SEN, and in it the
    pupil on SEN support with the longest history whose first contact is a parent of no other
    pupil (the parent login sees exactly one child)."""
    provision = dict(
        RegisterEntry.objects.filter(pupil__school=school, end_date__isnull=True).values_list(
            "pupil_id", "provision"
        )
    )
    entries = Counter(
        RegisterEntry.objects.filter(pupil__school=school).values_list("pupil_id", flat=True)
    )
    with_need = set(
        Need.objects.filter(pupil__school=school, rank=1, end_date__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    candidates = _only_children_with_a_parent(school) & with_need & _with_a_support_history(school)
    best: tuple[int, int, int] | None = None
    for group_id, pupils in _class_lists(school, today).items():
        support = [p for p in pupils if provision.get(p) == "K"]
        if len(support) < 2 or all(provision.get(p, "N") != "N" for p in pupils):
            continue
        for pupil in support:
            if pupil in candidates and (best is None or entries[pupil] > best[0]):
                best = (entries[pupil], group_id, pupil)
    if best is None:
        raise RuntimeError("No class in the demo primary suits the teacher and parent logins.")
    return TeachingGroup.objects.get(pk=best[1]), best[2]


def _with_a_support_history(school: School) -> set[int]:
    """Pupils with a current cycle planned with targets, and an earlier cycle reviewed."""
    cycles = Cycle.objects.filter(pupil__school=school)
    planned = cycles.filter(closed_on__isnull=True, plan__targets__isnull=False)
    reviewed = cycles.filter(closed_on__isnull=False, review__isnull=False)
    return set(planned.values_list("pupil_id", flat=True)) & set(
        reviewed.values_list("pupil_id", flat=True)
    )


def _only_children_with_a_parent(school: School) -> set[int]:
    """Pupils whose first contact is a mother, father or parent of no other pupil."""
    links = FamilyLink.objects.filter(pupil__school=school)
    children_of = Counter(links.values_list("contact_id", flat=True))
    return {
        pupil
        for pupil, contact, relationship in links.filter(contact_priority=1).values_list(
            "pupil_id", "contact_id", "relationship"
        )
        if relationship in ("mother", "father", "parent") and children_of[contact] == 1
    }


def _class_lists(school: School, today: date) -> dict[int, list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    rows = TeachingGroup.pupils.through.objects.filter(
        teachinggroup__school=school,
        teachinggroup__school_year__start_year=schooldates.school_year_start(today),
    ).order_by("teachinggroup__name", "pupil_id")
    for group_id, pupil_id in rows.values_list("teachinggroup_id", "pupil_id"):
        members[group_id].append(pupil_id)
    return members


def _busiest_ta(school: School, group: TeachingGroup) -> int:
    """The TA with most open assignments in the class (else in the school)."""
    open_ = PupilAssignment.objects.filter(
        pupil__school=school,
        end_date__isnull=True,
        staff__memberships__role=Role.TEACHING_ASSISTANT,
        staff__memberships__school=school,
    )
    for scope in (open_.filter(pupil__teaching_groups=group), open_):
        counts = Counter(scope.order_by("staff_id").values_list("staff_id", flat=True))
        if counts:
            return counts.most_common(1)[0][0]
    membership = Membership.objects.filter(school=school, role=Role.TEACHING_ASSISTANT).first()
    if membership is None:
        raise RuntimeError("The demo primary has no teaching assistant.")
    return membership.user_id


def _assign_ta(ta: User, school: School, group: TeachingGroup, child: int, today: date) -> None:
    """Give the TA at least four pupils on the register, the parent's child first."""
    assigned = set(
        PupilAssignment.objects.filter(staff=ta, end_date__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    on_register = RegisterEntry.objects.filter(
        end_date__isnull=True, provision__in=("K", "E"), pupil__school=school
    ).order_by("pupil_id")
    in_class = list(
        on_register.filter(pupil__teaching_groups=group).values_list("pupil_id", flat=True)
    )
    elsewhere = list(on_register.values_list("pupil_id", flat=True))
    start = max(date(schooldates.school_year_start(today), 9, 1), today.replace(day=1))
    for pupil_id in [child, *in_class, *elsewhere]:
        if len(assigned) >= 4:
            break
        if pupil_id not in assigned:
            PupilAssignment.objects.create(
                pupil_id=pupil_id,
                staff=ta,
                start_date=min(start, today),
                purpose="In-class support",
            )
            assigned.add(pupil_id)


def _parent(school: School, child: int, password: str) -> None:
    contact = Contact.objects.get(family_links__pupil_id=child, family_links__contact_priority=1)
    user = User.objects.create(
        username=username("parent"),
        email=username("parent"),
        first_name=contact.forename,
        last_name=contact.surname,
        password=password,
    )
    Membership.objects.create(user=user, role=Role.PARENT, school=school)
    contact.user = user
    contact.email = user.email
    contact.save(update_fields=["user", "email"])
