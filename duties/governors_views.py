"""The governors' and leaders' termly report, page and PDF (Action.READ_GOVERNORS_REPORT):
figures only, small numbers suppressed for every reader."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

import access
from access import Action
from accounts import schooldates
from accounts.models import School
from audit import log as audit
from audit.models import AuditAction
from duties import governors
from provision import reports
from support.pdf import render_pdf
from ui.forms import Select, gds_helper

TERMS = [("", "The whole year"), ("autumn", "Autumn"), ("spring", "Spring"), ("summer", "Summer")]


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label="School year", coerce=int, required=False, widget=Select)
    term = forms.ChoiceField(label="Term", choices=TERMS, required=False, widget=Select)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, schooldates.school_year_label(y)) for y in years]  # type: ignore[attr-defined]
        self.helper = gds_helper(method="get")


def _period(request: HttpRequest, school: School) -> tuple[PeriodForm, reports.Period]:
    today = timezone.localdate()
    this_year = schooldates.school_year_start(today)
    form = PeriodForm(request.GET or None, years=[this_year - i for i in range(4)])
    data = form.cleaned_data if form.is_valid() else {}
    term = data.get("term") if request.GET else _current_term(school, today)
    return form, reports.period_for(school, data.get("year") or this_year, term or "")


def _current_term(school: School, today: Any) -> str:
    for window in reports.period_for(school, schooldates.school_year_start(today)).windows:
        if window.start <= today <= window.end:
            return window.name
    return ""


def _context(request: HttpRequest) -> dict[str, Any]:
    school = access.current_school_for(request, Action.READ_GOVERNORS_REPORT)
    form, period = _period(request, school)
    return {
        "school": school,
        "form": form,
        "report": governors.governors_report(school, period, timezone.localdate()),
        "threshold": settings.SENDPATH_SMALL_NUMBER_THRESHOLD,
        "query": request.GET.urlencode(),
        "created": timezone.now(),
    }


@login_required
@require_GET
def governors_report(request: HttpRequest) -> HttpResponse:
    return render(request, "duties/governors.html", _context(request))


@login_required
@require_GET
def governors_report_pdf(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    pdf = render_pdf("duties/pdf/governors.html", context)
    audit.log(
        AuditAction.EXPORT, request.user, context["school"], {"format": "pdf"}, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="sen-governors-report.pdf"'
    return response
