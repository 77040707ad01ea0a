"""The provision reports: the whole-school provision map, a pupil's costed provision map, the
notional SEN budget, impact for cost, and the provision import.

Who reads what (the access package, access.Action):
- map, impact, budget: can_read_costs (SENCo, senior leaders, the SEN governor). The map's pupil
  drill-down shows names only to roles that see named pupils (not the governor); the impact page
  has no names at all.
- a pupil's costed map: the SENCo and senior leaders, for pupils they reach (the governor and
  other roles 403; a pupil outside the user's reach 404). Every view and download is audited.
- budget changes, top-up funding, the import and its template: can_manage_provision (the SENCo).
Downloads (xlsx, PDF) are audited as exports.
"""

from typing import Any
from urllib.parse import urlencode

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

import access
from access import Action
from accounts import schooldates
from accounts.models import School, User
from audit import log as audit
from audit import reads
from audit.models import AuditAction
from provision import reports, selectors, services
from provision.models import AREA_CHOICES, Wave
from provision.reports import xlsx
from provision.services import importing
from pupils import census
from pupils.models import Pupil
from support.pdf import render_pdf
from ui.forms import Select, add_service_errors, gds_helper

TERM_CHOICES = [("", "The whole year"), *reports.TERM_LABELS.items()]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _this_year() -> int:
    return schooldates.school_year_start(timezone.localdate())


# --- forms ------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    # sendpath's Select draws its options in one template (the stock widget includes one per
    # option): the same markup.
    year = forms.TypedChoiceField(label="School year", coerce=int, required=False, widget=Select)
    term = forms.ChoiceField(label="Term", choices=TERM_CHOICES, required=False, widget=Select)

    def __init__(self, *args: Any, years: list[int], terms: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, schooldates.school_year_label(y)) for y in years]  # type: ignore[attr-defined]
        if not terms:
            del self.fields["term"]
        self.helper = gds_helper(method="get")

    def period(self, school: School) -> reports.Period:
        data = self.cleaned_data if self.is_valid() else {}
        return reports.period_for(school, data.get("year") or _this_year(), data.get("term") or "")


class MapFilterForm(PeriodForm):
    wave = forms.ChoiceField(
        label="Wave", required=False, choices=[("", "All waves"), *Wave.choices], widget=Select
    )
    area = forms.ChoiceField(
        label="Broad area of need",
        required=False,
        choices=[("", "All areas"), *AREA_CHOICES],
        widget=Select,
    )
    nc_year = forms.ChoiceField(
        label="Year group",
        required=False,
        choices=[("", "All year groups"), *census.NC_YEARS],
        widget=Select,
    )
    provision = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def filters(self) -> reports.MapFilters:
        if not self.is_valid():
            return reports.MapFilters()
        d = self.cleaned_data
        return reports.MapFilters(d["wave"], d["area"], d["nc_year"], d["provision"])


