"""Staff pages: the school home, the SEN register and register decisions (the pupil record, which
shows support and provision too, is in records/views.py)."""

from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from openpyxl import Workbook

import access
from access import Action
from accounts.models import School, User
from accounts.schooldates import short_date
from audit import log as audit
from audit import reads
from audit.models import AuditAction
from audit.versions import refuse_stale
from pupils import census, selectors, services
from pupils.forms import (
    NeedEndForm,
    NeedForm,
    ParentsInformedForm,
    PupilEditForm,
    PupilForm,
    RegisterFilterForm,
)
from pupils.models import Need, Pupil, RegisterEntry, TeachingGroup
from ui import cells
from ui.forms import add_service_errors
from ui.links import pk_url

REGISTER_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def school_home(
    request: HttpRequest, panels: Callable[[HttpRequest, School], list[str]] | None = None
) -> HttpResponse:
    """The school's home. `panels`, given by the page above pupils that serves this URL
    (records.home_views), renders what other apps add (the concerns waiting for a decision)."""
    school = access.current_school_for(request, Action.USE_STAFF_AREA)
    user = _user(request)
    named = access.may(user, Action.READ_NAMED, school)
    can_change = access.may(user, Action.CHANGE_REGISTER, school)
    return render(
        request,
        "pupils/school_home.html",
        {
            "school": school,
            "counts": selectors.register_counts(Pupil.objects.filter(school=school)),
            "named": named,
            "can_change": can_change,
            "can_add_pupil": access.may(user, Action.EDIT_PUPIL, school),
            "can_read_costs": access.may(user, Action.READ_COSTS, school),
            "can_read_compliance": access.may(user, Action.READ_COMPLIANCE, school),
            "can_look_at": access.may(user, Action.READ_PROGRESS_FLAGS, school),
            "duties": {
                "report": access.may(user, Action.READ_INFORMATION_REPORT, school),
                "governors": access.may(user, Action.READ_GOVERNORS_REPORT, school),
                "training": access.may(user, Action.READ_TRAINING, school),
                "deployment": access.may(user, Action.READ_TA_DEPLOYMENT, school),
                "traces": access.may(user, Action.READ_CASE_TRACE, school),
            },
            "panels": panels(request, school) if panels else [],
            # Shown only to those who cannot change the register (they see a part of it).
            "my_pupils": access.visible_pupils(user, school).count()
            if named and not can_change
            else None,
        },
    )


def _register_filters(
    request: HttpRequest, school: School
) -> tuple[RegisterFilterForm, selectors.RegisterFilters]:
    groups = TeachingGroup.objects.filter(
        school=school, school_year__start_year=_start_year()
    ).order_by("name")
    form = RegisterFilterForm(request.GET or None, groups=groups)
    if not form.is_valid():
        return form, selectors.RegisterFilters()
    data = form.cleaned_data
    return form, selectors.RegisterFilters(
        q=data["q"],
        provision=data["provision"],
        need=data["need"],
        area=data["area"],
        year=data["year"],
        group=data["group"],
        told=data["told"],
    )


def _start_year() -> int:
    from accounts.schooldates import school_year_start

    return school_year_start(timezone.localdate())


