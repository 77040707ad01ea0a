"""Attainment's pages: importing assessment data (upload, then the column mapping with a preview),
the school's thresholds for the criteria, and a pupil's progress chart against their peers."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

import access
from access import Action
from attainment import criteria, selectors, services
from attainment.forms import MappingForm, SettingsForm, UploadForm
from attainment.models import AssessmentPoint, IdentificationSettings
from people.tables import TableError, guess_mapping, read_table

UPLOADS_KEY = "sendpath_attainment_uploads"


def _uploads_folder() -> Path:
    folder = Path(settings.SENDPATH_UPLOADS_DIR) / "attainment"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file."""
    school = access.current_school_for(request, Action.IMPORT_ATTAINMENT)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            if upload.size > settings.SENDPATH_MAX_UPLOAD_BYTES:
                raise TableError("The file is too big.")
            read_table(upload.name, content)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            token = secrets.token_urlsafe(18)
            suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
            (_uploads_folder() / f"{token}{suffix}").write_bytes(content)
            pending = request.session.get(UPLOADS_KEY, {})
            pending[token] = {"school": school.pk, "user": request.user.pk, "suffix": suffix}
            request.session[UPLOADS_KEY] = pending
            return redirect("attainment_import_map", token=token)
    subjects = school.subjects.all()
    return render(
        request, "attainment/import.html", {"school": school, "form": form, "subjects": subjects}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def import_map(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: which column is which (and a new subject's scale), a preview, then confirm."""
    school = access.current_school_for(request, Action.IMPORT_ATTAINMENT)
    entry = request.session.get(UPLOADS_KEY, {}).get(token)
    path = _uploads_folder() / f"{token}{(entry or {}).get('suffix', '.csv')}"
    if not entry or entry.get("school") != school.pk or entry.get("user") != request.user.pk:
        messages.error(request, "That upload has expired or is not yours: upload the file again.")
        return redirect("attainment_import")
    if not path.is_file():
        messages.error(request, "That upload has expired: upload the file again.")
        return redirect("attainment_import")
    table = read_table(path.name, path.read_bytes())
    guessed = guess_mapping(table.headers, services.SYNONYMS)
    initial = {k: table.headers[i] for k, i in guessed.items() if i is not None}
    form = MappingForm(request.POST or None, headers=table.headers, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scale = None
        if data.get("new_min") is not None and data.get("new_max") is not None:
            scale = services.NewScale(
                data["new_min"], data["new_max"], data["lower_is_better"], data["new_kind"]
            )
        confirm = request.POST.get("confirm") == "1"
        try:
            result = services.import_points(
                school=school,
                table=table,
                columns=form.columns(),
                today=timezone.localdate(),
                new_scale=scale,
                dry_run=not confirm,
                by=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except services.ImportFailed as exc:
            result = exc.result
        else:
            if confirm:
                path.unlink(missing_ok=True)
                pending = request.session.get(UPLOADS_KEY, {})
                pending.pop(token, None)
                request.session[UPLOADS_KEY] = pending
                messages.success(
                    request,
                    f"Imported {result.created} new assessment points, {result.updated} updated "
                    f"({result.unchanged} unchanged).",
                )
                return redirect("pupils_to_look_at")
    return render(
        request,
        "attainment/import_map.html",
        {"school": school, "form": form, "result": result, "table": table,
         "sample": table.rows[:3], "token": token},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def identification_settings(request: HttpRequest) -> HttpResponse:
    """The SENCo's thresholds for the four criteria."""
    school = access.current_school_for(request, Action.SET_IDENTIFICATION)
    row = IdentificationSettings.objects.filter(school=school).first()
    row = row or IdentificationSettings(school=school)
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in SettingsForm.Meta.fields}
        services.settings_save(school=school, data=data, by=request.user, request=request)  # type: ignore[arg-type]
        messages.success(request, "The thresholds are saved.")
        return redirect("identification_settings")
    return render(
        request,
        "attainment/settings.html",
        {"school": school, "form": form, "defaults": criteria.Thresholds()},
    )


@login_required
def pupil_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """A pupil's scores in each subject against the middle half of their peers', as a chart and
    as a table (for screen readers and for print)."""
    pupil = access.get_for_user(request, access.visible_pupils(request.user), pk)  # type: ignore[arg-type]
    today = timezone.localdate()
    series, results, subjects = selectors.pupil_progress(pupil.pk, pupil.school_id, today)
    charts = [
        {
            "id": f"progress-data-{n}",
            "subject": name,
            "rows": rows,
            "result": results.get(name),
            "scale": subjects[name],
            "data": {
                "labels": [r.window.strftime("%b %Y") for r in rows],
                "score": [r.score for r in rows],
                "low": [r.peer_low for r in rows],
                "median": [r.peer_median for r in rows],
                "high": [r.peer_high for r in rows],
                "min": subjects[name].min_score,
                "max": subjects[name].max_score,
            },
        }
        for n, (name, rows) in enumerate(series.items(), start=1)
    ]
    may_remove = access.may(request.user, Action.REMOVE_ASSESSMENT_POINT, pupil)  # type: ignore[arg-type]
    points = pupil.assessment_points.select_related("subject") if may_remove else []
    return render(
        request,
        "attainment/progress.html",
        {"pupil": pupil, "charts": charts, "labels": criteria.CRITERIA_LABELS, "today": today,
         "points": points},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def point_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The SENCo removes a wrongly entered assessment point, after confirming."""
    visible = AssessmentPoint.objects.filter(
        pupil__in=access.visible_pupils(request.user)  # type: ignore[arg-type]
    ).select_related("subject", "pupil")
    point = access.get_for_user(request, visible, pk, Action.REMOVE_ASSESSMENT_POINT)
    back = reverse("pupil_progress", args=[point.pupil_id])
    if request.method == "POST":
        services.point_remove(point=point, by=request.user, request=request)  # type: ignore[arg-type]
        messages.success(request, "The assessment point is removed.")
        return redirect(back)
    return render(request, "attainment/point_remove.html", {"point": point, "back": back})