class BudgetForm(forms.Form):
    amount = forms.DecimalField(
        label="Notional SEN budget for the year, in pounds",
        min_value=0,
        max_digits=11,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(Field.text("amount", field_width=10))


class TopUpForm(forms.Form):
    amount = forms.DecimalField(
        label="EHC top-up funding for the year, in pounds",
        help_text="Element 3: the high-needs funding the local authority pays for this pupil.",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()
        self.helper.layout = Layout(Field.text("amount", field_width=10), Field.text("note"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Provision list",
        help_text=f"The template filled in: an Excel workbook (.xlsx), up to "
        f"{importing.MAX_BYTES // (1024 * 1024)} MB and {importing.MAX_ROWS:,} rows.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper()


# --- the whole-school provision map -----------------------------------------------------------


def _link(query: list[tuple[str, list[str]]], **changes: Any) -> str:
    """The query string with `changes` set (in place, as QueryDict would set them), written
    with urlencode as QueryDict.urlencode writes it. `query` is QueryDict.lists(), taken once
    for the map's hundred-odd links instead of copying the QueryDict for each."""
    pairs: list[tuple[str, object]] = []
    for key, values in query:
        if key in changes:
            pairs.append((key, changes[key]))
        else:
            pairs.extend((key, v) for v in values)
    present = {key for key, _values in query}
    pairs.extend((key, value) for key, value in changes.items() if key not in present)
    return "?" + urlencode(pairs)


def _map(
    request: HttpRequest, school: School, *, all_pupils: bool = False
) -> tuple[MapFilterForm, reports.ProvisionMap]:
    """The map as the request asks for it. The page and the PDF list the pupils behind a row
    only once a row is chosen (a filter), so only then are the pupils gathered; the spreadsheet
    (`all_pupils`) always lists them for readers who see named pupils."""
    years = reports.budget_years(school, _this_year())
    form = MapFilterForm(request.GET or None, years=years)
    filters = form.filters()
    named = access.may(_user(request), Action.READ_NAMED, school)
    report = reports.provision_map(
        school,
        form.period(school),
        filters,
        named=named and (all_pupils or filters.active),
        today=timezone.localdate(),
        threshold=access.small_number_threshold(_user(request), school),
    )
    query = list(request.GET.lists())
    for param, rows in [
        ("wave", report.by_wave),
        ("area", report.by_area),
        ("nc_year", report.by_year_group),
        ("term", report.by_term),
    ]:
        for row in rows:
            row.href = _link(query, **{param: row.key})
    for line in report.provisions:
        line.figures.href = _link(query, provision=line.provision.pk)
    return form, report


def _filter_labels(report: reports.ProvisionMap) -> list[str]:
    f = report.filters
    labels = []
    if f.wave:
        labels.append(reports.WAVE_LABELS[f.wave])
    if f.area:
        labels.append(reports.AREA_LABELS[f.area])
    if f.nc_year:
        labels.append(census.NC_YEAR_LABELS[f.nc_year])
    if f.provision:
        labels += [line.name for line in report.provisions]
    return labels


@login_required
@require_GET
def provision_map(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_COSTS)
    form, report = _map(request, school)
    query = request.GET.urlencode()
    context = {
        "school": school,
        "form": form,
        "report": report,
        "chosen": _filter_labels(report),
        "query": query,
        "named": access.may(_user(request), Action.READ_NAMED, school),
        "clear": "?" + _period_query(report.period),
    }
    if report.pupils:
        ids = [line.pupil.pk for line in report.pupils]
        reads.log_pupils(request, _user(request), ids, what="Provision map")
    template = "provision/reports/map.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


def _period_query(period: reports.Period) -> str:
    return f"year={period.start_year}" + (f"&term={period.term}" if period.term else "")


def _named_ids(request: HttpRequest, report: reports.ProvisionMap) -> list[int]:
    """The pupils the map names (none for a figure-only reader), marked as logged on the
    request: the EXPORT row carries their ids (audit/reads.py)."""
    ids = [line.pupil.pk for line in report.pupils or []]
    logged: set[int] = getattr(request, audit.LOGGED_PUPILS, set())
    setattr(request, audit.LOGGED_PUPILS, logged | set(ids))
    return ids


def _export_audit(request: HttpRequest, school: School, what: str, fmt: str, **data: Any) -> None:
    audit.log(
        AuditAction.EXPORT,
        _user(request),
        None,
        {"format": fmt, "filters": request.GET.dict(), **data},
        request=request,
        school_id=school.pk,
        object_type=what,
    )


@never_cache
@login_required
@require_GET
def provision_map_xlsx(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_COSTS)
    _form, report = _map(request, school, all_pupils=True)
    _export_audit(
        request,
        school,
        "Provision map",
        "xlsx",
        named=report.pupils is not None,
        pupil_ids=_named_ids(request, report),
    )
    stamp = timezone.localdate().isoformat()
    return xlsx.response(
        xlsx.provision_map_workbook(school, report), f"provision-map-{school.urn}-{stamp}.xlsx"
    )


@never_cache
@login_required
@require_GET
def provision_map_pdf(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_COSTS)
    _form, report = _map(request, school)
    body = render_pdf(
        "provision/reports/pdf/map.html",
        {
            "school": school,
            "report": report,
            "chosen": _filter_labels(report),
            "created": timezone.now(),
        },
    )
    _export_audit(
        request,
        school,
        "Provision map",
        "pdf",
        named=report.pupils is not None,
        pupil_ids=_named_ids(request, report),
    )
    return _pdf(body, f"provision-map-{school.urn}-{timezone.localdate().isoformat()}.pdf")


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- a pupil's costed provision map -----------------------------------------------------------


def _costed_pupil(request: HttpRequest, pk: int) -> Pupil:
    """The pupil, for the SENCo or a senior leader who reaches them: another role is 403 (the
    governor sees figures only); a pupil outside the user's reach is 404."""
    access.current_school_for(request, Action.READ_COSTED_MAP)
    reached = access.visible_pupils(_user(request)).select_related("school")
    pupil = access.get_for_user(request, reached, pk, Action.READ_COSTED_MAP)
    return pupil


def _costed(request: HttpRequest, pk: int) -> tuple[PeriodForm, reports.CostedMap]:
    pupil = _costed_pupil(request, pk)
    form = PeriodForm(request.GET or None, years=reports.budget_years(pupil.school, _this_year()))
    report = reports.costed_map(pupil, form.period(pupil.school), today=timezone.localdate())
    return form, report


def _costed_name(report: reports.CostedMap, ext: str) -> str:
    pupil = report.pupil
    who = slugify(pupil.full_name) or f"pupil-{pupil.pk}"
    return f"{who}-costed-provision-map-{report.period.start_year}{report.period.term and '-' + report.period.term}.{ext}"


def _costed_audit(request: HttpRequest, report: reports.CostedMap, action: str, fmt: str) -> None:
    audit.log(
        action,
        _user(request),
        report.pupil,
        {"document": "costed provision map", "format": fmt, "period": report.period.label},
        request=request,
        object_type="Costed provision map",
    )


@login_required
@require_GET
def pupil_costed_map(request: HttpRequest, pk: int) -> HttpResponse:
    form, report = _costed(request, pk)
    _costed_audit(request, report, AuditAction.VIEW, "page")
    pupil = report.pupil
    return render(
        request,
        "provision/reports/costed_map.html",
        {
            "pupil": pupil,
            "school": pupil.school,
            "form": form,
            "report": report,
            "query": request.GET.urlencode(),
            "can_manage": access.may(_user(request), Action.MANAGE_PROVISION, pupil.school),
        },
    )


@never_cache
@login_required
@require_GET
def pupil_costed_map_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _form, report = _costed(request, pk)
    _costed_audit(request, report, AuditAction.EXPORT, "xlsx")
    return xlsx.response(xlsx.costed_map_workbook(report), _costed_name(report, "xlsx"))


@never_cache
@login_required
@require_GET
def pupil_costed_map_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _form, report = _costed(request, pk)
    body = render_pdf(
        "provision/reports/pdf/costed_map.html",
        {
            "school": report.pupil.school,
            "pupil": report.pupil,
            "report": report,
            "created": timezone.now(),
        },
    )
    _costed_audit(request, report, AuditAction.EXPORT, "pdf")
    return _pdf(body, _costed_name(report, "pdf"))


@login_required
@require_http_methods(["GET", "POST"])
def pupil_top_up(request: HttpRequest, pk: int) -> HttpResponse:
    """The SENCo records the EHC top-up funding for a pupil for a school year."""
    pupil = _costed_pupil(request, pk)
    if not access.may(_user(request), Action.MANAGE_PROVISION, pupil.school):
        raise PermissionDenied("The SENCo records top-up funding.")
    year = _year_param(request)
    existing = pupil.top_up_funding.filter(start_year=year).first()
    initial = {"amount": existing.amount, "note": existing.note} if existing else {}
    form = TopUpForm(request.POST or None, initial=initial)
    back = reverse("pupil_costed_map", args=[pupil.pk]) + f"?year={year}"
    if request.method == "POST" and form.is_valid():
        try:
            services.top_up_set(
                pupil=pupil,
                start_year=year,
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Top-up funding for {schooldates.school_year_label(year)} saved."
            )
            return redirect(back)
    return render(
        request,
        "provision/reports/form_page.html",
        {
            "form": form,
            "title": f"EHC top-up funding for {schooldates.school_year_label(year)}",
            "caption": pupil.full_name,
            "submit": "Save the top-up funding",
            "back": back,
        },
    )


def _year_param(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else _this_year()


# --- impact for cost --------------------------------------------------------------------------


@login_required
@require_GET
def provision_impact(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_COSTS)
    form = PeriodForm(request.GET or None, years=reports.budget_years(school, _this_year()))
    report = reports.impact(
        school,
        form.period(school),
        today=timezone.localdate(),
        threshold=access.small_number_threshold(_user(request), school),
    )
    return render(
        request,
        "provision/reports/impact.html",
        {
            "school": school,
            "form": form,
            "report": report,
            "explained": reports.FORMULAS_EXPLAINED,
            "met_explained": reports.MET_TARGETS_EXPLAINED,
            "small_sample": reports.costing.SMALL_SAMPLE,
        },
    )


# --- the notional SEN budget ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def provision_budget(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_COSTS)
    user = _user(request)
    can_manage = access.may(user, Action.MANAGE_PROVISION, school)
    years = reports.budget_years(school, _this_year())
    period_form = PeriodForm(request.GET or None, years=years, terms=False)
    period = period_form.period(school)
    form = None
    if can_manage:
        data = request.POST if request.method == "POST" else None
        form = BudgetForm(data)
    elif request.method == "POST":
        raise PermissionDenied("The SENCo sets the notional SEN budget.")
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.budget_set(
                school=school,
                start_year=period.start_year,
                amount=form.cleaned_data["amount"],
                by=user,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The notional SEN budget for {period.year_label} is saved.")
            return redirect(reverse("provision_budget") + f"?year={period.start_year}")
    report = reports.budget(
        school,
        period,
        today=timezone.localdate(),
        threshold=access.small_number_threshold(user, school),
    )
    if form is not None and not form.is_bound and report.amount is not None:
        form.initial["amount"] = report.amount
    return render(
        request,
        "provision/reports/budget.html",
        {
            "school": school,
            "period_form": period_form,
            "form": form,
            "report": report,
            "can_manage": can_manage,
            "named": access.may(user, Action.READ_NAMED, school),
        },
    )


# --- importing a provision list ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def provision_import(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_PROVISION)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[importing.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.provisions_import(
                school=school, upload=upload, size=upload.size, by=_user(request), request=request
            )
        except importing.ImportFailed as exc:
            problems = exc.problems
        else:
            names = ", ".join(p.name for p in result.provisions[:20])
            more = len(result.provisions) - 20
            messages.success(
                request,
                f"{result.summary} {names}{f' and {more} more' if more > 0 else ''}.",
            )
            return redirect("provision_import")
    return render(
        request,
        "provision/reports/import.html",
        {
            "school": school,
            "form": form,
            "problems": problems,
            "columns": importing.COLUMNS,
            "max_rows": f"{importing.MAX_ROWS:,}",
        },
    )


@never_cache
@login_required
@require_GET
def provision_import_template(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_PROVISION)
    book = xlsx.import_template(school, selectors.library(school), selectors.staff_roles(school))
    return xlsx.response(book, "sendpath-provision-import.xlsx")
