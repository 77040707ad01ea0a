"""Links to many records of one kind, for tables of many rows: each URL pattern is reversed
once (per script prefix) and the primary key put in its place, instead of reverse() per row."""

from functools import cache

from django.urls import get_script_prefix, reverse

_SENTINEL = 987654321


@cache
def _halves(name: str, script_prefix: str) -> tuple[str, str]:
    before, after = reverse(name, args=[_SENTINEL]).split(str(_SENTINEL))
    return before, after


def pk_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a URL pattern with one integer argument."""
    before, after = _halves(name, get_script_prefix())
    return f"{before}{int(pk)}{after}"
