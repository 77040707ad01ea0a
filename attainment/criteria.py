"""The Code's four progress criteria (seed 003), worked out from assessment points.

A pure module: plain values in and out, no Django; `on` (the day the flags are for) is passed in.

The statistics, for each subject and each year group of a school:

- **Assessment windows.** Pupils are not all assessed on the same day, so the year group's dates
  are gathered into windows: a date more than `WINDOW_GAP_DAYS` after the one before starts a new
  window. A pupil's score in a window is their last one in it. Only points on or before `on` count.
- **The span** is the windows of the school year that holds `on` (from 1 September); when it has
  fewer than two, the windows of the year before. Progress is the pupil's latest score in the span
  less their first ("since September").
- **Peers** are the pupils of the same school, year group and subject, who started the span in the
  same baseline band and were measured over the same windows. Baseline bands are thirds of the
  year group by their first score in the span (a pupil's band is the third that the number of
  lower scores puts them in, so ties share a band and the order of pupils does not matter).
  The peers include the pupil. A group smaller than `min_peers` is said to be small and criterion
  1 is not decided for it.
- **Scales** have a direction: on a lower-is-better scale every score is negated first, so "+2"
  always means two points better. Thresholds are percentages of the subject's scale range, so
  one setting suits a 1-3 band scale and an 80-120 scaled score alike.

The criteria:

1. *Significantly slower than peers starting from the same baseline*: the pupil's progress is
   below the peers' `percentile` (25th) and at least `slower_margin_pct` of the scale below their
   median.
2. *Failing to match or better the previous rate*: over the pupil's last three windows, the last
   period's progress is below the one before, and by `rate_drop_pct` of the scale more than the
   year group's median change over the same windows (so a harder assessment that lowers everyone's
   scores flags no one).
3. *Failing to close the gap*: at the end of the span the pupil is at least `gap_pct` of the scale
   behind the year group's median, the gap is not closing, and their progress is below their
   peers' median by at least half of `slower_margin_pct` (a pupil making about their peers'
   progress is keeping up).
4. *Widening the gap*: the gap to the year group's median grew by at least `gap_change_pct` of the
   scale over the span. It is *closing* when it shrank by as much; both cannot hold.

Adding a constant to every score changes nothing (only differences and ranks are used), and the
result does not depend on the order of the pupils or their points.
"""

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

WINDOW_GAP_DAYS = 21
CRITERIA_LABELS = {
    1: "Progress significantly slower than peers who started from the same baseline",
    2: "Progress fails to match or better the pupil's previous rate",
    3: "Progress fails to close the gap between the pupil and their peers",
    4: "The attainment gap is widening",
}
BAND_NAMES = ("lower", "middle", "upper")


@dataclass(frozen=True)
class Thresholds:
    """A school's settings for the criteria (attainment.models.IdentificationSettings)."""

    percentile: float = 25.0
    slower_margin_pct: float = 5.0
    rate_drop_pct: float = 5.0
    gap_pct: float = 10.0
    gap_change_pct: float = 4.0
    min_peers: int = 6


@dataclass(frozen=True)
class Scale:
    """A subject's scale: its range and direction."""

    name: str
    minimum: float
    maximum: float
    lower_is_better: bool = False

    @property
    def span(self) -> float:
        return max(self.maximum - self.minimum, 1e-9)


class Point(NamedTuple):
    """One assessment point (a tuple: a school's points are many)."""

    pupil: str  # any key: the UPN, or the pupil's id as a string
    subject: str
    year_group: str
    on: date
    score: float


@dataclass
class Result:
    """One pupil's standing in one subject: the criteria met and the figures behind them."""

    pupil: str
    subject: str
    year_group: str
    criteria: list[int] = field(default_factory=list)
    explanation: str = ""
    since: date | None = None
    latest: date | None = None
    progress: float | None = None
    band: str = ""
    peers: int = 0
    peers_small: bool = False
    peer_median: float | None = None
    peer_low: float | None = None  # the `percentile`
    peer_high: float | None = None  # the 100 - `percentile`
    gap_first: float | None = None
    gap_last: float | None = None
    gap_trend: str = ""  # "closing", "widening", "steady" or ""
    rates: tuple[float, float] | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.criteria)


