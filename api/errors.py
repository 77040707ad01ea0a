"""One shape for every error the API returns.

- 422: ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`` whether pydantic refused the
  request or a service refused the change (a django ValidationError, loc ``["body", field]``) or
  the database refused it (an IntegrityError). Services are atomic, so nothing is written.
- 401, 403, 404: ``{"detail": "..."}``.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status

# The name every body parameter has in the views; ninja puts it in `loc`, clients need not see it.
BODY_PARAM = "payload"


def error_item(loc: list[str | int], msg: str, type_: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": type_}


def from_ninja(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors as ninja reports them, without the body parameter's name or pydantic's
    extra keys."""
    out = []
    for err in errors:
        loc = list(err.get("loc", ()))
        if len(loc) >= 2 and loc[0] == "body" and loc[1] == BODY_PARAM:
            del loc[1]
        out.append(
            error_item(
                loc, str(err.get("msg", "Invalid value.")), str(err.get("type", "value_error"))
            )
        )
    return out


def from_django(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """A service's or a model's ValidationError, one item per message, located at the body field."""
    if not hasattr(exc, "error_dict"):
        return [error_item(["body"], msg, _code(e)) for e in exc.error_list for msg in e.messages]
    out: list[dict[str, Any]] = []
    for field, errors in exc.error_dict.items():
        loc: list[str | int] = ["body"] if field == NON_FIELD_ERRORS else ["body", field]
        out.extend(error_item(loc, msg, _code(e)) for e in errors for msg in e.messages)
    return out


def _code(exc: DjangoValidationError) -> str:
    return exc.code or "invalid"


def install(api: NinjaAPI) -> None:
    """Register the handlers on the API object."""

    def respond(request: HttpRequest, data: Any, status: int) -> HttpResponse:
        return api.create_response(request, data, status=status)

    @api.exception_handler(NinjaValidationError)
    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, {"detail": from_ninja(exc.errors)}, 422)

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, {"detail": from_django(exc)}, 422)

    @api.exception_handler(IntegrityError)
    @api.exception_handler(DataError)
    def on_database_refusal(request: HttpRequest, exc: IntegrityError | DataError) -> HttpResponse:
        # The database's own text can name tables and values; say what the client can act on.
        msg = (
            "The change conflicts with the records held (they may have just changed); "
            "reload and try again."
        )
        return respond(request, {"detail": [error_item(["body"], msg, "integrity_error")]}, 422)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, {"detail": "Not found."}, 404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, {"detail": str(exc) or "Your role cannot do that."}, 403)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request, {"detail": "Authentication required: send a valid API token."}, 401
        )
        response["WWW-Authenticate"] = 'Bearer realm="sendpath"'
        return response


def stale(exc: DjangoValidationError) -> Status[Any]:
    """409 when someone saved a newer version first (ui.versions); any other refusal is
    raised on, to be a 422 as usual."""
    if "version" not in getattr(exc, "error_dict", {}):
        raise exc
    return Status(409, {"detail": from_django(exc)})
