"""Paging for every list: limit/offset (``?limit=50&offset=100``), returning ``{"items": [...],
"count": N}`` where count is the number of rows matching the filters. Limit defaults to 50 and may
be at most 500; a larger limit is a 422, not silently cut."""

from typing import Any

from ninja import Field
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# An offset past any real table; bounding it keeps a silly value from overflowing the database's
# integer (a 500) instead of returning an empty page.
MAX_OFFSET = 10_000_000


class ApiPagination(LimitOffsetPagination):
    class Input(LimitOffsetPagination.Input):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (at most 500)."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
