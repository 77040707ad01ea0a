"""Reads of attainment: a school's flags (the four criteria over its assessment points) in a fixed
number of queries, whatever the size of the school."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import CharField, F, Q
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

from accounts.models import School
from attainment import criteria
from attainment.models import AssessmentPoint, FlagDismissal, IdentificationSettings, Subject
from pupils.models import Pupil


def thresholds_for(school: School | int) -> criteria.Thresholds:
    """The school's settings for the criteria, or the defaults."""
    school_id = school if isinstance(school, int) else school.pk
    row = IdentificationSettings.objects.filter(school_id=school_id).first()
    return row.thresholds if row else criteria.Thresholds()


@dataclass(frozen=True)
class Flag:
    """A pupil's result in one subject that meets one or more criteria."""

    pupil_id: int
    upn: str
    subject_id: int
    result: criteria.Result

    @property
    def subject(self) -> str:
        return self.result.subject

    @property
    def criteria(self) -> list[int]:
        return self.result.criteria

    @property
    def explanation(self) -> str:
        return self.result.explanation

    def as_json(self) -> dict[str, object]:
        return {
            "upn": self.upn,
            "subject": self.subject,
            "criteria": self.criteria,
            "explanation": self.explanation,
        }


def results_for_school(
    school: School | int,
    on: date,
    *,
    pupil_ids: Iterable[int] | None = None,
    flagged_only: bool = False,
) -> tuple[list[criteria.Result], dict[str, Subject], dict[str, str]]:
    """Every pupil's result in every subject (the pupils on roll on `on`; only those meeting a
    criterion with `flagged_only`), the subjects by name and each pupil id's UPN. Four queries:
    the subjects, the settings, the pupils, the points."""
    school_id = school if isinstance(school, int) else school.pk
    subjects = {s.name: s for s in Subject.objects.filter(school_id=school_id)}
    if not subjects:
        return [], subjects, {}
    t = thresholds_for(school_id)
    upns, series = _series(school_id, subjects, on)
    scales = {name: s.scale for name, s in subjects.items()}
    results = criteria.assess_series(series, scales, on, t, flagged_only=flagged_only)
    if pupil_ids is not None:
        wanted = {str(i) for i in pupil_ids}
        results = [r for r in results if r.pupil in wanted]
    return results, subjects, upns


def _day_column() -> Combinable:
    # On SQLite the date as its ISO text: the sqlite3 module's converter for a date column, run
    # on every row, costs more than the query (parsed here once per distinct day instead).
    if connection.vendor == "sqlite":
        return Cast("assessed_on", output_field=CharField())
    return F("assessed_on")


