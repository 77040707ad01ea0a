"""Who is calling: a personal API token (``Authorization: Bearer sp_...``) or, so the browser can
read and try the docs, a signed-in session. Either way the caller reaches exactly what their user
reaches; the access package (access/) decides that."""

from typing import cast

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from accounts import two_factor
from accounts.models import ApiToken, User


class ApiTokenAuth(HttpBearer):
    """A bearer token issued by ApiToken.issue; revoked and expired tokens and inactive users
    are refused (401 in the API's error shape, api/errors.py)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(ApiToken.PREFIX):
            return None
        user = ApiToken.authenticate(token)
        if user is not None:
            # The access rules and the audit trail read request.user, as in the web views.
            request.user = user
        return user


class TwoFactorSessionAuth(SessionAuth):
    """The session cookie, once the session is past the sign-in gate (a code, or enrolment, if
    the user needs one: accounts/two_factor.py). Tokens are made behind that gate, so token
    calls need no second step."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is None or not two_factor.passed(request):
            return None
        return cast(User, user)


# The session cookie: ninja checks the CSRF token on unsafe methods for this one.
session_auth = TwoFactorSessionAuth()


def api_user(request: HttpRequest) -> User:
    """The user the request was authenticated as (ninja sets request.auth)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
