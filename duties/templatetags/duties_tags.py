"""Showing the duties' figures: small counts suppressed (accounts/disclosure.py), areas of need
and NC years by name."""

from django import template

from accounts import disclosure
from pupils import census

register = template.Library()


@register.filter
def small(count: object, threshold: int) -> str:
    """A count of pupils as the reader sees it: "fewer than 3" below the threshold."""
    if count is None or count == "":
        return "–"
    return disclosure.count_shown(int(str(count)), int(threshold))


@register.filter
def area_label(code: str) -> str:
    return census.BROAD_AREA_LABELS.get(code, code or "Not given")


@register.filter
def year_label(code: str) -> str:
    return census.NC_YEAR_LABELS.get(code, code or "Not known")


@register.filter
def get(mapping: object, key: str) -> object:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
