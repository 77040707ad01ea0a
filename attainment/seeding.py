"""Synthetic attainment histories for the seed generator (records/seeding.py runs it after
pupils' seeder, before support's).

Each seeded school assesses three subjects six times a school year, on the generator's school
years up to today: Reading and Maths as standardised scores (70 to 140: a pupil keeping pace with
their age stays level) and Writing in steps (0 to 60: about one step a point). Most pupils are
steady about their own level; some slow down for a while; some catch up; a pupil with poor
attendance misses assessments and comes back lower; a pupil arriving in the last year with EAL
starts low and climbs fast. Pupils on the register start lower and move a little slower, so the
register's "little or no progress" has something to find. The noise is small next to the
criteria's thresholds, so the flags in the demo are mostly the planted patterns.

Rows are bulk-created; nothing is audited (nothing happened).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from attainment.models import AssessmentPoint, PointSource, ScaleKind, Subject
from pupils.seeding import SeedPupil, SeedSchool

BATCH = 5000
# (month, day) of the six assessment points of a school year, autumn to summer.
POINT_DAYS = ((9, 22), (11, 3), (12, 8), (2, 9), (3, 23), (6, 22))
SUBJECTS = (
    ("Reading", ScaleKind.STANDARDISED, 70.0, 140.0),
    ("Maths", ScaleKind.STANDARDISED, 70.0, 140.0),
    ("Writing", ScaleKind.STEPS, 0.0, 60.0),
)
NOISE = 0.6


@dataclass(frozen=True)
class _Story:
    kind: str  # "steady", "slowing", "catching_up", "absent", "eal_arrival"
    turn: int  # the assessment (counting from the first) where the story turns


def _dates(start_years: list[int], today: date) -> list[date]:
    days = []
    for year in sorted(start_years):
        for month, day in POINT_DAYS:
            d = date(year if month >= 9 else year + 1, month, day)
            days.append(d)
    return [d for d in days if d <= today]


def _story(rng: random.Random, child: SeedPupil, points: int, today: date) -> _Story:
    pupil = child.pupil
    turn = rng.randint(max(1, points - 6), max(1, points - 2))
    admitted = pupil.admission_date
    if pupil.eal and admitted and (today - admitted).days < 400 and rng.random() < 0.7:
        return _Story("eal_arrival", 0)
    if (
        pupil.attendance_percent is not None
        and pupil.attendance_percent < 88
        and rng.random() < 0.5
    ):
        return _Story("absent", turn)
    draw = rng.random()
    if draw < 0.045:
        return _Story("slowing", turn)
    if draw < 0.085:
        return _Story("catching_up", turn)
    return _Story("steady", 0)


def _series(
    rng: random.Random, story: _Story, n: int, level: float, rate: float
) -> list[float | None]:
    """n scores (None for a missed assessment) around `level`, moving `rate` a point."""
    out: list[float | None] = []
    value = level
    for k in range(n):
        step = rate
        if story.kind == "slowing" and k >= story.turn:
            step = rate - 1.2
        elif story.kind == "catching_up" and k >= story.turn:
            step = rate + 1.0
        elif story.kind == "eal_arrival":
            step = rate + 1.5
        value += step
        if story.kind == "absent" and story.turn <= k < story.turn + 2:
            out.append(None)
            if k == story.turn + 1:
                value -= 5
            continue
        out.append(value + rng.gauss(0, NOISE))
    return out


def seed_attainment(school: SeedSchool) -> dict[str, int]:
    """Subjects and assessment points for every pupil of a seeded school."""
    rng = school.rng
    start_years = sorted(
        {t.start.year if t.start.month >= 8 else t.start.year - 1 for t in school.terms}
    )
    dates = _dates(start_years, school.today)
    subjects = Subject.objects.bulk_create(
        Subject(school=school.school, name=name, kind=kind, min_score=low, max_score=high)
        for name, kind, low, high in SUBJECTS
    )
    rows: list[AssessmentPoint] = []
    for child in school.pupils:
        admitted = child.pupil.admission_date
        mine = [d for d in dates if admitted is None or d >= admitted]
        if len(mine) < 2:
            continue
        story = _story(rng, child, len(mine), school.today)
        on_register = bool(child.entries) and child.entries[-1].end_date is None
        ability = rng.gauss(-9 if on_register else 2, 11)
        if story.kind == "eal_arrival":
            ability -= 12
        for subject, (_, kind, low, high) in zip(subjects, SUBJECTS, strict=True):
            if kind == ScaleKind.STEPS:
                level, rate = 24 + ability / 2.5, rng.gauss(0.75 if on_register else 1.0, 0.08)
            else:
                level, rate = 100 + ability + rng.gauss(0, 3), (-0.25 if on_register else 0.0)
            scores = _series(rng, story, len(mine), level, rate)
            for day, score in zip(mine, scores, strict=True):
                if score is None:
                    continue
                jitter = timedelta(days=rng.randint(0, 3))
                rows.append(
                    AssessmentPoint(
                        pupil=child.pupil,
                        subject=subject,
                        assessed_on=min(day + jitter, school.today),
                        score=round(min(high, max(low, score)), 1),
                        source=PointSource.SEED,
                    )
                )
    AssessmentPoint.objects.bulk_create(rows, batch_size=BATCH)
    return {"subjects": len(subjects), "assessment_points": len(rows)}
