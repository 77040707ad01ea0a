"""Filters for the provision reports' tables: money with pence and thousands grouped (as
floatformat:"2g" writes it, without localising each cell), and a dash where there is no figure."""

from decimal import Decimal

from django import template

from provision import costing

register = template.Library()


def money(value: Decimal) -> str:
    """floatformat:"2g" without localisation: rounded half up to pence, thousands grouped."""
    return f"{costing.money(value):,.2f}"


@register.filter
def percent(value: int | None) -> str:
    return "–" if value is None else f"{value}%"


@register.filter
def pounds(value: Decimal | None) -> str:
    return "–" if value is None else f"£{money(value)}"