def _series(
    school_id: int, subjects: dict[str, Subject], on: date
) -> tuple[dict[str, str], criteria.Series]:
    """The points of the pupils on roll on `on`, from the start of last school year (the span
    falls back to last year; the previous rate needs the last three windows), grouped for the
    criteria: two queries, the points read as plain tuples straight into their groups (Django's
    per-row converters, or an object per row, cost more than the criteria)."""
    since = criteria.school_year_start(on).replace(year=criteria.school_year_start(on).year - 1)
    on_roll = Pupil.objects.filter(school_id=school_id).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gt=on)
    )
    pupils = {pk: (upn, year) for pk, upn, year in on_roll.values_list("pk", "upn", "nc_year")}
    query = (
        AssessmentPoint.objects.filter(
            subject__school_id=school_id, assessed_on__lte=on, assessed_on__gte=since
        )
        .order_by()
        .values_list("pupil_id", "subject_id", _day_column(), "score")
    )
    sql, params = query.query.sql_with_params()
    days = _Days()
    # (pupil id, subject id) -> the pupil's (day, score)s: one dict lookup a point.
    lists: dict[tuple[int, int], list[tuple[date, float]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            for pupil_id, subject_id, day, score in rows:
                lists[pupil_id, subject_id].append((days[day], score))
    names = {s.pk: s.name for s in subjects.values()}
    series: criteria.Series = {}
    for (pupil_id, subject_id), found in lists.items():
        pupil = pupils.get(pupil_id)
        if pupil is not None:  # None: the pupil has left
            series.setdefault((names[subject_id], pupil[1]), {})[str(pupil_id)] = found
    upns = {str(pk): upn for pk, (upn, _) in pupils.items()}
    return upns, series


class _Days(dict[object, date]):
    """A day as the database gives it (a date, or ISO text on SQLite) -> the date, each distinct
    day parsed once."""

    def __missing__(self, day: object) -> date:
        when = self[day] = day if isinstance(day, date) else date.fromisoformat(str(day))
        return when


def school_flags(school: School | int, on: date, *, with_dismissed: bool = False) -> list[Flag]:
    """The flags of a school's pupils on `on`, by UPN and subject; a flag dismissed since its
    latest assessment point is left out (unless `with_dismissed`)."""
    results, subjects, upns = results_for_school(school, on, flagged_only=True)
    dismissed = {} if with_dismissed else _dismissed(school)
    flags = []
    for r in results:
        if not r.flagged:
            continue
        subject = subjects[r.subject]
        held = dismissed.get((int(r.pupil), subject.pk))
        if held is not None and r.latest is not None and r.latest <= held:
            continue
        flags.append(Flag(int(r.pupil), upns[r.pupil], subject.pk, r))
    return sorted(flags, key=lambda f: (f.upn, f.subject))


def _dismissed(school: School | int) -> dict[tuple[int, int], date]:
    """(pupil, subject) -> the newest assessment a dismissal looked at: it holds until a newer
    point arrives."""
    school_id = school if isinstance(school, int) else school.pk
    held: dict[tuple[int, int], date] = {}
    rows = FlagDismissal.objects.filter(subject__school_id=school_id).values_list(
        "pupil_id", "subject_id", "latest_point_on"
    )
    for pupil_id, subject_id, latest in rows:
        key = (pupil_id, subject_id)
        held[key] = max(latest, held.get(key, latest))
    return held


def pupil_progress(
    pupil_id: int, school_id: int, on: date
) -> tuple[dict[str, list[criteria.ChartRow]], dict[str, criteria.Result], dict[str, Subject]]:
    """A pupil's chart rows and results per subject, against their year group's points."""
    subjects = {s.name: s for s in Subject.objects.filter(school_id=school_id)}
    year = (
        AssessmentPoint.objects.filter(pupil_id=pupil_id)
        .values_list("pupil__nc_year", flat=True)
        .first()
    )
    if not subjects or year is None:
        return {}, {}, subjects
    since = criteria.school_year_start(on).replace(year=criteria.school_year_start(on).year - 1)
    rows = AssessmentPoint.objects.filter(
        subject__school_id=school_id, pupil__nc_year=year, assessed_on__lte=on,
        assessed_on__gte=since,
    ).filter(Q(pupil__leaving_date__isnull=True) | Q(pupil__leaving_date__gt=on)).values_list(
        "pupil_id", "subject_id", "assessed_on", "score"
    )  # fmt: skip
    names = {s.pk: s.name for s in subjects.values()}
    points = [criteria.Point(str(p), names[s], year, d, v) for p, s, d, v in rows]
    scales = {name: s.scale for name, s in subjects.items()}
    t = thresholds_for(school_id)
    series = criteria.peer_band_series(points, scales, on, str(pupil_id), t)
    results = {}
    for r in criteria.assess(points, scales, on, t):
        if r.pupil == str(pupil_id):
            r.explanation = r.explanation or criteria.explain(r, scales[r.subject], t)
            results[r.subject] = r
    return series, results, subjects


def _year_group_points(
    pupil_id: int, school_id: int, since: date, until: date
) -> tuple[list[criteria.Point], dict[str, criteria.Scale], criteria.Thresholds]:
    subjects = {s.pk: s for s in Subject.objects.filter(school_id=school_id)}
    year = Pupil.objects.filter(pk=pupil_id).values_list("nc_year", flat=True).first()
    rows = AssessmentPoint.objects.filter(
        subject__school_id=school_id, pupil__nc_year=year, assessed_on__gte=since,
        assessed_on__lte=until,
    ).values_list("pupil_id", "subject_id", "assessed_on", "score")  # fmt: skip
    points = [criteria.Point(str(p), subjects[s].name, year or "", d, v) for p, s, d, v in rows]
    scales = {s.name: s.scale for s in subjects.values()}
    return points, scales, thresholds_for(school_id)


@dataclass(frozen=True)
class CycleProgress:
    """What the assessment data says about the latest cycles of a pupil on the register."""

    latest: list[criteria.PeriodProgress]  # the latest cycle, each subject
    little_or_no: list[str]  # subjects with little or no progress in each of the latest two

    @property
    def summary(self) -> str:
        if not self.little_or_no:
            return ""
        return (
            f"The assessment data shows little or no progress in {', '.join(self.little_or_no)} "
            "across the latest two cycles."
        )


def cycle_progress(
    pupil_id: int, school_id: int, periods: list[tuple[date, date]]
) -> CycleProgress:
    """The pupil's progress over each period (the latest cycles, oldest first), and the subjects
    where each of the latest two shows little or no progress. Two queries and the settings."""
    if not periods:
        return CycleProgress([], [])
    since = min(start for start, _ in periods) - timedelta(days=366)
    points, scales, t = _year_group_points(pupil_id, school_id, since, max(e for _, e in periods))
    found = [criteria.period_progress(points, scales, str(pupil_id), s, e, t) for s, e in periods]
    little = []
    if len(found) >= 2:
        last_two = [{p.subject for p in f if p.little_or_no} for f in found[-2:]]
        little = sorted(last_two[0] & last_two[1])
    return CycleProgress(found[-1], little)


def school_little_progress(
    school_id: int, periods: dict[int, list[tuple[date, date]]]
) -> dict[int, list[str]]:
    """For each pupil given with their latest cycles' periods (oldest first), the subjects where
    each of the latest two shows little or no progress; pupils with none are left out. Three
    queries whatever the number of pupils: the points are read once and split by year group."""
    wanted = {pk: p[-2:] for pk, p in periods.items() if len(p) >= 2}
    if not wanted:
        return {}
    subjects = {s.pk: s for s in Subject.objects.filter(school_id=school_id)}
    years = dict(Pupil.objects.filter(school_id=school_id).values_list("pk", "nc_year"))
    since = min(s for p in wanted.values() for s, _ in p) - timedelta(days=366)
    until = max(e for p in wanted.values() for _, e in p)
    by_year: dict[str, list[criteria.Point]] = {}
    rows = AssessmentPoint.objects.filter(
        subject__school_id=school_id, assessed_on__gte=since, assessed_on__lte=until
    ).values_list("pupil_id", "subject_id", "assessed_on", "score")
    for p, s, d, v in rows:
        year = years.get(p, "")
        by_year.setdefault(year, []).append(criteria.Point(str(p), subjects[s].name, year, d, v))
    scales = {s.name: s.scale for s in subjects.values()}
    t = thresholds_for(school_id)
    # Each year group's points grouped once, and its cohorts once for each period end.
    series = {year: criteria.group_points(points) for year, points in by_year.items()}
    memo: dict[str, dict] = {year: {} for year in series}
    out = {}
    for pk, (first, second) in wanted.items():
        year = years.get(pk, "")
        if year not in series:
            continue
        little = [
            {p.subject
             for p in criteria.series_period_progress(
                 series[year], scales, str(pk), *period, t, memo[year])
             if p.little_or_no}
            for period in (first, second)
        ]  # fmt: skip
        if found := sorted(little[0] & little[1]):
            out[pk] = found
    return out
