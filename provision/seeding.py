"""Synthetic provision history for the seed generator (pupils/seeding.py), written after the
graduated-approach history (support/seeding.py) so provision can be linked to plan targets.

Per school: staff roles with hourly costs; each term, interventions from the built-in catalogue
matched to pupils' broad area of need and age — groups of pupils on SEN support up to the
intervention's group size, individual provision for pupils with an EHC plan — delivered by the
school's TAs and teachers on set weekdays inside the term; the session register up to today
(about nine sessions in ten delivered, the rest missed for a reason, about 92% of pupils present),
entry and exit data of the intervention's measure, the notional SEN budget of each school year,
its spending lines (provision/spending_seeding.py) and EHC top-up funding. It keeps the rules provision/services/ enforces: one session per provision
per day, on its weekdays and between its dates, never after today; attendance only for pupils in
the group that day; exit data after entry data of the same kind; a missed session has a reason,
no minutes and no attendance.

Rows are built in memory and written with `bulk_create`; nothing is audited.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from math import ceil
from typing import Any

from accounts import schooldates
from accounts.models import Phase, User
from bulk.rows import insert_rows
from provision import costing
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
    SpendingCategory,
    SpendingLine,
    StaffRole,
    TopUpFunding,
    Wave,
)
from provision.spending_seeding import SUPPORT_STAFF_WEEKS, spending_lines
from pupils import census
from pupils.seeding import SeedPupil, SeedSchool
from support.models import Target
from support.seeding import SupportHistory, at

BATCH = 2000
DAY = timedelta(days=1)

# (name, kind, lowest and highest hourly cost in pounds, salary plus on-costs, 2025/26).
ROLES: tuple[tuple[str, str, float, float], ...] = (
    ("TA level 2", RoleKind.TA2, 19.5, 21.5),
    ("TA level 3", RoleKind.TA3, 21.5, 23.5),
    ("HLTA", RoleKind.HLTA, 24.5, 27.0),
    ("Teacher", RoleKind.TEACHER, 44.0, 52.0),
    ("SENCo", RoleKind.TEACHER, 52.0, 60.0),
    ("Speech and language therapist (traded)", RoleKind.SPECIALIST, 65.0, 80.0),
    ("Educational psychologist (traded)", RoleKind.SPECIALIST, 95.0, 115.0),
)
SALT = "Speech and language therapist (traded)"
TA_GRADES = (RoleKind.TA2, RoleKind.TA3, RoleKind.HLTA)
TA_GRADE_WEIGHTS = (55, 30, 15)
# Who may deliver an intervention usually run by a TA of a grade: that grade or the next up.
GRADES_FOR: dict[str, tuple[str, ...]] = {
    RoleKind.TA2: (RoleKind.TA2, RoleKind.TA3),
    RoleKind.TA3: (RoleKind.TA3, RoleKind.HLTA),
}

ALL_YEARS = ("R", *(str(n) for n in range(1, 14)))


def _years(first: str, last: str) -> frozenset[str]:
    return frozenset(ALL_YEARS[ALL_YEARS.index(first) : ALL_YEARS.index(last) + 1])


# Which catalogue interventions suit which year groups, how often a SENCo picks each, the usual
# entry/exit assessment's name, and resources and licences (pounds) bought for a run of it.
FIT: dict[str, tuple[frozenset[str], float, str, int, int]] = {
    "Nuffield Early Language Intervention (NELI)": (_years("R", "R"), 4, "LanguageScreen standardised score", 0, 0),
    "Talk Boost KS1": (_years("R", "2"), 3, "Talk Boost progress tracker (1 to 10)", 45, 60),
    "Colourful Semantics": (_years("R", "4"), 2, "Sentence-building tracker (1 to 10)", 25, 0),
    "Socially Speaking": (_years("2", "8"), 2, "Social skills checklist (1 to 10)", 30, 0),
    "LEGO-based therapy": (_years("1", "9"), 2, "Social communication rating (1 to 10)", 60, 0),
    "Speech and language therapy programme": (_years("R", "13"), 1, "Therapy target rating (1 to 10)", 0, 0),
    "Catch Up Literacy": (_years("1", "9"), 3, "Reading age (Catch Up assessment)", 15, 25),
    "Switch-on Reading": (_years("1", "7"), 2, "Reading age (Salford Sentence Reading Test)", 20, 0),
    "Precision Teaching": (_years("R", "13"), 2, "Target words read correctly in one minute", 5, 0),
    "Toe by Toe": (_years("3", "11"), 2, "Reading age (single-word reading test)", 32, 0),
    "Catch Up Numeracy": (_years("1", "9"), 3, "Number age (Catch Up Numeracy assessment)", 15, 25),
    "Numicon Intervention": (_years("R", "6"), 3, "Numicon group assessment (raw score)", 90, 0),
    "Power of 2": (_years("2", "11"), 1, "Number facts recalled in two minutes", 18, 0),
    "ELSA (Emotional Literacy Support)": (_years("R", "13"), 4, "Emotional literacy checklist (1 to 10)", 20, 0),
    "Zones of Regulation": (_years("R", "8"), 3, "Self-regulation rating (1 to 10)", 25, 0),
    "Nurture group": (_years("R", "4"), 0.4, "Nurture developmental rating (1 to 10)", 150, 0),
    "Sensory circuits": (_years("R", "6"), 3, "Readiness-to-learn rating (1 to 10)", 40, 0),
    "Write from the Start": (_years("R", "8"), 3, "Handwriting checklist (1 to 10)", 35, 0),
}  # fmt: skip
SHORT = {
    "Nuffield Early Language Intervention (NELI)": "NELI",
    "ELSA (Emotional Literacy Support)": "ELSA",
    "Speech and language therapy programme": "SALT programme",
}
LOCATIONS = {
    "CI": ("Speech and language room", "Library", "Group room"),
    "CL": ("Intervention room", "Library", "Classroom (back table)", "Learning support base"),
    "SEMH": ("Nurture room", "Calm room", "Pastoral office"),
    "SP": ("Hall", "Sensory room", "Group room"),
}
START_TIMES = (time(9, 15), time(10, 45), time(11, 20), time(13, 15), time(14, 0), time(14, 30))
WEEKDAY_PATTERNS: dict[int, tuple[tuple[int, ...], ...]] = {
    1: ((0,), (1,), (2,), (3,), (4,)),
    2: ((0, 2), (1, 3), (0, 3), (1, 4)),
    3: ((0, 2, 4), (1, 2, 3), (0, 1, 3), (1, 3, 4)),
    4: ((0, 1, 2, 3), (0, 1, 3, 4)),
    5: ((0, 1, 2, 3, 4),),
}
MISSED: dict[str, int] = {
    "TA covering a class": 35,
    "Staff absence": 20,
    "School trip": 12,
    "Whole-school event": 10,
    "Assessment week": 8,
}
PUPIL_ABSENT = "Pupil absent"
BANK_HOLIDAY = "Bank holiday"
EVERY_PUPIL_ABSENT = "Every pupil absent"
# A mainstream school meets the first £6,000 of a pupil's additional support from its notional
# budget (element 2); the top-up (element 3) pays for the rest. A TA's in-class hours are capped
# at a full-time post.
ELEMENT_TWO = 6000
MAX_IN_CLASS_HOURS = Decimal("32.5")
# EHC top-up bands (pounds a year): mainstream and special school.
TOP_UP_BANDS: dict[str, tuple[int, ...]] = {
    "mainstream": (3250, 5400, 7600, 9800, 13500),
    "special": (8500, 11200, 14600, 19800, 26000),
}


SESSION_COLUMNS = ("provision_id", "on", "delivered", "missed_reason", "minutes", "delivered_by_id",
                   "staff_role_id", "note", "recorded_by_id", "recorded_at")  # fmt: skip
MEASURE_COLUMNS = ("enrolment_id", "kind", "measure_type", "name", "on", "value", "recorded_by_id")


@dataclass
class _Run:
    """A provision being built, with its pupils (enrolment, presence) and their plans."""

    provision: Provision
    intervention: Intervention
    pupils: list[tuple[Enrolment, SeedPupil]] = field(default_factory=list)


@dataclass
class _Rows:
    roles: list[StaffRole] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    links: list[tuple[Provision, Target]] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    sessions: list[tuple[Any, ...]] = field(default_factory=list)  # SESSION_COLUMNS
    attendance: list[tuple[Provision, date, int, bool]] = field(default_factory=list)
    measures: list[tuple[Any, ...]] = field(default_factory=list)  # MEASURE_COLUMNS
    budgets: list[NotionalBudget] = field(default_factory=list)
    top_ups: list[TopUpFunding] = field(default_factory=list)
    spending: list[SpendingLine] = field(default_factory=list)


def seed_provision(school: SeedSchool, support: SupportHistory) -> dict[str, int]:
    """Write the school's staff roles, provision, sessions, entry and exit data, budgets and
    top-ups; return the counts."""
    builder = _ProvisionBuilder(school, support)
    builder.build()
    return builder.save()


def catalogue() -> list[Intervention]:
    """The built-in interventions (school=None, from migration provision/0002) the seeder uses."""
    return list(Intervention.objects.filter(school__isnull=True, name__in=list(FIT)).order_by("pk"))


class _ProvisionBuilder:
    def __init__(self, school: SeedSchool, support: SupportHistory) -> None:
        self.s = school
        # Its own stream, as the support history has (support/seeding.py).
        self.rng = random.Random(f"provision:{school.school.urn}")  # noqa: S311 (synthetic data)
        self.today = school.today
        self.plans = support.plans
        self.rows = _Rows()
        self.by_area: dict[str, list[Intervention]] = defaultdict(list)
        for intervention in catalogue():
            self.by_area[intervention.area].append(intervention)
        self.special = school.school.phase == Phase.SPECIAL

    def build(self) -> None:
        self._roles()
        for term in self.s.terms:
            if term.start + DAY * 7 <= self.today:
                self._term(costing.Term(term.start, term.end))
        self._budgets()
        self._top_ups()
        if not self.special:  # special schools have no notional SEN budget (see _budgets)
            ehc = self._ehc_support()
            per_year = Counter(line.start_year for line in ehc)
            self.rows.spending = spending_lines(self.s, self.roles, per_year) + ehc

    # -- staff -------------------------------------------------------------------------------
    def _roles(self) -> None:
        rng = self.rng
        self.roles: dict[str, StaffRole] = {}
        for name, kind, lo, hi in ROLES:
            cost = Decimal(f"{rng.uniform(lo, hi):.1f}0")
            role = StaffRole(school=self.s.school, name=name, kind=kind, hourly_cost=cost)
            self.rows.roles.append(role)
            self.roles[name] = role
        by_kind = {role.kind: role for role in self.rows.roles}  # the TA grades are one role each
        self.grade: dict[int, StaffRole] = {}
        self.by_grade: dict[str, list[User]] = defaultdict(list)
        for ta in self.s.tas:
            grade = rng.choices(TA_GRADES, weights=TA_GRADE_WEIGHTS)[0]
            self.grade[ta.pk] = by_kind[grade]
            self.by_grade[grade].append(ta)

    def _deliverer(
        self, intervention: Intervention, pupils: list[SeedPupil]
    ) -> tuple[User, StaffRole]:
        """A TA of the usual grade (one of the pupils' class TAs if one fits), or the class
        teacher for teacher-led provision; now and then the SENCo."""
        rng = self.rng
        if intervention.staff_kind == RoleKind.TEACHER or not self.s.tas:
            if rng.random() < 0.15:
                return self.s.senco, self.roles["SENCo"]
            return pupils[0].teacher, self.roles["Teacher"]
        grades = GRADES_FOR.get(intervention.staff_kind, TA_GRADES)
        fitting = [t for p in pupils for t in p.tas if self.grade[t.pk].kind in grades]
        pool = fitting or [t for g in grades for t in self.by_grade[g]] or self.s.tas
        ta = rng.choice(pool)
        return ta, self.grade[ta.pk]

    # -- a term's provision ------------------------------------------------------------------
    def _term(self, term: costing.Term) -> None:
        rng = self.rng
        starts = term.start + DAY * 7 * rng.randint(1, 3)
        groups: dict[tuple[int, str], list[SeedPupil]] = defaultdict(list)
        singles: list[tuple[Intervention, SeedPupil]] = []
        running: Counter[tuple[int, str]] = Counter()  # pupils chosen so far per group
        for p in self.s.pupils:
            code = _provision_on(p, starts)
            if code == "K" and rng.random() < 0.55:
                chosen = [self._choose(p, starts, running, individual=False)]
                if rng.random() < 0.12:
                    chosen.append(self._choose(p, starts, running, individual=False))
            elif code == "E" and rng.random() < 0.9:
                chosen = [self._choose(p, starts, running, individual=True)]
                if rng.random() < 0.5:
                    chosen.append(self._choose(p, starts, running, individual=False))
            else:
                continue
            for intervention in {c.pk: c for c in chosen if c is not None}.values():
                if code == "K" and intervention.group_size == 1 and rng.random() < 0.6:
                    continue  # one-to-one time goes first to pupils with a plan
                if intervention.group_size == 1:
                    singles.append((intervention, p))
                else:
                    key = (intervention.pk, _band(p.pupil.nc_year))
                    groups[key].append(p)
                    running[key] += 1
        letters: dict[tuple[int, str], int] = defaultdict(int)
        by_pk = {i.pk: i for area in self.by_area.values() for i in area}
        for (pk, _band_name), members in groups.items():
            intervention = by_pk[pk]
            count = ceil(len(members) / intervention.group_size)
            for n in range(count):
                chunk = members[n::count]
                self._provision(term, starts, intervention, chunk, letters)
        for intervention, p in singles:
            self._provision(term, starts, intervention, [p], letters)

    def _choose(
        self, p: SeedPupil, day: date, running: Counter[tuple[int, str]], *, individual: bool
    ) -> Intervention | None:
        """An intervention for the pupil's need and age. A SENCo fills the groups already
        running before starting another, so a group that has pupils is likelier."""
        rng = self.rng
        band = _band(p.pupil.nc_year)
        area = _area(p, day, rng)
        nc = p.pupil.nc_year
        options = [i for i in self.by_area.get(area, []) if nc in FIT[i.name][0]]
        if not options:
            return None
        weights = []
        for i in options:
            weight = FIT[i.name][1]
            if individual != (i.group_size == 1):
                weight *= 0.25 if individual else 0.15
            elif not individual:
                weight *= 1 + 6 * min(running[(i.pk, band)], i.group_size)
            weights.append(weight)
        return rng.choices(options, weights=weights)[0]

    def _provision(
        self,
        term: costing.Term,
        start: date,
        intervention: Intervention,
        pupils: list[SeedPupil],
        letters: dict[tuple[int, str], int],
    ) -> None:
        rng = self.rng
        weeks = min(intervention.weeks, max(1, ((term.end - start).days + 3) // 7))
        end = min(start + DAY * (weeks * 7 - 3), term.end)
        if start > self.today or end < start:
            return
        external = (
            intervention.name == "Speech and language therapy programme" and rng.random() < 0.2
        )
        staff: User | None
        if external:
            staff, role, minutes, per_week = None, self.roles[SALT], 45, 1
        else:
            staff, role = self._deliverer(intervention, pupils)
            minutes, per_week = intervention.session_minutes, intervention.sessions_per_week
        years = sorted({p.pupil.nc_year for p in pupils}, key=ALL_YEARS.index)
        key = (intervention.pk, years[0])
        letter = chr(ord("A") + letters[key] % 26)
        letters[key] += 1
        year = f"Year {years[0]}" if len(years) == 1 else f"Years {years[0]}–{years[-1]}"
        year = "Reception" if years == ["R"] else year
        short = SHORT.get(intervention.name, intervention.name)
        kind = "1:1" if intervention.group_size == 1 else "group"
        _fits, _weight, _measure, resources, licence = FIT[intervention.name]
        provision = Provision(
            school=self.s.school,
            intervention=intervention,
            name=f"{year} {short} {kind} {letter}",
            wave=Wave.SPECIALIST if intervention.group_size == 1 else Wave.TARGETED,
            staff=staff,
            staff_role=role,
            location=rng.choice(LOCATIONS[intervention.area]),
            weekdays=list(rng.choice(WEEKDAY_PATTERNS[min(5, per_week)])),
            start_time=time(8, 50)
            if intervention.name == "Sensory circuits"
            else rng.choice(START_TIMES),
            session_minutes=minutes,
            start_date=start,
            end_date=end,
            resource_cost=Decimal(resources if rng.random() < 0.6 else 0),
            licence_cost=Decimal(licence * len(pupils)),
            created_at=at(start - DAY * 3),
        )
        self.rows.provisions.append(provision)
        run = _Run(provision, intervention)
        for p in pupils:
            self._enrol(run, p, alone=len(pupils) == 1)
        self._sessions(run, term)
        for enrolment, p in run.pupils:
            self._measures(run, enrolment, p)

    def _enrol(self, run: _Run, p: SeedPupil, alone: bool) -> None:
        rng, provision = self.rng, run.provision
        start = provision.start_date
        leaves = _register_end(p, start)
        if not alone and rng.random() < 0.1:  # joined the group a little later
            later = start + DAY * 7 * rng.randint(1, 3)
            if later <= min(provision.end_date, self.today, leaves or later):
                start = later
        end: date | None = provision.end_date if provision.end_date <= self.today else None
        if leaves is not None and leaves < provision.end_date:
            end = max(start, leaves)  # taken off the register: left the group that day
        elif end is not None and rng.random() < 0.04:
            end = start + DAY * rng.randint(0, (end - start).days)  # stopped early
        enrolment = Enrolment(provision=provision, pupil=p.pupil, start_date=start, end_date=end)
        self.rows.enrolments.append(enrolment)
        run.pupils.append((enrolment, p))
        span = next(
            (
                s
                for s in self.plans.get(p.pupil.pk, [])
                if s.opened <= start and (s.closed is None or start <= s.closed)
            ),
            None,
        )
        if span is not None:
            for area, target in span.targets:
                if area == run.intervention.area:
                    self.rows.links.append((provision, target))

    # -- the session register ----------------------------------------------------------------
    def _sessions(self, run: _Run, term: costing.Term) -> None:
        rng, provision = self.rng, run.provision
        last = min(provision.end_date, self.today)
        days = costing.planned_dates(
            provision.weekdays, provision.start_date, last, [term], self.s.closed
        )
        fidelity = min(0.99, max(0.8, rng.gauss(0.95, 0.03)))
        # When the one pupil of a one-to-one session is away, the session was missed: it is never
        # recorded as delivered with nobody there (nor is a group's with every pupil away).
        alone = len(run.pupils) == 1
        reasons, weights = list(MISSED), list(MISSED.values())
        for on in days:
            pupils = [
                (e, p)
                for e, p in run.pupils
                if e.start_date <= on and (e.end_date is None or on <= e.end_date)
            ]
            if not pupils:
                continue  # everyone has left: nobody records a session
            present = [rng.random() < _presence(p) for _e, p in pupils]
            reason = ""
            if on in _bank_holidays(on.year):
                reason = BANK_HOLIDAY
            elif rng.random() > fidelity:
                reason = rng.choices(reasons, weights=weights)[0]
            elif not any(present):
                # A one-to-one session (or a group's) cannot happen without a pupil.
                reason = PUPIL_ABSENT if alone else EVERY_PUPIL_ABSENT
            self._session(run, on, reason, pupils, present)

    def _session(
        self,
        run: _Run,
        on: date,
        reason: str,
        pupils: list[tuple[Enrolment, SeedPupil]],
        present: list[bool],
    ) -> None:
        rng, provision = self.rng, run.provision
        delivered = not reason
        minutes, note, by = provision.session_minutes, "", provision.staff
        if delivered and rng.random() < 0.05 and minutes > 10:
            minutes, note = minutes - 5, "Started late after assembly."
        if delivered and by is not None and rng.random() < 0.04 and len(self.s.tas) > 1:
            by, note = rng.choice(self.s.tas), "Covered by another TA."
        recorder = provision.staff or self.s.senco
        self.rows.sessions.append(
            (provision, on, delivered, reason, minutes if delivered else 0,
             by.pk if delivered and by is not None else None, provision.staff_role, note,
             recorder.pk, at(on))
        )  # fmt: skip
        if delivered:
            self.rows.attendance.extend(
                (provision, on, p.pupil.pk, here)
                for (_e, p), here in zip(pupils, present, strict=True)
            )

    # -- entry and exit data -----------------------------------------------------------------
    def _measures(self, run: _Run, enrolment: Enrolment, p: SeedPupil) -> None:
        rng = self.rng
        kind = run.intervention.measure_type
        if not kind:
            return
        name = FIT[run.intervention.name][2]
        by = run.provision.staff or self.s.senco
        entry_on = enrolment.start_date
        entry, exit_value = self._values(kind, p, entry_on, enrolment.end_date)
        self.rows.measures.append(
            (enrolment, MeasureKind.ENTRY, kind, name, entry_on, entry, by.pk)
        )
        end = enrolment.end_date
        if end is None or end > self.today or exit_value is None or rng.random() < 0.08:
            return  # still running, or the exit assessment was never recorded
        self.rows.measures.append((enrolment, MeasureKind.EXIT, kind, name, end, exit_value, by.pk))

    def _values(
        self, kind: str, p: SeedPupil, entry_on: date, exit_on: date | None
    ) -> tuple[Decimal, Decimal | None]:
        """Entry and exit values: standardised scores gain a few points, ages gain at a ratio
        mostly from 1 to 3 times the months elapsed, some pupils gain nothing."""
        rng = self.rng
        stuck = rng.random() < 0.1
        if kind == MeasureType.STANDARDISED:
            entry = max(69, min(95, round(rng.gauss(82, 6))))
            gain = rng.randint(-3, 0) if stuck else rng.randint(2, 9)
            return Decimal(entry), Decimal(entry + gain)
        if kind == MeasureType.AGE_EQUIVALENT:
            age = (entry_on - p.pupil.date_of_birth).days / 30.44
            entry = max(48, round(age - rng.randint(10, 30)))
            if exit_on is None:
                return Decimal(entry), None
            months = (exit_on - entry_on).days / 30.44
            ratio = rng.choice((0, rng.uniform(0.3, 0.8))) if stuck else rng.uniform(1.0, 3.0)
            return Decimal(entry), Decimal(entry + round(ratio * months))
        if kind == MeasureType.RAW:
            entry = rng.randint(5, 25)
            gain = rng.randint(-2, 0) if stuck else rng.randint(3, 18)
            return Decimal(entry), Decimal(entry + gain)
        entry = rng.randint(2, 5)  # a 1-to-10 school scale
        gain = 0 if stuck else rng.randint(1, 3)
        return Decimal(entry), Decimal(min(10, entry + gain))

    # -- money -------------------------------------------------------------------------------
    def _budgets(self) -> None:
        """The notional SEN budget of each seeded school year. Special schools are funded by
        place and top-up instead: they have none."""
        if self.special:
            return
        rng = self.rng
        years = sorted({schooldates.school_year_start(t.start) for t in self.s.terms})
        amount = len(self.s.pupils) * rng.uniform(420, 620)
        for start_year in years:
            self.rows.budgets.append(
                NotionalBudget(
                    school=self.s.school,
                    start_year=start_year,
                    amount=Decimal(round(amount, -2)),
                )
            )
            amount *= rng.uniform(1.02, 1.06)

    def _top_ups(self) -> None:
        rng = self.rng
        self.ehc_years: list[tuple[SeedPupil, int, date, float, Decimal]] = []
        bands = TOP_UP_BANDS["special" if self.special else "mainstream"]
        years = sorted({schooldates.school_year_start(t.start) for t in self.s.terms})
        for p in self.s.pupils:
            plans = [e for e in p.entries if e.provision == "E"]
            if not plans:
                continue
            band = rng.randrange(len(bands))
            for start_year in years:
                first, last = schooldates.school_year_bounds(start_year)
                last = min(last, self.today)
                starts = [
                    max(e.start_date, first)
                    for e in plans
                    if e.start_date <= last and (e.end_date is None or e.end_date >= first)
                ]
                if not starts or first > self.today:
                    continue
                since = min(starts)
                share = (
                    1.0
                    if since <= first + DAY * 30
                    else (date(start_year + 1, 8, 31) - since).days / 365
                )
                note = f"Band {'ABCDE'[band]}" + (
                    "" if share == 1.0 else f", from {since:%-d %B %Y}"
                )
                amount = bands[band] * share * (1.02 ** (start_year - years[0]))
                self.ehc_years.append((p, start_year, since, share, Decimal(round(amount))))
                self.rows.top_ups.append(
                    TopUpFunding(
                        pupil=p.pupil,
                        start_year=start_year,
                        amount=Decimal(round(amount)),
                        note=note,
                    )
                )

    def _ehc_support(self) -> list[SpendingLine]:
        """A mainstream pupil with an EHC plan has the support it pays for: a teaching
        assistant's in-class hours (section F) costing at least the top-up plus the first
        £6,000 the school meets from its notional budget, dated when the year's funding starts."""
        role = self.roles["TA level 3"]
        out = []
        tas = self.s.tas or [self.s.senco]
        for i, (p, start_year, since, share, top_up) in enumerate(self.ehc_years):
            if since > self.today:
                continue
            weeks = max(1, round(SUPPORT_STAFF_WEEKS * share))
            needed = top_up + Decimal(ELEMENT_TWO) * Decimal(str(share))
            if needed <= 0:  # funding from the last day of the year: nothing to staff
                continue
            hours = min(
                MAX_IN_CLASS_HOURS,
                Decimal(ceil(needed / (role.hourly_cost * weeks) * 2)) / 2,
            )
            out.append(
                SpendingLine(
                    school=self.s.school,
                    start_year=start_year,
                    category=SpendingCategory.STAFFING,
                    description="In-class support in the EHC plan (section F)",
                    supplier=tas[i % len(tas)].get_full_name(),
                    spent_on=since,
                    pupil=p.pupil,
                    staff_role=role,
                    hours_per_week=hours,
                    weeks=weeks,
                )
            )
        return out

    # -- writing -----------------------------------------------------------------------------
    def save(self) -> dict[str, int]:
        rows = self.rows
        StaffRole.objects.bulk_create(rows.roles, batch_size=BATCH)
        Provision.objects.bulk_create(rows.provisions, batch_size=BATCH)
        insert_rows(Provision.targets.through, ("provision_id", "target_id"), rows.links)
        Enrolment.objects.bulk_create(rows.enrolments, batch_size=BATCH)
        insert_rows(Session, SESSION_COLUMNS, rows.sessions)
        # A provision has one session a day: read the new sessions' ids back by that key.
        ids = {
            (provision, on): pk
            for pk, provision, on in Session.objects.filter(
                provision__school=self.s.school
            ).values_list("pk", "provision_id", "on")
        }
        insert_rows(
            SessionAttendance,
            ("session_id", "pupil_id", "present"),
            [(ids[(prov.pk, on)], pupil, here) for prov, on, pupil, here in rows.attendance],
        )
        insert_rows(Measure, MEASURE_COLUMNS, rows.measures)
        NotionalBudget.objects.bulk_create(rows.budgets, batch_size=BATCH)
        TopUpFunding.objects.bulk_create(rows.top_ups, batch_size=BATCH)
        SpendingLine.objects.bulk_create(rows.spending, batch_size=BATCH)
        return {
            "staff_roles": len(rows.roles),
            "provisions": len(rows.provisions),
            "provision_targets": len(rows.links),
            "enrolments": len(rows.enrolments),
            "sessions": len(rows.sessions),
            "attendance_marks": len(rows.attendance),
            "measures": len(rows.measures),
            "budgets": len(rows.budgets),
            "top_ups": len(rows.top_ups),
            "spending_lines": len(rows.spending),
        }


# --- pure helpers ----------------------------------------------------------------------------


def _provision_on(p: SeedPupil, day: date) -> str:
    """The pupil's SEN provision code (N, K or E) on `day`."""
    for entry in p.entries:
        if entry.start_date <= day and (entry.end_date is None or day <= entry.end_date):
            return entry.provision
    return "N"


def _register_end(p: SeedPupil, day: date) -> date | None:
    """The last day of the unbroken time on the register that includes `day` (None: still on
    it, or not on it that day)."""
    entries = p.entries
    i = next(
        (
            i
            for i, e in enumerate(entries)
            if e.start_date <= day and (e.end_date is None or day <= e.end_date)
        ),
        None,
    )
    if i is None or entries[i].provision not in census.ON_REGISTER:
        return None
    end = entries[i].end_date
    for entry in entries[i + 1 :]:
        if entry.provision not in census.ON_REGISTER:
            break
        end = entry.end_date
    return end


def _area(p: SeedPupil, day: date, rng: random.Random) -> str:
    codes = [
        n.need_type
        for n in p.needs
        if n.start_date <= day and (n.end_date is None or day <= n.end_date)
    ]
    code = codes[0] if codes and rng.random() < 0.8 else (codes[-1] if codes else "NSA")
    area = census.broad_area(code)
    return ("SEMH" if code == "OTH" else "CL") if area == "NA" else area


def _band(nc: str) -> str:
    """Groups mix the year groups of one key stage."""
    if nc in ("R", "1", "2"):
        return "KS1"
    if nc in ("3", "4", "5", "6"):
        return "KS2"
    return "KS3" if nc in ("7", "8", "9") else "KS4+"


def _presence(p: SeedPupil) -> float:
    attendance = float(p.pupil.attendance_percent or 92)
    return min(0.99, max(0.6, attendance / 100 - 0.01))


_HOLIDAYS: dict[int, frozenset[date]] = {}


def _bank_holidays(year: int) -> frozenset[date]:
    """The two May bank holidays (the only ones that fall in a typical term)."""
    if year not in _HOLIDAYS:
        first = date(year, 5, 1) + DAY * ((7 - date(year, 5, 1).weekday()) % 7)
        last = date(year, 5, 31) - DAY * date(year, 5, 31).weekday()
        _HOLIDAYS[year] = frozenset({first, last})
    return _HOLIDAYS[year]
