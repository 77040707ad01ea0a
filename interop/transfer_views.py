"""A leaver's departure and their records: the leaving page (date, destination, the 15-school-day
clock, records sent, archiving), the leaver's CTF, the SEN file as JSON and PDF (the transfer
pack), the transfer pack's import at the receiving school, and the read-only leavers page."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import access
from access import Action
from accounts.models import User
from audit import log as audit
from audit import reads
from audit.models import AuditAction
from interop import ctf_out, leaving, rules, senfile
from interop.forms import LeavingForm, SenFileUploadForm, SentForm
from interop.models import Leaving
from interop.senfile_import import SenFileFailed, sen_file_import
from pupils.models import Pupil
from support.pdf import render_pdf
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _pupil(request: HttpRequest, pk: int) -> Pupil:
    user = _user(request)
    reached = access.visible_pupils(user).select_related("school", "school__la")
    return access.get_for_user(request, reached, pk, Action.TRANSFER_RECORDS)


def _leaving_of(pupil: Pupil) -> Leaving | None:
    return Leaving.objects.filter(pupil=pupil).select_related("pupil__school").first()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def leaving_page(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk)
    left = _leaving_of(pupil)
    initial = (
        {
            "leaving_date": left.leaving_date,
            "destination_name": left.destination_name,
            "destination_urn": left.destination_urn,
            "destination_la": left.destination_la,
            "destination_estab": left.destination_estab,
        }
        if left
        else {}
    )
    form = LeavingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leaving.leaving_record(
                pupil=pupil,
                leaving_date=data["leaving_date"],
                destination=leaving.Destination(
                    name=data["destination_name"],
                    urn=data["destination_urn"],
                    la=data["destination_la"],
                    estab=data["destination_estab"],
                ),
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{pupil.full_name}'s leaving has been recorded.")
            return redirect("leaving", pk=pupil.pk)
    else:
        audit.log(AuditAction.VIEW, request.user, pupil, {"part": "leaving"}, request=request)
    return render(request, "interop/leaving.html", _leaving_context(pupil, left, form))


def _leaving_context(pupil: Pupil, left: Leaving | None, form: LeavingForm) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "pupil": pupil,
        "left": left,
        "form": form,
        "sent_form": SentForm(),
        "clock": leaving.transfer_clock(left, today) if left else None,
        "keep_until": rules.keep_until(pupil.date_of_birth),
        "may_archive": left is not None
        and left.archived_on is None
        and rules.may_archive(phase=pupil.school.phase, sent_on=left.sent_on),
        "total_days": rules.TRANSFER_SCHOOL_DAYS,
    }


@login_required
@require_POST
def leaving_sent(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk)
    left = _leaving_of(pupil)
    if left is None:
        return redirect("leaving", pk=pupil.pk)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            leaving.leaving_sent(
                leaving=left, sent_on=form.cleaned_data["sent_on"], by=_user(request),
                request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The date the records were sent has been recorded.")
            return redirect("leaving", pk=pupil.pk)
    context = _leaving_context(pupil, left, LeavingForm(initial={}))
    context["sent_form"] = form
    return render(request, "interop/leaving.html", context, status=400)


@login_required
@require_POST
def leaving_archive(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk)
    left = _leaving_of(pupil)
    if left is not None:
        try:
            leaving.file_archive(
                leaving=left, today=timezone.localdate(), by=_user(request), request=request
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "This school's copy of the SEN file is archived.")
    return redirect("leaving", pk=pupil.pk)


def _export(request: HttpRequest, pupil: Pupil, fmt: str, what: str) -> None:
    audit.log(
        AuditAction.EXPORT, request.user, pupil, {"format": fmt, "document": what},
        request=request,
    )  # fmt: skip


@never_cache
@login_required
@require_GET
def leaver_ctf(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk)
    left = _leaving_of(pupil)
    if left is None:
        messages.error(request, "Record the leaving date and destination before writing the CTF.")
        return redirect("leaving", pk=pupil.pk)
    body = ctf_out.leaver_ctf(left)
    _export(request, pupil, "xml", "ctf")
    response = HttpResponse(body, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{ctf_out.file_name(left)}"'
    return response


def _destination(pupil: Pupil) -> dict[str, Any] | None:
    left = _leaving_of(pupil)
    if left is None:
        return None
    return {
        "urn": left.destination_urn,
        "la": left.destination_la,
        "estab": left.destination_estab,
        "name": left.destination_name,
    }


def _file_name(pupil: Pupil, what: str, ext: str) -> str:
    return f"{slugify(pupil.full_name) or f'pupil-{pupil.pk}'}-{what}.{ext}"


@never_cache
@login_required
@require_GET
def sen_file_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The SEN file as JSON (`?kind=plan`: the current plan alone)."""
    pupil = _pupil(request, pk)
    kind = request.GET.get("kind", "sen-file")
    if kind not in {"sen-file", "plan"}:
        return HttpResponse(
            json.dumps({"detail": "kind is sen-file or plan."}),
            status=400,
            content_type="application/json",
        )
    document = (
        senfile.plan_file(pupil)
        if kind == "plan"
        else senfile.sen_file(pupil, destination=_destination(pupil))
    )
    _export(request, pupil, "json", kind)
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(pupil, kind, "json")}"'
    return response


@never_cache
@login_required
@require_GET
def sen_file_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = _pupil(request, pk)
    document = senfile.sen_file(pupil, destination=_destination(pupil))
    body = render_pdf("interop/pdf/sen_file.html", senfile.pdf_context(document))
    _export(request, pupil, "pdf", "sen-file")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_file_name(pupil, "sen-file", "pdf")}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def sen_file_upload(request: HttpRequest) -> HttpResponse:
    """The receiving school imports a transfer pack: checked, then written all at once."""
    school = access.current_school_for(request, Action.IMPORT_PUPILS)
    form = SenFileUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"school": school, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            result = sen_file_import(
                source=form.cleaned_data["file"].read(),
                school=school,
                dry_run=False,
                by=_user(request),
                request=request,
            )
        except SenFileFailed as exc:
            context["failed"] = exc.result
        else:
            messages.success(request, f"Imported: {result.summary}.")
            for warning in result.warnings:
                messages.warning(request, warning)
            pupil = Pupil.objects.get(school=school, upn=result.upn)
            return redirect("pupil_detail", pk=pupil.pk)
    return render(request, "interop/sen_file_upload.html", context)


@never_cache
@login_required
@require_GET
def leavers(request: HttpRequest) -> HttpResponse:
    """The school's leavers whose SEN files it keeps, read-only (the SENCo and the DPO)."""
    school = access.current_school_for(request, Action.READ_LEAVERS)
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    for pupil in access.visible_leavers(_user(request), school).select_related("leaving"):
        left = getattr(pupil, "leaving", None)
        rows.append(
            {
                "pupil": pupil,
                "left": left,
                "keep_until": rules.keep_until(pupil.date_of_birth),
                "due": rules.erasure_due(
                    date_of_birth=pupil.date_of_birth,
                    leaving_date=pupil.leaving_date,
                    archived_on=left.archived_on if left else None,
                    today=today,
                ),
            }
        )
    reads.log_pupils(request, request.user, [r["pupil"].pk for r in rows], what="leavers")
    return render(request, "interop/leavers.html", {"school": school, "rows": rows})
