"""Showing the duties' figures: small counts suppressed (accounts/disclosure.py), areas of need
and NC years by name."""

from django import template
from django.utils.translation import gettext, gettext_noop

from accounts import disclosure
from pupils import census

register = template.Library()


@register.filter
def small(count: object, threshold: int) -> str:
    """A count of pupils as the reader sees it: "fewer than 3" below the threshold."""
    if count is None or count == "":
        return "–"
    if disclosure.is_small(int(str(count)), int(threshold)):
        return gettext("fewer than %(threshold)s") % {"threshold": threshold}
    return str(count)


@register.filter
def area_label(code: str) -> str:
    """The broad area's name, in the report's language where a translation ships."""
    label = census.BROAD_AREA_LABELS.get(code)
    return gettext(label) if label else code or "Not given"


# census.BROAD_AREA_LABELS, for makemessages (census is a pure module: no gettext there).
_AREA_NAMES = (
    gettext_noop("Communication and interaction"),
    gettext_noop("Cognition and learning"),
    gettext_noop("Social, emotional and mental health"),
    gettext_noop("Sensory and/or physical"),
    gettext_noop("No broad area (OTH, NSA, DS)"),
)


@register.filter
def year_label(code: str) -> str:
    return census.NC_YEAR_LABELS.get(code, code or "Not known")


@register.filter
def get(mapping: object, key: str) -> object:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
