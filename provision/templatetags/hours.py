"""{{ value|hours }}: hours to a tenth, halves up (costing.hours_shown), the one rule for hours."""

from decimal import Decimal

from django import template

from provision import costing

register = template.Library()


@register.filter
def hours(value: Decimal | int | float | None) -> str:
    return "" if value is None else f"{costing.hours_shown(value):f}"
