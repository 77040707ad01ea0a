"""Writes of the notional SEN budget's spending lines: staffing (a role's hours a week, such as a
TA's in-class support), bought-in services, resources and training. Keyword-only, atomic and
audited (ids, categories and amounts only: never what was typed); bad input raises
ValidationError with field errors and writes nothing. Costs are worked out in
provision/costing.py."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts import schooldates
from accounts.models import School, User
from audit import log as audit
from audit.models import AuditAction
from provision.models import SpendingCategory, SpendingLine, StaffRole
from pupils.models import Pupil

Errors = dict[str, list[str]]
MOST_HOURS_A_WEEK = Decimal(60)
MOST_WEEKS = 52


@dataclass(frozen=True)
class SpendingInput:
    """What the SENCo enters for a line. Staffing takes staff_role, hours_per_week and weeks;
    every other category takes amount."""

    category: str
    description: str
    spent_on: date
    supplier: str = ""
    pupil: Pupil | None = None
    amount: Decimal | None = None
    staff_role: StaffRole | None = None
    hours_per_week: Decimal | None = None
    weeks: int | None = None


def _errors(school: School, start_year: int, data: SpendingInput) -> Errors:
    errors: Errors = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if data.category not in SpendingCategory.values:
        add("category", "Select what kind of spending this is.")
    if not data.description.strip():
        add("description", "Enter what the money was spent on.")
    if schooldates.school_year_start(data.spent_on) != start_year:
        label = schooldates.school_year_label(start_year)
        add("spent_on", f"The date must be in the school year {label}.")
    if data.pupil is not None and data.pupil.school_id != school.pk:
        add("pupil", "Select a pupil of this school.")
    if data.category == SpendingCategory.STAFFING:
        if data.staff_role is None or data.staff_role.school_id != school.pk:
            add("staff_role", "Select the staff role.")
        hours = data.hours_per_week
        if hours is None or not hours.is_finite() or not 0 < hours <= MOST_HOURS_A_WEEK:
            add("hours_per_week", "Enter the hours a week, more than 0 and at most 60.")
        if data.weeks is None or not 1 <= data.weeks <= MOST_WEEKS:
            add("weeks", "Enter the number of weeks, from 1 to 52.")
    elif data.amount is None or not data.amount.is_finite() or data.amount < 0:
        add("amount", "Enter the amount in pounds, like 450.00.")
    return errors


@transaction.atomic
def spending_line_add(
    *,
    school: School,
    start_year: int,
    data: SpendingInput,
    by: User,
    request: HttpRequest | None = None,
) -> SpendingLine:
    """Add a line of spending to the school's notional SEN budget for the school year starting
    in September `start_year`."""
    errors = _errors(school, start_year, data)
    if errors:
        raise ValidationError(errors)
    staffing = data.category == SpendingCategory.STAFFING
    line = SpendingLine.objects.create(
        school=school,
        start_year=start_year,
        category=data.category,
        description=data.description.strip(),
        supplier=data.supplier.strip(),
        spent_on=data.spent_on,
        pupil=data.pupil,
        amount=None if staffing else data.amount,
        staff_role=data.staff_role if staffing else None,
        hours_per_week=data.hours_per_week if staffing else None,
        weeks=data.weeks if staffing else None,
    )
    audit.log(
        AuditAction.CREATE,
        by,
        line,
        {
            "start_year": start_year,
            "category": line.category,
            "amount": str(line.amount) if line.amount is not None else None,
            "staff_role": line.staff_role_id,
            "hours_per_week": str(line.hours_per_week) if staffing else None,
            "weeks": line.weeks,
            "pupil": line.pupil_id,
        },
        request=request,
    )
    return line


@transaction.atomic
def spending_line_remove(
    *, line: SpendingLine, by: User, request: HttpRequest | None = None
) -> None:
    """Remove a line entered in error from the notional SEN budget."""
    audit.log(
        AuditAction.DELETE,
        by,
        line,
        {"start_year": line.start_year, "category": line.category},
        request=request,
    )
    line.delete()
