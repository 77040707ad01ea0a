"""Signposting for a family: the LA's settings with the school's own on top, field by field.

Pure: plain mappings in, a plain mapping out (no Django), so the rule reads on its own.
"""

from collections.abc import Mapping

FIELDS = (
    "local_offer_url",
    "sendiass_name",
    "sendiass_phone",
    "sendiass_email",
    "sendiass_url",
    "concerns_how",
    "complaints_how",
    "complaints_url",
    "information_report_url",
    "school_phone",
)
# What only a school signposts: its phone, its complaints policy, its SEN information report.
SCHOOL_ONLY = frozenset({"complaints_url", "information_report_url", "school_phone"})
# The fields in someone's own words, shown as written: each gets a `<name>_by`, "school" or "la",
# so the family sees who wrote it.
WORDS = ("concerns_how", "complaints_how")
# How many days before the review the parents' views open when neither the school nor the LA
# says: three weeks, so a family has two weekends to talk it over.
DEFAULT_VIEWS_OPEN_DAYS = 21


def merged(
    la: Mapping[str, object] | None, school: Mapping[str, object] | None
) -> dict[str, object]:
    """Each field from the school when it set one, else from the LA, else empty; who wrote each
    of the WORDS fields ("school", "la" or ""); and the days before a review that views open
    (the school's, the LA's, else DEFAULT_VIEWS_OPEN_DAYS)."""
    out: dict[str, object] = {}
    for name in FIELDS:
        value = (school or {}).get(name) or (la or {}).get(name) or ""
        out[name] = value
    for name in WORDS:
        out[f"{name}_by"] = "school" if (school or {}).get(name) else "la" if out[name] else ""
    days = (school or {}).get("views_open_days")
    if days is None:
        days = (la or {}).get("views_open_days")
    out["views_open_days"] = DEFAULT_VIEWS_OPEN_DAYS if days is None else days
    return out


def is_empty(found: Mapping[str, object]) -> bool:
    """Whether nothing at all is signposted (the page then says to ask the school)."""
    return not any(found.get(name) for name in FIELDS)
