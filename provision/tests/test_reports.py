"""The provision reports (issue 4): the whole-school map, a pupil's costed map, the notional SEN
budget and impact for cost, each figure checked on a small example worked out by hand; the map's
query count is constant; PDFs render; each persona reaches only what it should.

The example (school year 2024/25 at Oak Primary, terms set by the school):
- Reading group B: Catch Up Literacy (cognition and learning), wave 2, a £18/h TA, Mondays and
  Wednesdays, 30 minutes, 2 to 30 September 2024, £30 of books; Amy and Ben (Year 5). Sessions on 2
  September (both there) and 4 September (Amy only); 9 September missed. Each session costs
  30/60 x £18 = £9. Cost £9 + £9 + £30 = £48. Amy's share £4.50 + £9 + £15 = £28.50, Ben's £4.50 +
  £15 = £19.50. Planned: 9 Mondays and Wednesdays (2, 4, 9, 11, 16, 18, 23, 25, 30), 2 delivered.
- ELSA with Dan: ELSA (social, emotional and mental health), wave 3, a £42/h teacher, Fridays, 60
  minutes, 10 January to 28 February 2025, £12 licence; Dan (Year 4). Sessions on 10 and 17
  January. Cost 2 x £42 + £12 = £96. Planned: 8 Fridays, 2 delivered.
"""

import shutil
import subprocess
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SchoolYear, Term
from audit.models import AuditAction, AuditEvent
from provision import costing, reports
from provision.models import (
    Enrolment,
    Intervention,
    Measure,
    NotionalBudget,
    Provision,
    Session,
    SessionAttendance,
    StaffRole,
    TopUpFunding,
    Wave,
)
from sendpath.testing import World, review_data
from support.models import Cycle, Plan, Review, Target, TargetRating

pytestmark = pytest.mark.django_db

YEAR = 2024
AFTER = date(2025, 9, 30)  # "today" for the figures: the whole year is in the past


def make_terms(school, start_year: int, terms: list[tuple[str, date, date]]) -> None:
    year, _ = SchoolYear.objects.get_or_create(school=school, start_year=start_year)
    for name, start, end in terms:
        Term.objects.create(school_year=year, name=name, start_date=start, end_date=end)


TERMS_2024 = [
    ("autumn", date(2024, 9, 2), date(2024, 12, 20)),
    ("spring", date(2025, 1, 6), date(2025, 4, 4)),
    ("summer", date(2025, 4, 22), date(2025, 7, 23)),
]


def session(provision, on, present, *, absent=(), delivered=True) -> Session:
    s = Session.objects.create(
        provision=provision,
        on=on,
        delivered=delivered,
        missed_reason="" if delivered else "TA covering a class",
        minutes=provision.session_minutes,
        staff_role=provision.staff_role,
    )
    for pupil in present:
        SessionAttendance.objects.create(session=s, pupil=pupil, present=True)
    for pupil in absent:
        SessionAttendance.objects.create(session=s, pupil=pupil, present=False)
    return s


def enrol(provision, *pupils) -> list[Enrolment]:
    return [
        Enrolment.objects.create(provision=provision, pupil=p, start_date=provision.start_date)
        for p in pupils
    ]


def catalogue(name: str, area: str) -> Intervention:
    """A built-in catalogue entry (made again if a transactional test flushed the migration's)."""
    return Intervention.objects.get_or_create(name=name, school=None, defaults={"area": area})[0]


def build_example(world: World) -> dict[str, Provision]:
    """The example of the module docstring."""
    oak = world.oak
    make_terms(oak, YEAR, TERMS_2024)
    ta = StaffRole.objects.create(school=oak, name="TA level 2", kind="ta2", hourly_cost=18)
    teacher = StaffRole.objects.create(school=oak, name="Teacher", kind="teacher", hourly_cost=42)
    world.dan.nc_year = "4"
    world.dan.save()
    reading = Provision.objects.create(
        school=oak,
        intervention=catalogue("Catch Up Literacy", "CL"),
        name="Reading group B",
        wave=Wave.TARGETED,
        staff=world.users["ta"],
        staff_role=ta,
        weekdays=[0, 2],
        start_time=time(9, 15),
        session_minutes=30,
        start_date=date(2024, 9, 2),
        end_date=date(2024, 9, 30),
        resource_cost=Decimal(30),
    )
    enrol(reading, world.amy, world.ben)
    session(reading, date(2024, 9, 2), [world.amy, world.ben])
    session(reading, date(2024, 9, 4), [world.amy], absent=[world.ben])
    session(reading, date(2024, 9, 9), [], delivered=False)
    elsa = Provision.objects.create(
        school=oak,
        intervention=catalogue("ELSA (Emotional Literacy Support)", "SEMH"),
        name="ELSA with Dan",
        wave=Wave.SPECIALIST,
        staff_role=teacher,
        weekdays=[4],
        session_minutes=60,
        start_date=date(2025, 1, 10),
        end_date=date(2025, 2, 28),
        licence_cost=Decimal(12),
    )
    enrol(elsa, world.dan)
    session(elsa, date(2025, 1, 10), [world.dan])
    session(elsa, date(2025, 1, 17), [world.dan])
    return {"reading": reading, "elsa": elsa}


