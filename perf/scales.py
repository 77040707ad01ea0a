"""The sizes the bench seeds: a CI smoke test, one big school, and a whole local authority.
The first two bring each school's roll in through its CTF and class list (records/roll.py).

Every scale is a list of `SchoolSpec`s fed to the seed generator (pupils/seeding.py), so the data
has the generator's realism: SEN prevalence and need mix by phase, families, and three school
years of history — register entries and needs, concerns, APDR cycles with plans, targets and
reviews (support/seeding.py), provision with session registers, attendance and entry/exit
measures, budgets and top-ups (provision/seeding.py).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from accounts.models import LocalAuthority, Phase, Trust
from pupils.seeding import TRUST_NAMES, SchoolSpec, SeedResult, local_authority
from records.seeding import Seeder

SEED = 1
LA_CODE = "820"
YEARS_OF_HISTORY = 3

# A local authority of 100 schools and about 90,000 pupils: in each ten, six primaries of one to
# four forms of entry, three secondaries of 1,100 to 2,600 and a special school of 60 to 240.
LA_PHASES = ("primary", "secondary", "primary", "primary", "special") + (
    ("primary", "secondary", "primary", "secondary", "primary")
)
FORMS_OF_ENTRY = {1: 0.1, 2: 0.3, 3: 0.4, 4: 0.2}


@dataclass(frozen=True)
class Scale:
    name: str
    description: str
    specs: Callable[[random.Random, list[Trust]], list[SchoolSpec]]
    trusts: int = 0
    # Each school's roll through its CTF and class list, as a new school's comes in (issue 14).
    # Not the LA's: a quarter longer to seed, and import_ctf_la times that import on its own.
    through_imports: bool = True


def _tiny(rng: random.Random, trusts: list[Trust]) -> list[SchoolSpec]:
    return [SchoolSpec(Phase.PRIMARY, 100), SchoolSpec(Phase.SECONDARY, 100)]


def _school(rng: random.Random, trusts: list[Trust]) -> list[SchoolSpec]:
    return [SchoolSpec(Phase.SECONDARY, 1500)]


def _la_size(rng: random.Random, phase: str) -> int:
    if phase == Phase.PRIMARY:
        forms = rng.choices(list(FORMS_OF_ENTRY), weights=list(FORMS_OF_ENTRY.values()))[0]
        return round(forms * 210 * rng.uniform(0.9, 1.05))  # seven year groups of 30 a form
    if phase == Phase.SECONDARY:
        return rng.randint(1100, 2600)
    return rng.randint(60, 240)


def _la(rng: random.Random, trusts: list[Trust]) -> list[SchoolSpec]:
    specs = []
    for i in range(100):
        phase = LA_PHASES[i % len(LA_PHASES)]
        trust = rng.choice(trusts) if trusts and rng.random() < 0.5 else None
        specs.append(SchoolSpec(phase, _la_size(rng, phase), trust=trust))
    return specs


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale("tiny", "2 schools × 100 pupils (CI, seconds)", _tiny),
        Scale("school", "1 secondary school × 1,500 pupils", _school),
        Scale(
            "la",
            "1 LA: 100 schools, mixed phases and sizes, ~90,000 pupils",
            _la,
            trusts=10,
            through_imports=False,
        ),
    )
}


def seed_scale(
    scale: Scale,
    *,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[LocalAuthority, SeedResult]:
    """Seed every school of `scale` into the current database with the seed generator."""
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, not secrets)
    la = local_authority(LA_CODE)
    trusts = Trust.objects.bulk_create(
        Trust(name=rng.choice(TRUST_NAMES).format(p=f"Bench {n + 1}", s="Bede"))
        for n in range(scale.trusts)
    )
    specs = scale.specs(rng, trusts)
    # The engine under seed_schools, driven school by school (a transaction each, so SQLite's
    # write-ahead log stays small) and able to show progress on a long run.
    seeder = Seeder(
        seed=SEED,
        today=today,
        la=la,
        years_of_history=YEARS_OF_HISTORY,
        through_imports=scale.through_imports,
    )
    for i, spec in enumerate(specs, start=1):
        with transaction.atomic():
            seeder.seed_school(spec)
        if progress:
            progress(i, len(specs))
    seeder.result.trusts = len(trusts)
    return la, seeder.result