def percentile(ordered: Sequence[float], pct: float) -> float:
    """The `pct` percentile of sorted values, interpolating between ranks (Excel's PERCENTILE.INC)."""
    if not ordered:
        raise ValueError("no values")
    pos = (len(ordered) - 1) * pct / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def school_year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def windows(dates: Iterable[date]) -> list[tuple[date, date]]:
    """The assessment windows (first and last date) that a set of dates falls into."""
    return _window_map(set(dates))[0]


def _window_map(dates: set[date]) -> tuple[list[tuple[date, date]], dict[date, int]]:
    out: list[tuple[date, date]] = []
    index: dict[date, int] = {}
    for d in sorted(dates):
        if out and (d - out[-1][1]).days <= WINDOW_GAP_DAYS:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
        index[d] = len(out) - 1
    return out, index


@dataclass
class _Cohort:
    """One year group in one subject: each pupil's score per window (window index -> score)."""

    windows: list[tuple[date, date]]
    scores: dict[str, dict[int, float]]


# A school's points grouped for the criteria: (subject, year group) -> pupil -> (day, score)s, in
# any order. The selectors build it straight from the database's rows (no Point per row).
Series = dict[tuple[str, str], dict[str, list[tuple[date, float]]]]


def group_points(points: Iterable[Point]) -> Series:
    """Points as a Series."""
    series: Series = {}
    for p in points:
        series.setdefault((p.subject, p.year_group), {}).setdefault(p.pupil, []).append(
            (p.on, p.score)
        )
    return series


def _cohorts(
    points: Iterable[Point], on: date, scales: dict[str, Scale]
) -> dict[tuple[str, str], _Cohort]:
    return _cohorts_of(group_points(points), on, scales)


def _cohorts_of(
    series: Series, on: date, scales: dict[str, Scale]
) -> dict[tuple[str, str], _Cohort]:
    cohorts = {}
    for key, by_pupil in series.items():
        if key[0] not in scales:
            continue
        dates = {d for pts in by_pupil.values() for d, _ in pts if d <= on}
        if not dates:
            continue
        wins, index = _window_map(dates)
        negate = scales[key[0]].lower_is_better
        scores: dict[str, dict[int, float]] = {}
        for pupil, pts in by_pupil.items():
            signed = [(d, -v) for d, v in pts] if negate else pts
            mine: dict[int, float] = {}
            # The last score in a window; on the same day, the higher (so order cannot matter):
            # in (day, score) order the one written last stays.
            for d, v in sorted(signed):
                if d <= on:
                    mine[index[d]] = v
            if mine:
                scores[pupil] = mine
        cohorts[key] = _Cohort(wins, scores)
    return cohorts


def _span(cohort: _Cohort, on: date) -> list[int]:
    """The windows of `on`'s school year; the year before's when there are fewer than two."""
    start = school_year_start(on)
    this_year = [i for i, w in enumerate(cohort.windows) if w[0] >= start]
    if len(this_year) >= 2:
        return this_year
    last_start = date(start.year - 1, 9, 1)
    return [i for i, w in enumerate(cohort.windows) if last_start <= w[0] < start]