@pytest.fixture
def example(world):
    return build_example(world)


def year_map(world, filters=None, *, named=True, term=""):
    filters = filters or reports.MapFilters()
    period = reports.period_for(world.oak, YEAR, term)
    return reports.provision_map(world.oak, period, filters, named=named, today=AFTER)


def by_key(rows):
    return {r.key: r for r in rows}


# --- periods ----------------------------------------------------------------------------------


def test_terms_are_stretched_to_cover_every_day_of_the_year(world):
    make_terms(world.oak, YEAR, TERMS_2024)
    period = reports.period_for(world.oak, YEAR)
    assert [(w.name, w.start, w.end) for w in period.windows] == [
        ("autumn", date(2024, 9, 1), date(2025, 1, 5)),
        ("spring", date(2025, 1, 6), date(2025, 4, 21)),
        ("summer", date(2025, 4, 22), date(2025, 8, 31)),
    ]
    assert not period.typical_dates
    spring = reports.period_for(world.oak, YEAR, "spring")
    assert (spring.start, spring.end, spring.label) == (
        date(2025, 1, 6),
        date(2025, 4, 21),
        "Spring term 2024/25",
    )


def test_a_year_without_term_dates_uses_typical_ones(world):
    period = reports.period_for(world.oak, 2019)
    assert period.typical_dates and len(period.windows) == 3
    assert period.start == date(2019, 9, 1) and period.end == date(2020, 8, 31)


# --- the whole-school map ---------------------------------------------------------------------


def test_map_totals(example, world):
    m = year_map(world)
    assert (m.total.provisions, m.total.pupils) == (2, 3)
    assert m.total.cost == Decimal(144)
    assert m.total.hours == Decimal(3)
    assert (m.total.delivered, m.total.planned) == (4, 17)


def test_map_by_wave_area_and_term(example, world):
    m = year_map(world)
    wave = by_key(m.by_wave)
    assert set(wave) == {"targeted", "specialist"}
    assert (wave["targeted"].cost, wave["targeted"].pupils, wave["targeted"].hours) == (
        Decimal(48),
        2,
        Decimal(1),
    )
    assert wave["targeted"].fidelity == pytest.approx(2 / 9)
    assert (wave["specialist"].cost, wave["specialist"].pupils) == (Decimal(96), 1)
    assert wave["specialist"].fidelity == pytest.approx(2 / 8)
    area = by_key(m.by_area)
    assert (area["CL"].cost, area["SEMH"].cost) == (Decimal(48), Decimal(96))
    term = by_key(m.by_term)
    assert (term["autumn"].cost, term["spring"].cost) == (Decimal(48), Decimal(96))
    assert "summer" not in term  # nothing ran


def test_map_by_year_group_uses_each_pupils_share(example, world):
    m = year_map(world)
    year = by_key(m.by_year_group)
    assert (year["5"].cost, year["5"].pupils, year["5"].provisions) == (Decimal(48), 2, 1)
    assert (year["4"].cost, year["4"].pupils) == (Decimal(96), 1)
    assert [r.key for r in m.by_year_group] == ["4", "5"]


