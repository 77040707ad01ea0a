"""The figures the SEN information report and the governors' report draw from the records, for
one school and one school year (or term): database reads here, the counting in duties/tally.py.

Every figure is a plain JSON value (counts as ints, money as strings), so a published report can
freeze them (`InformationReport.figures`). Small counts are suppressed when they are shown
(duties/templatetags/duties.py, accounts/disclosure.py), never here: the test checks the raw
counts against its own.
"""

from datetime import date
from typing import Any

from accounts import schooldates
from accounts.models import School
from duties import tally
from duties.models import TrainingRecord
from provision import reports
from pupils import census
from pupils.models import Need, Pupil, RegisterEntry
from support.models import Attendance, Review


def register_rows(school: School, first: date, last: date) -> tuple[dict[int, str], dict[int, str]]:
    """({pupil: "K"/"E"}, {pupil: broad area}) for the pupils on the register between the two
    dates: two queries."""
    entries = RegisterEntry.objects.filter(
        pupil__school=school, provision__in=tally.PROVISIONS, start_date__lte=last
    ).values_list("pupil_id", "provision", "start_date", "end_date")
    provision = tally.provision_in_year(entries, first, last)
    needs = Need.objects.filter(
        pupil__school=school, rank=1, start_date__lte=last, pupil_id__in=list(provision)
    ).values_list("pupil_id", "need_type", "start_date", "end_date")
    areas = tally.area_in_year(
        ((p, census.broad_area(t), s, e) for p, t, s, e in needs), first, last
    )
    return provision, areas


def register_figures(school: School, first: date, last: date) -> dict[str, Any]:
    provision, areas = register_rows(school, first, last)
    table = tally.by_area(provision, areas)
    return {
        "by_area": table,
        "K": sum(row["K"] for row in table.values()),
        "E": sum(row["E"] for row in table.values()),
    }


def review_figures(school: School, first: date, last: date) -> dict[str, int]:
    """SEN support reviews held in the period, and how many the parents took part in."""
    held = Review.objects.filter(
        cycle__pupil__school=school, held_on__gte=first, held_on__lte=last
    ).values_list("parent_attendance", flat=True)
    attendance = list(held)
    with_parents = sum(1 for a in attendance if a != Attendance.NOT_PRESENT)
    return {"held": len(attendance), "with_parents": with_parents}


def training_figures(school: School, first: date, last: date) -> dict[str, Any]:
    """Training completed in the period: records, members of staff, hours, by area of need."""
    rows = list(
        TrainingRecord.objects.filter(
            course__school=school, completed_on__gte=first, completed_on__lte=last
        ).values_list("staff_id", "hours", "course__area")
    )
    by_area: dict[str, int] = {}
    for _, _, area in rows:
        by_area[area or "NA"] = by_area.get(area or "NA", 0) + 1
    hours = sum((h for _, h, _ in rows), start=0)
    return {
        "records": len(rows),
        "staff": len({s for s, _, _ in rows}),
        "hours": str(hours),
        "by_area": by_area,
    }


def intervention_figures(school: School, period: reports.Period, today: date) -> dict[str, Any]:
    """Interventions that ran in the period with their impact (provision/reports/impact.py)."""
    impact = reports.impact(school, period, today=today)
    lines = [
        {
            "name": line.name,
            "area": line.area,
            "pupils": line.impact.pupils,
            "fidelity": line.fidelity_percent,
            "met_targets": line.met_targets_percent,
            "cost_per_pupil": None
            if line.impact.cost_per_pupil is None
            else str(line.impact.cost_per_pupil),
        }
        for line in impact.interventions
    ]
    return {"count": len({line["name"] for line in lines}), "lines": lines}


def budget_figures(school: School, period: reports.Period, today: date) -> dict[str, Any]:
    """Spend against the notional SEN budget (provision/reports budget)."""
    budget = reports.budget(school, period, today=today)
    return {
        "amount": None if budget.amount is None else str(budget.amount),
        "spent": str(budget.spent),
        "percent": budget.percent_used,
    }


def report_figures(school: School, start_year: int, today: date) -> dict[str, Any]:
    """Every figure of the SEN information report for the school year starting `start_year`."""
    first, last = schooldates.school_year_bounds(start_year)
    period = reports.period_for(school, start_year)
    return {
        "start_year": start_year,
        "year_label": schooldates.school_year_label(start_year),
        "register": register_figures(school, first, last),
        "reviews": review_figures(school, first, last),
        "interventions": intervention_figures(school, period, today),
        "training": training_figures(school, first, last),
        "budget": budget_figures(school, period, today),
    }


def last_school_year(today: date) -> int:
    """The school year the report looks back on: the one before today's."""
    return schooldates.school_year_start(today) - 1


def pupils_on_roll(school: School) -> int:
    return Pupil.objects.filter(school=school, leaving_date__isnull=True).count()
