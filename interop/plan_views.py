"""A plan (kind "plan", docs/sen-file.md) from another setting, imported for a pupil on this
school's roll by the SENCo: upload, preview (a dry run), confirm. Between preview and confirm the
file waits in the data folder (SENDPATH_UPLOADS_DIR/plan) under a random token kept in the
user's session with the pupil, so confirming imports exactly the bytes that were previewed (as
the CTF upload does, docs/decisions.md "CTF import: preview then confirm")."""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

import access
from access import Action
from accounts.models import User
from audit import log as audit
from audit.models import AuditAction
from interop.forms import PlanUploadForm
from interop.plan_import import PlanImportFailed, plan_import
from pupils.models import Pupil

PENDING_KEY = "interop_plan_pending"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _pupil(request: HttpRequest, pk: int) -> Pupil:
    reached = access.visible_pupils(_user(request)).select_related("school")
    return access.get_for_user(request, reached, pk, Action.RUN_CYCLE)


def _folder() -> Path:
    folder = Path(settings.SENDPATH_UPLOADS_DIR) / "plan"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def plan_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a plan and see what it would write (nothing is written yet)."""
    pupil = _pupil(request, pk)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"pupil": pupil, "form": form}
    if request.method == "GET":
        audit.log(AuditAction.VIEW, request.user, pupil, {"part": "plan import"}, request=request)
    if request.method == "POST" and form.is_valid():
        token = secrets.token_urlsafe(24)
        path = _folder() / f"{token}.json"
        with path.open("wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        try:
            result = plan_import(
                source=path.read_bytes(), pupil=pupil, dry_run=True, by=_user(request),
                request=request,
            )  # fmt: skip
        except PlanImportFailed as exc:
            path.unlink(missing_ok=True)
            context["failed"] = exc.result
        else:
            pending = request.session.get(PENDING_KEY, {})
            pending[token] = {"pupil": pupil.pk, "user": request.user.pk}
            request.session[PENDING_KEY] = pending
            context.update(preview=result, token=token)
    return render(request, "interop/plan_upload.html", context)


@login_required
@require_POST
def plan_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the previewed file, all at once."""
    pupil = _pupil(request, pk)
    token = request.POST.get("token", "")
    pending = request.session.get(PENDING_KEY, {})
    path = _folder() / f"{token}.json"
    if pending.get(token) != {"pupil": pupil.pk, "user": request.user.pk} or not path.is_file():
        messages.error(request, "That preview has expired or is not yours: upload the file again.")
        return redirect("plan_upload", pk=pupil.pk)
    try:
        result = plan_import(
            source=path.read_bytes(), pupil=pupil, dry_run=False, by=_user(request),
            request=request,
        )  # fmt: skip
    except PlanImportFailed as exc:
        context = {"pupil": pupil, "form": PlanUploadForm(), "failed": exc.result}
        return render(request, "interop/plan_upload.html", context)
    finally:
        pending.pop(token, None)
        request.session[PENDING_KEY] = pending
        path.unlink(missing_ok=True)
    messages.success(request, f"Imported {result.summary}.")
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("pupil_detail", pk=pupil.pk)