def test_map_filters_drill_down(example, world):
    fives = year_map(world, reports.MapFilters(nc_year="5"))
    assert (fives.total.cost, fives.total.pupils, fives.total.provisions) == (Decimal(48), 2, 1)
    assert [line.provision.name for line in fives.provisions] == ["Reading group B"]
    pupils = {line.pupil.forename: line for line in fives.pupils}
    assert set(pupils) == {"Amy", "Ben"}
    assert pupils["Amy"].cost == Decimal("28.5") and pupils["Ben"].cost == Decimal("19.5")
    assert pupils["Amy"].hours_attended == Decimal(1) and pupils["Ben"].hours_attended == Decimal(
        "0.5"
    )
    specialist = year_map(world, reports.MapFilters(wave="specialist"))
    assert specialist.total.cost == Decimal(96)
    assert [line.pupil.forename for line in specialist.pupils] == ["Dan"]
    one = year_map(world, reports.MapFilters(provision=example["reading"].pk))
    assert one.total.cost == Decimal(48) and one.total.pupils == 2


def test_map_of_a_term(example, world):
    autumn = year_map(world, term="autumn")
    assert autumn.total.cost == Decimal(48) and autumn.total.provisions == 1
    summer = year_map(world, term="summer")
    assert summer.total.cost == 0 and summer.provisions == []


def test_governors_get_no_pupil_names(example, world):
    assert year_map(world, named=False).pupils is None


def test_fixed_costs_count_in_the_term_the_provision_starts(world):
    make_terms(world.oak, YEAR, TERMS_2024)
    role = StaffRole.objects.create(school=world.oak, name="TA", kind="ta2", hourly_cost=20)
    p = Provision.objects.create(
        school=world.oak,
        intervention=catalogue("Toe by Toe", "CL"),
        name="Across two terms",
        staff_role=role,
        weekdays=[0],
        session_minutes=60,
        start_date=date(2024, 12, 2),
        end_date=date(2025, 1, 27),
        resource_cost=Decimal(100),
    )
    enrol(p, world.amy)
    session(p, date(2024, 12, 2), [world.amy])
    session(p, date(2025, 1, 6), [world.amy])
    term = by_key(year_map(world).by_term)
    assert term["autumn"].cost == Decimal(120)  # £20 of staff time + £100 of books
    assert term["spring"].cost == Decimal(20)
    # Next school year brings none of the books: they were counted when the provision started.
    assert p.end_date < date(2025, 9, 1)


# --- a pupil's costed provision map -----------------------------------------------------------


def test_costed_map_of_amy(example, world):
    TopUpFunding.objects.create(pupil=world.amy, start_year=YEAR, amount=4000, note="Element 3")
    period = reports.period_for(world.oak, YEAR)
    cm = reports.costed_map(world.amy, period, today=AFTER)
    [line] = cm.lines
    assert line.provision == example["reading"]
    assert line.share == Decimal("28.5")
    # 9 planned sessions of £9 shared by two, plus half the £30 of books.
    assert line.planned_share == Decimal("55.5")
    assert (line.planned, line.delivered, line.attended, line.group_size) == (9, 2, 2, 2)
    assert line.hours_attended == Decimal(1)
    assert line.how_often == "Mon, Wed: 30 minutes at 09:15"
    assert line.who == "Ta (TA level 2)"
    assert (cm.share, cm.planned_share) == (Decimal("28.50"), Decimal("55.50"))
    assert cm.top_up is not None and cm.top_up.amount == 4000


def test_costed_map_of_a_term_without_provision(example, world):
    period = reports.period_for(world.oak, YEAR, "summer")
    assert reports.costed_map(world.amy, period, today=AFTER).lines == []


def test_costed_map_counts_a_late_joiner_from_when_they_joined(example, world):
    reading = example["reading"]
    late = Enrolment.objects.create(
        provision=reading, pupil=world.dan, start_date=date(2024, 9, 16)
    )
    period = reports.period_for(world.oak, YEAR)
    [line] = [
        x
        for x in reports.costed_map(world.dan, period, today=AFTER).lines
        if x.provision == reading
    ]
    assert line.joined == late.start_date
    assert line.planned == 5  # 16, 18, 23, 25 and 30 September
    assert line.delivered == 0 and line.share == Decimal(10)  # a third of the books


# --- the notional SEN budget ------------------------------------------------------------------


def test_budget_spend_against_the_notional_budget(example, world):
    NotionalBudget.objects.create(school=world.oak, start_year=YEAR, amount=1000)
    TopUpFunding.objects.create(pupil=world.amy, start_year=YEAR, amount=4000)
    TopUpFunding.objects.create(pupil=world.ben, start_year=YEAR + 1, amount=999)
    b = reports.budget(world.oak, reports.period_for(world.oak, YEAR), today=AFTER)
    assert b.amount == 1000 and b.spend.cost == Decimal(144)
    assert b.remaining == Decimal(856) and b.percent_used == 14 and b.overspent_by is None
    # Top-ups are shown beside the budget, not counted against it.
    assert (b.top_ups, b.top_up_pupils) == (Decimal(4000), 1)
    assert {r.key: r.cost for r in b.by_wave} == {"targeted": 48, "specialist": 96}


