"""The sign-in gate for two-factor authentication (accounts/two_factor.py decides the state)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts import two_factor

# Reachable before the second step: the step itself, signing out, static files, the health
# check, and the API (which lets only tokens and sessions past the gate in: api/auth.py).
OPEN_PREFIXES = (
    "/accounts/two-factor/",
    "/accounts/logout/",
    "/accounts/login/",
    "/static/",
    "/healthz",
    "/api/",
)


def two_factor_gate(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_PREFIXES) and request.user.is_authenticated:
            state = two_factor.session_state(request)
            if state != "ok":
                step = "two_factor_verify" if state == "code" else "two_factor_setup"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(step)}?{query}")
        return get_response(request)

    return middleware
