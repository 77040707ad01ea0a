"""The audit trail search for the SENCo and the data protection officer, with CSV export."""

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

import access
from access import Action
from accounts.models import School
from audit import log as audit
from audit.forms import AuditSearchForm
from audit.models import AuditAction, AuditEvent
from pupils.models import Pupil
from ui import cells


def _events(request: HttpRequest, school: School) -> tuple[AuditSearchForm, QuerySet[AuditEvent]]:
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.filter(school_id=school.pk)
    if form.is_valid():
        data = form.cleaned_data
        if data["pupil"]:
            term = data["pupil"].strip()
            ids = (
                Pupil.objects.filter(school=school)
                .filter(Q(upn__iexact=term) | Q(legal_surname__iexact=term))
                .values("pk")
            )
            events = events.filter(pupil_id__in=ids)
        if data["actor"]:
            events = events.filter(actor_label__iexact=data["actor"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data["date_to"]:
            events = events.filter(
                at__lt=datetime.combine(data["date_to"] + timedelta(days=1), time.min, tzinfo=tz)
            )
    elif form.is_bound:
        events = events.none()
    return form, events.order_by("-at", "-id")


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_AUDIT)
    form, events = _events(request, school)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    pupils = {
        p.pk: p
        for p in Pupil.objects.filter(pk__in=[e.pupil_id for e in page.object_list if e.pupil_id])
    }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "pupils": pupils,
            "school": school,
            "query": query.urlencode(),
        },
    )


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_AUDIT)
    form, events = _events(request, school)
    rows = list(events[:100_000])
    audit.log(
        AuditAction.EXPORT,
        request.user,
        None,
        {"rows": len(rows), "filters": request.GET.dict()},
        request=request,
        school_id=school.pk,
        object_type="audit trail",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{school.urn}-{timezone.localdate().isoformat()}.csv"'
    )
    header = [
        "when",
        "who",
        "action",
        "object type",
        "object id",
        "object",
        "pupil id",
        "via",
        "ip address",
        "details",
    ]
    lines = (
        [
            timezone.localtime(e.at).isoformat(timespec="seconds"),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            e.object_label,
            e.pupil_id or "",
            e.via,
            e.ip_address or "",
            e.data,
        ]
        for e in rows
    )
    cells.write_csv(response, [header, *lines])
    return response