def test_budget_overspent_and_unset(example, world):
    NotionalBudget.objects.create(school=world.oak, start_year=YEAR, amount=100)
    b = reports.budget(world.oak, reports.period_for(world.oak, YEAR), today=AFTER)
    assert b.overspent_by == Decimal(44)
    unset = reports.budget(world.oak, reports.period_for(world.oak, YEAR + 1), today=AFTER)
    assert unset.amount is None and unset.remaining is None and unset.spend.cost == 0


# --- impact for cost --------------------------------------------------------------------------


def _measure(enrolment, kind, value, on, measure_type="age_equivalent"):
    Measure.objects.create(
        enrolment=enrolment,
        kind=kind,
        measure_type=measure_type,
        name="Salford reading test",
        on=on,
        value=value,
    )


def _rated_target(pupil, provision, rating, *, number=1, outcome=None):
    """A reviewed target linked to `provision`. Unless `outcome` says otherwise, one rated as
    expected or better was achieved and one rated below was not."""
    outcome = outcome or ("achieved" if rating >= 0 else "not_achieved")
    cycle = Cycle.objects.create(
        pupil=pupil, number=number, opened_on=date(2024, 9, 2), closed_on=date(2024, 12, 2)
    )
    plan = Plan.objects.create(
        cycle=cycle,
        plan_date=date(2024, 9, 2),
        review_date=date(2024, 12, 2),
        outcomes="Reads simple books on their own.",
    )
    target = Target.objects.create(
        plan=plan, description="Read 40 of the first 100 words", target_date=date(2024, 12, 2)
    )
    provision.targets.add(target)
    review = Review.objects.create(cycle=cycle, **review_data(held_on=date(2024, 12, 2)))
    TargetRating.objects.create(review=review, target=target, rating=rating, outcome=outcome)
    return target


def test_impact_line_of_a_provision(example, world):
    reading = example["reading"]
    amy, ben = (Enrolment.objects.get(provision=reading, pupil=p) for p in (world.amy, world.ben))
    # Age-equivalent months: Amy 84 -> 90, Ben 80 -> 83, over 91 days (91 / 30.44 months).
    for e, entry, exit_ in [(amy, 84, 90), (ben, 80, 83)]:
        _measure(e, "entry", entry, date(2024, 9, 2))
        _measure(e, "exit", exit_, date(2024, 12, 2))
    _rated_target(world.amy, reading, 0)  # met
    _rated_target(world.ben, reading, -1)  # not met
    report = reports.impact(world.oak, reports.period_for(world.oak, YEAR), today=AFTER)
    [line] = [x for x in report.provisions if x.name == "Reading group B"]
    months = 91 / 30.44
    assert line.measure_type == "age_equivalent"
    assert (line.impact.pupils, line.impact.with_data) == (2, 2)
    assert line.impact.small_sample  # fewer than costing.SMALL_SAMPLE
    assert line.impact.average_gain == pytest.approx(4.5)
    assert line.impact.average_against_expected == pytest.approx((6 / months + 3 / months) / 2)
    assert line.impact.met_targets_share == pytest.approx(0.5)
    assert line.impact.cost_per_pupil == Decimal("24.00")  # £48 / 2
    assert line.impact.cost_per_unit_gain == Decimal("5.33")  # £24 / 4.5 months
    assert line.fidelity_percent == 22  # 2 of 9
    assert line.average_gain_shown == "+4.5 months"
    assert line.against_expected_shown == "1.5 × typical rate"
    [catch_up] = [x for x in report.interventions if x.name == "Catch Up Literacy"]
    assert catch_up.impact == line.impact


def test_on_track_but_not_achieved_is_not_counted_as_met(example, world):
    """Issue 13: "as expected" with the target partly achieved is not a met target."""
    reading = example["reading"]
    _rated_target(world.amy, reading, 0, outcome="partly_achieved")
    _rated_target(world.ben, reading, 1, outcome="achieved")
    report = reports.impact(world.oak, reports.period_for(world.oak, YEAR), today=AFTER)
    [line] = [x for x in report.provisions if x.name == "Reading group B"]
    assert line.impact.met_targets_share == pytest.approx(0.5)