class _CountedPaginator(Paginator):
    """A paginator given its count: register_counts counts the matching pupils in the same pass
    as its other figures, so the page needs no COUNT query of its own."""

    def __init__(self, object_list: QuerySet[Pupil], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._count


def _table_rows(page: Page[Pupil]) -> list[dict[str, Any]]:
    """The register table's cells, one dict per pupil. Django's template lookup tries `row[key]`
    before `row.key`: on a model instance that raises (and catches) a TypeError for every cell,
    which doubled the cost of rendering the table's 50 rows."""
    return [
        {
            "pk": p.pk,
            "surname": p.surname,
            "forename": p.forename,
            "upn": p.upn,
            "nc_year_label": p.nc_year_label,
            "provision": p.provision,  # type: ignore[attr-defined]
            "parents_informed_on": p.parents_informed_on,  # type: ignore[attr-defined]
            "primary_need": p.primary_need,  # type: ignore[attr-defined]
            "secondary_need": p.secondary_need,  # type: ignore[attr-defined]
            "on_register_since": p.on_register_since,  # type: ignore[attr-defined]
            # Written once here rather than by a tag or filter per cell in the template.
            "url": pk_url("pupil_detail", p.pk),
            "primary_need_label": census.SEN_TYPE_LABELS.get(p.primary_need or "", ""),  # type: ignore[attr-defined]
            "secondary_need_label": census.SEN_TYPE_LABELS.get(p.secondary_need or "", ""),  # type: ignore[attr-defined]
            "since": short_date(p.on_register_since) if p.on_register_since else "",  # type: ignore[attr-defined]
        }
        for p in page.object_list
    ]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_NAMED)
    form, filters = _register_filters(request, school)
    visible = access.visible_pupils(_user(request), school)
    counts = selectors.register_counts(visible, matching=filters)
    rows = selectors.register(visible, filters)
    paginator = (
        Paginator(rows, REGISTER_PAGE_SIZE)
        if counts.matching is None
        else _CountedPaginator(rows, REGISTER_PAGE_SIZE, count=counts.matching)
    )
    page: Page[Pupil] = paginator.get_page(request.GET.get("page"))
    reads.log_read(request, _user(request), page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "school": school,
        "form": form,
        "page": page,
        "rows": _table_rows(page),
        "counts": counts,
        "query": query.urlencode(),
        "caption": {"N": "Pupils not on the register", "all": "All pupils"}.get(
            form.cleaned_data.get("provision", "") if form.is_valid() else "",
            "Pupils on the register",
        ),
        "whole_school": access.has_role(_user(request), school, access.WHOLE_SCHOOL_ROLES),
        "provision_labels": census.SEN_PROVISION_LABELS,
        "need_labels": census.SEN_TYPE_LABELS,
    }
    template = "pupils/register.html#results" if request.htmx else "pupils/register.html"  # type: ignore[attr-defined]
    return render(request, template, context)


EXPORT_COLUMNS = [
    "UPN",
    "Surname",
    "Forename",
    "Year",
    "Date of birth",
    "Sex",
    "SEN provision",
    "Since",
    "Primary need",
    "Secondary need",
    "Broad area",
    "Parents told",
]


def _export_rows(rows: object) -> list[list[str]]:
    out = []
    for p in rows:  # type: ignore[attr-defined]
        out.append(
            [
                p.upn,
                p.surname,
                p.forename,
                p.nc_year,
                p.date_of_birth.isoformat(),
                p.sex,
                p.provision,
                p.on_register_since.isoformat() if p.on_register_since else "",
                p.primary_need or "",
                p.secondary_need or "",
                census.BROAD_AREA_LABELS[census.broad_area(p.primary_need)]
                if p.primary_need
                else "",
                p.parents_informed_on.isoformat() if p.parents_informed_on else "not yet",
            ]
        )
    return out


