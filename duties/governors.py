"""The termly report for the SEN governor and senior leaders: figures only (duties/figures.py,
provision/reports, the compliance engine), for a term of a school year. Small numbers are
suppressed where they are shown (the template, accounts/disclosure.py)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts import schooldates
from accounts.models import School
from duties import figures, tally
from provision import reports
from pupils.models import Pupil
from statutory import inputs
from statutory.models import EHCPlan, EHCRequest

REVIEW_CODES = ("REVIEW_OVERDUE", "FEWER_THAN_THREE_REVIEWS", "ANNUAL_REVIEW_OVERDUE")


@dataclass
class Bar:
    """One bar of a chart with its figure (the data table beside it shows the same)."""

    label: str
    value: int
    width: int  # percent of the longest bar


def bars(rows: list[tuple[str, int]]) -> list[Bar]:
    top = max((v for _, v in rows), default=0)
    return [Bar(label, v, round(v / top * 100) if top else 0) for label, v in rows]


def _over_time(school: School, period: reports.Period, terms: int = 6) -> list[dict[str, Any]]:
    """Pupils on the register at the end of each of the last `terms` terms (to the period)."""
    ends: list[tuple[str, date]] = []
    year = period.start_year
    while len(ends) < terms and year > period.start_year - 3:
        for window in reversed(reports.period_for(school, year).windows):
            if window.end <= period.end:
                label = f"{window.label} {schooldates.school_year_label(year)}"
                ends.append((label, window.end))
        year -= 1
    out = []
    for label, end in reversed(ends[:terms]):
        provision, _ = figures.register_rows(school, end, end)
        codes = list(provision.values())
        out.append({"label": label, "K": codes.count("K"), "E": codes.count("E")})
    return out


def _by_year_group(school: School, on: date) -> dict[str, dict[str, int]]:
    provision, _ = figures.register_rows(school, on, on)
    years = dict(Pupil.objects.filter(pk__in=list(provision)).values_list("pk", "nc_year"))
    table = tally.by_year_group(provision, years)
    return dict(sorted(table.items(), key=lambda kv: _year_order(kv[0])))


def _year_order(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (-1, code)


def _reviews(school: School, period: reports.Period, on: date) -> dict[str, int]:
    held = figures.review_figures(school, period.start, min(period.end, on))
    found = inputs.school_findings(school, on)
    overdue = {code: 0 for code in REVIEW_CODES}
    for f in found:
        if f.code in overdue and f.is_breach:
            overdue[f.code] += 1
    return {**held, **{c.lower(): n for c, n in overdue.items()}}


def _ehc(school: School, period: reports.Period, on: date) -> dict[str, int]:
    requests = EHCRequest.objects.filter(pupil__school=school)
    plans = EHCPlan.objects.filter(pupil__school=school)
    return {
        "requests": requests.filter(
            received_date__gte=period.start, received_date__lte=period.end
        ).count(),
        "issued": plans.filter(issue_date__gte=period.start, issue_date__lte=period.end).count(),
        "in_force": plans.filter(issue_date__lte=on)
        .exclude(cease_date__lte=on)
        .values("pupil_id")
        .distinct()
        .count(),
    }


def governors_report(school: School, period: reports.Period, today: date) -> dict[str, Any]:
    """Every figure of the governors' report for the period (a term or the school year)."""
    on = min(period.end, today)
    provision, areas = figures.register_rows(school, on, on)
    by_area = tally.by_area(provision, areas)
    over_time = _over_time(school, period)
    year_period = reports.period_for(school, period.start_year)
    impact = figures.intervention_figures(school, period, today)
    return {
        "period_label": period.label,
        "on": on,
        "by_area": by_area,
        "area_bars": bars([(a, r["K"] + r["E"]) for a, r in by_area.items()]),
        "by_year_group": _by_year_group(school, on),
        "total": {
            "K": sum(r["K"] for r in by_area.values()),
            "E": sum(r["E"] for r in by_area.values()),
        },
        "over_time": over_time,
        "time_bars": bars([(row["label"], row["K"] + row["E"]) for row in over_time]),
        "reviews": _reviews(school, period, today),
        "interventions": impact,
        "budget": figures.budget_figures(school, year_period, today),
        "ehc": _ehc(school, period, on),
        "training": figures.training_figures(school, period.start, on),
    }
