"""Synthetic English schools for demos, load tests and screenshots.

Deterministic: one `random.Random(seed)` and a seeded `Faker("en_GB")` decide everything, so the
same seed into the same database state gives the same schools, names, UPNs and histories.
Realistic: SEN prevalence, the boys' share and the need mix follow the national statistics in
../shared/reference/standards.md §4. Fast: rows are built in memory and written with
`bulk_create`, a handful of queries per school and none per row. Nothing here happened, so nothing
is audited; staff share one precomputed password hash.
"""

import random
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate, takewhile
from math import ceil

from django.contrib.auth.hashers import make_password
from django.db.models.functions import Substr
from faker import Faker

from accounts import schooldates
from accounts.models import (
    ClosureDay,
    ClosureKind,
    LocalAuthority,
    Membership,
    Phase,
    Role,
    School,
    SchoolYear,
    Term,
    Trust,
    User,
)
from pupils import census
from pupils.models import (
    Contact,
    FamilyLink,
    GroupKind,
    Need,
    NotificationMethod,
    Pupil,
    PupilAssignment,
    RegisterEntry,
    Relationship,
    TeachingGroup,
)
from pupils.upn import make_upn
from support import rules

BATCH = 2000
DAY = timedelta(days=1)

# --- Facts and rates (standards.md §4) ------------------------------------------------------

# Ten schools in turn: 7 primary, 2 secondary, 1 special.
PHASE_CYCLE = ("primary", "secondary", "primary", "primary", "special") + (
    ("primary", "primary", "secondary", "primary", "primary")
)
NC_YEARS: dict[str, tuple[str, ...]] = {
    Phase.PRIMARY: ("R", "1", "2", "3", "4", "5", "6"),
    Phase.SECONDARY: ("7", "8", "9", "10", "11"),
    Phase.SPECIAL: ("R", *(str(n) for n in range(1, 14))),
}
TAS_PER_CLASS: dict[str, int] = {Phase.PRIMARY: 1, Phase.SPECIAL: 2}
CLASS_SIZE: dict[str, int] = {Phase.PRIMARY: 30, Phase.SECONDARY: 28, Phase.SPECIAL: 10}
ESTABLISHMENT_RANGE: dict[str, range] = {
    Phase.PRIMARY: range(2001, 3000),
    Phase.SECONDARY: range(4001, 5000),
    Phase.SPECIAL: range(7001, 8000),
}
URN_RANGE = range(100000, 150000)  # the demo's fixed URNs lie outside it

# (SEN support, EHC plan) shares by phase. Mainstream: primary 18.2% and secondary 16.5% with any
# SEN (2024/25), ~3-4% with a plan; special schools are almost all EHC plans.
SEN_RATES: dict[str, tuple[float, float]] = {
    Phase.PRIMARY: (0.145, 0.037),
    Phase.SECONDARY: (0.133, 0.032),
    Phase.SPECIAL: (0.02, 0.98),
}
# Identification rises through primary (prevalence peaks about age 9); support eases in secondary.
YEAR_WEIGHT_K = {"R": 0.55, "1": 0.8, "2": 1.0, "3": 1.1, "4": 1.2, "5": 1.2, "6": 1.15}
YEAR_WEIGHT_K |= {"7": 1.1, "8": 1.05, "9": 1.0, "10": 0.95, "11": 0.9}
YEAR_WEIGHT_E = {"R": 0.5, "1": 0.75, "2": 0.95, "3": 1.05, "4": 1.2, "5": 1.25, "6": 1.3}
BOYS = {"E": 0.71, "K": 0.61}  # boys' share of EHC plans and of SEN support
ALL_BOYS = 0.51
FSM = {"N": 0.222, "K": 0.393, "E": 0.438}
LOOKED_AFTER = {"N": 0.004, "K": 0.02, "E": 0.03}
EAL: dict[str, float] = {Phase.PRIMARY: 0.22, Phase.SECONDARY: 0.18, Phase.SPECIAL: 0.14}
SIBLINGS: dict[str, float] = {Phase.PRIMARY: 0.15, Phase.SECONDARY: 0.10, Phase.SPECIAL: 0.03}
ABSENCE_MEAN = {"N": 5.5, "K": 8.5, "E": 10.0}  # percentage of sessions missed

# EHC primary-need mix, standards.md §4.2 (4-10 for primary, 11-15 for secondary, special total);
# Down syndrome (a 2025 code) only rarely.
EHC_MIX: dict[str, dict[str, float]] = {
    Phase.PRIMARY: dict(ASD=32.7, SLCN=33.6, SEMH=13.0, MLD=7.0, SLD=2.9, PD=3.7, SPLD=1.3,
                        PMLD=1.4, HI=1.3, OTH=1.1, VI=0.7, MSI=0.3, DS=0.3),
    Phase.SECONDARY: dict(ASD=31.3, SLCN=15.0, SEMH=25.6, MLD=12.3, SLD=3.9, PD=3.5, SPLD=3.0,
                          PMLD=1.1, HI=1.3, OTH=1.2, VI=0.8, MSI=0.2, DS=0.3),
    Phase.SPECIAL: dict(ASD=36.5, SLCN=17.3, SEMH=16.0, MLD=10.1, SLD=8.0, PD=4.1, SPLD=1.4,
                        PMLD=3.2, HI=1.0, OTH=1.2, VI=0.6, MSI=0.4, DS=0.5),
}  # fmt: skip
# SEN-support mix: led by SLCN in primary; SEMH, SpLD and MLD rise in secondary (§4.1).
SUPPORT_MIX: dict[str, dict[str, float]] = {
    Phase.PRIMARY: dict(SLCN=30, SEMH=17, MLD=15, SPLD=12, ASD=10, OTH=3, NSA=3, PD=2, HI=1.5,
                        VI=1, SLD=0.5, MSI=0.2, PMLD=0.1, DS=0.1),
    Phase.SECONDARY: dict(SEMH=24, SPLD=20, MLD=18, SLCN=12, ASD=12, OTH=4, NSA=3, PD=2, HI=1.5,
                          VI=1, SLD=0.5, MSI=0.2, PMLD=0.1, DS=0.1),
    Phase.SPECIAL: dict(MLD=30, SLCN=20, SEMH=20, ASD=15, SPLD=5, OTH=5, NSA=3, PD=2),
}  # fmt: skip
SECOND_NEED_SHARE = 0.3

