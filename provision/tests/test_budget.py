"""The notional SEN budget as a real budget (issue 13, item 6): spending lines by category
(staffing, interventions, bought-in services, resources, training), what the budget is and what is
counted, the SENCo's form, and who reads it."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditAction, AuditEvent
from provision import costing, reports
from provision.costing import Spending
from provision.models import NotionalBudget, SpendingLine, StaffRole
from provision.services import spending

YEAR = 2025
IN_YEAR = date(2025, 10, 6)
PAGE = reverse("provision_budget") + f"?year={YEAR}"
ADD = reverse("spending_line_add") + f"?year={YEAR}"

# --- the pure rules -----------------------------------------------------------------------------

pounds = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
hours = st.decimals(min_value=0, max_value=60, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False)
amount_lines = st.builds(
    Spending,
    category=st.sampled_from([costing.SERVICES, costing.RESOURCES, costing.TRAINING]),
    amount=pounds,
)
staffing_lines = st.builds(
    Spending,
    category=st.just(costing.STAFFING),
    hours_per_week=hours,
    weeks=st.integers(0, 52),
    hourly_rate=rates,
)
budget_lines = st.lists(st.one_of(amount_lines, staffing_lines), max_size=30)


@given(budget_lines, pounds)
def test_a_category_total_is_the_sum_of_its_lines(lines, interventions):
    totals = costing.budget_totals(lines, interventions)
    for category in costing.CATEGORIES:
        mine = [costing.spending_cost(x) for x in lines if x.category == category]
        if category == costing.INTERVENTIONS:
            mine = [interventions]
        assert totals.by_category[category] == sum(mine, Decimal(0))
    assert totals.total == sum(totals.by_category.values(), Decimal(0))
    assert list(totals.by_category) == list(costing.CATEGORIES)


@given(staffing_lines)
def test_a_staffing_line_is_rounded_once_to_the_penny(line):
    cost = costing.spending_cost(line)
    exact = Fraction(line.hours_per_week) * line.weeks * Fraction(line.hourly_rate)
    assert cost == cost.quantize(Decimal("0.01")) and cost >= 0
    assert abs(Fraction(cost) - exact) <= Fraction(1, 200)


def test_staffing_worked_by_hand():
    # A TA in class 12.5 hours a week for 38 weeks at £18.15 an hour: £8,621.25.
    ta = Spending(
        costing.STAFFING, hours_per_week=Decimal("12.5"), weeks=38, hourly_rate=Decimal("18.15")
    )
    assert costing.spending_cost(ta) == Decimal("8621.25")
    # Rounded once: 0.25 h x 3 weeks x £18.15 = £13.6125 -> £13.61 (rounding each week's
    # £4.5375 to £4.54 first would give £13.62).
    short = Spending(
        costing.STAFFING, hours_per_week=Decimal("0.25"), weeks=3, hourly_rate=Decimal("18.15")
    )
    assert costing.spending_cost(short) == Decimal("13.61")
    # Half a penny rounds up, as money() does: 0.5 h x 1 week x £18.15 = £9.075 -> £9.08.
    half = Spending(
        costing.STAFFING, hours_per_week=Decimal("0.5"), weeks=1, hourly_rate=Decimal("18.15")
    )
    assert costing.spending_cost(half) == Decimal("9.08")
    totals = costing.budget_totals(
        [ta, short, Spending(costing.SERVICES, amount=Decimal("1500"))], Decimal("144")
    )
    assert totals.by_category == {
        "staffing": Decimal("8634.86"),
        "interventions": Decimal("144.00"),
        "services": Decimal("1500.00"),
        "resources": Decimal("0.00"),
        "training": Decimal("0.00"),
    }
    assert totals.total == Decimal("10278.86") and totals.share("staffing") == 84


def test_bad_lines_are_refused():
    with pytest.raises(ValueError):
        costing.spending_cost(Spending(costing.SERVICES, amount=Decimal(-1)))
    with pytest.raises(ValueError):
        costing.spending_cost(Spending(costing.SERVICES))
    with pytest.raises(ValueError):
        costing.spending_cost(Spending(costing.INTERVENTIONS, amount=Decimal(1)))
    with pytest.raises(ValueError):
        costing.spending_cost(Spending(costing.STAFFING, hours_per_week=Decimal(-1), weeks=1))
    assert costing.budget_totals([], Decimal(0)).share("staffing") is None


# --- the report and the page ------------------------------------------------------------------


def _role(school, rate="18.15"):
    return StaffRole.objects.create(
        school=school, name="TA level 2", kind="ta2", hourly_cost=Decimal(rate)
    )


def _lines(world):
    """A TA's in-class hours for Amy, an EP's days, resources; and lines that must not count."""
    senco = world.users["senco"]
    role = _role(world.oak)
    add = spending.spending_line_add
    add(
        school=world.oak,
        start_year=YEAR,
        data=spending.SpendingInput(
            category="staffing",
            description="In-class support in Year 5",
            spent_on=date(2025, 9, 3),
            pupil=world.amy,
            staff_role=role,
            hours_per_week=Decimal("12.5"),
            weeks=38,
        ),
        by=senco,
    )
    add(
        school=world.oak,
        start_year=YEAR,
        data=spending.SpendingInput(
            category="services",
            description="Educational psychologist, 3 days",
            supplier="Testshire EP Service",
            spent_on=IN_YEAR,
            amount=Decimal("1650.00"),
        ),
        by=senco,
    )
    add(
        school=world.oak,
        start_year=YEAR,
        data=spending.SpendingInput(
            category="resources",
            description="Phonics books",
            spent_on=IN_YEAR,
            amount=Decimal("240.50"),
        ),
        by=senco,
    )
    # Another year and another school are not counted.
    add(
        school=world.oak,
        start_year=YEAR + 1,
        data=spending.SpendingInput(
            category="training",
            description="Next year",
            spent_on=date(2026, 10, 1),
            amount=Decimal(999),
        ),
        by=senco,
    )
    add(
        school=world.elm,
        start_year=YEAR,
        data=spending.SpendingInput(
            category="training", description="Elm's course", spent_on=IN_YEAR, amount=Decimal(777)
        ),
        by=world.users["outsider"],
    )


def test_the_budget_counts_every_category(world):
    NotionalBudget.objects.create(school=world.oak, start_year=YEAR, amount=Decimal(20000))
    _lines(world)
    b = reports.budget(world.oak, reports.period_for(world.oak, YEAR), today=date(2026, 8, 1))
    assert b.totals.by_category == {
        "staffing": Decimal("8621.25"),
        "interventions": Decimal("0.00"),
        "services": Decimal("1650.00"),
        "resources": Decimal("240.50"),
        "training": Decimal("0.00"),
    }
    assert b.spent == Decimal("10511.75") and b.remaining == Decimal("9488.25")
    assert b.percent_used == 53
    rows = {r.key: r for r in b.categories}
    assert [x.description for x in rows["services"].lines] == ["Educational psychologist, 3 days"]
    assert rows["staffing"].lines[0].pupil_name == "Amy Adams"


def _client(world, who):
    client = Client()
    client.force_login(world.users[who])
    return client


@pytest.mark.parametrize("who", ["senco", "slt", "governor"])
def test_cost_readers_read_the_budget_and_what_it_counts(world, who):
    NotionalBudget.objects.create(school=world.oak, start_year=YEAR, amount=Decimal(20000))
    _lines(world)
    response = _client(world, who).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for words in (
        "£10,511.75",  # spent, every category
        "£9,488.25",  # left
        "£8,621.25",  # the TA's in-class support
        "12.5 hours a week × 38 weeks × £18.15 an hour",
        "Testshire EP Service",
        "£240.50",
        "What is counted",
        "What is not counted",
        "not ring-fenced",
        "first £6,000",
        "The notional SEN budget for mainstream schools: operational guidance",
    ):
        assert words in html, words
    assert "Elm&#x27;s course" not in html and "Next year" not in html
    # Only roles that see named pupils see whose support it is.
    assert ("Amy Adams" in html) == (who != "governor")
    assert ("One pupil" in html) == (who == "governor")
    # Only the SENCo enters or removes spending.
    assert ("Add spending" in html) == (who == "senco")
    assert ("Remove" in html) == (who == "senco")


@pytest.mark.parametrize("who", ["slt", "governor", "teacher"])
def test_only_the_senco_enters_spending(world, who):
    _lines(world)
    line = SpendingLine.objects.get(school=world.oak, category="resources")
    client = _client(world, who)
    before = SpendingLine.objects.count()
    assert client.get(ADD).status_code == 403
    post = {
        "category": "resources",
        "description": "x",
        "spent_on_0": "6",
        "spent_on_1": "10",
        "spent_on_2": "2025",
        "amount": "5",
    }
    assert client.post(ADD, post).status_code == 403
    assert client.post(reverse("spending_line_remove", args=[line.pk])).status_code == 403
    assert SpendingLine.objects.count() == before


def _post(**changes):
    data = {
        "category": "staffing",
        "description": "In-class support, Year 3",
        "supplier": "",
        "spent_on_0": "1",
        "spent_on_1": "9",
        "spent_on_2": "2025",
        "pupil": "",
        "staff_role": "",
        "hours_per_week": "",
        "weeks": "",
        "amount": "",
    }
    return data | changes


def test_the_senco_adds_a_staffing_line_and_removes_it(world):
    role = _role(world.oak)
    client = _client(world, "senco")
    page = client.get(ADD).content.decode()
    assert 'name="category"' in page and 'type="radio"' in page and 'name="spent_on_0"' in page
    response = client.post(
        ADD, _post(staff_role=role.pk, hours_per_week="15", weeks="38", pupil=world.ben.pk)
    )
    assert response.status_code == 302 and response.url == PAGE
    line = SpendingLine.objects.get()
    assert (line.category, line.hours_per_week, line.weeks, line.amount) == (
        "staffing",
        15,
        38,
        None,
    )
    assert line.pupil == world.ben and line.start_year == YEAR
    html = client.get(PAGE).content.decode()
    assert "£10,345.50" in html  # 15 h x 38 weeks x £18.15
    event = AuditEvent.objects.get(object_type="provision.SpendingLine")
    assert event.action == AuditAction.CREATE and "In-class" not in str(event.data)
    assert client.post(reverse("spending_line_remove", args=[line.pk])).status_code == 302
    assert not SpendingLine.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="provision.SpendingLine", action=AuditAction.DELETE
    ).exists()


def test_the_senco_adds_a_bought_in_service(world):
    client = _client(world, "senco")
    data = _post(
        category="services",
        description="Speech and language therapy, autumn",
        supplier="NHS Trust",
        amount="2400",
    )
    assert client.post(ADD, data).status_code == 302
    line = SpendingLine.objects.get()
    assert (line.category, line.amount, line.supplier, line.staff_role) == (
        "services",
        2400,
        "NHS Trust",
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"staff_role": ""}, "staff_role", "Select the staff role."),
        ({"hours_per_week": ""}, "hours_per_week", "Enter the hours a week."),
        ({"weeks": ""}, "weeks", "Enter the number of weeks."),
        ({"category": ""}, "category", "Select what kind of spending this is."),
        ({"description": ""}, "description", "Enter what the money was spent on."),
        (
            {"spent_on_0": "", "spent_on_1": "", "spent_on_2": ""},
            "spent_on",
            "Enter the date of the spending.",
        ),
        ({"spent_on_0": "31", "spent_on_1": "2"}, "spent_on", "Enter a real date"),
        ({"spent_on_2": "2024"}, "spent_on", "The date must be in the school year 2025/26."),
        ({"category": "resources"}, "amount", "Enter the amount in pounds."),
        ({"category": "resources", "amount": "lots"}, "amount", "like 450.00."),
        ({"category": "resources", "amount": "-5"}, "amount", "greater than or equal to 0"),
        ({"hours_per_week": "many"}, "hours_per_week", "Enter the hours a week as a number"),
        ({"hours_per_week": "61"}, "hours_per_week", "at most 60"),
        ({"weeks": "60"}, "weeks", "less than or equal to 52"),
    ],
)
def test_bad_input_shows_field_errors_and_writes_nothing(world, changes, field, message):
    role = _role(world.oak)
    client = _client(world, "senco")
    data = _post(staff_role=role.pk, hours_per_week="10", weeks="38") | changes
    response = client.post(ADD, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors.get(field, [])), form.errors
    assert "govuk-error-summary" in response.content.decode()
    assert not SpendingLine.objects.exists()
    assert not AuditEvent.objects.filter(object_type="provision.SpendingLine").exists()


def test_the_service_refuses_another_schools_role_and_pupil(world):
    elm_role = _role(world.elm)
    data = spending.SpendingInput(
        category="staffing",
        description="x",
        spent_on=IN_YEAR,
        pupil=world.cara,
        staff_role=elm_role,
        hours_per_week=Decimal(5),
        weeks=10,
    )
    with pytest.raises(ValidationError) as exc:
        spending.spending_line_add(
            school=world.oak, start_year=YEAR, data=data, by=world.users["senco"]
        )
    assert set(exc.value.message_dict) == {"pupil", "staff_role"}
    assert not SpendingLine.objects.exists()


def test_another_schools_line_is_not_found(world):
    _lines(world)
    elm_line = SpendingLine.objects.get(school=world.elm)
    response = _client(world, "senco").post(reverse("spending_line_remove", args=[elm_line.pk]))
    assert response.status_code == 404
    assert SpendingLine.objects.filter(pk=elm_line.pk).exists()


def test_the_database_keeps_staffing_and_amount_lines_apart(world):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        SpendingLine.objects.create(
            school=world.oak,
            start_year=YEAR,
            category="staffing",
            description="x",
            spent_on=IN_YEAR,
            amount=5,
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        SpendingLine.objects.create(
            school=world.oak,
            start_year=YEAR,
            category="services",
            description="x",
            spent_on=IN_YEAR,
        )


def _page_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGE).status_code == 200
    return len(ctx.captured_queries)


def test_the_budget_page_reads_its_lines_in_a_constant_number_of_queries(world):
    _lines(world)
    client = _client(world, "senco")
    few = _page_queries(client)
    role = StaffRole.objects.get(school=world.oak)
    for i in range(12):
        SpendingLine.objects.create(
            school=world.oak,
            start_year=YEAR,
            category="staffing" if i % 2 else "training",
            description=f"Line {i}",
            spent_on=IN_YEAR,
            pupil=world.ben if i % 3 else None,
            staff_role=role if i % 2 else None,
            hours_per_week=Decimal(3) if i % 2 else None,
            weeks=10 if i % 2 else None,
            amount=None if i % 2 else Decimal(10),
        )
    assert _page_queries(client) == few
