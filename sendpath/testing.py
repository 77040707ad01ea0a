"""A small world of schools and personas for tests, made with the real models (house style §7).

`World.build()` makes: one LA with two schools (Oak Primary and, for outsiders, Elm Primary) and a
trust holding Oak; at Oak a SENCo, a teacher (teaching class 5A with Amy and Ben), a TA assigned
to Ben only, a senior leader, an SEN governor, a DPO, an admin, Amy's parent; at Elm a SENCo (the
outsider) with pupil Cara; an LA officer and a trust officer. Amy is on SEN support (K) with a
primary need; Ben and Dan have no SEN; Dan is in no class.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, transaction
from django.utils import timezone

from accounts import schooldates
from accounts.models import LocalAuthority, Membership, Role, School, SchoolYear, Term, Trust, User
from pupils.models import (
    Contact,
    FamilyLink,
    Need,
    Pupil,
    PupilAssignment,
    RegisterEntry,
    TeachingGroup,
)
from pupils.seeding import SchoolSpec, SeedResult, local_authority
from pupils.upn import make_upn
from records.seeding import seed_specs

if TYPE_CHECKING:
    from support.services import ReviewInput

PASSWORD = "correct horse battery staple"  # noqa: S105 (test personas only)


def review_data(**overrides: Any) -> "ReviewInput":
    """A whole review meeting, as support.services.review_complete takes it (and as the API's body
    and Review's fields are): every answer a review needs, held today, with `overrides` on top.
    A test names only what it is about; a new review field is added here once."""
    review = {
        "held_on": timezone.localdate(),
        "is_it_working": "Mostly",
        "how_much_difference": "Reading up 6 months",
        "happening_as_planned": "Yes, 3 times a week",
        "child_reaction": "Keen",
        "child_thinks": "Likes the group",
        "overall_progress": "expected",
        "parent_attendance": "in_person",
        "decision": "continue",
    }
    return cast("ReviewInput", review | overrides)


@dataclass
class World:
    la: LocalAuthority
    trust: Trust
    oak: School
    elm: School
    users: dict[str, User] = field(default_factory=dict)
    pupils: dict[str, Pupil] = field(default_factory=dict)

    @property
    def amy(self) -> Pupil:
        return self.pupils["amy"]

    @property
    def ben(self) -> Pupil:
        return self.pupils["ben"]

    @property
    def cara(self) -> Pupil:
        return self.pupils["cara"]

    @property
    def dan(self) -> Pupil:
        return self.pupils["dan"]

    @classmethod
    def build(cls, today: date | None = None) -> "World":
        today = today or timezone.localdate()
        start_year = schooldates.school_year_start(today)
        ensure_builtin_catalogue()
        la = LocalAuthority.objects.create(code="820", name="Testshire")
        trust = Trust.objects.create(name="Acorn Learning Trust")
        oak = School.objects.create(
            urn="100001",
            la=la,
            establishment_number="2001",
            name="Oak Primary",
            phase="primary",
            trust=trust,
        )
        elm = School.objects.create(
            urn="100002", la=la, establishment_number="2002", name="Elm Primary", phase="primary"
        )
        world = cls(la=la, trust=trust, oak=oak, elm=elm)
        for school in (oak, elm):
            year = SchoolYear.objects.create(school=school, start_year=start_year)
            for t in schooldates.default_terms(start_year):
                Term.objects.create(
                    school_year=year, name=t.name, start_date=t.start, end_date=t.end
                )
        roles = {
            "senco": (Role.SENCO, oak),
            "teacher": (Role.TEACHER, oak),
            "ta": (Role.TEACHING_ASSISTANT, oak),
            "slt": (Role.SENIOR_LEADER, oak),
            "governor": (Role.SEN_GOVERNOR, oak),
            "dpo": (Role.DATA_PROTECTION_OFFICER, oak),
            "admin": (Role.ADMIN, oak),
            "parent": (Role.PARENT, oak),
            "outsider": (Role.SENCO, elm),
        }
        for name, (role, school) in roles.items():
            user = User.objects.create_user(
                name, f"{name}@example.org", PASSWORD, first_name=name.title()
            )
            Membership.objects.create(user=user, role=role, school=school)
            world.users[name] = user
        la_officer = User.objects.create_user("la_officer", "la@example.org", PASSWORD)
        Membership.objects.create(user=la_officer, role=Role.LA_OFFICER, la=la)
        trust_officer = User.objects.create_user("trust_officer", "trust@example.org", PASSWORD)
        Membership.objects.create(user=trust_officer, role=Role.TRUST_OFFICER, trust=trust)
        world.users["la_officer"] = la_officer
        world.users["trust_officer"] = trust_officer
        world.users["nobody"] = User.objects.create_user("nobody", "nobody@example.org", PASSWORD)

        dob = schooldates.birth_date_range("5", start_year)[0]
        for i, (key, forename, surname, school) in enumerate(
            [
                ("amy", "Amy", "Adams", oak),
                ("ben", "Ben", "Brown", oak),
                ("dan", "Dan", "Dale", oak),
                ("cara", "Cara", "Cole", elm),
            ],
            start=1,
        ):
            world.pupils[key] = Pupil.objects.create(
                school=school,
                upn=make_upn(la.code, school.establishment_number, 20, i),
                legal_forename=forename,
                legal_surname=surname,
                date_of_birth=dob,
                sex="F" if i % 2 else "M",
                nc_year="5",
            )
        year = oak.school_years.get(start_year=start_year)
        group = TeachingGroup.objects.create(school=oak, school_year=year, name="5A")
        group.teachers.add(world.users["teacher"])
        group.pupils.add(world.amy, world.ben)
        PupilAssignment.objects.create(
            pupil=world.ben, staff=world.users["ta"], start_date=date(start_year, 9, 1)
        )
        contact = Contact.objects.create(
            school=oak,
            forename="Pat",
            surname="Adams",
            email="parent@example.org",
            user=world.users["parent"],
        )
        FamilyLink.objects.create(pupil=world.amy, contact=contact, relationship="mother")
        RegisterEntry.objects.create(
            pupil=world.amy,
            provision="K",
            start_date=date(start_year, 9, 15),
            reason="Assessment showed a specific learning difficulty",
            decided_by=world.users["senco"],
        )
        Need.objects.create(
            pupil=world.amy, need_type="SPLD", rank=1, start_date=date(start_year, 9, 15)
        )
        return world


def ensure_builtin_catalogue() -> None:
    """The intervention catalogue is data from a migration. A transactional test (the browser
    tests) empties the database when it ends, and on SQLite pytest-django does not always restore
    it; every test world starts with the catalogue there."""
    from provision import catalogue
    from provision.models import Intervention

    if not Intervention.objects.filter(school__isnull=True).exists():
        catalogue.load(Intervention)


def seed_for_tests(specs: list[SchoolSpec], *, seed: int, today: date) -> SeedResult:
    """The seed generator as tests use it: with the built-in intervention catalogue there (a
    transactional test may have emptied it, and the generator's provision comes from it) and, on
    PostgreSQL, fresh planner statistics — without them PostgreSQL plans joins over the new rows
    as if the tables were empty (minutes for a LIMIT 50). Production runs autovacuum; the bench
    runs VACUUM ANALYZE."""
    ensure_builtin_catalogue()
    result = seed_specs(specs, seed=seed, today=today, la=local_authority("820"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result


def seeded_runs(
    seed: Callable[[int], SeedResult], rows: Callable[[list[int]], list[tuple[Any, ...]]]
) -> list[tuple[dict[str, int], list[tuple[Any, ...]]]]:
    """The counts and `rows` of the schools seeded with seeds 3, 3 and 4, each run rolled back:
    a determinism test expects the first two equal and the third different."""
    runs = []
    for n in (3, 3, 4):
        with transaction.atomic():
            result = seed(n)
            runs.append((result.counts(), rows(result.school_ids)))
            transaction.set_rollback(True)
    return runs


# The personas of the access matrices (tests/test_access_matrix.py for the pages,
# api/tests/test_api_matrix.py for the API), in their columns' order.
PERSONAS = [
    "senco",
    "teacher",
    "ta",
    "slt",
    "governor",
    "dpo",
    "admin",
    "parent",
    "outsider",
    "la_officer",
    "trust_officer",
    "nobody",
]


def add_support_records(w: World) -> None:
    """An open cycle with a plan for Amy, a concern, a document and passports."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from support import services

    senco, today = w.users["senco"], timezone.localdate()
    cycle = services.cycle_open(pupil=w.amy, opened_on=today, by=senco)
    services.plan_save(
        cycle=cycle,
        by=senco,
        data={"plan_date": today, "outcomes": "Reads for pleasure"},
        version=0,
    )
    services.concern_raise(
        pupil=w.amy, source="teacher", raised_on=today, area="CL", what_was_seen="x", by=senco
    )
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 test")
    services.attachment_add(pupil=w.amy, upload=pdf, cycle=cycle, by=senco)
    services.passport_save(pupil=w.amy, by=senco, data={"about_me": "Likes drawing"}, version=0)