# Home languages of EAL pupils (a rough school-census order) with names to match. One pupil in
# four with EAL keeps an en_GB name.
LANGUAGES: dict[str, tuple[float, str, str, str]] = {
    "Polish": (12, "Zofia Maja Lena Julia Hanna Alicja Oliwia Wiktoria",
               "Jakub Jan Antoni Szymon Filip Kacper Mateusz Wojciech",
               "Nowak Wójcik Kowalczyk Mazur Krawczyk Kaczmarek Zając Król"),
    "Urdu": (10, "Aisha Fatima Maryam Hafsa Zainab Amna Khadija Hira",
             "Muhammad Ali Hassan Ibrahim Zain Ayaan Hamza Yusuf",
             "Khan Hussain Ahmed Iqbal Butt Malik Raja Akhtar"),
    "Romanian": (9, "Ioana Maria Elena Andreea Alexandra Bianca Denisa Ana",
                 "Andrei Alexandru Ștefan Mihai Gabriel David Luca Matei",
                 "Popescu Ionescu Popa Constantin Stan Dumitru Munteanu Moldovan"),
    "Panjabi": (7, "Simran Harleen Jasleen Gurleen Amrit Navneet Manpreet Kiran",
                "Arjun Gurpreet Harjot Jaskaran Ranveer Sukhdeep Manveer Amandeep",
                "Sandhu Gill Dhillon Sidhu Bains Johal Sangha Grewal"),
    "Bengali": (7, "Ayesha Nusrat Sadia Tasnim Sumaiya Farzana Anika Raisa",
                "Rahim Tanvir Arif Sakib Rayhan Imran Shahid Nabil",
                "Rahman Miah Uddin Islam Hossain Chowdhury Ali Ahmed"),
    "Arabic": (7, "Layla Noor Yasmin Salma Huda Rania Mariam Lina",
               "Omar Ahmed Khalid Youssef Karim Adam Mahmoud Tariq",
               "Hassan Ibrahim Abdullah Saleh Mansour Haddad Nasser Khalil"),
    "Portuguese": (5, "Beatriz Inês Leonor Matilde Carolina Mariana Sofia Laura",
                   "Santiago Tomás Rodrigo Gabriel Duarte Miguel Afonso Lucas",
                   "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins"),
    "Somali": (4, "Hodan Ayan Fadumo Hibo Nimco Sahra Ifrah Deeqa",
               "Abdirahman Mohamed Abdi Ahmed Hassan Bashir Liban Ayub",
               "Farah Warsame Abdi Ali Hassan Jama Osman Yusuf"),
    "Spanish": (3, "Lucía Sofía Martina Paula Valeria Carmen Daniela Elena",
                "Hugo Mateo Martín Pablo Álvaro Diego Javier Sergio",
                "García Fernández López Martínez Sánchez Pérez Gómez Ruiz"),
    "Gujarati": (3, "Diya Anaya Riya Kavya Isha Priya Nisha Tara",
                 "Aarav Vihaan Dev Krish Rohan Neel Jay Yash",
                 "Patel Shah Mistry Desai Parmar Joshi Solanki Modi"),
    "Tamil": (2, "Kaviya Nila Meera Divya Anjali Lakshmi Shalini Yazhini",
              "Arun Karthik Vishnu Pranav Surya Aadhav Kavin Nithin",
              "Sivakumar Rajan Krishnan Selvam Murugan Pillai Balan Arumugam"),
    "Turkish": (2, "Elif Zeynep Ecem Defne Ayşe Eylül Nehir Azra",
                "Emir Yusuf Mert Can Kerem Arda Ömer Efe",
                "Yılmaz Kaya Demir Şahin Çelik Yıldız Aydın Öztürk"),
}  # fmt: skip
# Children's forenames: popular names for babies born in England and Wales 2010-2021 (ONS). Faker's
# en_GB forenames are a generation older and go to staff and parents (and some pupils).
CHILD_FEMALE = (  # noqa: SIM905 (a word list reads best as words)
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily "
    "Ella Poppy Evie Elsie Charlotte Evelyn Sienna Sofia Daisy Phoebe Sophie Alice Harper Matilda "
    "Ruby Emilia Maya Millie Isabelle Eva Luna Jessica Ellie Aria Esme Chloe Layla Scarlett Erin "
    "Maisie Lola Imogen Eliza Mila Thea Violet Harriet Lucy Holly Molly Georgia Darcie Zara Hannah"
).split()
CHILD_MALE = (  # noqa: SIM905 (a word list reads best as words)
    "Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry Freddie "
    "Alfie Theo William Archie Joshua Alexander James Isaac Edward Lucas Tommy Finley Max Logan "
    "Ethan Teddy Benjamin Arlo Joseph Sebastian Harrison Elijah Adam Daniel Samuel Louie Mason "
    "Reuben Rory Hugo Luca Zachary Reggie Louis Dylan Jude Frankie Roman Toby Riley Ronnie Stanley"
).split()
NICKNAMES = dict(Alexander="Alex", Thomas="Tom", William="Will", Elizabeth="Beth", Daniel="Dan",
                 Rebecca="Becky", Christopher="Chris", Benjamin="Ben", Samuel="Sam", Joshua="Josh",
                 Katherine="Kate", Jessica="Jess", Matthew="Matt", Nicholas="Nick", Abigail="Abi",
                 Jonathan="Jon", Victoria="Tori", Margaret="Maggie", Oliver="Olly", Charlotte="Lottie")  # fmt: skip

PLACE_HEADS = (  # noqa: SIM905 (a word list reads best as words)
    "Ash Oak Elm Birch Beech Brook Mill Kings Queens Church Long High Nether Upper Wood Haw Thorn "
    "Brad Stan Hart Hay Fern Broad Stone Mead Red White Black Green Nor Sut West East Win Hol Bram "
    "Cal Dun Fair Mar Rad Shel Sil Ald Ather Bex Char Cran Elles Lang Moor Pen Rush Whit"
).split()
PLACE_TAILS = (  # noqa: SIM905 (a word list reads best as words)
    "field ley ton bury ford wood brook hurst mead well thorpe by combe dale holme ham wick stead "
    "gate bridge more worth don"
).split()
SAINTS = (  # noqa: SIM905 (a word list reads best as words)
    "Mary John Peter Paul Andrew Anne Joseph Michael Margaret Thomas Bede Chad Hilda Aidan "
    "Cuthbert Edmund Luke Mark Nicholas Augustine Teresa Francis Wilfrid Oswald"
).split()
SCHOOL_NAMES: dict[str, list[str]] = {
    Phase.PRIMARY: ["{p} Primary School"] * 5 + ["{p} Community Primary School"] * 2
    + ["{p} Primary Academy"] * 2 + ["{p} Infant and Junior School", "St {s}'s CofE Primary School",
    "St {s}'s Catholic Primary School"],
    Phase.SECONDARY: ["{p} Academy"] * 3 + ["{p} High School"] * 3 + ["{p} School"] * 2
    + ["{p} Community College", "St {s}'s Catholic High School"],
    Phase.SPECIAL: ["{p} School", "{p} Park School", "{p} House School", "{p} Academy"],
}  # fmt: skip
TRUST_NAMES = ["{p} Learning Trust", "{p} Academies Trust", "{p} Education Partnership",
               "St {s} Catholic Academy Trust"]  # fmt: skip