def test_impact_without_entry_and_exit_data(example, world):
    report = reports.impact(world.oak, reports.period_for(world.oak, YEAR), today=AFTER)
    [line] = [x for x in report.provisions if x.name == "ELSA with Dan"]
    assert line.measure_type == "" and line.impact.with_data == 0
    assert line.impact.average_gain is None and line.impact.cost_per_unit_gain is None
    assert line.impact.cost_per_pupil == Decimal("96.00")
    assert line.impact.met_targets_share is None
    assert line.average_gain_shown == "–"


def test_impact_of_an_intervention_adds_up_its_provisions(example, world):
    reading = example["reading"]
    again = Provision.objects.create(
        school=world.oak,
        intervention=reading.intervention,
        name="Reading group C",
        staff_role=reading.staff_role,
        weekdays=[1],
        session_minutes=30,
        start_date=date(2025, 1, 7),
        end_date=date(2025, 1, 28),
    )
    enrol(again, world.amy, world.dan)
    session(again, date(2025, 1, 7), [world.amy, world.dan])  # £9
    _rated_target(world.dan, again, 1)
    _rated_target(world.amy, reading, 0)
    _rated_target(world.amy, again, -2, number=2)  # Amy misses one of her linked targets
    report = reports.impact(world.oak, reports.period_for(world.oak, YEAR), today=AFTER)
    [line] = [x for x in report.interventions if x.name == "Catch Up Literacy"]
    assert line.impact.pupils == 3  # Amy once, Ben, Dan
    assert line.impact.cost_per_pupil == Decimal("19.00")  # (£48 + £9) / 3
    assert line.impact.met_targets_share == pytest.approx(1 / 2)  # Dan met; Amy did not
    assert (line.delivered, line.planned) == (3, 9 + 4)


def test_impact_keeps_measures_of_different_kinds_apart(example, world):
    reading = example["reading"]
    amy, ben = (Enrolment.objects.get(provision=reading, pupil=p) for p in (world.amy, world.ben))
    _measure(amy, "entry", 84, date(2024, 9, 2), "standardised")
    _measure(amy, "exit", 90, date(2024, 12, 2), "standardised")
    _measure(ben, "entry", 10, date(2024, 9, 2), "raw")
    _measure(ben, "exit", 12, date(2024, 12, 2), "raw")
    report = reports.impact(world.oak, reports.period_for(world.oak, YEAR), today=AFTER)
    lines = {x.measure_type: x for x in report.provisions if x.name == "Reading group B"}
    assert set(lines) == {"raw", "standardised"}
    assert lines["standardised"].impact.average_gain == 6
    assert lines["standardised"].against_expected_shown == "+6.0"
    assert lines["raw"].impact.average_gain == 2


def test_every_formula_in_costing_is_explained_on_the_impact_page():
    doc = costing.__doc__ or ""
    defined = [
        line.removeprefix("- ").split(":")[0]
        for line in doc.split("Definitions", 1)[1].splitlines()
        if line.startswith("- ")
    ]
    assert defined and set(defined) <= set(reports.FORMULAS_EXPLAINED)


# --- constant queries -------------------------------------------------------------------------


def _school_of(world, provisions: int) -> None:
    make_terms(world.oak, YEAR, TERMS_2024)
    role = StaffRole.objects.create(school=world.oak, name="TA", kind="ta2", hourly_cost=20)
    toe = catalogue("Toe by Toe", "CL")
    for i in range(provisions):
        p = Provision.objects.create(
            school=world.oak,
            intervention=toe,
            name=f"Group {i}",
            wave=[Wave.UNIVERSAL, Wave.TARGETED, Wave.SPECIALIST][i % 3],
            staff_role=role,
            weekdays=[0, 3],
            session_minutes=20,
            start_date=date(2024, 9, 2),
            end_date=date(2025, 3, 28),
        )
        enrol(p, world.amy, world.ben)
        for day in (date(2024, 9, 2), date(2024, 9, 5), date(2025, 1, 6)):
            session(p, day, [world.amy], absent=[world.ben])


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        f"/staff/provision/map/?year={YEAR}",
        f"/staff/provision/map/?year={YEAR}&nc_year=5",
        f"/staff/provision/impact/?year={YEAR}",
        f"/staff/provision/budget/?year={YEAR}",
    ],
)
def test_reports_run_a_constant_number_of_queries(world, client, url):
    client.force_login(world.users["senco"])
    _school_of(world, 3)
    few = _queries(client, url)
    _school_of_more = Provision.objects.count()
    world.oak.provisions.all().delete()
    StaffRole.objects.filter(school=world.oak).delete()
    Term.objects.filter(school_year__start_year=YEAR).delete()
    _school_of(world, 15)
    assert Provision.objects.count() == 15 and _school_of_more == 3
    assert _queries(client, url) == few