@login_required
def register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_NAMED)
    form, filters = _register_filters(request, school)
    pupils = list(selectors.register(access.visible_pupils(_user(request), school), filters))
    data = _export_rows(pupils)
    audit.log(
        AuditAction.EXPORT,
        _user(request),
        None,
        {
            "format": fmt,
            "rows": len(data),
            "filters": request.GET.dict(),
            "pupil_ids": [p.pk for p in pupils],
        },
        request=request,
        school_id=school.pk,
        object_type="SEN register",
    )
    stamp = timezone.localdate().isoformat()
    filename = f"sen-register-{school.urn}-{stamp}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        cells.write_csv(response, [EXPORT_COLUMNS, *data])
        return response
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "SEN register"
    for row in [EXPORT_COLUMNS, *data]:
        cells.append(sheet, row)
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def pupil_create(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.EDIT_PUPIL)
    user = _user(request)
    form = PupilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pupil = services.pupil_create(
                school=school, data=form.cleaned_data, by=user, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{pupil.full_name} has been added.")
            return redirect("pupil_detail", pk=pupil.pk)
    return render(
        request, "pupils/pupil_form.html", {"form": form, "school": school, "title": "Add a pupil"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def pupil_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    pupil = access.get_for_user(request, access.visible_pupils(user), pk, Action.EDIT_PUPIL)
    form = PupilEditForm(
        request.POST or None,
        instance=Pupil.objects.get(pk=pupil.pk),
        initial={"version": pupil.version},
    )
    their_changes: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.pupil_update(pupil=pupil, data=data, version=version, by=user, request=request)
        except ValidationError as exc:
            their_changes = refuse_stale(
                form, exc, Pupil.objects.get(pk=pupil.pk), services.PUPIL_FIELDS
            )
        else:
            messages.success(request, "The pupil's details have been saved.")
            return redirect("pupil_detail", pk=pupil.pk)
    return render(
        request,
        "pupils/pupil_form.html",
        {
            "form": form,
            "pupil": pupil,
            "title": f"Change details for {pupil.full_name}",
            "their_changes": their_changes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def parents_informed(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    user = _user(request)
    pupil = access.get_for_user(request, access.visible_pupils(user), pk, Action.CHANGE_REGISTER)
    entry = get_object_or_404(RegisterEntry, pk=entry_pk, pupil=pupil)
    form = ParentsInformedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_record_parents_informed(
                entry=entry,
                informed_on=data["informed_on"],
                how=data["how"],
                note=data["note"],
                by=user,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Recorded how the parents were told.")
            return redirect("pupil_detail", pk=pupil.pk)
    contacts = pupil.family_links.select_related("contact").filter(parental_responsibility=True)
    return render(
        request,
        "pupils/parents_informed.html",
        {"form": form, "pupil": pupil, "entry": entry, "contacts": contacts},
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    pupil = access.get_for_user(request, access.visible_pupils(user), pk, Action.CHANGE_REGISTER)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.need_add(
                pupil=pupil,
                need_type=data["need_type"],
                rank=data["rank"],
                start_date=data["start_date"],
                description=data["description"],
                by=user,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The need has been recorded.")
            return redirect("pupil_detail", pk=pupil.pk)
    return render(request, "pupils/need_form.html", {"form": form, "pupil": pupil})


@login_required
@require_http_methods(["GET", "POST"])
def need_end(request: HttpRequest, pk: int, need_pk: int) -> HttpResponse:
    user = _user(request)
    pupil = access.get_for_user(request, access.visible_pupils(user), pk, Action.CHANGE_REGISTER)
    need = get_object_or_404(Need, pk=need_pk, pupil=pupil)
    form = NeedEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_end(
                need=need, end_date=form.cleaned_data["end_date"], by=user, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{need.label} ended.")
            return redirect("pupil_detail", pk=pupil.pk)
    return render(request, "pupils/need_end.html", {"form": form, "pupil": pupil, "need": need})


@login_required
@require_http_methods(["GET", "POST"])
def school_switch(request: HttpRequest) -> HttpResponse:
    """Choose which of your schools to work in; 403 without a staff role at any school (parents,
    LA and trust officers have no school to switch to)."""
    access.current_school_for(request, Action.USE_STAFF_AREA)
    schools = access.staff_schools(_user(request))
    if request.method == "POST":
        chosen = request.POST.get("school")
        school = next((s for s in schools if str(s.pk) == chosen), None)
        if school is None:
            raise Http404("No such school.")
        request.session[access.SESSION_SCHOOL_KEY] = school.pk
        messages.success(request, f"You are now working in {school.name}.")
        return redirect(reverse("school_home"))
    return render(request, "pupils/school_switch.html", {"schools": schools})
