"""Response headers every page and download needs (issue 12, item 10), set in one place.

- `Permissions-Policy` on every response: sendpath uses no camera, microphone, location, payment
  or other device feature, so none is allowed, for this page or anything embedded in it. Passkeys
  (WebAuthn) stay allowed for sendpath's own pages, for a second factor.
- `Cache-Control: no-store` (Django's never-cache headers) on every response to a signed-in user,
  and on everything under /api/ or sent with an `Authorization` header (a token): school computers
  are shared, and a browser or proxy must not keep a page, fragment or export with pupil data.
  The rule is "authenticated", not "has pupil data": simpler to trust, and costs only the cache of
  pages that are personal anyway. Static files and the public pages (sign-in) stay cacheable.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "bluetooth=()",
        "camera=()",
        "display-capture=()",
        "encrypted-media=()",
        "geolocation=()",
        "gyroscope=()",
        "hid=()",
        "idle-detection=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "picture-in-picture=()",
        "publickey-credentials-get=(self)",
        "screen-wake-lock=()",
        "serial=()",
        "usb=()",
        "xr-spatial-tracking=()",
    ]
)


def _private(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # absent when WhiteNoise answered (a static file)
    return bool(
        (user is not None and user.is_authenticated)
        or request.path.startswith("/api/")
        or "authorization" in request.headers
    )


class PrivacyHeadersMiddleware:
    """First in MIDDLEWARE, so it also sees static files, redirects and error pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _private(request):
            add_never_cache_headers(response)
        return response
