"""The sendpath API, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every endpoint needs a caller: a personal API token (``Authorization: Bearer sp_...``) or a
signed-in session. Lists are paged with ``limit`` (default 50, at most 500) and ``offset`` and
return ``{"items": [...], "count": N}``. Errors: see api/errors.py.
"""

from ninja import NinjaAPI

from api import errors
from api.auth import ApiTokenAuth, session_auth
from api.routers import needs, provision, pupils, register, schools, support

DESCRIPTION = """
Schools, pupils, SEN register entries and needs, concerns, APDR cycles (views, notes, plans, targets,
reviews, amendments), pupil passports, and the provision map (interventions, staff roles, provisions,
enrolments, sessions with attendance, entry and exit measures), scoped to what your user may reach. A `version` you send
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

api.add_router("/schools", schools.router)
api.add_router("/pupils", pupils.router)
api.add_router("/register-entries", register.router)
api.add_router("/needs", needs.router)
api.add_router("", support.router)
api.add_router("", provision.router)
