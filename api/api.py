"""The sendpath API, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every endpoint needs a caller: a personal API token (``Authorization: Bearer sp_...``) or a
signed-in session. Lists are paged with ``limit`` (default 50, at most 500) and ``offset`` and
return ``{"items": [...], "count": N}``. Errors: see api/errors.py.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI

from api import errors
from api.auth import ApiTokenAuth, api_user, session_auth
from api.routers import needs, provision, pupils, register, schools, statutory, support
from audit import reads

DESCRIPTION = """
Schools, pupils, SEN register entries and needs, concerns, APDR cycles (views, notes, plans, targets,
reviews, amendments), pupil passports, and the provision map (interventions, staff roles, provisions,
enrolments, sessions with attendance, entry and exit measures), EHC needs assessment requests
(with reg 10(4) exceptions), EHC plans (sections A-K, amended versions), annual reviews (with
invitations and advice) and phase transfers, with their statutory clocks, scoped to what your
user may reach. The LA's EHC decisions are written by the LA's officers only. A `version` you send
that is stale gets 409 Conflict, in the same shape as 422.

**Authentication**: `Authorization: Bearer sp_...` with a personal API token, or a signed-in
browser session (for these docs).

**Paging**: `limit` (default 50, at most 500) and `offset`; lists return `{"items": [...],
"count": N}`.

**Errors**: 401 without valid credentials; 404 for anything outside your reach; 403 for a change
your role may not make; 422 `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` when the
request or the change is invalid — nothing is written.
"""

api = NinjaAPI(
    title="sendpath API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[ApiTokenAuth(), session_auth],
)
errors.install(api)


def audit_reads(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Every GET operation: the named pupils in what it returns (a page of rows, or one record)
    go to the audit trail in one row (audit/reads.py). Applied to every operation of the API
    below, so a new read is audited without asking; api/tests/test_read_audit.py walks them."""

    @functools.wraps(view_func)
    def audited(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        result = view_func(request, *args, **kwargs)
        if request.method == "GET":
            rows = reads.rows_of(result)
            if isinstance(result, dict) and "items" in result:
                result["items"] = rows  # the page is read once, here and in the response
            reads.log_read(request, api_user(request), rows)
        return result

    return audited


api.add_decorator(audit_reads)

api.add_router("/schools", schools.router)
api.add_router("/pupils", pupils.router)
api.add_router("/register-entries", register.router)
api.add_router("/needs", needs.router)
api.add_router("", support.router)
api.add_router("", provision.router)
api.add_router("", statutory.router)
