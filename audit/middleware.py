"""A page that showed one pupil's record writes a READ row for them (issue 12, item 4).

access.get_for_user notes on the request each pupil whose record it handed over (a plan, a
concern, the pupil's form, a document); when the page or export is sent (a GET answered 200),
this writes one READ row for those this request has not logged already (audit/reads.py). Pages
that list several pupils log them in their views with log_read. The API logs its own reads
(api/api.py), so /api/ is left to it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from access import REACHED_PUPILS
from audit.reads import log_pupils


class PupilReadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        reached: set[int] = getattr(request, REACHED_PUPILS, set())
        if (
            reached
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not request.path.startswith("/api/")
        ):
            match = request.resolver_match
            what = (match.url_name if match else "") or ""
            log_pupils(request, request.user, sorted(reached), what=what)
        return response