CLASS_TREES = (  # noqa: SIM905 (a word list reads best as words)
    "Willow Rowan Hazel Maple Cedar Aspen Holly Juniper Alder Larch Hawthorn Sycamore Chestnut "
    "Poplar Yew Elder Linden Spruce Cherry Magnolia"
).split()

NEED_NOTES: dict[str, str] = {
    "SPLD": "Decoding and spelling well below peers despite phonics catch-up; benefits from "
    "coloured overlays, spelling lists and extra time.",
    "MLD": "Learns slowly across the curriculum; needs tasks broken into small steps, "
    "overlearning and concrete apparatus in maths.",
    "SLD": "Significant cognitive needs; communicates with Makaton and symbols and needs adult "
    "support for self-care.",
    "PMLD": "Profound and multiple needs; communicates through sounds, eye pointing and switches; "
    "full personal care.",
    "SEMH": "Finds it hard to regulate big feelings, especially at transitions; uses a calm space "
    "and a trusted adult check-in.",
    "SLCN": "Difficulty understanding longer instructions and finding words; speech and language "
    "therapy programme in place.",
    "HI": "Moderate hearing loss; wears hearing aids and needs to sit facing the teacher, with a "
    "radio aid in class.",
    "VI": "Visual impairment; needs enlarged print (N24), good lighting and time to move around.",
    "MSI": "Combined sight and hearing loss; needs a consistent intervenor and tactile cues.",
    "PD": "Physical disability affecting mobility and fine motor skills; uses a laptop for "
    "longer writing.",
    "ASD": "Autistic; needs a visual timetable, warning before changes and a quiet space to "
    "regulate; sensitive to noise.",
    "OTH": "Medical condition affecting attendance and stamina; individual healthcare plan "
    "in place.",
    "NSA": "Needs support beyond ordinary provision; specialist assessment not yet carried out.",
    "DS": "Down syndrome; strong visual learner, needs signing support and a differentiated "
    "curriculum.",
}
SUPPORT_PURPOSES: dict[str, tuple[str, ...]] = {
    "CI": ("Speech and language programme", "Lego therapy group", "Social communication group"),
    "CL": ("Precision teaching for reading", "Small-group phonics", "Maths catch-up (1:1)"),
    "SEMH": ("Emotional literacy (ELSA) sessions", "Morning check-in", "Zones of Regulation"),
    "SP": ("Fine motor skills group", "Mobility and personal care", "Sensory circuit"),
    "NA": ("In-class support", "Morning check-in", "Small-group support"),
}
PLACED_REASONS = (
    "Little progress over two terms despite quality-first teaching and a catch-up group. "
    "Primary need: {need}.",
    "Assessment through the graduated approach shows needs additional to and different from "
    "ordinary classroom provision. Primary need: {need}.",
    "Concerns raised by the class teacher and parents; observation and screening followed. "
    "Primary need: {need}.",
    "Joined with information from the previous school; SEN support continues here. "
    "Primary need: {need}.",
)
EHC_REASONS = (
    "EHC plan issued by {la} following a statutory assessment the school requested. "
    "Primary need: {need}.",
    "EHC plan issued by {la} after a parental request for assessment. Primary need: {need}.",
    "Joined with an EHC plan maintained by {la}. Primary need: {need}.",
)
REMOVED_REASONS = (
    "Targets met at two successive reviews and needs now met through ordinary provision; "
    "parents agreed at the review.",
    "Progress now in line with peers; the class teacher keeps monitoring.",
)
READDED_REASONS = (
    "Returned to SEN support: progress slowed again after removal. Primary need: {need}.",
)
CEASED_REASONS = ("EHC plan ceased by {la} at annual review; needs now met through SEN support.",)
INFORMED_HOW = {
    NotificationMethod.MEETING: 45,
    NotificationMethod.PHONE: 20,
    NotificationMethod.LETTER: 15,
    NotificationMethod.EMAIL: 15,
    NotificationMethod.APP: 5,
}


@dataclass
class SeedResult:
    schools: int = 0
    trusts: int = 0
    school_years: int = 0
    terms: int = 0
    teaching_groups: int = 0
    users: int = 0
    memberships: int = 0
    pupils: int = 0
    contacts: int = 0
    family_links: int = 0
    register_entries: int = 0
    needs: int = 0
    assignments: int = 0
    # The graduated approach (support/seeding.py) and provision (provision/seeding.py).
    concerns: int = 0
    cycles: int = 0
    assessment_views: int = 0
    plans: int = 0
    targets: int = 0
    do_notes: int = 0
    reviews: int = 0
    target_ratings: int = 0
    staff_roles: int = 0
    provisions: int = 0
    provision_targets: int = 0
    enrolments: int = 0
    sessions: int = 0
    attendance_marks: int = 0
    measures: int = 0
    budgets: int = 0
    top_ups: int = 0
    spending_lines: int = 0
    # EHC casework (statutory/seeding.py).
    ehc_requests: int = 0
    reg_exceptions: int = 0
    ehc_plans: int = 0
    annual_reviews: int = 0
    review_invitations: int = 0
    plan_versions: int = 0
    phase_transfers: int = 0
    # Specialists involved after reviews of little progress (statutory/seeding.py).
    specialist_involvements: int = 0
    # Attainment (attainment/seeding.py).
    subjects: int = 0
    assessment_points: int = 0
    school_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "school_ids"}


@dataclass
class SeedPupil:
    """A seeded pupil with what the history needs: register entries (oldest first), needs, the
    class teacher, the class TAs and the name of the first contact."""

    pupil: Pupil
    entries: list[RegisterEntry]
    needs: list[Need]
    teacher: User
    tas: list[User]
    parent: str


@dataclass
class SeedSchool:
    """A seeded school, already written: its terms (every seeded school year, in order), staff
    users, pupils, today and the random stream the history is drawn from."""

    school: School
    terms: list[rules.Term]
    senco: User
    teachers: list[User]
    tas: list[User]
    pupils: list[SeedPupil]
    today: date
    rng: random.Random
    closed: frozenset[date] = frozenset()  # half-terms, training days, bank holidays


