"""The published SEN information report at its stable public address, with no sign-in:
/schools/<URN>/sen-information-report/ and its PDF. It shows nothing but the published version:
its own words and its frozen figures, small numbers suppressed; no draft, no comment, no name of
a pupil or a parent, and no staff navigation even for a signed-in reader."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from duties.models import InformationReport, ReportStatus
from duties.sections import LANGUAGES as TRANSLATED
from duties.sections import SECTIONS
from support.pdf import render_pdf

ENGLISH = {"en": "English"}


def _published(urn: str) -> InformationReport:
    report = (
        InformationReport.objects.filter(school__urn=urn, status=ReportStatus.PUBLISHED)
        .select_related("school")
        .first()
    )
    if report is None:
        raise Http404("This school has not published an SEN information report here.")
    return report


def _offered(report: InformationReport) -> dict[str, str]:
    """English and the translations the school chose for the report (shipped ones only)."""
    return ENGLISH | {c: name for c, name in TRANSLATED.items() if c in report.languages}


def _context(report: InformationReport, language: str) -> dict[str, object]:
    return {
        "report": report,
        "school": report.school,
        "sections": [(s, report.texts.get(s.key, "")) for s in SECTIONS],
        "figures": report.figures,
        "threshold": settings.SENDPATH_SMALL_NUMBER_THRESHOLD,
        "language": language,
        "languages": _offered(report),
    }


def _language(request: HttpRequest, report: InformationReport) -> str:
    chosen = request.GET.get("lang", "en")
    return chosen if chosen in _offered(report) else "en"


@require_GET
@cache_control(public=True, max_age=300)
def public_report(request: HttpRequest, urn: str) -> HttpResponse:
    report = _published(urn)
    language = _language(request, report)
    with translation.override(language):
        response = render(request, "duties/public/report.html", _context(report, language))
    response["Content-Language"] = language
    return response


@require_GET
@cache_control(public=True, max_age=300)
def public_report_pdf(request: HttpRequest, urn: str) -> HttpResponse:
    report = _published(urn)
    language = _language(request, report)
    with translation.override(language):
        context = _context(report, language) | {"created": report.published_on}
        pdf = render_pdf("duties/pdf/report.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"sen-information-report-{report.school.urn}-v{report.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
