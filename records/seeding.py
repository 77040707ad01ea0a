"""The one seeding orchestrator: each school's staff, pupils and registers (pupils/seeding.py),
then its attainment histories (attainment/seeding.py), then its graduated-approach history (support/seeding.py), then its provision (provision/seeding.py),
then its EHC casework (statutory/seeding.py: requests, plans, reviews, transfers).
It sits above the three apps it drives; `sendpath seed`, the demo, the bench scales and the test
worlds all seed through it.
"""

import random
from datetime import date
from typing import Any

from django.db import transaction

from accounts.models import LocalAuthority, Phase
from attainment.seeding import seed_attainment
from provision.seeding import seed_provision
from pupils import seeding as pupil_seeding
from pupils.seeding import (
    PHASE_CYCLE,
    Roll,
    SchoolSpec,
    SeedResult,
    SeedSchool,
    local_authority,
    make_trusts,
)
from records.roll import write_roll_through_imports
from statutory.seeding import seed_ehc, seed_specialists
from support.seeding import seed_support


class Seeder(pupil_seeding.Seeder):
    """pupils' seeder, with each school's support and provision history written after it.
    With `through_imports`, each school's roll comes in as a new school's does: its CTF, then
    its class list (records/roll.py); the demo and the bench's school scale seed this way."""

    def __init__(self, *, through_imports: bool = False, **options: Any) -> None:
        super().__init__(**options)
        self.through_imports = through_imports

    def write_roll(self, roll: Roll) -> None:
        if not self.through_imports:
            super().write_roll(roll)
            return
        write_roll_through_imports(roll, seed=f"{self.seed}:{roll.school.urn}:ctf")

    def school_seeded(self, school: SeedSchool) -> None:
        attainment = seed_attainment(school)
        support = seed_support(school)
        result = self.result
        counts = (
            attainment
            | support.counts
            | seed_provision(school, support)
            | seed_ehc(school)
            | seed_specialists(school)
        )
        for name, count in counts.items():
            setattr(result, name, getattr(result, name) + count)


def seed_schools(
    *,
    schools: int,
    pupils_per_school: int,
    seed: int,
    today: date,
    la: LocalAuthority | None = None,
    years_of_history: int = 3,
    staff_password: str | None = None,
) -> SeedResult:
    """Make `schools` synthetic schools of `pupils_per_school` pupils each in one LA (code 820,
    made if missing, unless `la` is given): mostly primaries, some secondaries, a special school
    in ten. Some schools join a few new trusts. Staff cannot sign in unless `staff_password`."""
    rng = random.Random(seed)
    with transaction.atomic():
        la = la or local_authority("820")
        trusts = make_trusts(rng, schools)
        specs = []
        for i in range(schools):
            phase = PHASE_CYCLE[i % len(PHASE_CYCLE)]
            in_trust = trusts and rng.random() < (0.3 if phase == Phase.SPECIAL else 0.5)
            specs.append(
                SchoolSpec(phase, pupils_per_school, trust=rng.choice(trusts) if in_trust else None)
            )
        result = seed_specs(
            specs,
            seed=rng.randrange(2**32),
            today=today,
            la=la,
            years_of_history=years_of_history,
            staff_password=staff_password,
        )
        result.trusts = len(trusts)
    return result


def seed_specs(
    specs: list[SchoolSpec],
    *,
    seed: int,
    today: date,
    la: LocalAuthority,
    years_of_history: int = 3,
    staff_password: str | None = None,
    through_imports: bool = False,
) -> SeedResult:
    """Make the schools described by `specs`, with staff, classes, pupils, families and SEN
    histories, and their cycles and provision (the engine under `seed_schools` and the demo).
    With `through_imports`, each roll comes in through its CTF and class list."""
    with transaction.atomic():
        seeder = Seeder(
            seed=seed,
            today=today,
            la=la,
            years_of_history=years_of_history,
            staff_password=staff_password,
            through_imports=through_imports,
        )
        for spec in specs:
            seeder.seed_school(spec)
    return seeder.result