def _band(value: float, ordered: list[float]) -> int:
    below = bisect_left(ordered, value)  # how many scores are lower
    return min(2, 3 * below // len(ordered))


def _median(values: list[float]) -> float:
    return percentile(sorted(values), 50)


def assess(
    points: Iterable[Point],
    scales: dict[str, Scale],
    on: date,
    thresholds: Thresholds | None = None,
    *,
    flagged_only: bool = False,
) -> list[Result]:
    """Every pupil's result in every subject with at least two windows in the span (only those
    meeting a criterion with `flagged_only`), sorted by pupil and subject."""
    return assess_series(group_points(points), scales, on, thresholds, flagged_only=flagged_only)


def assess_series(
    series: Series,
    scales: dict[str, Scale],
    on: date,
    thresholds: Thresholds | None = None,
    *,
    flagged_only: bool = False,
) -> list[Result]:
    """`assess` over points already grouped."""
    t = thresholds or Thresholds()
    results: list[Result] = []
    for (subject, year_group), cohort in _cohorts_of(series, on, scales).items():
        results += _assess_cohort(subject, year_group, cohort, scales[subject], on, t, flagged_only)
    return sorted(results, key=lambda r: (r.pupil, r.subject))


@dataclass(frozen=True)
class _Margins:
    """A scale's thresholds in points."""

    slower: float  # criterion 1: below the peers' median by this
    lagging: float  # criterion 3: below the peers' median by this (half of `slower`)
    rate_drop: float  # criterion 2: a fall of rate beyond the year group's by this (negative)
    gap: float  # criterion 3: behind the year group's median by this
    gap_change: float  # criterion 4 (and closing): the gap moved by this

    @classmethod
    def of(cls, scale: Scale, t: Thresholds) -> "_Margins":
        span = scale.span
        return cls(
            t.slower_margin_pct * span / 100,
            t.slower_margin_pct * span / 200,
            -t.rate_drop_pct * span / 100,
            t.gap_pct * span / 100,
            t.gap_change_pct * span / 100,
        )


def _assess_cohort(
    subject: str,
    year_group: str,
    cohort: _Cohort,
    scale: Scale,
    on: date,
    t: Thresholds,
    flagged_only: bool = False,
) -> list[Result]:
    span = set(_span(cohort, on))
    if len(span) < 2:
        return []
    # Each pupil's first and last window in the span.
    ends: dict[str, tuple[int, int]] = {}
    for pupil, by in cohort.scores.items():
        mine = sorted(i for i in by if i in span)
        if len(mine) >= 2:
            ends[pupil] = (mine[0], mine[-1])
    if not ends:
        return []
    firsts: dict[int, list[float]] = defaultdict(list)
    for pupil, (first, _) in ends.items():
        firsts[first].append(cohort.scores[pupil][first])
    for values in firsts.values():
        values.sort()
    medians = {
        i: _median([by[i] for by in cohort.scores.values() if i in by])
        for i in {i for pair in ends.values() for i in pair}
    }
    groups: dict[tuple[int, int, int], list[float]] = defaultdict(list)
    bands: dict[str, int] = {}
    for pupil, (first, last) in ends.items():
        by = cohort.scores[pupil]
        bands[pupil] = _band(by[first], firsts[first])
        groups[(first, last, bands[pupil])].append(by[last] - by[first])
    # The peers' figures once per group (not once per pupil).
    peer_stats = {key: _peer_stats(values, t) for key, values in groups.items()}
    rate_changes = _rate_changes(cohort)
    m = _Margins.of(scale, t)
    out = []
    for pupil, (first, last) in ends.items():
        by = cohort.scores[pupil]
        progress = by[last] - by[first]
        stats = peer_stats[(first, last, bands[pupil])]
        met = _criterion_1(progress, stats, m, t)
        rates = _rates(by)
        if rates is not None and _criterion_2(*rates, rate_changes, m):
            met.append(2)
        gap_first = max(0.0, -(by[first] - medians[first]))
        gap_last = max(0.0, -(by[last] - medians[last]))
        trend = gap_trend(gap_first, gap_last, m.gap_change)
        if gap_last >= m.gap and trend != "closing" and stats[1] - progress >= m.lagging:
            met.append(3)
        if trend == "widening":
            met.append(4)
        if flagged_only and not met:
            continue
        result = Result(
            pupil=pupil, subject=subject, year_group=year_group, criteria=met,
            since=cohort.windows[first][0], latest=cohort.windows[last][1], progress=progress,
            band=BAND_NAMES[bands[pupil]], peers=stats[0], peers_small=stats[0] < t.min_peers,
            peer_median=stats[1], peer_low=stats[2], peer_high=stats[3], gap_first=gap_first,
            gap_last=gap_last, gap_trend=trend, rates=rates[1] if rates else None,
        )  # fmt: skip
        if met:
            result.explanation = explain(result, scale, t)
        out.append(result)
    return out


def _peer_stats(values: list[float], t: Thresholds) -> tuple[int, float, float, float]:
    """How many peers, their median, their `percentile` and their 100 - `percentile`."""
    values.sort()
    return (
        len(values),
        percentile(values, 50),
        percentile(values, t.percentile),
        percentile(values, 100 - t.percentile),
    )


def _criterion_1(
    progress: float, stats: tuple[int, float, float, float], m: _Margins, t: Thresholds
) -> list[int]:
    """[1] when slower than peers (a group smaller than `min_peers` is not compared), else []."""
    peers, median, low, _ = stats
    if peers >= t.min_peers and progress < low and median - progress >= m.slower:
        return [1]
    return []


def _rate_changes(cohort: _Cohort) -> dict[tuple[int, int, int], float]:
    """For each run of three windows some pupil was last assessed in, the year group's median
    change of rate over them."""
    changes: dict[tuple[int, int, int], list[float]] = defaultdict(list)
    for by in cohort.scores.values():
        last3 = sorted(by)[-3:]
        if len(last3) == 3:
            a, b, c = last3
            changes[(a, b, c)].append((by[c] - by[b]) - (by[b] - by[a]))
    return {key: _median(values) for key, values in changes.items()}


def _rates(
    by: dict[int, float],
) -> tuple[tuple[int, int, int], tuple[float, float]] | None:
    """The pupil's last three windows, and the progress of the period before last and of the
    last over them."""
    last3 = sorted(by)[-3:]
    if len(last3) < 3:
        return None
    a, b, c = last3
    return (a, b, c), (by[b] - by[a], by[c] - by[b])


def _criterion_2(
    windows: tuple[int, int, int],
    rates: tuple[float, float],
    rate_changes: dict[tuple[int, int, int], float],
    m: _Margins,
) -> bool:
    """Slower than the period before, by more than the year group's change over the windows."""
    before, last = rates
    return last < before and (last - before) - rate_changes[windows] <= m.rate_drop


def gap_trend(gap_first: float, gap_last: float, threshold: float) -> str:
    """ "widening", "closing" or "steady": the change of a gap (positive = behind) over a span."""
    change = gap_last - gap_first
    if change >= threshold:
        return "widening"
    if change <= -threshold:
        return "closing"
    return "steady"


def _n(value: float) -> str:
    """A difference in points, signed, without a needless decimal: +2, -1.5."""
    text = f"{value:+.1f}".removesuffix(".0")
    return "0" if text in {"+0", "-0"} else text


def _points(value: float) -> str:
    v = abs(value)
    text = f"{v:.1f}".removesuffix(".0")
    return f"{text} point" + ("" if text == "1" else "s")


def explain(result: Result, scale: Scale, t: Thresholds) -> str:
    """The result in words with its numbers, one sentence per criterion considered."""
    assert result.progress is not None and result.since is not None
    since = result.since.strftime("%B %Y")
    progress = _n(result.progress)
    unit = "point" if progress in {"+1", "-1"} else "points"
    parts = [f"{scale.name}: {progress} {unit} since {since}"]
    if result.peers_small:
        parts.append(
            f"only {result.peers} pupil{'s' if result.peers != 1 else ''} in the year group "
            f"started in the same ({result.band}) band: too few to compare with"
        )
    else:
        parts.append(
            f"pupils who started in the same ({result.band}) band made "
            f"{_n(result.peer_median or 0)} (middle half {_n(result.peer_low or 0)} to "
            f"{_n(result.peer_high or 0)}, {result.peers} pupils)"
        )
    text = "; ".join(parts) + "."
    if result.rates is not None and 2 in result.criteria:
        before, last = result.rates
        text += (
            f" The last period's progress was {_n(last)}, down from {_n(before)} the period before."
        )
    if (
        result.gap_first is not None
        and result.gap_last is not None
        and (3 in result.criteria or 4 in result.criteria or result.gap_trend == "closing")
    ):
        text += (
            f" {_points(result.gap_first).capitalize()} behind the year group's median at the "
            f"start, {_points(result.gap_last)} now: the gap is {result.gap_trend}."
        )
    return text


@dataclass(frozen=True)
class ChartRow:
    """One window of a pupil's progress chart: their score beside their peers' band."""

    window: date
    score: float | None
    peer_low: float | None
    peer_median: float | None
    peer_high: float | None
    peers: int


def peer_band_series(
    points: Iterable[Point],
    scales: dict[str, Scale],
    on: date,
    pupil: str,
    thresholds: Thresholds | None = None,
) -> dict[str, list[ChartRow]]:
    """For each subject, the pupil's score in each window of the span beside the middle half and
    median of the scores of their peers (same year group, same baseline band and first window),
    in the scale's own direction."""
    t = thresholds or Thresholds()
    out: dict[str, list[ChartRow]] = {}
    for (subject, _), cohort in _cohorts(points, on, scales).items():
        mine = cohort.scores.get(pupil)
        span = sorted(_span(cohort, on))
        if not mine or not span:
            continue
        sign = -1.0 if scales[subject].lower_is_better else 1.0
        own = [i for i in span if i in mine]
        if not own:
            continue
        first = own[0]
        starting = sorted(by[first] for by in cohort.scores.values() if first in by)
        band = _band(mine[first], starting)
        peers = [
            by
            for by in cohort.scores.values()
            if first in by and _band(by[first], starting) == band
        ]
        rows = []
        for i in span:
            values = sorted(sign * by[i] for by in peers if i in by)
            score = sign * mine[i] if i in mine else None
            if values:
                low = percentile(values, t.percentile)
                mid = percentile(values, 50)
                high = percentile(values, 100 - t.percentile)
                rows.append(ChartRow(cohort.windows[i][0], score, low, mid, high, len(values)))
            else:
                rows.append(ChartRow(cohort.windows[i][0], score, None, None, None, 0))
        out[subject] = rows
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class PeriodProgress:
    """A pupil's progress in one subject over a period (a cycle of the graduated approach), from
    their last assessment before it began to their last in it, beside their peers' over the same
    assessments (same year group and baseline band)."""

    subject: str
    start: date
    end: date
    progress: float
    peer_low: float
    peer_median: float
    peers: int
    little_or_no: bool

    def words(self) -> str:
        what = "little or no progress" if self.little_or_no else "progress"
        return (
            f"{self.subject}: {_n(self.progress)} from {self.start:%d %B %Y} to {self.end:%d %B %Y}"
            f"; pupils who started in the same band made {_n(self.peer_median)} (lowest quarter "
            f"below {_n(self.peer_low)}, {self.peers} pupils): {what}."
        )


def period_progress(
    points: Iterable[Point],
    scales: dict[str, Scale],
    pupil: str,
    start: date,
    end: date,
    thresholds: Thresholds | None = None,
) -> list[PeriodProgress]:
    """The pupil's progress in each subject over [start, end]. Little or no progress: below the
    peers' `percentile` and at least half of `slower_margin_pct` below their median (with too few
    peers, at or below nought)."""
    return series_period_progress(group_points(points), scales, pupil, start, end, thresholds)


def _peer_bands(cohort: _Cohort, a: int, b: int) -> tuple[list[float], dict[int, list[float]]]:
    """The starting scores (window a) of the pupils with scores in windows a and b, sorted, and
    each starting band's progress from a to b, sorted."""
    both = [(by[a], by[b]) for by in cohort.scores.values() if a in by and b in by]
    starting = sorted(first for first, _ in both)
    bands: dict[int, list[float]] = {0: [], 1: [], 2: []}
    for first, last in both:
        bands[_band(first, starting)].append(last - first)
    return starting, {band: sorted(made) for band, made in bands.items()}


def series_period_progress(
    series: Series,
    scales: dict[str, Scale],
    pupil: str,
    start: date,
    end: date,
    thresholds: Thresholds | None = None,
    memo: dict[Any, Any] | None = None,
) -> list[PeriodProgress]:
    """period_progress on points already grouped. Many pupils of one year group read the same
    series: pass one `memo` dict for them all, and each period end's cohorts, and each pair of
    windows' starting scores and peer bands, are worked out once (they depend only on the
    series, the end, the scales and the two windows, never on the pupil)."""
    t = thresholds or Thresholds()
    if memo is None:
        memo = {}
    if end not in memo:
        memo[end] = _cohorts_of(series, end, scales)
    out = []
    for key, cohort in memo[end].items():
        subject = key[0]
        mine = cohort.scores.get(pupil)
        if not mine:
            continue
        before = [i for i in mine if cohort.windows[i][0] <= start]
        during = [i for i in mine if start < cohort.windows[i][0] <= end]
        if not before or not during:
            continue
        a, b = max(before), max(during)
        pair = (end, key, a, b)
        if pair not in memo:
            memo[pair] = _peer_bands(cohort, a, b)
        starting, bands = memo[pair]
        peers = bands[_band(mine[a], starting)]
        progress = mine[b] - mine[a]
        low, median = percentile(peers, t.percentile), percentile(peers, 50)
        if len(peers) < t.min_peers:
            little = progress <= 0
        else:
            margin = t.slower_margin_pct * scales[subject].span / 200
            little = progress < low and median - progress >= margin
        out.append(
            PeriodProgress(
                subject,
                cohort.windows[a][0],
                cohort.windows[b][1],
                progress,
                low,
                median,
                len(peers),
                little,
            )  # fmt: skip
        )
    return sorted(out, key=lambda p: p.subject)
