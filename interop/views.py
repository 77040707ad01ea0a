"""The CTF upload for the SENCo and the school administrator: upload, preview (a dry run), confirm.

Between preview and confirm the file waits in the data folder (SENDPATH_UPLOADS_DIR/ctf) under a
random token, recorded in the user's session with the school; confirming imports exactly the
bytes that were previewed (docs/decisions.md, "CTF import: preview then confirm").
"""

import secrets
from pathlib import Path
from typing import Any

from django import forms
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
from interop.services import ImportFailed, ImportResult, ctf_import
from ui.forms import gds_helper

PENDING_KEY = "interop_ctf_pending"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Common Transfer File",
        help_text="The CTF your MIS exported (an .xml file, CTF 17 to 25), up to "
        f"{settings.SENDPATH_MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.SENDPATH_MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is too big.")
        return upload


def _folder() -> Path:
    folder = Path(settings.SENDPATH_UPLOADS_DIR) / "ctf"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def ctf_upload(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.IMPORT_PUPILS)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"school": school, "form": form}
    if request.method == "POST" and form.is_valid():
        token = secrets.token_urlsafe(24)
        path = _folder() / f"{token}.xml"
        with path.open("wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        try:
            result = ctf_import(
                source=str(path), school=school, dry_run=True, by=_user(request), request=request
            )
        except ImportFailed as exc:
            path.unlink(missing_ok=True)
            context["failed"] = exc.result
        else:
            pending = request.session.get(PENDING_KEY, {})
            pending[token] = {"school": school.pk, "user": request.user.pk}
            request.session[PENDING_KEY] = pending
            context.update(preview=result, token=token)
    return render(request, "interop/upload.html", context)


@login_required
@require_POST
def ctf_confirm(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.IMPORT_PUPILS)
    token = request.POST.get("token", "")
    pending = request.session.get(PENDING_KEY, {})
    entry = pending.get(token)
    path = _folder() / f"{token}.xml"
    if not entry or entry != {"school": school.pk, "user": request.user.pk} or not path.is_file():
        messages.error(request, "That preview has expired or is not yours: upload the file again.")
        return redirect("ctf_upload")
    try:
        result: ImportResult = ctf_import(
            source=str(path), school=school, dry_run=False, by=_user(request), request=request
        )
    except ImportFailed as exc:
        return render(
            request,
            "interop/upload.html",
            {"school": school, "form": UploadForm(), "failed": exc.result},
        )
    finally:
        pending.pop(token, None)
        request.session[PENDING_KEY] = pending
        path.unlink(missing_ok=True)
    messages.success(request, f"Imported: {result.summary}.")
    return redirect("ctf_upload")
