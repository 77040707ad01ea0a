"""Synthetic spending against the notional SEN budget for the seed generator (called from
provision/seeding.py once the school's staff roles are made), so the demo budget reads like a
real mainstream school's: teaching assistants' in-class support (most of a real SEN budget), the
SENCo's release time, educational psychologist days, a speech and language therapy contract,
outreach, resources and training. Figures are typical of English primary and secondary schools
in 2025/26 (a traded EP day about £550 to £650; a termly SALT contract about £1,500 to £2,200).

Each school year that has begun gets its lines, dated inside its terms and never after today;
staffing is dated the first day of the autumn term (a year's commitment: hours a week × 38
weeks). Lines are built in memory and written by provision/seeding.py with `bulk_create`.
Drawn from a random stream of its own (seeded by the school's URN) so the rest of the seeded
history does not change when these lines do."""

import random
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

from accounts import schooldates
from provision.models import SpendingCategory, SpendingLine, StaffRole
from pupils import census
from pupils.seeding import SeedSchool

PUPILS_PER_IN_CLASS_TA = 60
SUPPORT_STAFF_WEEKS = 38
SENCO_WEEKS = 39
RESOURCES = (
    ("Decodable reading books for phonics catch-up", 180, 650),
    ("Visual timetables and now-and-next boards", 40, 160),
    ("Sensory and fidget kit for the calm room", 90, 320),
    ("Coloured overlays and reading rulers", 25, 80),
    ("Writing slopes and pencil grips", 40, 140),
    ("Laptop for a pupil who records work by typing", 320, 480),
    ("Ear defenders and a wobble cushion", 30, 90),
)
TRAINING = (
    ("Autism awareness training for teaching assistants", 350, 700, "Autism Education Trust"),
    ("Speech and language support course for two TAs (ELKLAN)", 600, 1100, "Elklan"),
    ("Positive handling and de-escalation refresher", 450, 900, "Team Teach"),
    ("Precision teaching twilight for staff", 150, 300, ""),
    ("Dyslexia-friendly classroom training", 250, 500, "British Dyslexia Association"),
)


def spending_lines(
    school: SeedSchool, roles: dict[str, StaffRole], ehc_support: Mapping[int, int] | None = None
) -> list[SpendingLine]:
    """The school's spending lines for every seeded school year that has begun. `ehc_support`
    counts, by school year, the pupils whose EHC plan has a teaching assistant in class for them
    (provision/seeding.py writes those lines): each is one in-class TA fewer by year group."""
    rng = random.Random(f"spending-{school.school.urn}")  # noqa: S311 (demo data)
    terms_of: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for t in school.terms:
        terms_of[schooldates.school_year_start(t.start)].append((t.start, t.end))
    out: list[SpendingLine] = []
    for start_year, terms in sorted(terms_of.items()):
        terms.sort()
        if terms[0][0] > school.today:
            continue
        year = _Year(school, roles, rng, start_year, terms, (ehc_support or {}).get(start_year, 0))
        out.extend(line for line in year.lines() if line.spent_on <= school.today)
    return out


