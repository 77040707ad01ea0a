"""The LA's EHC figures for a calendar year, measured as the DfE's SEN2 release measures them, so
they sit beside the national figures (statutory/national.py). A pure module: plain values in,
plain values out; no Django.

- requests: requests received in the year; of the decisions whether to assess made in the year
  (assess or not), the share made within 6 weeks of the request;
- plans in 20 weeks: of the final plans issued in the year from a request, the share issued
  within 20 weeks of it, all plans ("including exceptions") and those where no reg 10(4)
  exception applied ("excluding exceptions");
- annual reviews on time: of the LA decisions after a review meeting made in the year, the share
  made within 4 weeks of the meeting (the release's measure).

As in the release, the weeks are counted from the request or the meeting without moving them for
the exceptions (the exceptions are instead left out of the second 20-week figure).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class RequestFact:
    received: date
    decided: date | None  # a decision to assess or not (not a withdrawal)
    plan_issued: date | None
    exception_applied: bool  # SEN2 Week20


@dataclass(frozen=True)
class ReviewFact:
    meeting: date
    decided: date | None


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, with the percentage to one decimal place (None when whole is 0)."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return None if not self.whole else round(100 * self.part / self.whole, 1)


@dataclass(frozen=True)
class LAFigures:
    year: int
    requests: int
    decisions_6_weeks: Share
    plans_20_weeks: Share
    plans_20_weeks_ex: Share
    reviews_4_weeks: Share


def _in(day: date | None, year: int) -> bool:
    return day is not None and day.year == year


def la_figures(
    year: int, requests: Iterable[RequestFact], reviews: Iterable[ReviewFact]
) -> LAFigures:
    requests, reviews = list(requests), list(reviews)
    decided = [r for r in requests if _in(r.decided, year)]
    in6 = [r for r in decided if r.decided <= r.received + timedelta(weeks=6)]  # type: ignore[operator]
    issued = [r for r in requests if _in(r.plan_issued, year)]
    in20 = [r for r in issued if r.plan_issued <= r.received + timedelta(weeks=20)]  # type: ignore[operator]
    ex = [r for r in issued if not r.exception_applied]
    in20_ex = [r for r in in20 if not r.exception_applied]
    settled = [r for r in reviews if _in(r.decided, year)]
    in4 = [r for r in settled if r.decided <= r.meeting + timedelta(weeks=4)]  # type: ignore[operator]
    return LAFigures(
        year=year,
        requests=sum(1 for r in requests if r.received.year == year),
        decisions_6_weeks=Share(len(in6), len(decided)),
        plans_20_weeks=Share(len(in20), len(issued)),
        plans_20_weeks_ex=Share(len(in20_ex), len(ex)),
        reviews_4_weeks=Share(len(in4), len(settled)),
    )