# --- pages, downloads and access --------------------------------------------------------------


URLS = {
    "map": reverse("provision_map") + f"?year={YEAR}",
    "map_xlsx": reverse("provision_map_xlsx") + f"?year={YEAR}",
    "map_pdf": reverse("provision_map_pdf") + f"?year={YEAR}",
    "impact": reverse("provision_impact") + f"?year={YEAR}",
    "budget": reverse("provision_budget") + f"?year={YEAR}",
}


def _get(world, who, url):
    client = Client()
    client.force_login(world.users[who])
    return client.get(url)


@pytest.mark.parametrize("who", ["senco", "slt", "governor"])
@pytest.mark.parametrize("page", ["map", "impact", "budget"])
def test_cost_readers_read_the_reports(example, world, who, page):
    response = _get(world, who, URLS[page])
    assert response.status_code == 200
    assert b"Reading group B" in response.content or page == "budget"


@pytest.mark.parametrize(
    "who", ["teacher", "ta", "admin", "dpo", "parent", "la_officer", "trust_officer", "nobody"]
)
@pytest.mark.parametrize("page", list(URLS))
def test_other_roles_are_refused_the_reports(example, world, who, page):
    assert _get(world, who, URLS[page]).status_code == 403


def test_an_outsider_sees_only_their_own_schools_map(example, world):
    response = _get(world, "outsider", URLS["map"])
    assert response.status_code == 200
    assert b"Reading group B" not in response.content and b"Elm Primary" in response.content