class _Year:
    def __init__(
        self,
        school: SeedSchool,
        roles: dict[str, StaffRole],
        rng: random.Random,
        start_year: int,
        terms: list[tuple[date, date]],
        ehc_tas: int = 0,
    ) -> None:
        self.s, self.roles, self.rng = school, roles, rng
        self.ehc_tas = ehc_tas
        self.start_year, self.terms = start_year, terms
        self.la = school.school.la.name if school.school.la_id else "Local authority"

    def _line(self, category: str, description: str, on: date, **fields: object) -> SpendingLine:
        return SpendingLine(
            school=self.s.school,
            start_year=self.start_year,
            category=category,
            description=description,
            spent_on=on,
            **fields,
        )

    def _day_in(self, term: int) -> date:
        """A weekday in the term (the first, second or third of the year)."""
        start, end = self.terms[min(term, len(self.terms) - 1)]
        day = start + timedelta(days=self.rng.randint(7, max(7, (end - start).days - 7)))
        while day.weekday() > 4:
            day -= timedelta(days=1)
        return day

    def lines(self) -> list[SpendingLine]:
        return [
            *self._in_class(),
            *self._senco(),
            *self._services(),
            *self._resources(),
            *self._training(),
        ]

    def _in_class(self) -> list[SpendingLine]:
        """Teaching assistants' in-class support by year group, and a few hours for one pupil."""
        rng, first = self.rng, self.terms[0][0]
        years = sorted({p.pupil.nc_year for p in self.s.pupils})
        count = max(1, round(len(self.s.pupils) / PUPILS_PER_IN_CLASS_TA) - self.ehc_tas)
        # Every year group once while there are TAs to go round, then a second TA in some.
        chosen = rng.sample(years, min(count, len(years)))
        chosen += [rng.choice(years) for _ in range(count - len(chosen))]
        tas = self.s.tas or [self.s.senco]
        out = []
        for nc_year in sorted(chosen):
            role = self.roles[rng.choice(["TA level 2", "TA level 3"])]
            ta = rng.choice(tas)
            label = census.NC_YEAR_LABELS.get(nc_year, f"Year {nc_year}")
            out.append(
                self._line(
                    SpendingCategory.STAFFING,
                    f"In-class support, {label}",
                    first,
                    supplier=ta.get_full_name(),
                    staff_role=role,
                    hours_per_week=Decimal(rng.choice([15, 17.5, 20, 22.5, 25])),
                    weeks=SUPPORT_STAFF_WEEKS,
                )
            )
        on_support = [p for p in self.s.pupils if any(e.provision == "K" for e in p.entries)]
        if on_support:
            pupil = rng.choice(on_support)
            out.append(
                self._line(
                    SpendingCategory.STAFFING,
                    "In-class support for one pupil: morning literacy and maths lessons",
                    first,
                    supplier=rng.choice(tas).get_full_name(),
                    pupil=pupil.pupil,
                    staff_role=self.roles["TA level 3"],
                    hours_per_week=Decimal(5),
                    weeks=SUPPORT_STAFF_WEEKS,
                )
            )
        return out

    def _senco(self) -> list[SpendingLine]:
        hours = Decimal("6.5") if len(self.s.pupils) < 400 else Decimal(13)
        return [
            self._line(
                SpendingCategory.STAFFING,
                "SENCo release time for SEN work (not teaching)",
                self.terms[0][0],
                supplier=self.s.senco.get_full_name(),
                staff_role=self.roles["SENCo"],
                hours_per_week=hours,
                weeks=SENCO_WEEKS,
            )
        ]

    def _services(self) -> list[SpendingLine]:
        rng = self.rng
        ep_rate = rng.randrange(550, 651, 25)
        out = []
        for term in range(len(self.terms)):
            days = rng.choice([1, 1, 2]) + (len(self.s.pupils) > 600)
            out.append(
                self._line(
                    SpendingCategory.SERVICES,
                    f"Educational psychologist: {days} day{'s' if days > 1 else ''} of "
                    f"assessment and consultation at £{ep_rate} a day",
                    self._day_in(term),
                    supplier=f"{self.la} Educational Psychology Service",
                    amount=Decimal(days * ep_rate),
                )
            )
        salt = rng.randrange(1500, 2201, 50)
        for term, name in enumerate(("autumn", "spring", "summer")[: len(self.terms)]):
            out.append(
                self._line(
                    SpendingCategory.SERVICES,
                    f"Speech and language therapy contract: {name} term",
                    self.terms[term][0] + timedelta(days=14),
                    supplier="Chatterbox Speech and Language Therapy",
                    amount=Decimal(salt),
                )
            )
        out.append(
            self._line(
                SpendingCategory.SERVICES,
                "Autism outreach: observation and advice for two pupils",
                self._day_in(1),
                supplier=f"{self.la} Specialist Teaching Service",
                amount=Decimal(rng.randrange(400, 901, 50)),
            )
        )
        return out

    def _resources(self) -> list[SpendingLine]:
        rng = self.rng
        return [
            self._line(
                SpendingCategory.RESOURCES,
                name,
                self._day_in(rng.randrange(3)),
                supplier=rng.choice(
                    ["Hope Education", "TTS Group", "Amazon", "Crossbow Education"]
                ),
                amount=Decimal(f"{rng.uniform(lo, hi):.2f}"),
            )
            for name, lo, hi in rng.sample(RESOURCES, rng.randint(3, 5))
        ]

    def _training(self) -> list[SpendingLine]:
        rng = self.rng
        return [
            self._line(
                SpendingCategory.TRAINING,
                name,
                self._day_in(rng.randrange(3)),
                supplier=supplier,
                amount=Decimal(rng.randrange(lo, hi + 1, 25)),
            )
            for name, lo, hi, supplier in rng.sample(TRAINING, rng.randint(2, 3))
        ]
