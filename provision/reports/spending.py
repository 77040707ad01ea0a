"""The notional SEN budget's spending lines as the budget page shows them: each line with its
cost, and the totals by category (provision/costing.py's budget_totals). Reads only, one query."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.models import School
from provision import costing
from provision.models import SpendingCategory, SpendingLine

CATEGORY_LABELS = {
    costing.STAFFING: SpendingCategory.STAFFING.label,
    costing.INTERVENTIONS: "Interventions",
    costing.SERVICES: SpendingCategory.SERVICES.label,
    costing.RESOURCES: SpendingCategory.RESOURCES.label,
    costing.TRAINING: SpendingCategory.TRAINING.label,
}
CATEGORY_HINTS = {
    costing.STAFFING: "Staff time not logged as intervention sessions, such as a teaching "
    "assistant's in-class support: hours a week × weeks × the role's hourly cost.",
    costing.INTERVENTIONS: "The provision map: staff time of the sessions delivered, at each "
    "role's hourly cost, plus the resources and licences of provision that started this year.",
    costing.SERVICES: "Educational psychology, speech and language therapy, outreach and other "
    "services the school pays for.",
    costing.RESOURCES: "Equipment, materials and software bought for pupils with SEN.",
    costing.TRAINING: "Courses and training for staff about special educational needs.",
}


@dataclass(frozen=True)
class BudgetLine:
    pk: int
    category: str
    description: str
    supplier: str
    spent_on: date
    pupil_id: int | None
    pupil_name: str
    cost: Decimal
    hours_per_week: Decimal | None
    weeks: int | None
    role: str
    hourly_rate: Decimal | None
    spending: costing.Spending

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]


@dataclass(frozen=True)
class CategoryRow:
    key: str
    label: str
    hint: str
    cost: Decimal
    share: int | None  # per cent of all the spending
    lines: list[BudgetLine]


def budget_lines(
    school: School, start_year: int, *, pupil_id: int | None = None
) -> list[BudgetLine]:
    """The school's spending lines for the school year (or only those for one pupil), each
    costed."""
    rows = SpendingLine.objects.filter(school=school, start_year=start_year).select_related(
        "staff_role", "pupil"
    )
    if pupil_id is not None:
        rows = rows.filter(pupil_id=pupil_id)
    out = []
    for r in rows:
        rate = r.staff_role.hourly_cost if r.staff_role else None
        spending = costing.Spending(
            r.category,
            amount=r.amount,
            hours_per_week=r.hours_per_week,
            weeks=r.weeks or 0,
            hourly_rate=rate or Decimal(0),
        )
        out.append(
            BudgetLine(
                pk=r.pk,
                category=r.category,
                description=r.description,
                supplier=r.supplier,
                spent_on=r.spent_on,
                pupil_id=r.pupil_id,
                pupil_name=r.pupil.full_name if r.pupil else "",
                cost=costing.spending_cost(spending),
                hours_per_week=r.hours_per_week,
                weeks=r.weeks,
                role=r.staff_role.name if r.staff_role else "",
                hourly_rate=rate,
                spending=spending,
            )
        )
    return out


def category_rows(lines: list[BudgetLine], totals: costing.BudgetTotals) -> list[CategoryRow]:
    return [
        CategoryRow(
            key=key,
            label=CATEGORY_LABELS[key],
            hint=CATEGORY_HINTS[key],
            cost=totals.by_category[key],
            share=totals.share(key),
            lines=[line for line in lines if line.category == key],
        )
        for key in costing.CATEGORIES
    ]