def test_the_reports_need_a_sign_in(example, world):
    response = Client().get(URLS["map"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_map_page_shows_the_figures_and_drills_down(example, world):
    response = _get(world, "senco", URLS["map"] + "&wave=targeted")
    html = response.content.decode()
    assert "£48.00" in html and "ELSA with Dan" not in html
    assert 'id="pupils"' in html and "Adams, Amy" in html
    assert "£28.50" in html  # Amy's share
    costed = reverse("pupil_costed_map", args=[world.amy.pk])
    assert costed in html


def test_map_page_names_no_pupil_for_the_governor(example, world):
    html = _get(world, "governor", URLS["map"] + "&wave=targeted").content.decode()
    assert "£48.00" in html
    assert "Amy" not in html and 'id="pupils"' not in html
    assert reverse("provision_detail", args=[example["reading"].pk]) not in html


def test_map_page_htmx_returns_the_results_only(example, world):
    client = Client()
    client.force_login(world.users["slt"])
    response = client.get(URLS["map"], headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html


def test_the_report_tables_escape_names_and_keep_links_and_money(example, world):
    """The map's provisions table and the impact tables (provision/templates/provision/reports):
    names are escaped, the SENCo's name links to the
    provision and "Show only this" filters the map, money has pence and thousands grouped."""
    reading = example["reading"]
    reading.name = 'Reading <b>group</b> "B" & co'
    reading.resource_cost = Decimal("1234.50")  # £30 of books become £1,234.50: cost £1,252.50
    reading.save()
    map_html = _get(world, "senco", URLS["map"]).content.decode()
    escaped = "Reading &lt;b&gt;group&lt;/b&gt; &quot;B&quot; &amp; co"
    assert "<b>group</b>" not in map_html and escaped in map_html
    detail = reverse("provision_detail", args=[reading.pk])
    assert f'<a class="govuk-link" href="{detail}">{escaped}</a>' in map_html
    assert f"provision={reading.pk}" in map_html and "£1,252.50" in map_html
    chosen = _get(world, "senco", URLS["map"] + f"&provision={reading.pk}").content.decode()
    assert "Show only this" not in chosen  # the only provision shown is the one chosen
    governor = _get(world, "governor", URLS["map"]).content.decode()
    assert escaped in governor and detail not in governor
    impact_html = _get(world, "governor", URLS["impact"]).content.decode()
    assert "<b>group</b>" not in impact_html and escaped in impact_html
    assert "£626.25" in impact_html  # cost per pupil: £1,252.50 / 2


def test_impact_page_names_no_pupil_and_explains_itself(example, world):
    html = _get(world, "governor", URLS["impact"]).content.decode()
    for name in ("Amy", "Ben", "Dan ", "Adams", "Brown"):
        assert name not in html
    assert "Small sample" in html and "How these figures are worked out" in html
    for words in reports.FORMULAS_EXPLAINED.values():
        assert words.replace("'", "&#x27;") in html
    assert "£24.00" in html  # cost per pupil of Reading group B


def test_budget_page_and_the_senco_sets_the_budget(example, world):
    client = Client()
    client.force_login(world.users["senco"])
    response = client.post(URLS["budget"], {"amount": "1000"})
    assert response.status_code == 302
    assert NotionalBudget.objects.get(school=world.oak, start_year=YEAR).amount == 1000
    html = client.get(URLS["budget"]).content.decode()
    assert "£1,000.00" in html and "£144.00" in html and "£856.00" in html and "14%" in html
    event = AuditEvent.objects.filter(object_type="provision.NotionalBudget").first()
    assert event is not None and event.action == AuditAction.CREATE


@pytest.mark.parametrize("who", ["slt", "governor"])
def test_only_the_senco_sets_the_budget(example, world, who):
    client = Client()
    client.force_login(world.users[who])
    assert client.post(URLS["budget"], {"amount": "1000"}).status_code == 403
    assert not NotionalBudget.objects.exists()
    assert b"Save the budget" not in client.get(URLS["budget"]).content


def _costed(world, fmt=""):
    name = {"": "pupil_costed_map", "xlsx": "pupil_costed_map_xlsx", "pdf": "pupil_costed_map_pdf"}
    return reverse(name[fmt], args=[world.amy.pk]) + f"?year={YEAR}"


@pytest.mark.parametrize("fmt", ["", "xlsx", "pdf"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("senco", 200),
        ("slt", 200),
        ("governor", 403),
        ("teacher", 403),
        ("ta", 403),
        ("admin", 403),
        ("dpo", 403),
        ("parent", 403),
        ("outsider", 404),
        ("la_officer", 403),
    ],
)
def test_costed_map_access(example, world, who, status, fmt):
    assert _get(world, who, _costed(world, fmt)).status_code == status


def test_costed_map_page_is_audited_and_shows_the_share(example, world):
    TopUpFunding.objects.create(pupil=world.amy, start_year=YEAR, amount=4000)
    html = _get(world, "slt", _costed(world)).content.decode()
    assert "£28.50" in html and "£55.50" in html and "£4,000.00" in html
    assert "Catch Up Literacy" in html and "Mon, Wed: 30 minutes at 09:15" in html
    assert "Change" not in html  # only the SENCo records top-up funding
    event = AuditEvent.objects.get(pupil_id=world.amy.pk, action=AuditAction.VIEW)
    assert event.object_type == "Costed provision map"


def test_the_senco_records_top_up_funding(example, world):
    client = Client()
    client.force_login(world.users["senco"])
    url = reverse("pupil_top_up", args=[world.amy.pk]) + f"?year={YEAR}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"amount": "6000", "note": "Element 3 from Testshire"})
    assert response.status_code == 302
    top_up = TopUpFunding.objects.get(pupil=world.amy, start_year=YEAR)
    assert top_up.amount == 6000 and top_up.note == "Element 3 from Testshire"
    slt = Client()
    slt.force_login(world.users["slt"])
    assert slt.post(url, {"amount": "1"}).status_code == 403


POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext"))


def _pdf_text(body: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(body)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_map_pdf(example, world, tmp_path):
    response = _get(world, "slt", URLS["map_pdf"])
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if POPPLER:
        text = _pdf_text(response.content, tmp_path)
        assert "Provision map" in text and "£144.00" in text and "Catch Up Literacy" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="Provision map"
    ).exists()


def test_costed_map_pdf(example, world, tmp_path):
    response = _get(world, "senco", _costed(world, "pdf"))
    assert response.content.startswith(b"%PDF")
    if POPPLER:
        text = _pdf_text(response.content, tmp_path)
        assert "Amy Adams" in text and "£28.50" in text and "Catch Up Literacy" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, pupil_id=world.amy.pk, object_type="Costed provision map"
    ).exists()
