"""The inspection case trace of a pupil (page and PDF), and a sample of up to six printed
together (Action.READ_CASE_TRACE, the pupil within the user's reach; each is a full view of a
pupil record and audited as one)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

import access
from access import Action
from audit import log as audit
from audit import reads
from audit.models import AuditAction
from duties import trace
from pupils.models import Pupil, RegisterEntry
from statutory.models import EHCPlan
from support.pdf import render_pdf

SAMPLE = 6


def _pupil(request: HttpRequest, pk: int) -> Pupil:
    reached = access.visible_pupils(request.user, reach="staff")  # type: ignore[arg-type]
    return access.get_for_user(request, reached, pk, Action.READ_CASE_TRACE)


def _traced(request: HttpRequest, pk: int, fmt: str) -> trace.Trace:
    pupil = _pupil(request, pk)
    audit.log(AuditAction.VIEW, request.user, pupil, {"page": "case trace"}, request=request)
    return trace.trace(pupil.pk)


@login_required
@require_GET
def sample(request: HttpRequest) -> HttpResponse:
    """Choose the sample: pupils on the register, with what makes each a kind of case."""
    school = access.current_school_for(request, Action.READ_CASE_TRACE)
    on_register = RegisterEntry.objects.filter(
        pupil=OuterRef("pk"), end_date__isnull=True, provision__in=["K", "E"]
    )
    has_plan = EHCPlan.objects.filter(pupil=OuterRef("pk"), cease_date__isnull=True)
    pupils = (
        access.visible_pupils(request.user, reach="staff")  # type: ignore[arg-type]
        .filter(school=school)
        .annotate(on_register=Exists(on_register), ehc=Exists(has_plan))
        .filter(on_register=True)
        .order_by("legal_surname", "legal_forename")
    )
    rows = list(pupils)
    reads.log_pupils(request, request.user, [p.pk for p in rows], what="Case trace sample")
    return render(
        request, "duties/trace_sample.html", {"school": school, "pupils": rows, "size": SAMPLE}
    )


@login_required
@require_GET
def pupil_trace(request: HttpRequest, pk: int) -> HttpResponse:
    return render(
        request,
        "duties/trace.html",
        {"trace": _traced(request, pk, "page"), "today": timezone.localdate()},
    )


@login_required
@require_GET
def pupil_trace_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    t = _traced(request, pk, "pdf")
    return _pdf([t], f"case-trace-{t.pupil.upn}.pdf")


@login_required
@require_GET
def sample_pdf(request: HttpRequest) -> HttpResponse:
    """The chosen pupils' traces in one PDF (?pupil=1&pupil=2…, at most six)."""
    access.current_school_for(request, Action.READ_CASE_TRACE)
    try:
        ids = list(dict.fromkeys(int(v) for v in request.GET.getlist("pupil")))
    except ValueError:
        ids = []
    if not ids or len(ids) > SAMPLE:
        raise PermissionDenied(f"Choose between 1 and {SAMPLE} pupils for the sample.")
    return _pdf([_traced(request, pk, "pdf") for pk in ids], "case-trace-sample.pdf")


def _pdf(traces: list[trace.Trace], name: str) -> HttpResponse:
    school = traces[0].pupil.school
    pdf = render_pdf(
        "duties/pdf/trace.html",
        {"traces": traces, "school": school, "created": timezone.now()},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