@dataclass
class Roll:
    """A school's roll as the generator drew it, not yet written: what its MIS would hold (pupils,
    their families, SEN histories and classes). `families[i]` and `groups_of[i]` are pupil i's
    contacts (contact, relationship, parental responsibility, lives with the pupil), in priority
    order, and the index of their class in `groups`. Siblings share Contact objects."""

    school: School
    senco: User
    pupils: list[Pupil]
    families: list[list[tuple[Contact, str, bool, bool]]]
    languages: list[str]  # each pupil's home language ("English" for none other)
    entries: list[RegisterEntry]
    needs: list[Need]
    groups: list[TeachingGroup]
    teachers: list[User]  # each group's teacher
    groups_of: list[int]
    today: date
    history_start: date

    @property
    def contacts(self) -> list[Contact]:
        """Each contact once, in the order first met."""
        return list({id(c): c for family in self.families for c, *_ in family}.values())


@dataclass(frozen=True)
class SchoolSpec:
    """One school to make. Blank name or URN: the generator chooses."""

    phase: str
    pupils: int
    name: str = ""
    urn: str = ""
    trust: Trust | None = None


def local_authority(code: str) -> LocalAuthority:
    """The LA with this code, made with a fictional name if missing (820 is Northshire)."""
    if not (len(code) == 3 and code.isdigit()):
        raise ValueError("An LA code is 3 digits.")
    name = "Northshire" if code == "820" else f"{PLACE_HEADS[int(code) % len(PLACE_HEADS)]}shire"
    return LocalAuthority.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_trusts(rng: random.Random, schools: int) -> list[Trust]:
    if schools < 3:
        return []
    trusts = [
        Trust(
            name=_fill(rng, rng.choice(TRUST_NAMES)),
            companies_house_number=f"{rng.randint(7_000_000, 13_999_999):08d}",
        )
        for _ in range(max(1, schools // 10))
    ]
    return Trust.objects.bulk_create(trusts)


def _fill(rng: random.Random, template: str) -> str:
    place = rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS)
    return template.format(p=place, s=rng.choice(SAINTS))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _weighted(weights: dict[str, float]) -> tuple[list[str], list[float]]:
    return list(weights), list(accumulate(weights.values()))


@dataclass
class _Staff:
    user: User
    title: str

    @property
    def label(self) -> str:
        return f"{self.title} {self.user.first_name[0]} {self.user.last_name}"


@dataclass
class _Family:
    surname: str
    language: str
    fsm: bool
    cared_for: bool
    contacts: list[tuple[Contact, str, bool, bool]] = field(default_factory=list)
    nc_years: list[str] = field(default_factory=list)


@dataclass
class _Child:
    pupil: Pupil
    status: str  # the current provision: N, K or E
    group: int
    family: _Family


class Seeder:
    """Holds the random state and what is already in the database, read once."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        la: LocalAuthority,
        years_of_history: int = 3,
        staff_password: str | None = None,
    ) -> None:
        if years_of_history < 1:
            raise ValueError("years_of_history must be at least 1")
        self.seed = seed
        self.rng = random.Random(seed)
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        # Pools drawn from Faker once: calling it per row costs ~40 µs a surname.
        self.female = [fake.first_name_female() for _ in range(300)]
        self.male = [fake.first_name_male() for _ in range(300)]
        self.surnames = [fake.last_name() for _ in range(800)]
        self.languages = _weighted({k: v[0] for k, v in LANGUAGES.items()})
        self.today = today
        self.start_year = schooldates.school_year_start(today)
        self.history_start = date(self.start_year - years_of_history + 1, 9, 1)
        self.years_of_history = years_of_history
        self.la = la
        self.password = make_password(staff_password)
        self.result = SeedResult()
        self.used_urns = set(School.objects.values_list("urn", flat=True))
        self.used_estabs = set(
            School.objects.filter(la=la).values_list("establishment_number", flat=True)
        )
        self.used_names = set(School.objects.values_list("name", flat=True))
        self.mixes = {
            (kind, phase): _weighted(mix[phase])
            for kind, mix in (("E", EHC_MIX), ("K", SUPPORT_MIX))
            for phase in mix
        }

    # -- people ----------------------------------------------------------------------------
    def person(self, sex: str, language: str = "English", child: bool = False) -> tuple[str, str]:
        rng = self.rng
        if language in LANGUAGES and rng.random() < 0.75:
            _, female, male, surnames = LANGUAGES[language]
            return rng.choice((female if sex == "F" else male).split()), rng.choice(
                surnames.split()
            )
        if child and rng.random() < 0.9:
            forenames = CHILD_FEMALE if sex == "F" else CHILD_MALE
        else:
            forenames = self.female if sex == "F" else self.male
        return rng.choice(forenames), rng.choice(self.surnames)

    def language(self, phase: str) -> str:
        if self.rng.random() >= EAL[phase]:
            return "English"
        names, cum = self.languages
        return self.rng.choices(names, cum_weights=cum)[0]

    def title(self, sex: str) -> str:
        rng = self.rng
        if rng.random() < 0.02:
            return "Dr"
        if sex == "M":
            return "Mr"
        return rng.choices(("Mrs", "Ms", "Miss"), weights=(55, 30, 15))[0]

    def need(self, kind: str, phase: str, exclude: tuple[str, ...] = ()) -> str:
        names, cum = self.mixes[(kind, phase)]
        for _ in range(20):
            code = self.rng.choices(names, cum_weights=cum)[0]
            if code not in exclude:
                return code
        return next(c for c in ("SLCN", "SEMH", "MLD", "ASD") if c not in exclude)

    # -- schools ---------------------------------------------------------------------------
    def seed_school(self, spec: SchoolSpec) -> School:
        school = School.objects.create(
            urn=spec.urn or self._urn(),
            la=self.la,
            establishment_number=self._establishment_number(spec.phase),
            name=spec.name or self._school_name(spec.phase),
            phase=spec.phase,
            trust=spec.trust,
        )
        self.used_urns.add(school.urn)
        self.used_names.add(school.name)
        seeded = _SchoolBuilder(self, school).build(spec.pupils)
        self.result.schools += 1
        self.result.school_ids.append(school.pk)
        self.school_seeded(seeded)
        return school

    def write_roll(self, roll: Roll) -> None:
        """Write a school's roll (pupils, families, registers, classes) straight to the tables.
        The orchestrator (records/seeding.py) can bring it in through the CTF and class-list
        imports a new school uses instead (records/roll.py)."""
        write_roll_directly(roll)

    def school_seeded(self, school: SeedSchool) -> None:
        """Called once a school's staff, pupils and registers are written. pupils' seeder stops
        there; the orchestrator (records/seeding.py) adds the support and provision history."""

    def _urn(self) -> str:
        for _ in range(10_000):
            urn = str(self.rng.choice(URN_RANGE))
            if urn not in self.used_urns:
                return urn
        raise RuntimeError("No free URN left in the synthetic range.")

    def _establishment_number(self, phase: str) -> str:
        free = [n for n in ESTABLISHMENT_RANGE[phase] if f"{n:04d}" not in self.used_estabs]
        if not free:
            raise RuntimeError(f"No free {phase} establishment number left in LA {self.la.code}.")
        number = f"{self.rng.choice(free[:50]):04d}"  # low numbers first, with some scatter
        self.used_estabs.add(number)
        return number

    def _school_name(self, phase: str) -> str:
        name = ""
        for _ in range(50):
            name = _fill(self.rng, self.rng.choice(SCHOOL_NAMES[phase]))
            if name not in self.used_names:
                break
        return name


class _SchoolBuilder:
    """Builds one school's rows in memory, then writes them in foreign-key order."""

    def __init__(self, seeder: Seeder, school: School) -> None:
        self.s = seeder
        self.rng = seeder.rng
        self.school = school
        self.phase = school.phase
        self.start_year = seeder.start_year
        self.today = seeder.today
        self.staff: list[_Staff] = []
        self.memberships: list[Membership] = []
        self.groups: list[TeachingGroup] = []
        self.group_teachers: list[_Staff] = []
        self.group_tas: list[list[_Staff]] = []
        self.tas: list[_Staff] = []
        self.children: list[_Child] = []
        self.families: list[_Family] = []
        self.entries: list[RegisterEntry] = []
        self.needs: list[Need] = []
        self.assignments: list[PupilAssignment] = []
        self.next_serial: dict[int, int] = {}
        self.taken_serials = self._taken_serials()

    def build(self, pupils: int) -> SeedSchool:
        years = self._school_years()
        self.senco = self._staff_member(Role.SENCO, female_share=0.85)
        self.former_senco = f"{self.s.title('F')} {self.rng.choice('ABCDEFGHJKLMPRST')} " + (
            f"{self.rng.choice(self.s.surnames)} (SENCo)"
        )
        self._groups(years[0], pupils)
        self._pupils(pupils)
        for child in self.children:
            self._history(child)
        self._save()
        return self._seeded()

    # -- structure -------------------------------------------------------------------------
    def _taken_serials(self) -> set[tuple[int, int]]:
        """Serials already used in UPNs for this LA and establishment (pupils keep their UPN
        when they move, so another school's pupils may carry them)."""
        prefix = f"{self.school.la.code}{self.school.establishment_number}"
        upns = (
            Pupil.objects.annotate(head=Substr("upn", 2, 7))
            .filter(head=prefix)
            .values_list("upn", flat=True)
        )
        return {(int(u[8:10]), int(u[10:13])) for u in upns if u[8:13].isdigit()}

    def _school_years(self) -> list[SchoolYear]:
        years = SchoolYear.objects.bulk_create(
            [
                SchoolYear(school=self.school, start_year=self.start_year - i)
                for i in range(self.s.years_of_history)
            ]
        )
        terms = [
            Term(
                school_year=year,
                name=t.name,
                start_date=t.start,
                end_date=t.end,
                half_term_start=t.half_term_start,
                half_term_end=t.half_term_end,
            )
            for year in years
            for t in schooldates.default_terms(year.start_year)
        ]
        Term.objects.bulk_create(terms)
        ClosureDay.objects.bulk_create(self._closure_days(years))
        self.s.result.school_years += len(years)
        self.s.result.terms += len(terms)
        return years

    def _closure_days(self, years: list[SchoolYear]) -> list[ClosureDay]:
        """Five training days a year and the bank holidays that fall in term time."""
        out = []
        for year in years:
            terms = schooldates.default_terms(year.start_year)
            for day in schooldates.typical_inset_days(terms):
                out.append(ClosureDay(school=self.school, date=day, kind=ClosureKind.INSET))
            for day in schooldates.bank_holidays_in(terms):
                out.append(ClosureDay(school=self.school, date=day, kind=ClosureKind.BANK_HOLIDAY))
        return out

    def _staff_member(self, role: str, female_share: float) -> _Staff:
        sex = "F" if self.rng.random() < female_share else "M"
        language = "English" if self.rng.random() < 0.88 else self.s.language(Phase.PRIMARY)
        first, last = self.s.person(sex, language)
        base = f"{_ascii(first)}.{_ascii(last)}"
        username = f"{base}@s{self.school.urn}.example.org"
        n = 1
        while any(m.user.username == username for m in self.staff):
            n += 1
            username = f"{base}{n}@s{self.school.urn}.example.org"
        user = User(
            username=username,
            email=username,
            first_name=first,
            last_name=last,
            password=self.s.password,
        )
        member = _Staff(user, self.s.title(sex))
        self.staff.append(member)
        self.memberships.append(Membership(user=user, role=role, school=self.school))
        return member

    def _year_counts(self, pupils: int) -> list[tuple[str, int]]:
        years = NC_YEARS[self.phase]
        n = len(years)
        return [(y, pupils * (i + 1) // n - pupils * i // n) for i, y in enumerate(years)]

    def _groups(self, year: SchoolYear, pupils: int) -> None:
        self.year_groups: dict[str, list[int]] = {}
        trees = self.rng.sample(CLASS_TREES, len(CLASS_TREES))
        female_teachers = 0.85 if self.phase == Phase.PRIMARY else 0.62
        for nc, count in self._year_counts(pupils):
            k = ceil(count / CLASS_SIZE[self.phase])
            used: set[str] = set()
            for i in range(k):
                teacher = self._staff_member(Role.TEACHER, female_teachers)
                name = self._group_name(nc, i, teacher, used, trees)
                used.add(name)
                kind = GroupKind.TUTOR_GROUP if self.phase == Phase.SECONDARY else GroupKind.CLASS
                self.year_groups.setdefault(nc, []).append(len(self.groups))
                self.groups.append(
                    TeachingGroup(school=self.school, school_year=year, name=name, kind=kind)
                )
                self.group_teachers.append(teacher)
                per_class = TAS_PER_CLASS.get(self.phase, 0)
                class_tas = [
                    self._staff_member(Role.TEACHING_ASSISTANT, 0.9) for _ in range(per_class)
                ]
                self.group_tas.append(class_tas)
                self.tas.extend(class_tas)
        if self.phase == Phase.SECONDARY:
            for _ in range(max(2, pupils // 80)):
                self.tas.append(self._staff_member(Role.TEACHING_ASSISTANT, 0.85))

    def _group_name(
        self, nc: str, i: int, teacher: _Staff, used: set[str], trees: list[str]
    ) -> str:
        if self.phase == Phase.SECONDARY:
            return f"{nc}T{i + 1}"
        if self.phase == Phase.SPECIAL:
            n = len(self.groups)
            tree = trees[n % len(trees)]
            return tree if n < len(trees) else f"{tree} {n // len(trees) + 1}"
        initial = _ascii(teacher.user.last_name)[:1].upper() or "A"
        for letter in initial + "ABCDEFGHJKLMNPRSTW":
            if f"{nc}{letter}" not in used:
                return f"{nc}{letter}"
        return f"{nc}{i + 1}"

    # -- pupils ----------------------------------------------------------------------------
    def _pupils(self, pupils: int) -> None:
        for nc, count in self._year_counts(pupils):
            groups = self.year_groups.get(nc, [])
            for j in range(count):
                self.children.append(self._child(nc, groups[j % len(groups)]))

    def _status(self, nc: str) -> str:
        k, e = SEN_RATES[self.phase]
        if self.phase != Phase.SPECIAL:
            k *= YEAR_WEIGHT_K.get(nc, 1.0)
            e *= YEAR_WEIGHT_E.get(nc, 1.0)
        r = self.rng.random()
        return "E" if r < e else "K" if r < e + k else "N"

    def _boys_share(self, status: str) -> float:
        if status in BOYS:
            return BOYS[status]
        k, e = SEN_RATES[self.phase]
        if k + e >= 1:
            return ALL_BOYS
        # Chosen so the whole roll is about 51% boys once SEN pupils are mostly boys.
        return max(0.3, (ALL_BOYS - k * BOYS["K"] - e * BOYS["E"]) / (1 - k - e))

    def _child(self, nc: str, group: int) -> _Child:
        rng = self.rng
        status = self._status(nc)
        sex = "M" if rng.random() < self._boys_share(status) else "F"
        looked_after = rng.random() < LOOKED_AFTER[status]
        family = self._family(nc, status, looked_after)
        first, last = self.s.person(sex, family.language, child=True)
        if not family.cared_for and rng.random() < 0.9:
            last = family.surname
        lo, hi = schooldates.birth_date_range(nc, self.start_year)
        dob = lo + timedelta(days=rng.randint(0, (hi - lo).days))
        middle = rng.choice(CHILD_FEMALE if sex == "F" else CHILD_MALE)
        admission = self._admission(nc, status)
        pupil = Pupil(
            school=self.school,
            upn=self._upn(schooldates.school_year_start(admission)),
            legal_forename=first,
            legal_surname=last,
            middle_names=middle if rng.random() < 0.6 and middle != first else "",
            preferred_forename=NICKNAMES.get(first, "") if rng.random() < 0.4 else "",
            date_of_birth=dob,
            sex=sex,
            nc_year=nc,
            eal=family.language != "English",
            fsm=family.fsm,
            looked_after=looked_after,
            attendance_percent=self._attendance(status),
            admission_date=admission,
        )
        return _Child(pupil, status, group, family)

    def _family(self, nc: str, status: str, looked_after: bool) -> _Family:
        rng = self.rng
        if not looked_after and self.families and rng.random() < SIBLINGS[self.phase]:
            family = rng.choice(self.families[-200:])
            if not family.cared_for and nc not in family.nc_years and len(family.nc_years) < 3:
                family.nc_years.append(nc)
                return family
        language = self.s.language(self.phase)
        surname = self.s.person("M", language)[1]
        family = _Family(surname, language, rng.random() < FSM[status], looked_after, nc_years=[nc])
        family.contacts = self._carers(family) if looked_after else self._parents(family)
        self.families.append(family)
        return family

    def _admission(self, nc: str, status: str) -> date:
        rng = self.rng
        years = NC_YEARS[self.phase]
        first_year = self.start_year - years.index(nc)
        if self.phase == Phase.SPECIAL and rng.random() < 0.6:
            first_year = rng.randint(first_year, self.start_year)  # moved from mainstream
        joined = schooldates.default_terms(first_year)[0].start
        if rng.random() < 0.1:  # an in-year admission
            latest = min(self.today, date(first_year + 1, 7, 15))
            joined += timedelta(days=rng.randint(0, max(0, (latest - joined).days)))
            joined += timedelta(days=(7 - joined.weekday()) % 7 if joined.weekday() > 4 else 0)
        return min(joined, self.today)

    def _upn(self, year: int) -> str:
        for yy in [(year - d) % 100 for d in range(100)]:
            serial = self.next_serial.get(yy, 1)
            while serial <= 999 and (yy, serial) in self.taken_serials:
                serial += 1
            if serial <= 999:
                self.next_serial[yy] = serial + 1
                school = self.school
                return make_upn(school.la.code, school.establishment_number, yy, serial)
        raise RuntimeError(f"No UPN serial left for {self.school}.")

    def _attendance(self, status: str) -> Decimal:
        mean = ABSENCE_MEAN[status] + (2.0 if self.phase == Phase.SPECIAL else 0.0)
        absence = min(60.0, self.rng.gammavariate(1.6, mean / 1.6))
        return Decimal(f"{100 - absence:.2f}")

    # -- families --------------------------------------------------------------------------
    def _contact(self, sex: str, surname: str, language: str, *, title: str = "") -> Contact:
        rng = self.rng
        first, last = self.s.person(sex, language)
        last = surname or last
        email = f"{_ascii(first)}.{_ascii(last)}{rng.randint(1, 99)}@example.com"
        return Contact(
            school=self.school,
            title=title or self.s.title(sex),
            forename=first,
            surname=last,
            email=email if rng.random() < 0.88 else "",
            phone=f"07700 900{rng.randint(0, 999):03d}",  # Ofcom's range for drama
            preferred_language=language,
            needs_interpreter=language != "English" and rng.random() < 0.2,
        )

    def _parents(self, family: _Family) -> list[tuple[Contact, str, bool, bool]]:
        rng = self.rng
        lang, name = family.language, family.surname
        r = rng.random()
        if r < 0.78:
            first = (self._contact("F", name if rng.random() < 0.8 else "", lang), "mother")
        elif r < 0.92:
            first = (self._contact("M", name, lang), "father")
        elif r < 0.97:
            first = (self._contact(rng.choice("FM"), name, lang), "grandparent")
        else:
            first = (self._contact(rng.choice("FM"), name, lang, title="Mx"), "parent")
        out = [(first[0], first[1], first[1] != "grandparent" or rng.random() < 0.3, True)]
        if rng.random() < 0.7:
            if first[1] == "mother" and rng.random() < 0.12:
                out.append((self._contact("M", "", lang), "step_parent", False, True))
            elif first[1] == "mother":
                out.append((self._contact("M", name, lang), "father", True, rng.random() < 0.8))
            else:
                out.append((self._contact("F", "", lang), "mother", True, rng.random() < 0.7))
        return out

    def _carers(self, family: _Family) -> list[tuple[Contact, str, bool, bool]]:
        carer = self._contact(self.rng.choice("FFM"), "", "English")
        worker = self._contact(self.rng.choice("FFM"), "", "English")
        worker.email = f"{_ascii(worker.forename)}.{_ascii(worker.surname)}@la{self.school.la.code}.example.org"
        # The LA shares parental responsibility for a child in care; neither contact holds it.
        return [(carer, "foster_carer", False, True), (worker, "social_worker", False, False)]

    # -- SEN history -----------------------------------------------------------------------
    def _chain(self, child: _Child) -> list[tuple[str, date]]:
        """(provision, start) for the pupil's register entries, oldest first."""
        rng, status = self.rng, child.status
        admitted = child.pupil.admission_date or self.s.history_start
        if self.phase == Phase.SPECIAL and status == "E" and rng.random() < 0.85:
            return [("E", max(admitted, self.s.history_start))]  # came with the plan
        lo = min(max(admitted + DAY * 28, self.s.history_start), self.today)
        provisions, gaps = self._pattern(status)
        starts = self._spread(lo, gaps) if provisions else None
        if starts:
            return list(zip(provisions, starts, strict=True))
        if status == "N":
            return []
        return [(status, lo + DAY * rng.randint(0, (self.today - lo).days))]

    def _pattern(self, status: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """A history shape for the current provision, and the least days between its steps."""
        r = self.rng.random()
        if status == "N":
            return (("K", "N"), (180,)) if r < 0.04 else ((), ())  # removed in the past
        if status == "K" and r < 0.09:
            return ("K", "N", "K"), (180, 90)  # removed, then added again
        if status == "K" and r < 0.11:
            return ("E", "K"), (365,)  # plan ceased, needs met through SEN support
        if status == "E" and r < 0.55:
            return ("K", "E"), (150,)  # SEN support, then statutory assessment and a plan
        return ((status,), ())

    def _spread(self, lo: date, gaps: tuple[int, ...]) -> list[date] | None:
        """Start dates from `lo` to today, each at least its gap (in days) after the last."""
        slack = (self.today - lo).days - sum(gaps)
        if slack < 0:
            return None
        offsets = sorted(self.rng.randint(0, slack) for _ in range(len(gaps) + 1))
        return [lo + DAY * (off + sum(gaps[:i])) for i, off in enumerate(offsets)]

    def _history(self, child: _Child) -> None:
        """Register entries (contiguous: each ends the day before the next starts) and, for each
        unbroken time on the register, its needs."""
        chain = self._chain(child)
        earlier: list[str] = []
        timeline: list[tuple[date, str]] = []
        for i, (provision, start) in enumerate(chain):
            following = chain[i + 1 :]
            end = following[0][1] - DAY if following else None
            previous = chain[i - 1][0] if i else "N"
            if provision != "N" and previous == "N":
                run = [(provision, start)]
                run += list(takewhile(lambda step: step[0] != "N", following))
                rest = following[len(run) - 1 :]
                timeline = self._period_needs(
                    child, run, rest[0][1] - DAY if rest else None, earlier
                )
                earlier += [code for _, code in timeline]
            need = next((code for since, code in reversed(timeline) if since <= start), "")
            readded = any(p == "K" for p, _ in chain[:i])
            self.entries.append(self._entry(child, provision, start, end, previous, readded, need))
        if child.status in census.ON_REGISTER:
            self._assign(child, chain[-1][1])

    def _entry(
        self,
        child: _Child,
        provision: str,
        start: date,
        end: date | None,
        previous: str,
        readded: bool,
        need: str,
    ) -> RegisterEntry:
        rng = self.rng
        if provision == "E":
            reason = rng.choice(EHC_REASONS[:2] if previous == "K" else EHC_REASONS)
            decided = f"{self.school.la.name} SEND team (LA)"
        else:
            if provision == "N":
                reason = rng.choice(REMOVED_REASONS)
            elif previous == "E":
                reason = rng.choice(CEASED_REASONS)
            else:
                reason = rng.choice(READDED_REASONS if readded else PLACED_REASONS)
            # The SENCo changed at the start of last school year; earlier entries were imported.
            current_from = date(self.start_year - 1, 9, 1)
            decided = self.senco.label + " (SENCo)" if start >= current_from else self.former_senco
        informed_on, how, note = self._informed(child, start)
        label = f"{census.SEN_TYPE_LABELS[need].lower()} ({need})" if need else "not recorded"
        return RegisterEntry(
            pupil=child.pupil,
            provision=provision,
            start_date=start,
            end_date=end,
            reason=reason.format(la=f"{self.school.la.name} Council", need=label),
            decided_by_name=decided,
            parents_informed_on=informed_on,
            parents_informed_how=how,
            parents_informed_note=note,
        )

    def _informed(self, child: _Child, start: date) -> tuple[date | None, str, str]:
        rng = self.rng
        on = start + DAY * rng.choice((0, 0, 1, 2, 3, 5, 7, 10, 14))
        recent = (self.today - start).days < 21
        if on > self.today or (recent and rng.random() < 0.4):
            return None, "", ""  # still to be told: the SENCo's to-do list shows these
        how = rng.choices(list(INFORMED_HOW), weights=list(INFORMED_HOW.values()))[0]
        language = child.family.language
        note = ""
        if language != "English" and rng.random() < 0.5:
            note = f"Interpreter present ({language})."
        elif how == NotificationMethod.MEETING and rng.random() < 0.3:
            note = "Discussed at a meeting with the class teacher and SENCo."
        return on, how, note

    def _period_needs(
        self,
        child: _Child,
        period: list[tuple[str, date]],
        end: date | None,
        earlier: list[str],
    ) -> list[tuple[date, str]]:
        """Needs for one unbroken time on the register, ending on `end` (None: still open).
        Returns the primary need's timeline as (from, code)."""
        rng = self.rng
        start, last = period[0][1], period[-1][0]
        had_plan = any(p == "E" for p, _ in period)
        primary = self.s.need(last, self.phase, exclude=("NSA",) if had_plan else ())
        if earlier and earlier[-1] != "NSA" and rng.random() < 0.6:
            primary = earlier[-1]  # the same need brought them back
        plan_from = next((s for p, s in period if p == "E"), None)
        timeline = [(start, primary)]
        if period[0][0] == "K" and plan_from and plan_from > start and rng.random() < 0.25:
            before = self.s.need("K", self.phase, exclude=(primary, "NSA"))
            self._add_need(child, before, 1, start, plan_from - DAY)  # diagnosis came with the plan
            timeline = [(start, before), (plan_from, primary)]
        self._add_need(child, primary, 1, timeline[-1][0], end)
        if primary != "NSA" and rng.random() < SECOND_NEED_SHARE:
            second = self.s.need(last, self.phase, exclude=(primary, "NSA", "DS"))
            since = start + DAY * rng.randint(0, ((end or self.today) - start).days)
            self._add_need(child, second, 2, since, end)
        return timeline

    def _add_need(self, child: _Child, code: str, rank: int, start: date, end: date | None) -> None:
        self.needs.append(
            Need(
                pupil=child.pupil,
                need_type=code,
                rank=rank,
                start_date=start,
                end_date=end,
                description=NEED_NOTES[code],
            )
        )

    def _assign(self, child: _Child, since: date) -> None:
        rng = self.rng
        share = {"E": 0.75, "K": 0.2}[child.status]
        if self.phase == Phase.SPECIAL:
            share = 0.5
        pool = self.group_tas[child.group] or self.tas
        if not pool or rng.random() >= share:
            return
        need = next(n for n in reversed(self.needs) if n.pupil is child.pupil and n.rank == 1)
        purpose = rng.choice(SUPPORT_PURPOSES[census.broad_area(need.need_type)])
        year_start = date(self.start_year, 9, 1)
        start = max(since, year_start)
        ta = rng.choice(pool)
        self.assignments.append(
            PupilAssignment(pupil=child.pupil, staff=ta.user, start_date=start, purpose=purpose)
        )
        if since < year_start - DAY * 60 and len(self.tas) > 1 and rng.random() < 0.3:
            last_year = rng.choice([t for t in self.tas if t is not ta])
            self.assignments.append(
                PupilAssignment(
                    pupil=child.pupil,
                    staff=last_year.user,
                    start_date=max(since, date(self.start_year - 1, 9, 1)),
                    end_date=year_start - DAY,
                    purpose=purpose,
                )
            )

    # -- writing ---------------------------------------------------------------------------
    def _save(self) -> None:
        result = self.s.result
        User.objects.bulk_create([m.user for m in self.staff], batch_size=BATCH)
        Membership.objects.bulk_create(self.memberships, batch_size=BATCH)
        roll = Roll(
            school=self.school,
            senco=self.senco.user,
            pupils=[c.pupil for c in self.children],
            families=[c.family.contacts for c in self.children],
            languages=[c.family.language for c in self.children],
            entries=self.entries,
            needs=self.needs,
            groups=self.groups,
            teachers=[t.user for t in self.group_teachers],
            groups_of=[c.group for c in self.children],
            today=self.today,
            history_start=self.s.history_start,
        )
        self.s.write_roll(roll)
        PupilAssignment.objects.bulk_create(self.assignments, batch_size=BATCH)
        result.teaching_groups += len(self.groups)
        result.users += len(self.staff)
        result.memberships += len(self.memberships)
        result.pupils += len(roll.pupils)
        result.contacts += len(roll.contacts)
        result.family_links += sum(len(family) for family in roll.families)
        result.register_entries += len(self.entries)
        result.needs += len(self.needs)
        result.assignments += len(self.assignments)

    def _seeded(self) -> SeedSchool:
        """What the seeders above draw on (support/seeding.py, provision/seeding.py, run by
        records/seeding.py). Their random stream is seeded from the seed and the school, so
        adding them left the schools, pupils and registers as they were."""
        entries: dict[int, list[RegisterEntry]] = {}
        for entry in self.entries:
            entries.setdefault(id(entry.pupil), []).append(entry)
        needs: dict[int, list[Need]] = {}
        for need in self.needs:
            needs.setdefault(id(need.pupil), []).append(need)
        return SeedSchool(
            school=self.school,
            terms=[
                rules.Term(t.start, t.end)
                for i in reversed(range(self.s.years_of_history))
                for t in schooldates.default_terms(self.start_year - i)
            ],
            closed=self._closed_days(),
            senco=self.senco.user,
            teachers=[t.user for t in self.group_teachers],
            tas=[t.user for t in self.tas],
            pupils=[self._seed_pupil(c, entries, needs) for c in self.children],
            today=self.today,
            rng=random.Random(f"{self.s.seed}:{self.school.urn}"),
        )

    def _closed_days(self) -> frozenset[date]:
        """The days the school is shut in the seeded years (half-terms and closure days), so
        that no session is planned or recorded on them."""
        closed: set[date] = set()
        for i in range(self.s.years_of_history):
            terms = schooldates.default_terms(self.start_year - i)
            closures = schooldates.typical_inset_days(terms) + schooldates.bank_holidays_in(terms)
            closed |= schooldates.closed_dates(terms, closures)
        return frozenset(closed)

    def _seed_pupil(
        self, child: _Child, entries: dict[int, list[RegisterEntry]], needs: dict[int, list[Need]]
    ) -> SeedPupil:
        contact, relationship, *_ = child.family.contacts[0]
        name = f"{contact.title} {contact.forename} {contact.surname}"
        parent = f"{name} ({relationship.replace('_', ' ')})"
        return SeedPupil(
            pupil=child.pupil,
            entries=entries.get(id(child.pupil), []),
            needs=needs.get(id(child.pupil), []),
            teacher=self.group_teachers[child.group].user,
            tas=[t.user for t in self.group_tas[child.group]],
            parent=parent,
        )


def write_roll_directly(roll: Roll) -> None:
    """The roll with bulk_create, in foreign-key order (the quickest way in)."""
    TeachingGroup.objects.bulk_create(roll.groups, batch_size=BATCH)
    Teachers = TeachingGroup.teachers.through
    Teachers.objects.bulk_create(
        [
            Teachers(teachinggroup=g, user=t)
            for g, t in zip(roll.groups, roll.teachers, strict=True)
        ],
        batch_size=BATCH,
    )
    Contact.objects.bulk_create(roll.contacts, batch_size=BATCH)
    for pupil in roll.pupils:
        pupil.fold_names()  # bulk_create skips save()
    Pupil.objects.bulk_create(roll.pupils, batch_size=BATCH)
    Members = TeachingGroup.pupils.through
    Members.objects.bulk_create(
        [
            Members(teachinggroup=roll.groups[g], pupil=p)
            for p, g in zip(roll.pupils, roll.groups_of, strict=True)
        ],
        batch_size=BATCH,
    )
    FamilyLink.objects.bulk_create(
        [
            FamilyLink(
                pupil=pupil,
                contact=contact,
                relationship=Relationship(relationship),
                parental_responsibility=responsible,
                lives_with_pupil=lives_with,
                contact_priority=priority,
            )
            for pupil, family in zip(roll.pupils, roll.families, strict=True)
            for priority, (contact, relationship, responsible, lives_with) in enumerate(
                family, start=1
            )
        ],
        batch_size=BATCH,
    )
    RegisterEntry.objects.bulk_create(roll.entries, batch_size=BATCH)
    Need.objects.bulk_create(roll.needs, batch_size=BATCH)
