"""The SEN information report in the staff area: the current version with its sections and the
figures from the records, the version history, co-production comments, publication and the
record of sending it to the LA (Action.READ_INFORMATION_REPORT; writes
Action.MANAGE_INFORMATION_REPORT)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import access
from access import Action
from accounts import schooldates
from accounts.models import User
from duties import figures, services
from duties.forms import AnswerForm, DateForm, ReportTextsForm, SentToLAForm, ShareForm
from duties.models import InformationReport, ReportComment, ReportStatus
from duties.sections import SECTIONS
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reports(request: HttpRequest) -> Any:
    """Reports of the schools where the user is staff (the role question is access.may's)."""
    schools = access.schools_where(_user(request), access.STAFF_ROLES)
    return InformationReport.objects.filter(school_id__in=schools).select_related("school")


def report_context(report: InformationReport, today: Any) -> dict[str, Any]:
    """The sections with their texts and figures: frozen for a published version, from the
    records now for a draft. Figures are shown with small numbers suppressed, as published."""
    if report.status in {ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED} and report.figures:
        data = report.figures
    else:
        data = figures.report_figures(report.school, report.start_year, today)
    return {
        "report": report,
        "school": report.school,
        "sections": [(s, report.texts.get(s.key, "")) for s in SECTIONS],
        "figures": data,
        "threshold": settings.SENDPATH_SMALL_NUMBER_THRESHOLD,
    }


@login_required
@require_GET
def report_home(request: HttpRequest) -> HttpResponse:
    """The latest version of the report, or a start if there is none."""
    school = access.current_school_for(request, Action.READ_INFORMATION_REPORT)
    latest = InformationReport.objects.filter(school=school).select_related("school").first()
    if latest is not None:
        return _report_page(request, latest)
    return render(
        request,
        "duties/report_start.html",
        {
            "school": school,
            "may_manage": access.may(_user(request), Action.MANAGE_INFORMATION_REPORT, school),
            "year_label": schooldates.school_year_label(
                figures.last_school_year(timezone.localdate())
            ),
        },
    )


@login_required
@require_GET
def report_version(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_for_user(request, _reports(request), pk, Action.READ_INFORMATION_REPORT)
    return _report_page(request, report)


def _report_page(request: HttpRequest, report: InformationReport) -> HttpResponse:
    user = _user(request)
    context = report_context(report, timezone.localdate())
    context |= {
        "may_manage": access.may(user, Action.MANAGE_INFORMATION_REPORT, report),
        "versions": InformationReport.objects.filter(school_id=report.school_id).order_by(
            "-number"
        ),
        "comments": report.comments.all(),
        "shares": report.shares.select_related("contact"),
        "public_url": reverse("public_information_report", args=[report.school.urn]),
    }
    return render(request, "duties/report.html", context)


@login_required
@require_POST
def report_new(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_INFORMATION_REPORT)
    try:
        report = services.report_start(
            school=school,
            start_year=figures.last_school_year(timezone.localdate()),
            by=_user(request),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("information_report")
    messages.success(request, f"Version {report.number} started from the last version's words.")
    return redirect("information_report_edit", pk=report.pk)


def _form_page(request: HttpRequest, form: Any, report: InformationReport, **extra: Any) -> Any:
    return render(
        request,
        "duties/form_page.html",
        {
            "form": form,
            "caption": f"SEN information report, version {report.number}",
            "back": reverse("information_report_version", args=[report.pk]),
            **extra,
        },
    )


def _manageable(request: HttpRequest, pk: int) -> InformationReport:
    return access.get_for_user(request, _reports(request), pk, Action.MANAGE_INFORMATION_REPORT)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _manageable(request, pk)
    form = ReportTextsForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_edit(
                report=report,
                texts=form.texts(),
                languages=form.cleaned_data["languages"],
                version=form.cleaned_data["version"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The report's sections are saved.")
            return redirect("information_report_version", pk=report.pk)
    return _form_page(
        request, form, report, title="Edit the school's own words", submit="Save the sections"
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_share(request: HttpRequest, pk: int) -> HttpResponse:
    report = _manageable(request, pk)
    form = ShareForm(request.POST or None, school_id=report.school_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_share(
                report=report,
                contacts=list(form.cleaned_data["contacts"]),
                forum=form.cleaned_data["forum"],
                comments_close_on=form.cleaned_data["comments_close_on"],
                on=timezone.localdate(),
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The draft is shared for comments in the family area.")
            return redirect("information_report_version", pk=report.pk)
    return _form_page(
        request, form, report, title="Share the draft with parents", submit="Share the draft"
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = _manageable(request, pk)
    form = DateForm(
        request.POST or None,
        label="Publication date",
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_publish(
                report=report, on=form.cleaned_data["on"], by=_user(request), request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The report is published at its public address.")
            return redirect("information_report_version", pk=report.pk)
    return _form_page(
        request,
        form,
        report,
        title="Publish this version",
        submit="Publish",
        lede="Its figures are fixed from the records as they are now, and it replaces the "
        "version published before.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_sent_to_la(request: HttpRequest, pk: int) -> HttpResponse:
    report = _manageable(request, pk)
    form = SentToLAForm(
        request.POST or None,
        label="Date sent to the local authority",
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_sent_to_la(
                report=report,
                on=form.cleaned_data["on"],
                how=form.cleaned_data["how"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Recorded as sent to the local authority.")
            return redirect("information_report_version", pk=report.pk)
    return _form_page(
        request, form, report, title="Sent to the LA for the Local Offer", submit="Record it"
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    schools = access.schools_where(_user(request), access.STAFF_ROLES)
    reached = ReportComment.objects.filter(report__school_id__in=schools).select_related("report")
    comment = access.get_for_user(request, reached, pk, Action.MANAGE_INFORMATION_REPORT)
    form = AnswerForm(
        request.POST or None,
        initial={"reply": comment.reply, "change_made": comment.change_made},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_answer(
                comment=comment,
                reply=form.cleaned_data["reply"],
                change_made=form.cleaned_data["change_made"],
                on=timezone.localdate(),
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your answer is kept with the comment.")
            return redirect("information_report_version", pk=comment.report_id)
    return _form_page(
        request,
        form,
        comment.report,
        title=f"Answer {comment.author_name}'s comment",
        submit="Save the answer",
        quote=comment.text,
    )
